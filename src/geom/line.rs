//! Nearest points on polylines (a border, a river): the plain scan of every
//! segment ([`nearest_on_lines`]) and the one accelerator beside it
//! ([`LineIndex`]), which cuts a line into runs of segments with boxes.
//!
//! # Units
//! Degrees for coordinates, metres for distances.

use super::sphere::{haversine_of_m, min_haversine};
use super::{Bbox, LonLat};

impl LonLat {
    /// The point of the polyline `line` nearest to `self`, with its distance in metres.
    ///
    /// Segments are treated as straight in an equirectangular projection scaled at
    /// the query latitude, which is accurate to metres for the short segments of a
    /// border line. Returns `None` for an empty line.
    #[must_use]
    pub fn nearest_on_line(self, line: &[LonLat]) -> Option<(LonLat, f64)> {
        let mut best = None;
        self.scan_line(line, &mut best);
        best
    }

    /// Measures each segment of `line` (its vertex, when it has only one) and
    /// keeps in `best` the first point nearer than the one already there.
    fn scan_line(self, line: &[LonLat], best: &mut Option<(LonLat, f64)>) {
        let k = self.lat.to_radians().cos();
        let project = |p: LonLat| ((p.lon - self.lon) * k, p.lat - self.lat);
        let mut consider = |p: LonLat| {
            let d = self.distance_m(p);
            if best.is_none_or(|(_, bd)| d < bd) {
                *best = Some((p, d));
            }
        };
        match line {
            [] => {}
            [only] => consider(*only),
            _ => {
                for pair in line.windows(2) {
                    let (a, b) = (pair[0], pair[1]);
                    let (ax, ay) = project(a);
                    let (bx, by) = project(b);
                    let (dx, dy) = (bx - ax, by - ay);
                    let len2 = dx * dx + dy * dy;
                    let t = if len2 == 0.0 {
                        0.0
                    } else {
                        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
                    };
                    consider(LonLat {
                        lon: a.lon + t * (b.lon - a.lon),
                        lat: a.lat + t * (b.lat - a.lat),
                    });
                }
            }
        }
    }
}

/// The point of a multi-part polyline nearest to `p`, with its distance in
/// metres; `None` when every part is empty. See [`LonLat::nearest_on_line`].
#[must_use]
pub fn nearest_on_lines(p: LonLat, parts: &[Vec<LonLat>]) -> Option<(LonLat, f64)> {
    parts
        .iter()
        .filter_map(|part| p.nearest_on_line(part))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The polyline `part` as runs of up to `segments` segments sharing their end
/// vertices, so that together they hold exactly its segments; a single vertex
/// is a run of its own.
fn segment_runs(part: &[LonLat], segments: usize) -> impl Iterator<Item = &[LonLat]> {
    let total = part.len().saturating_sub(1);
    let single = (part.len() == 1).then_some(part);
    (0..total)
        .step_by(segments)
        .map(move |i| &part[i..=(i + segments).min(total)])
        .chain(single)
}

/// Segments per run of a [`LineIndex`]: tight boxes along a winding border,
/// few of them along a long one.
const RUN_SEGMENTS: usize = 16;

/// Runs per block of a [`LineIndex`]: the coarse level, whose boxes let a
/// query skip a whole stretch of a long border without bounding each run.
const BLOCK_RUNS: usize = 16;

/// Distance a run's bound may exceed the best distance known and still be
/// measured: far more than the rounding of a haversine distance.
const BOUND_SLACK_M: f64 = 1.0;

/// A multi-part polyline prepared for repeated nearest-point queries.
///
/// The line is cut into runs of [`RUN_SEGMENTS`] segments with their bounding
/// boxes, and consecutive runs are grouped into blocks of [`BLOCK_RUNS`] with
/// the box around theirs. A box gives a lower bound of the distance from a
/// point to anything in it ([`min_haversine`]), so a query measures only the
/// runs whose bound (and whose block's bound) does not exceed the distance to
/// the run that looks nearest. [`crate::index`] searches its tree around the
/// same runs ([`LineIndex::runs`]) for the events near a line.
///
/// # Runtime
/// Building: one pass over the vertices. A query: one bound per block, one per
/// run of the few blocks that may hold the answer, then the segments of the
/// few runs that may hold it, instead of every segment.
///
/// # Example
/// ```
/// use scamatlas::geom::{nearest_on_lines, LineIndex, LonLat};
/// let parts = vec![vec![LonLat { lon: 98.0, lat: 16.0 }, LonLat { lon: 98.5, lat: 17.0 }]];
/// let index = LineIndex::new(&parts);
/// let p = LonLat { lon: 98.6, lat: 16.4 };
/// assert_eq!(index.nearest(p), nearest_on_lines(p, &parts));
/// ```
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    runs: Vec<Run<'a>>,
    blocks: Vec<Block>,
}

/// A run of segments with its bounding box.
#[derive(Debug, Clone)]
struct Run<'a> {
    vertices: &'a [LonLat],
    bounds: Bbox,
}

/// Consecutive runs `runs` with the box around all of them.
#[derive(Debug, Clone)]
struct Block {
    runs: std::ops::Range<usize>,
    bounds: Bbox,
}

impl<'a> LineIndex<'a> {
    #[must_use]
    pub fn new(parts: &'a [Vec<LonLat>]) -> Self {
        let runs: Vec<Run<'a>> = parts
            .iter()
            .flat_map(|part| segment_runs(part, RUN_SEGMENTS))
            .map(|vertices| Run {
                vertices,
                bounds: bbox_around(vertices),
            })
            .collect();
        let blocks = (0..runs.len())
            .step_by(BLOCK_RUNS)
            .map(|from| {
                let to = (from + BLOCK_RUNS).min(runs.len());
                let bounds = runs[from + 1..to]
                    .iter()
                    .fold(runs[from].bounds, |b, r| b.union(&r.bounds));
                Block {
                    runs: from..to,
                    bounds,
                }
            })
            .collect();
        Self { runs, blocks }
    }

    /// The runs of segments the line is cut into, in line order, each with
    /// its bounding box (which ignores coordinates that are NaN, and is
    /// inverted, west > east, when a run has no other).
    pub fn runs(&self) -> impl Iterator<Item = (&'a [LonLat], &Bbox)> + '_ {
        self.runs.iter().map(|r| (r.vertices, &r.bounds))
    }

    /// The point of the line nearest to `p`, with its distance in metres:
    /// exactly [`nearest_on_lines`] (the same point, the same distance, the
    /// first of equals), without measuring the runs too far away to hold it.
    ///
    /// Any run's measured distance caps the answer's, and every run whose
    /// bound exceeds the cap (with [`BOUND_SLACK_M`]) is skipped, so which run
    /// gives the cap changes the work, never the answer.
    #[must_use]
    pub fn nearest(&self, p: LonLat) -> Option<(LonLat, f64)> {
        let block_bounds: Vec<f64> = self
            .blocks
            .iter()
            .map(|b| min_haversine(p, &b.bounds))
            .collect();
        // The run that looks nearest in the block that looks nearest: its
        // distance caps the answer's.
        let (likely_block, _) = block_bounds
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))?;
        let (likely, _) = self.runs[self.blocks[likely_block].runs.clone()]
            .iter()
            .map(|r| min_haversine(p, &r.bounds))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        let mut probe = None;
        p.scan_line(
            self.runs[self.blocks[likely_block].runs.start + likely].vertices,
            &mut probe,
        );
        let (_, cap) = probe?;
        let cutoff = haversine_of_m(cap + BOUND_SLACK_M);
        // Then every run that may hold a point as near, in line order, so
        // that the first of equally near points wins as in `nearest_on_lines`.
        let mut best = None;
        for (block, bound) in self.blocks.iter().zip(block_bounds) {
            if bound > cutoff {
                continue;
            }
            for run in &self.runs[block.runs.clone()] {
                if min_haversine(p, &run.bounds) > cutoff {
                    continue;
                }
                p.scan_line(run.vertices, &mut best);
            }
        }
        best
    }
}

/// The box around `vertices`, ignoring coordinates that are NaN.
fn bbox_around(vertices: &[LonLat]) -> Bbox {
    let (mut west, mut south) = (f64::INFINITY, f64::INFINITY);
    let (mut east, mut north) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in vertices {
        (west, east) = (west.min(p.lon), east.max(p.lon));
        (south, north) = (south.min(p.lat), north.max(p.lat));
    }
    Bbox {
        west,
        south,
        east,
        north,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_on_line_projects_inside_a_segment() {
        let line = [LonLat { lon: 0.0, lat: 0.0 }, LonLat { lon: 0.0, lat: 2.0 }];
        let (p, d) = LonLat { lon: 0.1, lat: 1.0 }
            .nearest_on_line(&line)
            .unwrap();
        assert!((p.lat - 1.0).abs() < 1e-9 && p.lon.abs() < 1e-12);
        assert!((d - 11_120.0).abs() < 50.0, "{d}");
        assert!(LonLat { lon: 0.0, lat: 0.0 }.nearest_on_line(&[]).is_none());
    }

    #[test]
    fn segment_runs_cover_every_segment_once() {
        let line: Vec<LonLat> = (0..40)
            .map(|i| LonLat {
                lon: f64::from(i),
                lat: 0.0,
            })
            .collect();
        for n in [0, 1, 2, 16, 17, 18, 33, 40] {
            let part = &line[..n];
            let runs: Vec<&[LonLat]> = segment_runs(part, 16).collect();
            let segments: Vec<(f64, f64)> = runs
                .iter()
                .flat_map(|c| c.windows(2).map(|w| (w[0].lon, w[1].lon)))
                .collect();
            let expected: Vec<(f64, f64)> = part.windows(2).map(|w| (w[0].lon, w[1].lon)).collect();
            assert_eq!(segments, expected, "{n} vertices");
            assert!(runs.iter().all(|c| c.len() <= 17));
            assert_eq!(
                runs.len(),
                if n == 1 {
                    1
                } else {
                    n.saturating_sub(1).div_ceil(16)
                }
            );
        }
    }

    /// Random walks (some crossing the antimeridian, some near a pole, some
    /// doubling back over themselves) and points anywhere on the globe.
    #[test]
    fn line_index_answers_exactly_as_a_scan_of_every_segment() {
        let mut rng = crate::events::synthetic::Rng::new(7);
        for case in 0..60 {
            let count = 1 + rng.below(4);
            let parts = random_walks(
                &mut rng,
                count,
                [-180.0, -89.0, 180.0, 89.0],
                [0.001, 0.05, 2.0],
                |r| r.below(120),
            );
            let index = LineIndex::new(&parts);
            let near = parts.iter().flatten().next().copied();
            for i in 0..40 {
                let p = match (near, i % 2) {
                    (Some(v), 0) => LonLat {
                        lon: (v.lon + rng.range(-1.0, 1.0)).clamp(-180.0, 180.0),
                        lat: (v.lat + rng.range(-1.0, 1.0)).clamp(-90.0, 90.0),
                    },
                    _ => LonLat {
                        lon: rng.range(-180.0, 180.0),
                        lat: rng.range(-90.0, 90.0),
                    },
                };
                let expected = nearest_on_lines(p, &parts);
                let got = index.nearest(p);
                assert_eq!(bits(got), bits(expected), "case {case}, point {p:?}");
            }
        }
    }

    /// `count` random walks, each from a random start in `start_box` (west,
    /// south, east, north) with steps of one of `steps` degrees, wrapping at
    /// the antimeridian and stopping short of the poles.
    fn random_walks(
        rng: &mut crate::events::synthetic::Rng,
        count: usize,
        start_box: [f64; 4],
        steps: [f64; 3],
        len: impl Fn(&mut crate::events::synthetic::Rng) -> usize,
    ) -> Vec<Vec<LonLat>> {
        (0..count)
            .map(|_| {
                let mut lon = rng.range(start_box[0], start_box[2]);
                let mut lat = rng.range(start_box[1], start_box[3]);
                let step = steps[rng.below(3)];
                (0..len(rng))
                    .map(|_| {
                        lon = (lon + rng.range(-step, step) + 540.0) % 360.0 - 180.0;
                        lat = (lat + rng.range(-step, step)).clamp(-89.9, 89.9);
                        LonLat { lon, lat }
                    })
                    .collect()
            })
            .collect()
    }

    /// The bits of an answer, so that equal means identical.
    fn bits(r: Option<(LonLat, f64)>) -> Option<(u64, u64, u64)> {
        r.map(|(q, d)| (q.lon.to_bits(), q.lat.to_bits(), d.to_bits()))
    }

    /// Walks long enough for many blocks, in one part or several, as long as
    /// a real border: the blocks' boxes must never skip the answer.
    #[test]
    fn line_index_with_many_blocks_answers_as_a_scan_of_every_segment() {
        let mut rng = crate::events::synthetic::Rng::new(11);
        for case in 0..12 {
            let count = 1 + rng.below(3);
            let parts = random_walks(
                &mut rng,
                count,
                [95.0, 10.0, 106.0, 28.0],
                [0.002, 0.02, 0.3],
                |r| 300 + r.below(3000),
            );
            let index = LineIndex::new(&parts);
            assert!(index.blocks.len() > 1, "case {case}");
            let vertices: Vec<LonLat> = parts.iter().flatten().copied().collect();
            for i in 0..60 {
                let p = if i % 3 == 0 {
                    LonLat {
                        lon: rng.range(-180.0, 180.0),
                        lat: rng.range(-90.0, 90.0),
                    }
                } else {
                    let v = vertices[rng.below(vertices.len())];
                    let r = [0.01, 0.5, 5.0][i % 3];
                    LonLat {
                        lon: (v.lon + rng.range(-r, r)).clamp(-180.0, 180.0),
                        lat: (v.lat + rng.range(-r, r)).clamp(-90.0, 90.0),
                    }
                };
                assert_eq!(
                    bits(index.nearest(p)),
                    bits(nearest_on_lines(p, &parts)),
                    "case {case}, point {p:?}"
                );
            }
        }
    }

    #[test]
    fn line_index_keeps_the_first_of_equally_near_points() {
        // The same segment twice, in two parts: the first part's point wins.
        let segment = vec![LonLat { lon: 0.0, lat: 0.0 }, LonLat { lon: 1.0, lat: 0.0 }];
        let parts = vec![
            segment.clone(),
            vec![LonLat { lon: 5.0, lat: 5.0 }],
            segment,
        ];
        let index = LineIndex::new(&parts);
        let p = LonLat { lon: 0.5, lat: 0.5 };
        assert_eq!(index.nearest(p), nearest_on_lines(p, &parts));
        assert_eq!(LineIndex::new(&[]).nearest(p), None);
        assert_eq!(LineIndex::new(&[vec![]]).nearest(p), None);
    }
}
