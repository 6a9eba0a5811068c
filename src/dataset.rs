//! The data set a command or the server works on: events and their spatial
//! index, built once, then read-only. Also the spatial questions people ask,
//! turned into index queries: near a place, inside an area, along a border.

use crate::events::{Event, Filter};
use crate::gazetteer::{country_at, Gazetteer, Kind, Place};
use crate::geom::LonLat;
use crate::index::{Area, EventIndex, Query, Spatial};

/// Events with their index.
#[derive(Debug)]
pub struct Dataset {
    events: Vec<Event>,
    index: EventIndex,
}

/// A spatial question in the user's terms.
#[derive(Debug, Clone)]
pub enum Where<'g> {
    /// Within `radius_m` of a point.
    Near {
        center: LonLat,
        radius_m: f64,
    },
    /// The `k` events nearest a point.
    Nearest {
        center: LonLat,
        k: usize,
    },
    Bbox(crate::geom::Bbox),
    /// Inside a place: a country by its OpenStreetMap boundary, any other
    /// place within its precision radius.
    WithinPlace(&'g Place),
    /// Inside a polygon.
    WithinPolygon(geo::MultiPolygon<f64>),
    /// Within `distance_m` of a line place (a border, the Moei).
    AlongLine {
        line: &'g Place,
        distance_m: f64,
    },
}

/// A spatial question that cannot be asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhereError {
    #[error("{0} is a line; ask for events along it (query border) instead")]
    LineIsNotAnArea(String),
    #[error("{0} is not a line; query border takes a border or river")]
    NotALine(String),
}

impl Dataset {
    #[must_use]
    pub fn new(events: Vec<Event>) -> Self {
        let index = EventIndex::build(&events);
        Self { events, index }
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events matching the spatial question and the filter, in data order
    /// (nearest first for [`Where::Nearest`]).
    ///
    /// # Errors
    /// A line given as an area, or a non-line given as a line.
    pub fn query(
        &self,
        at: Option<&Where<'_>>,
        filter: &Filter,
    ) -> Result<Vec<&Event>, WhereError> {
        Ok(self
            .query_positions(at, filter)?
            .into_iter()
            .map(|i| &self.events[i as usize])
            .collect())
    }

    /// Like [`Dataset::query`], as positions in [`Dataset::events`]: stable ids
    /// for the life of the data set.
    ///
    /// # Errors
    /// As [`Dataset::query`].
    pub fn query_positions(
        &self,
        at: Option<&Where<'_>>,
        filter: &Filter,
    ) -> Result<Vec<u32>, WhereError> {
        let mut country = None;
        let spatial = match at {
            None => None,
            Some(Where::Near { center, radius_m }) => Some(Spatial::Near {
                center: *center,
                radius_m: *radius_m,
            }),
            Some(Where::Nearest { center, k }) => {
                // Nearest first, as the index walks them.
                let hits = self.index.nearest(*center, *k, filter.time, &filter.types);
                return Ok(hits.into_iter().map(|(i, _)| i).collect());
            }
            Some(Where::Bbox(b)) => Some(Spatial::Bbox(*b)),
            Some(Where::WithinPolygon(p)) => Some(Spatial::Within(Area::Polygon(p.clone()))),
            Some(Where::WithinPlace(place)) => {
                if place.kind == Kind::Line {
                    return Err(WhereError::LineIsNotAnArea(place.name.clone()));
                }
                if place.class == "country" {
                    country = place.countries.first().cloned();
                }
                Some(Spatial::Within(Area::Circle {
                    center: place.point,
                    radius_m: place.radius_m,
                }))
            }
            Some(Where::AlongLine { line, distance_m }) => {
                if line.kind != Kind::Line {
                    return Err(WhereError::NotALine(line.name.clone()));
                }
                Some(Spatial::NearLine {
                    parts: line.line.clone(),
                    distance_m: *distance_m,
                })
            }
        };
        let query = Query {
            spatial,
            time: filter.time,
            types: filter.types.clone(),
        };
        let mut found = self.index.query(&query);
        if let Some(code) = country {
            // The circle is only a prefilter: a country is its boundary.
            found.retain(|&i| {
                self.events[i as usize]
                    .places
                    .iter()
                    .any(|p| country_at(p.point).as_deref() == Some(code.as_str()))
            });
        }
        Ok(found)
    }
}

/// The line place meant by a border word: `thai`, `lao`, `china` (Myanmar's
/// borders), or any line place's name.
#[must_use]
pub fn border<'g>(gazetteer: &'g Gazetteer, word: &str) -> Option<&'g Place> {
    let id = match word.trim().to_ascii_lowercase().as_str() {
        "thai" | "thailand" | "th" => Some("border_mm_th"),
        "lao" | "laos" | "la" => Some("border_la_mm"),
        "china" | "chinese" | "cn" => Some("border_cn_mm"),
        _ => None,
    };
    if let Some(id) = id {
        return gazetteer.get(id);
    }
    let hints = crate::gazetteer::Hints {
        kind: Some(Kind::Line),
        ..Default::default()
    };
    gazetteer
        .resolve(word, &hints)
        .ok()?
        .into_iter()
        .find(|c| c.place.kind == Kind::Line)
        .map(|c| c.place)
}
