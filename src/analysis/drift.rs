//! Drift: how the centre of gravity of scam-related activity moves over time.
//!
//! The **drift** is the sequence of per-period centroids of events: the
//! spherical mean of their representative points ([`Event::point`]), each
//! weighted by the people involved ([`Weight::Persons`]) or counted once
//! ([`Weight::Events`]). From one period to the next it gives the distance, the
//! initial great-circle bearing and the southward shift; per calendar year it
//! gives the same centroid over the whole year. The shift south after 2023, from
//! Kokang and Wa on the China border to Myawaddy on the Thai border, shows as
//! bearings near 180° and positive `south_km`.
//!
//! Left out of every centroid: aggregate events (running totals, not events),
//! events whose precision radius exceeds `max_radius_km` (their point is a
//! country's or region's centre), and with [`Weight::Persons`] events without a
//! count. A period with no weight left has no step.
//!
//! # Units
//! Distances and shifts are kilometres: `south_km` is the difference of
//! latitudes times 111.195 km per degree (along a meridian on the mean sphere);
//! `step_km` is the haversine distance. Bearings are degrees clockwise from
//! north, `0..360`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use geojson::{FeatureCollection, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::json::{collection, feature, position, round_to};
use super::{initial_bearing_deg, km_per_degree, spherical_mean, Period, PeriodSpan};
use crate::events::Event;
use crate::geom::LonLat;

/// What each event weighs in a centroid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weight {
    /// [`Event::persons_best`]: a raid on 1,000 people weighs 100 raids on 10.
    Persons,
    /// Every event weighs 1.
    Events,
}

impl Weight {
    pub fn as_str(self) -> &'static str {
        match self {
            Weight::Persons => "persons",
            Weight::Events => "events",
        }
    }

    fn of(self, event: &Event) -> f64 {
        match self {
            Weight::Persons => event.persons_best() as f64,
            Weight::Events => 1.0,
        }
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Weight {
    type Err = crate::error::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "persons" => Ok(Weight::Persons),
            "events" => Ok(Weight::Events),
            other => Err(crate::error::UnknownName {
                what: "weight",
                value: other.into(),
                expected: "persons or events".into(),
            }),
        }
    }
}

/// How [`drift`] groups and weighs events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriftParams {
    pub period: Period,
    pub weight: Weight,
    /// Events whose precision radius is larger than this, in kilometres, are
    /// left out.
    pub max_radius_km: f64,
}

impl DriftParams {
    /// By quarter, weighted by persons, places up to 60 km across: what the
    /// CLI (`drift`) and the map's drift layer use unless told otherwise (the
    /// same radius as [`HubParams::DEFAULT`](super::HubParams::DEFAULT)).
    pub const DEFAULT: Self = Self {
        period: Period::Quarter,
        weight: Weight::Persons,
        max_radius_km: 60.0,
    };
}

impl Default for DriftParams {
    /// [`DriftParams::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The centroid of one period and how it moved from the previous one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftStep {
    /// The period label: `2024-Q1`.
    pub period: String,
    /// The period's first and last day; for [`Period::All`], the earliest and
    /// latest day of the events that count.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub centroid: LonLat,
    /// Total weight: persons or events.
    pub weight: f64,
    /// Events with a positive weight.
    pub events: usize,
    /// Great-circle distance from the previous step's centroid, in km; 0 for
    /// the first step.
    pub step_km: f64,
    /// Initial bearing from the previous step's centroid, degrees in `0..360`;
    /// `None` for the first step.
    pub bearing_deg: Option<f64>,
    /// How far south of the previous step's centroid, in km (negative: north);
    /// 0 for the first step.
    pub south_km: f64,
}

/// The centroid of one calendar year (of the events' midpoints).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearShift {
    pub year: i32,
    pub centroid: LonLat,
    pub weight: f64,
    pub events: usize,
    /// How far south of the previous year listed (the previous year with any
    /// weight), in km; `None` for the first year.
    pub south_km_from_previous_year: Option<f64>,
}

/// The result of [`drift`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    pub period: Period,
    pub weight: Weight,
    /// One step per period with weight, chronologically.
    pub steps: Vec<DriftStep>,
    /// One entry per calendar year with weight, chronologically.
    pub yearly: Vec<YearShift>,
    /// How far south the last step lies of the first, in km; 0 with fewer than
    /// two steps.
    pub total_south_km: f64,
    /// Length of the trajectory: the sum of `step_km`.
    pub path_km: f64,
    /// Events left out because they are aggregates.
    pub left_out_aggregate: usize,
    /// Events left out because their precision radius exceeds `max_radius_km`.
    pub left_out_vague: usize,
}

impl Drift {
    /// The trajectory: the steps' centroids in order.
    #[must_use]
    pub fn line(&self) -> Vec<LonLat> {
        self.steps.iter().map(|s| s.centroid).collect()
    }

    /// How far south the last year's centre lies of the first year's, in km
    /// along the meridian (negative: north); `None` with fewer than two years.
    ///
    /// Steadier than [`Drift::total_south_km`], whose first and last periods
    /// may hold a single event.
    #[must_use]
    pub fn first_to_last_year_south_km(&self) -> Option<(i32, i32, f64)> {
        match (self.yearly.first(), self.yearly.last()) {
            (Some(first), Some(last)) if self.yearly.len() > 1 => Some((
                first.year,
                last.year,
                (first.centroid.lat - last.centroid.lat) * super::km_per_degree(),
            )),
            _ => None,
        }
    }
}

/// Per-group sums while reading the events.
#[derive(Default)]
struct Group {
    points: Vec<(LonLat, f64)>,
    first_day: Option<NaiveDate>,
    last_day: Option<NaiveDate>,
}

impl Group {
    fn add(&mut self, event: &Event, w: f64) {
        self.points.push((event.point(), w));
        let (first, last) = (event.date.first_day(), event.date.last_day());
        self.first_day = Some(self.first_day.map_or(first, |d| d.min(first)));
        self.last_day = Some(self.last_day.map_or(last, |d| d.max(last)));
    }

    fn weight(&self) -> f64 {
        self.points.iter().map(|(_, w)| w).sum()
    }
}

/// The drift of `events`: weighted centroids per period and per year.
///
/// Empty input, or input where nothing has weight, gives an empty drift.
///
/// # Example
/// ```
/// use scamatlas::analysis::{drift, DriftParams};
/// let d = drift(&[], &DriftParams::default());
/// assert!(d.steps.is_empty() && d.yearly.is_empty());
/// assert_eq!(d.total_south_km, 0.0);
/// ```
#[must_use]
pub fn drift(events: &[Event], params: &DriftParams) -> Drift {
    let max_radius_m = params.max_radius_km * 1000.0;
    let (mut left_out_aggregate, mut left_out_vague) = (0, 0);
    let mut periods: BTreeMap<PeriodSpan, Group> = BTreeMap::new();
    let mut years: BTreeMap<i32, Group> = BTreeMap::new();
    for event in events {
        if event.aggregate {
            left_out_aggregate += 1;
            continue;
        }
        if event.radius_m() > max_radius_m {
            left_out_vague += 1;
            continue;
        }
        let p = event.point();
        let w = params.weight.of(event);
        if w <= 0.0 || w.is_nan() || !p.lon.is_finite() || !p.lat.is_finite() {
            continue;
        }
        periods
            .entry(params.period.of_event(event))
            .or_default()
            .add(event, w);
        years
            .entry(event.date.midpoint().year())
            .or_default()
            .add(event, w);
    }

    let kpd = km_per_degree();
    let mut steps: Vec<DriftStep> = Vec::new();
    for (span, group) in periods {
        let Some(centroid) = spherical_mean(group.points.iter().copied()) else {
            continue;
        };
        let (first_day, last_day) = if params.period == Period::All {
            (
                group.first_day.unwrap_or(span.first_day),
                group.last_day.unwrap_or(span.last_day),
            )
        } else {
            (span.first_day, span.last_day)
        };
        let (step_km, bearing_deg, south_km) = match steps.last() {
            None => (0.0, None, 0.0),
            Some(prev) => (
                prev.centroid.distance_m(centroid) / 1000.0,
                Some(initial_bearing_deg(prev.centroid, centroid)),
                (prev.centroid.lat - centroid.lat) * kpd,
            ),
        };
        steps.push(DriftStep {
            period: span.label,
            first_day,
            last_day,
            centroid,
            weight: group.weight(),
            events: group.points.len(),
            step_km,
            bearing_deg,
            south_km,
        });
    }

    let mut yearly: Vec<YearShift> = Vec::new();
    for (year, group) in years {
        let Some(centroid) = spherical_mean(group.points.iter().copied()) else {
            continue;
        };
        let south_km_from_previous_year = yearly
            .last()
            .map(|prev| (prev.centroid.lat - centroid.lat) * kpd);
        yearly.push(YearShift {
            year,
            centroid,
            weight: group.weight(),
            events: group.points.len(),
            south_km_from_previous_year,
        });
    }

    let total_south_km = match (steps.first(), steps.last()) {
        (Some(first), Some(last)) => (first.centroid.lat - last.centroid.lat) * kpd,
        _ => 0.0,
    };
    let path_km = steps.iter().map(|s| s.step_km).sum();
    Drift {
        period: params.period,
        weight: params.weight,
        steps,
        yearly,
        total_south_km,
        path_km,
        left_out_aggregate,
        left_out_vague,
    }
}

/// The drift as GeoJSON: one `LineString` through the centroids (feature id
/// `drift`, `kind` `trajectory`; left out with fewer than two steps, which make
/// no line) and one `Point` per step (feature id `drift/<period>`, `kind`
/// `step`).
///
/// Line properties: `id`, `kind`, `period_length` (`quarter`), `weight_by`
/// (`persons`), `steps`, `first_period`, `last_period`, `first_day`,
/// `last_day`, `total_south_km`, `path_km`, `yearly_south_km`
/// (`2024: 351.2; 2025: 427.1`). Step properties: `id`, `kind`, `period`,
/// `first_day`, `last_day`, `weight`, `events`, `step_km`, `bearing_deg` (null
/// for the first), `south_km`. Kilometres and degrees are rounded to 3
/// decimals.
#[must_use]
pub fn drift_to_geojson(drift: &Drift) -> FeatureCollection {
    let r3 = |v: f64| round_to(v, 3);
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut features = Vec::new();
    if let (true, Some(first), Some(last)) = (
        drift.steps.len() >= 2,
        drift.steps.first(),
        drift.steps.last(),
    ) {
        let yearly: Vec<String> = drift
            .yearly
            .iter()
            .filter_map(|y| {
                y.south_km_from_previous_year
                    .map(|km| format!("{}: {:.1}", y.year, km))
            })
            .collect();
        features.push(feature(
            "drift".into(),
            Value::LineString(drift.line().into_iter().map(position).collect()),
            json!({
                "id": "drift",
                "kind": "trajectory",
                "period_length": drift.period.as_str(),
                "weight_by": drift.weight.as_str(),
                "steps": drift.steps.len(),
                "first_period": first.period,
                "last_period": last.period,
                "first_day": day(first.first_day),
                "last_day": day(last.last_day),
                "total_south_km": r3(drift.total_south_km),
                "path_km": r3(drift.path_km),
                "yearly_south_km": yearly.join("; "),
            }),
        ));
    }
    for step in &drift.steps {
        let id = format!("drift/{}", step.period);
        features.push(feature(
            id.clone(),
            Value::Point(position(step.centroid)),
            json!({
                "id": id,
                "kind": "step",
                "period": step.period,
                "first_day": day(step.first_day),
                "last_day": day(step.last_day),
                "weight": r3(step.weight),
                "events": step.events,
                "step_km": r3(step.step_km),
                "bearing_deg": step.bearing_deg.map(r3),
                "south_km": r3(step.south_km),
            }),
        ));
    }
    collection(features)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{at, event, place};

    const LAUKKAI: (f64, f64) = (98.76, 23.7);
    const MYAWADDY: (f64, f64) = (98.51, 16.7);

    fn by_year(weight: Weight) -> DriftParams {
        DriftParams {
            period: Period::Year,
            weight,
            max_radius_km: 20.0,
        }
    }

    /// 2023 all in Laukkai; 2024 one large raid in Laukkai and three small ones
    /// in Myawaddy; 2025 all in Myawaddy.
    fn southward() -> Vec<Event> {
        vec![
            at("A1", "2023-10-26", LAUKKAI.0, LAUKKAI.1, 300),
            at("A2", "2023-11-16", LAUKKAI.0, LAUKKAI.1, 100),
            at("B1", "2024-02-10", LAUKKAI.0, LAUKKAI.1, 900),
            at("B2", "2024-03-10", MYAWADDY.0, MYAWADDY.1, 10),
            at("B3", "2024-06-10", MYAWADDY.0, MYAWADDY.1, 10),
            at("B4", "2024-09-10", MYAWADDY.0, MYAWADDY.1, 10),
            at("C1", "2025-02-20", MYAWADDY.0, MYAWADDY.1, 7000),
            at("C2", "2025-03-01", MYAWADDY.0, MYAWADDY.1, 0),
        ]
    }

    #[test]
    fn the_centre_moves_south_from_laukkai_to_myawaddy() {
        let d = drift(&southward(), &by_year(Weight::Events));
        let expected_total = (23.7 - 16.7) * 111.195;
        assert_eq!(d.steps.len(), 3);
        assert!(
            (d.total_south_km - expected_total).abs() < 1.0,
            "{}",
            d.total_south_km
        );
        let years: Vec<i32> = d.yearly.iter().map(|y| y.year).collect();
        assert_eq!(years, [2023, 2024, 2025]);
        assert_eq!(d.yearly[0].south_km_from_previous_year, None);
        let split: f64 = d
            .yearly
            .iter()
            .filter_map(|y| y.south_km_from_previous_year)
            .sum();
        assert!((split - expected_total).abs() < 1.0, "{split}");
        assert!(d
            .yearly
            .iter()
            .skip(1)
            .all(|y| y.south_km_from_previous_year.is_some_and(|km| km > 100.0)));
        for step in &d.steps[1..] {
            let b = step.bearing_deg.unwrap();
            assert!((b - 180.0).abs() < 3.0, "{b}");
            assert!(step.south_km > 0.0);
        }
        assert_eq!(d.steps[0].bearing_deg, None);
        assert_eq!((d.steps[0].step_km, d.steps[0].south_km), (0.0, 0.0));
        assert_eq!(d.steps[0].first_day.to_string(), "2023-01-01");
        assert_eq!(d.steps[0].last_day.to_string(), "2023-12-31");
        // With Events, C2 (no count) weighs 1.
        assert_eq!(d.steps[2].events, 2);
        let line = d.line();
        assert_eq!(line.len(), 3);
        assert!(d.path_km >= d.total_south_km - 1e-6);
    }

    #[test]
    fn persons_and_events_weigh_differently() {
        let persons = drift(&southward(), &by_year(Weight::Persons));
        let events = drift(&southward(), &by_year(Weight::Events));
        let (p, e) = (&persons.steps[1], &events.steps[1]);
        assert_eq!(p.period, "2024");
        // 900 persons in Laukkai against 30 in Myawaddy: the centre stays north.
        assert!(p.centroid.lat > 23.0, "{:?}", p.centroid);
        // One event against three: the centre sits three quarters of the way south.
        assert!((e.centroid.lat - (23.7 + 3.0 * 16.7) / 4.0).abs() < 0.1);
        assert_eq!((p.weight, p.events), (930.0, 4));
        assert_eq!((e.weight, e.events), (4.0, 4));
        // With Persons, C2 (no count) contributes nothing.
        assert_eq!(persons.steps[2].events, 1);
        assert_eq!(persons.steps[2].weight, 7000.0);
    }

    #[test]
    fn aggregates_and_vague_events_are_left_out() {
        let mut events = southward();
        let mut total = at("T", "2025-06-01", LAUKKAI.0, LAUKKAI.1, 50_000);
        total.aggregate = true;
        events.push(total);
        events.push(event(
            "V",
            "2025-06-01",
            place("myanmar", 96.0, 21.0, 1_270_000.0),
            50_000,
        ));
        let with = drift(&events, &by_year(Weight::Persons));
        let without = drift(&southward(), &by_year(Weight::Persons));
        assert_eq!(with.steps, without.steps);
        assert_eq!((with.left_out_aggregate, with.left_out_vague), (1, 1));
    }

    #[test]
    fn periods_without_weight_are_skipped() {
        let events = vec![
            at("A", "2024-01-10", LAUKKAI.0, LAUKKAI.1, 5),
            at("B", "2024-05-10", LAUKKAI.0, LAUKKAI.1, 0),
            at("C", "2024-08-10", MYAWADDY.0, MYAWADDY.1, 5),
        ];
        let d = drift(
            &events,
            &DriftParams {
                period: Period::Quarter,
                ..DriftParams::default()
            },
        );
        let periods: Vec<&str> = d.steps.iter().map(|s| s.period.as_str()).collect();
        assert_eq!(periods, ["2024-Q1", "2024-Q3"]);
        let all = drift(
            &events,
            &DriftParams {
                period: Period::All,
                ..DriftParams::default()
            },
        );
        assert_eq!(all.steps.len(), 1);
        assert_eq!(all.steps[0].first_day.to_string(), "2024-01-10");
        assert_eq!(all.steps[0].last_day.to_string(), "2024-08-10");
    }

    #[test]
    fn empty_input_gives_an_empty_drift() {
        let d = drift(&[], &DriftParams::default());
        assert!(d.steps.is_empty() && d.yearly.is_empty() && d.line().is_empty());
        assert_eq!((d.total_south_km, d.path_km), (0.0, 0.0));
        assert!(drift_to_geojson(&d).features.is_empty());
    }

    #[test]
    fn geojson_round_trips_with_ids() {
        let d = drift(&southward(), &by_year(Weight::Events));
        let back: FeatureCollection = drift_to_geojson(&d).to_string().parse().unwrap();
        assert_eq!(back.features.len(), 4);
        let ids: Vec<String> = back
            .features
            .iter()
            .map(|f| match &f.id {
                Some(geojson::feature::Id::String(s)) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ids, ["drift", "drift/2023", "drift/2024", "drift/2025"]);
        let line = &back.features[0];
        assert!(matches!(
            line.geometry.as_ref().map(|g| &g.value),
            Some(Value::LineString(c)) if c.len() == 3 && c[0] == vec![98.76, 23.7]
        ));
        assert_eq!(line.property("weight_by"), Some(&json!("events")));
        assert_eq!(back.features[1].property("bearing_deg"), Some(&json!(null)));
        assert!(back.features[2]
            .property("bearing_deg")
            .is_some_and(serde_json::Value::is_number));
        // A single step makes no line.
        let one = drift(&southward()[..2], &by_year(Weight::Events));
        let fc = drift_to_geojson(&one);
        assert_eq!(fc.features.len(), 1);
    }
}
