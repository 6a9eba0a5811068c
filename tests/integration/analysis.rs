//! The analyses on the bundled events, as users run them.

use scamatlas::analysis::{self, DriftParams, HubParams, Weight};
use scamatlas::events::Rules;
use scamatlas::events::{self, EventInput};

use crate::gazetteer;

fn bundled() -> Vec<scamatlas::events::Event> {
    events::load(&[EventInput::Bundled], gazetteer(), Rules::default(), false)
        .expect("bundled events")
        .events
}

/// The story the data tells: activity left Kokang and Wa for the Thai border.
#[test]
fn the_centre_of_activity_moves_south_from_2023_to_2025() {
    let events = bundled();
    for weight in [Weight::Persons, Weight::Events] {
        let params = DriftParams {
            weight,
            ..DriftParams::DEFAULT
        };
        let drift = analysis::drift(&events, &params);
        let (from, to, south_km) = drift.first_to_last_year_south_km().expect("several years");
        assert_eq!((from, to), (2023, 2025));
        assert!(south_km > 300.0, "{weight:?}: only {south_km:.0} km south");
        let last = drift.yearly.last().expect("2025");
        assert!(
            last.centroid.lat < 19.0,
            "2025 centre at {} N",
            last.centroid.lat
        );
        assert!(drift.left_out_aggregate > 0, "running totals are left out");
    }
}

#[test]
fn hubs_follow_the_compounds() {
    let events = bundled();
    let hubs = analysis::hubs(&events, &HubParams::DEFAULT);
    let has = |period: &str, place: &str| {
        hubs.iter()
            .any(|h| h.period == period && h.main_places.iter().any(|(p, _)| p == place))
    };
    assert!(has("2023-Q4", "kokang"), "Kokang in late 2023");
    assert!(has("2025-Q4", "kk_park"), "KK Park in late 2025");
    for h in &hubs {
        assert!(h.members.len() >= 2);
        for &m in &h.members {
            assert!(
                h.centroid.distance_m(events[m].point()) < 100_000.0,
                "{} member far away",
                h.id
            );
        }
    }
}

#[test]
fn flows_come_from_stated_movements_only() {
    let events = bundled();
    let flows = analysis::flows(&events);
    let extradition = flows
        .iter()
        .find(|f| f.event_id == "E072")
        .expect("Bangkok -> Nanjing");
    assert_eq!(extradition.origin.id.as_deref(), Some("bangkok"));
    assert_eq!(extradition.destination.id.as_deref(), Some("nanjing"));
    assert!(flows.iter().all(|f| events
        .iter()
        .any(|e| e.id == f.event_id && e.origin.is_some())));
    let relocation = flows
        .iter()
        .find(|f| f.event_id == "E036")
        .expect("Laukkai -> Myawaddy");
    assert!(relocation.distance_km > 700.0, "{}", relocation.distance_km);
}

#[test]
fn drift_command_states_how_far_south() {
    let o = crate::run_cli(&["drift", "--period", "quarter"]);
    assert_eq!(o.status.code(), Some(0));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.starts_with("PERIOD") && table.contains("2025-Q4"),
        "{table}"
    );
    let summary = String::from_utf8_lossy(&o.stderr);
    assert!(
        summary.contains("from 2023 to 2025 the yearly centre of activity moved")
            && summary.contains("km south"),
        "{summary}"
    );

    let o = crate::run_cli(&["drift", "--period", "year", "--geojson"]);
    let collection: geojson::FeatureCollection =
        serde_json::from_slice(&o.stdout).expect("GeoJSON");
    assert!(collection.features.iter().any(|f| matches!(
        f.geometry.as_ref().map(|g| &g.value),
        Some(geojson::Value::LineString(_))
    )));
}

#[test]
fn hubs_and_flows_commands_filter_by_time_and_type() {
    let o = crate::run_cli(&[
        "hubs",
        "--eps-km",
        "25",
        "--min-events",
        "2",
        "--period",
        "quarter",
        "--json",
        "--datetime",
        "2025-01-01/..",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let hubs: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let periods: Vec<&str> = hubs
        .as_array()
        .expect("array")
        .iter()
        .map(|h| h["period"].as_str().expect("period"))
        .collect();
    assert!(
        !periods.is_empty() && periods.iter().all(|p| p.starts_with("2025")),
        "{periods:?}"
    );

    let o = crate::run_cli(&["flows", "--type", "extradition", "--json"]);
    let flows: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let ids: Vec<&str> = flows
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["event_id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["E072"]);

    for (args, expected) in [
        (vec!["hubs", "--period", "fortnight"], "--period"),
        (vec!["hubs", "--eps-km", "-3"], "--eps-km"),
        (vec!["drift", "--weight", "money"], "--weight"),
        (vec!["flows", "--type", "party"], "--type"),
        (vec!["flows", "--datetime", "2025-02-30"], "--datetime"),
    ] {
        let o = crate::run_cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
