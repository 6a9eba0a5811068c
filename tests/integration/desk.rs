//! The review desk's API over a real workspace: articles brought in once
//! (text or HTML, bounded), what the geoparser found and editors'
//! corrections of it, the queue of drafts, similar events, and a further
//! claim attached with its quote and translation (one winner among racing
//! writers). Fixture texts are written for these tests.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::edit::{raid, Desk};
use crate::server::runtime;

/// A report written for these tests: a raid with its figure repeated and
/// broken down, and an earlier deportation recalled.
const REPORT: &str = "MAE SOT, March 5 (Example) - Thai police arrested 120 people in a raid \
on a compound in Shwe Kokko on Monday, officials said. Of the 120 people arrested, 70 were \
Chinese nationals. Late last year, 300 people were deported from Myawaddy.";

fn post_article(desk: &Desk, token: &str, body: Value) -> (StatusCode, HeaderMap, Value) {
    desk.as_token(token, Method::POST, "/api/articles", &[], Some(body))
}

fn get(desk: &Desk, token: &str, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = desk.as_token(token, Method::GET, uri, &[], None);
    (status, body)
}

/// A raw body of `bytes` bytes (a JSON string member padded with `x`).
fn raw_post(desk: &Desk, token: &str, uri: &str, bytes: usize) -> StatusCode {
    let head = r#"{"url": "https://example.org/big", "text": ""#;
    let tail = r#""}"#;
    let body = format!(
        "{head}{}{tail}",
        "x".repeat(bytes - head.len() - tail.len())
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let app = desk.app.clone();
    runtime().block_on(async move { app.oneshot(request).await.expect("response").status() })
}

/// The problem's field of a 422.
fn field(body: &Value) -> &str {
    body["problems"][0]["field"].as_str().unwrap_or("")
}

/// The characters `[start, end)` of `text`.
fn chars(text: &str, start: &Value, end: &Value) -> String {
    let (s, e) = (
        start.as_u64().expect("start") as usize,
        end.as_u64().expect("end") as usize,
    );
    text.chars().skip(s).take(e - s).collect()
}

#[test]
fn an_article_comes_in_once_by_url_or_text() {
    let desk = Desk::new();
    let new = json!({"url": "https://example.org/raid", "outlet": "Example",
                     "published": "2025-03-05", "text": REPORT});
    let (status, headers, body) = post_article(&desk, &desk.editor, new.clone());
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().expect("id");
    assert_eq!(
        headers[header::LOCATION],
        format!("/api/articles/{id}").as_str()
    );
    assert_eq!(body["existing"], false);
    assert_eq!(body["chars"], REPORT.chars().count());
    let (status, _, again) = post_article(&desk, &desk.reviewer, new);
    assert_eq!(
        (status, &again["id"], &again["existing"]),
        (StatusCode::OK, &json!(id), &json!(true))
    );
    let same_text = json!({"url": "https://example.org/copy", "text": format!("  {REPORT}\n")});
    let (status, _, copy) = post_article(&desk, &desk.editor, same_text);
    assert_eq!(
        (status, &copy["id"]),
        (StatusCode::OK, &json!(id)),
        "{copy}"
    );

    let (status, _, _) = desk.send(
        Method::POST,
        "/api/articles",
        &[],
        Some(json!({"url": "https://example.org/x", "text": "x"})),
    );
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (bad, named) in [
        (json!({"url": "ftp://example.org/a", "text": "x"}), "url"),
        (
            json!({"url": "https://example.org/a", "text": "x", "published": "2025-13-01"}),
            "published",
        ),
        (json!({"url": "https://example.org/a"}), "text"),
        (
            json!({"url": "https://example.org/a", "text": "  "}),
            "text",
        ),
        (
            json!({"url": "https://example.org/a", "text": "x", "html": "<p>x</p>"}),
            "html",
        ),
        (
            json!({"url": "https://example.org/a", "html": format!("{}x", "<div>".repeat(300))}),
            "html",
        ),
    ] {
        let (status, _, body) = post_article(&desk, &desk.editor, bad);
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, named),
            "{body}"
        );
    }
    let (status, _, body) = post_article(
        &desk,
        &desk.editor,
        json!({"url": "https://example.org/a", "text": "x", "colour": 1}),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[test]
fn articles_take_up_to_a_mebibyte_and_other_bodies_keep_their_limit() {
    let desk = Desk::new();
    assert_eq!(
        raw_post(&desk, &desk.editor, "/api/articles", 300 * 1024),
        StatusCode::CREATED
    );
    assert_eq!(
        raw_post(&desk, &desk.editor, "/api/articles", 1024 * 1024 + 1),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        raw_post(&desk, &desk.editor, "/api/events", 300 * 1024),
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[test]
fn html_is_reduced_to_the_article_text() {
    let desk = Desk::new();
    let html = format!(
        "<html><head><title>Raid</title><script>track('x')</script></head><body>\
         <nav><a href='/'>Home</a> | <a href='/asia'>Asia</a></nav>\
         <article><h1>Police raid compound</h1><p>{REPORT}</p><p>More to follow.</p></article>\
         <footer>Example News</footer></body></html>"
    );
    let (status, _, body) = post_article(
        &desk,
        &desk.editor,
        json!({"url": "https://example.org/page", "html": html}),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, view) = get(
        &desk,
        &desk.editor,
        &format!("/api/articles/{}", body["id"]),
    );
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(
        view["article"]["text"],
        format!("Police raid compound\n\n{REPORT}\n\nMore to follow.").as_str()
    );
}

#[test]
fn an_article_shows_its_places_dates_counts_and_proposals_with_corrections_applied() {
    let desk = Desk::new();
    let new = json!({"url": "https://example.org/raid", "published": "2025-03-05", "text": REPORT});
    let (_, _, body) = post_article(&desk, &desk.editor, new);
    let uri = format!("/api/articles/{}", body["id"]);
    let (status, _) = get(&desk, &desk.reviewer, &uri);
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = desk.send(Method::GET, &uri, &[], None);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, view) = get(&desk, &desk.editor, &uri);
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["article_date"], "2025-03-05");
    for list in ["mentions", "dates", "counts"] {
        for m in view[list].as_array().expect(list) {
            assert_eq!(
                chars(REPORT, &m["start"], &m["end"]),
                m["text"].as_str().expect("text"),
                "{list}: {m}"
            );
            assert!(m["unsure"].is_boolean(), "{m}");
        }
    }
    let names: Vec<&str> = view["mentions"]
        .as_array()
        .expect("mentions")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or(""))
        .collect();
    assert!(
        names.contains(&"Shwe Kokko") && names.contains(&"Myawaddy"),
        "{names:?}"
    );
    let shwe = view["mentions"]
        .as_array()
        .expect("m")
        .iter()
        .find(|m| m["text"] == "Shwe Kokko")
        .expect("Shwe Kokko")
        .clone();
    let ranked = view["candidates"]["Shwe Kokko"]
        .as_array()
        .expect("candidates");
    assert!(
        ranked.iter().any(|c| c["id"] == shwe["place"]["id"]),
        "{ranked:#?}"
    );
    assert!(shwe["reason"].as_str().is_some_and(|r| !r.is_empty()));

    let proposals = view["proposals"].as_array().expect("proposals");
    let raid = &proposals[0];
    assert_eq!(
        (&raid["type"], &raid["standing"]),
        (&json!("raid"), &json!("new")),
        "{raid:#}"
    );
    assert_eq!(
        raid["counts"][0],
        json!({"kind": "arrested", "low": 120, "best": 120, "high": 120})
    );
    let roles: Vec<&str> = raid["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["role"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(roles, ["total", "repeat", "breakdown"], "{raid:#}");
    assert_eq!(
        raid["date"]["start"], "2025-03-03",
        "Monday before the published date"
    );
    assert_eq!(raid["place"]["text"], "Shwe Kokko");
    assert_eq!(raid["draft"]["properties"]["type"], "raid");
    let earlier = proposals
        .iter()
        .find(|p| p["type"] == "deportation")
        .expect("the deportation");
    assert_eq!(earlier["standing"], "background", "{earlier:#}");

    // Shwe Kokko is said to be KK Park; "Myawaddy" is said to be no place.
    let start = shwe["start"].as_i64().expect("start");
    let put = |body: Value, at: i64| {
        desk.as_token(
            &desk.editor,
            Method::PUT,
            &format!("{uri}/mentions/{at}"),
            &[],
            Some(body),
        )
    };
    let (status, _, fixed) = put(json!({"place_id": "kk_park"}), start);
    assert_eq!(status, StatusCode::OK, "{fixed}");
    let shwe = fixed["mentions"]
        .as_array()
        .expect("m")
        .iter()
        .find(|m| m["start"] == start)
        .expect("still there")
        .clone();
    assert_eq!(
        (&shwe["place"]["id"], &shwe["corrected"], &shwe["unsure"]),
        (&json!("kk_park"), &json!(true), &json!(false))
    );
    assert_eq!(fixed["proposals"][0]["place"]["id"], "kk_park");
    assert_eq!(fixed["corrections"][0]["author"], "account:ed");
    let myawaddy = REPORT.find("Myawaddy").expect("in the text") as i64;
    let (status, _, fixed) = put(json!({"not_a_place": true}), myawaddy);
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert!(fixed["mentions"]
        .as_array()
        .expect("m")
        .iter()
        .all(|m| m["text"] != "Myawaddy"));
    // Stored: a new GET shows both.
    let (_, view) = get(&desk, &desk.editor, &uri);
    assert_eq!(view["corrections"].as_array().map(Vec::len), Some(2));
    assert_eq!(view["proposals"][0]["place"]["id"], "kk_park");
    // "compound" is no mention: a span needs its end.
    let compound = REPORT.find("compound").expect("in the text") as i64;
    let (status, _, body) = put(json!({"place_id": "kk_park"}), compound);
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "start"),
        "{body}"
    );
    let (status, _, body) = put(
        json!({"place_id": "kk_park", "end": compound + 8}),
        compound,
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["mentions"]
        .as_array()
        .expect("m")
        .iter()
        .any(|m| m["text"] == "compound"));
    for (bad, named) in [
        (json!({"place_id": "no_such_place"}), "place_id"),
        (json!({}), "place_id"),
        (
            json!({"place_id": "kk_park", "not_a_place": true}),
            "not_a_place",
        ),
    ] {
        let (status, _, body) = put(bad, start);
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, named),
            "{body}"
        );
    }
    let (status, _, _) = desk.as_token(&desk.editor, Method::GET, "/api/articles/999", &[], None);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = desk.as_token(
        &desk.editor,
        Method::PUT,
        "/api/articles/999/mentions/0",
        &[],
        Some(json!({"not_a_place": true, "end": 3})),
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn a_session_corrects_a_mention_only_with_its_csrf_token() {
    let desk = Desk::new();
    let (_, _, body) = post_article(
        &desk,
        &desk.editor,
        json!({"url": "https://example.org/r", "text": REPORT}),
    );
    let uri = format!("/api/articles/{}/mentions/0", body["id"]);
    let login = json!({"name": "ed", "password": desk.editor_password});
    let (_, headers, body) = desk.send(Method::POST, "/api/login", &[], Some(login));
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let csrf = body["csrf"].as_str().expect("csrf").to_string();
    let change = json!({"old": desk.editor_password, "new": "a passphrase of my own"});
    desk.send(
        Method::POST,
        "/api/password",
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        Some(change),
    );
    let fix = json!({"not_a_place": true, "end": 7});
    let (status, _, _) = desk.send(Method::PUT, &uri, &[("cookie", &cookie)], Some(fix.clone()));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = desk.send(
        Method::PUT,
        &uri,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        Some(fix),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A draft raid made by `token`, with `id`, `date`, place and figure.
fn draft(desk: &Desk, token: &str, id: &str, date: &str, place: &str, event_type: &str) -> Value {
    let mut event = raid(id);
    event["properties"]["date"] = json!(date);
    event["properties"]["place"] = json!(place);
    event["properties"]["type"] = json!(event_type);
    if event_type != "raid" {
        event["properties"]["counts"] = json!([]);
    }
    let (status, _, body) = desk.as_token(token, Method::POST, "/api/events", &[], Some(event));
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[test]
fn the_queue_lists_drafts_newest_first_with_who_drafted_them() {
    let desk = Desk::new();
    draft(&desk, &desk.editor, "Q1", "2025-10-20", "KK Park", "raid");
    draft(&desk, &desk.reviewer, "Q2", "2025-11-02", "Laukkai", "raid");
    draft(
        &desk,
        &desk.editor,
        "Q3",
        "2025-11-05",
        "Myawaddy",
        "release",
    );
    draft(&desk, &desk.editor, "Q4", "2025-11-06", "KK Park", "raid");
    let (status, _, _) = desk.as_token(
        &desk.reviewer,
        Method::POST,
        "/api/events/Q4/publish",
        &[],
        None,
    );
    assert_eq!(status, StatusCode::OK);
    let ids = |body: &Value| -> Vec<String> {
        body["drafts"]
            .as_array()
            .expect("drafts")
            .iter()
            .map(|d| d["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let (status, all) = get(&desk, &desk.editor, "/api/review/queue");
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(ids(&all), ["Q3", "Q2", "Q1"]);
    assert_eq!(all["drafts"][1]["drafted_by"], "account:rev");
    assert!(all["drafts"][0]["drafted_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_eq!(all["drafts"][0]["event"]["properties"]["type"], "release");
    assert_eq!(all["next"], Value::Null);
    // Paged one at a time.
    let mut seen = Vec::new();
    let mut uri = "/api/review/queue?limit=1".to_string();
    loop {
        let (status, page) = get(&desk, &desk.editor, &uri);
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(ids(&page));
        match page["next"].as_i64() {
            Some(next) => uri = format!("/api/review/queue?limit=1&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["Q3", "Q2", "Q1"]);
    for (query, expected) in [
        ("type=raid", vec!["Q2", "Q1"]),
        ("place=KK%20Park", vec!["Q1"]),
        ("bbox=97,23,99.5,24.5", vec!["Q2"]),
        ("datetime=2025-11-01/2025-11-30", vec!["Q3", "Q2"]),
        ("type=raid&datetime=2025-11-01/..", vec!["Q2"]),
    ] {
        let (status, body) = get(&desk, &desk.editor, &format!("/api/review/queue?{query}"));
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(ids(&body), expected, "{query}");
    }
    for (query, named) in [
        ("limit=1000", "limit"),
        ("type=picnic", "type"),
        ("place=Atlantis%20Nowhere", "place"),
        ("before=x", "before"),
    ] {
        let (status, body) = get(&desk, &desk.editor, &format!("/api/review/queue?{query}"));
        assert_eq!(
            (status, body["parameter"].as_str()),
            (StatusCode::BAD_REQUEST, Some(named)),
            "{body}"
        );
    }
    let (status, _, _) = desk.send(Method::GET, "/api/review/queue", &[], None);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn similar_events_are_of_the_type_within_25_km_and_14_days() {
    let desk = Desk::new();
    let made = draft(&desk, &desk.editor, "S1", "2025-10-20", "KK Park", "raid");
    let [lon, lat] = [
        &made["geometry"]["coordinates"][0],
        &made["geometry"]["coordinates"][1],
    ];
    draft(&desk, &desk.editor, "S2", "2025-10-20", "Laukkai", "raid");
    draft(
        &desk,
        &desk.editor,
        "S3",
        "2025-10-22",
        "KK Park",
        "release",
    );
    let (status, _, _) = desk.as_token(
        &desk.reviewer,
        Method::POST,
        "/api/events/S1/publish",
        &[],
        None,
    );
    assert_eq!(status, StatusCode::OK);
    let found = |query: &str| {
        let (status, body) = get(&desk, &desk.editor, &format!("/api/review/similar?{query}"));
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        body["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["id"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found(&format!("type=raid&lon={lon}&lat={lat}&date=2025-11-03")),
        ["S1"]
    );
    assert!(found(&format!("type=raid&lon={lon}&lat={lat}&date=2025-11-04")).is_empty());
    assert_eq!(
        found(&format!("type=release&lon={lon}&lat={lat}&date=2025-10")),
        ["S3"]
    );
    let (_, body) = get(
        &desk,
        &desk.editor,
        &format!("/api/review/similar?type=raid&lon={lon}&lat={lat}&date=2025-10-25"),
    );
    assert_eq!(
        (
            &body["events"][0]["status"],
            &body["events"][0]["days_apart"],
            &body["events"][0]["distance_m"]
        ),
        (&json!("published"), &json!(5), &json!(0.0))
    );
    for (query, named) in [
        ("lon=98&lat=16&date=2025-10-20", "type"),
        ("type=raid&lon=200&lat=16&date=2025-10-20", "lon"),
        ("type=raid&lon=98&lat=16&date=yesterday", "date"),
    ] {
        let (status, body) = get(&desk, &desk.editor, &format!("/api/review/similar?{query}"));
        assert_eq!(
            (status, body["parameter"].as_str()),
            (StatusCode::BAD_REQUEST, Some(named)),
            "{body}"
        );
    }
}

#[test]
fn a_further_claim_is_attached_with_its_quote_and_translation_in_one_revision() {
    let desk = Desk::new();
    draft(&desk, &desk.editor, "C1", "2025-10-20", "KK Park", "raid");
    let text = "ตำรวจไทยจับกุม 150 คน ที่เคเคพาร์ค";
    let (_, _, article) = post_article(
        &desk,
        &desk.editor,
        json!({"url": "https://example.org/th", "outlet": "Example TH", "text": text}),
    );
    let quoted = "จับกุม 150 คน";
    let start = text[..text.find(quoted).expect("quote")].chars().count();
    let claim = json!({
        "source": {"url": "https://example.org/th", "publisher": "Example TH", "date": "2025-10-21",
                   "count": 150, "count_kind": "arrested"},
        "quote": {"article_id": article["id"], "start_char": start, "end_char": start + quoted.chars().count(),
                  "text": quoted, "translation": "arrested 150 people"},
    });
    let post = |token: &str, tag: Option<&str>, body: Value| {
        let tag: Vec<(&str, &str)> = tag.map(|t| ("if-match", t)).into_iter().collect();
        desk.as_token(
            token,
            Method::POST,
            "/api/events/C1/claims",
            &tag,
            Some(body),
        )
    };
    let (status, _, body) = post(&desk.editor, None, claim.clone());
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{body}");
    let (status, headers, body) = post(&desk.editor, Some("\"v1\""), claim.clone());
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::ETAG], "\"v2\"");
    let sources = body["properties"]["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2, "{body}");
    assert_eq!(sources[1]["count"], 150);
    let counts = &body["properties"]["counts"][0];
    assert_eq!(
        (&counts["low"], &counts["best"], &counts["high"]),
        (&json!(120), &json!(120), &json!(150))
    );
    assert_eq!(body["evidence"]["translation"], "arrested 150 people");
    assert_eq!(body["evidence"]["quote"], quoted);
    let (_, history) = get(&desk, &desk.editor, "/api/events/C1/history");
    let last = history
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or(history.clone());
    assert!(
        last.to_string()
            .contains("a further claim: https://example.org/th"),
        "{history}"
    );

    let (status, _, body) = post(&desk.editor, Some("\"v1\""), claim.clone());
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");
    let (status, _, body) = post(&desk.editor, Some("\"v2\""), claim.clone());
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "source.url"),
        "{body}"
    );
    let other = |source: Value, quote: Value| json!({"source": source, "quote": quote});
    let src = json!({"url": "https://example.org/other", "count": 10, "count_kind": "arrested"});
    for (bad, named) in [
        (json!({"source": {"url": "nowhere"}}), "source.url"),
        (
            json!({"source": {"url": "https://example.org/o", "count": 5}}),
            "source.count_kind",
        ),
        (
            json!({"source": {"url": "https://example.org/o", "count": 5, "count_kind": "eaten"}}),
            "source.count_kind",
        ),
        (
            json!({"source": {"url": "https://example.org/o", "date": "21 Oct"}}),
            "source.date",
        ),
        (
            other(src.clone(), json!({"article_id": 999, "text": "x"})),
            "quote.article_id",
        ),
        (
            other(
                src.clone(),
                json!({"article_id": article["id"], "text": "จับกุม", "start_char": 0, "end_char": 6}),
            ),
            "quote.start_char",
        ),
        (
            other(
                src.clone(),
                json!({"article_id": article["id"], "text": "not there"}),
            ),
            "quote.text",
        ),
        (
            other(
                src.clone(),
                json!({"article_id": article["id"], "text": "จับกุม", "start_char": 0}),
            ),
            "quote.end_char",
        ),
    ] {
        let (status, _, body) = post(&desk.editor, Some("\"v2\""), bad);
        assert_eq!(
            (status, field(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, named),
            "{body}"
        );
    }
    let (_, current) = get(&desk, &desk.editor, "/api/events/C1");
    assert_eq!(
        current["properties"]["version"], 2,
        "refusals wrote nothing"
    );

    // Published: a reviewer, with a reason.
    let (status, _, _) = desk.as_token(
        &desk.reviewer,
        Method::POST,
        "/api/events/C1/publish",
        &[],
        None,
    );
    assert_eq!(status, StatusCode::OK);
    let later = json!({"source": {"url": "https://example.org/later", "count": 160, "count_kind": "arrested"}});
    let (status, _, body) = post(&desk.editor, Some("\"v3\""), later.clone());
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _, body) = post(&desk.reviewer, Some("\"v3\""), later.clone());
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason"),
        "{body}"
    );
    let mut with_reason = later;
    with_reason["reason"] = json!("a second outlet's figure");
    let (status, _, body) = post(&desk.reviewer, Some("\"v3\""), with_reason);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["properties"]["status"], "published");
    assert_eq!(body["properties"]["counts"][0]["high"], 160);
}

#[test]
fn a_reviewer_rejects_a_draft_with_a_reason() {
    let desk = Desk::new();
    draft(&desk, &desk.editor, "R1", "2025-10-20", "KK Park", "raid");
    let reject = |token: &str, body: Option<Value>| {
        desk.as_token(token, Method::POST, "/api/events/R1/retract", &[], body)
    };
    let (status, _, _) = reject(&desk.editor, Some(json!({"reason": "no"})));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = reject(&desk.reviewer, None);
    assert_eq!(
        (status, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, "reason"),
        "{body}"
    );
    let (status, _, body) = reject(
        &desk.reviewer,
        Some(json!({"reason": "the article is an opinion piece"})),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["properties"]["status"], "retracted");
    let (_, queue) = get(&desk, &desk.editor, "/api/review/queue");
    assert_eq!(queue["drafts"], json!([]));
}

#[test]
fn the_readme_desk_examples_work_as_written() {
    let desk = Desk::new();
    let ed = desk.editor.clone();
    let send = |method: Method, uri: &str, extra: &[(&str, &str)], body: Option<Value>| {
        let (status, _, body) = desk.as_token(&ed, method, uri, extra, body);
        assert!(status.is_success(), "{uri}: {status} {body}");
        body
    };
    send(
        Method::POST,
        "/api/events",
        &[],
        Some(json!({"type": "Feature", "geometry": null, "properties":
        {"id": "N1", "date": "2025-11-30", "type": "raid", "place": "KK Park",
         "sources": [{"url": "https://example.org/report"}]}})),
    );
    send(
        Method::PATCH,
        "/api/events/N1",
        &[("if-match", "\"v1\"")],
        Some(json!({"properties": {"notes": "two sources now"}})),
    );
    let article = send(
        Method::POST,
        "/api/articles",
        &[],
        Some(
            json!({"url": "https://example.org/raid", "published": "2025-03-05",
        "text": "Thai police arrested 120 people in Shwe Kokko on Monday."}),
        ),
    );
    assert_eq!(article["id"], 1);
    let view = send(Method::GET, "/api/articles/1", &[], None);
    assert_eq!(view["mentions"][0]["start"], 35, "{view}");
    send(
        Method::PUT,
        "/api/articles/1/mentions/35",
        &[],
        Some(json!({"place_id": "kk_park"})),
    );
    send(
        Method::GET,
        "/api/review/queue?type=raid&place=Myawaddy&limit=20",
        &[],
        None,
    );
    send(
        Method::GET,
        "/api/review/similar?type=raid&lon=98.5&lat=16.7&date=2025-03-03",
        &[],
        None,
    );
    let claimed = send(
        Method::POST,
        "/api/events/N1/claims",
        &[("if-match", "\"v2\"")],
        Some(json!(
        {"source": {"url": "https://example.org/raid", "count": 120, "count_kind": "arrested"},
         "quote": {"article_id": 1, "start_char": 12, "end_char": 34, "text": "arrested 120 people in"}})),
    );
    assert_eq!(claimed["properties"]["version"], 3);
}

#[test]
fn twenty_sources_racing_to_claim_one_event_one_wins() {
    let desk = Desk::new();
    draft(&desk, &desk.editor, "W1", "2025-10-20", "KK Park", "raid");
    let outcomes = runtime().block_on(async {
        let mut tasks = Vec::new();
        for writer in 0..20 {
            let app = desk.app.clone();
            let claim = json!({"source": {"url": format!("https://example.org/outlet-{writer}"),
                                          "count": 100 + writer, "count_kind": "arrested"}});
            let request = Request::post("/api/events/W1/claims")
                .header(header::AUTHORIZATION, format!("Bearer {}", desk.editor))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::IF_MATCH, "\"v1\"")
                .body(Body::from(claim.to_string()))
                .expect("request");
            tasks.push(tokio::spawn(async move {
                app.oneshot(request).await.expect("response").status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.expect("task"));
        }
        statuses
    });
    let won = outcomes.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = outcomes
        .iter()
        .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
        .count();
    assert_eq!((won, refused), (1, 19), "{outcomes:?}");
    let (_, event) = get(&desk, &desk.editor, "/api/events/W1");
    assert_eq!(event["properties"]["version"], 2);
    assert_eq!(
        event["properties"]["sources"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn a_new_draft_keeps_its_quote_as_the_evidence_of_its_claim() {
    let desk = Desk::new();
    let (_, _, article) = post_article(
        &desk,
        &desk.editor,
        json!({"url": "https://example.org/report", "outlet": "Example", "text": REPORT}),
    );
    let quoted = "arrested 120 people in a raid";
    let start = REPORT[..REPORT.find(quoted).expect("quote")]
        .chars()
        .count();
    let mut event = raid("Q1");
    event["properties"]["sources"] = json!([{"url": "https://example.org/report"}]);
    event["quote"] = json!({"article_id": article["id"], "start_char": start,
        "end_char": start + quoted.chars().count(), "text": quoted, "translation": "(English already)"});

    // A quote the store refuses (offsets past the text) leaves no event behind.
    let mut bad = event.clone();
    bad["quote"]["end_char"] = json!(REPORT.chars().count() + 5);
    let (status, _, body) =
        desk.as_token(&desk.editor, Method::POST, "/api/events", &[], Some(bad));
    assert!(status.is_client_error(), "{status} {body}");
    let (status, _) = get(&desk, &desk.editor, "/api/events/Q1");
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the event and its quote are one transaction"
    );
    let mut unknown = event.clone();
    unknown["quote"]["page"] = json!(3);
    let (status, _, body) = desk.as_token(
        &desk.editor,
        Method::POST,
        "/api/events",
        &[],
        Some(unknown),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("quote"), "{body}");

    let (status, _, body) =
        desk.as_token(&desk.editor, Method::POST, "/api/events", &[], Some(event));
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, evidence) = get(&desk, &desk.editor, "/api/events/Q1/evidence");
    assert_eq!(status, StatusCode::OK, "{evidence}");
    let quote = &evidence["quotes"][0];
    assert_eq!(quote["quote"], quoted);
    assert_eq!(
        chars(REPORT, &quote["start_char"], &quote["end_char"]),
        quoted
    );
    assert_eq!(quote["translation"], "(English already)");
    assert_eq!(quote["source_url"], "https://example.org/report");
}
