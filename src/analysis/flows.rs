//! Flows: people or operations moved from one place to another.
//!
//! A **flow** is an event that names both an origin and a destination: a
//! handover at the Myawaddy–Mae Sot bridge, a deportation flight from Lashio to
//! Kunming, compounds relocating from Laukkai to Myawaddy. Any event type
//! counts, though most are movements ([`EventType::is_movement`]). Flow
//! **totals** add up the flows between the same two places.
//!
//! # Units
//! `distance_km` is the great-circle (haversine) distance between the origin's
//! and the destination's points, in kilometres.

use std::collections::HashMap;

use chrono::NaiveDate;
use geojson::{FeatureCollection, Value};
use serde::Serialize;
use serde_json::json;

use super::json::{collection, feature, position, round_to};
use crate::events::{Event, EventDate, EventPlace, EventType};

/// One event that moved people from `origin` to `destination`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub event_id: String,
    pub event_type: EventType,
    pub date: EventDate,
    pub origin: EventPlace,
    pub destination: EventPlace,
    /// [`Event::persons_best`].
    pub persons: u64,
    /// Great-circle distance from origin to destination, in km.
    pub distance_km: f64,
    /// The event's figure is a running total ([`Event::aggregate`]); such
    /// persons are not added up in [`flow_totals`].
    pub aggregate: bool,
}

/// The flows between one origin and one destination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowTotal {
    /// The origin as named by the first flow of the group.
    pub origin: EventPlace,
    /// The destination as named by the first flow of the group.
    pub destination: EventPlace,
    /// Number of flows, aggregates included.
    pub events: usize,
    /// Sum of the persons of the flows that are not aggregates.
    pub persons: u64,
    /// Earliest first day and latest last day of the flows' dates.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Great-circle distance between the first flow's origin and destination,
    /// in km.
    pub distance_km: f64,
    /// The flows' event ids, in input order.
    pub event_ids: Vec<String>,
}

/// The key a place is grouped by: its gazetteer id, or its name when it has
/// none.
fn place_key(place: &EventPlace) -> &str {
    place.id.as_deref().unwrap_or(&place.name)
}

/// The flows of `events`, in input order: one per event with both an origin
/// and a destination; events missing either give none.
#[must_use]
pub fn flows(events: &[Event]) -> Vec<Flow> {
    events
        .iter()
        .filter_map(|event| {
            let (origin, destination) = (event.origin.as_ref()?, event.destination.as_ref()?);
            Some(Flow {
                event_id: event.id.to_string(),
                event_type: event.event_type,
                date: event.date,
                origin: (**origin).clone(),
                destination: (**destination).clone(),
                persons: event.persons_best(),
                distance_km: origin.point.distance_m(destination.point) / 1000.0,
                aggregate: event.aggregate,
            })
        })
        .collect()
}

/// Flows grouped by (origin, destination), each place keyed by its id (its
/// name when it has none).
///
/// Sorted by persons, most first; then by number of events, most first; then
/// by origin and destination key.
#[must_use]
pub fn flow_totals(flows: &[Flow]) -> Vec<FlowTotal> {
    let mut totals: Vec<FlowTotal> = Vec::new();
    let mut index: HashMap<(bool, &str, bool, &str), usize> = HashMap::new();
    for flow in flows {
        let key = (
            flow.origin.id.is_some(),
            place_key(&flow.origin),
            flow.destination.id.is_some(),
            place_key(&flow.destination),
        );
        let persons = if flow.aggregate { 0 } else { flow.persons };
        let (first, last) = (flow.date.first_day(), flow.date.last_day());
        match index.get(&key) {
            Some(&k) => {
                let total = &mut totals[k];
                total.events += 1;
                total.persons += persons;
                total.first_day = total.first_day.min(first);
                total.last_day = total.last_day.max(last);
                total.event_ids.push(flow.event_id.clone());
            }
            None => {
                index.insert(key, totals.len());
                totals.push(FlowTotal {
                    origin: flow.origin.clone(),
                    destination: flow.destination.clone(),
                    events: 1,
                    persons,
                    first_day: first,
                    last_day: last,
                    distance_km: flow.distance_km,
                    event_ids: vec![flow.event_id.clone()],
                });
            }
        }
    }
    totals.sort_by(|a, b| {
        b.persons
            .cmp(&a.persons)
            .then(b.events.cmp(&a.events))
            .then_with(|| place_key(&a.origin).cmp(place_key(&b.origin)))
            .then_with(|| place_key(&a.destination).cmp(place_key(&b.destination)))
    });
    totals
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Flows as GeoJSON: a `LineString` from origin to destination per flow, with
/// the event id as feature id.
///
/// Properties: `id`, `event_id`, `event_type`, `date` (as precise as known:
/// `2024-02-23`, `2024-02`), `first_day`, `last_day`, `persons`, `aggregate`,
/// `distance_km` (3 decimals), `origin` and `destination` (id, or name when no
/// id), `origin_name`, `destination_name`.
#[must_use]
pub fn flows_to_geojson(flows: &[Flow]) -> FeatureCollection {
    let features = flows
        .iter()
        .map(|flow| {
            feature(
                flow.event_id.clone(),
                Value::LineString(vec![
                    position(flow.origin.point),
                    position(flow.destination.point),
                ]),
                json!({
                    "id": flow.event_id,
                    "event_id": flow.event_id,
                    "event_type": flow.event_type.as_str(),
                    "date": flow.date.to_string(),
                    "first_day": day(flow.date.first_day()),
                    "last_day": day(flow.date.last_day()),
                    "persons": flow.persons,
                    "aggregate": flow.aggregate,
                    "distance_km": round_to(flow.distance_km, 3),
                    "origin": place_key(&flow.origin),
                    "origin_name": flow.origin.name,
                    "destination": place_key(&flow.destination),
                    "destination_name": flow.destination.name,
                }),
            )
        })
        .collect();
    collection(features)
}

/// Flow totals as GeoJSON: a `LineString` per (origin, destination), feature
/// id `<origin>-><destination>`.
///
/// Properties: `id`, `origin`, `origin_name`, `destination`,
/// `destination_name`, `events`, `persons`, `first_day`, `last_day`,
/// `distance_km` (3 decimals), `event_ids` (joined with `;`).
#[must_use]
pub fn flow_totals_to_geojson(totals: &[FlowTotal]) -> FeatureCollection {
    let features = totals
        .iter()
        .map(|total| {
            let id = format!(
                "{}->{}",
                place_key(&total.origin),
                place_key(&total.destination)
            );
            feature(
                id.clone(),
                Value::LineString(vec![
                    position(total.origin.point),
                    position(total.destination.point),
                ]),
                json!({
                    "id": id,
                    "origin": place_key(&total.origin),
                    "origin_name": total.origin.name,
                    "destination": place_key(&total.destination),
                    "destination_name": total.destination.name,
                    "events": total.events,
                    "persons": total.persons,
                    "first_day": day(total.first_day),
                    "last_day": day(total.last_day),
                    "distance_km": round_to(total.distance_km, 3),
                    "event_ids": total.event_ids.join(";"),
                }),
            )
        })
        .collect();
    collection(features)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{at, place};

    fn myawaddy() -> EventPlace {
        place("myawaddy", 98.50893, 16.68911, 4000.0)
    }
    fn mae_sot() -> EventPlace {
        place("mae_sot", 98.56667, 16.71667, 5000.0)
    }
    fn kunming() -> EventPlace {
        place("kunming", 102.83, 24.88, 20_000.0)
    }

    fn moved(
        id: &str,
        date: &str,
        from: EventPlace,
        to: EventPlace,
        persons: u64,
        event_type: EventType,
    ) -> Event {
        let mut e = at(id, date, from.point.lon, from.point.lat, persons);
        e.event_type = event_type;
        e.origin = Some(Box::new(from));
        e.destination = Some(Box::new(to));
        e
    }

    fn sample() -> Vec<Event> {
        let mut cumulative = moved(
            "H4",
            "2025-04",
            myawaddy(),
            mae_sot(),
            7000,
            EventType::Handover,
        );
        cumulative.aggregate = true;
        let mut unnamed_origin = myawaddy();
        unnamed_origin.id = None;
        unnamed_origin.name = "Myawaddy".into();
        vec![
            moved(
                "H1",
                "2025-02-20",
                myawaddy(),
                mae_sot(),
                260,
                EventType::Handover,
            ),
            at("R1", "2025-02-21", 98.5, 16.6, 500),
            moved(
                "D1",
                "2025-02-20",
                mae_sot(),
                kunming(),
                200,
                EventType::Deportation,
            ),
            moved(
                "H2",
                "2025-03-05",
                myawaddy(),
                mae_sot(),
                600,
                EventType::Handover,
            ),
            cumulative,
            moved(
                "H3",
                "2025-03",
                unnamed_origin,
                mae_sot(),
                5,
                EventType::Handover,
            ),
        ]
    }

    #[test]
    fn only_events_with_both_ends_are_flows() {
        let mut events = sample();
        events[0].destination = None;
        let f = flows(&events);
        let ids: Vec<&str> = f.iter().map(|f| f.event_id.as_str()).collect();
        assert_eq!(ids, ["D1", "H2", "H4", "H3"]);
        assert!((f[1].distance_km - 6.7).abs() < 0.5, "{}", f[1].distance_km);
        assert_eq!(f[0].event_type, EventType::Deportation);
        assert_eq!(f[0].persons, 200);
    }

    #[test]
    fn totals_group_and_sum() {
        let totals = flow_totals(&flows(&sample()));
        assert_eq!(totals.len(), 3);
        let t = &totals[0];
        assert_eq!(
            (place_key(&t.origin), place_key(&t.destination)),
            ("myawaddy", "mae_sot")
        );
        // H1 + H2; H4 is a running total: counted as an event, not in persons.
        assert_eq!((t.events, t.persons), (3, 860));
        assert_eq!(t.event_ids, ["H1", "H2", "H4"]);
        assert_eq!(t.first_day.to_string(), "2025-02-20");
        assert_eq!(t.last_day.to_string(), "2025-04-30");
        assert_eq!(
            (place_key(&totals[1].origin), totals[1].persons),
            ("mae_sot", 200)
        );
        // A place without an id is grouped by its name, apart from the id.
        assert_eq!(
            (place_key(&totals[2].origin), totals[2].persons),
            ("Myawaddy", 5)
        );
        assert!(flow_totals(&[]).is_empty());
    }

    #[test]
    fn geojson_round_trips_with_ids() {
        let f = flows(&sample());
        let back: FeatureCollection = flows_to_geojson(&f).to_string().parse().unwrap();
        assert_eq!(back.features.len(), 5);
        for (feature, flow) in back.features.iter().zip(&f) {
            assert_eq!(
                feature.id,
                Some(geojson::feature::Id::String(flow.event_id.clone()))
            );
        }
        let h2 = &back.features[2];
        assert_eq!(h2.property("date"), Some(&json!("2025-03-05")));
        assert_eq!(h2.property("event_type"), Some(&json!("handover")));
        assert_eq!(h2.property("persons"), Some(&json!(600)));
        assert!(matches!(
            h2.geometry.as_ref().map(|g| &g.value),
            Some(Value::LineString(c)) if c == &vec![vec![98.50893, 16.68911], vec![98.56667, 16.71667]]
        ));
        let totals: FeatureCollection = flow_totals_to_geojson(&flow_totals(&f))
            .to_string()
            .parse()
            .unwrap();
        assert_eq!(
            totals.features[0].id,
            Some(geojson::feature::Id::String("myawaddy->mae_sot".into()))
        );
        assert_eq!(
            totals.features[0].property("event_ids"),
            Some(&json!("H1;H2;H4"))
        );
    }
}
