//! `/style.json`: the one MapLibre style of scamatlas. Any MapLibre client
//! draws the server's layers with it; the map viewer (`web/app/js/style.js`)
//! fetches it and extends it (GeoJSON sources it filters by time, arrows on
//! flow and drift lines, its filters) without restating a colour.
//!
//! Only our own sources: the countries and borders as basemap, then flows,
//! hubs, drift and events. No glyphs or sprites (nothing draws text), so the
//! style fetches nothing from elsewhere. Its `metadata` holds the legend:
//! each event type's colour and the other symbols with their colours and
//! descriptions, so that a legend never has to read colours back out of the
//! layers' expressions.
//!
//! Written so that QGIS's MapLibre style converter reads it as MapLibre does
//! (checked by the tests below, QGIS not being needed): every `match` label is
//! an array (`["match", ["get", "type"], ["raid"], "#d62728", ...]`), filters
//! are expressions over `["get", key]` with `==`, `!=`, `all` and `any` (never
//! `in`, which QGIS reads as the legacy `["in", key, value, ...]`), and each
//! colour that carries meaning is a literal or a `match` on a property.

use axum::{Extension, Json};
use serde_json::{json, Value};

use super::links::PublicUrl;
use crate::layers::{LayerKind, TYPE_COLOURS};

/// The colour of an event whose type has no colour of its own.
const OTHER: &str = "#999999";
const WATER: &str = "#cfe3ef";
const MYANMAR: &str = "#f4efe4";
const LAND: &str = "#e6e6e0";
const COAST: &str = "#b0b0a8";
const BORDER: &str = "#8a8a80";
const EMPHASIS: &str = "#b2182b";
const FLOW: &str = "#5e3c99";
const DRIFT: &str = "#111111";
const HUB: &str = "#e08000";
const CLUSTER: &str = "#444444";
const AGGREGATE: &str = "#555555";

/// The borders drawn in red: Myanmar's borders with China, Laos and Thailand,
/// along which the compounds lie (and the Moei river stretch of the Thai
/// border). Myanmar's borders with Bangladesh and India are drawn as the
/// other borders.
pub const EMPHASISED_BORDERS: [&str; 4] = ["CN-MM", "LA-MM", "MM-TH", "moei"];

/// `/style.json`, its sources on the server's [`PublicUrl`].
pub async fn style(Extension(public): Extension<PublicUrl>) -> Json<Value> {
    Json(document(public.base()))
}

/// The style, its TileJSON sources under `base` (`http://host`, or `""`
/// for root-relative URLs).
#[must_use]
pub fn document(base: &str) -> Value {
    let source = |k: LayerKind| json!({ "type": "vector", "url": format!("{base}/tiles/{}.json", k.name()) });
    let layers = [basemap(), overlays()].concat();
    json!({
        "version": 8,
        "name": "scamatlas",
        "metadata": { "scamatlas:legend": legend() },
        "center": [98.5, 20.0],
        "zoom": 4.5,
        "sources": {
            "countries": source(LayerKind::Countries),
            "borders": source(LayerKind::Borders),
            "events": source(LayerKind::Events),
            "hubs": source(LayerKind::Hubs),
            "drift": source(LayerKind::Drift),
            "flows": source(LayerKind::Flows),
        },
        "layers": layers,
    })
}

/// What the legend shows: `types`, each event type with its colour, in the
/// order of [`TYPE_COLOURS`]; `other`, the colour of any other type; and
/// `symbols`, the other marks (`line` or `ring`) with their colours.
fn legend() -> Value {
    let types: Vec<Value> = TYPE_COLOURS
        .iter()
        .map(|(t, c)| json!({ "type": t.as_str(), "colour": c }))
        .collect();
    let symbol = |id: &str, shape: &str, colour: &str, label: &str| json!({ "id": id, "shape": shape, "colour": colour, "label": label });
    json!({
        "types": types,
        "other": OTHER,
        "symbols": [
            symbol("emphasis", "line", EMPHASIS, "Myanmar's borders with China, Laos and Thailand"),
            symbol("aggregate", "ring", AGGREGATE, "Running total (not sized by persons)"),
            symbol("hub", "ring", HUB, "Hub: events close together in one quarter"),
            symbol("drift", "line", DRIFT, "Drift: centre of activity per quarter"),
            symbol("flow", "line", FLOW, "Flow: people moved from origin to destination"),
        ],
    })
}

/// Water, countries (Myanmar lighter) and borders (Myanmar's in red).
fn basemap() -> Vec<Value> {
    let is = |id: &str| json!(["==", ["get", "id"], id]);
    let is_not = |id: &str| json!(["!=", ["get", "id"], id]);
    let mut emphasised = vec![json!("any")];
    emphasised.extend(EMPHASISED_BORDERS.map(is));
    let mut other = vec![json!("all")];
    other.extend(EMPHASISED_BORDERS.map(is_not));
    vec![
        json!({ "id": "background", "type": "background", "paint": { "background-color": WATER } }),
        json!({ "id": "countries", "type": "fill", "source": "countries", "source-layer": "countries",
                "paint": { "fill-color": ["match", ["get", "iso2"], ["MM"], MYANMAR, LAND], "fill-outline-color": COAST } }),
        json!({ "id": "borders", "type": "line", "source": "borders", "source-layer": "borders",
                "filter": other,
                "paint": { "line-color": BORDER, "line-width": 1 } }),
        json!({ "id": "borders-emphasis", "type": "line", "source": "borders", "source-layer": "borders",
                "filter": emphasised,
                "layout": { "line-join": "round", "line-cap": "round" },
                "paint": { "line-color": EMPHASIS, "line-width": ["interpolate", ["linear"], ["zoom"], 3, 2, 10, 5],
                           "line-opacity": 0.85 } }),
    ]
}

/// Flows, hubs, drift and events, events on top.
fn overlays() -> Vec<Value> {
    let lines = json!(["==", ["geometry-type"], "LineString"]);
    let points = json!(["==", ["geometry-type"], "Point"]);
    vec![
        json!({ "id": "flows-line", "type": "line", "source": "flows", "source-layer": "flows",
                "layout": { "line-cap": "round" },
                "paint": { "line-color": FLOW, "line-dasharray": [2, 1.5], "line-opacity": 0.75,
                           "line-width": by_persons("persons", 1.2, 5.0) } }),
        json!({ "id": "hubs", "type": "circle", "source": "hubs", "source-layer": "hubs",
                "paint": { "circle-color": "rgba(224, 128, 0, 0.12)", "circle-radius": by_persons("persons_total", 12.0, 44.0),
                           "circle-stroke-color": HUB, "circle-stroke-width": 2 } }),
        json!({ "id": "drift-line", "type": "line", "source": "drift", "source-layer": "drift",
                "filter": lines,
                "layout": { "line-cap": "round", "line-join": "round" },
                "paint": { "line-color": DRIFT, "line-width": 2.5, "line-opacity": 0.8 } }),
        json!({ "id": "drift-steps", "type": "circle", "source": "drift", "source-layer": "drift",
                "filter": points,
                "paint": { "circle-color": DRIFT, "circle-radius": 4, "circle-stroke-color": "#ffffff",
                           "circle-stroke-width": 1.5 } }),
        events(),
    ]
}

/// Events coloured by type, their area growing with persons; running totals
/// (`aggregate`) as rings of their type's colour; clusters of the tiles
/// (`cluster`, `point_count`) in grey, sized by how many they hold.
///
/// The colour is a `match` on `type` at the top, so that a converter that
/// reads only that (QGIS) still colours events by type; a cluster, which has
/// no type, takes the fallback.
fn events() -> Value {
    let cluster = json!(["==", ["get", "cluster"], true]);
    let aggregate = json!(["==", ["get", "aggregate"], true]);
    let mut colour = vec![json!("match"), json!(["get", "type"])];
    for (t, c) in TYPE_COLOURS {
        colour.extend([json!([t.as_str()]), json!(c)]);
    }
    colour.push(json!(["case", cluster.clone(), CLUSTER, OTHER]));
    json!({
        "id": "events", "type": "circle", "source": "events", "source-layer": "events",
        "layout": { "circle-sort-key": ["-", 0, ["coalesce", ["get", "persons_best"], 0]] },
        "paint": {
            "circle-color": colour,
            "circle-radius": ["case",
                cluster, ["interpolate", ["linear"], ["sqrt", ["get", "point_count"]], 1, 5, 30, 22],
                aggregate, 5,
                by_persons("persons_best", 4.0, 20.0)],
            "circle-opacity": ["case", aggregate, 0, 0.85],
            "circle-stroke-color": ["case", aggregate, colour, "#ffffff"],
            "circle-stroke-width": ["case", aggregate, 2.5, 1],
        },
    })
}

/// A size in pixels from a count of persons, from `small` at one person to
/// `large` at 10,000: the area of a circle grows with the count.
fn by_persons(property: &str, small: f64, large: f64) -> Value {
    json!([
        "interpolate",
        ["linear"],
        ["sqrt", ["max", ["coalesce", ["get", property], 0], 1]],
        1,
        small,
        100,
        large
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emphasised_borders_are_myanmars_with_china_laos_and_thailand() {
        let borders: Value = serde_json::from_str(include_str!("../../geojson/borders.geojson"))
            .expect("borders.geojson");
        let mut story = Vec::new();
        for f in borders["features"].as_array().expect("features") {
            let countries: Vec<&str> = f["properties"]["countries"]
                .as_array()
                .expect("countries")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let along = countries.contains(&"MM")
                && ["CN", "LA", "TH"].iter().any(|c| countries.contains(c));
            if along {
                story.push(f["properties"]["id"].as_str().expect("id").to_string());
            }
        }
        story.sort();
        assert_eq!(story, EMPHASISED_BORDERS);
    }

    /// Every array in `value` that starts with an operator name, with the
    /// property or filter it is in.
    fn expressions<'a>(value: &'a Value, out: &mut Vec<&'a [Value]>) {
        match value {
            Value::Array(items) => {
                if items.first().is_some_and(Value::is_string) {
                    out.push(items);
                }
                items.iter().for_each(|v| expressions(v, out));
            }
            Value::Object(map) => map.values().for_each(|v| expressions(v, out)),
            _ => {}
        }
    }

    /// Issue 15.14: QGIS's converter lost the country colours (a `match`
    /// label that was not an array), never drew Myanmar's borders in red (it
    /// read `in` as legacy syntax) and drew every event grey.
    #[test]
    fn the_style_keeps_to_what_qgis_converter_reads() {
        let style = document("");
        let layers = style["layers"].as_array().expect("layers");
        let mut all = Vec::new();
        for layer in layers {
            expressions(&layer["paint"], &mut all);
            expressions(&layer["layout"], &mut all);
            expressions(&layer["filter"], &mut all);
        }
        for e in &all {
            let op = e[0].as_str().unwrap_or_default();
            // Operators QGIS reads as legacy filters, or drops.
            assert!(
                !["in", "!in", "has", "!has", "none", "!", "to-boolean"].contains(&op),
                "{op}: {e:?}"
            );
            if op == "match" {
                assert!(e.len() >= 5 && e.len() % 2 == 1, "{e:?}");
                assert!(e[1][0] == "get", "a match on a property: {e:?}");
                for label in e[2..e.len() - 1].iter().step_by(2) {
                    assert!(
                        label.is_array(),
                        "a label that is not an array: {label} in {e:?}"
                    );
                }
            }
        }
        for layer in layers {
            let id = &layer["id"];
            // Filters: expressions, a property or the geometry type compared.
            if let Some(filter) = layer.get("filter") {
                let mut parts = Vec::new();
                expressions(filter, &mut parts);
                for e in parts {
                    match e[0].as_str().unwrap_or_default() {
                        "all" | "any" => {}
                        "==" | "!=" => {
                            assert!(e[1].is_array(), "{id}: a legacy comparison {e:?}");
                            assert!(!e[2].is_array(), "{id}: {e:?}");
                        }
                        "get" | "geometry-type" => {}
                        op => panic!("{id}: {op} in a filter"),
                    }
                }
            }
            // Colours that carry meaning: a literal, or a match on a property
            // whose outputs are literal colours.
            for (key, colour) in layer["paint"].as_object().expect("paint") {
                if !key.ends_with("-color") || key == "circle-stroke-color" {
                    continue;
                }
                if let Some(items) = colour.as_array() {
                    assert_eq!(items[0], "match", "{id} {key}: {colour}");
                    for output in items[3..items.len() - 1].iter().step_by(2) {
                        assert!(output.is_string(), "{id} {key}: {output}");
                    }
                } else {
                    assert!(colour.is_string(), "{id} {key}");
                }
            }
        }
        // What QGIS showed wrong, now in the forms it reads.
        let layer = |id: &str| {
            layers
                .iter()
                .find(|l| l["id"] == id)
                .unwrap_or_else(|| panic!("{id}"))
        };
        assert_eq!(layer("countries")["paint"]["fill-color"][2], json!(["MM"]));
        let emphasis = layer("borders-emphasis")["filter"].to_string();
        for id in EMPHASISED_BORDERS {
            assert!(emphasis.contains(&format!(r#"["get","id"],"{id}"]"#)));
        }
        assert_eq!(layer("events")["paint"]["circle-color"][2], json!(["raid"]));
    }

    #[test]
    fn the_legend_names_every_type_and_symbol_the_layers_draw() {
        let style = document("");
        let legend = &style["metadata"]["scamatlas:legend"];
        let types = legend["types"].as_array().expect("types");
        assert_eq!(types.len(), TYPE_COLOURS.len());
        assert_eq!(types[0], json!({ "type": "raid", "colour": "#d62728" }));
        let drawn = style["layers"].to_string();
        for symbol in legend["symbols"].as_array().expect("symbols") {
            let colour = symbol["colour"].as_str().expect("colour");
            if symbol["id"] != "aggregate" {
                assert!(drawn.contains(colour), "{symbol} is not drawn");
            }
        }
        assert_eq!(style["sources"]["borders"]["url"], "/tiles/borders.json");
    }
}
