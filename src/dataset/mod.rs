//! The data set a command or the server works on: events and their spatial
//! index, built once, then read-only. Also the spatial questions people ask,
//! turned into index queries: near a place, inside an area, along a border.

mod saved;

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::events::{Event, Filter, PackedEvents};
use crate::gazetteer::{country_at, Gazetteer, Kind, Place};
use crate::geom::{Bbox, LonLat};
use crate::index::{Area, EventIndex, IndexBuilder, Query, Spatial};

pub use saved::SavedError;

/// Events with their index.
///
/// The events are kept packed ([`PackedEvents`], about a quarter of their
/// size as structs) and decoded when asked for; what maps and tiles read for
/// every event (its point, persons, days) is kept plain beside them.
///
/// # Changing a data set
/// [`Dataset::patched`] makes a data set with some events replaced, removed
/// or added without packing and indexing the rest again: the events built
/// at first (the *base*) are shared with the old data set, with the changed
/// ones marked removed, and the events added since are kept apart, after
/// them (their positions follow the base's). [`Dataset::compacted`] packs
/// both into one base again, which is worth it once many events changed
/// ([`Dataset::changed`]).
#[derive(Debug)]
pub struct Dataset {
    base: Part,
    /// Events added by [`Dataset::patched`], in id order; positions after
    /// `base`'s.
    added: Part,
    /// Whether `base` holds its events in id order: then an id is found by
    /// binary search.
    by_id: bool,
    /// The box around every place of every event.
    extent: Option<Bbox>,
    /// The first and last day of all events.
    days: Option<(NaiveDate, NaiveDate)>,
}

/// Events packed and indexed together, positions from 0. Cloning shares the
/// events, summaries and tree; only the index's rows are copied.
#[derive(Debug, Clone)]
struct Part {
    events: Arc<PackedEvents>,
    /// Per event: its representative point and persons.
    summaries: Arc<Vec<Summary>>,
    index: EventIndex,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Summary {
    /// [`Event::point`].
    point: LonLat,
    /// [`Event::persons_best`].
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

impl Part {
    /// Packs and indexes `events`, one at a time: each is dropped once
    /// packed. Also says whether they came in id order, and the box and days
    /// around them.
    fn new(events: impl IntoIterator<Item = Event>) -> (Self, Extents) {
        let events = events.into_iter();
        let mut packed = PackedEvents::default();
        let mut summaries = Vec::with_capacity(events.size_hint().0);
        let mut index = IndexBuilder::with_capacity(events.size_hint().0);
        let mut extents = Extents {
            by_id: true,
            extent: None,
            days: None,
        };
        let mut last_id = None;
        for event in events {
            let (first, last) = (event.date.first_day(), event.date.last_day());
            extents.days = Some(
                extents
                    .days
                    .map_or((first, last), |(a, b)| (a.min(first), b.max(last))),
            );
            for p in &event.places {
                let at = Bbox::point(p.point);
                extents.extent = Some(extents.extent.map_or(at, |b| b.union(&at)));
            }
            extents.by_id &= last_id.as_ref().is_none_or(|id| *id < event.id);
            packed.push(&event);
            index.push(&event);
            summaries.push(Summary {
                point: event.point(),
                persons: event.persons_best(),
            });
            last_id = Some(event.id);
        }
        packed.shrink_to_fit();
        summaries.shrink_to_fit();
        let part = Part {
            events: Arc::new(packed),
            summaries: Arc::new(summaries),
            index: index.finish(),
        };
        (part, extents)
    }

    fn empty() -> Self {
        Part::new(std::iter::empty()).0
    }

    /// Events not removed.
    fn len(&self) -> usize {
        self.events.len() - self.index.removed()
    }

    /// The events not removed, in position order.
    fn events(&self) -> impl Iterator<Item = Event> + '_ {
        (0..self.events.len())
            .filter(|&pos| self.index.contains(pos as u32))
            .filter_map(|pos| self.events.get(pos))
    }

    /// The position of the event with this id, if not removed.
    fn position_of(&self, id: &str, by_id: bool) -> Option<u32> {
        let pos = if by_id {
            self.events.position_in_id_order(id)
        } else {
            self.events.position_of(id)
        };
        let pos = u32::try_from(pos?).ok()?;
        self.index.contains(pos).then_some(pos)
    }
}

/// What [`Part::new`] learns of the events it packs.
struct Extents {
    by_id: bool,
    extent: Option<Bbox>,
    days: Option<(NaiveDate, NaiveDate)>,
}

impl Dataset {
    /// Packs and indexes `events`, one at a time: each is dropped once packed.
    #[must_use]
    pub fn new(events: impl IntoIterator<Item = Event>) -> Self {
        let (base, extents) = Part::new(events);
        Self {
            base,
            added: Part::empty(),
            by_id: extents.by_id,
            extent: extents.extent,
            days: extents.days,
        }
    }

    /// The number of events.
    #[must_use]
    pub fn len(&self) -> usize {
        self.base.len() + self.added.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events changed since the data set was built or last compacted: those
    /// removed from its base plus those added. What makes
    /// [`Dataset::compacted`] worth it.
    #[must_use]
    pub fn changed(&self) -> usize {
        self.base.index.removed() + self.added.events.len()
    }

    /// Where position `pos` is: its part and its position there; `None` past
    /// the end or for an event removed.
    fn part(&self, pos: u32) -> Option<(&Part, u32)> {
        let base = self.base.events.len() as u32;
        let (part, pos) = match pos.checked_sub(base) {
            None => (&self.base, pos),
            Some(pos) => (&self.added, pos),
        };
        part.index.contains(pos).then_some((part, pos))
    }

    /// The event at position `pos`, decoded; `None` past the end or for an
    /// event removed.
    #[must_use]
    pub fn event(&self, pos: u32) -> Option<Event> {
        let (part, pos) = self.part(pos)?;
        part.events.get(pos as usize)
    }

    /// The position of the event with this id.
    #[must_use]
    pub fn position_of(&self, id: &str) -> Option<u32> {
        let base = self.base.events.len() as u32;
        self.base.position_of(id, self.by_id).or_else(|| {
            let pos = self.added.position_of(id, true)?;
            Some(base + pos)
        })
    }

    /// Every event, decoded one at a time: in the order given, then those
    /// added by [`Dataset::patched`] in id order.
    pub fn events(&self) -> impl Iterator<Item = Event> + '_ {
        self.base.events().chain(self.added.events())
    }

    /// The representative point of the event at `pos` ([`Event::point`]).
    #[must_use]
    pub fn point(&self, pos: u32) -> Option<LonLat> {
        let (part, pos) = self.part(pos)?;
        part.summaries.get(pos as usize).map(|s| s.point)
    }

    /// [`Event::persons_best`] of the event at `pos`.
    #[must_use]
    pub fn persons(&self, pos: u32) -> Option<u64> {
        let (part, pos) = self.part(pos)?;
        part.summaries.get(pos as usize).map(|s| s.persons)
    }

    /// The middle day of the event at `pos` ([`crate::events::EventDate::midpoint`]).
    #[must_use]
    pub fn midpoint(&self, pos: u32) -> Option<NaiveDate> {
        let (part, pos) = self.part(pos)?;
        let (first, last) = part.index.days(pos)?;
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

    /// This data set with `changes` applied: each names an event by id and
    /// gives its new version, or `None` to remove it. An event not here yet
    /// is added. Nothing of this data set is packed or indexed again (see
    /// [`Dataset`]); the new data set shares what did not change.
    ///
    /// # Runtime
    /// `O(log n)` a change to find it, a copy of the index's rows (12 bytes
    /// an event), and packing and indexing again the events added since the
    /// last compaction.
    #[must_use]
    pub fn patched(&self, changes: impl IntoIterator<Item = (String, Option<Event>)>) -> Self {
        // The last change of an event wins.
        let changes: BTreeMap<String, Option<Event>> = changes.into_iter().collect();
        let removed = changes
            .keys()
            .filter_map(|id| self.base.position_of(id, self.by_id));
        let base = Part {
            index: self.base.index.without(removed),
            ..self.base.clone()
        };
        let kept: Vec<Event> = self
            .added
            .events()
            .filter(|e| !changes.contains_key(e.id.as_str()))
            .collect();
        let new = changes.into_values().flatten();
        let (added, _) = Part::new(ById::merge(kept.into_iter(), new));
        let days = [&base, &added]
            .into_iter()
            .filter_map(|p| p.index.day_span())
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
            .and_then(|(first, last)| {
                Some((
                    NaiveDate::from_num_days_from_ce_opt(first)?,
                    NaiveDate::from_num_days_from_ce_opt(last)?,
                ))
            });
        let extent = [&base, &added]
            .into_iter()
            .filter_map(|p| p.index.extent())
            .reduce(|a, b| a.union(&b));
        Self {
            base,
            added,
            by_id: self.by_id,
            extent,
            days,
        }
    }

    /// The same events packed and indexed as one base again: in id order if
    /// the base was.
    #[must_use]
    pub fn compacted(&self) -> Self {
        Dataset::new(ById::merge(self.base.events(), self.added.events()))
    }

    /// The positions of the events with a place in `bbox` (anywhere when
    /// `None`) that pass `filter`, in data order: [`Dataset::query_positions`]
    /// for a question that cannot be wrong.
    #[must_use]
    pub fn positions_in(&self, bbox: Option<Bbox>, filter: &Filter) -> Vec<u32> {
        self.index_query(&Query {
            spatial: bbox.map(Spatial::Bbox),
            time: filter.time,
            types: filter.types.clone(),
        })
    }

    /// The answer of both parts' indexes, in position order.
    fn index_query(&self, query: &Query) -> Vec<u32> {
        let mut found = self.base.index.query(query);
        if !self.added.events.is_empty() {
            let base = self.base.events.len() as u32;
            found.extend(self.added.index.query(query).into_iter().map(|p| base + p));
        }
        found
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
                // Nearest first, as the indexes walk them; the base's first
                // on a tie.
                let base = self.base.events.len() as u32;
                let near =
                    |part: &Part| part.index.nearest(*center, *k, filter.time, &filter.types);
                let mut hits = near(&self.base);
                hits.extend(near(&self.added).into_iter().map(|(p, d)| (base + p, d)));
                hits.sort_by(|a, b| a.1.total_cmp(&b.1));
                return Ok(hits.into_iter().take(*k).map(|(i, _)| i).collect());
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
        let mut found = self.index_query(&query);
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
}

/// Two runs of events, each in id order, merged into one in id order; of two
/// events with one id, the second run's.
struct ById<A: Iterator, B: Iterator> {
    a: Peekable<A>,
    b: Peekable<B>,
}

impl<A, B> ById<A, B>
where
    A: Iterator<Item = Event>,
    B: Iterator<Item = Event>,
{
    fn merge(a: A, b: B) -> Self {
        Self {
            a: a.peekable(),
            b: b.peekable(),
        }
    }
}

impl<A, B> Iterator for ById<A, B>
where
    A: Iterator<Item = Event>,
    B: Iterator<Item = Event>,
{
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        use std::cmp::Ordering;
        let order = match (self.a.peek(), self.b.peek()) {
            (Some(a), Some(b)) => a.id.cmp(&b.id),
            (Some(_), None) => Ordering::Less,
            (None, _) => Ordering::Greater,
        };
        match order {
            Ordering::Less => self.a.next(),
            Ordering::Equal => {
                self.a.next();
                self.b.next()
            }
            Ordering::Greater => self.b.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (a, b) = (self.a.size_hint(), self.b.size_hint());
        (a.0.max(b.0), a.1.zip(b.1).map(|(x, y)| x + y))
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

    /// The ids of the events at `positions`, sorted.
    fn ids(dataset: &Dataset, positions: &[u32]) -> Vec<String> {
        let mut ids: Vec<String> = positions
            .iter()
            .map(|&p| {
                dataset
                    .event(p)
                    .expect("a found position decodes")
                    .id
                    .to_string()
            })
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_patched_data_set_answers_as_one_built_from_its_events() {
        use crate::events::synthetic::Rng;
        let mut all = synthetic::events(3_000, 21);
        let mut rng = Rng::new(9);
        let spare = all.split_off(2_000);
        all.sort_by(|a, b| a.id.cmp(&b.id));
        let mut expected: BTreeMap<String, Event> =
            all.iter().map(|e| (e.id.to_string(), e.clone())).collect();
        let mut dataset = Dataset::new(all);
        assert!(dataset.by_id);
        let mut spare = spare.into_iter();
        for round in 0..6 {
            // Some events removed, some edited (moved, retyped), some added.
            let mut changes = Vec::new();
            let known: Vec<String> = expected.keys().cloned().collect();
            for _ in 0..60 {
                let id = &known[rng.below(known.len())];
                match rng.below(3) {
                    0 => changes.push((id.clone(), None)),
                    _ => {
                        let mut e = expected[id].clone();
                        e.places[0].point.lon += rng.range(-1.0, 1.0);
                        e.event_type = crate::events::EventType::ALL[rng.below(5)];
                        changes.push((id.clone(), Some(e)));
                    }
                }
            }
            for e in spare.by_ref().take(80) {
                changes.push((e.id.to_string(), Some(e)));
            }
            for (id, e) in &changes {
                match e {
                    Some(e) => expected.insert(id.clone(), e.clone()),
                    None => expected.remove(id),
                };
            }
            dataset = dataset.patched(changes);
            let fresh = Dataset::new(expected.values().cloned());
            assert_eq!(dataset.len(), fresh.len(), "round {round}");
            let mut got: Vec<Event> = dataset.events().collect();
            got.sort_by(|a, b| a.id.cmp(&b.id));
            assert_eq!(got, expected.values().cloned().collect::<Vec<_>>());
            assert_eq!(dataset.extent(), fresh.extent(), "round {round}");
            assert_eq!(dataset.time_extent(), fresh.time_extent(), "round {round}");
            for id in expected.keys().step_by(37) {
                let pos = dataset.position_of(id).expect("a kept event is found");
                assert_eq!(
                    dataset.event(pos).map(|e| e.id.to_string()).as_ref(),
                    Some(id)
                );
                assert_eq!(dataset.point(pos), Some(expected[id].point()));
            }
            for _ in 0..20 {
                let c = LonLat {
                    lon: rng.range(96.0, 102.0),
                    lat: rng.range(14.0, 24.0),
                };
                let bbox = Bbox::new(c.lon - 1.0, c.lat - 1.0, c.lon + 1.0, c.lat + 1.0).unwrap();
                let filter = Filter {
                    types: vec![crate::events::EventType::ALL[rng.below(4)]],
                    ..Filter::default()
                };
                assert_eq!(
                    ids(&dataset, &dataset.positions_in(Some(bbox), &filter)),
                    ids(&fresh, &fresh.positions_in(Some(bbox), &filter)),
                    "round {round}"
                );
                let nearest = Where::Nearest { center: c, k: 7 };
                let near = |d: &Dataset| {
                    let found = d.query(Some(&nearest), &Filter::default()).unwrap();
                    found.iter().map(|e| e.id.to_string()).collect::<Vec<_>>()
                };
                assert_eq!(near(&dataset), near(&fresh), "round {round}");
            }
        }
        assert!(dataset.changed() > 0);
        let compact = dataset.compacted();
        assert_eq!(compact.changed(), 0);
        assert!(compact.by_id);
        assert!(compact.events().eq(expected.values().cloned()));
    }

    #[test]
    fn a_removed_event_is_not_found_at_its_old_position() {
        let mut events = synthetic::events(100, 4);
        events.sort_by(|a, b| a.id.cmp(&b.id));
        let dataset = Dataset::new(events.clone());
        let gone = dataset.patched([(events[10].id.to_string(), None)]);
        assert_eq!(gone.len(), 99);
        assert_eq!(gone.event(10), None);
        assert_eq!(gone.point(10), None);
        assert_eq!(gone.position_of(&events[10].id), None);
        assert_eq!(gone.position_of(&events[11].id), Some(11));
        assert!(!gone.positions_in(None, &Filter::default()).contains(&10));
        // The old data set is untouched.
        assert_eq!(dataset.event(10).as_ref(), Some(&events[10]));
    }
}
