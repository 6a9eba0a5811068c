//! The sphere around a box: the longitude/latitude boxes guaranteed to hold
//! every point within a great-circle distance of a box (split at the
//! antimeridian), and the least great-circle distance from a point to a box.
//!
//! Every search for "what lies within this distance" widens its box here
//! ([`widened_boxes`]), and every lower bound of the distance to a box's
//! contents is [`min_haversine`] (as metres, [`min_distance_m`]).
//!
//! # Units
//! Degrees for coordinates and boxes, metres for distances, on the sphere of
//! radius [`EARTH_RADIUS_M`] that [`LonLat::distance_m`] uses.

use super::{Bbox, LonLat, EARTH_RADIUS_M};

/// Widening applied to angular radii so that rounding in the haversine never
/// lets a point that is within the distance fall outside its box.
fn widen(delta_deg: f64) -> f64 {
    delta_deg * (1.0 + 1e-9) + 1e-9
}

/// The angle subtended at the Earth's centre by `distance_m`, in degrees,
/// slightly widened (see [`widen`]).
#[must_use]
pub fn angle_deg(distance_m: f64) -> f64 {
    widen((distance_m / EARTH_RADIUS_M).to_degrees())
}

/// Half the longitude extent of the spherical cap of angular radius
/// `delta_deg` centred at latitude `lat`; `None` when the cap reaches a pole
/// and so spans every longitude.
///
/// The cap's easternmost point is not at its extreme latitude but where
/// `sin Δλ = sin δ / cos φ`, the exact half-width.
#[must_use]
pub fn cap_half_width_deg(lat: f64, delta_deg: f64) -> Option<f64> {
    if lat.abs() + delta_deg >= 90.0 {
        return None;
    }
    let ratio = delta_deg.to_radians().sin() / lat.to_radians().cos();
    (ratio < 1.0).then(|| widen(ratio.asin().to_degrees()))
}

/// The boxes covering every point within `delta_deg` (an angle from
/// [`angle_deg`]) of any point of `area`: one box, or two where the widened
/// box crosses the antimeridian, each within -180..=180 and -90..=90.
///
/// # Example
/// ```
/// use scamatlas::geom::{sphere, Bbox, LonLat};
/// let p = LonLat { lon: 179.99, lat: 0.0 };
/// let boxes = sphere::widened_boxes(&Bbox::point(p), sphere::angle_deg(5_000.0));
/// assert_eq!(boxes.len(), 2);
/// assert!(boxes[1].contains(LonLat { lon: -179.99, lat: 0.0 }));
/// ```
#[must_use]
pub fn widened_boxes(area: &Bbox, delta_deg: f64) -> Vec<Bbox> {
    // The widest cap is the one centred at the box's most polar latitude.
    let polar = area.south.abs().max(area.north.abs());
    let south = (area.south - delta_deg).max(-90.0);
    let north = (area.north + delta_deg).min(90.0);
    match cap_half_width_deg(polar, delta_deg) {
        Some(half) => wrapped(area.west - half, south, area.east + half, north),
        None => wrapped(-180.0, south, 180.0, north),
    }
}

/// A box whose longitudes may run past ±180, as boxes within -180..=180.
fn wrapped(west: f64, south: f64, east: f64, north: f64) -> Vec<Bbox> {
    let bbox = |west: f64, east: f64| Bbox {
        west,
        south,
        east,
        north,
    };
    if east - west >= 360.0 {
        vec![bbox(-180.0, 180.0)]
    } else if west < -180.0 {
        vec![bbox(west + 360.0, 180.0), bbox(-180.0, east)]
    } else if east > 180.0 {
        vec![bbox(west, 180.0), bbox(-180.0, east - 360.0)]
    } else {
        vec![bbox(west, east)]
    }
}

/// A lower bound on the great-circle distance from `p` to any point of
/// `area`, in metres: [`min_haversine`] as a distance, less a tiny safety
/// margin.
///
/// # Example
/// ```
/// use scamatlas::geom::{sphere, Bbox, LonLat};
/// let area = Bbox { west: 98.0, south: 16.0, east: 98.5, north: 17.0 };
/// let p = LonLat { lon: 99.0, lat: 16.5 };
/// let bound = sphere::min_distance_m(p, &area);
/// assert!(bound <= p.distance_m(LonLat { lon: 98.5, lat: 16.5 }));
/// assert!(bound > 50_000.0);
/// ```
#[must_use]
pub fn min_distance_m(p: LonLat, area: &Bbox) -> f64 {
    let exact = 2.0 * EARTH_RADIUS_M * min_haversine(p, area).sqrt().min(1.0).asin();
    (exact * (1.0 - 1e-9) - 1e-6).max(0.0)
}

/// A lower bound of the haversine `a` of [`LonLat::distance_m`] (the square of
/// the sine of half the central angle) from `p` to any point of `area`: for
/// comparing many boxes with one distance without a square root and an `asin`
/// each ([`haversine_of_m`] gives the distance's `a`).
///
/// In `a = hav(Δφ) + cos φ₁ cos φ₂ hav(Δλ)` each term is taken at its least
/// over the box (`hav` grows up to half a turn): the latitude of the box
/// nearest to `p`'s, the cosine of the box's most polar latitude, and the
/// meridian edge nearer in longitude, or none when the box spans `p`'s
/// meridian. Exact when it does; a bigger box around a smaller one has a
/// bound no greater.
///
/// # Runtime
/// One sine within the box's longitudes; outside them two sines and two
/// cosines.
#[must_use]
pub fn min_haversine(p: LonLat, area: &Bbox) -> f64 {
    let hav = |deg: f64| (deg.to_radians() / 2.0).sin().powi(2);
    let lat_gap = (area.south - p.lat).max(p.lat - area.north).max(0.0);
    if (area.west..=area.east).contains(&p.lon) {
        return hav(lat_gap);
    }
    // The angle between two meridians (both within -180..=180), 0..=180.
    let offset = |lon: f64| {
        let d = (lon - p.lon).abs();
        d.min(360.0 - d)
    };
    let lon_gap = offset(area.west).min(offset(area.east));
    let polar = area.south.abs().max(area.north.abs()).min(90.0);
    hav(lat_gap) + p.lat.to_radians().cos() * polar.to_radians().cos() * hav(lon_gap)
}

/// The haversine `a` of a distance in metres (see [`min_haversine`]);
/// infinite past half the globe, where no `a` is that large.
#[must_use]
pub fn haversine_of_m(distance_m: f64) -> f64 {
    if distance_m < std::f64::consts::PI * EARTH_RADIUS_M {
        (distance_m / (2.0 * EARTH_RADIUS_M)).sin().powi(2)
    } else {
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::synthetic::Rng;

    fn random_point(rng: &mut Rng, max_lat: f64) -> LonLat {
        LonLat {
            lon: rng.range(-180.0, 180.0),
            lat: rng.range(-max_lat, max_lat),
        }
    }

    fn in_any(boxes: &[Bbox], p: LonLat) -> bool {
        boxes.iter().any(|b| b.contains(p))
    }

    #[test]
    fn cap_envelopes_hold_every_point_within_the_distance() {
        let mut rng = Rng::new(11);
        for _ in 0..2_000 {
            let center = random_point(&mut rng, 89.0);
            let radius_m = [10.0, 1e4, 5e5, 3e6][rng.below(4)] * rng.f64();
            let delta = angle_deg(radius_m);
            let envelopes = widened_boxes(&Bbox::point(center), delta);
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

    /// Boxes up to 20° wide, and (one in four) up to a whole turn wide, so
    /// that both meridian edges may be the nearer one.
    #[test]
    fn min_distance_never_exceeds_the_distance_to_a_point_inside() {
        let mut rng = Rng::new(12);
        for i in 0..2_000 {
            let p = random_point(&mut rng, 85.0);
            let a = random_point(&mut rng, 85.0);
            let w = rng.range(0.0, if i % 4 == 0 { 360.0 } else { 20.0 });
            let h = rng.range(0.0, 10.0);
            let east = (a.lon + w).min(180.0);
            let north = (a.lat + h).min(90.0);
            let envelope = Bbox {
                west: a.lon,
                south: a.lat,
                east,
                north,
            };
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
            // Within the box's longitudes it is exact: no looser than the
            // grid's spacing.
            let spacing = LonLat { lon: 0.0, lat: 0.0 }.distance_m(LonLat {
                lon: w / 40.0,
                lat: h / 40.0,
            });
            if (a.lon..=east).contains(&p.lon) {
                assert!(closest - bound <= spacing + 1.0, "{closest} {bound}");
            }
            // A box inside this one has a bound no smaller.
            let inner = Bbox {
                west: a.lon + (east - a.lon) / 4.0,
                south: a.lat + (north - a.lat) / 3.0,
                east: east - (east - a.lon) / 5.0,
                north,
            };
            assert!(min_distance_m(p, &inner) >= bound, "{p:?} {envelope:?}");
        }
    }

    /// Boxes the size of a run of a border (up to half a degree) at the
    /// latitudes of the region mapped, and points up to 3° away: the bound
    /// is within 1 % of the distance, so that it skips what is far.
    #[test]
    fn min_distance_is_tight_for_small_boxes_near_the_tropics() {
        let mut rng = Rng::new(13);
        for _ in 0..2_000 {
            let a = LonLat {
                lon: rng.range(92.0, 106.0),
                lat: rng.range(5.0, 30.0),
            };
            let (w, h) = (rng.range(0.0, 0.5), rng.range(0.0, 0.5));
            let area = Bbox {
                west: a.lon,
                south: a.lat,
                east: a.lon + w,
                north: a.lat + h,
            };
            let p = LonLat {
                lon: a.lon + rng.range(-3.0, 3.0),
                lat: a.lat + rng.range(-3.0, 3.0),
            };
            let mut closest = f64::INFINITY;
            for i in 0..=100 {
                for j in 0..=100 {
                    closest = closest.min(p.distance_m(LonLat {
                        lon: a.lon + w * f64::from(i) / 100.0,
                        lat: a.lat + h * f64::from(j) / 100.0,
                    }));
                }
            }
            let bound = min_distance_m(p, &area);
            let spacing = LonLat { lon: 0.0, lat: 0.0 }.distance_m(LonLat {
                lon: w / 100.0,
                lat: h / 100.0,
            });
            assert!(bound <= closest, "{p:?} {area:?}");
            assert!(
                bound >= 0.99 * closest - spacing,
                "{p:?} {area:?} {bound} {closest}"
            );
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
