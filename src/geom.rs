//! Geometry vocabulary shared by every module: [`LonLat`] with its named
//! coordinate order, great-circle distances, and bounding boxes.
//!
//! # Units
//! Coordinates are WGS84 decimal degrees, longitude first. Distances are metres
//! unless a name says otherwise (`_km`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Mean Earth radius used for haversine distances, in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS84 position, longitude first (the GeoJSON order).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    /// A position, checked to lie on the globe.
    ///
    /// # Example
    /// ```
    /// use scamatlas::geom::LonLat;
    /// assert!(LonLat::new(98.5, 16.7).is_ok());
    /// assert!(LonLat::new(98.5, 95.0).is_err());
    /// ```
    pub fn new(lon: f64, lat: f64) -> Result<Self, CoordError> {
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(CoordError::Longitude(lon));
        }
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(CoordError::Latitude(lat));
        }
        Ok(Self { lon, lat })
    }

    /// Great-circle (haversine) distance to `other`.
    ///
    /// # Units
    /// Metres, on a sphere of radius [`EARTH_RADIUS_M`]; error below 0.5 %.
    ///
    /// # Example
    /// ```
    /// use scamatlas::geom::LonLat;
    /// let myawaddy = LonLat { lon: 98.50893, lat: 16.68911 };
    /// let mae_sot = LonLat { lon: 98.56667, lat: 16.71667 };
    /// let km = myawaddy.distance_m(mae_sot) / 1000.0;
    /// assert!((6.0..7.0).contains(&km));
    /// ```
    #[must_use]
    pub fn distance_m(self, other: LonLat) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
    }

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
pub(crate) fn segment_runs(part: &[LonLat], segments: usize) -> impl Iterator<Item = &[LonLat]> {
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
/// the box around theirs. A box gives a lower bound of the haversine distance
/// from a point to anything in it, so a query measures only the runs whose
/// bound (and whose block's bound) does not exceed the distance to the run
/// that looks nearest.
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
    bounds: Bounds,
}

/// Consecutive runs `runs` with the box around all of them.
#[derive(Debug, Clone)]
struct Block {
    runs: std::ops::Range<usize>,
    bounds: Bounds,
}

/// A bounding box, for lower bounds of distances to what it holds.
#[derive(Debug, Clone)]
struct Bounds {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
    /// The cosine of the box's most polar latitude: the least any of its
    /// points has.
    least_cos_lat: f64,
}

impl Bounds {
    fn new(west: f64, south: f64, east: f64, north: f64) -> Self {
        Self {
            west,
            south,
            east,
            north,
            least_cos_lat: south.abs().max(north.abs()).to_radians().cos(),
        }
    }

    fn around(vertices: &[LonLat]) -> Self {
        let (mut west, mut south) = (f64::INFINITY, f64::INFINITY);
        let (mut east, mut north) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for p in vertices {
            (west, east) = (west.min(p.lon), east.max(p.lon));
            (south, north) = (south.min(p.lat), north.max(p.lat));
        }
        Self::new(west, south, east, north)
    }

    /// The box around all of `boxes`.
    fn union<'b>(boxes: impl Iterator<Item = &'b Bounds>) -> Self {
        let (mut west, mut south) = (f64::INFINITY, f64::INFINITY);
        let (mut east, mut north) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for b in boxes {
            (west, east) = (west.min(b.west), east.max(b.east));
            (south, north) = (south.min(b.south), north.max(b.north));
        }
        Self::new(west, south, east, north)
    }

    /// A lower bound of the haversine term `a` of [`LonLat::distance_m`] from
    /// `p` to any point of the box: each of its terms at its least over the
    /// box (`sin²` of half an angle grows up to half a turn, so over a range
    /// of angles that holds no whole turn it is least at an end). A bigger box
    /// around a smaller one has a bound no greater.
    fn least_haversine(&self, p: LonLat) -> f64 {
        let lat_gap = (self.south - p.lat).max(p.lat - self.north).max(0.0);
        let (to_west, to_east) = (self.west - p.lon, self.east - p.lon);
        // Zero when the box spans the point's meridian (or its copies one
        // turn away); else least at the box edge nearer in angle.
        let lon_term = if [-360.0, 0.0, 360.0]
            .iter()
            .any(|m| (to_west..=to_east).contains(m))
        {
            0.0
        } else {
            haversine_term(to_west).min(haversine_term(to_east))
        };
        haversine_term(lat_gap) + p.lat.to_radians().cos() * self.least_cos_lat * lon_term
    }
}

/// `sin²(θ / 2)` of an angle in degrees.
fn haversine_term(degrees: f64) -> f64 {
    (degrees.to_radians() / 2.0).sin().powi(2)
}

impl<'a> LineIndex<'a> {
    #[must_use]
    pub fn new(parts: &'a [Vec<LonLat>]) -> Self {
        let runs: Vec<Run<'a>> = parts
            .iter()
            .flat_map(|part| segment_runs(part, RUN_SEGMENTS))
            .map(|vertices| Run {
                vertices,
                bounds: Bounds::around(vertices),
            })
            .collect();
        let blocks = (0..runs.len())
            .step_by(BLOCK_RUNS)
            .map(|from| {
                let to = (from + BLOCK_RUNS).min(runs.len());
                Block {
                    runs: from..to,
                    bounds: Bounds::union(runs[from..to].iter().map(|r| &r.bounds)),
                }
            })
            .collect();
        Self { runs, blocks }
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
            .map(|b| b.bounds.least_haversine(p))
            .collect();
        // The run that looks nearest in the block that looks nearest: its
        // distance caps the answer's.
        let (likely_block, _) = block_bounds
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))?;
        let (likely, _) = self.runs[self.blocks[likely_block].runs.clone()]
            .iter()
            .map(|r| r.bounds.least_haversine(p))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        let mut probe = None;
        p.scan_line(
            self.runs[self.blocks[likely_block].runs.start + likely].vertices,
            &mut probe,
        );
        let (_, cap) = probe?;
        let cap = cap + BOUND_SLACK_M;
        let cutoff = if cap < std::f64::consts::PI * EARTH_RADIUS_M {
            (cap / (2.0 * EARTH_RADIUS_M)).sin().powi(2)
        } else {
            f64::INFINITY
        };
        // Then every run that may hold a point as near, in line order, so
        // that the first of equally near points wins as in `nearest_on_lines`.
        let mut best = None;
        for (block, bound) in self.blocks.iter().zip(block_bounds) {
            if bound > cutoff {
                continue;
            }
            for run in &self.runs[block.runs.clone()] {
                if run.bounds.least_haversine(p) > cutoff {
                    continue;
                }
                p.scan_line(run.vertices, &mut best);
            }
        }
        best
    }
}

impl fmt::Display for LonLat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.5},{:.5}", self.lon, self.lat)
    }
}

/// Parses `LON,LAT` (longitude first, as on the command line: `--near 98.5,16.7`).
impl FromStr for LonLat {
    type Err = CoordError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (lon, lat) = s
            .split_once(',')
            .ok_or_else(|| CoordError::Syntax(s.to_string()))?;
        let parse = |v: &str| {
            v.trim()
                .parse::<f64>()
                .map_err(|_| CoordError::Syntax(s.to_string()))
        };
        LonLat::new(parse(lon)?, parse(lat)?)
    }
}

impl From<LonLat> for geo::Point<f64> {
    fn from(p: LonLat) -> Self {
        geo::Point::new(p.lon, p.lat)
    }
}

/// A coordinate that is not on the globe or not a number.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("longitude {0} is outside -180..180")]
    Longitude(f64),
    #[error("latitude {0} is outside -90..90")]
    Latitude(f64),
    #[error("expected LON,LAT in decimal degrees, got {0:?}")]
    Syntax(String),
    #[error(
        "bounding box {west},{south},{east},{north} must have west <= east and south <= north"
    )]
    BboxOrder {
        west: f64,
        south: f64,
        east: f64,
        north: f64,
    },
    #[error("expected W,S,E,N in decimal degrees, got {0:?}")]
    BboxSyntax(String),
}

/// A longitude/latitude rectangle, edges included.
///
/// West never exceeds east: a box does not cross the antimeridian (the region
/// this crate maps is far from it).
///
/// # Units
/// WGS84 decimal degrees.
///
/// # Example
/// ```
/// use scamatlas::geom::{Bbox, LonLat};
/// let mae_sot_area: Bbox = "98.3,16.5,98.8,16.9".parse()?;
/// assert!(mae_sot_area.contains(LonLat { lon: 98.56667, lat: 16.71667 }));
/// assert!(Bbox::new(98.8, 16.5, 98.3, 16.9).is_err());
/// # Ok::<(), scamatlas::geom::CoordError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bbox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bbox {
    /// A box, checked to lie on the globe with `west <= east` and `south <= north`.
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<Self, CoordError> {
        LonLat::new(west, south)?;
        LonLat::new(east, north)?;
        if west > east || south > north {
            return Err(CoordError::BboxOrder {
                west,
                south,
                east,
                north,
            });
        }
        Ok(Self {
            west,
            south,
            east,
            north,
        })
    }

    /// Whether `p` lies inside the box or on its edge.
    #[must_use]
    pub fn contains(&self, p: LonLat) -> bool {
        (self.west..=self.east).contains(&p.lon) && (self.south..=self.north).contains(&p.lat)
    }

    /// Whether the two boxes share any point (touching edges count).
    #[must_use]
    pub fn intersects(&self, other: &Bbox) -> bool {
        self.west <= other.east
            && other.west <= self.east
            && self.south <= other.north
            && other.south <= self.north
    }

    /// The smallest box holding both.
    #[must_use]
    pub fn union(&self, other: &Bbox) -> Bbox {
        Bbox {
            west: self.west.min(other.west),
            south: self.south.min(other.south),
            east: self.east.max(other.east),
            north: self.north.max(other.north),
        }
    }
}

impl fmt::Display for Bbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.5},{:.5},{:.5},{:.5}",
            self.west, self.south, self.east, self.north
        )
    }
}

/// Parses `W,S,E,N` (as in OGC API `bbox=` and on the command line).
impl FromStr for Bbox {
    type Err = CoordError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || CoordError::BboxSyntax(s.to_string());
        let mut values = [0.0; 4];
        let mut parts = s.split(',');
        for v in &mut values {
            *v = parts
                .next()
                .and_then(|p| p.trim().parse::<f64>().ok())
                .ok_or_else(syntax)?;
        }
        if parts.next().is_some() {
            return Err(syntax());
        }
        let [west, south, east, north] = values;
        Bbox::new(west, south, east, north)
    }
}

/// The polygons of a GeoJSON text (a FeatureCollection, Feature or bare
/// geometry) as one MultiPolygon; other geometries are refused.
///
/// # Errors
/// Text that is not GeoJSON, or that holds no polygon or a non-polygon.
pub fn polygons_from_geojson(text: &str) -> Result<geo::MultiPolygon<f64>, String> {
    let parsed: geojson::GeoJson = text.parse().map_err(|e| format!("not GeoJSON: {e}"))?;
    let geometries: Vec<geojson::Geometry> = match parsed {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => f.geometry.into_iter().collect(),
        geojson::GeoJson::FeatureCollection(c) => {
            c.features.into_iter().filter_map(|f| f.geometry).collect()
        }
    };
    let mut polygons = Vec::new();
    for g in geometries {
        match geo::Geometry::<f64>::try_from(g).map_err(|e| e.to_string())? {
            geo::Geometry::Polygon(p) => polygons.push(p),
            geo::Geometry::MultiPolygon(mp) => polygons.extend(mp.0),
            other => {
                return Err(format!("only polygons describe an area, found {other:?}")
                    .chars()
                    .take(120)
                    .collect())
            }
        }
    }
    if polygons.is_empty() {
        return Err("no polygon in the file".into());
    }
    Ok(geo::MultiPolygon(polygons))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lon_first_and_rejects_off_globe() {
        let p: LonLat = "98.76, 23.69".parse().unwrap();
        assert_eq!(
            p,
            LonLat {
                lon: 98.76,
                lat: 23.69
            }
        );
        assert_eq!("98.5,95".parse::<LonLat>(), Err(CoordError::Latitude(95.0)));
        assert_eq!("181,0".parse::<LonLat>(), Err(CoordError::Longitude(181.0)));
        assert!(matches!(
            "98.5".parse::<LonLat>(),
            Err(CoordError::Syntax(_))
        ));
        assert!(matches!(
            "NaN,1".parse::<LonLat>(),
            Err(CoordError::Longitude(_))
        ));
    }

    #[test]
    fn haversine_matches_known_distance() {
        // One degree of latitude is about 111.2 km on the mean sphere.
        let d = LonLat { lon: 0.0, lat: 0.0 }.distance_m(LonLat { lon: 0.0, lat: 1.0 });
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
    }

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

    #[test]
    fn bbox_parses_w_s_e_n_and_contains_its_edges() {
        let b: Bbox = " 98.3, 16.5 ,98.8,16.9".parse().unwrap();
        assert_eq!(b, Bbox::new(98.3, 16.5, 98.8, 16.9).unwrap());
        assert!(b.contains(LonLat {
            lon: 98.3,
            lat: 16.9
        }));
        assert!(b.contains(LonLat {
            lon: 98.5,
            lat: 16.7
        }));
        assert!(!b.contains(LonLat {
            lon: 98.81,
            lat: 16.7
        }));
        assert!(!b.contains(LonLat {
            lon: 98.5,
            lat: 16.49
        }));
        let point = Bbox::new(1.0, 2.0, 1.0, 2.0).unwrap();
        assert!(point.contains(LonLat { lon: 1.0, lat: 2.0 }));
        assert!(matches!(
            Bbox::new(98.8, 16.5, 98.3, 16.9),
            Err(CoordError::BboxOrder { .. })
        ));
        assert!(matches!(
            Bbox::new(98.3, 16.9, 98.8, 16.5),
            Err(CoordError::BboxOrder { .. })
        ));
        assert_eq!(
            Bbox::new(-181.0, 0.0, 0.0, 1.0),
            Err(CoordError::Longitude(-181.0))
        );
        assert_eq!("0,0,1,91".parse::<Bbox>(), Err(CoordError::Latitude(91.0)));
        for bad in ["", "1,2,3", "1,2,3,4,5", "a,2,3,4", "1,,3,4"] {
            assert!(
                matches!(bad.parse::<Bbox>(), Err(CoordError::BboxSyntax(_))),
                "{bad}"
            );
        }
    }
}
