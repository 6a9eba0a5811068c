//! The `scamatlas` binary as a user runs it: output formats, exit codes, stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn scamatlas(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scamatlas"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scamatlas starts");
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || {
        // The binary may stop reading early; a broken pipe here is not a failure.
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("scamatlas finishes");
    writer.join().expect("stdin writer");
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)))
}

fn ids(candidates: &serde_json::Value) -> Vec<String> {
    candidates
        .as_array()
        .expect("candidates array")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn table_lists_ranked_candidates_and_exits_0() {
    let o = scamatlas(&["resolve", "Laukkaing", "Myawadi"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let header = text.lines().next().expect("a header line");
    for column in [
        "QUERY", "PLACE", "ID", "KIND", "LON", "LAT", "RADIUS", "REASON", "SCORE",
    ] {
        assert!(header.contains(column), "header {header:?} lacks {column}");
    }
    assert!(
        text.contains("laukkai") && text.contains("myawaddy"),
        "{text}"
    );
}

#[test]
fn laojie_is_ambiguous_until_a_hint_decides() {
    let o = scamatlas(&["resolve", "--json", "老街"], None);
    assert_eq!(o.status.code(), Some(0));
    let listed = ids(&json(&o)[0]["candidates"]);
    assert!(
        listed.contains(&"laukkai".to_string()) && listed.contains(&"lao_cai".to_string()),
        "{listed:?}"
    );

    for hint in [
        ["--country", "MM"],
        ["--near", "Kokang"],
        ["--near", "98.7,23.7"],
        ["--country", "Myanmar"],
    ] {
        let o = scamatlas(&["resolve", "--json", hint[0], hint[1], "老街"], None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            ids(&json(&o)[0]["candidates"])[0],
            "laukkai",
            "with {hint:?}"
        );
    }
    let o = scamatlas(&["resolve", "--json", "--country", "VN", "老街"], None);
    assert_eq!(ids(&json(&o)[0]["candidates"])[0], "lao_cai");
}

#[test]
fn json_candidates_carry_reason_precision_and_source() {
    let o = scamatlas(&["resolve", "--json", "--limit", "3", "Shwekoko"], None);
    assert_eq!(o.status.code(), Some(0));
    let top = &json(&o)[0]["candidates"][0];
    assert_eq!(top["id"], "shwe_kokko");
    assert_eq!(top["reason"], "fuzzy");
    assert!(top["edits"].as_u64().expect("edits") >= 1);
    assert_eq!(top["kind"], "point");
    assert_eq!(top["countries"][0], "MM");
    assert!(top["radius_m"].as_i64().expect("radius") > 0);
    assert!(!top["coord_source"].as_str().expect("source").is_empty());
    assert!(json(&o)[0]["candidates"].as_array().expect("array").len() <= 3);
}

#[test]
fn geojson_output_is_a_feature_collection_with_lines_for_borders() {
    let o = scamatlas(
        &["resolve", "--geojson", "the Thai border", "Myawaddy"],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let collection: geojson::FeatureCollection =
        serde_json::from_slice(&o.stdout).expect("a GeoJSON FeatureCollection");
    let border = collection
        .features
        .iter()
        .find(|f| f.property("id").and_then(|v| v.as_str()) == Some("border_mm_th"))
        .expect("the Myanmar-Thailand border is a candidate");
    assert!(matches!(
        border.geometry.as_ref().map(|g| &g.value),
        Some(geojson::Value::LineString(_) | geojson::Value::MultiLineString(_))
    ));
    let town = collection
        .features
        .iter()
        .find(|f| f.property("id").and_then(|v| v.as_str()) == Some("myawaddy"))
        .expect("Myawaddy is a candidate");
    assert!(matches!(
        town.geometry.as_ref().map(|g| &g.value),
        Some(geojson::Value::Point(_))
    ));
    assert_eq!(
        town.property("query").and_then(|v| v.as_str()),
        Some("Myawaddy")
    );
}

#[test]
fn stdin_batch_writes_one_json_line_per_input_line_and_names_failures() {
    let input = "Myawaddy\n\nXqzvbkwj\r\nမြဝတီ\n".as_bytes();
    let o = scamatlas(&["resolve"], Some(input));
    assert_eq!(o.status.code(), Some(1), "some names did not resolve");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(ids(&lines[0]["candidates"])[0], "myawaddy");
    assert!(lines[1]["error"]
        .as_str()
        .expect("blank line is an error")
        .contains("empty"));
    assert_eq!(lines[2]["candidates"].as_array().expect("array").len(), 0);
    assert_eq!(
        lines[2]["query"], "Xqzvbkwj",
        "CR of a CRLF file is not part of the name"
    );
    assert_eq!(ids(&lines[3]["candidates"])[0], "myawaddy");
    let err = stderr(&o);
    assert!(
        err.contains("line 2") && err.contains("line 3") && err.contains("Xqzvbkwj"),
        "{err}"
    );
    assert!(
        !err.contains("line 1:") && !err.contains("line 4:"),
        "{err}"
    );
}

#[test]
fn all_resolved_batch_exits_0() {
    let o = scamatlas(&["resolve"], Some("Tachileik\nKK Park\n".as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn a_megabyte_line_is_refused_not_ground_through() {
    let mut input = "Myawaddy\n".to_string();
    input.push_str(&"Laukkai ".repeat(131_072));
    input.push('\n');
    let o = scamatlas(&["resolve"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1]["error"]
            .as_str()
            .expect("error")
            .contains("longer than"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1]["query"].as_str().expect("query").len() < 200,
        "the line is not echoed whole"
    );
    assert!(stderr(&o).contains("line 2"));
}

#[test]
fn invalid_utf8_line_is_reported_with_its_number() {
    let o = scamatlas(&["resolve"], Some(b"Myawaddy\n\xff\xfeMuse\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("line 2: the line is not valid UTF-8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_parameter() {
    for (args, expected) in [
        (vec!["resolve", ""], "empty"),
        (vec!["resolve", "Muse", "   "], "NAME 2"),
        (vec!["resolve", "--near", "98.5,95", "Muse"], "--near"),
        (vec!["resolve", "--near", "Xqzvbkwj", "Muse"], "--near"),
        (
            vec!["resolve", "--country", "Atlantisland", "Muse"],
            "--country",
        ),
        (vec!["resolve", "--kind", "blob", "Muse"], "--kind"),
        (vec!["resolve", "--limit", "0", "Muse"], "--limit"),
        (vec!["places", "--kind", "blob"], "--kind"),
    ] {
        let o = scamatlas(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn places_filters_by_country_kind_and_layer() {
    let o = scamatlas(
        &["places", "--json", "--country", "MM", "--kind", "line"],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let places = json(&o);
    let ids = ids(&places);
    for expected in ["border_mm_th", "border_la_mm", "border_cn_mm"] {
        assert!(ids.contains(&expected.to_string()), "{ids:?}");
    }
    for p in places.as_array().expect("array") {
        assert_eq!(p["kind"], "line");
        assert!(p["countries"]
            .as_array()
            .expect("countries")
            .iter()
            .any(|c| c == "MM"));
    }

    let o = scamatlas(&["places", "--geojson", "--layer", "curated"], None);
    let collection: geojson::FeatureCollection =
        serde_json::from_slice(&o.stdout).expect("GeoJSON");
    let curated_rows =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/places.tsv"))
            .expect("places.tsv")
            .lines()
            .count()
            - 1;
    assert_eq!(collection.features.len(), curated_rows);

    let o = scamatlas(&["places", "--country", "LA"], None);
    let text = stdout(&o);
    assert!(
        text.contains("golden_triangle_sez") && !text.contains("myawaddy"),
        "{text}"
    );
}

#[test]
fn a_broken_data_folder_is_an_error_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for rel in [
        "gazetteer/aliases.tsv",
        "gazetteer/geonames-region.tsv",
        "gazetteer/geonames-corrections.tsv",
        "geojson/borders.geojson",
    ] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root.join(rel), &to).expect("copy");
    }
    let places = std::fs::read_to_string(root.join("gazetteer/places.tsv")).expect("places.tsv");
    let mut lines: Vec<String> = places.lines().map(str::to_string).collect();
    lines[2] = lines[2]
        .replacen("\tarea\t", "\tblob\t", 1)
        .replacen("\tpoint\t", "\tblob\t", 1);
    std::fs::write(
        dir.path().join("gazetteer/places.tsv"),
        lines.join("\n") + "\n",
    )
    .expect("write");

    let data = dir.path().to_str().expect("utf-8 path");
    let o = scamatlas(&["--data", data, "resolve", "Muse"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("places.tsv:3:") && err.contains("blob"),
        "{err}"
    );
}

/// The table people read, for names in several scripts, a typo, a border and a
/// hint; reviewed as a snapshot so that ranking changes show up in review.
#[test]
fn resolve_table_snapshot() {
    let o = scamatlas(
        &[
            "resolve",
            "--limit",
            "3",
            "Laukkaing",
            "老街",
            "မြဝတီ",
            "Tachilek",
            "Pangkam",
            "the Golden Triangle",
            "Myanmar-Laos border",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn quiet_silences_status_lines_but_not_errors() {
    // A status line: how many events matched.
    let o = scamatlas(&["query", "near", "Myawaddy", "--radius-km", "30"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(" events\n"), "{}", stderr(&o));
    let quiet = scamatlas(
        &["-q", "query", "near", "Myawaddy", "--radius-km", "30"],
        None,
    );
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert_eq!(stderr(&quiet), "", "-q leaves stderr empty");
    assert_eq!(stdout(&quiet), stdout(&o), "-q leaves the data alone");

    // Errors: a name that matches nothing, and a usage error.
    let o = scamatlas(&["-q", "resolve", "Xqzvkwy"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no place matches \"Xqzvkwy\""),
        "{}",
        stderr(&o)
    );
    let o = scamatlas(
        &[
            "-q", "export", "--layer", "events", "--format", "shp", "-o", "-",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--format: unknown format \"shp\""),
        "{}",
        stderr(&o)
    );
}
