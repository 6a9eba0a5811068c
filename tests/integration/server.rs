//! The HTTP server in process: the router called with `oneshot`, and `serve`
//! on 127.0.0.1:0 with a shutdown the test controls.

use scamatlas::events::Rules;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use scamatlas::events::{self, EventInput};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::layers::Catalog;
use scamatlas::server::{router, serve, App, AppState, ConnectionLimits, ServerOptions};
use tower::ServiceExt;

/// The bundled data behind a server, built once for all server tests.
pub fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let gazetteer = Gazetteer::bundled().expect("gazetteer");
            let events = events::load(&[EventInput::Bundled], &gazetteer, Rules::default(), false)
                .expect("events")
                .events;
            Arc::new(AppState::new(
                Catalog::new(gazetteer, events).expect("catalog"),
            ))
        })
        .clone()
}

fn app() -> App {
    router(
        state(),
        &ServerOptions {
            cors: vec!["*".into()],
            ..ServerOptions::default()
        },
    )
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Status, headers and body of a GET.
pub fn get(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    get_from(app(), uri, headers)
}

/// Status, headers and body of a GET answered by `app`.
pub fn get_from(
    app: App,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    runtime().block_on(async {
        let mut request = Request::get(uri);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = app
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        (parts.status, parts.headers, bytes.to_vec())
    })
}

pub fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", String::from_utf8_lossy(body)))
}

pub fn feature_ids(body: &[u8]) -> Vec<String> {
    let collection: geojson::FeatureCollection =
        serde_json::from_slice(body).expect("a FeatureCollection");
    collection
        .features
        .iter()
        .map(|f| match &f.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            other => panic!("feature without a string id: {other:?}"),
        })
        .collect()
}

#[test]
fn health_and_resolve() {
    let (status, _, body) = get("/health", &[]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["events"], 78);

    let (status, _, body) = get("/api/resolve?q=%E8%80%81%E8%A1%97&near=Kokang", &[]);
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["candidates"][0]["id"], "laukkai");
    assert_eq!(v["ambiguous"], false);
    let (status, _, body) = get("/api/resolve?q=Laokai", &[]);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["ambiguous"], true);
}

#[test]
fn layers_catalog_and_every_layer_as_geojson() {
    let (status, _, body) = get("/api/layers", &[]);
    assert_eq!(status, StatusCode::OK);
    let catalog = json(&body);
    let ids: Vec<&str> = catalog["layers"]
        .as_array()
        .expect("array")
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "events",
            "hubs",
            "drift",
            "flows",
            "places",
            "borders",
            "countries"
        ]
    );
    for id in ids {
        let (status, headers, body) = get(&format!("/api/layers/{id}.geojson"), &[]);
        assert_eq!(status, StatusCode::OK, "{id}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/geo+json",
            "{id}"
        );
        assert!(!feature_ids(&body).is_empty(), "{id} has features");
    }
}

#[test]
fn event_layer_filters_by_bbox_datetime_type_and_limit() {
    let (_, _, all) = get("/api/layers/events.geojson", &[]);
    assert_eq!(feature_ids(&all).len(), 78);
    let (_, _, boxed) = get("/api/layers/events.geojson?bbox=98.4,16.5,98.7,16.9", &[]);
    let boxed = feature_ids(&boxed);
    assert!(
        boxed.contains(&"E062".to_string()) && !boxed.contains(&"E023".to_string()),
        "{boxed:?}"
    );
    let (_, _, raids) = get(
        "/api/layers/events.geojson?bbox=98.4,16.5,98.7,16.9&type=raid&datetime=2025-01-01/..",
        &[],
    );
    let raids = feature_ids(&raids);
    assert!(
        !raids.is_empty() && raids.len() < boxed.len() && raids.iter().all(|id| boxed.contains(id))
    );
    let (_, _, two) = get("/api/layers/events.geojson?limit=2", &[]);
    assert_eq!(feature_ids(&two).len(), 2);
    // Hubs follow the time filter too.
    let (_, _, hubs) = get(
        "/api/layers/hubs.geojson?datetime=2025-10-01/2025-12-31",
        &[],
    );
    let collection: geojson::FeatureCollection = serde_json::from_slice(&hubs).expect("GeoJSON");
    assert!(collection
        .features
        .iter()
        .all(|f| f.property("period").and_then(|p| p.as_str()) == Some("2025-Q4")));
}

#[test]
fn query_endpoint_answers_like_the_cli() {
    let (status, _, body) = get("/api/query?near=Myawaddy&radius_km=30", &[]);
    assert_eq!(status, StatusCode::OK);
    let ids = feature_ids(&body);
    assert!(
        ids.contains(&"E062".to_string()) && ids.contains(&"E074".to_string()),
        "{ids:?}"
    );
    let (_, _, body) = get("/api/query?border=china&within_km=10&type=raid", &[]);
    assert!(feature_ids(&body).contains(&"E023".to_string()));
    let (_, _, body) = get("/api/query?nearest=Boten&k=2", &[]);
    assert_eq!(feature_ids(&body).len(), 2);
}

#[test]
fn bad_input_is_a_400_naming_the_parameter_and_unknown_things_404() {
    for (uri, parameter) in [
        ("/api/layers/events.geojson?bbox=1,2,3", "bbox"),
        ("/api/layers/events.geojson?bbox=99,17,98,16", "bbox"),
        ("/api/layers/events.geojson?datetime=2025-13-01", "datetime"),
        ("/api/layers/events.geojson?type=party", "type"),
        ("/api/layers/events.geojson?limit=-1", "limit"),
        ("/api/layers/events.geojson?limit=lots", "limit"),
        ("/api/resolve", "q"),
        ("/api/resolve?q=", "q"),
        ("/api/resolve?q=Muse&near=98,95", "near"),
        ("/api/resolve?q=Muse&kind=blob", "kind"),
        ("/api/query?near=Myawaddy", "radius_km"),
        ("/api/query?near=Myawaddy&radius_km=-5", "radius_km"),
        ("/api/query?border=atlantic&within_km=5", "border"),
    ] {
        let (status, headers, body) = get(uri, &[]);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .expect("ascii")
                .starts_with("application/json"),
            "{uri}"
        );
        assert_eq!(
            json(&body)["parameter"],
            parameter,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    for (uri, parameter) in [
        ("/api/layers/%FF.geojson", "path"),
        ("/api/layers/events.geojson?bbox=%FF", "bbox"),
    ] {
        let (status, _, body) = get(uri, &[]);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(json(&body)["parameter"], parameter, "{uri}");
    }
    for uri in [
        "/api/layers/nope.geojson",
        "/api/layers/events.kml",
        "/nothing/here",
    ] {
        let (status, _, _) = get(uri, &[]);
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    // A very long query string is still an answer, not a crash.
    let long = format!("/api/resolve?q={}", "a".repeat(20_000));
    let (status, _, _) = get(&long, &[]);
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[test]
fn gzip_and_cors_when_asked() {
    let (status, headers, body) = get(
        "/api/layers/countries.geojson",
        &[
            ("accept-encoding", "gzip"),
            ("origin", "http://localhost:3000"),
        ],
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut plain)
        .expect("gzip");
    assert!(!feature_ids(&plain).is_empty());
}

#[test]
fn serve_binds_port_zero_and_stops_when_told() {
    runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, app(), async {
            let _ = stopped.await;
        }));
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connect");
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.expect("read");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        stop.send(()).expect("server still running");
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(5), server).await;
        assert!(
            matches!(outcome, Ok(Ok(Ok(())))),
            "the server stops cleanly"
        );
    });
}

#[test]
fn serve_threads_deals_connections_to_its_threads_and_stops_when_told() {
    with_server(3, ConnectionLimits::default(), |address| {
        // More connections than threads, each with a few requests, side by side.
        let clients: Vec<_> = (0..7)
            .map(|i| {
                std::thread::spawn(move || {
                    use std::io::{Read, Write};
                    let mut stream = std::net::TcpStream::connect(address).expect("connect");
                    stream
                        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                        .expect("timeout");
                    let request = format!(
                        "GET /api/resolve?q=Myawaddy&n={i} HTTP/1.1\r\nHost: x\r\n\r\n\
                     GET /tiles/events/5/24/14.mvt HTTP/1.1\r\nHost: x\r\n\r\n\
                     GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    );
                    stream.write_all(request.as_bytes()).expect("write");
                    let mut reply = Vec::new();
                    stream.read_to_end(&mut reply).expect("read");
                    String::from_utf8_lossy(&reply)
                        .matches("HTTP/1.1 200")
                        .count()
                })
            })
            .collect();
        for client in clients {
            assert_eq!(
                client.join().expect("client"),
                3,
                "three answers per connection"
            );
        }
    });
}

#[test]
fn layer_downloads_honour_byte_ranges() {
    let (_, headers, whole) = get("/api/layers/events.geojson", &[]);
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    let (status, headers, part) = get("/api/layers/events.geojson", &[("range", "bytes=10-109")]);
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part, whole[10..110]);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 10-109/{}", whole.len())
    );
    // Never gzip-compressed: the range is of the plain bytes.
    let (status, headers, part) = get(
        "/api/layers/events.geojson",
        &[("range", "bytes=10-109"), ("accept-encoding", "gzip")],
    );
    assert_eq!((status, part.len()), (StatusCode::PARTIAL_CONTENT, 100));
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    let (status, _, tail) = get("/api/layers/events.geojson", &[("range", "bytes=-20")]);
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail, whole[whole.len() - 20..]);
    let (status, _, rest) = get("/api/layers/events.geojson", &[("range", "bytes=100-")]);
    assert_eq!(
        (status, rest.len()),
        (StatusCode::PARTIAL_CONTENT, whole.len() - 100)
    );
    let beyond = format!("bytes={}-", whole.len() + 5);
    let (status, headers, _) = get("/api/layers/events.geojson", &[("range", &beyond)]);
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes */{}", whole.len())
    );
}

#[test]
fn a_large_layer_streams_in_chunks_that_add_up_to_the_whole_file() {
    // 6,000 events: several writer blocks and several 256 KiB chunks.
    let gazetteer = Gazetteer::bundled().expect("gazetteer");
    let events = events::synthetic::events(6_000, 9);
    let expected: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let state = Arc::new(AppState::new(
        Catalog::new(gazetteer, events).expect("catalog"),
    ));
    let fetch = |headers: &[(&str, &str)]| {
        let app = router(state.clone(), &ServerOptions::default());
        let (status, _, body) = get_from(app, "/api/layers/events.geojson", headers);
        (status, body)
    };
    let (status, streamed) = fetch(&[]);
    assert_eq!(status, StatusCode::OK);
    assert!(streamed.len() > 1 << 20, "{} bytes", streamed.len());
    assert_eq!(feature_ids(&streamed), expected);
    // The buffered answer to a range request is the same bytes.
    let (status, whole) = fetch(&[("range", "bytes=0-")]);
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert!(whole == streamed, "streamed and buffered bodies differ");
    let (_, gzipped) = fetch(&[("accept-encoding", "gzip")]);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut plain)
        .expect("gzip");
    assert!(
        plain == streamed,
        "gzip of the stream decodes to the same bytes"
    );
}

/// `/api/query` with nothing to look for says what it needs instead of
/// answering every event (issue 15).
#[test]
fn a_query_without_a_filter_says_what_it_needs() {
    for uri in ["/api/query", "/api/query?limit=5", "/api/query?type="] {
        let (status, _, body) = get(uri, &[]);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        let description = json(&body)["description"].to_string();
        for needed in [
            "near", "nearest", "bbox", "within", "border", "datetime", "type",
        ] {
            assert!(description.contains(needed), "{uri}: {description}");
        }
    }
    let (status, _, body) = get("/api/query?type=raid", &[]);
    assert_eq!(status, StatusCode::OK);
    assert!(!feature_ids(&body).is_empty());
}

/// No error repeats a long input whole: parameters, path segments and
/// header names are quoted only in part (issue 15: a 10 MB header name).
#[test]
fn no_error_echoes_a_long_input_whole() {
    let long = "x".repeat(60_000);
    for uri in [
        format!("/api/resolve?q=Muse&kind={long}"),
        format!("/api/layers/events.geojson?type={long}"),
        format!("/tiles/events/6/50/28.mvt?datetime={long}"),
        format!("/tiles/{long}.json"),
        format!("/ogc/collections/{long}"),
        format!("/nothing/{long}"),
    ] {
        let (status, _, body) = get(&uri, &[]);
        assert!(status.is_client_error(), "{}: {status}", &uri[..30]);
        assert!(body.len() < 1_000, "{}: {} bytes", &uri[..30], body.len());
    }
    // Over TCP, a 10 MB header name is refused before any handler sees it.
    with_server(2, ConnectionLimits::default(), |address| {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        let wait = Some(std::time::Duration::from_secs(30));
        stream.set_read_timeout(wait).expect("timeout");
        stream.set_write_timeout(wait).expect("timeout");
        let mut request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
        request.extend(std::iter::repeat_n(b'N', 10 << 20));
        request.extend(b": 1\r\nConnection: close\r\n\r\n");
        // The server may stop reading (and close) before all is sent; what it
        // answered is kept even when the connection is then reset.
        let _ = stream.write_all(&request);
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        let text = String::from_utf8_lossy(&reply);
        assert!(
            text.starts_with("HTTP/1.1 431"),
            "{}",
            &text[..text.len().min(200)]
        );
        assert!(reply.len() < 1_000 && !text.contains("NNNN"), "{text}");
    });
}

/// Serves the app from `threads` threads within `limits` on 127.0.0.1:0
/// while `body` runs with the address; then tells the server to stop and
/// checks that it stops cleanly within 10 s.
fn with_server(threads: usize, limits: ConnectionLimits, body: impl FnOnce(std::net::SocketAddr)) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        scamatlas::server::serve_threads(listener, threads, limits, app(), async {
            let _ = stopped.await;
        })
    });
    body(address);
    stop.send(()).expect("server still running");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !server.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(server.is_finished(), "the server stops when told");
    server.join().expect("server thread").expect("a clean stop");
}

/// Whether the server has closed `stream` (EOF or reset) within `wait`.
fn closed_within(stream: &mut std::net::TcpStream, wait: std::time::Duration) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(wait)).expect("timeout");
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

fn health(address: std::net::SocketAddr) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("timeout");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}

#[test]
fn idle_and_half_sent_connections_beyond_the_cap_cannot_keep_health_from_answering() {
    use std::io::Write;
    let limits = ConnectionLimits {
        max: 8,
        ..ConnectionLimits::default()
    };
    with_server(2, limits, |address| {
        // Three times the cap: idle ones, and ones that sent half a header.
        let mut held: Vec<_> = (0..24)
            .map(|i| {
                let mut stream = std::net::TcpStream::connect(address).expect("connect");
                if i % 2 == 1 {
                    stream
                        .write_all(b"GET /health HTTP/1.1\r\nHo")
                        .expect("write");
                }
                // Let the server take them in order, oldest idle first.
                std::thread::sleep(std::time::Duration::from_millis(20));
                stream
            })
            .collect();
        let reply = health(address);
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply:?}");
        // The oldest were closed to admit the newer ones.
        let wait = std::time::Duration::from_secs(5);
        let closed = held
            .iter_mut()
            .take(12)
            .map(|s| closed_within(s, wait))
            .filter(|&c| c)
            .count();
        assert_eq!(closed, 12, "the oldest idle connections are closed");
    });
}

#[test]
fn a_half_sent_header_is_closed_after_the_header_timeout_and_an_idle_connection_stays() {
    use std::io::Write;
    let limits = ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(1),
        ..ConnectionLimits::default()
    };
    with_server(2, limits, |address| {
        let started = std::time::Instant::now();
        let mut idle = std::net::TcpStream::connect(address).expect("connect");
        let mut half = std::net::TcpStream::connect(address).expect("connect");
        half.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .expect("write");
        assert!(
            closed_within(&mut half, std::time::Duration::from_secs(20)),
            "a half-sent header is closed"
        );
        assert!(started.elapsed() >= std::time::Duration::from_millis(900));
        // Idle with nothing sent: kept for the idle timeout (60 s).
        assert!(!closed_within(
            &mut idle,
            std::time::Duration::from_millis(500)
        ));
        idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        assert!(!closed_within(&mut idle, std::time::Duration::from_secs(5)));
    });
}
