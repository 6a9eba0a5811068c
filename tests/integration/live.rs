//! Serving a workspace live: changes made through another handle (or another
//! process) show in layers, OGC API and tiles; drafts never do; the tiles a
//! change does not touch stay cached; history over HTTP; the first start
//! fills a new workspace with the bundled events.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use mvt_reader::feature::Value;
use mvt_reader::Reader;
use scamatlas::events::Event;
use scamatlas::gazetteer::Gazetteer;
use scamatlas::server::{router, ServerOptions, Store};
use scamatlas::tiles::tile_of;
use scamatlas::workspace::{Author, Status, Workspace};

use crate::server::{get_from, json};

/// Longest a change may take to show before a test fails: generous, for
/// loaded machines (the README's benchmark measures the real figure).
const DEADLINE: Duration = Duration::from_secs(10);

/// A workspace handle of the test's own, on a runtime of its own: the
/// "other writer" of these tests.
struct Writer {
    runtime: tokio::runtime::Runtime,
    workspace: Workspace,
}

impl Writer {
    fn open(path: &Path) -> Self {
        let runtime = crate::server::runtime();
        let workspace = runtime
            .block_on(Workspace::open(path, 1))
            .expect("workspace opens");
        Self { runtime, workspace }
    }

    fn run<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(work)
    }

    /// Imports `events` as published, in one transaction.
    fn publish(&self, events: &[Event]) {
        let author = Author("test:writer".into());
        self.run(
            self.workspace
                .import(events, Status::Published, &author, None),
        )
        .expect("import");
    }
}

/// The ids of the features of the events layer of a tile.
fn tile_ids(bytes: &[u8]) -> Vec<String> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let reader = Reader::new(bytes.to_vec()).expect("a valid MVT");
    let mut ids = Vec::new();
    for meta in reader.get_layer_metadata().expect("layers") {
        for feature in reader.get_features(meta.layer_index).expect("features") {
            if let Some(Value::String(id)) = feature.properties.unwrap_or_default().get("id") {
                ids.push(id.clone());
            }
        }
    }
    ids
}

/// The ids of the features of a GeoJSON FeatureCollection.
fn geojson_ids(body: &[u8]) -> Vec<String> {
    json(body)["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["id"].as_str().map(String::from))
        .collect()
}

/// Polls `shows` until it holds; the time it took, or a failure after
/// [`DEADLINE`].
fn until(what: &str, mut shows: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !shows() {
        assert!(
            start.elapsed() < DEADLINE,
            "{what}: not within {DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

#[test]
fn a_published_change_shows_in_layers_ogc_and_tiles_and_only_its_tiles_are_made_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workspace.db");
    let writer = Writer::open(&path);
    let author = Author("test:writer".into());
    let events: Vec<Event> = scamatlas::events::synthetic::iter(2_000, 7).collect();
    writer.publish(&events);

    let store = Store::open(&path).expect("store");
    let state = store
        .serve(Arc::new(Gazetteer::bundled().expect("gazetteer")))
        .expect("the workspace served");
    let app = router(state.clone(), &ServerOptions::default());
    let get = |uri: &str| {
        let (status, _, body) = get_from(app.clone(), uri, &[]);
        (status, body)
    };
    assert_eq!(json(&get("/health").1)["events"], 2_000);

    // A new event at the place of the first, and a tile far from it.
    let near = events[0].clone();
    let far = events
        .iter()
        .find(|e| {
            let (a, b) = (e.point(), near.point());
            (a.lon - b.lon).abs() > 1.0 || (a.lat - b.lat).abs() > 1.0
        })
        .expect("an event far from the first");
    let z = 12;
    let tile_uri = |e: &Event| {
        let t = tile_of(e.point(), z).expect("tile");
        format!("/tiles/events/{}/{}/{}.mvt", t.z, t.x, t.y)
    };
    let (near_tile, far_tile) = (tile_uri(&near), tile_uri(far));
    assert!(tile_ids(&get(&far_tile).1).contains(&far.id.to_string()));
    assert!(!tile_ids(&get(&near_tile).1).is_empty());
    let p = near.point();
    let items = format!(
        "/ogc/collections/events/items?bbox={},{},{},{}&limit=1000",
        p.lon - 0.01,
        p.lat - 0.01,
        p.lon + 0.01,
        p.lat + 0.01
    );

    // A draft: the catalog is rebuilt (a new revision), and it is nowhere.
    let mut draft = near.clone();
    draft.id = "LIVE-1".into();
    let generation = state.catalog().generation;
    writer
        .run(
            writer
                .workspace
                .create(&draft, Status::Draft, &author, None),
        )
        .expect("draft");
    until("the draft's revision followed", || {
        state.catalog().generation > generation
    });
    assert!(!geojson_ids(&get("/api/layers/events.geojson").1).contains(&"LIVE-1".into()));
    assert!(!geojson_ids(&get(&items).1).contains(&"LIVE-1".into()));
    assert!(!tile_ids(&get(&near_tile).1).contains(&"LIVE-1".into()));
    assert_eq!(
        get("/api/events/LIVE-1/history").0,
        StatusCode::NOT_FOUND,
        "a draft has no public history"
    );

    // Both tiles cached now; publishing the draft drops only the near one.
    get(&far_tile);
    get(&near_tile);
    let made = state.tiles_made();
    writer
        .run(
            writer
                .workspace
                .set_status("LIVE-1", Status::Published, Some(1), &author, None),
        )
        .expect("publish");
    let committed = Instant::now();
    let has = |body: &[u8]| geojson_ids(body).contains(&"LIVE-1".into());
    until("the layer", || has(&get("/api/layers/events.geojson").1));
    until("OGC API items", || has(&get(&items).1));
    until("the tile", || {
        tile_ids(&get(&near_tile).1).contains(&"LIVE-1".into())
    });
    eprintln!(
        "a published change showed in the layer, OGC API and tile after {:?}",
        committed.elapsed()
    );
    let made_since = state.tiles_made() - made;
    assert_eq!(
        get(&far_tile).0,
        StatusCode::OK,
        "the far tile is still served"
    );
    assert_eq!(
        state.tiles_made() - made,
        made_since,
        "the far tile, untouched by the change, was not made again"
    );
    assert!(made_since >= 1, "the near tile was made again");

    // History of the published event: its two revisions.
    let (status, body) = get("/api/events/LIVE-1/history");
    assert_eq!(status, StatusCode::OK);
    let history = json(&body);
    let actions: Vec<&str> = history["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(actions, ["create", "publish"]);
    assert_eq!(history["revisions"][1]["author"], "test:writer");
    let (status, body) = get("/api/events/NOPE/history");
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["code"], "NotFound");

    // Retracted, it goes from the layer and the tile.
    writer
        .run(writer.workspace.set_status(
            "LIVE-1",
            Status::Retracted,
            None,
            &author,
            Some("a test retracts it"),
        ))
        .expect("retract");
    until("the retraction", || {
        !has(&get("/api/layers/events.geojson").1)
            && !tile_ids(&get(&near_tile).1).contains(&"LIVE-1".into())
    });
}

/// A `scamatlas serve` process with its own HOME, on a port of its choosing.
struct Served {
    child: Child,
    address: String,
    /// What it has logged so far (at `RUST_LOG=info`).
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Served {
    /// `scamatlas --workspace WORKSPACE serve ARGS`.
    fn start(home: &Path, workspace: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scamatlas"))
            .arg("--workspace")
            .arg(workspace)
            .args(["serve", "--bind", "127.0.0.1:0", "--threads", "1"])
            .args(args)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env_remove("SCAMATLAS_WORKSPACE")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("scamatlas serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (found, address) = std::sync::mpsc::channel();
        let log: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let lines = Arc::clone(&log);
        // Reads stderr to the end, so that the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving on http://").nth(1) {
                    let _ = found.send(rest.split('/').next().unwrap_or_default().to_string());
                }
                lines.lock().expect("log").push(line);
            }
        });
        let address = address
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens");
        Self {
            child,
            address,
            log,
        }
    }

    /// Whether a line it logged contains every one of `words`.
    fn logged(&self, words: &[&str]) -> bool {
        let log = self.log.lock().expect("log");
        log.iter()
            .any(|line| words.iter().all(|w| line.contains(w)))
    }

    /// The ids of the events it serves.
    fn event_ids(&self) -> Vec<String> {
        let (status, body) = self.get("/api/layers/events.geojson");
        assert_eq!(status, 200);
        let mut ids = geojson_ids(&body);
        ids.sort();
        ids
    }

    /// Status and body of a GET over HTTP/1.0 (the body ends with the
    /// connection).
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut stream = std::net::TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n",
            self.address
        )
        .expect("send");
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("answer");
        let split = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("headers end");
        let head = String::from_utf8_lossy(&answer[..split]);
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        (status, answer[split + 4..].to_vec())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_fills_a_new_workspace_with_the_bundled_events_and_follows_another_process() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("ws").join("workspace.db");
    let server = Served::start(home.path(), &path, &[]);
    let (status, body) = server.get("/health");
    assert_eq!(status, 200);
    let served = json(&body)["events"].as_u64().expect("events");
    assert!(served > 0, "the bundled events are served");

    let writer = Writer::open(&path);
    let counts = writer.run(writer.workspace.counts()).expect("counts");
    assert_eq!(counts, [0, i64::try_from(served).expect("small"), 0]);
    let first = writer
        .run(writer.workspace.all(&[Status::Published]))
        .expect("events")
        .remove(0);
    let id = first.event.id.to_string();
    let (status, body) = server.get(&format!("/api/events/{id}/history"));
    assert_eq!(status, 200);
    assert_eq!(json(&body)["revisions"][0]["action"], "import");

    // Another writer edits it; the running server shows the edit.
    let mut edited = first.event.clone();
    edited.notes = "Edited by another process.".into();
    writer
        .run(writer.workspace.edit(
            &edited,
            Some(first.version),
            &Author("test:other".into()),
            Some("a test edits it"),
        ))
        .expect("edit");
    let committed = Instant::now();
    until("the edit", || {
        let (_, body) = server.get(&format!("/ogc/collections/events/items/{id}"));
        String::from_utf8_lossy(&body).contains("Edited by another process.")
    });
    eprintln!("an edit showed in OGC API after {:?}", committed.elapsed());
    let (_, body) = server.get(&format!("/api/events/{id}/history"));
    assert_eq!(json(&body)["revisions"][1]["reason"], "a test edits it");
    drop(server);

    // Started again, the workspace is not filled twice.
    let again = Served::start(home.path(), &path, &[]);
    assert_eq!(json(&again.get("/health").1)["events"], served);
    drop(again);
    let counts = writer.run(writer.workspace.counts()).expect("counts");
    assert_eq!(counts[1], i64::try_from(served).expect("small"));
}

#[test]
fn history_is_not_found_when_serving_files_read_only() {
    let home = tempfile::tempdir().expect("tempdir");
    let flag = home.path().join("unused.db");
    let server = Served::start(home.path(), &flag, &["--events", "bundled"]);
    let (status, body) = server.get("/api/events/E001/history");
    assert_eq!(status, 404);
    let description = json(&body)["description"].to_string();
    assert!(description.contains("read-only"), "{description}");
    drop(server);
    assert!(!flag.exists(), "read-only serving opens no workspace");
}

/// The ids of the published events of a workspace, sorted.
fn published_ids(writer: &Writer) -> Vec<String> {
    let mut ids: Vec<String> = writer
        .run(writer.workspace.all(&[Status::Published]))
        .expect("events")
        .into_iter()
        .map(|s| s.event.id.to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_server_starts_from_its_saved_catalog_with_the_changes_made_since() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("workspace.db");
    let saved = scamatlas::server::saved_catalog_path(&path);
    let writer = Writer::open(&path);
    let author = Author("test:writer".into());
    let events: Vec<Event> = scamatlas::events::synthetic::iter(3_000, 5).collect();
    writer.publish(&events);

    // The first start reads the store, and saves the catalog once serving.
    let server = Served::start(home.path(), &path, &[]);
    until("the catalog saved", || server.logged(&["catalog saved"]));
    assert!(saved.exists());
    assert_eq!(server.event_ids(), published_ids(&writer));
    drop(server);

    // Changes while no server runs: one new event, one retracted, one moved.
    let mut new = events[0].clone();
    new.id = "ZZ-NEW".into();
    writer
        .run(
            writer
                .workspace
                .create(&new, Status::Published, &author, None),
        )
        .expect("create");
    let gone = events[1].id.to_string();
    writer
        .run(
            writer
                .workspace
                .set_status(&gone, Status::Retracted, None, &author, Some("test")),
        )
        .expect("retract");
    let mut moved = events[2].clone();
    moved.notes = "Moved while the server was stopped.".into();
    writer
        .run(writer.workspace.edit(&moved, None, &author, Some("test")))
        .expect("edit");
    let modified = std::fs::metadata(&saved)
        .and_then(|m| m.modified())
        .expect("mtime");

    let server = Served::start(home.path(), &path, &[]);
    assert!(
        server.logged(&["catalog read from its saved copy", "changes_since=3"]),
        "started from the saved catalog: {:?}",
        server.log.lock().expect("log")
    );
    let ids = server.event_ids();
    assert_eq!(ids, published_ids(&writer));
    assert!(ids.contains(&"ZZ-NEW".to_string()) && !ids.contains(&gone));
    let (_, body) = server.get(&format!("/ogc/collections/events/items/{}", moved.id));
    assert!(String::from_utf8_lossy(&body).contains("Moved while the server was stopped."));
    drop(server);
    let unchanged = std::fs::metadata(&saved)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(
        modified, unchanged,
        "a saved catalog brought up to date is not saved again"
    );

    // Damaged, it is read from the store again (and saved anew).
    let mut bytes = std::fs::read(&saved).expect("saved");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&saved, bytes).expect("damage");
    let server = Served::start(home.path(), &path, &[]);
    assert!(server.logged(&["damaged", "reading the events from the workspace instead"]));
    assert_eq!(server.event_ids(), published_ids(&writer));
    until("the catalog saved anew", || {
        server.logged(&["catalog saved"])
    });
    drop(server);

    // The saved catalog of another workspace is not read.
    let other = home.path().join("other.db");
    let other_writer = Writer::open(&other);
    other_writer.publish(&events[..10]);
    drop(other_writer);
    std::fs::copy(&saved, scamatlas::server::saved_catalog_path(&other)).expect("copy");
    let server = Served::start(home.path(), &other, &[]);
    assert!(server.logged(&["saved for another workspace"]));
    assert_eq!(json(&server.get("/health").1)["events"], 10);
}

#[test]
fn after_many_changes_the_served_events_are_compacted_and_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workspace.db");
    let writer = Writer::open(&path);
    let events: Vec<Event> = scamatlas::events::synthetic::iter(12_000, 3).collect();
    writer.publish(&events[..2_000]);
    let state = Store::open(&path)
        .expect("store")
        .serve(Arc::new(Gazetteer::bundled().expect("gazetteer")))
        .expect("the workspace served");
    let saved = scamatlas::server::saved_catalog_path(&path);
    until("the first catalog saved", || saved.exists());
    let first = std::fs::metadata(&saved)
        .and_then(|m| m.modified())
        .expect("mtime");

    // More changes than a compaction waits for, in one burst.
    writer.publish(&events[2_000..]);
    until("the changes served", || {
        state.catalog().dataset().len() == 12_000
    });
    until("the served events compacted", || {
        state.catalog().dataset().changed() == 0
    });
    until("the compacted catalog saved", || {
        std::fs::metadata(&saved)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t > first)
    });
    let served = state.catalog();
    let mut ids: Vec<String> = served
        .dataset()
        .events()
        .map(|e| e.id.to_string())
        .collect();
    let sorted = {
        let mut s = ids.clone();
        s.sort();
        s
    };
    assert_eq!(ids, sorted, "compacted in id order");
    ids.dedup();
    assert_eq!(ids.len(), 12_000);
}
