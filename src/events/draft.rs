//! A draft: an event as an input gives it, before any check.
//!
//! Every reader fills a [`Draft`] the same way whatever it reads (a CSV row,
//! a GeoJSON feature, the flags of `scamatlas events add`, an edit's JSON
//! body), and [`validate`](super::validate) turns it into an [`Event`](super::Event)
//! or names every problem by [`Field`]. A reader only says how its input is
//! laid out; what a valid date, type, count, place or source is lives in one
//! place.

use std::fmt;

use super::{DateError, EventPlace, EventType, UnknownName};
use crate::gazetteer::ResolveError;
use crate::geom::CoordError;

/// An event as written in its input: text as given (trimmed or not), and the
/// records of files that carry them whole (GeoJSON `places`, `counts`,
/// `sources`), not yet checked. Empty text means "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub id: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub date: String,
    /// `day`, `month` or `year`; empty: as precise as `date`.
    pub date_precision: String,
    /// Last day of a multi-day event, `YYYY-MM-DD`.
    pub end_date: String,
    pub event_type: String,
    /// Place names to resolve through the gazetteer: several joined with `;`
    /// or `/`, `A -> B` a movement from A to B, a `(...)` remark goes to the
    /// notes (`(cumulative)` marks a running total). When `place_ids` or
    /// `points` are given, this is only the name they are shown with.
    pub place: String,
    /// Gazetteer ids of the places, `;`-separated, taken as they are.
    pub place_ids: String,
    /// Coordinates given instead of place names.
    pub points: Vec<PointDraft>,
    /// Precision radius of `points`, in metres.
    pub radius_m: String,
    /// Country hint for resolving the names (code or name).
    pub country: String,
    pub origin: Option<PlaceDraft>,
    pub destination: Option<PlaceDraft>,
    /// Places already resolved, as scamatlas writes them; when given, they
    /// are the event's places.
    pub places: Vec<EventPlace>,
    /// One count of people, as text.
    pub count: CountDraft,
    /// Counts given whole (GeoJSON `counts`), beside `count`, as text.
    pub counts: Vec<CountDraft>,
    /// The one source the input names alone; used when `sources` is empty.
    /// It claims `count`.
    pub source: SourceDraft,
    /// Sources given whole (GeoJSON `sources`), as text.
    pub sources: Vec<SourceDraft>,
    pub actors: Vec<String>,
    pub notes: String,
    /// The figure is a running total.
    pub aggregate: bool,
}

impl Draft {
    /// An event as a draft again: its GeoJSON feature read back by the GeoJSON
    /// reader. What an edit starts from, so that an edited event goes through
    /// the same reader and [`validate`](super::validate) as any file.
    #[must_use]
    pub fn from_event(event: &super::Event) -> Self {
        super::geojson::draft_of(&super::event_to_feature(event)).0
    }
}

/// A point as written: decimal degrees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointDraft {
    pub lon: String,
    pub lat: String,
}

/// The origin or destination of a movement.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceDraft {
    /// A name to resolve through the gazetteer.
    Name(String),
    /// A place already resolved, as scamatlas writes it.
    Given(EventPlace),
}

/// A count of people, as text: digits with optional thousands separators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountDraft {
    pub best: String,
    pub low: String,
    pub high: String,
    /// arrested, handed_over, ...; empty: other.
    pub kind: String,
}

/// A source, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceDraft {
    pub url: String,
    pub publisher: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: String,
    /// The number of people this source reports, and of which kind.
    pub count: String,
    pub count_kind: String,
}

/// What a problem is about: one check of a draft, in the order they are made.
/// Each reader names it in its own words ([`Field::csv`], [`Field::geojson`],
/// [`Field::flag`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Id,
    DatePrecision,
    Date,
    EventType,
    /// `points`: coordinates given.
    Coordinates,
    RadiusM,
    /// `places`: places given whole.
    Places,
    PlaceIds,
    /// `place`: the names, or no place at all.
    Place,
    Origin,
    Destination,
    PersonsCount,
    CountLow,
    CountHigh,
    CountKind,
    /// low <= best <= high of `count`.
    CountRange,
    /// `counts`: counts given whole.
    Counts,
    SourceUrl,
    SourceDate,
    /// `sources`: sources given whole.
    Sources,
    Actors,
    Notes,
    Aggregate,
}

impl Field {
    /// The CSV column.
    #[must_use]
    pub fn csv(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::DatePrecision => "date_precision",
            Field::Date => "date",
            Field::EventType => "event_type",
            Field::Coordinates => "lat/lon",
            Field::RadiusM => "radius_m",
            Field::Places => "places",
            Field::PlaceIds => "place_ids",
            Field::Place => "place",
            Field::Origin => "origin",
            Field::Destination => "destination",
            Field::PersonsCount | Field::CountRange => "persons_count",
            Field::CountLow => "count_low",
            Field::CountHigh => "count_high",
            Field::CountKind => "count_kind",
            Field::Counts => "counts",
            Field::SourceUrl => "source_url",
            Field::SourceDate => "source_date",
            Field::Sources => "sources",
            Field::Actors => "actor",
            Field::Notes => "notes",
            Field::Aggregate => "aggregate",
        }
    }

    /// The GeoJSON property (`geometry` for the points).
    #[must_use]
    pub fn geojson(self) -> &'static str {
        match self {
            Field::EventType => "type",
            Field::Coordinates => "geometry",
            Field::Place => "place",
            Field::PersonsCount
            | Field::CountLow
            | Field::CountHigh
            | Field::CountKind
            | Field::CountRange => "counts",
            Field::SourceUrl | Field::SourceDate => "sources",
            Field::Actors => "actors",
            other => other.csv(),
        }
    }

    /// The flag of `scamatlas events add`.
    #[must_use]
    pub fn flag(self) -> &'static str {
        match self {
            Field::Id => "--id",
            Field::DatePrecision => "--date-precision",
            Field::Date => "--date",
            Field::EventType => "--type",
            Field::Coordinates => "--lon/--lat",
            Field::RadiusM => "--radius-m",
            Field::Places | Field::PlaceIds | Field::Place => "--place",
            Field::Origin => "--origin",
            Field::Destination => "--destination",
            Field::PersonsCount | Field::CountRange | Field::Counts => "--count",
            Field::CountLow => "--count-low",
            Field::CountHigh => "--count-high",
            Field::CountKind => "--count-kind",
            Field::SourceUrl | Field::Sources => "--source-url",
            Field::SourceDate => "--source-date",
            Field::Actors => "--actor",
            Field::Notes => "--notes",
            Field::Aggregate => "--aggregate",
        }
    }
}

/// One thing wrong with a draft, by field; the reader adds where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub field: Field,
    pub error: Invalid,
}

impl Issue {
    pub(crate) fn new(field: Field, error: impl Into<Invalid>) -> Self {
        Self {
            field,
            error: error.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.csv(), self.error)
    }
}

/// What is wrong with a value, naming it as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Invalid {
    /// A required value is empty or absent.
    #[error("missing")]
    Missing,
    #[error("missing: every event has a place or coordinates")]
    NoPlace,
    #[error("missing: every event names its source")]
    NoSource,
    #[error(transparent)]
    Date(#[from] DateError),
    #[error(transparent)]
    Name(#[from] UnknownName),
    #[error("{lat:?}, {lon:?} are not decimal degrees")]
    NotDegrees { lat: String, lon: String },
    #[error(transparent)]
    OffGlobe(#[from] CoordError),
    #[error("{0:?} is not a distance in metres")]
    NotADistance(String),
    #[error("{0:?} metres is more than half the Earth's circumference (20,015 km)")]
    BeyondEarth(String),
    #[error("{0:?} names no place")]
    NamesNoPlace(String),
    /// What is wrong with a place given whole, by its name.
    #[error("{name:?}: {error}")]
    InPlace { name: String, error: Box<Invalid> },
    #[error("no place in the gazetteer has the id {0:?}")]
    NoSuchId(String),
    #[error("no place in the gazetteer matches {0:?}; give lat and lon, or add the place")]
    NoMatch(String),
    #[error("{name:?}: {source}")]
    Unresolvable { name: String, source: ResolveError },
    /// A warning: the name was resolved to the best of close candidates.
    #[error("{name:?} is ambiguous; took {took} ({countries}) over {over}")]
    Ambiguous {
        name: String,
        took: String,
        countries: String,
        over: String,
    },
    #[error("{0:?} is negative; counts are numbers of people")]
    Negative(String),
    #[error("{0:?} is not a whole number")]
    NotWhole(String),
    #[error("count_low or count_high without persons_count")]
    RangeWithoutBest,
    #[error("low {low} <= best {best} <= high {high} does not hold")]
    Range { low: u64, best: u64, high: u64 },
    #[error("{0:?} is not an http(s) or file:// URL")]
    NotASource(String),
    #[error("{0:?} is a file on this machine; file:// sources need --allow-file-urls")]
    FileUrl(String),
    #[error("{0:?} is not YYYY-MM-DD")]
    NotADay(String),
    /// A later CSV row of an event claims another type.
    #[error("repeats id {id} with type {claim} (first row: {first}); rows sharing an id are claims about one event")]
    OtherType {
        id: String,
        claim: EventType,
        first: EventType,
    },
    /// A later CSV row of an event dated too far from its other rows.
    #[error("repeats id {id} dated {claim}, more than {most} days from its other rows ({first} to {last}); give an end_date that covers them all, or another id")]
    FarApart {
        id: String,
        claim: String,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
        most: i64,
    },
    /// A GeoJSON feature's id, already the id of an earlier feature.
    #[error("{id:?} is already the id of feature {first}")]
    DuplicateId { id: String, first: usize },
    /// A GeoJSON property (or `member` of one of its objects) that is not
    /// text or a number: the JSON value as given.
    #[error("{}{value} is not text", member.as_ref().map(|m| format!("{m}: ")).unwrap_or_default())]
    NotText {
        member: Option<String>,
        value: String,
    },
    /// A GeoJSON geometry that holds no points.
    #[error("{0}")]
    Geometry(&'static str),
    /// A GeoJSON value of the wrong JSON type or shape, as the JSON reader
    /// words it.
    #[error("{0}")]
    Json(String),
}
