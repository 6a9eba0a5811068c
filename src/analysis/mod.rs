//! Analyses: where the scam operations cluster, where their centre of gravity
//! moves, and where people are moved from and to.
//!
//! A **period** is a calendar month, quarter or year, or the whole record
//! ([`Period`]); every analysis puts an event in the period of its date's
//! midpoint ([`EventDate::midpoint`]), so an event dated only `2024` falls in
//! `2024-Q3` (its midpoint is 1 July 2024).
//!
//! - [`hubs`](mod@hubs): clusters of events close in space within one period
//!   (DBSCAN on great-circle distances, through an R-tree).
//! - [`drift`](mod@drift): the weighted centroid of activity per period, and how
//!   far south it moved.
//! - [`flows`](mod@flows): origin → destination movements and their totals.
//!
//! Each has a `*_to_geojson` writer (RFC 7946: longitude first, coordinates
//! rounded to 6 decimals, a stable string id on every feature).
//!
//! # Units
//! Distances are kilometres (`_km`), bearings degrees clockwise from north,
//! coordinates WGS84 decimal degrees.

pub mod drift;
pub mod flows;
pub mod hubs;

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::events::{Event, EventDate};
use crate::geom::{LonLat, EARTH_RADIUS_M};

pub use drift::{drift, drift_to_geojson, Drift, DriftParams, DriftStep, Weight, YearShift};
pub use flows::{flow_totals, flow_totals_to_geojson, flows, flows_to_geojson, Flow, FlowTotal};
pub use hubs::{hubs, hubs_to_geojson, Hub, HubParams};

/// How events are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
    /// The whole record as one period, labelled `all`.
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Month, Period::Quarter, Period::Year, Period::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
            Period::All => "all",
        }
    }

    /// The period holding `day`.
    ///
    /// For [`Period::All`] the span is unbounded: `NaiveDate::MIN..=NaiveDate::MAX`.
    ///
    /// # Example
    /// ```
    /// use scamatlas::analysis::Period;
    /// let day = "2024-02-23".parse().unwrap();
    /// let q = Period::Quarter.span_of(day);
    /// assert_eq!(q.label, "2024-Q1");
    /// assert_eq!((q.first_day.to_string(), q.last_day.to_string()),
    ///            ("2024-01-01".to_string(), "2024-03-31".to_string()));
    /// assert_eq!(Period::Month.span_of(day).label, "2024-02");
    /// assert_eq!(Period::Year.span_of(day).label, "2024");
    /// assert_eq!(Period::All.span_of(day).label, "all");
    /// ```
    #[must_use]
    pub fn span_of(self, day: NaiveDate) -> PeriodSpan {
        let year = day.year();
        let months = |first: u32, last: u32| {
            let first_day = NaiveDate::from_ymd_opt(year, first, 1).unwrap_or(day);
            let last_day = last_day_of_month(year, last).unwrap_or(day);
            (first_day, last_day)
        };
        let (label, (first_day, last_day)) = match self {
            Period::Month => (
                format!("{year:04}-{:02}", day.month()),
                months(day.month(), day.month()),
            ),
            Period::Quarter => {
                let q = (day.month() - 1) / 3 + 1;
                (format!("{year:04}-Q{q}"), months(3 * q - 2, 3 * q))
            }
            Period::Year => (format!("{year:04}"), months(1, 12)),
            Period::All => ("all".to_string(), (NaiveDate::MIN, NaiveDate::MAX)),
        };
        PeriodSpan {
            label,
            first_day,
            last_day,
        }
    }

    /// A number naming the period of `day`, cheaper than its label: equal for
    /// days of the same period, and ordered as the periods are.
    ///
    /// # Example
    /// ```
    /// use scamatlas::analysis::Period;
    /// let day = |s: &str| s.parse().unwrap();
    /// let q = |s| Period::Quarter.key_of(day(s));
    /// assert_eq!(q("2024-01-05"), q("2024-03-31"));
    /// assert!(q("2023-12-31") < q("2024-01-01") && q("2024-03-31") < q("2024-04-01"));
    /// assert_ne!(Period::Month.key_of(day("2024-01-05")), Period::Month.key_of(day("2024-02-05")));
    /// ```
    #[must_use]
    pub fn key_of(self, day: NaiveDate) -> i32 {
        let months = day.year() * 12 + day.month0() as i32;
        match self {
            Period::Month => months,
            Period::Quarter => months.div_euclid(3),
            Period::Year => day.year(),
            Period::All => 0,
        }
    }

    /// The period of a date: that of its midpoint.
    #[must_use]
    pub fn of_date(self, date: &EventDate) -> PeriodSpan {
        self.span_of(date.midpoint())
    }

    /// The period of an event: that of its date's midpoint.
    #[must_use]
    pub fn of_event(self, event: &Event) -> PeriodSpan {
        self.of_date(&event.date)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = crate::error::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Period::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| crate::error::UnknownName {
                what: "period",
                value: s.into(),
                expected: "month, quarter, year or all".into(),
            })
    }
}

/// One period: its label (`2024-02`, `2024-Q1`, `2024`, `all`) and its first
/// and last day (inclusive).
///
/// Spans order by first day, then label, which is chronological for spans of
/// one [`Period`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeriodSpan {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub label: String,
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// Kilometres per degree of latitude along a meridian on the mean sphere
/// (about 111.195).
pub(crate) fn km_per_degree() -> f64 {
    EARTH_RADIUS_M / 1000.0 * std::f64::consts::PI / 180.0
}

/// The weighted spherical mean of points: the normalised sum of their unit
/// vectors, each scaled by its weight.
///
/// `None` when there is no positive weight, or when the points cancel out
/// (antipodes), so that no direction is defined.
pub(crate) fn spherical_mean(points: impl IntoIterator<Item = (LonLat, f64)>) -> Option<LonLat> {
    let (mut x, mut y, mut z, mut total) = (0.0, 0.0, 0.0, 0.0);
    for (p, w) in points {
        if w.is_nan() || w <= 0.0 || w.is_infinite() {
            continue;
        }
        let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
        x += w * lat.cos() * lon.cos();
        y += w * lat.cos() * lon.sin();
        z += w * lat.sin();
        total += w;
    }
    let norm = (x * x + y * y + z * z).sqrt();
    if total <= 0.0 || norm <= 1e-12 * total {
        return None;
    }
    let lat = (z / norm).clamp(-1.0, 1.0).asin().to_degrees();
    let lon = if x == 0.0 && y == 0.0 {
        0.0
    } else {
        y.atan2(x).to_degrees()
    };
    Some(LonLat { lon, lat })
}

/// Initial great-circle bearing from `a` to `b`, degrees clockwise from north
/// in `0..360`.
pub(crate) fn initial_bearing_deg(a: LonLat, b: LonLat) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dl = (b.lon - a.lon).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    let deg = y.atan2(x).to_degrees().rem_euclid(360.0);
    // rem_euclid may return 360.0 for tiny negative inputs.
    if deg >= 360.0 {
        0.0
    } else {
        deg
    }
}

/// Helpers shared by the GeoJSON writers of the analyses.
pub(crate) mod json {
    use geojson::{feature::Id, Feature, Geometry, JsonObject, Value};

    use crate::geom::{round_coord, LonLat};

    pub(crate) fn round_to(v: f64, decimals: i32) -> f64 {
        let scale = 10f64.powi(decimals);
        (v * scale).round() / scale
    }

    pub(crate) fn position(p: LonLat) -> Vec<f64> {
        vec![round_coord(p.lon), round_coord(p.lat)]
    }

    pub(crate) fn object(value: serde_json::Value) -> JsonObject {
        match value {
            serde_json::Value::Object(map) => map,
            _ => JsonObject::new(),
        }
    }

    pub(crate) fn feature(id: String, value: Value, properties: serde_json::Value) -> Feature {
        Feature {
            bbox: None,
            geometry: Some(Geometry::new(value)),
            id: Some(Id::String(id)),
            properties: Some(object(properties)),
            foreign_members: None,
        }
    }

    pub(crate) fn collection(features: Vec<Feature>) -> geojson::FeatureCollection {
        geojson::FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        }
    }
}

/// A small event builder for the analyses' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::events::{Count, CountKind, Event, EventDate, EventPlace, EventType, Source};
    use crate::geom::LonLat;

    pub(crate) fn place(id: &str, lon: f64, lat: f64, radius_m: f64) -> EventPlace {
        EventPlace {
            id: (!id.is_empty()).then(|| id.into()),
            name: id.into(),
            point: LonLat { lon, lat },
            radius_m,
            resolution: "coordinates given".into(),
        }
    }

    /// A raid at `place` on `date` (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`)
    /// involving `persons` people.
    pub(crate) fn event(id: &str, date: &str, at: EventPlace, persons: u64) -> Event {
        Event {
            id: id.into(),
            date: EventDate::parse(date, None, None).unwrap(),
            event_type: EventType::Raid,
            places: vec![at],
            origin: None,
            destination: None,
            counts: if persons > 0 {
                vec![Count {
                    kind: CountKind::Arrested,
                    low: persons,
                    best: persons,
                    high: persons,
                }]
            } else {
                Vec::new()
            },
            sources: vec![Source {
                url: "https://example.org/report".into(),
                publisher: None,
                date: None,
                count: None,
                count_kind: None,
            }],
            actors: Vec::new(),
            notes: String::new(),
            aggregate: false,
        }
    }

    /// A raid at a town-sized point (2 km radius) named `id`.
    pub(crate) fn at(id: &str, date: &str, lon: f64, lat: f64, persons: u64) -> Event {
        event(id, date, place(id, lon, lat, 2000.0), persons)
    }

    /// Deterministic pseudo-random numbers in `0..1` (splitmix64).
    pub(crate) struct Rng(pub u64);

    impl Rng {
        pub(crate) fn next_f64(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_parse_and_label() {
        for p in Period::ALL {
            assert_eq!(p.as_str().parse::<Period>(), Ok(p));
        }
        assert!("week".parse::<Period>().is_err());
        let s = Period::Month.span_of(day("2024-02-10"));
        assert_eq!(
            (s.label.as_str(), s.first_day, s.last_day),
            ("2024-02", day("2024-02-01"), day("2024-02-29"))
        );
        let s = Period::Quarter.span_of(day("2023-12-31"));
        assert_eq!(
            (s.label.as_str(), s.first_day, s.last_day),
            ("2023-Q4", day("2023-10-01"), day("2023-12-31"))
        );
        let s = Period::Year.span_of(day("2025-06-01"));
        assert_eq!(
            (s.label.as_str(), s.first_day, s.last_day),
            ("2025", day("2025-01-01"), day("2025-12-31"))
        );
    }

    #[test]
    fn events_fall_in_the_period_of_their_midpoint() {
        let year_only = EventDate::parse("2024", None, None).unwrap();
        assert_eq!(Period::Quarter.of_date(&year_only).label, "2024-Q3");
        let month = EventDate::parse("2024-03", None, None).unwrap();
        assert_eq!(Period::Quarter.of_date(&month).label, "2024-Q1");
    }

    #[test]
    fn spherical_mean_and_bearing() {
        let m = spherical_mean([
            (
                LonLat {
                    lon: 10.0,
                    lat: 0.0,
                },
                1.0,
            ),
            (
                LonLat {
                    lon: 20.0,
                    lat: 0.0,
                },
                1.0,
            ),
        ])
        .unwrap();
        assert!((m.lon - 15.0).abs() < 1e-9 && m.lat.abs() < 1e-9, "{m:?}");
        // Across the antimeridian the mean stays there.
        let m = spherical_mean([
            (
                LonLat {
                    lon: 179.0,
                    lat: 0.0,
                },
                1.0,
            ),
            (
                LonLat {
                    lon: -179.0,
                    lat: 0.0,
                },
                1.0,
            ),
        ])
        .unwrap();
        assert!((m.lon.abs() - 180.0).abs() < 1e-9, "{m:?}");
        assert!(spherical_mean(std::iter::empty()).is_none());
        assert!(spherical_mean([(LonLat { lon: 0.0, lat: 0.0 }, 0.0)]).is_none());
        let b = initial_bearing_deg(
            LonLat {
                lon: 98.0,
                lat: 23.0,
            },
            LonLat {
                lon: 98.0,
                lat: 16.0,
            },
        );
        assert!((b - 180.0).abs() < 1e-9, "{b}");
        let b = initial_bearing_deg(
            LonLat { lon: 0.0, lat: 0.0 },
            LonLat {
                lon: -1.0,
                lat: 0.0,
            },
        );
        assert!((b - 270.0).abs() < 1e-9, "{b}");
    }
}
