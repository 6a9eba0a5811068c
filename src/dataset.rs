//! The data set a command or the server works on: events and their spatial
//! index, built once, then read-only. Also the spatial questions people ask,
//! turned into index queries: near a place, inside an area, along a border.

use chrono::NaiveDate;

use crate::events::{Event, Filter, PackedEvents};
use crate::gazetteer::{country_at, Gazetteer, Kind, Place};
use crate::geom::{Bbox, LonLat};
use crate::index::{Area, EventIndex, IndexBuilder, Query, Spatial};

/// Events with their index.
///
/// The events are kept packed ([`PackedEvents`], about a quarter of their
/// size as structs) and decoded when asked for; what maps and tiles read for
/// every event (its point, persons, days) is kept plain beside them.
#[derive(Debug)]
pub struct Dataset {
    events: PackedEvents,
    /// Per event: its representative point ([`Event::point`]) and
    /// [`Event::persons_best`].
    summaries: Vec<Summary>,
    index: EventIndex,
    /// The box around every place of every event.
    extent: Option<Bbox>,
    /// The first and last day of all events.
    days: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone, Copy)]
struct Summary {
    point: LonLat,
    persons: u64,
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
    /// Packs and indexes `events`, one at a time: each is dropped once packed.
    #[must_use]
    pub fn new(events: impl IntoIterator<Item = Event>) -> Self {
        let events = events.into_iter();
        let mut packed = PackedEvents::default();
        let mut summaries = Vec::with_capacity(events.size_hint().0);
        let mut index = IndexBuilder::with_capacity(events.size_hint().0);
        let mut extent: Option<Bbox> = None;
        let mut days: Option<(NaiveDate, NaiveDate)> = None;
        for event in events {
            let (first, last) = (event.date.first_day(), event.date.last_day());
            days = Some(days.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
            packed.push(&event);
            index.push(&event);
            summaries.push(Summary {
                point: event.point(),
                persons: event.persons_best(),
            });
            for p in &event.places {
                let at = Bbox {
                    west: p.point.lon,
                    south: p.point.lat,
                    east: p.point.lon,
                    north: p.point.lat,
                };
                extent = Some(extent.map_or(at, |b| b.union(&at)));
            }
        }
        packed.shrink_to_fit();
        summaries.shrink_to_fit();
        Self {
            events: packed,
            summaries,
            index: index.finish(),
            extent,
            days,
        }
    }

    /// The number of events.
    #[must_use]
    pub fn len(&self) -> usize {
        self.events.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The event at position `pos`, decoded; `None` past the end.
    #[must_use]
    pub fn event(&self, pos: u32) -> Option<Event> {
        self.events.get(pos as usize)
    }

    /// The position of the first event with this id.
    #[must_use]
    pub fn position_of(&self, id: &str) -> Option<u32> {
        self.events
            .position_of(id)
            .and_then(|p| u32::try_from(p).ok())
    }

    /// Every event in order, decoded one at a time.
    pub fn events(&self) -> impl ExactSizeIterator<Item = Event> + '_ {
        self.events.iter()
    }

    /// The representative point of the event at `pos` ([`Event::point`]).
    #[must_use]
    pub fn point(&self, pos: u32) -> Option<LonLat> {
        self.summaries.get(pos as usize).map(|s| s.point)
    }

    /// [`Event::persons_best`] of the event at `pos`.
    #[must_use]
    pub fn persons(&self, pos: u32) -> Option<u64> {
        self.summaries.get(pos as usize).map(|s| s.persons)
    }

    /// The middle day of the event at `pos` ([`crate::events::EventDate::midpoint`]).
    #[must_use]
    pub fn midpoint(&self, pos: u32) -> Option<NaiveDate> {
        let (first, last) = self.index.days(pos)?;
        NaiveDate::from_num_days_from_ce_opt(first + (last - first) / 2)
    }

    /// The box around every place of every event, if there is any.
    #[must_use]
    pub fn extent(&self) -> Option<Bbox> {
        self.extent
    }

    /// The first and last day of all events, if there are any.
    #[must_use]
    pub fn time_extent(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.days
    }

    /// Events matching the spatial question and the filter, in data order
    /// (nearest first for [`Where::Nearest`]).
    ///
    /// # Errors
    /// A line given as an area, or a non-line given as a line.
    pub fn query(&self, at: Option<&Where<'_>>, filter: &Filter) -> Result<Vec<Event>, WhereError> {
        Ok(self
            .query_positions(at, filter)?
            .into_iter()
            .filter_map(|i| self.event(i))
            .collect())
    }

    /// The positions of the events with a place in `bbox` (anywhere when
    /// `None`) that pass `filter`, in data order: [`Dataset::query_positions`]
    /// for a question that cannot be wrong.
    #[must_use]
    pub fn positions_in(&self, bbox: Option<Bbox>, filter: &Filter) -> Vec<u32> {
        self.index.query(&Query {
            spatial: bbox.map(Spatial::Bbox),
            time: filter.time,
            types: filter.types.clone(),
        })
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
                self.event(i).is_some_and(|e| {
                    e.places
                        .iter()
                        .any(|p| country_at(p.point).as_deref() == Some(code.as_str()))
                })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::synthetic;

    #[test]
    fn packed_events_and_their_summaries_match_the_events() {
        let events = synthetic::events(3_000, 11);
        let dataset = Dataset::new(events.clone());
        assert_eq!(dataset.len(), events.len());
        assert!(dataset.events().eq(events.iter().cloned()));
        for (pos, e) in (0_u32..).zip(&events) {
            assert_eq!(dataset.event(pos).as_ref(), Some(e));
            assert_eq!(dataset.point(pos), Some(e.point()));
            assert_eq!(dataset.persons(pos), Some(e.persons_best()));
            assert_eq!(dataset.midpoint(pos), Some(e.date.midpoint()), "{e:?}");
        }
        let past = events.len() as u32;
        assert_eq!(dataset.event(past), None);
        assert_eq!(dataset.point(past), None);

        let points = || events.iter().flat_map(|e| &e.places).map(|p| p.point);
        let extent = dataset.extent().unwrap_or_else(|| panic!("an extent"));
        assert_eq!(
            extent.west,
            points().map(|p| p.lon).fold(f64::MAX, f64::min)
        );
        assert_eq!(
            extent.north,
            points().map(|p| p.lat).fold(f64::MIN, f64::max)
        );
        let first = events.iter().map(|e| e.date.first_day()).min();
        let last = events.iter().map(|e| e.date.last_day()).max();
        assert_eq!(dataset.time_extent(), first.zip(last));
    }

    #[test]
    fn an_empty_dataset_has_no_extents() {
        let dataset = Dataset::new(Vec::new());
        assert!(dataset.is_empty());
        assert_eq!(dataset.extent(), None);
        assert_eq!(dataset.time_extent(), None);
        assert_eq!(dataset.events().count(), 0);
    }
}
