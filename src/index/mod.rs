//! The spatial index over events: "which events fall here, then?"
//!
//! An [`EventIndex`] is built once from a slice of events: an R-tree
//! (bulk-loaded [`rstar::RTree`]) of every place point of every event, each
//! point carrying the event's position in the slice, and beside it a compact
//! row per event (first and last day, type) for the time and type filters.
//! Nothing is cloned from the events; answers are positions into the slice the
//! index was built from.
//!
//! An index can drop events without being rebuilt ([`EventIndex::without`]):
//! the copy shares the tree and marks the events removed in its rows, so
//! that no query finds them again.
//!
//! A [`Query`] combines at most one spatial predicate ([`Spatial`]) with a
//! [`TimeRange`] and a set of [`EventType`]s. An event matches spatially when
//! any of its places does.
//!
//! # Units
//! Coordinates are WGS84 degrees, longitude first; distances and radii are
//! great-circle (haversine) metres as in [`LonLat::distance_m`].
//!
//! # Example
//! ```
//! use scamatlas::events::synthetic;
//! use scamatlas::geom::{Bbox, LonLat};
//! use scamatlas::index::{EventIndex, Query, Spatial};
//!
//! let events = synthetic::events(10_000, 42);
//! let index = EventIndex::build(&events);
//!
//! // Events within 20 km of Myawaddy during 2024.
//! let myawaddy = LonLat { lon: 98.509, lat: 16.689 };
//! let query = Query {
//!     spatial: Some(Spatial::Near { center: myawaddy, radius_m: 20_000.0 }),
//!     time: Some("2024-01-01/2024-12-31".parse()?),
//!     ..Query::default()
//! };
//! let found = index.query(&query);
//! assert!(!found.is_empty());
//! for &pos in &found {
//!     let event = &events[pos as usize];
//!     assert!(event.places.iter().any(|p| p.point.distance_m(myawaddy) <= 20_000.0));
//! }
//!
//! // The five events nearest to it, nearest first, with their distances.
//! let nearest = index.nearest(myawaddy, 5, None, &[]);
//! assert_eq!(nearest.len(), 5);
//! assert!(nearest.windows(2).all(|w| w[0].1 <= w[1].1));
//!
//! // A box: the answer is sorted positions, each event once.
//! let bbox: Bbox = "98.4,16.6,98.6,16.9".parse()?;
//! let in_box = index.query(&Query { spatial: Some(Spatial::Bbox(bbox)), ..Query::default() });
//! assert!(in_box.windows(2).all(|w| w[0] < w[1]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod line;
mod nearest;

use geo::{BoundingRect, Intersects};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};
use std::sync::Arc;

use crate::events::{Event, EventType, TimeRange};
use crate::geom::{sphere, Bbox, LonLat};

/// One indexed point: longitude, latitude, and the event's position.
type Entry = GeomWithData<[f64; 2], u32>;

/// What to look for. The parts combine with "and"; a part left out (`None`,
/// an empty `types`) does not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Where; `None` for anywhere (events without places included).
    pub spatial: Option<Spatial>,
    /// When, with [`TimeRange::overlaps`] semantics on the event's day span.
    pub time: Option<TimeRange>,
    /// Which types; empty for all.
    pub types: Vec<EventType>,
}

/// A spatial predicate. An event matches when any of its places matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Spatial {
    /// Inside the box, edges included.
    Bbox(Bbox),
    /// Within `radius_m` great-circle metres of `center` (inclusive).
    Near { center: LonLat, radius_m: f64 },
    /// The `k` events nearest to `center` among those that pass the time and
    /// type filters, by the distance of each event's nearest place; ties go to
    /// the earlier position.
    Nearest { center: LonLat, k: usize },
    /// Inside an area.
    Within(Area),
    /// Within `distance_m` of a polyline (a border, a river) made of `parts`,
    /// measured as by [`crate::geom::nearest_on_lines`].
    NearLine {
        parts: Vec<Vec<LonLat>>,
        distance_m: f64,
    },
}

/// An area for [`Spatial::Within`].
#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    /// The same as [`Spatial::Near`].
    Circle { center: LonLat, radius_m: f64 },
    /// Inside or on the boundary of the polygons (longitude as x, latitude as y).
    Polygon(geo::MultiPolygon<f64>),
}

/// What the index keeps per event for the time and type filters.
#[derive(Debug, Clone, Copy)]
struct EventMeta {
    /// First and last day, as days from the common era (`num_days_from_ce`).
    first: i32,
    last: i32,
    event_type: EventType,
    /// Dropped by [`EventIndex::without`]: no query finds it.
    removed: bool,
}

/// The time and type parts of a query, ready to test positions against.
#[derive(Debug, Clone, Copy)]
struct Filter<'a> {
    meta: &'a [EventMeta],
    /// Inclusive day bounds of the query range; open ends are `i32::MIN/MAX`.
    from: i32,
    to: i32,
    /// Bit `t as u8` set for each accepted type.
    types: u16,
}

impl<'a> Filter<'a> {
    fn new(meta: &'a [EventMeta], time: Option<TimeRange>, types: &[EventType]) -> Self {
        use chrono::Datelike;
        let time = time.unwrap_or_default();
        Self {
            meta,
            from: time.start.map_or(i32::MIN, |d| d.num_days_from_ce()),
            to: time.end.map_or(i32::MAX, |d| d.num_days_from_ce()),
            types: if types.is_empty() {
                u16::MAX
            } else {
                types.iter().fold(0, |mask, &t| mask | type_bit(t))
            },
        }
    }

    #[inline]
    fn accepts(&self, pos: u32) -> bool {
        let m = &self.meta[pos as usize];
        !m.removed
            && m.last >= self.from
            && m.first <= self.to
            && self.types & type_bit(m.event_type) != 0
    }
}

fn type_bit(t: EventType) -> u16 {
    1 << (t as u8)
}

/// An R-tree of event places with a compact row of filter data per event.
///
/// Built once ([`EventIndex::build`]) and then only read, except for
/// dropping events ([`EventIndex::without`]); the tree is shared by the
/// copies that drop some.
#[derive(Debug, Clone)]
pub struct EventIndex {
    tree: Arc<RTree<Entry>>,
    meta: Vec<EventMeta>,
    /// Rows marked removed.
    removed: usize,
}

/// Builds an [`EventIndex`] one event at a time, so that the events need not
/// all be in memory at once (see [`crate::dataset::Dataset::new`]).
#[derive(Debug, Default)]
pub struct IndexBuilder {
    meta: Vec<EventMeta>,
    entries: Vec<Entry>,
}

impl IndexBuilder {
    #[must_use]
    pub fn with_capacity(events: usize) -> Self {
        Self {
            meta: Vec::with_capacity(events),
            entries: Vec::with_capacity(events),
        }
    }

    /// Adds the next event: its position is the number pushed before it.
    /// Places with coordinates that are not finite are left out; events past
    /// position `u32::MAX` are not indexed.
    pub fn push(&mut self, event: &Event) {
        use chrono::Datelike;
        let Ok(pos) = u32::try_from(self.meta.len()) else {
            return;
        };
        let row = Row {
            first: event.date.first_day().num_days_from_ce(),
            last: event.date.last_day().num_days_from_ce(),
            event_type: event.event_type,
        };
        self.push_row(row);
        for p in &event.places {
            self.push_point([p.point.lon, p.point.lat], pos);
        }
    }

    /// Adds the next event's row, as [`EventIndex::rows`] gives them back.
    pub fn push_row(&mut self, row: Row) {
        self.meta.push(EventMeta {
            first: row.first,
            last: row.last,
            event_type: row.event_type,
            removed: false,
        });
    }

    /// Adds a place of the event at `pos`, as [`EventIndex::points`] gives
    /// them back; left out unless finite.
    pub fn push_point(&mut self, [lon, lat]: [f64; 2], pos: u32) {
        if lon.is_finite() && lat.is_finite() {
            self.entries.push(Entry::new([lon, lat], pos));
        }
    }

    /// The index of everything pushed.
    #[must_use]
    pub fn finish(mut self) -> EventIndex {
        self.meta.shrink_to_fit();
        EventIndex {
            tree: Arc::new(RTree::bulk_load(self.entries)),
            meta: self.meta,
            removed: 0,
        }
    }
}

/// What the index keeps per event for the time and type filters, as given to
/// [`IndexBuilder::push_row`] and read back by [`EventIndex::rows`] (to save
/// an index and load it again without the events).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// First and last day, as days from the common era (`num_days_from_ce`).
    pub first: i32,
    pub last: i32,
    pub event_type: EventType,
}

impl EventIndex {
    /// Indexes every place point of every event; the answers of the queries
    /// are positions in `events`. Places with coordinates that are not finite
    /// are left out.
    ///
    /// # Runtime
    /// `O(n log n)` for `n` places (rstar's bulk load, sort-tile-recursive):
    /// about a third of a second for a million events in a release build.
    #[must_use]
    pub fn build(events: &[Event]) -> Self {
        let mut builder = IndexBuilder::with_capacity(events.len());
        for event in events {
            builder.push(event);
        }
        builder.finish()
    }

    /// The first and last day of the event at `pos`, as days from the common
    /// era (`num_days_from_ce`); `None` past the end.
    #[must_use]
    pub fn days(&self, pos: u32) -> Option<(i32, i32)> {
        self.meta.get(pos as usize).map(|m| (m.first, m.last))
    }

    /// The number of positions indexed (not of places), removed ones
    /// included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// The number of events removed ([`EventIndex::without`]).
    #[must_use]
    pub fn removed(&self) -> usize {
        self.removed
    }

    /// Whether the event at `pos` is indexed and not removed.
    #[must_use]
    pub fn contains(&self, pos: u32) -> bool {
        self.meta.get(pos as usize).is_some_and(|m| !m.removed)
    }

    /// This index without the events at `positions`: no query finds them.
    /// Positions past the end are ignored.
    ///
    /// # Runtime
    /// A copy of the per-event rows (12 bytes an event); the tree is shared.
    #[must_use]
    pub fn without(&self, positions: impl IntoIterator<Item = u32>) -> EventIndex {
        let mut meta = self.meta.clone();
        let mut removed = self.removed;
        for pos in positions {
            if let Some(m) = meta.get_mut(pos as usize) {
                removed += usize::from(!m.removed);
                m.removed = true;
            }
        }
        EventIndex {
            tree: Arc::clone(&self.tree),
            meta,
            removed,
        }
    }

    /// The first and last day of all events not removed, as days from the
    /// common era.
    #[must_use]
    pub fn day_span(&self) -> Option<(i32, i32)> {
        self.meta
            .iter()
            .filter(|m| !m.removed)
            .fold(None, |span, m| {
                Some(span.map_or((m.first, m.last), |(a, b): (i32, i32)| {
                    (a.min(m.first), b.max(m.last))
                }))
            })
    }

    /// The box around every place of the events not removed.
    #[must_use]
    pub fn extent(&self) -> Option<Bbox> {
        self.points()
            .filter(|&(_, pos)| self.contains(pos))
            .map(|([lon, lat], _)| Bbox::point(LonLat { lon, lat }))
            .reduce(|a, b| a.union(&b))
    }

    /// Every event's row in position order (removed ones included): with
    /// [`EventIndex::points`], what [`IndexBuilder`] needs to build this index
    /// again.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row> + '_ {
        self.meta.iter().map(|m| Row {
            first: m.first,
            last: m.last,
            event_type: m.event_type,
        })
    }

    /// The number of indexed places ([`EventIndex::points`]).
    #[must_use]
    pub fn point_count(&self) -> usize {
        self.tree.size()
    }

    /// Every indexed place with its event's position, in no particular order.
    pub fn points(&self) -> impl Iterator<Item = ([f64; 2], u32)> + '_ {
        self.tree.iter().map(|e| (*e.geom(), e.data))
    }

    /// The positions of the events matching `q`, sorted, each once.
    ///
    /// # Runtime
    /// For a box or a circle, `O(log n + m)` for `m` candidate places in the
    /// envelope, then a sort of the answer. For [`Spatial::Nearest`], a
    /// best-first walk of the tree that visits roughly as many places as it
    /// must skip for the filters. For [`Spatial::NearLine`], one envelope
    /// search per 16 segments of the line. Without a spatial part, a scan of
    /// the per-event rows.
    #[must_use]
    pub fn query(&self, q: &Query) -> Vec<u32> {
        let filter = Filter::new(&self.meta, q.time, &q.types);
        let mut out = Vec::new();
        match &q.spatial {
            None => {
                return (0..self.meta.len() as u32)
                    .filter(|&pos| filter.accepts(pos))
                    .collect();
            }
            Some(Spatial::Bbox(b)) => self.bbox(&filter, b, &mut out),
            Some(Spatial::Near { center, radius_m })
            | Some(Spatial::Within(Area::Circle { center, radius_m })) => {
                self.near(&filter, *center, *radius_m, &mut out);
            }
            Some(Spatial::Nearest { center, k }) => {
                out = nearest::nearest(&self.tree, &filter, *center, *k)
                    .into_iter()
                    .map(|(pos, _)| pos)
                    .collect();
            }
            Some(Spatial::Within(Area::Polygon(polygons))) => {
                self.polygon(&filter, polygons, &mut out);
            }
            Some(Spatial::NearLine { parts, distance_m }) => {
                line::near_line(&self.tree, &filter, parts, *distance_m, &mut out);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The `k` events nearest to `center` that pass the time and type
    /// filters, nearest first, each with the great-circle distance to its
    /// nearest place; ties go to the earlier position. Fewer than `k` when
    /// fewer events match.
    ///
    /// # Units
    /// Metres.
    ///
    /// # Runtime
    /// A best-first walk of the tree ordered by an exact lower bound on the
    /// distance to each node's envelope: `O(k log n)` when the filters keep
    /// most events.
    #[must_use]
    pub fn nearest(
        &self,
        center: LonLat,
        k: usize,
        time: Option<TimeRange>,
        types: &[EventType],
    ) -> Vec<(u32, f64)> {
        let filter = Filter::new(&self.meta, time, types);
        nearest::nearest(&self.tree, &filter, center, k)
    }

    fn bbox(&self, filter: &Filter, b: &Bbox, out: &mut Vec<u32>) {
        if !(b.west <= b.east && b.south <= b.north) {
            return;
        }
        let envelope = AABB::from_corners([b.west, b.south], [b.east, b.north]);
        out.extend(
            self.tree
                .locate_in_envelope(&envelope)
                .map(|e| e.data)
                .filter(|&pos| filter.accepts(pos)),
        );
    }

    fn near(&self, filter: &Filter, center: LonLat, radius_m: f64, out: &mut Vec<u32>) {
        if radius_m.is_nan() || radius_m < 0.0 {
            return;
        }
        let delta = sphere::angle_deg(radius_m);
        for envelope in sphere::widened_boxes(&Bbox::point(center), delta) {
            out.extend(
                self.tree
                    .locate_in_envelope(&envelope.into())
                    .filter(|e| {
                        let [lon, lat] = *e.geom();
                        filter.accepts(e.data) && center.distance_m(LonLat { lon, lat }) <= radius_m
                    })
                    .map(|e| e.data),
            );
        }
    }

    fn polygon(&self, filter: &Filter, polygons: &geo::MultiPolygon<f64>, out: &mut Vec<u32>) {
        let Some(rect) = polygons.bounding_rect() else {
            return;
        };
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        out.extend(
            self.tree
                .locate_in_envelope(&envelope)
                .filter(|e| {
                    let [lon, lat] = *e.geom();
                    filter.accepts(e.data) && polygons.intersects(&geo::Point::new(lon, lat))
                })
                .map(|e| e.data),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::synthetic::{self, Rng};
    use crate::geom::nearest_on_lines;

    const SEEDS: [u64; 3] = [1, 2, 3];
    const EVENTS: usize = 2_000;
    const QUERIES: usize = 40;

    /// The answer by the definition, one event at a time.
    fn brute_force(events: &[Event], q: &Query) -> Vec<u32> {
        let passes = |e: &Event| {
            q.time.is_none_or(|t| t.overlaps(&e.date))
                && (q.types.is_empty() || q.types.contains(&e.event_type))
        };
        let points = |e: &Event| e.places.iter().map(|p| p.point).collect::<Vec<_>>();
        let candidates = events
            .iter()
            .enumerate()
            .filter(|(_, e)| passes(e))
            .map(|(pos, e)| (pos as u32, points(e)));
        let mut out: Vec<u32> = match &q.spatial {
            None => candidates.map(|(pos, _)| pos).collect(),
            Some(Spatial::Bbox(b)) => candidates
                .filter(|(_, ps)| ps.iter().any(|&p| b.contains(p)))
                .map(|(pos, _)| pos)
                .collect(),
            Some(Spatial::Near { center, radius_m })
            | Some(Spatial::Within(Area::Circle { center, radius_m })) => candidates
                .filter(|(_, ps)| ps.iter().any(|p| p.distance_m(*center) <= *radius_m))
                .map(|(pos, _)| pos)
                .collect(),
            Some(Spatial::Nearest { center, k }) => {
                let mut by_distance: Vec<(f64, u32)> = candidates
                    .filter(|(_, ps)| !ps.is_empty())
                    .map(|(pos, ps)| {
                        let d = ps
                            .iter()
                            .map(|p| p.distance_m(*center))
                            .fold(f64::INFINITY, f64::min);
                        (d, pos)
                    })
                    .collect();
                by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                by_distance
                    .into_iter()
                    .take(*k)
                    .map(|(_, pos)| pos)
                    .collect()
            }
            Some(Spatial::Within(Area::Polygon(mp))) => candidates
                .filter(|(_, ps)| {
                    ps.iter()
                        .any(|p| mp.intersects(&geo::Point::new(p.lon, p.lat)))
                })
                .map(|(pos, _)| pos)
                .collect(),
            Some(Spatial::NearLine { parts, distance_m }) => candidates
                .filter(|(_, ps)| {
                    ps.iter()
                        .any(|&p| nearest_on_lines(p, parts).is_some_and(|(_, d)| d <= *distance_m))
                })
                .map(|(pos, _)| pos)
                .collect(),
        };
        out.sort_unstable();
        out
    }

    /// A point in the synthetic region, near a hub half of the time.
    fn random_center(rng: &mut Rng, events: &[Event]) -> LonLat {
        if rng.below(2) == 0 {
            let p = events[rng.below(events.len())].point();
            LonLat {
                lon: p.lon + rng.range(-0.05, 0.05),
                lat: p.lat + rng.range(-0.05, 0.05),
            }
        } else {
            let [w, s, e, n] = synthetic::REGION;
            LonLat {
                lon: rng.range(w, e),
                lat: rng.range(s, n),
            }
        }
    }

    fn random_bbox(rng: &mut Rng, events: &[Event]) -> Bbox {
        let c = random_center(rng, events);
        let (hw, hh) = (rng.range(0.0, 2.0).powi(2), rng.range(0.0, 2.0).powi(2));
        Bbox::new(c.lon - hw, c.lat - hh, c.lon + hw, c.lat + hh).unwrap()
    }

    fn random_time(rng: &mut Rng) -> Option<TimeRange> {
        let day = |rng: &mut Rng| {
            chrono::NaiveDate::from_ymd_opt(2022, 10, 1).unwrap()
                + chrono::Duration::days(rng.below(1300) as i64)
        };
        match rng.below(4) {
            0 => None,
            1 => Some(TimeRange {
                start: Some(day(rng)),
                end: None,
            }),
            2 => Some(TimeRange {
                start: None,
                end: Some(day(rng)),
            }),
            _ => {
                let (a, b) = (day(rng), day(rng));
                Some(TimeRange {
                    start: Some(a.min(b)),
                    end: Some(a.max(b)),
                })
            }
        }
    }

    fn random_types(rng: &mut Rng) -> Vec<EventType> {
        if rng.below(2) == 0 {
            return Vec::new();
        }
        let n = 1 + rng.below(4);
        (0..n)
            .map(|_| EventType::ALL[rng.below(EventType::ALL.len())])
            .collect()
    }

    /// A star-shaped polygon around `c`, sometimes with a second one beside it.
    fn random_polygons(rng: &mut Rng, c: LonLat) -> geo::MultiPolygon<f64> {
        let star = |rng: &mut Rng, c: LonLat| {
            let n = 3 + rng.below(12);
            let size = rng.range(0.05, 1.5);
            let ring: Vec<(f64, f64)> = (0..n)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / n as f64;
                    let r = size * rng.range(0.2, 1.0);
                    (c.lon + r * a.cos(), c.lat + r * a.sin())
                })
                .collect();
            geo::Polygon::new(ring.into(), vec![])
        };
        let mut polygons = vec![star(rng, c)];
        if rng.below(3) == 0 {
            let beside = LonLat {
                lon: c.lon + 2.0,
                lat: c.lat - 1.0,
            };
            polygons.push(star(rng, beside));
        }
        geo::MultiPolygon(polygons)
    }

    /// A random walk of one to three parts, up to 300 vertices each, kept
    /// on the globe (latitudes within ±90).
    fn random_line(rng: &mut Rng, c: LonLat) -> Vec<Vec<LonLat>> {
        (0..1 + rng.below(3))
            .map(|_| {
                let mut p = LonLat {
                    lon: c.lon + rng.range(-1.0, 1.0),
                    lat: c.lat + rng.range(-1.0, 1.0),
                };
                let step = rng.range(0.001, 0.05);
                (0..1 + rng.below(300))
                    .map(|_| {
                        p.lon += rng.range(-step, step);
                        p.lat = (p.lat + rng.range(-step, step)).clamp(-90.0, 90.0);
                        p
                    })
                    .collect()
            })
            .collect()
    }

    fn random_spatial(rng: &mut Rng, events: &[Event], kind: usize) -> Spatial {
        let center = random_center(rng, events);
        let radius_m = rng.range(0.0, 150_000.0) * rng.f64();
        match kind {
            0 => Spatial::Bbox(random_bbox(rng, events)),
            1 => Spatial::Near { center, radius_m },
            2 => Spatial::Within(Area::Circle { center, radius_m }),
            3 => Spatial::Nearest {
                center,
                k: rng.below(60),
            },
            4 => Spatial::Within(Area::Polygon(random_polygons(rng, center))),
            _ => Spatial::NearLine {
                parts: random_line(rng, center),
                distance_m: rng.range(0.0, 30_000.0),
            },
        }
    }

    /// Checks `QUERIES` random queries of spatial kind `kind` (or none) with
    /// random filters against the brute force, for every seed.
    fn check_against_brute_force(kind: Option<usize>) {
        for seed in SEEDS {
            let events = synthetic::events(EVENTS, seed);
            let index = EventIndex::build(&events);
            let mut rng = Rng::new(seed * 1000 + kind.map_or(99, |k| k as u64));
            let mut nonempty = 0;
            for _ in 0..QUERIES {
                let filtered = rng.below(2) == 0;
                let q = Query {
                    spatial: kind.map(|k| random_spatial(&mut rng, &events, k)),
                    time: if filtered {
                        random_time(&mut rng)
                    } else {
                        None
                    },
                    types: if filtered {
                        random_types(&mut rng)
                    } else {
                        Vec::new()
                    },
                };
                let got = index.query(&q);
                assert_eq!(got, brute_force(&events, &q), "seed {seed}: {q:?}");
                nonempty += usize::from(!got.is_empty());
            }
            assert!(
                nonempty >= QUERIES / 4,
                "too few queries found anything: {nonempty}"
            );
        }
    }

    #[test]
    fn bbox_matches_brute_force() {
        check_against_brute_force(Some(0));
    }

    #[test]
    fn near_matches_brute_force() {
        check_against_brute_force(Some(1));
    }

    #[test]
    fn within_circle_matches_brute_force() {
        check_against_brute_force(Some(2));
    }

    #[test]
    fn nearest_matches_brute_force() {
        check_against_brute_force(Some(3));
    }

    #[test]
    fn within_polygon_matches_brute_force() {
        check_against_brute_force(Some(4));
    }

    #[test]
    fn near_line_matches_brute_force() {
        check_against_brute_force(Some(5));
    }

    #[test]
    fn time_and_type_filters_alone_match_brute_force() {
        check_against_brute_force(None);
    }

    /// A long winding line (a border) through the densest hubs.
    #[test]
    fn long_line_matches_brute_force() {
        let events = synthetic::events(EVENTS, 4);
        let index = EventIndex::build(&events);
        let line: Vec<LonLat> = (0..3_000)
            .map(|i| {
                let t = f64::from(i) / 3_000.0;
                LonLat {
                    lon: 98.5 + 0.05 * (t * 60.0).sin(),
                    lat: 15.0 + 9.0 * t,
                }
            })
            .collect();
        let parts = vec![
            line[..1_700].to_vec(),
            line[1_700..].to_vec(),
            vec![line[10]],
        ];
        for distance_m in [0.0, 500.0, 5_000.0, 40_000.0] {
            for types in [vec![], vec![EventType::Raid, EventType::Handover]] {
                let q = Query {
                    spatial: Some(Spatial::NearLine {
                        parts: parts.clone(),
                        distance_m,
                    }),
                    time: Some("2024-01-01/..".parse().unwrap()),
                    types,
                };
                let got = index.query(&q);
                assert_eq!(got, brute_force(&events, &q), "{distance_m} m");
                assert!(distance_m == 0.0 || !got.is_empty());
            }
        }
    }

    #[test]
    fn nearest_gives_distances_nearest_first() {
        let events = synthetic::events(EVENTS, 5);
        let index = EventIndex::build(&events);
        let center = LonLat {
            lon: 100.0,
            lat: 20.0,
        };
        let types = [EventType::Raid, EventType::Rescue];
        let nearest = index.nearest(center, 25, None, &types);
        assert_eq!(nearest.len(), 25);
        for (i, &(pos, d)) in nearest.iter().enumerate() {
            let e = &events[pos as usize];
            assert!(types.contains(&e.event_type));
            let closest = e
                .places
                .iter()
                .map(|p| p.point.distance_m(center))
                .fold(f64::INFINITY, f64::min);
            assert_eq!(d, closest);
            if i > 0 {
                assert!(nearest[i - 1].1 <= d);
            }
        }
    }

    #[test]
    fn empty_index_answers_nothing() {
        let index = EventIndex::build(&[]);
        assert!(index.is_empty());
        assert_eq!(index.len(), 0);
        let center = LonLat {
            lon: 98.5,
            lat: 16.7,
        };
        for spatial in [
            None,
            Some(Spatial::Bbox(
                Bbox::new(-180.0, -90.0, 180.0, 90.0).unwrap(),
            )),
            Some(Spatial::Near {
                center,
                radius_m: 1e7,
            }),
            Some(Spatial::Nearest { center, k: 10 }),
            Some(Spatial::NearLine {
                parts: vec![vec![center]],
                distance_m: 1e6,
            }),
        ] {
            assert!(index
                .query(&Query {
                    spatial,
                    ..Query::default()
                })
                .is_empty());
        }
    }

    #[test]
    fn nearest_with_k_zero_or_beyond_the_data() {
        let events = synthetic::events(300, 6);
        let index = EventIndex::build(&events);
        assert_eq!(index.len(), 300);
        let center = LonLat {
            lon: 98.5,
            lat: 16.7,
        };
        let q = |k| Query {
            spatial: Some(Spatial::Nearest { center, k }),
            ..Query::default()
        };
        assert!(index.query(&q(0)).is_empty());
        let all: Vec<u32> = (0..300).collect();
        assert_eq!(index.query(&q(300)), all);
        assert_eq!(index.query(&q(10_000)), all);
        let raids = Query {
            types: vec![EventType::Raid],
            ..q(10_000)
        };
        assert_eq!(index.query(&raids), brute_force(&events, &raids));
    }

    #[test]
    fn radius_zero_finds_only_exact_points() {
        let events = synthetic::events(500, 7);
        let index = EventIndex::build(&events);
        let target = events[123].places[0].point;
        let found = index.query(&Query {
            spatial: Some(Spatial::Near {
                center: target,
                radius_m: 0.0,
            }),
            ..Query::default()
        });
        assert_eq!(found, vec![123]);
        let moved = LonLat {
            lon: target.lon + 1e-7,
            lat: target.lat,
        };
        let near_moved = Query {
            spatial: Some(Spatial::Near {
                center: moved,
                radius_m: 0.0,
            }),
            ..Query::default()
        };
        assert!(index.query(&near_moved).is_empty());
        let negative = Query {
            spatial: Some(Spatial::Near {
                center: target,
                radius_m: -1.0,
            }),
            ..Query::default()
        };
        assert!(index.query(&negative).is_empty());
    }

    #[test]
    fn bbox_containing_nothing_answers_nothing() {
        let events = synthetic::events(500, 8);
        let index = EventIndex::build(&events);
        // The Atlantic, far from every synthetic event.
        let ocean = Bbox::new(-40.0, 10.0, -30.0, 20.0).unwrap();
        assert!(index
            .query(&Query {
                spatial: Some(Spatial::Bbox(ocean)),
                ..Query::default()
            })
            .is_empty());
        // A box around one point, but in a year with no events.
        let p = events[0].places[0].point;
        let tight = Bbox::new(p.lon, p.lat, p.lon, p.lat).unwrap();
        let q = Query {
            spatial: Some(Spatial::Bbox(tight)),
            ..Query::default()
        };
        assert_eq!(index.query(&q), vec![0]);
        let in_2030 = Query {
            time: Some("2030-01-01/..".parse().unwrap()),
            ..q
        };
        assert!(index.query(&in_2030).is_empty());
    }

    /// An event whose first place is far away is found through its second.
    #[test]
    fn second_place_matches() {
        let mut events = synthetic::events(200, 9);
        let mut far = events[0].places[0].clone();
        far.point = LonLat { lon: 0.0, lat: 0.0 };
        let mut near = far.clone();
        near.point = LonLat {
            lon: 120.0,
            lat: 30.0,
        };
        events[50].places = vec![far, near];
        let index = EventIndex::build(&events);
        let around_near = LonLat {
            lon: 120.01,
            lat: 30.0,
        };
        let queries = [
            Spatial::Bbox(Bbox::new(119.0, 29.0, 121.0, 31.0).unwrap()),
            Spatial::Near {
                center: around_near,
                radius_m: 5_000.0,
            },
            Spatial::Nearest {
                center: around_near,
                k: 1,
            },
            Spatial::Within(Area::Polygon(geo::MultiPolygon(vec![geo::Polygon::new(
                vec![(119.0, 29.0), (121.0, 29.0), (120.0, 31.0)].into(),
                vec![],
            )]))),
            Spatial::NearLine {
                parts: vec![vec![
                    LonLat {
                        lon: 119.0,
                        lat: 30.01,
                    },
                    LonLat {
                        lon: 121.0,
                        lat: 30.01,
                    },
                ]],
                distance_m: 2_000.0,
            },
        ];
        for spatial in queries {
            let q = Query {
                spatial: Some(spatial),
                ..Query::default()
            };
            assert_eq!(index.query(&q), vec![50], "{q:?}");
        }
        let nearest = index.nearest(around_near, 1, None, &[]);
        assert_eq!(nearest[0].0, 50);
        assert!((nearest[0].1 - 1_000.0).abs() < 50.0, "{nearest:?}");
    }

    /// Far from the equator a degree of longitude is short: the envelope of a
    /// circle must be wider in degrees, and the widest at its polar edge.
    #[test]
    fn circles_and_lines_far_north_match_brute_force() {
        let template = synthetic::events(1, 10).remove(0);
        let mut rng = Rng::new(10);
        let events: Vec<Event> = (0..2_000)
            .map(|i| {
                let mut e = template.clone();
                e.id = format!("N{i}").into();
                e.places[0].point = LonLat {
                    lon: rng.range(-180.0, 180.0),
                    lat: rng.range(60.0, 90.0),
                };
                e
            })
            .collect();
        let index = EventIndex::build(&events);
        for _ in 0..100 {
            let center = LonLat {
                lon: rng.range(-180.0, 180.0),
                lat: rng.range(60.0, 90.0),
            };
            let radius_m = rng.range(0.0, 1_500_000.0);
            for spatial in [
                Spatial::Near { center, radius_m },
                Spatial::Nearest {
                    center,
                    k: rng.below(30),
                },
                Spatial::NearLine {
                    parts: random_line(&mut rng, center),
                    distance_m: radius_m / 10.0,
                },
            ] {
                let q = Query {
                    spatial: Some(spatial),
                    ..Query::default()
                };
                assert_eq!(index.query(&q), brute_force(&events, &q), "{q:?}");
            }
        }
    }

    #[test]
    fn inverted_or_empty_shapes_answer_nothing() {
        let events = synthetic::events(100, 11);
        let index = EventIndex::build(&events);
        let inverted = Bbox {
            west: 110.0,
            south: 8.0,
            east: 92.0,
            north: 28.0,
        };
        let empty_polygon = Area::Polygon(geo::MultiPolygon(vec![]));
        for spatial in [
            Spatial::Bbox(inverted),
            Spatial::Within(empty_polygon),
            Spatial::NearLine {
                parts: vec![],
                distance_m: 1e6,
            },
            Spatial::NearLine {
                parts: vec![vec![]],
                distance_m: 1e6,
            },
        ] {
            let q = Query {
                spatial: Some(spatial),
                ..Query::default()
            };
            assert!(index.query(&q).is_empty(), "{q:?}");
        }
    }
}
