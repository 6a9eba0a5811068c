//! Events near a polyline (a border, a river, a road).
//!
//! The line is cut into the runs of segments of a [`LineIndex`]. Each run's
//! bounding box, widened by the distance ([`sphere::widened_boxes`]), is
//! searched in the tree, and each place found is measured against those of
//! that run's segments whose own widened boxes hold it. Cost: one envelope
//! search per run plus a few segment distances per candidate, instead of
//! every segment for every event.

use rstar::RTree;

use super::{Entry, Filter};
use crate::geom::{sphere, Bbox, LineIndex, LonLat};

/// Pushes onto `out` the positions accepted by `filter` with a place within
/// `distance_m` of the line `parts` (measured as by
/// [`crate::geom::nearest_on_lines`]), each once, unsorted.
pub(super) fn near_line(
    tree: &RTree<Entry>,
    filter: &Filter,
    parts: &[Vec<LonLat>],
    distance_m: f64,
    out: &mut Vec<u32>,
) {
    if distance_m.is_nan() || distance_m < 0.0 {
        return;
    }
    let delta = sphere::angle_deg(distance_m);
    // Events already found, so that the runs' overlapping envelopes do not
    // measure them again.
    let mut found = vec![0u64; filter.meta.len().div_ceil(64)];
    for (run, bounds) in LineIndex::new(parts).runs() {
        let Bbox {
            west,
            south,
            east,
            north,
        } = *bounds;
        if !(west.is_finite() && east.is_finite() && south.is_finite() && north.is_finite()) {
            continue;
        }
        // The per-segment longitude test below only holds where the widened
        // run neither wraps around the antimeridian nor reaches a pole.
        let half = sphere::cap_half_width_deg(south.abs().max(north.abs()), delta)
            .filter(|h| west - h >= -180.0 && east + h <= 180.0);
        let near = |p: LonLat| {
            if let [only] = run {
                return p.distance_m(*only) <= distance_m;
            }
            run.windows(2).any(|segment| {
                let (a, b) = (segment[0], segment[1]);
                let outside_lat =
                    p.lat < a.lat.min(b.lat) - delta || p.lat > a.lat.max(b.lat) + delta;
                let outside_lon = half
                    .is_some_and(|h| p.lon < a.lon.min(b.lon) - h || p.lon > a.lon.max(b.lon) + h);
                // Each segment is measured exactly as `nearest_on_line`
                // measures it within the whole line.
                !outside_lat
                    && !outside_lon
                    && p.nearest_on_line(segment)
                        .is_some_and(|(_, d)| d <= distance_m)
            })
        };
        for envelope in sphere::widened_boxes(bounds, delta) {
            for entry in tree.locate_in_envelope(&envelope.into()) {
                let pos = entry.data;
                let (word, bit) = (pos as usize / 64, 1u64 << (pos % 64));
                if found[word] & bit != 0 || !filter.accepts(pos) {
                    continue;
                }
                let [lon, lat] = *entry.geom();
                if near(LonLat { lon, lat }) {
                    found[word] |= bit;
                    out.push(pos);
                }
            }
        }
    }
}
