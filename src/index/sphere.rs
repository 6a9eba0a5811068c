//! Spherical helpers for the index: the longitude/latitude envelopes that are
//! guaranteed to hold every point within a great-circle distance, and the
//! smallest great-circle distance from a point to an envelope.
//!
//! # Units
//! Degrees for coordinates and envelopes, metres for distances, on the sphere
//! of radius [`EARTH_RADIUS_M`] that [`LonLat::distance_m`] uses.

use rstar::AABB;

use crate::geom::{LonLat, EARTH_RADIUS_M};

/// Widening applied to angular radii so that rounding in the haversine never
/// lets a point that is within the distance fall outside its envelope.
fn widen(delta_deg: f64) -> f64 {
    delta_deg * (1.0 + 1e-9) + 1e-9
}

/// The angle subtended at the Earth's centre by `distance_m`, in degrees,
/// slightly widened (see [`widen`]).
pub(super) fn angle_deg(distance_m: f64) -> f64 {
    widen((distance_m / EARTH_RADIUS_M).to_degrees())
}

/// Half the longitude extent of the spherical cap of angular radius
/// `delta_deg` centred at latitude `lat`; `None` when the cap reaches a pole
/// and so spans every longitude.
///
/// The cap's easternmost point is not at its extreme latitude but where
/// `sin Δλ = sin δ / cos φ`, the exact half-width.
pub(super) fn cap_half_width_deg(lat: f64, delta_deg: f64) -> Option<f64> {
    if lat.abs() + delta_deg >= 90.0 {
        return None;
    }
    let ratio = delta_deg.to_radians().sin() / lat.to_radians().cos();
    (ratio < 1.0).then(|| widen(ratio.asin().to_degrees()))
}

/// The envelopes covering every point within `delta_deg` (an angle from
/// [`angle_deg`]) of any point of the box `west..=east`, `south..=north`.
/// One envelope, or two where the widened box crosses the antimeridian.
pub(super) fn widened_envelopes(
    west: f64,
    south: f64,
    east: f64,
    north: f64,
    delta_deg: f64,
) -> Vec<AABB<[f64; 2]>> {
    // The widest cap is the one centred at the box's most polar latitude.
    let polar = south.abs().max(north.abs());
    let south = (south - delta_deg).max(-90.0);
    let north = (north + delta_deg).min(90.0);
    match cap_half_width_deg(polar, delta_deg) {
        Some(half) => wrapped(west - half, south, east + half, north),
        None => wrapped(-180.0, south, 180.0, north),
    }
}

/// A box whose longitudes may run past ±180, as envelopes within -180..=180.
fn wrapped(west: f64, south: f64, east: f64, north: f64) -> Vec<AABB<[f64; 2]>> {
    let aabb = |w: f64, e: f64| AABB::from_corners([w, south], [e, north]);
    if east - west >= 360.0 {
        vec![aabb(-180.0, 180.0)]
    } else if west < -180.0 {
        vec![aabb(west + 360.0, 180.0), aabb(-180.0, east)]
    } else if east > 180.0 {
        vec![aabb(west, 180.0), aabb(-180.0, east - 360.0)]
    } else {
        vec![aabb(west, east)]
    }
}

/// A lower bound on the great-circle distance from `p` to any point of
/// `envelope`, exact up to a tiny safety margin.
///
/// Outside the envelope's longitudes the nearest point lies on one of its two
/// meridian edges (a parallel is nearest at its end), and on a meridian at
/// longitude offset Δλ the nearest latitude is `atan2(sin φ, cos φ cos Δλ)`,
/// clamped to the edge.
pub(super) fn min_distance_m(p: LonLat, envelope: &AABB<[f64; 2]>) -> f64 {
    let [west, south] = envelope.lower();
    let [east, north] = envelope.upper();
    let exact = if (west..=east).contains(&p.lon) {
        p.distance_m(LonLat {
            lon: p.lon,
            lat: p.lat.clamp(south, north),
        })
    } else {
        let phi = p.lat.to_radians();
        let mut best = f64::INFINITY;
        for lon in [west, east] {
            let dl = (lon - p.lon).to_radians();
            let foot = phi.sin().atan2(phi.cos() * dl.cos()).to_degrees();
            for lat in [south, north, foot.clamp(south, north)] {
                best = best.min(p.distance_m(LonLat { lon, lat }));
            }
        }
        best
    };
    (exact * (1.0 - 1e-9) - 1e-6).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::synthetic::Rng;
    use rstar::Envelope;

    fn random_point(rng: &mut Rng, max_lat: f64) -> LonLat {
        LonLat {
            lon: rng.range(-180.0, 180.0),
            lat: rng.range(-max_lat, max_lat),
        }
    }

    fn in_any(envelopes: &[AABB<[f64; 2]>], p: LonLat) -> bool {
        envelopes.iter().any(|e| e.contains_point(&[p.lon, p.lat]))
    }

    #[test]
    fn cap_envelopes_hold_every_point_within_the_distance() {
        let mut rng = Rng::new(11);
        for _ in 0..2_000 {
            let center = random_point(&mut rng, 89.0);
            let radius_m = [10.0, 1e4, 5e5, 3e6][rng.below(4)] * rng.f64();
            let delta = angle_deg(radius_m);
            let envelopes =
                widened_envelopes(center.lon, center.lat, center.lon, center.lat, delta);
            // Points just inside the circle, in every direction.
            for _ in 0..50 {
                let bearing = rng.range(0.0, std::f64::consts::TAU);
                let p = destination(center, bearing, radius_m * 0.999_999);
                if center.distance_m(p) <= radius_m {
                    assert!(
                        in_any(&envelopes, p),
                        "{center:?} r={radius_m} {p:?} {envelopes:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn min_distance_never_exceeds_the_distance_to_a_point_inside() {
        let mut rng = Rng::new(12);
        for _ in 0..2_000 {
            let p = random_point(&mut rng, 85.0);
            let a = random_point(&mut rng, 85.0);
            let w = rng.range(0.0, 20.0);
            let h = rng.range(0.0, 10.0);
            let east = (a.lon + w).min(180.0);
            let north = (a.lat + h).min(90.0);
            let envelope = AABB::from_corners([a.lon, a.lat], [east, north]);
            let bound = min_distance_m(p, &envelope);
            let mut closest = f64::INFINITY;
            for i in 0..=40 {
                for j in 0..=40 {
                    let q = LonLat {
                        lon: a.lon + (east - a.lon) * f64::from(i) / 40.0,
                        lat: a.lat + (north - a.lat) * f64::from(j) / 40.0,
                    };
                    let d = p.distance_m(q);
                    assert!(bound <= d, "{p:?} {envelope:?} {bound} > {d}");
                    closest = closest.min(d);
                }
            }
            // And it is tight: no looser than the grid's spacing.
            let spacing = LonLat { lon: 0.0, lat: 0.0 }.distance_m(LonLat {
                lon: w / 40.0,
                lat: h / 40.0,
            });
            assert!(closest - bound <= spacing + 1.0, "{closest} {bound}");
        }
    }

    /// The point `distance_m` from `from` along the initial `bearing` (radians).
    fn destination(from: LonLat, bearing: f64, distance_m: f64) -> LonLat {
        let d = distance_m / EARTH_RADIUS_M;
        let (phi, lambda) = (from.lat.to_radians(), from.lon.to_radians());
        let lat = (phi.sin() * d.cos() + phi.cos() * d.sin() * bearing.cos()).asin();
        let lon =
            lambda + (bearing.sin() * d.sin() * phi.cos()).atan2(d.cos() - phi.sin() * lat.sin());
        let mut lon = lon.to_degrees();
        if lon > 180.0 {
            lon -= 360.0;
        } else if lon < -180.0 {
            lon += 360.0;
        }
        LonLat {
            lon,
            lat: lat.to_degrees(),
        }
    }
}
