//! The gazetteer: "which place does this string mean?"
//!
//! Two layers of places are loaded into one [`Gazetteer`]:
//! - the **curated** layer (`gazetteer/places.tsv`, `gazetteer/aliases.tsv`): the
//!   scam-hub towns, compounds, areas and border lines, each alias and coordinate
//!   with its source; border lines take their geometry from `geojson/borders.geojson`;
//! - the **GeoNames** layer (`gazetteer/geonames-region.tsv`): cities500 rows of the
//!   region with all their alternate names. A GeoNames row that is a curated place
//!   (same GeoNames id, or same name within a few kilometres) is merged into it:
//!   one place, the curated entry wins, the GeoNames names become its aliases.
//!
//! Names are looked up by their [`normalize`]d key: exact and alias matches
//! first, then typo-tolerant matches (see [`Gazetteer::resolve`]).

mod country;
mod feature;
mod fuzzy;
mod load;
pub(crate) mod normalize;
mod resolve;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

use crate::geom::{nearest_on_lines, LonLat};

pub use country::country_at;
pub use feature::{candidates_to_geojson, place_to_feature, places_to_geojson, CandidateView};
pub use load::{SourceText, Sources, MAX_NAME_BYTES};
pub use normalize::normalize;
pub use resolve::{is_ambiguous, Candidate, Hints, NearError, Reason, ResolveError};

/// Index of a place in its [`Gazetteer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceId(pub u32);

/// The shape of a place, which decides how its geometry and precision are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A town, compound, crossing: one point with a small radius.
    Point,
    /// A zone, state, country or vague region: a representative point and a
    /// radius that covers the whole area.
    Area,
    /// A border or river stretch: a polyline; the point is a representative
    /// point on it.
    Line,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Point => "point",
            Kind::Area => "area",
            Kind::Line => "line",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = crate::error::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "point" => Ok(Kind::Point),
            "area" => Ok(Kind::Area),
            "line" => Ok(Kind::Line),
            other => Err(crate::error::UnknownName {
                what: "kind",
                value: other.into(),
                expected: "point, area or line".into(),
            }),
        }
    }
}

/// Which data layer a place comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Curated,
    #[serde(rename = "geonames")]
    GeoNames,
}

/// Another name of a place, with where it is attested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alias {
    pub name: String,
    /// `en` for any Latin spelling, `my`, `zh-Hans`, `zh-Hant`, `zh`, `th`, ...;
    /// empty when the source does not say (GeoNames alternate names).
    pub lang: String,
    pub source: String,
}

/// One place of the gazetteer.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    /// Stable id: the curated slug (`laukkai`) or `gn:<GeoNames id>`.
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// Finer class: town, compound, zone, country, border, populated_place, ...
    pub class: String,
    /// ISO 3166-1 alpha-2 codes; several for borders and cross-border areas.
    pub countries: Vec<String>,
    /// First-level administrative unit, in English where known.
    pub admin1: String,
    /// The curated place that contains this one.
    #[serde(skip)]
    pub parent: Option<PlaceId>,
    /// Representative point; on the line itself for [`Kind::Line`].
    pub point: LonLat,
    /// Radius around `point` that covers the place, in metres.
    pub radius_m: f64,
    /// Polyline parts of a [`Kind::Line`] place.
    #[serde(skip)]
    pub line: Vec<Vec<LonLat>>,
    pub geonames_id: Option<u32>,
    pub population: Option<u64>,
    pub layer: Layer,
    pub coord_source: String,
    /// The point or radius is an estimate (representative point, approximate location).
    pub estimate: bool,
    pub note: String,
    pub aliases: Vec<Alias>,
}

impl Place {
    /// Every name of the place: its own (`None`), then each alias with its
    /// index in `aliases`.
    pub fn names(&self) -> impl Iterator<Item = (Option<u32>, &str)> {
        std::iter::once((None, self.name.as_str())).chain(
            self.aliases
                .iter()
                .enumerate()
                .map(|(i, a)| (Some(i as u32), a.name.as_str())),
        )
    }

    /// Whether `code` (ISO2, upper case) is one of the place's countries.
    #[must_use]
    pub fn in_country(&self, code: &str) -> bool {
        self.countries.iter().any(|c| c == code)
    }

    /// Distance in metres from `p` to the place itself: to the nearest point of a
    /// line, to the edge of an area's radius, to a point.
    #[must_use]
    pub fn distance_from_m(&self, p: LonLat) -> f64 {
        match self.kind {
            Kind::Line => self.nearest_point_to(p).1,
            Kind::Area => (p.distance_m(self.point) - self.radius_m).max(0.0),
            Kind::Point => p.distance_m(self.point),
        }
    }

    /// The representative point of the place as seen from `p`: the nearest point of
    /// a line (the right stretch of a border), else the place's point. With its
    /// distance from `p` in metres.
    #[must_use]
    pub fn nearest_point_to(&self, p: LonLat) -> (LonLat, f64) {
        nearest_on_lines(p, &self.line).unwrap_or((self.point, p.distance_m(self.point)))
    }
}

/// All places, with their name index. Built once, then read-only.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_id: HashMap<String, PlaceId>,
    names: fuzzy::NameIndex,
}

impl Gazetteer {
    /// The gazetteer shipped in this repository's `gazetteer/` and `geojson/`
    /// folders, compiled into the binary.
    pub fn bundled() -> Result<Self, GazetteerError> {
        Self::load(&Sources::bundled())
    }

    /// Loads a gazetteer from a folder laid out like the repository
    /// (`DIR/gazetteer/*.tsv`, `DIR/geojson/borders.geojson`).
    pub fn from_dir(dir: impl Into<PathBuf>) -> Result<Self, GazetteerError> {
        Self::load(&Sources::read_dir(&dir.into())?)
    }

    /// Loads a gazetteer from file contents; each carries the path used in errors.
    pub fn load(sources: &Sources) -> Result<Self, GazetteerError> {
        let places = load::load_places(sources)?;
        let by_id = places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), PlaceId(i as u32)))
            .collect();
        let names = fuzzy::NameIndex::build(&places);
        Ok(Self {
            places,
            by_id,
            names,
        })
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    #[must_use]
    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[id.0 as usize]
    }

    /// The place with the stable id `id` (`laukkai`, `gn:1308052`).
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Place> {
        self.by_id.get(id).map(|&pid| self.place(pid))
    }

    /// The chain of containing places, nearest first.
    pub fn ancestors(&self, place: &Place) -> impl Iterator<Item = &Place> {
        std::iter::successors(place.parent.map(|p| self.place(p)), |p| {
            p.parent.map(|pp| self.place(pp))
        })
    }
}

/// Why a gazetteer could not be loaded. Each variant names the file, and the line
/// when there is one.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Row {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
}
