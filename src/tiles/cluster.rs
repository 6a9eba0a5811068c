//! Clustering: at low zooms, points of one period that would draw on top of
//! each other are merged into one *cluster* point carrying how many points it
//! stands for, so a tile of 100,000 events stays a few hundred features.
//!
//! # Units
//! The radius is in tile units of an [`EXTENT`]-wide tile (128 units are 8
//! screen pixels on a 256-px tile, 16 on a 512-px one); positions are degrees
//! in and out.

use std::hash::Hash;

use rustc_hash::FxHashMap;

use super::coord::{lonlat_to_tile_px, tile_px_to_lonlat, TileCoord};
use super::encode::{TileFeature, TileGeometry, TileValue, EXTENT};
use crate::geom::LonLat;

/// The default clustering radius, in tile units.
pub const CLUSTER_RADIUS: f64 = 128.0;

/// Which points of one tile cluster together: each group lists indices into
/// the points given, its seed first, in the order of the seeds.
///
/// Greedy and deterministic: in input order, each point not yet taken seeds a
/// group and takes every untaken point with **the same key** (a period) within
/// `radius_px` of it. A point without a position (`None`) is a group of its
/// own. A `radius_px` of zero or less groups nothing.
///
/// The grid that finds neighbours is aligned on the world, not the tile, but a
/// group only sees the points it is given: for groups to agree across a tile
/// edge, give it the points of the tile and its buffer.
///
/// # Runtime
/// `O(n)` expected, with a hash grid of `radius_px` cells and no allocation
/// per point.
#[derive(Debug, Clone)]
pub struct Grouping {
    coord: TileCoord,
    /// Tile-space position of each point.
    positions: Vec<Option<(f64, f64)>>,
    /// Indices of the points of each group, seed first.
    pub groups: Vec<Vec<usize>>,
}

impl Grouping {
    /// Groups `points` (position and key) for tile `coord`.
    #[must_use]
    pub fn new<K: Eq + Hash + Copy>(
        points: &[(Option<LonLat>, K)],
        coord: TileCoord,
        radius_px: f64,
    ) -> Self {
        let origin = (
            f64::from(coord.x) * f64::from(EXTENT),
            f64::from(coord.y) * f64::from(EXTENT),
        );
        let positions: Vec<Option<(f64, f64)>> = points
            .iter()
            .map(|(p, _)| p.map(|p| lonlat_to_tile_px(p, coord, EXTENT)))
            .collect();
        let merging = radius_px > 0.0 && radius_px.is_finite();
        let cell_of = |(x, y): (f64, f64)| {
            (
                ((origin.0 + x) / radius_px).floor() as i64,
                ((origin.1 + y) / radius_px).floor() as i64,
            )
        };
        let mut grid: FxHashMap<(K, i64, i64), Vec<usize>> = FxHashMap::default();
        if merging {
            for (i, ((_, key), position)) in points.iter().zip(&positions).enumerate() {
                if let Some(p) = position {
                    let (cx, cy) = cell_of(*p);
                    grid.entry((*key, cx, cy)).or_default().push(i);
                }
            }
        }

        let r2 = radius_px * radius_px;
        let mut taken = vec![false; points.len()];
        let mut groups = Vec::new();
        for (i, (_, key)) in points.iter().enumerate() {
            if taken[i] {
                continue;
            }
            taken[i] = true;
            let mut members = vec![i];
            if let (Some(seed), true) = (positions[i], merging) {
                let (cx, cy) = cell_of(seed);
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        let Some(cell) = grid.get_mut(&(*key, cx + dx, cy + dy)) else {
                            continue;
                        };
                        // Taken points leave their cell, so dense cells are not
                        // scanned again and again by later seeds.
                        cell.retain(|&j| {
                            if taken[j] {
                                return false;
                            }
                            let Some((x, y)) = positions[j] else {
                                return false;
                            };
                            let near = (x - seed.0).powi(2) + (y - seed.1).powi(2) <= r2;
                            if near {
                                taken[j] = true;
                                members.push(j);
                            }
                            !near
                        });
                    }
                }
            }
            groups.push(members);
        }
        Self {
            coord,
            positions,
            groups,
        }
    }

    /// Whether point `i` had a position.
    #[must_use]
    pub fn has_position(&self, i: usize) -> bool {
        self.positions.get(i).is_some_and(Option::is_some)
    }

    /// The mean position of `members`, taken in tile space.
    #[must_use]
    pub fn centre(&self, members: &[usize]) -> LonLat {
        let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
        for (x, y) in members.iter().filter_map(|&m| self.positions[m]) {
            sx += x;
            sy += y;
            n += 1.0;
        }
        let n = f64::max(n, 1.0);
        tile_px_to_lonlat((sx / n, sy / n), self.coord, EXTENT)
    }
}

/// Points of `features` (each with its period key, e.g. `2024-Q1`) merged
/// into clusters for tile `coord`, as [`Grouping`] groups them.
///
/// Points of different periods are never merged. A cluster becomes one Point
/// at its members' mean position (in tile space) with no id and the
/// properties `point_count` (Int), `cluster` (`true`), `period` (the key) and
/// `persons_best` (the sum of the members' `persons_best`; Int, or Double if
/// any member's is a Double; 0 when none has one).
///
/// A point left alone keeps its id, geometry and properties, with
/// `point_count = 1` set and `period` added when it has none. A MultiPoint
/// clusters by its first point and, alone, stays a MultiPoint. Lines and
/// polygons pass through unchanged. Output follows the input order of each
/// cluster's first point. A `radius_px` of zero or less merges nothing.
///
/// # Units
/// `radius_px` in tile units of an [`EXTENT`]-wide tile.
///
/// # Example
/// ```
/// use scamatlas::geom::LonLat;
/// use scamatlas::tiles::{cluster_points, TileCoord, TileFeature, TileGeometry, TileValue, CLUSTER_RADIUS};
///
/// let at = |lon: f64, persons: i64| TileFeature {
///     id: None,
///     geometry: TileGeometry::Point(LonLat { lon, lat: 16.7 }),
///     properties: vec![("persons_best".into(), TileValue::Int(persons))],
/// };
/// let points = [(at(98.50, 10), "2024".to_string()), (at(98.51, 20), "2024".to_string())];
/// let clusters = cluster_points(&points, TileCoord::new(4, 12, 7)?, CLUSTER_RADIUS);
/// assert_eq!(clusters.len(), 1);
/// assert_eq!(clusters[0].property("point_count"), Some(&TileValue::Int(2)));
/// assert_eq!(clusters[0].property("persons_best"), Some(&TileValue::Int(30)));
/// # Ok::<(), scamatlas::tiles::TileError>(())
/// ```
#[must_use]
pub fn cluster_points(
    features: &[(TileFeature, String)],
    coord: TileCoord,
    radius_px: f64,
) -> Vec<TileFeature> {
    let points: Vec<(Option<LonLat>, &str)> = features
        .iter()
        .map(|(f, period)| (representative(&f.geometry), period.as_str()))
        .collect();
    let grouping = Grouping::new(&points, coord, radius_px);
    grouping
        .groups
        .iter()
        .map(|members| {
            let (feature, period) = &features[members[0]];
            if !grouping.has_position(members[0]) {
                return feature.clone();
            }
            if members.len() == 1 {
                let mut f = feature.clone();
                mark_single(&mut f, period);
                return f;
            }
            let (mut int_sum, mut double_sum, mut any_double) = (0_i64, 0.0_f64, false);
            for &m in members {
                match features[m].0.property("persons_best") {
                    Some(TileValue::Int(v)) => int_sum = int_sum.saturating_add(*v),
                    Some(TileValue::Double(v)) => {
                        double_sum += v;
                        any_double = true;
                    }
                    _ => {}
                }
            }
            let persons = if any_double {
                TileValue::Double(double_sum + int_sum as f64)
            } else {
                TileValue::Int(int_sum)
            };
            cluster_feature(grouping.centre(members), members.len(), persons, period)
        })
        .collect()
}

/// The point a feature clusters by: a Point's, a MultiPoint's first.
fn representative(geometry: &TileGeometry) -> Option<LonLat> {
    match geometry {
        TileGeometry::Point(p) => Some(*p),
        TileGeometry::MultiPoint(ps) => ps.first().copied(),
        _ => None,
    }
}

/// Marks a point left alone: `point_count = 1`, and its `period` unless it
/// has one.
pub fn mark_single(f: &mut TileFeature, period: &str) {
    match f.properties.iter_mut().find(|(k, _)| k == "point_count") {
        Some((_, v)) => *v = TileValue::Int(1),
        None => f.properties.push(("point_count".into(), TileValue::Int(1))),
    }
    if f.property("period").is_none() {
        f.properties
            .push(("period".into(), TileValue::String(period.to_string())));
    }
}

/// One cluster point: `point_count`, `cluster = true`, `period` and
/// `persons_best`, with no id.
#[must_use]
pub fn cluster_feature(
    centre: LonLat,
    count: usize,
    persons: TileValue,
    period: &str,
) -> TileFeature {
    TileFeature {
        id: None,
        geometry: TileGeometry::Point(centre),
        properties: vec![
            ("point_count".into(), TileValue::Int(count as i64)),
            ("cluster".into(), TileValue::Bool(true)),
            ("period".into(), TileValue::String(period.to_string())),
            ("persons_best".into(), persons),
        ],
    }
}

#[cfg(test)]
mod tests {
    use mvt_reader::feature::Value;

    use super::*;
    use crate::tiles::encode_tile;

    fn tile() -> TileCoord {
        TileCoord::new(4, 12, 7).unwrap()
    }

    fn at(x: f64, y: f64) -> LonLat {
        tile_px_to_lonlat((x, y), tile(), EXTENT)
    }

    fn point(id: u64, x: f64, y: f64, persons: i64, period: &str) -> (TileFeature, String) {
        (
            TileFeature {
                id: Some(id),
                geometry: TileGeometry::Point(at(x, y)),
                properties: vec![
                    ("type".into(), "raid".into()),
                    ("persons_best".into(), TileValue::Int(persons)),
                ],
            },
            period.to_string(),
        )
    }

    fn px(f: &TileFeature) -> (f64, f64) {
        match f.geometry {
            TileGeometry::Point(p) => lonlat_to_tile_px(p, tile(), EXTENT),
            ref other => panic!("expected a point, got {other:?}"),
        }
    }

    #[test]
    fn same_period_neighbours_merge_at_their_mean_and_sum_persons() {
        let points = [
            point(1, 1000.0, 1000.0, 10, "2024-Q1"),
            point(2, 1060.0, 1000.0, 20, "2024-Q1"),
            point(3, 1000.0, 1090.0, 5, "2024-Q1"),
        ];
        let out = cluster_points(&points, tile(), CLUSTER_RADIUS);
        assert_eq!(out.len(), 1);
        let c = &out[0];
        assert_eq!(c.id, None);
        assert_eq!(c.property("point_count"), Some(&TileValue::Int(3)));
        assert_eq!(c.property("cluster"), Some(&TileValue::Bool(true)));
        assert_eq!(
            c.property("period"),
            Some(&TileValue::String("2024-Q1".into()))
        );
        assert_eq!(c.property("persons_best"), Some(&TileValue::Int(35)));
        let (x, y) = px(c);
        assert!(
            (x - 1020.0).abs() < 1e-6 && (y - 1030.0).abs() < 1e-6,
            "{x},{y}"
        );
    }

    #[test]
    fn different_periods_never_merge() {
        let points = [
            point(1, 1000.0, 1000.0, 10, "2024-Q1"),
            point(2, 1001.0, 1000.0, 20, "2024-Q2"),
            point(3, 1002.0, 1000.0, 30, "2024-Q1"),
        ];
        let out = cluster_points(&points, tile(), CLUSTER_RADIUS);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].property("point_count"), Some(&TileValue::Int(2)));
        assert_eq!(out[0].property("persons_best"), Some(&TileValue::Int(40)));
        assert_eq!(out[1].id, Some(2));
        assert_eq!(out[1].property("point_count"), Some(&TileValue::Int(1)));
        assert_eq!(
            out[1].property("period"),
            Some(&TileValue::String("2024-Q2".into()))
        );
    }

    #[test]
    fn isolated_points_pass_through_with_point_count_1() {
        let points = [
            point(1, 100.0, 100.0, 10, "2024"),
            point(2, 100.0 + CLUSTER_RADIUS + 1.0, 100.0, 20, "2024"),
            point(3, 3000.0, 3000.0, 30, "2024"),
        ];
        let out = cluster_points(&points, tile(), CLUSTER_RADIUS);
        assert_eq!(out.len(), 3);
        for (f, (orig, _)) in out.iter().zip(&points) {
            assert_eq!(f.id, orig.id);
            assert_eq!(f.geometry, orig.geometry);
            assert_eq!(&f.properties[..2], &orig.properties[..]);
            assert_eq!(f.property("point_count"), Some(&TileValue::Int(1)));
            assert_eq!(f.property("cluster"), None);
        }
        // No radius, no merging.
        let close = [point(1, 10.0, 10.0, 1, "a"), point(2, 10.0, 10.0, 1, "a")];
        assert_eq!(cluster_points(&close, tile(), 0.0).len(), 2);
    }

    #[test]
    fn neighbours_across_a_cell_edge_merge_and_lines_pass_through() {
        // 127 and 129 sit in different grid cells of 128 units.
        let line = TileFeature {
            id: Some(9),
            geometry: TileGeometry::LineString(vec![at(0.0, 0.0), at(10.0, 10.0)]),
            properties: vec![],
        };
        let points = [
            point(1, 127.0, 500.0, 1, "x"),
            (line.clone(), "x".to_string()),
            point(2, 129.0, 500.0, 2, "x"),
        ];
        let out = cluster_points(&points, tile(), CLUSTER_RADIUS);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].property("point_count"), Some(&TileValue::Int(2)));
        assert_eq!(out[1], line);
    }

    #[test]
    fn clustering_is_deterministic_and_keeps_every_point() {
        let points: Vec<(TileFeature, String)> = (0..2000u64)
            .map(|i| {
                let x = (i * 7919 % 4096) as f64;
                let y = (i * 104_729 % 4096) as f64;
                point(i, x, y, 1, ["a", "b", "c"][(i % 3) as usize])
            })
            .collect();
        let first = cluster_points(&points, tile(), CLUSTER_RADIUS);
        assert_eq!(first, cluster_points(&points, tile(), CLUSTER_RADIUS));
        let count: i64 = first
            .iter()
            .map(|f| match f.property("point_count") {
                Some(TileValue::Int(n)) => *n,
                _ => 0,
            })
            .sum();
        assert_eq!(count, 2000);
        assert!(first.len() < 2000);
    }

    #[test]
    fn a_clustered_tile_decodes() {
        let points = [
            point(1, 1000.0, 1000.0, 10, "2024"),
            point(2, 1010.0, 1000.0, 20, "2024"),
            point(3, 3000.0, 3000.0, 30, "2024"),
        ];
        let clustered = cluster_points(&points, tile(), CLUSTER_RADIUS);
        let bytes = encode_tile(tile(), &[("events", &clustered)]).unwrap();
        let reader = mvt_reader::Reader::new(bytes).unwrap();
        let features = reader.get_features(0).unwrap();
        assert_eq!(features.len(), 2);
        let c = features[0].properties.as_ref().unwrap();
        assert_eq!(c["point_count"], Value::Int(2));
        assert_eq!(c["cluster"], Value::Bool(true));
        assert_eq!(c["persons_best"], Value::Int(30));
        assert_eq!(c["period"], Value::String("2024".into()));
        assert_eq!(features[1].id, Some(3));
        let s = features[1].properties.as_ref().unwrap();
        assert_eq!(s["point_count"], Value::Int(1));
        assert_eq!(s["type"], Value::String("raid".into()));
    }
}
