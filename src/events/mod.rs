//! Events: "what happened, where and when?"
//!
//! An [`Event`] is a raid, handover, deportation, release, relocation, ... with a
//! date and its precision, one or more places (each a gazetteer place with a
//! point and a precision radius), optional origin and destination for movements,
//! persons counts by kind as low/best/high, and every source that reported it
//! with the figure that source claims, so that conflicting claims stay side by
//! side.
//!
//! Events are read from CSV (ACLED-like columns, place names resolved through the
//! gazetteer) and GeoJSON (see [`read_csv`] and [`read_geojson`]), and written back
//! as GeoJSON. Every reader (those two, the flags of `scamatlas events add`)
//! only fills a [`Draft`]; one [`validate`] step turns it into an [`Event`] or
//! names every problem by [`Field`], and the reader adds its file and line or
//! feature.

mod draft;
mod geojson;
mod load;
pub mod packed;
mod read;
mod store;
#[doc(hidden)]
pub mod synthetic;
mod time;
mod validate;
mod write;

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::error::UnknownName;
use crate::geom::LonLat;

pub use draft::{CountDraft, Draft, Field, Invalid, Issue, PlaceDraft, PointDraft, SourceDraft};
pub use geojson::{
    event_to_feature, events_to_geojson, read_feature, read_geojson, write_geojson,
    write_geojson_with, FeatureRead, DERIVED_PROPERTIES, READ_PROPERTIES,
};
pub use load::{load, read_input, read_path, EventInput, EventsError, Loaded, BUNDLED_PATH};
pub use packed::PackedEvents;
pub use read::{read_csv, Problem, ReadReport, CSV_COLUMNS};
pub(crate) use store::{persist, temp_beside};
pub use store::{write_atomic, WriteLock};
pub use time::{DateError, DatePrecision, EventDate, TimeRange};
pub use validate::{validate, Rules, Validated, MAX_RADIUS_M};
pub use write::write_csv;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Raid,
    Handover,
    Deportation,
    Extradition,
    Release,
    Rescue,
    Relocation,
    Offensive,
    Capture,
    Demolition,
    Sanction,
    PowerCut,
    Other,
}

impl EventType {
    pub const ALL: [EventType; 13] = [
        EventType::Raid,
        EventType::Handover,
        EventType::Deportation,
        EventType::Extradition,
        EventType::Release,
        EventType::Rescue,
        EventType::Relocation,
        EventType::Offensive,
        EventType::Capture,
        EventType::Demolition,
        EventType::Sanction,
        EventType::PowerCut,
        EventType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Raid => "raid",
            EventType::Handover => "handover",
            EventType::Deportation => "deportation",
            EventType::Extradition => "extradition",
            EventType::Release => "release",
            EventType::Rescue => "rescue",
            EventType::Relocation => "relocation",
            EventType::Offensive => "offensive",
            EventType::Capture => "capture",
            EventType::Demolition => "demolition",
            EventType::Sanction => "sanction",
            EventType::PowerCut => "power_cut",
            EventType::Other => "other",
        }
    }

    /// Whether events of this type move people from an origin to a destination.
    #[must_use]
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            EventType::Handover
                | EventType::Deportation
                | EventType::Extradition
                | EventType::Relocation
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "event type",
                value: s.to_string(),
                expected: format!(
                    "one of {}",
                    EventType::ALL.map(EventType::as_str).join(", ")
                ),
            })
    }
}

/// Who was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountKind {
    Arrested,
    HandedOver,
    Deported,
    Released,
    Rescued,
    Trafficked,
    Other,
}

impl CountKind {
    pub const ALL: [CountKind; 7] = [
        CountKind::Arrested,
        CountKind::HandedOver,
        CountKind::Deported,
        CountKind::Released,
        CountKind::Rescued,
        CountKind::Trafficked,
        CountKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CountKind::Arrested => "arrested",
            CountKind::HandedOver => "handed_over",
            CountKind::Deported => "deported",
            CountKind::Released => "released",
            CountKind::Rescued => "rescued",
            CountKind::Trafficked => "trafficked",
            CountKind::Other => "other",
        }
    }
}

impl FromStr for CountKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        CountKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "count kind",
                value: s.to_string(),
                expected: format!(
                    "one of {}",
                    CountKind::ALL.map(CountKind::as_str).join(", ")
                ),
            })
    }
}

/// How many people of one kind, as a range: `best` is the figure used for
/// weighting; `low` and `high` are the smallest and largest figures claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub kind: CountKind,
    pub low: u64,
    pub best: u64,
    pub high: u64,
}

/// One report of the event, with the figure it claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Publication date, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
    /// The number of people this source reports, and of which kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_kind: Option<CountKind>,
}

/// Where an event happened: a place as written, and what it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPlace {
    /// The gazetteer id (`kk_park`, `gn:1152188`), when the place was resolved
    /// through the gazetteer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CompactString>,
    /// The name as written in the input.
    pub name: CompactString,
    pub point: LonLat,
    /// Radius around `point` within which the event happened, in metres.
    pub radius_m: f64,
    /// How the name was resolved (`alias "Laukkaing" of laukkai, score 1.07`), or
    /// `coordinates given`.
    #[serde(default, skip_serializing_if = "CompactString::is_empty")]
    pub resolution: CompactString,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable string id (`E042`).
    pub id: CompactString,
    pub date: EventDate,
    pub event_type: EventType,
    /// Where it happened; at least one. Several for events reported at several
    /// places at once ("Myawaddy; Payathonzu").
    pub places: Vec<EventPlace>,
    /// Where people or operations came from, for movements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Box<EventPlace>>,
    /// Where they went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Box<EventPlace>>,
    pub counts: Vec<Count>,
    /// At least one.
    pub sources: Vec<Source>,
    pub actors: Vec<String>,
    pub notes: String,
    /// A running total announced at that date (cumulative deportations, say),
    /// not one event's figure: left out of persons-weighted analyses.
    #[serde(default)]
    pub aggregate: bool,
}

impl Event {
    /// The representative point: the first place's.
    #[must_use]
    pub fn point(&self) -> LonLat {
        self.places
            .first()
            .map_or(LonLat { lon: 0.0, lat: 0.0 }, |p| p.point)
    }

    /// The largest precision radius of its places, in metres.
    #[must_use]
    pub fn radius_m(&self) -> f64 {
        self.places.iter().map(|p| p.radius_m).fold(0.0, f64::max)
    }

    /// The number of people involved, for weighting: the largest best figure of
    /// any kind (kinds overlap: the arrested are later handed over), 0 if none.
    #[must_use]
    pub fn persons_best(&self) -> u64 {
        self.counts.iter().map(|c| c.best).max().unwrap_or(0)
    }
}

/// Whether a source link is something a reader can open: a web address, or a
/// `file://` URL of a document the analyst holds (draft events from
/// `scamatlas geoparse` name the article file that way until its web address
/// is filled in). Every event names its source.
#[must_use]
pub fn is_source_url(url: &str) -> bool {
    url.starts_with("http://")
        || url.starts_with("https://")
        || url.strip_prefix("file://").is_some_and(|p| p.len() > 1)
}

/// A time range and a set of event types to keep; empty means keep all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub time: Option<TimeRange>,
    pub types: Vec<EventType>,
}

impl Filter {
    /// Whether the event passes the filter.
    #[must_use]
    pub fn matches(&self, event: &Event) -> bool {
        self.time.is_none_or(|t| t.overlaps(&event.date))
            && (self.types.is_empty() || self.types.contains(&event.event_type))
    }

    /// The events that pass, in order.
    #[must_use]
    pub fn select(&self, events: &[Event]) -> Vec<Event> {
        events.iter().filter(|e| self.matches(e)).cloned().collect()
    }
}
