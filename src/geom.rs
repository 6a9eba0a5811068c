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
        let k = self.lat.to_radians().cos();
        let project = |p: LonLat| ((p.lon - self.lon) * k, p.lat - self.lat);
        let mut best: Option<(LonLat, f64)> = None;
        let mut consider = |p: LonLat| {
            let d = self.distance_m(p);
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((p, d));
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
        best
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
}
