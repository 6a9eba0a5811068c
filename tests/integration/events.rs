//! Events: the bundled data, reading CSV and GeoJSON, validation, adding.

use scamatlas::events::Rules;
use std::path::Path;

use scamatlas::events::{self, events_to_geojson, read_csv, read_path, EventInput, EventType};

use crate::gazetteer;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn bundled_events_are_built_from_the_csv_and_up_to_date() {
    let csv = std::fs::read_to_string(root().join("geojson/events.csv")).expect("events.csv");
    let report = read_csv("geojson/events.csv", &csv, gazetteer(), Rules::default());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let rebuilt = serde_json::to_value(events_to_geojson(&report.events)).expect("json");
    let shipped: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("geojson/events.geojson")).expect("geojson"),
    )
    .expect("valid JSON");
    assert!(
        rebuilt == shipped,
        "geojson/events.geojson is stale: run `cargo run --release -- events convert geojson/events.csv -o geojson/events.geojson`"
    );
}

#[test]
fn bundled_events_keep_every_row_and_every_claim() {
    let loaded = events::load(&[EventInput::Bundled], gazetteer(), Rules::default(), false)
        .expect("bundled events load");
    // 80 research rows; three of them are claims about one event.
    assert_eq!(loaded.events.len(), 78);
    let sources: usize = loaded.events.iter().map(|e| e.sources.len()).sum();
    assert_eq!(sources, 80, "every research row keeps its source");
    for e in &loaded.events {
        assert!(
            e.sources.iter().all(|s| s.url.starts_with("http")),
            "{}",
            e.id
        );
        assert!(
            e.places.iter().all(|p| p.id.is_some()),
            "{} has an unresolved place",
            e.id
        );
    }
    let exodus = loaded
        .events
        .iter()
        .find(|e| e.id == "E065")
        .expect("KK Park exodus");
    let claims: Vec<u64> = exodus.sources.iter().filter_map(|s| s.count).collect();
    assert_eq!(claims, vec![677, 1667, 1525]);
    assert_eq!(
        (
            exodus.counts[0].low,
            exodus.counts[0].best,
            exodus.counts[0].high
        ),
        (677, 677, 1667)
    );
    assert_eq!(exodus.date.last_day().to_string(), "2025-10-27");
    // Several places stay several places; vague areas keep a large radius.
    let relocation = loaded.events.iter().find(|e| e.id == "E036").expect("E036");
    assert_eq!(relocation.event_type, EventType::Relocation);
    assert_eq!(relocation.places.len(), 2);
    assert_eq!(
        relocation.origin.as_ref().and_then(|o| o.id.as_deref()),
        Some("laukkai")
    );
    let vague = loaded.events.iter().find(|e| e.id == "E003").expect("E003");
    assert!(vague.radius_m() >= 200_000.0, "{}", vague.radius_m());
    let tally = loaded.events.iter().find(|e| e.id == "E040").expect("E040");
    assert!(tally.aggregate, "a cumulative figure is marked as such");
}

const BAD_CSV: &str = "\
id,date,event_type,place,lat,lon,persons_count,count_kind,source_url
B1,2024-02-23,raid,Tachileik,,,689,arrested,https://example.org/ok
B2,2024-02-30,raid,Tachileik,,,10,arrested,https://example.org/a
B3,2024-03-01,party,Tachileik,,,10,arrested,https://example.org/b
B4,2024-03-02,raid,,95,98.5,10,arrested,https://example.org/c
B5,2024-03-03,raid,Tachileik,,,-5,arrested,https://example.org/d
B6,2024-03-04,raid,Xqzvbkwj Town,,,10,arrested,https://example.org/e
B7,2024-03-05,raid,Myawaddy,,,10,arrested,
B1,2024-02-24,raid,Tachileik,,,700,arrested,https://example.org/second-claim
";

#[test]
fn every_bad_row_is_reported_with_line_and_field() {
    let report = read_csv("bad.csv", BAD_CSV, gazetteer(), Rules::default());
    let shown: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    let expect = [
        ("bad.csv:3: date:", "not a real date"),
        ("bad.csv:4: event_type:", "unknown event type \"party\""),
        ("bad.csv:5: lat/lon:", "latitude 95"),
        ("bad.csv:6: persons_count:", "negative"),
        (
            "bad.csv:7: place:",
            "no place in the gazetteer matches \"Xqzvbkwj Town\"",
        ),
        ("bad.csv:8: source_url:", "every event names its source"),
    ];
    for (start, part) in expect {
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with(start) && s.contains(part)),
            "no {start} {part}: {shown:#?}"
        );
    }
    assert_eq!(shown.len(), expect.len(), "{shown:#?}");
    // The valid event keeps both its claims.
    assert_eq!(report.events.len(), 1);
    assert_eq!(report.events[0].sources.len(), 2);
    assert_eq!(report.events[0].counts[0].high, 700);
}

#[test]
fn a_file_with_problems_is_refused_whole_unless_skipping() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, BAD_CSV).expect("write");
    let inputs = [EventInput::Path(path.clone())];
    let err = events::load(&inputs, gazetteer(), Rules::default(), false)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("6 problems")
            && err.contains("nothing was loaded")
            && err.contains("bad.csv:4"),
        "{err}"
    );
    let loaded = events::load(&inputs, gazetteer(), Rules::default(), true).expect("skips");
    assert_eq!(loaded.events.len(), 1);
    assert_eq!(loaded.skipped.len(), 6);
    // Bundled and user data side by side.
    let both = events::load(
        &[EventInput::Bundled, EventInput::Path(path)],
        gazetteer(),
        Rules::default(),
        true,
    )
    .expect("loads");
    assert_eq!(both.events.len(), 79);
}

#[test]
fn an_id_used_twice_across_files_is_a_problem() {
    // E001 is a bundled event; a user file that uses the id again.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mine.csv");
    std::fs::write(
        &path,
        "id,date,event_type,place,persons_count,count_kind,source_url\n\
         E001,2025-01-02,raid,Tachileik,10,arrested,https://example.org/again\n\
         U1,2025-01-03,raid,Myawaddy,5,arrested,https://example.org/u1\n",
    )
    .expect("write");
    let inputs = [EventInput::Bundled, EventInput::Path(path.clone())];
    let err = events::load(&inputs, gazetteer(), Rules::default(), false)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("mine.csv") && err.contains("\"E001\" is also an event id in"),
        "{err}"
    );
    // Skipping keeps the first event of that id, the bundled one.
    let loaded = events::load(&inputs, gazetteer(), Rules::default(), true).expect("skips");
    assert_eq!(loaded.events.len(), 79);
    assert_eq!(loaded.skipped.len(), 1);
    let problem = loaded.skipped[0].to_string();
    assert!(
        problem.contains("mine.csv") && problem.contains("id"),
        "{problem}"
    );
    let first = loaded
        .events
        .iter()
        .find(|e| e.id == "E001")
        .expect("E001 kept");
    assert_eq!(first.date.to_string(), "2023-06-19");
}

#[test]
fn geojson_problems_name_the_feature_and_property() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("user.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"U1","geometry":{"type":"Point","coordinates":[98.5,16.7]},
           "properties":{"date":"2025-01-02","type":"raid","source_url":"https://example.org/u1"}},
          {"type":"Feature","id":"U2","geometry":{"type":"Point","coordinates":[98.5,95]},
           "properties":{"date":"2025-13-02","type":"blast","source_url":"ftp://x"}}
        ]}"#,
    )
    .expect("write");
    let report = read_path(&path, gazetteer(), Rules::default()).expect("readable");
    assert_eq!(report.events.len(), 1);
    let shown: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    for part in [
        "feature 1: date:",
        "feature 1: type:",
        "feature 1: geometry:",
        "feature 1: sources:",
    ] {
        assert!(
            shown.iter().any(|s| s.contains(part)),
            "no {part}: {shown:#?}"
        );
    }
    // One problem per bad value: the latitude off the globe is not also
    // reported as a missing geometry (a CSV row never was).
    assert_eq!(shown.len(), 4, "{shown:#?}");
}

#[test]
fn a_non_utf8_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latin1.csv");
    std::fs::write(&path, b"id,date\n\xe9\n").expect("write");
    let err = read_path(&path, gazetteer(), Rules::default())
        .expect_err("not UTF-8")
        .to_string();
    assert!(
        err.contains("latin1.csv:2: not UTF-8 text: byte 1 of the line is 0xE9"),
        "{err}"
    );
}

#[test]
fn file_errors_name_a_line_only_when_known_and_an_os_error_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shape.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature"}]}"#,
    )
    .expect("write");
    let report = read_path(&path, gazetteer(), Rules::default()).expect("readable");
    let shown = report.problems[0].to_string();
    assert!(!shown.contains(":0"), "{shown}");
    assert!(
        shown.starts_with(&format!("{}: not a GeoJSON", path.display())),
        "{shown}"
    );

    let missing = dir.path().join("missing.csv");
    let o = crate::run_cli(&["events", "validate", missing.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
}

#[test]
fn query_within_an_existing_file_that_is_not_geojson_is_refused_not_taken_for_a_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Myawaddy");
    std::fs::write(&path, "not json").expect("write");
    let o = crate::run_cli(&["query", "within", path.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("not GeoJSON"), "{err}");
}

#[test]
fn events_add_appends_safely_and_refuses_bad_events_without_touching_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mine.geojson");
    let f = file.to_str().expect("utf-8");
    let add = |id: &str, place: &str| {
        crate::run_cli(&[
            "events",
            "add",
            f,
            "--id",
            id,
            "--date",
            "2025-11-30",
            "--type",
            "raid",
            "--place",
            place,
            "--count",
            "120",
            "--count-kind",
            "arrested",
            "--source-url",
            "https://example.org/r",
        ])
    };
    let o = add("M1", "Shwe Kokko");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = add("M2", "KK Park");
    assert_eq!(o.status.code(), Some(0));
    let before = std::fs::read(&file).expect("file");

    for (o, expected) in [
        (add("M2", "KK Park"), "already in"),
        (add("M3", "Xqzvbkwj Town"), "--place"),
        (
            crate::run_cli(&[
                "events",
                "add",
                f,
                "--id",
                "M4",
                "--date",
                "2025-02-30",
                "--type",
                "raid",
                "--place",
                "KK Park",
                "--source-url",
                "https://example.org/r",
            ]),
            "--date",
        ),
        (
            crate::run_cli(&[
                "events",
                "add",
                f,
                "--id",
                "M5",
                "--date",
                "2025-02-03",
                "--type",
                "raid",
                "--place",
                "KK Park",
                "--count",
                "-4",
                "--source-url",
                "https://example.org/r",
            ]),
            "negative",
        ),
    ] {
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(expected), "{err}");
        assert_eq!(
            std::fs::read(&file).expect("file"),
            before,
            "a refused add leaves the file as it was"
        );
    }
    let report = read_path(&file, gazetteer(), Rules::default()).expect("readable");
    assert!(report.problems.is_empty());
    let ids: Vec<&str> = report.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["M1", "M2"]);
    assert_eq!(report.events[1].places[0].id.as_deref(), Some("kk_park"));
    // No temporary files are left behind: only the file and its lock.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["mine.geojson", "mine.geojson.lock"]);
}

/// `events add` with coordinates (no gazetteer search), as a child process.
fn spawn_add(file: &str, id: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_scamatlas"))
        .args([
            "-q",
            "events",
            "add",
            file,
            "--id",
            id,
            "--date",
            "2025-11-30",
        ])
        .args(["--type", "raid", "--lon", "98.5", "--lat", "16.7"])
        .args(["--source-url", "https://example.org/r"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("scamatlas runs")
}

#[test]
fn concurrent_adds_to_one_file_lose_no_event() {
    // Regression: twenty adds at once all said "added", and 3 to 7 events remained.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("shared.geojson");
    let f = file.to_str().expect("utf-8");
    let children: Vec<_> = (0..50).map(|i| spawn_add(f, &format!("C{i}"))).collect();
    for child in children {
        let o = child.wait_with_output().expect("waits");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let report = read_path(&file, gazetteer(), Rules::default()).expect("readable");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let mut ids: Vec<String> = report.events.iter().map(|e| e.id.to_string()).collect();
    ids.sort();
    let mut expected: Vec<String> = (0..50).map(|i| format!("C{i}")).collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn a_temporary_left_by_a_killed_add_is_removed_by_the_next() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mine.geojson");
    let stale = dir.path().join(".mine.geojson.scamatlas-x7Qp2Z");
    std::fs::write(&stale, "half a file").expect("write");
    let unrelated = dir.path().join(".other.scamatlas-x7Qp2Z");
    std::fs::write(&unrelated, "not ours to remove").expect("write");
    let o = spawn_add(file.to_str().expect("utf-8"), "K1")
        .wait_with_output()
        .expect("waits");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!stale.exists(), "the stale temporary is removed");
    assert!(unrelated.exists(), "another file's temporary stays");
}

#[test]
fn events_validate_exits_1_and_lists_problems_on_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, BAD_CSV).expect("write");
    let o = crate::run_cli(&["events", "validate", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 6, "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 valid event, 6 problems"));
    let o = crate::run_cli(&[
        "events",
        "validate",
        root().join("geojson/events.csv").to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = crate::run_cli(&["events", "list", "--events", path.to_str().expect("utf-8")]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a file with problems is refused by default"
    );
    let o = crate::run_cli(&[
        "events",
        "list",
        "--skip-invalid",
        "--events",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("skipped"));
}

#[test]
fn csv_output_reads_back_as_the_same_events() {
    let loaded = events::load(&[EventInput::Bundled], gazetteer(), Rules::default(), false)
        .expect("bundled");
    let refs: Vec<&events::Event> = loaded.events.iter().collect();
    let text = events::write_csv(&refs).expect("csv");
    let back = read_csv("round-trip.csv", &text, gazetteer(), Rules::default());
    assert!(
        back.problems.is_empty(),
        "{:?}",
        &back.problems[..back.problems.len().min(3)]
    );
    assert_eq!(back.events.len(), loaded.events.len());
    for (a, b) in loaded.events.iter().zip(&back.events) {
        assert_eq!(
            (&a.id, a.date, a.event_type, a.aggregate),
            (&b.id, b.date, b.event_type, b.aggregate)
        );
        let ids = |e: &events::Event| e.places.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(a), ids(b), "{}", a.id);
        assert_eq!(a.counts, b.counts, "{}", a.id);
        assert_eq!(a.sources, b.sources, "{}", a.id);
        assert_eq!(
            a.origin.as_ref().map(|p| &p.id),
            b.origin.as_ref().map(|p| &p.id),
            "{}",
            a.id
        );
        assert_eq!(a.notes, b.notes, "{}", a.id);
    }
}

/// One bad value written three ways: a CSV row, a GeoJSON feature and the
/// flags of `events add`, each replacing or adding to a valid event, and the
/// problem each reader names.
struct SameValue {
    /// Columns and values.
    csv: &'static [(&'static str, &'static str)],
    /// Properties, as JSON members; `geometry` replaces the geometry.
    geojson: &'static str,
    flags: &'static [&'static str],
    /// (CSV column, GeoJSON property, flag) and the message.
    fields: (&'static str, &'static str, &'static str),
    message: &'static str,
}

impl SameValue {
    fn csv_problems(&self) -> Vec<String> {
        let mut cells = vec![
            ("id", "S1"),
            ("date", "2024-02-23"),
            ("event_type", "raid"),
            ("place", "Tachileik"),
            ("source_url", "https://example.org/s"),
        ];
        for &(column, value) in self.csv {
            match cells.iter_mut().find(|(c, _)| *c == column) {
                Some(cell) => cell.1 = value,
                None => cells.push((column, value)),
            }
        }
        let (header, row): (Vec<&str>, Vec<&str>) = cells.into_iter().unzip();
        let csv = format!("{}\n{}\n", header.join(","), row.join(","));
        let report = read_csv("same.csv", &csv, gazetteer(), Rules::default());
        report.problems.iter().map(ToString::to_string).collect()
    }

    fn geojson_problems(&self, dir: &Path) -> Vec<String> {
        geojson_problems(dir, self.geojson)
    }

    fn flag_problems(&self, dir: &Path) -> Vec<String> {
        let file = dir.join("added.geojson");
        let mut args = vec![
            "events",
            "add",
            file.to_str().expect("utf-8"),
            "--id",
            "S1",
            "--date",
            "2024-02-23",
            "--type",
            "raid",
            "--place",
            "Tachileik",
            "--source-url",
            "https://example.org/s",
        ];
        for pair in self.flags.chunks(2) {
            match args.iter().position(|a| *a == pair[0]) {
                Some(i) => args[i + 1] = pair[1],
                None => args.extend_from_slice(pair),
            }
        }
        let o = crate::run_cli(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        err.lines()
            .filter_map(|l| l.strip_prefix("  "))
            .map(String::from)
            .collect()
    }

    #[track_caller]
    fn check(&self) {
        let (csv, geojson, flag) = self.fields;
        let dir = tempfile::tempdir().expect("tempdir");
        let message = self.message;
        assert_eq!(
            self.csv_problems(),
            [format!("same.csv:2: {csv}: {message}")]
        );
        assert_eq!(
            self.geojson_problems(dir.path()),
            [format!("feature 0: {geojson}: {message}")]
        );
        assert_eq!(
            self.flag_problems(dir.path()),
            [format!("{flag}: {message}")]
        );
    }
}

/// The problems of one feature: a valid event with `members` replacing or
/// adding to its properties (`geometry` its geometry).
fn geojson_problems(dir: &Path, members: &str) -> Vec<String> {
    let mut feature: serde_json::Value = serde_json::from_str(
        r#"{"type":"Feature","id":"S1",
          "geometry":{"type":"Point","coordinates":[99.9,20.4]},
          "properties":{"date":"2024-02-23","type":"raid","source_url":"https://example.org/s"}}"#,
    )
    .expect("feature");
    let given: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&format!("{{{members}}}")).expect("members");
    for (name, value) in given {
        if name == "geometry" {
            feature["geometry"] = value;
        } else {
            feature["properties"][name] = value;
        }
    }
    let path = dir.join("same.geojson");
    let collection = serde_json::json!({"type": "FeatureCollection", "features": [feature]});
    std::fs::write(&path, collection.to_string()).expect("write");
    let report = read_path(&path, gazetteer(), Rules::default()).expect("readable");
    let prefix = format!("{}: ", path.display());
    report
        .problems
        .iter()
        .map(|p| p.to_string().replacen(&prefix, "", 1))
        .collect()
}

#[test]
fn the_same_bad_value_is_the_same_problem_in_csv_geojson_and_flags() {
    SameValue {
        csv: &[("end_date", "2024-02-30")],
        geojson: r#""end_date":"2024-02-30""#,
        flags: &["--end-date", "2024-02-30"],
        fields: ("date", "date", "--date"),
        message: r#""2024-02-30" is not a real date"#,
    }
    .check();
    SameValue {
        csv: &[("date_precision", "weekly")],
        geojson: r#""date_precision":"weekly""#,
        flags: &["--date-precision", "weekly"],
        fields: ("date_precision", "date_precision", "--date-precision"),
        message: r#"unknown date precision "weekly" (expected day, month or year)"#,
    }
    .check();
}

#[test]
fn events_add_problems_name_its_flags() {
    // They named the CSV columns the flags were written into: --event-type,
    // --persons-count, --lat/lon.
    SameValue {
        csv: &[("event_type", "party")],
        geojson: r#""type":"party""#,
        flags: &["--type", "party"],
        fields: ("event_type", "type", "--type"),
        message: "unknown event type \"party\" (expected one of raid, handover, deportation, \
                  extradition, release, rescue, relocation, offensive, capture, demolition, \
                  sanction, power_cut, other)",
    }
    .check();
    SameValue {
        csv: &[("lat", "95"), ("lon", "98")],
        geojson: r#""geometry":{"type":"Point","coordinates":[98,95]}"#,
        flags: &["--lat", "95", "--lon", "98"],
        fields: ("lat/lon", "geometry", "--lon/--lat"),
        message: "latitude 95 is outside -90..90",
    }
    .check();
    let dir = tempfile::tempdir().expect("tempdir");
    let count = SameValue {
        csv: &[("persons_count", "-4")],
        geojson: "",
        flags: &["--count", "-4"],
        fields: ("persons_count", "", "--count"),
        message: r#""-4" is negative; counts are numbers of people"#,
    };
    assert_eq!(
        count.flag_problems(dir.path()),
        [r#"--count: "-4" is negative; counts are numbers of people"#]
    );
    // An ambiguous name is a warning, as in a CSV file; it was dropped.
    let file = dir.path().join("ambiguous.geojson");
    let o = crate::run_cli(&[
        "events",
        "add",
        file.to_str().expect("utf-8"),
        "--id",
        "S2",
        "--date",
        "2024",
        "--type",
        "raid",
        "--place",
        "老街",
        "--source-url",
        "https://example.org/s",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(r#"--place: "老街" is ambiguous; took laukkai (MM) over lao_cai"#),
        "{err}"
    );
}

#[test]
fn a_missing_value_is_missing_in_csv_and_geojson_alike() {
    // Before, CSV said "is empty" (and read an empty type as the unknown
    // type ""), GeoJSON "missing", each with its own hint.
    let csv = read_csv(
        "empty.csv",
        "id,date,event_type,place,source_url\nE1,,,,\n",
        gazetteer(),
        Rules::default(),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"E1","geometry":null,"properties":{}}]}"#,
    )
    .expect("write");
    let geojson = read_path(&path, gazetteer(), Rules::default()).expect("readable");
    let messages = |r: &events::ReadReport| {
        r.problems
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
    };
    let expected = [
        "missing",
        "missing",
        "missing: every event has a place or coordinates",
        "missing: every event names its source",
    ];
    assert_eq!(messages(&csv), expected);
    assert_eq!(messages(&geojson), expected);
    let fields = |r: &events::ReadReport| {
        r.problems
            .iter()
            .map(|p| p.field.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(&csv), ["date", "event_type", "place", "source_url"]);
    assert_eq!(fields(&geojson), ["date", "type", "place", "sources"]);
}

#[test]
fn a_geojson_origin_or_destination_off_the_globe_is_a_problem_like_a_place() {
    // Places given whole were checked; origin and destination were not.
    let dir = tempfile::tempdir().expect("tempdir");
    let place = r#"{"name":"P","point":{"lon":98.5,"lat":16.7},"radius_m":10}"#;
    let off = r#"{"name":"O","point":{"lon":300,"lat":16.7},"radius_m":10}"#;
    let negative = r#"{"name":"D","point":{"lon":98.5,"lat":16.7},"radius_m":-1}"#;
    let mut problems = Vec::new();
    for (places, origin, destination) in [
        (off, "null", "null"),
        (place, off, negative),
        (place, place, place),
    ] {
        let members =
            format!(r#""places":[{places}],"origin":{origin},"destination":{destination}"#);
        problems.push(geojson_problems(dir.path(), &members));
    }
    let off = r#""O": longitude 300 is outside -180..180"#;
    assert_eq!(
        problems,
        [
            vec![format!("feature 0: places: {off}")],
            vec![
                format!("feature 0: origin: {off}"),
                r#"feature 0: destination: "D": "-1" is not a distance in metres"#.to_string()
            ],
            vec![],
        ]
    );
}

#[test]
fn a_place_given_whole_names_what_is_wrong_as_coordinates_given_do() {
    // GeoJSON places said "has coordinates off the globe or a negative
    // radius" where coordinates and radius_m given alone say which.
    let dir = tempfile::tempdir().expect("tempdir");
    let given = geojson_problems(
        dir.path(),
        r#""places":[{"name":"P","point":{"lon":98,"lat":95},"radius_m":-3}]"#,
    );
    let alone = geojson_problems(
        dir.path(),
        r#""geometry":{"type":"Point","coordinates":[98,95]},"radius_m":-3"#,
    );
    assert_eq!(
        given,
        [
            r#"feature 0: places: "P": latitude 95 is outside -90..90"#,
            r#"feature 0: places: "P": "-3" is not a distance in metres"#,
        ]
    );
    assert_eq!(
        alone,
        [
            "feature 0: geometry: latitude 95 is outside -90..90",
            r#"feature 0: radius_m: "-3" is not a distance in metres"#,
        ]
    );
}

#[test]
fn a_point_without_a_radius_says_so_in_csv_and_geojson_alike() {
    // GeoJSON said "coordinates given" whether or not radius_m was.
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = |radius: &str| {
        let text = format!(
            "id,date,event_type,lat,lon,radius_m,source_url\nP1,2024,raid,16.7,98.5,{radius},https://e.org/p\n"
        );
        let report = read_csv("points.csv", &text, gazetteer(), Rules::default());
        report.events[0].places[0].clone()
    };
    let geojson = |members: &str| {
        let path = dir.path().join("points.geojson");
        std::fs::write(
            &path,
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"P1",
                  "geometry":{{"type":"Point","coordinates":[98.5,16.7]}},
                  "properties":{{"date":"2024","type":"raid","source_url":"https://e.org/p"{members}}}}}]}}"#
            ),
        )
        .expect("write");
        let report = read_path(&path, gazetteer(), Rules::default()).expect("readable");
        report.events[0].places[0].clone()
    };
    assert_eq!(csv(""), geojson(""));
    assert_eq!(
        geojson("").resolution,
        "coordinates given, no precision radius"
    );
    assert_eq!(csv("500"), geojson(r#","radius_m":500"#));
    assert_eq!(
        geojson(r#","radius_m":500"#).resolution,
        "coordinates given"
    );
}

#[test]
fn geojson_properties_of_the_wrong_type_are_problems_not_dropped() {
    // They were read as absent: no actors, not an aggregate, no notes, radius 0.
    let dir = tempfile::tempdir().expect("tempdir");
    let problems = geojson_problems(
        dir.path(),
        r#""actors":"police","aggregate":"yes","notes":["a"],"radius_m":"abc""#,
    );
    assert_eq!(
        problems,
        [
            r#"feature 0: radius_m: "abc" is not a distance in metres"#,
            r#"feature 0: actors: invalid type: string "police", expected a sequence"#,
            r#"feature 0: notes: ["a"] is not text"#,
            "feature 0: aggregate: invalid type: string \"yes\", expected a boolean",
        ]
    );
    // A radius that is not a distance is the same problem as in a CSV row.
    let csv = read_csv(
        "radius.csv",
        "id,date,event_type,lat,lon,radius_m,source_url\nR1,2024,raid,16.7,98.5,abc,https://e.org/r\n",
        gazetteer(),
        Rules::default(),
    );
    assert_eq!(
        csv.problems[0].to_string(),
        r#"radius.csv:2: radius_m: "abc" is not a distance in metres"#
    );
}

#[test]
fn a_bad_count_is_the_same_problem_in_csv_geojson_and_flags() {
    // GeoJSON counts were read by serde ("invalid value: integer `-4`,
    // expected u64", "unknown variant `bystanders`"), and named their kind in
    // the range message; now every count is read as a CSV cell is.
    SameValue {
        csv: &[("persons_count", "-4")],
        geojson: r#""counts":[{"kind":"arrested","low":1,"best":-4,"high":5}]"#,
        flags: &["--count", "-4"],
        fields: ("persons_count", "counts", "--count"),
        message: r#""-4" is negative; counts are numbers of people"#,
    }
    .check();
    SameValue {
        csv: &[("persons_count", "10"), ("count_low", "20")],
        geojson: r#""counts":[{"kind":"other","best":10,"low":20}]"#,
        flags: &["--count", "10", "--count-low", "20"],
        fields: ("persons_count", "counts", "--count"),
        message: "low 20 <= best 10 <= high 10 does not hold",
    }
    .check();
    SameValue {
        csv: &[("persons_count", "10"), ("count_kind", "bystanders")],
        geojson: r#""counts":[{"kind":"bystanders","low":10,"best":10,"high":10}]"#,
        flags: &["--count", "10", "--count-kind", "bystanders"],
        fields: ("count_kind", "counts", "--count-kind"),
        message: "unknown count kind \"bystanders\" (expected one of arrested, handed_over, \
                  deported, released, rescued, trafficked, other)",
    }
    .check();
}

#[test]
fn a_bad_source_is_the_same_problem_in_csv_geojson_and_flags() {
    // GeoJSON sources were read by serde: a bad date or count kind was a
    // serde message (and the whole list was lost), not the CSV one.
    SameValue {
        csv: &[("source_date", "2024-13-01")],
        geojson: r#""sources":[{"url":"https://example.org/s","date":"2024-13-01"}]"#,
        flags: &["--source-date", "2024-13-01"],
        fields: ("source_date", "sources", "--source-date"),
        message: r#""2024-13-01" is not YYYY-MM-DD"#,
    }
    .check();
    SameValue {
        csv: &[("source_url", "ftp://example.org/s")],
        geojson: r#""sources":[{"url":"ftp://example.org/s"}]"#,
        flags: &["--source-url", "ftp://example.org/s"],
        fields: ("source_url", "sources", "--source-url"),
        message: r#""ftp://example.org/s" is not an http(s) or file:// URL"#,
    }
    .check();
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        geojson_problems(
            dir.path(),
            r#""sources":[{"url":"https://example.org/s","count":-3,"count_kind":"nobody"}]"#
        ),
        [
            r#"feature 0: sources: "-3" is negative; counts are numbers of people"#,
            "feature 0: sources: unknown count kind \"nobody\" (expected one of arrested, \
             handed_over, deported, released, rescued, trafficked, other)",
        ]
    );
}

#[test]
fn a_hundred_thousand_rows_sharing_an_id_merge_into_one_event() {
    // Regression: merging rebuilt the notes per row, quadratic in the rows
    // (over 20 s for 100,000); the time is measured in `benches/events.rs`.
    let mut csv = String::from("id,date,event_type,lat,lon,source_url,summary\n");
    for i in 0..100_000 {
        let day = 1 + i % 28;
        csv.push_str(&format!(
            "E1,2025-01-{day:02},raid,16.7,98.5,https://example.org/r{i},report {i}\n"
        ));
    }
    let report = read_csv("many.csv", &csv, gazetteer(), Rules::default());
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..1]);
    let event = &report.events[0];
    assert_eq!(event.sources.len(), 100_000);
    assert!(event.notes.starts_with("report 0 | report 1 | "));
    let days = (event.date.first_day(), event.date.last_day());
    assert_eq!(
        days.0.to_string() + " " + &days.1.to_string(),
        "2025-01-01 2025-01-28"
    );
}

#[test]
fn rows_of_one_id_more_than_31_days_apart_are_a_problem_unless_an_end_date_covers_them() {
    let header = "id,date,end_date,event_type,lat,lon,source_url\n";
    let row = |id: &str, date: &str, end: &str| {
        format!("{id},{date},{end},raid,16.7,98.5,https://example.org/{id}\n")
    };
    let csv = [
        header.to_string(),
        row("A", "2020", ""),
        row("A", "2025", ""),
        row("B", "2024-01-01", ""),
        row("B", "2024-01-20", ""),
        row("B", "2024-02-10", ""),
        row("C", "2024-01-01", "2024-06-30"),
        row("C", "2024-05-01", ""),
        row("C", "2024-07-20", ""),
        row("D", "2024-03", ""),
        row("D", "2024-03-31", ""),
        row("D", "2024-04-15", ""),
    ]
    .concat();
    let report = read_csv("far.csv", &csv, gazetteer(), Rules::default());
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("far.csv:3: date: repeats id A dated 2025, more than 31 days"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].starts_with("far.csv:6: date:"),
        "{}",
        problems[1]
    );
    let ids: Vec<&str> = report.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["C", "D"]);
    let c = &report.events[0].date;
    assert_eq!(
        (c.first_day().to_string(), c.last_day().to_string()),
        ("2024-01-01".into(), "2024-07-20".into())
    );
}

#[test]
fn inputs_accepted_silently_before_are_problems_naming_file_and_line() {
    let csv = "id,date,event_type,place,lat,lon,radius_m,source_url\n\
               P1,2024-01-01,raid,;;;;,,,,https://example.org/p\n\
               P2,2024-01-01,raid,,16.7,98.5,1e23,https://example.org/p\n\
               P3,2024-01-01,raid,KK Park,,,,file:///etc/passwd\n\
               P4,2024-01-01,raid,KK Park,,,,https://example.org/p\n";
    let report = read_csv("honest.csv", csv, gazetteer(), Rules::default());
    let shown: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "honest.csv:2: place: \";;;;\" names no place",
            "honest.csv:3: radius_m: \"1e23\" metres is more than half the Earth's circumference (20,015 km)",
            "honest.csv:4: source_url: \"file:///etc/passwd\" is a file on this machine; file:// sources need --allow-file-urls",
        ]
    );
    let ids: Vec<&str> = report.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["P4"]);
    let allowed = read_csv(
        "honest.csv",
        csv,
        gazetteer(),
        Rules {
            allow_file_urls: true,
        },
    );
    assert_eq!(allowed.problems.len(), 2);
    assert_eq!(allowed.events.len(), 2);

    // A column given twice, under one name or two.
    for header in [
        "id,date,event_type,place,source_url,place",
        "id,date,event_type,place,source_url,location",
    ] {
        let csv =
            format!("{header}\nD1,2024-01-01,raid,KK Park,https://example.org/d,Shwe Kokko\n");
        let report = read_csv("dup.csv", &csv, gazetteer(), Rules::default());
        let shown: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with("dup.csv:1: ")
                && shown[0].contains("column 6 repeats column 4 (\"place\")"),
            "{shown:?}"
        );
        assert!(report.events.is_empty());
    }
}

#[test]
fn geojson_places_and_add_flags_are_held_to_the_same_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("far.geojson");
    let feature = r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,
        "properties":{"id":"G1","date":"2024-01-01","type":"raid",
        "places":[{"name":"P","point":{"lon":98.5,"lat":16.7},"radius_m":1e23}],
        "sources":[{"url":"file:///etc/passwd"}]}}]}"#;
    std::fs::write(&path, feature).expect("write");
    let report = read_path(&path, gazetteer(), Rules::default()).expect("readable");
    let shown: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|p| p.contains("more than half the Earth's circumference")),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|p| p.contains("need --allow-file-urls")),
        "{shown:?}"
    );

    let file = dir.path().join("mine.geojson");
    let f = file.to_str().expect("utf-8");
    let add = |extra: &[&str]| {
        let mut args = vec![
            "events",
            "add",
            f,
            "--id",
            "A1",
            "--date",
            "2024-01-01",
            "--type",
            "raid",
        ];
        args.extend_from_slice(extra);
        crate::run_cli(&args)
    };
    let o = add(&["--place", ";;;;", "--source-url", "https://example.org/a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("names no place"));
    let o = add(&["--place", "KK Park", "--source-url", "file:///etc/passwd"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--allow-file-urls"));
    let o = add(&[
        "--place",
        "KK Park",
        "--source-url",
        "file:///tmp/a.txt",
        "--allow-file-urls",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
