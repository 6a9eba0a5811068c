//! What the map viewer reads besides the layers, over a real workspace: the
//! revision it polls grows with every write; drafts only for editors, never
//! cached; the quotes of published events for anyone, of drafts for editors.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use scamatlas::auth::Role;
use scamatlas::events::{Event, Rules};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::server::{router, App, ServerOptions, Store};
use scamatlas::workspace::{Author, Quote, Status, Workspace};
use serde_json::Value;

use crate::server::{get_from, json};

const ARTICLE_URL: &str = "https://example.org/viewer-test-report";
/// Our own words, written for this test.
const ARTICLE: &str = "MYAWADDY, Oct 20 - Police said on Monday that they had detained \
                       120 people at a compound south of the town.";
const QUOTE: &str = "detained 120 people";
/// An editor's translation of the quote (here: the same words, marked as a translation).
const TRANSLATION: &str = "(translation) detained 120 people";

/// A served workspace with one published event and one draft, both quoted,
/// and an editor's token.
struct Served {
    app: App,
    editor: String,
    _dir: tempfile::TempDir,
}

/// A raid at KK Park from a CSV row, through the one validation path.
fn raid(id: &str) -> Event {
    let csv = format!(
        "id,date,type,place,count,count_kind,source_url\n\
         {id},2025-10-20,raid,KK Park,120,arrested,{ARTICLE_URL}\n"
    );
    let read = scamatlas::events::read_csv("test.csv", &csv, crate::gazetteer(), Rules::default());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    read.events.into_iter().next().expect("one event")
}

impl Served {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("workspace.db");
        let editor = crate::server::runtime().block_on(async {
            let ws = Workspace::open(&path, 1).await.expect("workspace");
            ws.add_account("root", Role::Admin).await.expect("admin");
            let editor = ws.add_account("ed", Role::Editor).await.expect("editor");
            let author = Author("test:viewer".into());
            ws.add_article(
                ARTICLE_URL,
                Some("Example"),
                Some("2025-10-20"),
                Some(ARTICLE),
                &author,
            )
            .await
            .expect("article");
            // The draft's quote has a translation beside it; the published one none.
            let translated = Quote {
                translation: Some(TRANSLATION),
                ..Quote::new(ARTICLE_URL, QUOTE)
            };
            for (id, status, quote) in [
                ("PUB1", Status::Published, Quote::new(ARTICLE_URL, QUOTE)),
                ("DRAFT1", Status::Draft, translated),
            ] {
                ws.create_quoted(&raid(id), status, &author, None, Some(quote))
                    .await
                    .expect("event");
            }
            ws.close().await;
            editor.token
        });
        let store = Store::open(&path).expect("store");
        let state = store
            .serve(Arc::new(Gazetteer::bundled().expect("gazetteer")))
            .expect("served");
        Self {
            app: router(state, &ServerOptions::default()),
            editor,
            _dir: dir,
        }
    }

    fn get(&self, uri: &str, token: Option<&str>) -> (StatusCode, HeaderMap, Value) {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .iter()
            .map(|b| ("authorization", b.as_str()))
            .collect();
        let (status, headers, body) = get_from(self.app.clone(), uri, &headers);
        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, headers, value)
    }
}

fn cache_control(headers: &HeaderMap) -> &str {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[test]
fn drafts_are_served_to_editors_only_and_never_cached() {
    let served = Served::new();
    let (status, _, _) = served.get("/api/drafts.geojson", None);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, body) = served.get("/api/drafts.geojson", Some(&served.editor));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(cache_control(&headers), "private, no-store");
    assert_eq!(headers[header::CONTENT_TYPE], "application/geo+json");
    let ids: Vec<&str> = body["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, ["DRAFT1"], "drafts only, no published event");
    let properties = &body["features"][0]["properties"];
    assert_eq!(
        (&properties["start"], &properties["persons_best"]),
        (&Value::from("2025-10-20"), &Value::from(120)),
        "the draft has what the map draws events with: {properties}"
    );

    // The public layer has the published event and not the draft.
    let (_, _, layer) = served.get("/api/layers/events.geojson", None);
    let public: Vec<&str> = layer["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(public, ["PUB1"]);
}

#[test]
fn quotes_of_published_events_for_anyone_of_drafts_for_editors() {
    let served = Served::new();
    let (status, _, body) = served.get("/api/events/PUB1/evidence", None);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "published");
    let quote = &body["quotes"][0];
    assert_eq!(quote["quote"], QUOTE);
    assert_eq!(quote["source_url"], ARTICLE_URL);
    assert_eq!(quote["article"]["url"], ARTICLE_URL);
    assert_eq!(quote["article"]["outlet"], "Example");
    assert!(quote.get("translation").is_none(), "{quote}");
    // The offsets slice the quote out of the article, in characters.
    let (start, end) = (
        quote["start_char"].as_u64().expect("start") as usize,
        quote["end_char"].as_u64().expect("end") as usize,
    );
    let sliced: String = ARTICLE.chars().skip(start).take(end - start).collect();
    assert_eq!(sliced, QUOTE);

    let (status, _, _) = served.get("/api/events/DRAFT1/evidence", None);
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a draft's quotes are not public"
    );
    let (status, _, _) = served.get("/api/events/NOPE/evidence", Some(&served.editor));
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, body) = served.get("/api/events/DRAFT1/evidence", Some(&served.editor));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["quotes"][0]["quote"], QUOTE);
    assert_eq!(
        body["quotes"][0]["translation"], TRANSLATION,
        "the translation beside the quote, which stays as written"
    );
    assert_eq!(cache_control(&headers), "private, no-store");
}

#[test]
fn the_revision_grows_with_each_write_and_says_who_may_see_drafts() {
    let served = Served::new();
    let (status, headers, first) = served.get("/api/revision", None);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache_control(&headers), "private, no-store");
    assert_eq!(
        (&first["events"], &first["workspace"], &first["drafts"]),
        (&Value::from(1), &Value::from(true), &Value::from(false))
    );
    let (_, _, editor) = served.get("/api/revision", Some(&served.editor));
    assert_eq!(editor["drafts"], true);

    // A publication by another process: the revision grows once it is served.
    let dir = served._dir.path().join("workspace.db");
    crate::server::runtime().block_on(async {
        let ws = Workspace::open(&dir, 1).await.expect("workspace");
        ws.set_status(
            "DRAFT1",
            Status::Published,
            None,
            &Author("test:other".into()),
            None,
        )
        .await
        .expect("published");
        ws.close().await;
    });
    let start = Instant::now();
    loop {
        let (_, _, now) = served.get("/api/revision", None);
        if now["revision"] != first["revision"] {
            assert_eq!(now["events"], 2, "the new revision serves the new event");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the revision did not change"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_tile_asked_under_another_revision_is_the_cached_tile() {
    // The viewer asks event tiles with `v=REVISION` so that the browser never
    // reuses a tile from before a change; the server keys its cache without
    // it: a new revision costs no tile made again that the change left as it was.
    let events = scamatlas::events::load(
        &[scamatlas::events::EventInput::Bundled],
        crate::gazetteer(),
        Rules::default(),
        false,
    )
    .expect("events")
    .events;
    let catalog = scamatlas::layers::Catalog::new(Gazetteer::bundled().expect("gazetteer"), events)
        .expect("catalog");
    let state = Arc::new(scamatlas::server::AppState::new(catalog));
    let app = router(state.clone(), &ServerOptions::default());
    let tile = "/tiles/events/4/12/7.mvt?datetime=2025-08-12%2F2025-11-10";
    let (status, headers, first) = get_from(app.clone(), &format!("{tile}&v=1"), &[]);
    assert_eq!(status, StatusCode::OK);
    let made = state.tiles_made();
    for v in ["&v=2", "&v=3", ""] {
        let (status, again, body) = get_from(app.clone(), &format!("{tile}{v}"), &[]);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (again[header::ETAG].clone(), body),
            (headers[header::ETAG].clone(), first.clone())
        );
    }
    assert_eq!(
        state.tiles_made(),
        made,
        "a tile was made again for another v"
    );
}

#[test]
fn files_served_read_only_have_no_drafts_or_quotes() {
    let state = crate::server::state();
    let app = router(state, &ServerOptions::default());
    let (status, _, body) = get_from(app.clone(), "/api/revision", &[]);
    assert_eq!(status, StatusCode::OK);
    let body = json(&body);
    assert_eq!(
        (&body["workspace"], &body["drafts"]),
        (&Value::from(false), &Value::from(false))
    );
    let (status, _, _) = get_from(app.clone(), "/api/events/E001/evidence", &[]);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get_from(app, "/api/drafts.geojson", &[]);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
