//! OGC API - Features under `/ogc`: the router in process with `oneshot`, then
//! GDAL's OAPIF driver (a real client, as QGIS uses) against `serve` on
//! 127.0.0.1:0.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use scamatlas::server::{router, serve, PublicUrl, ServerOptions};
use serde_json::Value;
use tower::ServiceExt;

/// The collections, each of one geometry type: drift and places are split
/// into their points and their lines.
const LAYERS: [&str; 9] = [
    "events",
    "hubs",
    "drift",
    "drift_path",
    "flows",
    "places",
    "place_lines",
    "borders",
    "countries",
];
/// The geometry type of each collection's items, as in the file exports.
const GEOMETRY: [&str; 9] = [
    "MultiPoint",
    "Point",
    "Point",
    "LineString",
    "LineString",
    "Point",
    "MultiLineString",
    "MultiLineString",
    "MultiPolygon",
];
const BASE: &str = "http://atlas.test:8080";

/// The server, its links on `public_url`, or relative.
fn app_at(public_url: PublicUrl) -> scamatlas::server::App {
    let options = ServerOptions {
        public_url,
        ..ServerOptions::default()
    };
    router(crate::server::state(), &options)
}

/// Status, content type and body of a GET of a server whose public URL is
/// `http://atlas.test:8080`, or with relative links if `public` is false;
/// each with a `Host` header naming another host, which is not used. `uri`
/// may be absolute (a followed link).
fn get_with(uri: &str, public: bool) -> (StatusCode, String, Vec<u8>) {
    let path = uri.strip_prefix(BASE).unwrap_or(uri);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let request = Request::get(path).header(header::HOST, "elsewhere.test:80");
        let public_url = if public {
            BASE.parse().expect("public URL")
        } else {
            PublicUrl::relative()
        };
        let response = app_at(public_url)
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let (parts, body) = response.into_parts();
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        (parts.status, content_type, bytes.to_vec())
    })
}

/// A GET that must answer 200 with JSON.
fn get_json(uri: &str) -> Value {
    let (status, _, body) = get_with(uri, true);
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&body)
    );
    json(&body)
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// The `href` of the link with relation `rel`, if any.
fn href(doc: &Value, rel: &str) -> Option<String> {
    doc["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| l["href"].as_str().expect("href").to_string())
}

fn ids(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().expect("a string id").to_string())
        .collect()
}

/// Every id of a query, following `next` links from `first`; checks the
/// paging fields of each page on the way.
fn follow_pages(first: &str) -> (Vec<String>, usize) {
    let (mut all, mut pages, mut uri) = (Vec::new(), 0, Some(first.to_string()));
    while let Some(u) = uri {
        let (status, content_type, body) = get_with(&u, true);
        assert_eq!(status, StatusCode::OK, "{u}");
        assert_eq!(content_type, "application/geo+json", "{u}");
        let page = json(&body);
        assert_eq!(page["type"], "FeatureCollection");
        let page_ids = ids(&page);
        assert_eq!(page["numberReturned"], page_ids.len(), "{u}");
        assert!(page["timeStamp"].as_str().is_some_and(|t| t.ends_with('Z')));
        // A followed link is its page's own self link.
        if pages > 0 {
            assert_eq!(href(&page, "self").as_deref(), Some(u.as_str()));
        }
        all.extend(page_ids);
        pages += 1;
        assert!(pages <= 1000, "next links do not end");
        uri = href(&page, "next");
        if let Some(next) = &uri {
            assert!(next.starts_with(BASE), "absolute: {next}");
        }
    }
    (all, pages)
}

#[test]
fn landing_page_links_to_the_api_conformance_and_data() {
    let (status, content_type, body) = get_with("/ogc", true);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    let landing = json(&body);
    assert!(landing["title"].is_string() && landing["description"].is_string());
    assert_eq!(
        href(&landing, "self").as_deref(),
        Some("http://atlas.test:8080/ogc")
    );
    let desc = landing["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == "service-desc")
        .expect("service-desc");
    assert_eq!(desc["href"], format!("{BASE}/ogc/api"));
    assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
    assert_eq!(
        href(&landing, "conformance"),
        Some(format!("{BASE}/ogc/conformance"))
    );
    assert_eq!(
        href(&landing, "data"),
        Some(format!("{BASE}/ogc/collections"))
    );

    // Without a public URL the links are relative.
    let (_, _, body) = get_with("/ogc", false);
    assert_eq!(
        href(&json(&body), "data").as_deref(),
        Some("/ogc/collections")
    );
}

#[test]
fn conformance_lists_core_oas30_and_geojson() {
    let classes = get_json("/ogc/conformance")["conformsTo"].clone();
    for class in ["core", "oas30", "geojson"] {
        let uri = format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{class}");
        assert!(
            classes
                .as_array()
                .expect("array")
                .contains(&Value::from(uri.clone())),
            "{uri} in {classes}"
        );
    }
}

#[test]
fn collections_list_every_layer_with_extents_and_items_links() {
    let doc = get_json("/ogc/collections");
    assert_eq!(href(&doc, "self"), Some(format!("{BASE}/ogc/collections")));
    let list = doc["collections"].as_array().expect("collections");
    let names: Vec<&str> = list.iter().map(|c| c["id"].as_str().expect("id")).collect();
    assert_eq!(names, LAYERS);
    for c in list {
        let id = c["id"].as_str().expect("id");
        assert!(!id.contains('.'), "QGIS cannot take dots in ids: {id}");
        assert_eq!(c["itemType"], "feature");
        assert!(c["title"].is_string());
        let spatial = &c["extent"]["spatial"];
        assert_eq!(
            spatial["crs"],
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        );
        let b: Vec<f64> = spatial["bbox"][0]
            .as_array()
            .expect("bbox")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        assert!(b.len() == 4 && b[0] <= b[2] && b[1] <= b[3], "{id}: {b:?}");
        let temporal = &c["extent"]["temporal"]["interval"][0];
        if ["events", "hubs", "drift", "drift_path", "flows"].contains(&id) {
            assert_eq!(temporal[0], "2023-01-01T00:00:00Z", "{id}");
            assert!(temporal[1]
                .as_str()
                .is_some_and(|t| t.ends_with("T23:59:59Z")));
        } else {
            assert!(temporal.is_null(), "{id} is not temporal");
        }
        let items = c["links"]
            .as_array()
            .expect("links")
            .iter()
            .find(|l| l["rel"] == "items")
            .expect("items link");
        assert_eq!(items["href"], format!("{BASE}/ogc/collections/{id}/items"));
        assert_eq!(items["type"], "application/geo+json");
        // The single collection says the same.
        assert_eq!(&get_json(&format!("/ogc/collections/{id}")), c);
    }
}

#[test]
fn next_links_page_through_all_78_events() {
    let first = get_json("/ogc/collections/events/items?limit=10");
    assert_eq!(first["numberMatched"], 78);
    assert_eq!(first["numberReturned"], 10);
    assert!(href(&first, "prev").is_none(), "no prev on the first page");
    let (all, pages) = follow_pages(&format!("{BASE}/ogc/collections/events/items?limit=10"));
    assert_eq!(pages, 8);
    assert_eq!(all.len(), 78);
    assert_eq!(
        all.iter().collect::<HashSet<_>>().len(),
        78,
        "ids are unique"
    );

    // The default page is 10; a prev link steps back one page.
    let page = get_json("/ogc/collections/events/items?offset=25");
    assert_eq!(page["numberReturned"], 10);
    assert_eq!(
        href(&page, "prev"),
        Some(format!(
            "{BASE}/ogc/collections/events/items?limit=10&offset=15"
        ))
    );
    // Every layer pages the same way.
    for layer in LAYERS {
        let whole = get_json(&format!("/ogc/collections/{layer}/items?limit=10000"));
        let (paged, _) = follow_pages(&format!("{BASE}/ogc/collections/{layer}/items?limit=3"));
        assert_eq!(ids(&whole), paged, "{layer}");
        assert_eq!(whole["numberMatched"], paged.len(), "{layer}");
    }
}

#[test]
fn bbox_datetime_and_type_filter_and_survive_paging() {
    let query = "bbox=98.4,16.5,98.7,16.9&datetime=2024-01-01T00:00:00Z/..&type=raid";
    let oracle = |q: &str| -> Vec<String> {
        let (status, _, body) = get_with(&format!("/api/layers/events.geojson?{q}"), true);
        assert_eq!(status, StatusCode::OK);
        ids(&json(&body))
    };
    for q in [
        "bbox=98.4,16.5,98.7,16.9",
        "datetime=2024-01-01T00:00:00Z/..",
        "datetime=../2023-12-31",
        "datetime=2025-02-20",
        "type=raid",
        query,
    ] {
        let expected = oracle(q);
        let (got, _) = follow_pages(&format!("{BASE}/ogc/collections/events/items?{q}&limit=2"));
        assert_eq!(got, expected, "{q}");
        assert!(
            !got.is_empty() && got.len() < 78,
            "{q} filters: {}",
            got.len()
        );
    }
    let boxed = oracle("bbox=98.4,16.5,98.7,16.9");
    assert!(boxed.contains(&"E062".to_string()), "{boxed:?}");
    // The next link keeps every filter.
    let page = get_json(&format!("/ogc/collections/events/items?{query}&limit=1"));
    assert_eq!(
        href(&page, "next"),
        Some(format!(
            "{BASE}/ogc/collections/events/items?bbox=98.4,16.5,98.7,16.9\
             &datetime=2024-01-01T00:00:00Z/..&type=raid&limit=1&offset=1"
        ))
    );
    // Filters on time leave the layers without time alone.
    let places = get_json("/ogc/collections/places/items?datetime=2030-01-01&limit=10000");
    let all_places = get_json("/ogc/collections/places/items?limit=10000");
    assert_eq!(places["numberMatched"], all_places["numberMatched"]);
}

#[test]
fn limit_is_clamped_and_an_offset_past_the_end_is_empty() {
    let page = get_json("/ogc/collections/events/items?limit=1000000");
    assert_eq!(page["numberReturned"], 78);
    assert!(href(&page, "self").is_some_and(|s| s.contains("limit=10000&")));
    let past = get_json("/ogc/collections/events/items?offset=500");
    assert_eq!(past["numberMatched"], 78);
    assert_eq!(past["numberReturned"], 0);
    assert!(href(&past, "next").is_none());
}

#[test]
fn bad_parameters_answer_400_naming_them() {
    for (query, parameter) in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=10,50,0,40", "bbox"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2025-01-01/2024-01-01", "datetime"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("type=picnic", "type"),
    ] {
        let (status, content_type, body) =
            get_with(&format!("/ogc/collections/events/items?{query}"), true);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(content_type, "application/json");
        let error = json(&body);
        assert_eq!(error["parameter"], parameter, "{query}: {error}");
        assert!(error["description"]
            .as_str()
            .is_some_and(|d| d.starts_with(parameter)));
    }
}

#[test]
fn one_feature_by_id_and_404s() {
    let (status, content_type, body) = get_with("/ogc/collections/events/items/E062", true);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/geo+json");
    let feature = json(&body);
    assert_eq!(
        (&feature["type"], &feature["id"]),
        (&Value::from("Feature"), &Value::from("E062"))
    );
    assert_eq!(
        href(&feature, "collection"),
        Some(format!("{BASE}/ogc/collections/events"))
    );
    // Hub ids hold a slash; their self link encodes it and reads back.
    let hubs = get_json("/ogc/collections/hubs/items?limit=1");
    let hub = &hubs["features"][0];
    let hub_id = hub["id"].as_str().expect("hub id");
    assert!(hub_id.contains('/'), "{hub_id}");
    let encoded = hub_id.replace('/', "%2F");
    let one = get_json(&format!("/ogc/collections/hubs/items/{encoded}"));
    assert_eq!(one["id"], hub["id"]);
    assert_eq!(
        href(&one, "self"),
        Some(format!("{BASE}/ogc/collections/hubs/items/{encoded}"))
    );
    for layer in ["borders", "countries", "places"] {
        let first = get_json(&format!("/ogc/collections/{layer}/items?limit=1"));
        let id = first["features"][0]["id"].as_str().expect("id").to_string();
        assert_eq!(
            get_json(&format!("/ogc/collections/{layer}/items/{id}"))["id"],
            id.as_str()
        );
    }

    for uri in [
        "/ogc/collections/events/items/E999",
        "/ogc/collections/nowhere",
        "/ogc/collections/nowhere/items",
        "/ogc/collections/events.geojson/items",
        "/ogc/collections/nowhere/items/E062",
    ] {
        let (status, content_type, body) = get_with(uri, true);
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(content_type, "application/json");
        assert_eq!(json(&body)["code"], "NotFound");
    }
}

#[test]
fn openapi_document_describes_every_path() {
    let (status, content_type, body) = get_with("/ogc/api", true);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/vnd.oai.openapi+json;version=3.0");
    let doc = json(&body);
    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.0.")));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(doc["servers"][0]["url"], format!("{BASE}/ogc"));
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/",
        "/api",
        "/conformance",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
        "/collections/{collectionId}/schema",
        "/collections/{collectionId}/queryables",
    ] {
        let get = &paths[path]["get"];
        assert!(get["operationId"].is_string(), "{path}");
        assert!(get["responses"]["200"]["description"].is_string(), "{path}");
        for p in get["parameters"].as_array().expect("parameters") {
            assert!(
                p["name"].is_string() && p["schema"].is_object(),
                "{path}: {p}"
            );
            if p["in"] == "path" {
                assert_eq!(p["required"], true, "{path}: {p}");
                assert!(path.contains(&format!("{{{}}}", p["name"].as_str().expect("name"))));
            }
        }
    }
    let items = &paths["/collections/{collectionId}/items"]["get"]["parameters"];
    let names: Vec<&str> = items
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "collectionId",
            "bbox",
            "datetime",
            "type",
            "limit",
            "offset"
        ]
    );
    assert_eq!(items[4]["schema"]["maximum"], 10_000);
}

/// Issue 15.13: drift served one line among eleven points, places five lines
/// among its points and events Points among MultiPoints, so that QGIS drew a
/// layer of one type and hid the rest.
#[test]
fn each_collection_holds_one_geometry_type_and_the_splits_lose_nothing() {
    let geometry_types = |id: &str| -> (Vec<String>, HashSet<String>) {
        let page = get_json(&format!("/ogc/collections/{id}/items?limit=10000"));
        let features = page["features"].as_array().expect("features");
        assert_eq!(page["numberMatched"], features.len(), "{id}");
        let types = features
            .iter()
            .map(|f| f["geometry"]["type"].as_str().expect("type").to_string())
            .collect();
        (ids(&page), types)
    };
    for (id, geometry) in LAYERS.iter().zip(GEOMETRY) {
        let (found, types) = geometry_types(id);
        assert!(!found.is_empty(), "{id} is empty");
        assert_eq!(types, HashSet::from([geometry.to_string()]), "{id}");
        // One item read alone is of the collection's type too.
        let one = get_json(&format!(
            "/ogc/collections/{id}/items/{}",
            found[0].replace('/', "%2F")
        ));
        assert_eq!(one["geometry"]["type"], geometry, "{id}");
    }
    // The points and the lines of drift and places are the whole layer.
    for (layer, points, lines) in [
        ("drift", "drift", "drift_path"),
        ("places", "places", "place_lines"),
    ] {
        let (p, _) = geometry_types(points);
        let (l, _) = geometry_types(lines);
        let (status, _, body) = get_with(&format!("/api/layers/{layer}.geojson"), true);
        assert_eq!(status, StatusCode::OK);
        let whole = json(&body)["features"].as_array().expect("features").len();
        assert_eq!(p.len() + l.len(), whole, "{layer}");
    }
    assert_eq!(geometry_types("drift_path").0.len(), 1);
    // A line is not an item of the points, nor a point of the lines.
    let (line, _) = geometry_types("place_lines");
    let (status, _, _) = get_with(&format!("/ogc/collections/places/items/{}", line[0]), true);
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Issue 15.15: clients had to guess property types from the first page.
#[test]
fn schema_and_queryables_declare_every_property_and_its_type() {
    for (id, geometry) in LAYERS.iter().zip(GEOMETRY) {
        let page = get_json(&format!("/ogc/collections/{id}/items?limit=10000"));
        let collection = get_json(&format!("/ogc/collections/{id}"));
        for (what, rel) in [
            ("schema", "describedby"),
            (
                "queryables",
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            ),
        ] {
            let uri = format!("/ogc/collections/{id}/{what}");
            let (status, content_type, body) = get_with(&uri, true);
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert_eq!(content_type, "application/schema+json", "{uri}");
            assert_eq!(href(&collection, rel), Some(format!("{BASE}{uri}")));
            let schema = json(&body);
            assert_eq!(schema["type"], "object");
            assert_eq!(schema["$id"], format!("{BASE}{uri}"));
            let properties = schema["properties"].as_object().expect("properties");
            assert_eq!(
                properties["geometry"]["format"],
                format!("geometry-{}", geometry.to_ascii_lowercase()),
                "{uri}"
            );
            assert_eq!(properties["id"]["x-ogc-role"], "id", "{uri}");
            // Every value of every item is of its property's declared type.
            for feature in page["features"].as_array().expect("features") {
                for (name, value) in feature["properties"].as_object().expect("properties") {
                    let declared = &properties
                        .get(name)
                        .unwrap_or_else(|| panic!("{uri}: {name} is not declared"))["type"];
                    let kinds: Vec<&str> = match declared {
                        Value::Array(k) => k.iter().filter_map(Value::as_str).collect(),
                        k => vec![k.as_str().expect("a type")],
                    };
                    let fits = match value {
                        Value::Null => true,
                        Value::Bool(_) => kinds.contains(&"boolean"),
                        Value::Number(n) if n.is_i64() || n.is_u64() => {
                            kinds.contains(&"integer") || kinds.contains(&"number")
                        }
                        Value::Number(_) => kinds.contains(&"number"),
                        Value::String(_) => kinds.contains(&"string"),
                        Value::Array(_) => kinds.contains(&"array"),
                        Value::Object(_) => kinds.contains(&"object"),
                    };
                    assert!(fits, "{uri}: {name} = {value} is not {declared}");
                }
            }
        }
    }
    let events = get_json("/ogc/collections/events/schema");
    let p = &events["properties"];
    assert_eq!(
        p["start"],
        serde_json::json!({ "type": "string", "format": "date", "title": "start" })
    );
    assert_eq!(p["persons_best"]["type"], "integer");
    assert_eq!(p["aggregate"]["type"], "boolean");
}

// ---- GDAL ----------------------------------------------------------------

/// The real server on 127.0.0.1:0 in a thread of its own, recording the URIs
/// it is asked for; stopped when dropped, even when an assertion fails.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Links are absolute on the address listened on, as `serve` makes them
    /// (GDAL does not follow relative links).
    fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let app = tower::Layer::layer(
            &tower::util::MapRequestLayer::new(move |request: Request<Body>| {
                log.lock().expect("log").push(request.uri().to_string());
                request
            }),
            app_at(PublicUrl::listening_on(address)),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                serve(listener, app, async {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
            });
        });
        Self {
            port: address.port(),
            requests,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("OAPIF:http://127.0.0.1:{}/ogc", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("log").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs a GDAL program with a deadline, talking only to 127.0.0.1 (no proxy);
/// returns its stdout, failing with its stderr.
fn gdal(program: &str, args: &[&str], scratch: &Path) -> String {
    let (out, err) = (scratch.join("stdout"), scratch.join("stderr"));
    let mut child = Command::new(program)
        .args(args)
        .env("GDAL_HTTP_TIMEOUT", "30")
        .env("GDAL_HTTP_MAX_RETRY", "0")
        .env("no_proxy", "127.0.0.1")
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} took longer than 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&out).expect("stdout");
    let stderr = std::fs::read_to_string(&err).expect("stderr");
    assert!(
        status.success(),
        "{program} {args:?}: {status}\n{stdout}\n{stderr}"
    );
    stdout
}

#[test]
#[ignore = "needs GDAL (ogrinfo, ogr2ogr); scripts/test.sh runs it"]
fn gdal_oapif_lists_counts_and_pages_through_the_layers() {
    crate::require_gdal();
    let scratch = tempfile::tempdir().expect("tempdir");
    let server = Server::start();
    let url = server.url();

    let listing = gdal("ogrinfo", &["-ro", &url], scratch.path());
    for (i, layer) in LAYERS.iter().enumerate() {
        assert!(
            listing.contains(&format!("{}: {layer} ", i + 1)),
            "{layer} listed:\n{listing}"
        );
    }

    // Each layer of the geometry type of its items (issue 15.13).
    for (layer, geometry) in LAYERS.iter().zip(GEOMETRY) {
        let summary = gdal("ogrinfo", &["-ro", "-so", &url, layer], scratch.path());
        let gdal_name = match geometry {
            "MultiPoint" => "Multi Point",
            "LineString" => "Line String",
            "MultiLineString" => "Multi Line String",
            "MultiPolygon" => "Multi Polygon",
            other => other,
        };
        assert!(
            summary.contains(&format!("Geometry: {gdal_name}\n")),
            "{layer}:\n{summary}"
        );
    }

    let summary = gdal(
        "ogrinfo",
        &["-ro", "-al", "-so", &url, "events"],
        scratch.path(),
    );
    assert!(summary.contains("Feature Count: 78"), "{summary}");
    assert!(
        summary.contains("TEMPORAL_INTERVAL_MIN=2023-01-01T00:00:00Z"),
        "{summary}"
    );

    // A full read, ten features a page: GDAL follows our next links.
    let before = server.requests().len();
    let out = scratch.path().join("events.geojson");
    let out_str = out.to_str().expect("utf-8 path");
    gdal(
        "ogr2ogr",
        &[
            "-oo",
            "PAGE_SIZE=10",
            "-f",
            "GeoJSON",
            out_str,
            &url,
            "events",
        ],
        scratch.path(),
    );
    let written = json(&std::fs::read(&out).expect("written"));
    let read: HashSet<&str> = written["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        read.len(),
        78,
        "{} features",
        written["features"].as_array().map_or(0, Vec::len)
    );
    let pages: Vec<String> = server.requests()[before..]
        .iter()
        .filter(|u| u.starts_with("/ogc/collections/events/items"))
        .cloned()
        .collect();
    assert!(
        pages.len() >= 8 && pages.iter().any(|u| u.contains("offset=70")),
        "GDAL paged by tens: {pages:?}"
    );

    // A bbox read: GDAL asks the server to filter.
    let boxed = gdal(
        "ogrinfo",
        &[
            "-ro", "-al", "-q", "-spat", "98.4", "16.5", "98.7", "16.9", &url, "events",
        ],
        scratch.path(),
    );
    assert!(boxed.contains("E062"), "{boxed}");
    assert!(
        server.requests().iter().any(|u| u.contains("bbox=")),
        "the bbox went to the server"
    );
}
