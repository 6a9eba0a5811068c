//! Geometry vocabulary shared by every module: [`LonLat`] with its named
//! coordinate order, great-circle distances, and bounding boxes.
//!
//! One home for each idea beside them:
//! - [`sphere`]: the boxes that hold everything within a distance of a box
//!   (split at the antimeridian), and the least distance from a point to a box.
//! - [`line`]: the nearest point of a polyline, by a scan of every segment and
//!   by the one accelerator ([`LineIndex`]).
//! - [`precision`]: how many decimals every output gives a coordinate.
//!
//! # Units
//! Coordinates are WGS84 decimal degrees, longitude first. Distances are metres
//! unless a name says otherwise (`_km`).

pub mod line;
pub mod precision;
pub mod sphere;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use line::{nearest_on_lines, LineIndex};
pub use precision::{round_coord, COORD_DECIMALS};

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

/// The box as an R-tree envelope (longitude as x, latitude as y).
impl From<Bbox> for rstar::AABB<[f64; 2]> {
    fn from(b: Bbox) -> Self {
        rstar::AABB::from_corners([b.west, b.south], [b.east, b.north])
    }
}

/// An R-tree envelope (longitude as x, latitude as y) as a box.
impl From<rstar::AABB<[f64; 2]>> for Bbox {
    fn from(envelope: rstar::AABB<[f64; 2]>) -> Self {
        let [west, south] = envelope.lower();
        let [east, north] = envelope.upper();
        Bbox {
            west,
            south,
            east,
            north,
        }
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

    /// The box of the one point `p`.
    #[must_use]
    pub fn point(p: LonLat) -> Bbox {
        Bbox {
            west: p.lon,
            south: p.lat,
            east: p.lon,
            north: p.lat,
        }
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
