//! `scamatlas query` on the bundled events, as the issue states it.

use scamatlas::events::Rules;
use std::collections::BTreeSet;

fn query(args: &[&str]) -> (Option<i32>, BTreeSet<String>, String) {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = crate::run_cli(&all);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let ids = if o.status.success() {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        v.as_array()
            .expect("array")
            .iter()
            .map(|e| e["id"].as_str().expect("id").to_string())
            .collect()
    } else {
        BTreeSet::new()
    };
    (o.status.code(), ids, stderr)
}

fn places_of(id: &str) -> Vec<String> {
    let events = scamatlas::events::load(
        &[scamatlas::events::EventInput::Bundled],
        crate::gazetteer(),
        Rules::default(),
        false,
    )
    .expect("bundled")
    .events;
    let e = events.iter().find(|e| e.id == id).expect("event");
    e.places
        .iter()
        .filter_map(|p| p.id.as_ref().map(ToString::to_string))
        .collect()
}

#[test]
fn near_myawaddy_lists_the_myawaddy_shwe_kokko_kk_park_and_mae_sot_events() {
    let (code, ids, err) = query(&["near", "Myawaddy", "--radius-km", "30"]);
    assert_eq!(code, Some(0), "{err}");
    for place in ["myawaddy", "shwe_kokko", "kk_park", "mae_sot"] {
        assert!(
            ids.iter()
                .any(|id| places_of(id).iter().any(|p| p == place)),
            "no {place} event in {ids:?}"
        );
    }
    // Nothing from the China border or Laos.
    for id in &ids {
        assert!(
            !places_of(id)
                .iter()
                .any(|p| ["muse", "laukkai", "golden_triangle_sez"].contains(&p.as_str())),
            "{id}"
        );
    }
    // A radius query equals the same question asked with coordinates.
    let (_, by_point, _) = query(&["near", "98.50893,16.68911", "--radius-km", "30"]);
    assert_eq!(ids, by_point);
}

#[test]
fn filters_combine_with_space() {
    let (_, all, _) = query(&["near", "Myawaddy", "--radius-km", "30"]);
    let (_, raids_2025, _) = query(&[
        "near",
        "Myawaddy",
        "--radius-km",
        "30",
        "--type",
        "raid",
        "--datetime",
        "2025-01-01/2025-12-31",
    ]);
    assert!(!raids_2025.is_empty() && raids_2025.len() < all.len());
    assert!(raids_2025.is_subset(&all));
    assert!(
        raids_2025.contains("E074"),
        "the Shwe Kokko raid of 2025-11-19"
    );
}

#[test]
fn border_bbox_within_and_nearest() {
    let (code, thai, err) = query(&["border", "thai", "--within-km", "10"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        thai.contains("E062") && thai.contains("E021"),
        "KK Park and Tachileik lie on the Thai border: {thai:?}"
    );
    assert!(!thai.contains("E023"), "Muse is on the China border");
    let (_, china, _) = query(&["border", "china", "--within-km", "10"]);
    assert!(
        china.contains("E023") && !china.contains("E062"),
        "{china:?}"
    );

    let (_, boxed, _) = query(&["bbox", "98.4,16.5,98.7,16.9"]);
    let (_, near, _) = query(&["near", "Myawaddy", "--radius-km", "30"]);
    assert!(
        !boxed.is_empty() && boxed.is_subset(&near),
        "{boxed:?} vs {near:?}"
    );

    let (_, laos, _) = query(&["within", "Laos"]);
    assert!(
        laos.contains("E014") && !laos.contains("E021"),
        "Tachileik is in Myanmar, not Laos: {laos:?}"
    );

    let (_, nearest, _) = query(&["nearest", "Boten", "--k", "2"]);
    assert_eq!(nearest.len(), 2);
    assert!(
        nearest.contains("E015") && nearest.contains("E026"),
        "{nearest:?}"
    );
}

#[test]
fn bad_query_input_is_a_usage_error_naming_it() {
    for (args, expected) in [
        (vec!["near", "Myawaddy", "--radius-km", "-1"], "--radius-km"),
        (vec!["near", "Xqzvbkwj", "--radius-km", "5"], "Xqzvbkwj"),
        (vec!["near", "98.5,95", "--radius-km", "5"], "latitude"),
        (vec!["bbox", "99,17,98,16"], "BBOX"),
        (vec!["border", "atlantic", "--within-km", "5"], "BORDER"),
        (vec!["within", "the Thai border"], "line"),
        (
            vec![
                "near",
                "Myawaddy",
                "--radius-km",
                "5",
                "--datetime",
                "2025-13-01",
            ],
            "--datetime",
        ),
    ] {
        let (code, _, err) = query(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
