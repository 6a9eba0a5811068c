//! Coordinate precision: the one rule for how many decimals a coordinate
//! keeps in every output (GeoJSON layers and exports, the gazetteer's
//! answers, the geoparser's mentions, the analyses).
//!
//! # Units
//! [`COORD_DECIMALS`] decimals of a degree: 10⁻⁶° is 0.11 m of latitude
//! anywhere, and 0.11 m of longitude at the equator (0.10 m at 25°N, the
//! north of the region mapped). Far finer than any place this crate locates
//! (a compound is hundreds of metres across), and the precision the
//! gazetteer's and the research's coordinates are given in (5 or 6 decimals),
//! so rounding never moves a point that was read in.

/// Decimals of a degree kept in every coordinate written out.
pub const COORD_DECIMALS: i32 = 6;

/// `10^COORD_DECIMALS`, exactly.
const SCALE: f64 = {
    let mut scale = 1.0;
    let mut i = 0;
    while i < COORD_DECIMALS {
        scale *= 10.0;
        i += 1;
    }
    scale
};

/// A longitude or latitude rounded to [`COORD_DECIMALS`] decimals (halves
/// away from zero), as every output writes it.
///
/// # Example
/// ```
/// use scamatlas::geom::round_coord;
/// assert_eq!(round_coord(98.516_612_345), 98.516612);
/// assert_eq!(round_coord(-16.000_000_6), -16.000001);
/// ```
#[must_use]
pub fn round_coord(v: f64) -> f64 {
    (v * SCALE).round() / SCALE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_ten_to_the_decimals() {
        assert_eq!(SCALE, 10f64.powi(COORD_DECIMALS));
        assert_eq!(SCALE, 1e6);
    }

    #[test]
    fn rounding_moves_a_point_by_at_most_half_a_step() {
        use crate::geom::LonLat;
        let p = LonLat {
            lon: 98.123_456_49,
            lat: 16.987_654_51,
        };
        let q = LonLat {
            lon: round_coord(p.lon),
            lat: round_coord(p.lat),
        };
        assert_eq!((q.lon, q.lat), (98.123456, 16.987655));
        assert!(p.distance_m(q) < 0.08, "{}", p.distance_m(q));
    }
}
