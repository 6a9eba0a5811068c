//! Vector tiles, TileJSON and the style as a MapLibre client sees them: every
//! tile is decoded by a real MVT decoder (mvt-reader), never byte-compared.

use std::collections::HashMap;

use axum::http::StatusCode;
use mvt_reader::feature::Value;
use mvt_reader::Reader;
use scamatlas::server::{router, PublicUrl, ServerOptions};

use crate::server::{get, get_from, json, state};

/// The router with its links on `public_url`.
fn app_at(public_url: PublicUrl) -> scamatlas::server::App {
    let options = ServerOptions {
        public_url,
        ..ServerOptions::default()
    };
    router(state(), &options)
}

/// Status, headers and body of a GET of a server whose public URL is `public`.
fn get_at(uri: &str, public: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let public = public.parse().expect("public URL");
    get_from(app_at(public), uri, &[])
}

/// Layers of a served tile: name -> (extent, features' properties).
fn decode(bytes: &[u8]) -> HashMap<String, (u32, Vec<HashMap<String, Value>>)> {
    let reader = Reader::new(bytes.to_vec()).expect("a valid MVT");
    let mut layers = HashMap::new();
    for meta in reader.get_layer_metadata().expect("layers") {
        let features = reader.get_features(meta.layer_index).expect("features");
        let props = features
            .into_iter()
            .map(|f| f.properties.unwrap_or_default())
            .collect();
        layers.insert(meta.name.clone(), (meta.extent, props));
    }
    layers
}

fn int(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i) | Value::SInt(i)) => *i,
        Some(Value::UInt(u)) => i64::try_from(*u).expect("small"),
        other => panic!("not an integer: {other:?}"),
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

/// The z=5 tile holding Myawaddy, KK Park, Shwe Kokko and Tachileik
/// (90..101.25 E, 11.18..21.94 N), and the z=12 tile of Myawaddy town.
const MYAWADDY_Z6: &str = "/tiles/events/5/24/14.mvt";
const MYAWADDY_Z12: &str = "/tiles/events/12/3168/1855.mvt";

#[test]
fn low_zoom_event_tiles_cluster_points_per_quarter_without_dropping_any() {
    let (status, headers, body) = get(MYAWADDY_Z6, &[]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    let layers = decode(&body);
    let (extent, features) = &layers["events"];
    assert_eq!(*extent, 4096);
    let total: i64 = features.iter().map(|p| int(p.get("point_count"))).sum();
    // Every event in the tile is counted, none is dropped; the buffer (64 of
    // 4096 units) may add a few from just outside.
    let (_, _, inside) = get("/api/query?bbox=90.0,11.18,101.25,21.94", &[]);
    let (_, _, buffered) = get("/api/query?bbox=89.8,11.0,101.45,22.12", &[]);
    let inside = crate::server::feature_ids(&inside).len() as i64;
    let buffered = crate::server::feature_ids(&buffered).len() as i64;
    assert!(
        (inside..=buffered).contains(&total),
        "{total} counted, {inside}..={buffered} expected"
    );
    assert!(
        total > features.len() as i64,
        "{total} events in {} features: some were clustered",
        features.len()
    );
    let mut periods_seen = Vec::new();
    for p in features.iter().filter(|p| int(p.get("point_count")) > 1) {
        assert_eq!(p.get("cluster"), Some(&Value::Bool(true)));
        periods_seen.push(text(p.get("period")));
    }
    assert!(
        !periods_seen.is_empty(),
        "some events were merged into clusters"
    );
    // A point left alone keeps the event's full properties.
    let single = features
        .iter()
        .find(|p| int(p.get("point_count")) == 1)
        .expect("an isolated event");
    assert!(text(single.get("first_source")).starts_with("http"));
    assert!(text(single.get("id")).starts_with('E'));
    // Clusters never merge periods: each feature has one quarter, and the tile
    // holds several.
    let quarters: std::collections::HashSet<_> = features
        .iter()
        .filter_map(|p| p.get("period").map(|v| text(Some(v))))
        .collect();
    assert!(
        quarters.len() > 1,
        "several quarters stay apart: {quarters:?}"
    );
}

#[test]
fn high_zoom_tiles_carry_each_event_with_its_properties() {
    let (status, _, body) = get(MYAWADDY_Z12, &[]);
    assert_eq!(
        status,
        StatusCode::OK,
        "the Myawaddy tile at z12 holds events"
    );
    let layers = decode(&body);
    let (_, features) = &layers["events"];
    assert!(!features.is_empty());
    for p in features {
        assert!(text(p.get("id")).starts_with('E'));
        assert!(!text(p.get("type")).is_empty());
        assert!(text(p.get("date")).len() >= 4);
        assert!(text(p.get("first_source")).starts_with("http"));
    }
}

#[test]
fn tiles_follow_datetime_and_type_filters() {
    let count = |uri: &str| -> i64 {
        let (status, _, body) = get(uri, &[]);
        match status {
            StatusCode::NO_CONTENT => 0,
            StatusCode::OK => decode(&body)["events"]
                .1
                .iter()
                .map(|p| int(p.get("point_count")))
                .sum(),
            other => panic!("{uri}: {other}"),
        }
    };
    let all = count(MYAWADDY_Z6);
    let late = count(&format!("{MYAWADDY_Z6}?datetime=2025-10-01/2025-12-31"));
    let raids = count(&format!(
        "{MYAWADDY_Z6}?datetime=2025-10-01/2025-12-31&type=raid"
    ));
    assert!(
        all > late && late > raids && raids > 0,
        "{all} > {late} > {raids} > 0"
    );
    assert_eq!(count(&format!("{MYAWADDY_Z6}?datetime=../2022-12-31")), 0);
}

#[test]
fn basemap_tiles_hold_countries_and_borders() {
    let (status, _, body) = get("/tiles/countries/0/0/0.mvt", &[]);
    assert_eq!(status, StatusCode::OK);
    let layers = decode(&body);
    let iso: Vec<String> = layers["countries"]
        .1
        .iter()
        .map(|p| text(p.get("iso2")))
        .collect();
    for c in ["MM", "TH", "LA", "CN"] {
        assert!(iso.contains(&c.to_string()), "{iso:?}");
    }
    let (status, _, body) = get("/tiles/borders/5/24/14.mvt", &[]);
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<String> = decode(&body)["borders"]
        .1
        .iter()
        .map(|p| text(p.get("id")))
        .collect();
    assert!(ids.contains(&"MM-TH".to_string()), "{ids:?}");
}

#[test]
fn empty_tiles_are_204_and_bad_coordinates_400() {
    let (status, _, body) = get("/tiles/events/10/0/0.mvt", &[]);
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(body.is_empty());
    for (uri, parameter) in [
        ("/tiles/events/4/99/0.mvt", "z/x/y"),
        ("/tiles/events/40/0/0.mvt", "z/x/y"),
        ("/tiles/events/a/0/0.mvt", "z"),
        ("/tiles/events/4/-1/0.mvt", "x"),
        ("/tiles/events/4/0/0.mvt?datetime=yesterday", "datetime"),
        ("/tiles/events/4/0/0.mvt?type=party", "type"),
    ] {
        let (status, _, body) = get(uri, &[]);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(json(&body)["parameter"], parameter, "{uri}");
    }
    for uri in [
        "/tiles/nope/1/1/1.mvt",
        "/tiles/events/1/1/1.png",
        "/tiles/nope.json",
    ] {
        assert_eq!(get(uri, &[]).0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[test]
fn etag_and_304() {
    let (_, headers, _) = get(MYAWADDY_Z6, &[]);
    let etag = headers["etag"].to_str().expect("ascii").to_string();
    let (status, _, body) = get(MYAWADDY_Z6, &[("if-none-match", &etag)]);
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    // The gzip form has its own ETag and decodes to the same tile.
    let (status, gz_headers, gz) = get(MYAWADDY_Z6, &[("accept-encoding", "br, gzip;q=0.8")]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(gz_headers["content-encoding"], "gzip");
    assert_eq!(gz_headers["vary"], "accept-encoding");
    assert_ne!(gz_headers["etag"], headers["etag"]);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain)
        .expect("gzip");
    assert_eq!(plain, get(MYAWADDY_Z6, &[]).2);
    let gz_etag = gz_headers["etag"].to_str().expect("ascii").to_string();
    let (status, _, _) = get(
        MYAWADDY_Z6,
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_etag)],
    );
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let (_, refused, _) = get(MYAWADDY_Z6, &[("accept-encoding", "gzip;q=0")]);
    assert!(refused.get("content-encoding").is_none());
    let (_, other, _) = get(&format!("{MYAWADDY_Z6}?type=raid"), &[]);
    assert_ne!(
        other["etag"], headers["etag"],
        "a filtered tile is another tile"
    );
}

#[test]
fn tilejson_and_style_use_only_this_server() {
    let (status, _, body) = get_at("/tiles/events.json?type=raid", "http://127.0.0.1:9999");
    assert_eq!(status, StatusCode::OK);
    let tj = json(&body);
    assert_eq!(tj["tilejson"], "3.0.0");
    assert_eq!(
        tj["tiles"][0],
        "http://127.0.0.1:9999/tiles/events/{z}/{x}/{y}.mvt?type=raid"
    );
    assert_eq!(tj["vector_layers"][0]["id"], "events");
    for field in ["type", "persons_best", "date", "point_count"] {
        assert!(
            tj["vector_layers"][0]["fields"][field].is_string(),
            "{field}"
        );
    }
    assert_eq!(tj["bounds"].as_array().expect("bounds").len(), 4);

    let (status, _, body) = get_at("/style.json", "http://127.0.0.1:9999");
    assert_eq!(status, StatusCode::OK);
    let style = json(&body);
    assert_eq!(style["version"], 8);
    assert!(
        style.get("glyphs").is_none() && style.get("sprite").is_none(),
        "nothing to fetch from elsewhere"
    );
    for (name, source) in style["sources"].as_object().expect("sources") {
        let url = source["url"].as_str().expect("url");
        assert!(
            url.starts_with("http://127.0.0.1:9999/tiles/"),
            "{name}: {url}"
        );
    }
    let layers: Vec<&str> = style["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    for id in [
        "countries",
        "borders-emphasis",
        "events",
        "hubs",
        "drift-line",
        "flows-line",
    ] {
        assert!(layers.contains(&id), "{layers:?}");
    }
    // The legend is data, not something to read back out of the layers.
    let legend = &style["metadata"]["scamatlas:legend"];
    assert_eq!(legend["types"][0]["type"], "raid");
    assert!(legend["symbols"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn a_cached_tile_is_answered_as_it_was_when_made() {
    // A state of its own, so that the first request of each tile is a miss
    // (made by the routed handler) and the second a hit (answered before
    // routing): both must say the same thing.
    let state = std::sync::Arc::new(scamatlas::server::AppState::new(
        scamatlas::layers::Catalog::new(
            scamatlas::gazetteer::Gazetteer::bundled().expect("gazetteer"),
            crate::server::state().catalog().dataset().events(),
        )
        .expect("catalog"),
    ));
    let options = scamatlas::server::ServerOptions {
        cors: vec!["*".into()],
        ..Default::default()
    };
    let app = || scamatlas::server::router(state.clone(), &options);
    let (_, made, _) = crate::server::get_from(app(), MYAWADDY_Z6, &[]);
    let etag = made["etag"].to_str().expect("ascii").to_string();
    for (uri, headers) in [
        (MYAWADDY_Z6, vec![("origin", "https://example.org")]),
        (MYAWADDY_Z6, vec![("accept-encoding", "gzip")]),
        (MYAWADDY_Z6, vec![("if-none-match", etag.as_str())]),
        ("/tiles/events/6/49/28.mvt", vec![]),
        (
            "/tiles/events/6/49/28.mvt",
            vec![("accept-encoding", "gzip")],
        ),
        ("/tiles/events/8/200/100.mvt?type=raid", vec![]),
        ("/tiles/events/10/0/0.mvt", vec![]),
        ("/tiles/borders/5/24/14.mvt", vec![]),
    ] {
        let first = crate::server::get_from(app(), uri, &headers);
        let again = crate::server::get_from(app(), uri, &headers);
        assert_eq!(first.0, again.0, "{uri} {headers:?}");
        assert_eq!(first.2, again.2, "{uri} {headers:?}");
        // Content-Length is hyper's to set from the body on the wire; where a
        // layer set it in process, it must be right.
        let names = |(_, h, body): &(StatusCode, axum::http::HeaderMap, Vec<u8>)| {
            if let Some(length) = h.get("content-length") {
                assert_eq!(length.to_str().ok(), Some(body.len().to_string().as_str()));
            }
            let mut v: Vec<String> = h
                .iter()
                .filter(|(k, _)| *k != "content-length")
                .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or("?")))
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(&first), names(&again), "{uri} {headers:?}");
    }
    let (status, _, _) = crate::server::get_from(app(), "/tiles/events/6/49/28.mvt", &[]);
    assert_eq!(status, StatusCode::OK, "a tile with events was among them");
    // CORS wraps cached answers too.
    let (_, headers, _) =
        crate::server::get_from(app(), MYAWADDY_Z6, &[("origin", "https://example.org")]);
    assert_eq!(headers["access-control-allow-origin"], "*");
    // Only GETs are answered from the cache: anything else is routed.
    let post = crate::server::runtime().block_on(async {
        tower::ServiceExt::oneshot(
            app(),
            axum::http::Request::post(MYAWADDY_Z6)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect("response")
    });
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

/// What a client sends as `Host` never reaches an answer: links are on the
/// public URL set at start, or relative (issue 15: `Host: a.example/x?y#`
/// gave tile URLs on a.example).
#[test]
fn no_answer_repeats_a_hostile_host_header() {
    let long = "h".repeat(8_000);
    let hostile: [&[u8]; 5] = [
        b"a.example/x?y#",
        b"evil.example",
        b"evil.example:8080",
        long.as_bytes(),
        "\u{e4}rger.example".as_bytes(),
    ];
    let uris = [
        "/style.json",
        "/tiles/events.json?type=raid",
        "/tiles/countries.json",
        "/ogc",
        "/ogc/api",
        "/ogc/collections",
        "/ogc/collections/events",
        "/ogc/collections/events/items?limit=2",
        "/ogc/collections/events/items/E062",
    ];
    let runtime = crate::server::runtime();
    for (public, base) in [
        (PublicUrl::relative(), ""),
        (
            "https://atlas.example/maps/".parse().expect("public URL"),
            "https://atlas.example/maps",
        ),
    ] {
        for host in hostile {
            for uri in uris {
                let (status, body) = runtime.block_on(async {
                    use tower::ServiceExt;
                    let request = axum::http::Request::get(uri)
                        .header(
                            "host",
                            axum::http::HeaderValue::from_bytes(host).expect("value"),
                        )
                        .body(axum::body::Body::empty())
                        .expect("request");
                    let response = app_at(public.clone())
                        .oneshot(request)
                        .await
                        .expect("response");
                    let status = response.status();
                    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                        .await
                        .expect("body");
                    (status, String::from_utf8(body.to_vec()).expect("UTF-8"))
                });
                assert_eq!(status, StatusCode::OK, "{uri}");
                for part in [
                    "a.example/x",
                    "evil.example",
                    "hhhhhhhh",
                    "rger.example",
                    "\u{e4}",
                ] {
                    assert!(
                        !body.contains(part),
                        "{uri} repeats the Host header {part:?}"
                    );
                }
                let mut links = Vec::new();
                collect_links(&json(body.as_bytes()), &mut links);
                assert!(!links.is_empty(), "{uri}");
                for link in links {
                    let path = link
                        .strip_prefix(base)
                        .unwrap_or_else(|| panic!("{uri}: {link} is not under {base:?}"));
                    assert!(path.starts_with('/'), "{uri}: {link}");
                }
            }
        }
    }
}

/// Every link of a document: `href`s, TileJSON `tiles`, style source `url`s,
/// OpenAPI `servers` (not the URLs in features' properties).
fn collect_links(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(members) => {
            for (name, v) in members {
                match (name.as_str(), v) {
                    ("properties", _) => {}
                    ("href" | "url", serde_json::Value::String(s))
                        if !s.starts_with("http://www.opengis.net") =>
                    {
                        out.push(s.clone());
                    }
                    ("tiles", serde_json::Value::Array(urls)) => {
                        out.extend(urls.iter().filter_map(|u| u.as_str().map(String::from)));
                    }
                    _ => collect_links(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_links(v, out)),
        _ => {}
    }
}

/// A client that reads TileJSON's `maxzoom` asks for tiles to that zoom and
/// no deeper; the error for a deeper tile names the same zoom (issue 15: the
/// error said 22, TileJSON 16, and zooms 17 to 22 were served).
#[test]
fn the_zoom_error_and_tilejson_agree_on_the_deepest_zoom() {
    let (_, _, body) = get("/tiles/events.json", &[]);
    let deepest = json(&body)["maxzoom"].as_u64().expect("maxzoom");
    let (status, _, _) = get(&format!("/tiles/events/{deepest}/0/0.mvt"), &[]);
    assert!(status.is_success(), "zoom {deepest}: {status}");
    for z in [deepest + 1, 22, 300] {
        let (status, _, body) = get(&format!("/tiles/events/{z}/0/0.mvt"), &[]);
        assert_eq!(status, StatusCode::BAD_REQUEST, "zoom {z}");
        let description = json(&body)["description"].to_string();
        assert!(
            description.contains(&format!("deepest zoom served, {deepest}")),
            "zoom {z}: {description}"
        );
    }
}
