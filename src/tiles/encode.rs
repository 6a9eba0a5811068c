//! Encoding: a tile's bytes are its layers of [`TileFeature`]s, projected to
//! tile pixels, clipped to the tile and its buffer, simplified, quantised to
//! whole tile units and written as a Mapbox Vector Tile (MVT 2.1) protobuf.
//!
//! # Units
//! Features come in as WGS84 degrees ([`LonLat`]). Inside the tile everything
//! is in tile units of an [`EXTENT`]-wide square, y down, origin at the
//! north-west corner; the buffer ([`BUFFER`]) and the simplification tolerance
//! ([`SIMPLIFY_TOLERANCE`]) are tile units too, so they shrink on the ground as
//! the zoom grows.

use geo::{LineString, Simplify};
use mvt::{GeomEncoder, GeomType, Tile};
use std::borrow::Cow;

use super::coord::{lonlat_to_tile_px, TileCoord};
use crate::geom::LonLat;

/// Width and height of a tile, in tile units (the MVT default).
pub const EXTENT: u32 = 4096;

/// How far past each edge features are kept, in tile units, so that symbols
/// and line joins near an edge draw the same in both neighbouring tiles.
pub const BUFFER: u32 = 64;

/// Douglas–Peucker tolerance for lines and rings, in tile units.
pub const SIMPLIFY_TOLERANCE: f64 = 0.75;

/// The shape of a feature, in degrees. Polygons are rings, the exterior first,
/// each closed or not; orientation does not matter (the encoder sets it).
#[derive(Debug, Clone, PartialEq)]
pub enum TileGeometry {
    Point(LonLat),
    MultiPoint(Vec<LonLat>),
    LineString(Vec<LonLat>),
    MultiLineString(Vec<Vec<LonLat>>),
    Polygon(Vec<Vec<LonLat>>),
    MultiPolygon(Vec<Vec<Vec<LonLat>>>),
}

/// A property value, as MVT can carry it.
#[derive(Debug, Clone, PartialEq)]
pub enum TileValue {
    String(String),
    Int(i64),
    Double(f64),
    Bool(bool),
}

impl From<&str> for TileValue {
    fn from(s: &str) -> Self {
        TileValue::String(s.to_string())
    }
}

impl From<String> for TileValue {
    fn from(s: String) -> Self {
        TileValue::String(s)
    }
}

impl From<i64> for TileValue {
    fn from(v: i64) -> Self {
        TileValue::Int(v)
    }
}

impl From<f64> for TileValue {
    fn from(v: f64) -> Self {
        TileValue::Double(v)
    }
}

impl From<bool> for TileValue {
    fn from(v: bool) -> Self {
        TileValue::Bool(v)
    }
}

/// One feature to put in a tile.
#[derive(Debug, Clone, PartialEq)]
pub struct TileFeature {
    /// The MVT feature id (MapLibre's `feature.id`, used by feature state).
    pub id: Option<u64>,
    pub geometry: TileGeometry,
    /// Key/value pairs in order; a key given twice keeps both (avoid it).
    pub properties: Vec<(Cow<'static, str>, TileValue)>,
}

impl TileFeature {
    /// The value of property `key`, if the feature has it.
    #[must_use]
    pub fn property(&self, key: &str) -> Option<&TileValue> {
        self.properties
            .iter()
            .find_map(|(k, v)| (k == key).then_some(v))
    }
}

/// A position in tile units, y down.
type Px = (f64, f64);
/// A quantised position in tile units.
type IPx = (i32, i32);

/// The buffered tile: `lo..=hi` on both axes.
#[derive(Clone, Copy)]
struct Clip {
    lo: f64,
    hi: f64,
}

impl Clip {
    fn contains(self, (x, y): Px) -> bool {
        (self.lo..=self.hi).contains(&x) && (self.lo..=self.hi).contains(&y)
    }
}

/// A feature's geometry in the tile, quantised, clipped and checked.
enum Encoded {
    Points(Vec<IPx>),
    Lines(Vec<Vec<IPx>>),
    /// Polygons, each its rings (exterior first), not closed, oriented.
    Polygons(Vec<Vec<Vec<IPx>>>),
}

/// The MVT bytes of tile `coord` holding `layers` (name, features), or `None`
/// when no feature reaches the tile or its buffer (answer 204 No Content).
///
/// Each feature is projected to tile pixels; points outside the buffered tile
/// are dropped; lines are cut at the buffer edge (one line may become several)
/// and polygon rings clipped to it; lines and rings are simplified with
/// [`SIMPLIFY_TOLERANCE`], rounded to whole units, and dropped when nothing is
/// left (a line of fewer than 2 distinct points, a ring of fewer than 3 or of
/// no area). Exterior rings are written clockwise and holes anticlockwise on
/// screen, as MVT 2.1 requires. Layers left without features are left out; two
/// layers of the same name are written as one.
///
/// # Units
/// Extent [`EXTENT`] (4096), buffer [`BUFFER`] (64) tile units.
///
/// # Runtime
/// Linear in the number of vertices, plus `O(m log m)` simplification of the
/// `m` vertices left after clipping; about 2.3 ms for 1,000 points with
/// twelve properties each in a release build (mostly property tables).
///
/// # Example
/// ```
/// use scamatlas::geom::LonLat;
/// use scamatlas::tiles::{encode_tile, TileCoord, TileFeature, TileGeometry, TileValue};
///
/// let myawaddy = TileFeature {
///     id: Some(1),
///     geometry: TileGeometry::Point(LonLat { lon: 98.509, lat: 16.689 }),
///     properties: vec![("type".into(), TileValue::from("raid"))],
/// };
/// let features = [myawaddy];
/// let tile = TileCoord::new(6, 49, 28)?;
/// assert!(encode_tile(tile, &[("events", &features)]).is_some());
/// let elsewhere = TileCoord::new(6, 0, 0)?;
/// assert!(encode_tile(elsewhere, &[("events", &features)]).is_none());
/// # Ok::<(), scamatlas::tiles::TileError>(())
/// ```
#[must_use]
pub fn encode_tile(coord: TileCoord, layers: &[(&str, &[TileFeature])]) -> Option<Vec<u8>> {
    let clip = Clip {
        lo: -f64::from(BUFFER),
        hi: f64::from(EXTENT + BUFFER),
    };
    let mut tile = Tile::new(EXTENT);
    let mut built: Vec<mvt::Layer> = Vec::new();
    for &(name, features) in layers {
        let position = match built.iter().position(|l| l.name() == Some(name)) {
            Some(i) => i,
            None => {
                built.push(tile.create_layer(name));
                built.len() - 1
            }
        };
        let mut layer = built.swap_remove(position);
        for feature in features {
            if let Some(encoded) = to_tile_space(&feature.geometry, coord, clip) {
                layer = add_feature(layer, feature, &encoded);
            }
        }
        built.push(layer);
    }
    let mut any = false;
    for layer in built {
        if layer.num_features() == 0 {
            continue;
        }
        any = true;
        if let Err(e) = tile.add_layer(layer) {
            tracing::error!(tile = %coord, "MVT layer refused: {e}");
        }
    }
    if !any {
        return None;
    }
    match tile.to_bytes() {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            tracing::error!(tile = %coord, "MVT encoding failed: {e}");
            None
        }
    }
}

/// Writes one feature into `layer`; a geometry the encoder refuses (none of
/// ours should be) is logged and the feature left out.
fn add_feature(layer: mvt::Layer, feature: &TileFeature, encoded: &Encoded) -> mvt::Layer {
    let geometry = match write_geometry(encoded) {
        Ok(g) => g,
        Err(e) => {
            tracing::error!("MVT geometry refused: {e}");
            return layer;
        }
    };
    let mut out = layer.into_feature(geometry);
    if let Some(id) = feature.id {
        out.set_id(id);
    }
    for (key, value) in &feature.properties {
        match value {
            TileValue::String(s) => out.add_tag_string(key, s),
            TileValue::Int(v) if *v < 0 => out.add_tag_sint(key, *v),
            TileValue::Int(v) => out.add_tag_int(key, *v),
            TileValue::Double(v) => out.add_tag_double(key, *v),
            TileValue::Bool(v) => out.add_tag_bool(key, *v),
        }
    }
    out.into_layer()
}

fn write_geometry(encoded: &Encoded) -> Result<mvt::GeomData, mvt::Error> {
    match encoded {
        Encoded::Points(points) => {
            let mut enc = GeomEncoder::<i32>::new(GeomType::Point);
            for &(x, y) in points {
                enc.add_point(x, y)?;
            }
            enc.encode()
        }
        Encoded::Lines(lines) => {
            let mut enc = GeomEncoder::<i32>::new(GeomType::Linestring);
            for line in lines {
                for &(x, y) in line {
                    enc.add_point(x, y)?;
                }
                enc.complete_geom()?;
            }
            enc.encode()
        }
        Encoded::Polygons(polygons) => {
            let mut enc = GeomEncoder::<i32>::new(GeomType::Polygon);
            let mut last: Option<IPx> = None;
            for ring in polygons.iter().flatten() {
                // The encoder drops a ring's MoveTo when the ring starts where
                // the previous one ended (the cursor does not move), which
                // leaves an invalid ring; starting one vertex later avoids it.
                let start = usize::from(last == ring.first().copied());
                for &(x, y) in ring[start..].iter().chain(&ring[..start]) {
                    enc.add_point(x, y)?;
                    last = Some((x, y));
                }
                enc.complete_geom()?;
            }
            enc.encode()
        }
    }
}

/// The geometry in tile units, clipped and checked; `None` when nothing of it
/// is left in the buffered tile.
fn to_tile_space(geometry: &TileGeometry, coord: TileCoord, clip: Clip) -> Option<Encoded> {
    let px = |p: &LonLat| lonlat_to_tile_px(*p, coord, EXTENT);
    let encoded = match geometry {
        TileGeometry::Point(p) => Encoded::Points(points(std::iter::once(px(p)), clip)),
        TileGeometry::MultiPoint(ps) => Encoded::Points(points(ps.iter().map(px), clip)),
        TileGeometry::LineString(line) => Encoded::Lines(lines(line, clip, &px)),
        TileGeometry::MultiLineString(parts) => Encoded::Lines(
            parts
                .iter()
                .flat_map(|line| lines(line, clip, &px))
                .collect(),
        ),
        TileGeometry::Polygon(rings) => {
            Encoded::Polygons(polygon(rings, clip, &px).into_iter().collect())
        }
        TileGeometry::MultiPolygon(polygons) => Encoded::Polygons(
            polygons
                .iter()
                .filter_map(|rings| polygon(rings, clip, &px))
                .collect(),
        ),
    };
    let empty = match &encoded {
        Encoded::Points(p) => p.is_empty(),
        Encoded::Lines(l) => l.is_empty(),
        Encoded::Polygons(p) => p.is_empty(),
    };
    (!empty).then_some(encoded)
}

fn quantise((x, y): Px) -> IPx {
    // Clipped coordinates lie within the buffer, far inside i32.
    (x.round() as i32, y.round() as i32)
}

fn points(ps: impl Iterator<Item = Px>, clip: Clip) -> Vec<IPx> {
    ps.filter(|p| clip.contains(*p)).map(quantise).collect()
}

/// A line cut to the buffered tile: the pieces inside, simplified, quantised,
/// each with at least two distinct points.
fn lines(line: &[LonLat], clip: Clip, px: &impl Fn(&LonLat) -> Px) -> Vec<Vec<IPx>> {
    let projected: Vec<Px> = line.iter().map(px).collect();
    clip_line(&projected, clip)
        .into_iter()
        .filter_map(|piece| {
            let q = dedup(simplify(piece).into_iter().map(quantise));
            (q.len() >= 2).then_some(q)
        })
        .collect()
}

/// A polygon clipped to the buffered tile; `None` when its exterior ring is
/// gone. Holes that vanish are dropped alone.
fn polygon(
    rings: &[Vec<LonLat>],
    clip: Clip,
    px: &impl Fn(&LonLat) -> Px,
) -> Option<Vec<Vec<IPx>>> {
    let mut out = Vec::with_capacity(rings.len());
    for (i, ring) in rings.iter().enumerate() {
        let mut projected: Vec<Px> = ring.iter().map(px).collect();
        if projected.len() > 1 && projected.first() == projected.last() {
            projected.pop();
        }
        let clipped = clip_ring(projected, clip);
        let ring = clipped.and_then(|r| finish_ring(r, i == 0));
        match (i, ring) {
            (0, None) => return None,
            (_, Some(r)) => out.push(r),
            (_, None) => {}
        }
    }
    Some(out)
}

/// Simplifies, quantises and orients an open ring; `None` when fewer than
/// three distinct points or no area are left.
fn finish_ring(mut ring: Vec<Px>, exterior: bool) -> Option<Vec<IPx>> {
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    let mut q = dedup(simplify(ring).into_iter().map(quantise));
    while q.len() > 1 && q.first() == q.last() {
        q.pop();
    }
    if q.len() < 3 {
        return None;
    }
    let area = twice_area(&q);
    if area == 0 {
        return None;
    }
    // Screen coordinates (y down): positive surveyor's area is clockwise on
    // screen, which MVT requires of exterior rings.
    if (area > 0) != exterior {
        q.reverse();
    }
    Some(q)
}

fn dedup(points: impl Iterator<Item = IPx>) -> Vec<IPx> {
    let mut out: Vec<IPx> = Vec::new();
    for p in points {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// Twice the signed (surveyor's formula) area of an open ring.
fn twice_area(ring: &[IPx]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (x0, y0) = ring[i];
            let (x1, y1) = ring[(i + 1) % n];
            i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0)
        })
        .sum()
}

fn simplify(points: Vec<Px>) -> Vec<Px> {
    if points.len() < 3 {
        return points;
    }
    let line: LineString<f64> = points.into();
    line.simplify(&SIMPLIFY_TOLERANCE)
        .0
        .into_iter()
        .map(|c| (c.x, c.y))
        .collect()
}

/// Cuts a polyline to the clip square: each run of the line inside becomes
/// one piece; segments are clipped with the Liang–Barsky parametric test.
fn clip_line(line: &[Px], clip: Clip) -> Vec<Vec<Px>> {
    let mut pieces = Vec::new();
    let mut current: Vec<Px> = Vec::new();
    for pair in line.windows(2) {
        match clip_segment(pair[0], pair[1], clip) {
            Some((a, b, entered, left)) => {
                if entered && !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                if current.is_empty() {
                    current.push(a);
                }
                current.push(b);
                if left {
                    pieces.push(std::mem::take(&mut current));
                }
            }
            None => {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces.retain(|p| p.len() >= 2);
    pieces
}

/// The part of segment `a..b` inside the clip square, with whether its start
/// and its end were cut (the segment enters, or leaves, the square).
fn clip_segment(a: Px, b: Px, clip: Clip) -> Option<(Px, Px, bool, bool)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    // Each edge as (p, q): inside where t * p <= q.
    let edges = [
        (-dx, a.0 - clip.lo),
        (dx, clip.hi - a.0),
        (-dy, a.1 - clip.lo),
        (dy, clip.hi - a.1),
    ];
    for (p, q) in edges {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
    Some((at(t0), at(t1), t0 > 0.0, t1 < 1.0))
}

/// Sutherland–Hodgman: the open ring clipped to the clip square, or `None`
/// when fewer than three points are left.
fn clip_ring(ring: Vec<Px>, clip: Clip) -> Option<Vec<Px>> {
    if ring.iter().all(|p| clip.contains(*p)) {
        return (ring.len() >= 3).then_some(ring);
    }
    // (axis, bound, keep when below the bound)
    let edges = [
        (0, clip.lo, false),
        (0, clip.hi, true),
        (1, clip.lo, false),
        (1, clip.hi, true),
    ];
    let mut ring = ring;
    for (axis, bound, below) in edges {
        let coord = |p: Px| if axis == 0 { p.0 } else { p.1 };
        let inside = |p: Px| {
            if below {
                coord(p) <= bound
            } else {
                coord(p) >= bound
            }
        };
        let cross = |a: Px, b: Px| {
            let t = (bound - coord(a)) / (coord(b) - coord(a));
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            // Put the crossing exactly on the edge despite rounding.
            if axis == 0 {
                (bound, p.1)
            } else {
                (p.0, bound)
            }
        };
        let mut out = Vec::with_capacity(ring.len() + 4);
        for i in 0..ring.len() {
            let current = ring[i];
            let previous = ring[(i + ring.len() - 1) % ring.len()];
            match (inside(previous), inside(current)) {
                (true, true) => out.push(current),
                (true, false) => out.push(cross(previous, current)),
                (false, true) => {
                    out.push(cross(previous, current));
                    out.push(current);
                }
                (false, false) => {}
            }
        }
        if out.len() < 3 {
            return None;
        }
        ring = out;
    }
    Some(ring)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use geo::{Area, BoundingRect, Geometry};
    use mvt_reader::feature::Value;
    use mvt_reader::Reader;

    use super::*;
    use crate::tiles::coord::tile_px_to_lonlat;

    /// A decoded layer: name, extent, features.
    struct Decoded {
        name: String,
        extent: u32,
        features: Vec<mvt_reader::feature::Feature<f64>>,
    }

    fn decode(bytes: Vec<u8>) -> Vec<Decoded> {
        let reader = Reader::new(bytes).unwrap();
        reader
            .get_layer_metadata()
            .unwrap()
            .into_iter()
            .map(|l| Decoded {
                features: reader.get_features_as::<f64>(l.layer_index).unwrap(),
                name: l.name,
                extent: l.extent,
            })
            .collect()
    }

    fn props(f: &mvt_reader::feature::Feature<f64>) -> &HashMap<String, Value> {
        f.properties.as_ref().unwrap()
    }

    fn tile() -> TileCoord {
        TileCoord::new(10, 792, 474).unwrap()
    }

    /// The lon/lat of tile pixel (x, y) of [`tile`].
    fn at(x: f64, y: f64) -> LonLat {
        tile_px_to_lonlat((x, y), tile(), EXTENT)
    }

    fn point(id: u64, p: LonLat) -> TileFeature {
        TileFeature {
            id: Some(id),
            geometry: TileGeometry::Point(p),
            properties: vec![],
        }
    }

    /// The one point of a point geometry (mvt-reader decodes every point
    /// geometry as a MultiPoint).
    fn only_point(g: &Geometry<f64>) -> (f64, f64) {
        match g {
            Geometry::Point(p) => (p.x(), p.y()),
            Geometry::MultiPoint(mp) if mp.0.len() == 1 => (mp.0[0].x(), mp.0[0].y()),
            other => panic!("expected one point, got {other:?}"),
        }
    }

    #[test]
    fn layers_ids_properties_and_extent_survive_decoding() {
        let myawaddy = LonLat {
            lon: 98.509,
            lat: 16.689,
        };
        let coord = crate::tiles::tile_of(myawaddy, 10).unwrap();
        let events = [TileFeature {
            id: Some(42),
            geometry: TileGeometry::Point(myawaddy),
            properties: vec![
                ("type".into(), "raid".into()),
                ("persons_best".into(), TileValue::Int(270)),
                ("delta".into(), TileValue::Int(-3)),
                ("share".into(), TileValue::Double(0.25)),
                ("aggregate".into(), TileValue::Bool(false)),
            ],
        }];
        let empty: [TileFeature; 0] = [];
        let hubs = [TileFeature {
            id: None,
            geometry: TileGeometry::MultiPoint(vec![
                myawaddy,
                tile_px_to_lonlat((100.0, 100.0), coord, EXTENT),
            ]),
            properties: vec![("name".into(), "Myawaddy".into())],
        }];
        let bytes = encode_tile(
            coord,
            &[("events", &events), ("nothing", &empty), ("hubs", &hubs)],
        )
        .unwrap();
        let layers = decode(bytes);
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["events", "hubs"]);
        assert!(layers.iter().all(|l| l.extent == 4096));

        let event = &layers[0].features;
        assert_eq!(event.len(), 1);
        assert_eq!(event[0].id, Some(42));
        let p = props(&event[0]);
        assert_eq!(p["type"], Value::String("raid".into()));
        assert_eq!(p["persons_best"], Value::Int(270));
        assert_eq!(p["delta"], Value::SInt(-3));
        assert_eq!(p["share"], Value::Double(0.25));
        assert_eq!(p["aggregate"], Value::Bool(false));
        assert_eq!(p.len(), 5);

        let (x, y) = only_point(&event[0].geometry);
        let (ex, ey) = lonlat_to_tile_px(myawaddy, coord, EXTENT);
        assert!((x - ex).abs() <= 1.0 && (y - ey).abs() <= 1.0, "{x},{y}");

        let hub = &layers[1].features[0];
        assert_eq!(hub.id, None);
        match &hub.geometry {
            Geometry::MultiPoint(mp) => assert_eq!(mp.0.len(), 2),
            other => panic!("expected a multipoint, got {other:?}"),
        }
    }

    #[test]
    fn a_known_point_lands_on_its_pixel() {
        // Lon 0, lat 0 is the centre of the world tile and the north-west
        // corner of tile 1/1/1; lon 90 is three quarters across at zoom 0.
        let cases = [
            (TileCoord::new(0, 0, 0).unwrap(), 0.0, 0.0, (2048.0, 2048.0)),
            (TileCoord::new(1, 1, 1).unwrap(), 0.0, 0.0, (0.0, 0.0)),
            (
                TileCoord::new(0, 0, 0).unwrap(),
                90.0,
                0.0,
                (3072.0, 2048.0),
            ),
        ];
        for (coord, lon, lat, (ex, ey)) in cases {
            let features = [point(1, LonLat { lon, lat })];
            let layers = decode(encode_tile(coord, &[("p", &features)]).unwrap());
            let (x, y) = only_point(&layers[0].features[0].geometry);
            assert!((x - ex).abs() <= 1.0 && (y - ey).abs() <= 1.0, "{x},{y}");
        }
    }

    #[test]
    fn points_in_the_buffer_are_kept_and_beyond_it_dropped() {
        let features = [
            point(1, at(-40.0, 2000.0)),          // west, inside the buffer
            point(2, at(4096.0 + 60.0, 10.0)),    // east, inside the buffer
            point(3, at(-80.0, 2000.0)),          // west, beyond it
            point(4, at(2000.0, 4096.0 + 100.0)), // south, beyond it
            point(5, at(2000.0, 2000.0)),         // inside the tile
        ];
        let layers = decode(encode_tile(tile(), &[("events", &features)]).unwrap());
        let mut ids: Vec<u64> = layers[0].features.iter().filter_map(|f| f.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, [1, 2, 5]);
        let kept = layers[0].features.iter().find(|f| f.id == Some(1)).unwrap();
        let (x, y) = only_point(&kept.geometry);
        assert!((x + 40.0).abs() <= 1.0 && (y - 2000.0).abs() <= 1.0);
    }

    #[test]
    fn an_empty_tile_is_none() {
        let far = [point(1, at(-500.0, 2000.0))];
        assert_eq!(encode_tile(tile(), &[("events", &far)]), None);
        let none: [TileFeature; 0] = [];
        assert_eq!(encode_tile(tile(), &[("events", &none)]), None);
        assert_eq!(encode_tile(tile(), &[]), None);
        let tiny_ring = [TileFeature {
            id: None,
            geometry: TileGeometry::Polygon(vec![vec![
                at(10.0, 10.0),
                at(10.2, 10.0),
                at(10.2, 10.2),
                at(10.0, 10.0),
            ]]),
            properties: vec![],
        }];
        assert_eq!(encode_tile(tile(), &[("areas", &tiny_ring)]), None);
    }

    #[test]
    fn a_line_crossing_the_tile_is_clipped_and_kept() {
        let line = [TileFeature {
            id: Some(7),
            geometry: TileGeometry::LineString(vec![at(-2000.0, 1000.0), at(6000.0, 3000.0)]),
            properties: vec![("name".into(), "Moei".into())],
        }];
        let layers = decode(encode_tile(tile(), &[("rivers", &line)]).unwrap());
        let f = &layers[0].features[0];
        assert_eq!(f.id, Some(7));
        let ls = match &f.geometry {
            Geometry::LineString(ls) => ls,
            other => panic!("expected a line, got {other:?}"),
        };
        assert_eq!(ls.0.len(), 2);
        let (a, b) = (ls.0[0], ls.0[1]);
        assert!(
            (a.x + 64.0).abs() <= 1.0 && (a.y - 1484.0).abs() <= 1.0,
            "{a:?}"
        );
        assert!(
            (b.x - 4160.0).abs() <= 1.0 && (b.y - 2540.0).abs() <= 1.0,
            "{b:?}"
        );
    }

    #[test]
    fn a_line_leaving_and_reentering_becomes_two_lines() {
        let line = [TileFeature {
            id: None,
            geometry: TileGeometry::LineString(vec![
                at(100.0, 100.0),
                at(100.0, -1000.0),
                at(300.0, -1000.0),
                at(300.0, 100.0),
            ]),
            properties: vec![],
        }];
        let layers = decode(encode_tile(tile(), &[("l", &line)]).unwrap());
        match &layers[0].features[0].geometry {
            Geometry::MultiLineString(m) => {
                assert_eq!(m.0.len(), 2);
                assert!(m.0.iter().all(|l| l.0.len() == 2));
            }
            other => panic!("expected two lines, got {other:?}"),
        }
        let outside = [TileFeature {
            id: None,
            geometry: TileGeometry::LineString(vec![at(-100.0, -100.0), at(5000.0, -100.0)]),
            properties: vec![],
        }];
        assert_eq!(encode_tile(tile(), &[("l", &outside)]), None);
    }

    #[test]
    fn polygons_are_clipped_oriented_and_keep_their_holes() {
        // A square bigger than the buffered tile with a hole inside the tile,
        // given anticlockwise on screen (the wrong way for MVT).
        let outer = vec![
            at(-1000.0, -1000.0),
            at(-1000.0, 5000.0),
            at(5000.0, 5000.0),
            at(5000.0, -1000.0),
            at(-1000.0, -1000.0),
        ];
        let hole = vec![
            at(1000.0, 1000.0),
            at(2000.0, 1000.0),
            at(2000.0, 2000.0),
            at(1000.0, 2000.0),
        ];
        let features = [TileFeature {
            id: Some(3),
            geometry: TileGeometry::Polygon(vec![outer, hole]),
            properties: vec![],
        }];
        let layers = decode(encode_tile(tile(), &[("areas", &features)]).unwrap());
        let poly = match &layers[0].features[0].geometry {
            Geometry::Polygon(p) => p.clone(),
            Geometry::MultiPolygon(mp) if mp.0.len() == 1 => mp.0[0].clone(),
            other => panic!("expected one polygon, got {other:?}"),
        };
        let rect = poly.exterior().bounding_rect().unwrap();
        assert_eq!((rect.min().x, rect.min().y), (-64.0, -64.0));
        assert_eq!((rect.max().x, rect.max().y), (4160.0, 4160.0));
        assert_eq!(poly.interiors().len(), 1);
        // The decoder treats positive-area rings as exteriors: had the hole
        // kept its orientation it would have become a second polygon.
        let size = 4160.0 + 64.0;
        assert!((poly.unsigned_area() - (size * size - 1000.0 * 1000.0)).abs() < 1.0);
    }

    #[test]
    fn multipolygon_rings_meeting_at_a_corner_stay_separate() {
        // Both parts are clipped to start at the buffer's north-west corner.
        let part = |dx: f64| {
            vec![vec![
                at(-500.0 + dx, -500.0),
                at(500.0 + dx, -500.0),
                at(500.0 + dx, 500.0),
                at(-500.0 + dx, 500.0),
            ]]
        };
        let features = [TileFeature {
            id: None,
            geometry: TileGeometry::MultiPolygon(vec![part(0.0), part(2000.0), part(9000.0)]),
            properties: vec![],
        }];
        let layers = decode(encode_tile(tile(), &[("areas", &features)]).unwrap());
        match &layers[0].features[0].geometry {
            Geometry::MultiPolygon(mp) => {
                assert_eq!(mp.0.len(), 2);
                for p in &mp.0 {
                    assert_eq!(p.exterior().0.len(), 5, "{p:?}");
                    assert!(p.unsigned_area() > 100_000.0);
                }
            }
            other => panic!("expected two polygons, got {other:?}"),
        }
    }

    #[test]
    fn long_lines_are_simplified() {
        // 2,000 vertices along a gentle wiggle of 0.1 tile units.
        let wiggle: Vec<LonLat> = (0..2000)
            .map(|i| {
                let x = f64::from(i) * 2.0;
                at(x, 2000.0 + if i % 2 == 0 { 0.0 } else { 0.1 })
            })
            .collect();
        let features = [TileFeature {
            id: None,
            geometry: TileGeometry::LineString(wiggle),
            properties: vec![],
        }];
        let layers = decode(encode_tile(tile(), &[("l", &features)]).unwrap());
        match &layers[0].features[0].geometry {
            Geometry::LineString(ls) => assert!(ls.0.len() <= 3, "{}", ls.0.len()),
            other => panic!("expected a line, got {other:?}"),
        }
    }

    #[test]
    fn layers_of_one_name_are_merged() {
        let a = [point(1, at(10.0, 10.0))];
        let b = [point(2, at(20.0, 20.0))];
        let layers = decode(encode_tile(tile(), &[("events", &a), ("events", &b)]).unwrap());
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0].features.len(), 2);
    }

    #[test]
    fn segment_clipper_reports_entry_and_exit() {
        let clip = Clip { lo: 0.0, hi: 10.0 };
        let (a, b, entered, left) = clip_segment((-5.0, 5.0), (5.0, 5.0), clip).unwrap();
        assert_eq!((a, b, entered, left), ((0.0, 5.0), (5.0, 5.0), true, false));
        assert!(clip_segment((-5.0, -5.0), (-1.0, 20.0), clip).is_none());
        let (_, _, entered, left) = clip_segment((1.0, 1.0), (2.0, 2.0), clip).unwrap();
        assert!(!entered && !left);
    }
}
