//! Tile math: a [`TileCoord`] names one square of the Web Mercator pyramid in
//! the XYZ scheme MapLibre requests (`/{z}/{x}/{y}`): zoom `z` splits the world
//! into `2^z × 2^z` tiles, `x` grows eastwards from the antimeridian and `y`
//! grows southwards from the top (y = 0 is the northernmost row).
//!
//! # Units
//! Positions are WGS84 degrees ([`LonLat`], [`Bbox`]); tile pixels are tile
//! units of an `extent`-wide square (4096 in our tiles), x to the right and y
//! **down**, origin at the tile's north-west corner. Latitudes are clamped to
//! ±[`MAX_LAT`], the edge of the square Mercator world.

use std::fmt;
use std::str::FromStr;

use crate::geom::{Bbox, LonLat};

/// The deepest zoom served: TileJSON's `maxzoom`, beyond which clients
/// overzoom. A deeper tile is refused, naming this zoom.
pub const MAX_ZOOM: u8 = 16;

/// The latitude where the square Web Mercator world ends, in degrees:
/// `atan(sinh(π))`.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// A tile that cannot exist, or text that does not name one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    #[error("zoom {z} is deeper than the deepest zoom served, {max}")]
    Zoom { z: u8, max: u8 },
    #[error("tile column x={x} does not exist at zoom {z} (expected 0..={max})")]
    Column { z: u8, x: u32, max: u32 },
    #[error("tile row y={y} does not exist at zoom {z} (expected 0..={max})")]
    Row { z: u8, y: u32, max: u32 },
    #[error("expected a tile as Z/X/Y (e.g. 6/49/28), got {0:?}")]
    Syntax(String),
}

/// One tile of the XYZ pyramid.
///
/// Build it with [`TileCoord::new`] to have it checked; the functions of this
/// module never panic on an unchecked one, they just describe a square off the
/// map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileCoord {
    /// A tile, checked: `z <=` [`MAX_ZOOM`] and `x, y < 2^z`.
    ///
    /// # Example
    /// ```
    /// use scamatlas::tiles::{TileCoord, TileError};
    /// assert!(TileCoord::new(6, 49, 28).is_ok());
    /// assert_eq!(TileCoord::new(1, 2, 0), Err(TileError::Column { z: 1, x: 2, max: 1 }));
    /// ```
    pub fn new(z: u8, x: u32, y: u32) -> Result<Self, TileError> {
        if z > MAX_ZOOM {
            return Err(TileError::Zoom { z, max: MAX_ZOOM });
        }
        let max = tiles_per_side(z) - 1;
        if x > max {
            return Err(TileError::Column { z, x, max });
        }
        if y > max {
            return Err(TileError::Row { z, y, max });
        }
        Ok(Self { z, x, y })
    }

    /// The tile's edges in degrees; north is clamped to [`MAX_LAT`] at row 0.
    ///
    /// # Example
    /// ```
    /// use scamatlas::tiles::TileCoord;
    /// let ne = TileCoord::new(1, 1, 0)?.bounds();
    /// assert_eq!((ne.west, ne.south, ne.east), (0.0, 0.0, 180.0));
    /// assert!((ne.north - 85.0511).abs() < 1e-4);
    /// # Ok::<(), scamatlas::tiles::TileError>(())
    /// ```
    #[must_use]
    pub fn bounds(&self) -> Bbox {
        let n = f64::from(tiles_per_side(self.z));
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        Bbox {
            west: lon_of(x / n),
            south: lat_of((y + 1.0) / n),
            east: lon_of((x + 1.0) / n),
            north: lat_of(y / n),
        }
    }

    /// The tile's edges in degrees, widened by `buffer` tile units of an
    /// `extent`-wide tile on every side (clamped to the globe): the area whose
    /// features can show in the tile.
    #[must_use]
    pub fn buffered_bounds(&self, buffer: u32, extent: u32) -> Bbox {
        let n = f64::from(tiles_per_side(self.z));
        let pad = f64::from(buffer) / f64::from(extent.max(1));
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        Bbox {
            west: lon_of(((x - pad) / n).max(0.0)),
            south: lat_of(((y + 1.0 + pad) / n).min(1.0)),
            east: lon_of(((x + 1.0 + pad) / n).min(1.0)),
            north: lat_of(((y - pad) / n).max(0.0)),
        }
    }
}

impl fmt::Display for TileCoord {
    /// `z/x/y`, as in a tile URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Parses `Z/X/Y` and checks it as [`TileCoord::new`] does.
impl FromStr for TileCoord {
    type Err = TileError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || TileError::Syntax(s.to_string());
        let mut parts = s.trim().split('/');
        let z = parts.next().and_then(|p| p.parse::<u8>().ok());
        let x = parts.next().and_then(|p| p.parse::<u32>().ok());
        let y = parts.next().and_then(|p| p.parse::<u32>().ok());
        match (z, x, y, parts.next()) {
            (Some(z), Some(x), Some(y), None) => TileCoord::new(z, x, y),
            _ => Err(syntax()),
        }
    }
}

/// The number of tiles along one side of the world at zoom `z` (`2^z`,
/// saturating past zoom 31).
#[must_use]
pub fn tiles_per_side(z: u8) -> u32 {
    1u32.checked_shl(u32::from(z)).unwrap_or(u32::MAX)
}

/// Web Mercator position of `p` as fractions of the world, both in `0..=1`:
/// x from the antimeridian eastwards, y from the north edge southwards.
#[must_use]
fn world_fraction(p: LonLat) -> (f64, f64) {
    let x = (p.lon + 180.0) / 360.0;
    let lat = p.lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let y = (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0;
    (x, y.clamp(0.0, 1.0))
}

fn lon_of(x_fraction: f64) -> f64 {
    x_fraction * 360.0 - 180.0
}

fn lat_of(y_fraction: f64) -> f64 {
    (std::f64::consts::PI * (1.0 - 2.0 * y_fraction))
        .sinh()
        .atan()
        .to_degrees()
}

/// Where `p` falls in the pixel grid of `coord`.
///
/// Returns `(x, y)`: `(0, 0)` is the tile's north-west corner and
/// `(extent, extent)` its south-east corner; positions outside the tile fall
/// outside `0..extent` (negative to the west and north).
///
/// # Units
/// Tile units of an `extent`-wide tile, y down; `p` in degrees, latitude
/// clamped to ±[`MAX_LAT`].
///
/// # Example
/// ```
/// use scamatlas::geom::LonLat;
/// use scamatlas::tiles::{lonlat_to_tile_px, TileCoord};
/// let world = TileCoord::new(0, 0, 0)?;
/// let (x, y) = lonlat_to_tile_px(LonLat { lon: 0.0, lat: 0.0 }, world, 4096);
/// assert!((x - 2048.0).abs() < 1e-9 && (y - 2048.0).abs() < 1e-9);
/// # Ok::<(), scamatlas::tiles::TileError>(())
/// ```
#[must_use]
pub fn lonlat_to_tile_px(p: LonLat, coord: TileCoord, extent: u32) -> (f64, f64) {
    let n = f64::from(tiles_per_side(coord.z));
    let (fx, fy) = world_fraction(p);
    let e = f64::from(extent);
    (
        (fx * n - f64::from(coord.x)) * e,
        (fy * n - f64::from(coord.y)) * e,
    )
}

/// The position of tile pixel `(x, y)` of `coord`: the inverse of
/// [`lonlat_to_tile_px`].
///
/// # Units
/// Tile units of an `extent`-wide tile, y down, in; degrees out.
#[must_use]
pub fn tile_px_to_lonlat(px: (f64, f64), coord: TileCoord, extent: u32) -> LonLat {
    let n = f64::from(tiles_per_side(coord.z));
    let e = f64::from(extent.max(1));
    LonLat {
        lon: lon_of((f64::from(coord.x) + px.0 / e) / n),
        lat: lat_of((f64::from(coord.y) + px.1 / e) / n),
    }
}

/// The tile of zoom `z` holding `p` (a point on the east or south edge of the
/// world goes to the last column or row).
///
/// # Example
/// ```
/// use scamatlas::geom::LonLat;
/// use scamatlas::tiles::{tile_of, TileCoord};
/// let myawaddy = LonLat { lon: 98.509, lat: 16.689 };
/// assert_eq!(tile_of(myawaddy, 6)?, TileCoord::new(6, 49, 28)?);
/// # Ok::<(), scamatlas::tiles::TileError>(())
/// ```
pub fn tile_of(p: LonLat, z: u8) -> Result<TileCoord, TileError> {
    if z > MAX_ZOOM {
        return Err(TileError::Zoom { z, max: MAX_ZOOM });
    }
    let n = tiles_per_side(z);
    let (fx, fy) = world_fraction(p);
    let index = |f: f64| ((f * f64::from(n)).floor().max(0.0) as u32).min(n - 1);
    Ok(TileCoord {
        z,
        x: index(fx),
        y: index(fy),
    })
}

/// A rectangle of tiles of one zoom, edges included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRange {
    pub z: u8,
    pub min_x: u32,
    pub max_x: u32,
    pub min_y: u32,
    pub max_y: u32,
}

impl TileRange {
    /// How many tiles the range holds.
    #[must_use]
    pub fn len(&self) -> u64 {
        u64::from(self.max_x - self.min_x + 1) * u64::from(self.max_y - self.min_y + 1)
    }

    /// Never: a range holds at least one tile.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether `coord` is one of the range's tiles.
    #[must_use]
    pub fn contains(&self, coord: TileCoord) -> bool {
        coord.z == self.z
            && (self.min_x..=self.max_x).contains(&coord.x)
            && (self.min_y..=self.max_y).contains(&coord.y)
    }

    /// The tiles, row by row from the north-west.
    pub fn iter(&self) -> impl Iterator<Item = TileCoord> + '_ {
        (self.min_y..=self.max_y).flat_map(move |y| {
            (self.min_x..=self.max_x).map(move |x| TileCoord { z: self.z, x, y })
        })
    }
}

/// The tiles of zoom `z` that cover `bbox`.
///
/// # Example
/// ```
/// use scamatlas::geom::Bbox;
/// use scamatlas::tiles::tiles_covering;
/// let myanmar = Bbox::new(92.2, 9.8, 101.2, 28.5)?;
/// let range = tiles_covering(myanmar, 5)?;
/// assert_eq!((range.min_x, range.max_x, range.min_y, range.max_y), (24, 24, 13, 15));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn tiles_covering(bbox: Bbox, z: u8) -> Result<TileRange, TileError> {
    let nw = tile_of(
        LonLat {
            lon: bbox.west,
            lat: bbox.north,
        },
        z,
    )?;
    let se = tile_of(
        LonLat {
            lon: bbox.east,
            lat: bbox.south,
        },
        z,
    )?;
    Ok(TileRange {
        z,
        min_x: nw.x.min(se.x),
        max_x: nw.x.max(se.x),
        min_y: nw.y.min(se.y),
        max_y: nw.y.max(se.y),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(seed: u64, n: usize) -> Vec<LonLat> {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| LonLat {
                lon: next() * 360.0 - 180.0,
                lat: next() * 170.0 - 85.0,
            })
            .collect()
    }

    #[test]
    fn new_names_what_is_wrong() {
        assert_eq!(
            TileCoord::new(17, 0, 0),
            Err(TileError::Zoom { z: 17, max: 16 })
        );
        assert_eq!(
            TileCoord::new(3, 8, 0),
            Err(TileError::Column { z: 3, x: 8, max: 7 })
        );
        assert_eq!(
            TileCoord::new(3, 7, 8),
            Err(TileError::Row { z: 3, y: 8, max: 7 })
        );
        assert!(TileCoord::new(16, (1 << 16) - 1, (1 << 16) - 1).is_ok());
        assert!(TileError::Row { z: 3, y: 8, max: 7 }
            .to_string()
            .contains("y=8"));
    }

    #[test]
    fn parses_and_prints_z_x_y() {
        let t: TileCoord = "6/49/28".parse().unwrap();
        assert_eq!(t, TileCoord { z: 6, x: 49, y: 28 });
        assert_eq!(t.to_string(), "6/49/28");
        for bad in ["", "6/49", "6/49/28/1", "a/1/1", "6/-1/2"] {
            assert!(
                matches!(bad.parse::<TileCoord>(), Err(TileError::Syntax(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            "2/4/0".parse::<TileCoord>(),
            Err(TileError::Column { .. })
        ));
    }

    #[test]
    fn zoom_0_covers_the_world() {
        let b = TileCoord::new(0, 0, 0).unwrap().bounds();
        assert_eq!((b.west, b.east), (-180.0, 180.0));
        assert!((b.north - MAX_LAT).abs() < 1e-9 && (b.south + MAX_LAT).abs() < 1e-9);
    }

    #[test]
    fn zoom_1_quarters() {
        let ne = TileCoord::new(1, 1, 0).unwrap().bounds();
        assert_eq!((ne.west, ne.east), (0.0, 180.0));
        assert!(ne.south.abs() < 1e-12 && (ne.north - 85.0511).abs() < 1e-4);
        let sw = TileCoord::new(1, 0, 1).unwrap().bounds();
        assert_eq!((sw.west, sw.east), (-180.0, 0.0));
        assert!(sw.north.abs() < 1e-12 && (sw.south + 85.0511).abs() < 1e-4);
    }

    #[test]
    fn a_point_lies_in_the_bounds_of_its_tile_at_every_zoom() {
        for p in seeded(7, 500) {
            for z in [0, 1, 3, 6, 10, 14, 16] {
                let t = tile_of(p, z).unwrap();
                assert!(TileCoord::new(t.z, t.x, t.y).is_ok());
                let b = t.bounds();
                assert!(
                    b.west - 1e-9 <= p.lon
                        && p.lon <= b.east + 1e-9
                        && b.south - 1e-9 <= p.lat
                        && p.lat <= b.north + 1e-9,
                    "{p} not in {t} = {b}"
                );
                let (x, y) = lonlat_to_tile_px(p, t, 4096);
                assert!((-1e-6..=4096.0 + 1e-6).contains(&x), "{x}");
                assert!((-1e-6..=4096.0 + 1e-6).contains(&y), "{y}");
            }
        }
    }

    #[test]
    fn pixels_round_trip_to_lon_lat() {
        for p in seeded(11, 300) {
            let t = tile_of(p, 9).unwrap();
            let back = tile_px_to_lonlat(lonlat_to_tile_px(p, t, 4096), t, 4096);
            assert!((back.lon - p.lon).abs() < 1e-9 && (back.lat - p.lat).abs() < 1e-9);
        }
    }

    #[test]
    fn tile_corners_are_pixel_corners() {
        let t = TileCoord::new(6, 49, 28).unwrap();
        let b = t.bounds();
        let (x0, y0) = lonlat_to_tile_px(
            LonLat {
                lon: b.west,
                lat: b.north,
            },
            t,
            4096,
        );
        let (x1, y1) = lonlat_to_tile_px(
            LonLat {
                lon: b.east,
                lat: b.south,
            },
            t,
            4096,
        );
        assert!(x0.abs() < 1e-6 && y0.abs() < 1e-6);
        assert!((x1 - 4096.0).abs() < 1e-6 && (y1 - 4096.0).abs() < 1e-6);
    }

    #[test]
    fn latitudes_beyond_the_mercator_edge_are_clamped() {
        let pole = LonLat {
            lon: 10.0,
            lat: 90.0,
        };
        assert_eq!(tile_of(pole, 4).unwrap().y, 0);
        let t = TileCoord::new(0, 0, 0).unwrap();
        assert!(lonlat_to_tile_px(pole, t, 4096).1.abs() < 1e-6);
        let south = LonLat {
            lon: 10.0,
            lat: -90.0,
        };
        assert_eq!(tile_of(south, 4).unwrap().y, 15);
    }

    #[test]
    fn buffered_bounds_grow_by_the_buffer() {
        let t = TileCoord::new(6, 49, 28).unwrap();
        let (b, w) = (t.bounds(), t.buffered_bounds(64, 4096));
        let pad = (b.east - b.west) * 64.0 / 4096.0;
        assert!((b.west - w.west - pad).abs() < 1e-9 && (w.east - b.east - pad).abs() < 1e-9);
        assert!(w.north > b.north && w.south < b.south);
        let world = TileCoord::new(0, 0, 0).unwrap().buffered_bounds(64, 4096);
        assert_eq!((world.west, world.east), (-180.0, 180.0));
    }

    #[test]
    fn covering_matches_a_scan_of_every_tile() {
        let bbox = Bbox::new(92.2, 9.8, 101.2, 28.5).unwrap();
        for z in 0..=7u8 {
            let range = tiles_covering(bbox, z).unwrap();
            let n = tiles_per_side(z);
            let mut count = 0;
            for x in 0..n {
                for y in 0..n {
                    let t = TileCoord { z, x, y };
                    let b = t.bounds();
                    let overlaps = b.west < bbox.east
                        && bbox.west < b.east
                        && b.south < bbox.north
                        && bbox.south < b.north;
                    assert_eq!(range.contains(t), overlaps, "{t}");
                    count += u64::from(overlaps);
                }
            }
            assert_eq!(range.len(), count);
            assert_eq!(range.iter().count() as u64, count);
        }
        assert!(tiles_covering(bbox, 23).is_err());
    }
}
