//! Hubs: places where events cluster within one period.
//!
//! A **hub** is a DBSCAN cluster of events of one [`Period`]: events whose
//! representative points ([`Event::point`]) lie within `eps_km` of each other
//! (great-circle distance), grown from *core* events that have at least
//! `min_events` events (themselves included) within `eps_km`. Events that are
//! not within reach of a core event are noise and belong to no hub. Periods are
//! clustered separately, so the same compound raided in two quarters gives two
//! hubs.
//!
//! Vague events are left out before clustering: an event whose precision
//! radius ([`Event::radius_m`]) exceeds `max_radius_km` sits on a country's or
//! a region's centre ("northern Myanmar", "Myanmar"), not where it happened,
//! and would otherwise make hubs at places where nothing is.
//!
//! Clusters do not depend on the order of the input: core events are joined
//! into clusters transitively (connected components), and an event that is
//! within reach of the cores of several clusters (a *border* event) joins the
//! cluster of its nearest core event (ties: the earlier event in the input).
//!
//! # Units
//! `eps_km` and `max_radius_km` are kilometres; distances are haversine on the
//! mean sphere ([`LonLat::distance_m`]); centroids are decimal degrees.
//!
//! # Runtime
//! Events are put in grid cells half of `eps_km` across, so that all events of
//! a cell are within `eps_km` of each other: a cell holding `min_events` events
//! makes them all core events at once, and the cores of a cell are joined
//! without looking at pairs. Neighbouring cells join when any pair of their
//! cores is within reach (the search stops at the first). Other events are
//! looked up in an R-tree ([`rstar`], bulk-loaded per period): a bounding-box
//! query, then a haversine check. Dense hubs are thus close to linear: the
//! server's hubs layer of 10^5 synthetic events (most of them in eight hubs)
//! takes 0.44 s, where joining every pair of neighbours took 2.4 s, and that
//! of 10^6 events 4 s. The worst case is many cells of cores just out of each
//! other's reach.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use geojson::{FeatureCollection, Value};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::Serialize;
use serde_json::json;

use super::json::{collection, feature, position};
use super::{spherical_mean, Period, PeriodSpan};
use crate::events::Event;
use crate::geom::{sphere, Bbox, LonLat, EARTH_RADIUS_M};

/// What [`hubs`] clusters, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HubParams {
    /// Neighbourhood radius, in kilometres.
    pub eps_km: f64,
    /// Events (the event itself included) within `eps_km` that make an event a
    /// core event; 0 acts as 1.
    pub min_events: usize,
    /// Events of different periods never share a hub.
    pub period: Period,
    /// Events whose precision radius is larger than this, in kilometres, are
    /// left out.
    pub max_radius_km: f64,
}

impl HubParams {
    /// 25 km, 2 events, by quarter, places up to 60 km across: what the CLI
    /// (`hubs`) and the map's hubs layer use unless told otherwise. A town and
    /// the compounds around it fall in one hub; a region or a country-wide
    /// event does not make one.
    pub const DEFAULT: Self = Self {
        eps_km: 25.0,
        min_events: 2,
        period: Period::Quarter,
        max_radius_km: 60.0,
    };
}

impl Default for HubParams {
    /// [`HubParams::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One cluster of events in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hub {
    /// `<period>/<n>`, `n` counting from 1 in the output order within the
    /// period: `2024-Q1/1`.
    pub id: String,
    /// The period label: `2024-Q1`.
    pub period: String,
    /// Spherical mean of the members' points.
    pub centroid: LonLat,
    /// Positions of the members in the input slice, ascending.
    pub members: Vec<usize>,
    /// The members' event ids, in the order of `members`.
    pub event_ids: Vec<String>,
    /// Sum of [`Event::persons_best`] over members that are not aggregates.
    pub persons_total: u64,
    /// Earliest first day of any member.
    pub first_day: NaiveDate,
    /// Latest last day of any member.
    pub last_day: NaiveDate,
    /// Up to three places named by the members: the place id (its name when it
    /// has no id) and how many members name it; most frequent first, ties by
    /// key.
    pub main_places: Vec<(String, usize)>,
}

/// The hubs of `events`, period by period.
///
/// Output order: periods chronologically; within a period, hubs with more
/// members first, then by centroid latitude from north to south, then by
/// longitude from west to east. Ids are numbered in that order.
///
/// Events with a precision radius above `max_radius_km`, or a point that is
/// not a finite coordinate, are left out (see the module docs).
///
/// # Example
/// ```
/// use scamatlas::analysis::{hubs, HubParams};
/// let events: Vec<scamatlas::events::Event> = Vec::new();
/// assert!(hubs(&events, &HubParams::default()).is_empty());
/// ```
#[must_use]
pub fn hubs(events: &[Event], params: &HubParams) -> Vec<Hub> {
    let max_radius_m = params.max_radius_km * 1000.0;
    let eps_m = params.eps_km.max(0.0) * 1000.0;
    let mut by_period: BTreeMap<PeriodSpan, Vec<usize>> = BTreeMap::new();
    for (i, event) in events.iter().enumerate() {
        let p = event.point();
        if event.radius_m() > max_radius_m || !p.lon.is_finite() || !p.lat.is_finite() {
            continue;
        }
        by_period
            .entry(params.period.of_event(event))
            .or_default()
            .push(i);
    }

    let mut out = Vec::new();
    for (span, positions) in by_period {
        let points: Vec<LonLat> = positions.iter().map(|&i| events[i].point()).collect();
        let mut period_hubs: Vec<Hub> = dbscan(&points, eps_m, params.min_events)
            .into_iter()
            .map(|cluster| {
                let members = cluster.into_iter().map(|k| positions[k]).collect();
                build_hub(events, &span.label, members)
            })
            .collect();
        period_hubs.sort_by(|a, b| {
            b.members
                .len()
                .cmp(&a.members.len())
                .then(b.centroid.lat.total_cmp(&a.centroid.lat))
                .then(a.centroid.lon.total_cmp(&b.centroid.lon))
                .then(a.members.cmp(&b.members))
        });
        for (n, hub) in period_hubs.iter_mut().enumerate() {
            hub.id = format!("{}/{}", span.label, n + 1);
        }
        out.extend(period_hubs);
    }
    out
}

/// A hub (without its id) from its members' positions, ascending.
fn build_hub(events: &[Event], period: &str, members: Vec<usize>) -> Hub {
    let member_events = || members.iter().map(|&i| &events[i]);
    let centroid = spherical_mean(member_events().map(|e| (e.point(), 1.0))).unwrap_or_else(|| {
        member_events()
            .next()
            .map_or(LonLat { lon: 0.0, lat: 0.0 }, Event::point)
    });
    let persons_total = member_events()
        .filter(|e| !e.aggregate)
        .map(Event::persons_best)
        .sum();
    let first_day = member_events()
        .map(|e| e.date.first_day())
        .min()
        .unwrap_or(NaiveDate::MIN);
    let last_day = member_events()
        .map(|e| e.date.last_day())
        .max()
        .unwrap_or(NaiveDate::MAX);

    let mut named: HashMap<&str, usize> = HashMap::new();
    for event in member_events() {
        let mut keys: Vec<&str> = event
            .places
            .iter()
            .map(|p| p.id.as_deref().unwrap_or(&p.name))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            *named.entry(key).or_default() += 1;
        }
    }
    let mut main_places: Vec<(String, usize)> =
        named.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    main_places.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    main_places.truncate(3);

    Hub {
        id: String::new(),
        period: period.to_string(),
        centroid,
        event_ids: member_events().map(|e| e.id.to_string()).collect(),
        members,
        persons_total,
        first_day,
        last_day,
        main_places,
    }
}

/// DBSCAN over `points` with great-circle neighbourhoods of `eps_m` metres.
///
/// Returns the clusters as ascending indices into `points`, ordered by their
/// first index; noise is in none. See the module docs for how border points
/// are assigned.
pub(crate) fn dbscan(points: &[LonLat], eps_m: f64, min_points: usize) -> Vec<Vec<usize>> {
    let min_points = min_points.max(1);
    let neighbours = Neighbours::new(points, eps_m);
    let grid = Grid::new(eps_m);
    let keys: Vec<Cell> = points.iter().map(|&p| grid.key(p)).collect();
    let core = core_points(&neighbours, &keys, min_points);
    let mut sets = join_cores(points, &grid, &keys, &core, eps_m);
    let label: Vec<Option<usize>> = (0..points.len())
        .map(|i| {
            if core[i] {
                Some(sets.find(i))
            } else {
                neighbours.nearest_core(i, &core).map(|j| sets.find(j))
            }
        })
        .collect();
    clusters(&label)
}

/// The points within `eps_m` of each point: an R-tree of the points, searched
/// in the boxes that hold a point's neighbourhood, then a haversine check.
struct Neighbours<'a> {
    points: &'a [LonLat],
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    eps_m: f64,
    /// The neighbourhood's angle, for [`sphere::widened_boxes`].
    reach_deg: f64,
}

impl<'a> Neighbours<'a> {
    fn new(points: &'a [LonLat], eps_m: f64) -> Self {
        let tree = RTree::bulk_load(
            points
                .iter()
                .enumerate()
                .map(|(i, p)| GeomWithData::new([p.lon, p.lat], i))
                .collect(),
        );
        Self {
            points,
            tree,
            eps_m,
            reach_deg: sphere::angle_deg(eps_m),
        }
    }

    /// Calls `f(j, distance)` for each point `j` within reach of point `i`
    /// (`i` itself included), in no particular order, until `f` returns false.
    fn each(&self, i: usize, f: &mut dyn FnMut(usize, f64) -> bool) {
        let p = self.points[i];
        for envelope in sphere::widened_boxes(&Bbox::point(p), self.reach_deg) {
            for candidate in self.tree.locate_in_envelope(&envelope.into()) {
                let j = candidate.data;
                let d = p.distance_m(self.points[j]);
                if d <= self.eps_m && !f(j, d) {
                    return;
                }
            }
        }
    }

    /// The core point nearest to point `i` within reach (ties: the earlier
    /// point), if any.
    fn nearest_core(&self, i: usize, core: &[bool]) -> Option<usize> {
        let mut nearest: Option<(f64, usize)> = None;
        self.each(i, &mut |j, d| {
            if core[j] && nearest.is_none_or(|(bd, bj)| d < bd || (d == bd && j < bj)) {
                nearest = Some((d, j));
            }
            true
        });
        nearest.map(|(_, j)| j)
    }
}

/// Whether each point is a core point: `min_points` points within reach. A
/// cell of the grid (`keys`: each point's cell) that holds `min_points`
/// points makes them all core points at once.
fn core_points(neighbours: &Neighbours, keys: &[Cell], min_points: usize) -> Vec<bool> {
    let mut crowd: FxHashMap<Cell, usize> = FxHashMap::default();
    for &key in keys {
        *crowd.entry(key).or_default() += 1;
    }
    (0..keys.len())
        .map(|i| {
            if crowd[&keys[i]] >= min_points {
                return true;
            }
            let mut count = 0;
            neighbours.each(i, &mut |_, _| {
                count += 1;
                count < min_points
            });
            count >= min_points
        })
        .collect()
}

/// The core points joined into sets, cell by cell (see [`Grid`]): every core
/// of a cell is within reach of every other, and two cells join when any pair
/// of their cores is within reach. Dense hubs thus cost a few checks per cell
/// instead of one per pair of points.
fn join_cores(
    points: &[LonLat],
    grid: &Grid,
    keys: &[Cell],
    core: &[bool],
    eps_m: f64,
) -> DisjointSets {
    let mut cores: FxHashMap<Cell, Vec<usize>> = FxHashMap::default();
    for (i, &key) in keys.iter().enumerate() {
        if core[i] {
            cores.entry(key).or_default().push(i);
        }
    }
    let mut sets = DisjointSets::new(points.len());
    for members in cores.values() {
        for pair in members.windows(2) {
            sets.union(pair[0], pair[1]);
        }
    }
    for (&key, members) in &cores {
        for other in grid.near(key) {
            let Some(others) = cores.get(&other).filter(|_| other > key) else {
                continue;
            };
            if sets.find(members[0]) != sets.find(others[0])
                && members.iter().any(|&i| {
                    others
                        .iter()
                        .any(|&j| points[i].distance_m(points[j]) <= eps_m)
                })
            {
                sets.union(members[0], others[0]);
            }
        }
    }
    sets
}

/// The clusters of labelled points (a label per point, `None` for noise) as
/// ascending indices, ordered by their first index.
fn clusters(label: &[Option<usize>]) -> Vec<Vec<usize>> {
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, l) in label.iter().enumerate() {
        if let Some(root) = l {
            clusters.entry(*root).or_default().push(i);
        }
    }
    let mut clusters: Vec<Vec<usize>> = clusters.into_values().collect();
    clusters.sort_by_key(|c| c.first().copied());
    clusters
}

/// Cells of the globe small enough that any two points in one cell are within
/// `eps_m` of each other: bands of latitude `eps / 2` high, cut into columns
/// of longitude `eps / 2` wide at the band's edge nearest the equator. The
/// great circle between two points of a cell is no longer than the path along
/// a meridian and then a parallel inside the cell, which is at most `eps`.
#[derive(Debug, Clone, Copy)]
struct Grid {
    /// Band height, in degrees of latitude.
    band_deg: f64,
    eps_m: f64,
}

/// A cell: its band and its column within the band.
type Cell = (i64, i64);

impl Grid {
    fn new(eps_m: f64) -> Self {
        // A hair under half of eps, so that rounding never puts two points
        // further apart than eps in one cell; never zero, never past a pole.
        let half = (eps_m / 2.0 / EARTH_RADIUS_M).to_degrees() * (1.0 - 1e-9);
        Self {
            band_deg: half.clamp(1e-9, 90.0),
            eps_m,
        }
    }

    fn band(&self, lat: f64) -> i64 {
        (lat / self.band_deg).floor() as i64
    }

    /// The southern and northern latitude of a band.
    fn edges(&self, band: i64) -> (f64, f64) {
        (
            band as f64 * self.band_deg,
            (band + 1) as f64 * self.band_deg,
        )
    }

    /// Column width of a band, in degrees of longitude, and its column count.
    fn columns(&self, band: i64) -> (f64, i64) {
        let (south, north) = self.edges(band);
        let nearest_equator = if south <= 0.0 && north >= 0.0 {
            0.0
        } else {
            south.abs().min(north.abs()).min(90.0)
        };
        let width = (self.band_deg / nearest_equator.to_radians().cos()).min(360.0);
        (width, (360.0 / width).ceil().max(1.0) as i64)
    }

    fn key(&self, p: LonLat) -> Cell {
        let band = self.band(p.lat);
        let (width, count) = self.columns(band);
        let column = ((p.lon + 180.0) / width).floor() as i64;
        (band, column.clamp(0, count - 1))
    }

    /// Every cell that may hold a point within `eps_m` of a point of `cell`,
    /// `cell` included.
    fn near(&self, (band, column): Cell) -> Vec<Cell> {
        let (width, _) = self.columns(band);
        let (south, north) = self.edges(band);
        let cell = Bbox {
            west: column as f64 * width - 180.0,
            south,
            east: ((column + 1) as f64 * width - 180.0).min(180.0),
            north,
        };
        let mut near = Vec::new();
        for reach in sphere::widened_boxes(&cell, sphere::angle_deg(self.eps_m)) {
            for b in self.band(reach.south)..=self.band(reach.north) {
                let (width, count) = self.columns(b);
                let column =
                    |lon: f64| (((lon + 180.0) / width).floor() as i64).clamp(0, count - 1);
                near.extend((column(reach.west)..=column(reach.east)).map(|c| (b, c)));
            }
        }
        near.sort_unstable();
        near.dedup();
        near
    }
}

/// Union-find with path halving and union by size.
struct DisjointSets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// Hubs as GeoJSON points at their centroids.
///
/// Properties: `id`, `period`, `events` (member count), `persons_total`,
/// `event_ids` (joined with `;`), `first_day` and `last_day` (`YYYY-MM-DD`),
/// `main_place` (the most named place, or null) and `main_places`
/// (`kk_park (5); myawaddy (2)`). The feature id is the hub id.
#[must_use]
pub fn hubs_to_geojson(hubs: &[Hub]) -> FeatureCollection {
    let features = hubs
        .iter()
        .map(|hub| {
            let main_places: Vec<String> = hub
                .main_places
                .iter()
                .map(|(place, n)| format!("{place} ({n})"))
                .collect();
            feature(
                hub.id.clone(),
                Value::Point(position(hub.centroid)),
                json!({
                    "id": hub.id,
                    "period": hub.period,
                    "events": hub.members.len(),
                    "persons_total": hub.persons_total,
                    "event_ids": hub.event_ids.join(";"),
                    "first_day": hub.first_day.format("%Y-%m-%d").to_string(),
                    "last_day": hub.last_day.format("%Y-%m-%d").to_string(),
                    "main_place": hub.main_places.first().map(|(place, _)| place),
                    "main_places": main_places.join("; "),
                }),
            )
        })
        .collect();
    collection(features)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{at, event, place, Rng};

    fn params(eps_km: f64, min_events: usize) -> HubParams {
        HubParams {
            eps_km,
            min_events,
            period: Period::Quarter,
            max_radius_km: 20.0,
        }
    }

    /// A point `km` kilometres north of `p`.
    fn north(p: (f64, f64), km: f64) -> (f64, f64) {
        (p.0, p.1 + km / crate::analysis::km_per_degree())
    }

    const KK_PARK: (f64, f64) = (98.5166, 16.5783);
    const LAUKKAI: (f64, f64) = (98.7621, 23.6961);

    #[test]
    fn two_clusters_and_noise() {
        let mut events = Vec::new();
        for k in 0..4 {
            let (lon, lat) = north(KK_PARK, k as f64);
            events.push(at(&format!("S{k}"), "2024-02-10", lon, lat, 10));
        }
        for k in 0..3 {
            let (lon, lat) = north(LAUKKAI, k as f64 * 0.5);
            events.push(at(&format!("N{k}"), "2024-03-01", lon, lat, 100));
        }
        // Noise: alone in Mong La.
        events.push(at("X", "2024-02-15", 99.59, 21.67, 5));
        let hubs = hubs(&events, &params(2.0, 3));
        assert_eq!(hubs.len(), 2, "{hubs:#?}");
        assert_eq!(hubs[0].id, "2024-Q1/1");
        assert_eq!(hubs[0].event_ids, ["S0", "S1", "S2", "S3"]);
        assert_eq!(hubs[0].members, [0, 1, 2, 3]);
        assert_eq!(hubs[0].persons_total, 40);
        assert_eq!(hubs[1].id, "2024-Q1/2");
        assert_eq!(hubs[1].event_ids, ["N0", "N1", "N2"]);
        assert_eq!(hubs[1].persons_total, 300);
        assert_eq!(hubs[1].first_day.to_string(), "2024-03-01");
        assert_eq!(hubs[0].last_day.to_string(), "2024-02-10");
        assert!((hubs[1].centroid.lat - north(LAUKKAI, 0.5).1).abs() < 1e-6);
        assert!(hubs.iter().all(|h| !h.members.contains(&7)));
    }

    #[test]
    fn min_events_is_respected() {
        let events: Vec<Event> = (0..3)
            .map(|k| at(&format!("E{k}"), "2024-05-01", KK_PARK.0, KK_PARK.1, 1))
            .collect();
        assert_eq!(hubs(&events, &params(1.0, 3)).len(), 1);
        assert!(hubs(&events, &params(1.0, 4)).is_empty());
        // 0 acts as 1: every event is its own core.
        assert_eq!(hubs(&events, &params(1.0, 0)).len(), 1);
    }

    #[test]
    fn eps_is_respected_just_inside_and_outside() {
        let chain = |gap_km: f64| -> Vec<Event> {
            (0..2)
                .map(|k| {
                    let (lon, lat) = north(KK_PARK, k as f64 * gap_km);
                    at(&format!("E{k}"), "2024-05-01", lon, lat, 1)
                })
                .collect()
        };
        assert_eq!(hubs(&chain(4.99), &params(5.0, 2)).len(), 1);
        assert!(hubs(&chain(5.01), &params(5.0, 2)).is_empty());
        // East-west as well, where the box must be wider than eps in degrees.
        let km_lon = crate::analysis::km_per_degree() * KK_PARK.1.to_radians().cos();
        let pair = |gap_km: f64| {
            vec![
                at("W", "2024-05-01", KK_PARK.0, KK_PARK.1, 1),
                at("E", "2024-05-01", KK_PARK.0 + gap_km / km_lon, KK_PARK.1, 1),
            ]
        };
        assert_eq!(hubs(&pair(4.99), &params(5.0, 2)).len(), 1);
        assert!(hubs(&pair(5.01), &params(5.0, 2)).is_empty());
    }

    #[test]
    fn periods_never_merge() {
        let events: Vec<Event> = ["2024-03-30", "2024-03-31", "2024-04-01", "2024-04-02"]
            .iter()
            .enumerate()
            .map(|(k, d)| at(&format!("E{k}"), d, KK_PARK.0, KK_PARK.1, 1))
            .collect();
        let quarterly = hubs(&events, &params(1.0, 2));
        let ids: Vec<&str> = quarterly.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["2024-Q1/1", "2024-Q2/1"]);
        assert_eq!(quarterly[1].members, [2, 3]);
        let yearly = hubs(
            &events,
            &HubParams {
                period: Period::Year,
                ..params(1.0, 2)
            },
        );
        assert_eq!(yearly.len(), 1);
        assert_eq!(yearly[0].id, "2024/1");
    }

    #[test]
    fn vague_events_are_left_out() {
        let mut events: Vec<Event> = (0..3)
            .map(|k| {
                event(
                    &format!("V{k}"),
                    "2024-01-10",
                    place("northern_myanmar", 97.5, 23.0, 300_000.0),
                    50,
                )
            })
            .collect();
        events.push(at("T", "2024-01-10", 97.5, 23.0, 1));
        assert!(hubs(&events, &params(5.0, 2)).is_empty());
        let loose = hubs(
            &events,
            &HubParams {
                max_radius_km: 500.0,
                ..params(5.0, 2)
            },
        );
        assert_eq!(loose.len(), 1);
        assert_eq!(loose[0].main_places[0], ("northern_myanmar".to_string(), 3));
    }

    #[test]
    fn aggregates_count_as_members_but_not_persons() {
        let mut events: Vec<Event> = (0..3)
            .map(|k| at(&format!("E{k}"), "2024-01-10", KK_PARK.0, KK_PARK.1, 7))
            .collect();
        events[2].aggregate = true;
        let h = hubs(&events, &params(1.0, 3));
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].persons_total, 14);
    }

    #[test]
    fn main_places_count_members_most_frequent_first() {
        let mut events = vec![
            at("kk_park", "2024-01-10", KK_PARK.0, KK_PARK.1, 1),
            at("kk_park", "2024-01-11", KK_PARK.0, KK_PARK.1, 1),
            event(
                "E3",
                "2024-01-12",
                place("", KK_PARK.0, KK_PARK.1, 100.0),
                1,
            ),
            at("myawaddy", "2024-01-12", KK_PARK.0, KK_PARK.1, 1),
            at("shwe_kokko", "2024-01-12", KK_PARK.0, KK_PARK.1, 1),
        ];
        events[2].places[0].name = "Huanya compound".into();
        events[1]
            .places
            .push(place("kk_park", KK_PARK.0, KK_PARK.1, 100.0));
        let h = hubs(&events, &params(1.0, 2));
        assert_eq!(
            h[0].main_places,
            [
                ("kk_park".to_string(), 2),
                ("Huanya compound".to_string(), 1),
                ("myawaddy".to_string(), 1)
            ]
        );
    }

    /// DBSCAN the slow way, with the same border rule.
    fn brute_force(points: &[LonLat], eps_m: f64, min_points: usize) -> Vec<Vec<usize>> {
        let n = points.len();
        let near = |i: usize, j: usize| points[i].distance_m(points[j]) <= eps_m;
        let core: Vec<bool> = (0..n)
            .map(|i| (0..n).filter(|&j| near(i, j)).count() >= min_points)
            .collect();
        let mut label: Vec<Option<usize>> = vec![None; n];
        let mut next = 0;
        for seed in 0..n {
            if !core[seed] || label[seed].is_some() {
                continue;
            }
            let mut stack = vec![seed];
            label[seed] = Some(next);
            while let Some(i) = stack.pop() {
                for j in 0..n {
                    if core[j] && label[j].is_none() && near(i, j) {
                        label[j] = Some(next);
                        stack.push(j);
                    }
                }
            }
            next += 1;
        }
        for i in (0..n).filter(|&i| !core[i]) {
            let nearest = (0..n).filter(|&j| core[j] && near(i, j)).min_by(|&a, &b| {
                points[i]
                    .distance_m(points[a])
                    .total_cmp(&points[i].distance_m(points[b]))
                    .then(a.cmp(&b))
            });
            label[i] = nearest.and_then(|j| label[j]);
        }
        let mut clusters = vec![Vec::new(); next];
        for (i, l) in label.iter().enumerate() {
            if let Some(c) = l {
                clusters[*c].push(i);
            }
        }
        clusters.sort_by_key(|c| c.first().copied());
        clusters
    }

    #[test]
    fn tree_dbscan_equals_brute_force_on_random_points() {
        let mut rng = Rng(20240223);
        let (mut total_clusters, mut noise, mut straddling) = (0, 0, 0);
        for round in 0..12 {
            let n = 50 + round * 25;
            // Clumps around a few centres plus uniform scatter, some of it
            // straddling the antimeridian and near the pole.
            let centres: Vec<(f64, f64)> = (0..4)
                .map(|_| (rng.next_f64() * 8.0 + 94.0, rng.next_f64() * 16.0 + 10.0))
                .chain([(179.95, 10.0), (-20.0, 89.9)])
                .collect();
            let points: Vec<LonLat> = (0..n)
                .map(|_| {
                    let (clon, clat) = centres[(rng.next_f64() * centres.len() as f64) as usize];
                    let spread = if rng.next_f64() < 0.2 { 3.0 } else { 0.15 };
                    let lon = clon + (rng.next_f64() - 0.5) * spread;
                    let lat = (clat + (rng.next_f64() - 0.5) * spread).clamp(-90.0, 90.0);
                    LonLat {
                        lon: (lon + 180.0).rem_euclid(360.0) - 180.0,
                        lat,
                    }
                })
                .collect();
            let eps_m = 2_000.0 + rng.next_f64() * 20_000.0;
            let min_points = 2 + round % 5;
            let clusters = dbscan(&points, eps_m, min_points);
            assert_eq!(
                clusters,
                brute_force(&points, eps_m, min_points),
                "round {round}: n {n}, eps {eps_m} m, min {min_points}"
            );
            total_clusters += clusters.len();
            noise += n - clusters.iter().map(Vec::len).sum::<usize>();
            straddling += clusters
                .iter()
                .filter(|c| {
                    c.iter().any(|&i| points[i].lon > 179.0)
                        && c.iter().any(|&i| points[i].lon < -179.0)
                })
                .count();
        }
        // The comparison is only worth something if there is something to compare.
        assert!(
            total_clusters > 30 && noise > 30,
            "{total_clusters} {noise}"
        );
        assert!(straddling > 0);
    }

    /// Random points around `centre`, up to `spread` degrees off each way,
    /// wrapped onto the globe.
    fn clump(rng: &mut Rng, centre: (f64, f64), spread: f64, n: usize) -> Vec<LonLat> {
        (0..n)
            .map(|_| LonLat {
                lon: (centre.0 + (rng.next_f64() - 0.5) * spread + 180.0).rem_euclid(360.0) - 180.0,
                lat: (centre.1 + (rng.next_f64() - 0.5) * spread).clamp(-90.0, 90.0),
            })
            .collect()
    }

    #[test]
    fn grid_cells_are_within_eps_and_near_cells_cover_eps() {
        let mut rng = Rng(7);
        for eps_m in [10.0, 2_500.0, 25_000.0, 400_000.0] {
            let grid = Grid::new(eps_m);
            for centre in [
                (98.5, 16.7),
                (179.99, -45.0),
                (0.0, 0.0),
                (-20.0, 89.95),
                (60.0, -89.9),
            ] {
                let spread = (eps_m / 20_000.0).max(0.001);
                let points = clump(&mut rng, centre, spread, 200);
                for p in &points {
                    for q in &points {
                        let (kp, kq) = (grid.key(*p), grid.key(*q));
                        let d = p.distance_m(*q);
                        if kp == kq {
                            assert!(d <= eps_m, "{p:?} {q:?} share {kp:?} but are {d} m apart");
                        }
                        if d <= eps_m {
                            assert!(
                                grid.near(kp).contains(&kq),
                                "{p:?} {q:?} {d} m, eps {eps_m}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn grid_dbscan_equals_brute_force_on_dense_hubs() {
        let mut rng = Rng(1_000_003);
        for (round, eps_km) in [0.5, 5.0, 25.0, 60.0].into_iter().enumerate() {
            // Hubs far denser than eps, two hubs closer than eps, a hub
            // astride the antimeridian and one at the pole, and scatter.
            let mut points = clump(&mut rng, (98.509, 16.689), 0.4, 300);
            points.extend(clump(&mut rng, (98.518, 16.835), 0.02, 200));
            points.extend(clump(&mut rng, (180.0, -16.0), 0.3, 150));
            points.extend(clump(&mut rng, (0.0, 90.0), 1.0, 150));
            points.extend(clump(&mut rng, (100.0, 18.0), 20.0, 200));
            for min_points in [1, 3, 8, 40] {
                assert_eq!(
                    dbscan(&points, eps_km * 1000.0, min_points),
                    brute_force(&points, eps_km * 1000.0, min_points),
                    "round {round}: eps {eps_km} km, min {min_points}"
                );
            }
        }
    }

    #[test]
    fn neighbourhoods_cross_the_antimeridian() {
        let points = [
            LonLat {
                lon: 179.99,
                lat: 0.0,
            },
            LonLat {
                lon: -179.99,
                lat: 0.0,
            },
        ];
        assert_eq!(dbscan(&points, 5_000.0, 2), [vec![0, 1]]);
    }

    #[test]
    fn geojson_round_trips_with_ids() {
        let events: Vec<Event> = (0..3)
            .map(|k| at(&format!("E{k}"), "2024-01-10", 98.516_612_345, 16.578_3, 7))
            .collect();
        let fc = hubs_to_geojson(&hubs(&events, &params(1.0, 3)));
        let text = fc.to_string();
        let back: FeatureCollection = text.parse().unwrap();
        assert_eq!(back.features.len(), 1);
        let f = &back.features[0];
        assert_eq!(f.id, Some(geojson::feature::Id::String("2024-Q1/1".into())));
        assert_eq!(f.property("event_ids"), Some(&json!("E0;E1;E2")));
        assert_eq!(f.property("persons_total"), Some(&json!(21)));
        assert_eq!(f.property("first_day"), Some(&json!("2024-01-10")));
        assert_eq!(f.property("main_place"), Some(&json!("E0")));
        match f.geometry.as_ref().map(|g| &g.value) {
            Some(Value::Point(p)) => assert_eq!(p, &vec![98.516612, 16.5783]),
            other => panic!("{other:?}"),
        }
    }
}
