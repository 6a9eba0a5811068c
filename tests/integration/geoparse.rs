//! Geoparsing: mentions, context, borders, organisations, dates, counts,
//! drafts, bad input, and quality on gold annotations (the development
//! corpus beside the checkout, and our own fixtures).

use scamatlas::events::Rules;
use std::path::{Path, PathBuf};

use scamatlas::geoparse::eval::{evaluate_dir, read_gold, EvalOptions, Scores};
use scamatlas::geoparse::{Geoparser, Mention, Options};

use crate::{gazetteer, readme, run_cli};

fn parser() -> Geoparser<'static> {
    Geoparser::new(gazetteer()).expect("the geoparser builds")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geoparse")
}

/// (text, place id) of every mention.
fn found(mentions: &[Mention<'_>]) -> Vec<(String, String)> {
    mentions
        .iter()
        .map(|m| {
            (
                m.text.clone(),
                m.place.map_or("-".to_string(), |p| p.id.clone()),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Every score of an evaluation that the README states as 1.000.
fn assert_perfect(what: &str, o: &Scores) {
    for (name, value) in [
        ("F1 (exact spans)", o.f1_exact),
        ("F1 (overlapping spans)", o.f1_overlap),
        ("referent accuracy", o.referent_accuracy),
        ("within 5 km", o.accuracy_km["5"]),
        ("within 161 km", o.accuracy_km["161"]),
    ] {
        assert!(value == 1.0, "{what}: {name} {value:.3}, not 1.000");
    }
}

// Ignored by a plain `cargo test`, so that its absence shows as "ignored"
// instead of a pass; scripts/test.sh runs it with `--ignored`, and fails under
// CI=true when the corpus is missing.
#[test]
#[ignore = "needs ../shared/corpus beside the checkout; scripts/test.sh runs it"]
fn development_corpus_scores_what_the_readme_claims() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        dir.is_dir(),
        "{} is absent: the development corpus sits beside the checkout",
        dir.display()
    );
    let report = evaluate_dir(&parser(), &dir, EvalOptions::default()).expect("evaluation runs");
    assert_eq!(report.overall.gold, 88, "the corpus has 88 gold rows");
    // The evaluation is deterministic: the README's 1.000 is held exactly.
    // (Its distances are not evidence: the gazetteer took 82 of the 88
    // points from the corpus. Referent accuracy is.)
    assert_perfect("corpus", &report.overall);
    // Why its distances are no evidence (the README says so): the gazetteer
    // copied most of its points from the corpus README, and the rest are the
    // same GeoNames records; only the border rows' points differ.
    let rows: Vec<_> = report.files.iter().flat_map(|f| &f.rows).collect();
    let copied = rows
        .iter()
        .filter_map(|r| {
            r.predicted_place
                .as_deref()
                .and_then(|id| gazetteer().get(id))
        })
        .filter(|p| p.coord_source.contains("corpus/README.md"))
        .count();
    let same_point = rows
        .iter()
        .filter(|r| r.error_km.is_some_and(|e| e < 0.001))
        .count();
    readme::says(&format!(
        "{copied} of its {} gold mentions resolve to gazetteer places whose coordinates were copied from the corpus README, and {} more to the GeoNames records it cites",
        rows.len(),
        same_point - copied
    ));
    // Without names inside organisation names, too.
    let plain = evaluate_dir(
        &parser(),
        &dir,
        EvalOptions {
            drop_embedded: true,
        },
    )
    .expect("evaluation runs");
    assert!(plain.overall.gold < 88);
    assert_perfect("corpus without embedded names", &plain.overall);
}

#[test]
fn own_fixtures_in_four_scripts_score_what_the_readme_claims() {
    let report =
        evaluate_dir(&parser(), &fixtures(), EvalOptions::default()).expect("evaluation runs");
    assert_eq!(report.files.len(), 5);
    assert_eq!(report.overall.gold, 46);
    // Deterministic and claimed perfect: one lost or misplaced mention fails.
    assert_perfect("fixtures", &report.overall);
    for f in &report.files {
        assert_perfect(&f.file, &f.scores);
        assert!(f.spurious.is_empty(), "{}: {:?}", f.file, f.spurious);
    }
    // The distances that are evidence: gold from another source.
    let errors = independent_errors_km(&fixtures());
    assert!(errors.iter().all(|&e| e <= 2.1), "{errors:?}");
    readme::says(&format!(
        "For {} of the {} mentions it is a source other than the gazetteer's",
        errors.len(),
        report.overall.gold
    ));
    readme::says("the parser's point lies within 2.1 km of each");
}

#[test]
fn generality_probes_score_what_the_readme_claims() {
    // Texts written later to probe unseen-article quality (see their README);
    // the generic gaps they showed were fixed, so they now guard those fixes.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geoparse-unseen");
    let report = evaluate_dir(&parser(), &dir, EvalOptions::default()).expect("evaluation runs");
    let o = &report.overall;
    assert_eq!(report.files.len(), 3);
    assert_eq!(o.gold, 71);
    // The README claims F1 0.986 (two Thai spellings missed, no false
    // positive); one more missed mention gives 0.978 and fails.
    assert!(o.f1_exact >= 0.98, "F1 (exact spans) {:.3}", o.f1_exact);
    assert!(o.f1_overlap >= 0.98, "F1 (overlap) {:.3}", o.f1_overlap);
    assert!(
        o.precision_exact == 1.0,
        "precision {:.3}",
        o.precision_exact
    );
    assert!(
        o.referent_accuracy == 1.0,
        "referents {:.3}",
        o.referent_accuracy
    );
    assert!(
        o.accuracy_km["5"] == 1.0,
        "within 5 km {:.3}",
        o.accuracy_km["5"]
    );
    readme::says(&format!("are fixed: F1 {:.3}", o.f1_exact));
    let errors = independent_errors_km(&dir);
    assert!(errors.iter().all(|&e| e <= 2.2), "{errors:?}");
    readme::says(&format!(
        "for the {} matched mentions whose gold coordinate comes from a source other than the gazetteer's, the parser's point lies within 2.2 km",
        errors.len()
    ));
}

/// How far the parser's point lies from each gold coordinate of `dir` that
/// comes from a source other than the gazetteer's, km (matched mentions only).
///
/// A gold coordinate that is the gazetteer's own (the same GeoNames record,
/// the same estimate) measures only that the right place was picked; such a
/// row must say `as in the gazetteer` in its note, and this fails on one that
/// the parser's answer matches to the metre without saying so.
pub fn independent_errors_km(dir: &Path) -> Vec<f64> {
    let report = evaluate_dir(&parser(), dir, EvalOptions::default()).expect("evaluation runs");
    let mut errors = Vec::new();
    for file in &report.files {
        let text_path = dir.join(&file.file);
        let gold_path = text_path.with_extension("places.tsv");
        let text = std::fs::read_to_string(&text_path).expect("text");
        let tsv = std::fs::read_to_string(&gold_path).expect("gold");
        let gold = read_gold(&gold_path, &tsv, &text).expect("gold rows");
        for (row, g) in file.rows.iter().zip(&gold) {
            assert_eq!((row.start, row.end), (g.start, g.end));
            let Some(error_km) = row.error_km else {
                continue;
            };
            let as_in_gazetteer = g.note.contains("as in the gazetteer");
            assert!(
                as_in_gazetteer || error_km >= 0.001,
                "{}: {} at {}: the gazetteer's own coordinate, not marked so",
                file.file,
                g.mention,
                g.start
            );
            if !as_in_gazetteer && !g.is_approx() {
                errors.push(error_km);
            }
        }
    }
    errors
}

#[test]
fn context_decides_between_namesakes() {
    let p = parser();
    let kokang = p.mentions("After fighting in the Kokang region, Laokai fell; 老街 is quiet.");
    assert_eq!(
        found(&kokang),
        pairs(&[
            ("Kokang region", "kokang"),
            ("Laokai", "laukkai"),
            ("老街", "laukkai")
        ])
    );
    assert!(kokang[1].reason.contains("Kokang"), "{}", kokang[1].reason);
    let vietnam =
        p.mentions("Trains from Hanoi reach Lao Cai, near the border with China, in Vietnam.");
    let lao_cai = vietnam
        .iter()
        .find(|m| m.text == "Lao Cai")
        .expect("Lao Cai found");
    assert_eq!(lao_cai.place.map(|p| p.id.as_str()), Some("lao_cai"));
}

#[test]
fn border_phrases_are_one_span_resolved_to_the_line() {
    let p = parser();
    let m = p.mentions("Suspects were sent back to China via the Myanmar border on Friday.");
    assert_eq!(
        found(&m),
        pairs(&[("China", "china"), ("Myanmar border", "border_cn_mm")])
    );
    let m = p.mentions("Workers fled across the Thai-Myanmar border to Mae Sot.");
    assert_eq!(m[0].text, "Thai-Myanmar border");
    assert_eq!(m[0].place.map(|p| p.id.as_str()), Some("border_mm_th"));
    let m = p.mentions("Peace on the China–Myanmar border, said Myanmar’s northern border guards.");
    assert_eq!(m[0].text, "China–Myanmar border");
    // A possessive is not a border phrase.
    assert_eq!(m[1].text, "Myanmar");
}

#[test]
fn border_phrases_in_chinese_and_thai_are_one_span_resolved_to_the_line() {
    let p = parser();
    // Chinese: two one-character country names, then "border".
    let m = p.mentions("泰缅边境一带的监管仍然薄弱，中缅边境也是如此。");
    assert_eq!(
        found(&m),
        pairs(&[("泰缅边境", "border_mm_th"), ("中缅边境", "border_cn_mm")])
    );
    // Thai: "border", then the two countries.
    let m = p.mentions("กลับมาตามแนวชายแดนไทย-เมียนมาอีก");
    assert_eq!(found(&m), pairs(&[("ชายแดนไทย-เมียนมา", "border_mm_th")]));
    // One country after the Thai border word is no border phrase.
    let m = p.mentions("ที่ชายแดนไทย");
    assert_eq!(found(&m), pairs(&[("ไทย", "thailand")]));
}

#[test]
fn a_latin_name_glued_to_chinese_or_thai_is_a_name() {
    let p = parser();
    let m = p.mentions("亚太新城和KK园区被认为规模最大");
    assert_eq!(
        found(&m),
        pairs(&[("亚太新城", "shwe_kokko"), ("KK园区", "kk_park")])
    );
    // Still no name inside a Latin word.
    assert!(p.mentions("和SKK园").is_empty());
}

#[test]
fn chinese_region_words_after_a_name_belong_to_its_span() {
    let p = parser();
    let m = p.mentions("果敢自治区首府老街，金三角地区");
    assert_eq!(
        found(&m),
        pairs(&[
            ("果敢自治区", "kokang"),
            ("老街", "laukkai"),
            ("金三角地区", "golden_triangle")
        ])
    );
}

#[test]
fn chinese_and_thai_names_of_hub_towns_from_wikipedia() {
    let p = parser();
    let m = p.mentions("泰国方面在湄索一带加强检查，团伙转移到柬埔寨西港。");
    assert_eq!(
        found(&m),
        pairs(&[
            ("泰国", "thailand"),
            ("湄索", "mae_sot"),
            ("柬埔寨", "cambodia"),
            ("西港", "sihanoukville")
        ])
    );
    let m = p.mentions("อาคารในชเวโกะโก");
    assert_eq!(found(&m), pairs(&[("ชเวโกะโก", "shwe_kokko")]));
}

#[test]
fn the_thai_name_of_the_golden_triangle_sez_is_the_zone_not_the_region() {
    let p = parser();
    let m = p.mentions("การจับกุมในเขตเศรษฐกิจพิเศษสามเหลี่ยมทองคำ และที่สามเหลี่ยมทองคำ");
    assert_eq!(
        found(&m),
        pairs(&[
            ("เขตเศรษฐกิจพิเศษสามเหลี่ยมทองคำ", "golden_triangle_sez"),
            ("สามเหลี่ยมทองคำ", "golden_triangle")
        ])
    );
}

#[test]
fn organisation_names_mark_their_place_names() {
    let p = parser();
    let m = p
        .mentions("A United Wa State Army spokesman told China Daily that officials in Wa agreed.");
    assert_eq!(
        found(&m),
        pairs(&[("Wa State", "wa"), ("China", "china"), ("Wa", "wa")])
    );
    assert_eq!(m[0].organisation.as_deref(), Some("United Wa State Army"));
    assert_eq!(m[1].organisation.as_deref(), Some("China Daily"));
    assert_eq!(m[2].organisation, None);
}

#[test]
fn demonyms_persons_and_agencies_are_not_places() {
    let p = parser();
    let m = p.mentions(
        "Chinese and Thai police, Asian analysts, Southeast Asian states, Senior General Min Aung Hlaing, Reuters and Xinhua reported.",
    );
    assert!(m.is_empty(), "{:?}", found(&m));
    // The macro-region itself is a place, and the longest name wins.
    let m = p.mentions("across Southeast Asia and the Asia-Pacific");
    assert_eq!(
        found(&m),
        pairs(&[
            ("Southeast Asia", "southeast_asia"),
            ("Asia-Pacific", "asia_pacific")
        ])
    );
}

#[test]
fn a_gazetteer_name_in_a_run_of_capitals_is_a_name_unless_the_run_is_a_sentence_start() {
    let p = parser();
    // Capitalised only because it opens the sentence: the town is a place.
    for text in [
        "Troops withdrew. Later Kawkareik town was shelled.",
        "Police Kawkareik town was shelled.",
    ] {
        assert_eq!(
            found(&p.mentions(text)),
            pairs(&[("Kawkareik", "gn:1319898")]),
            "{text}"
        );
    }
    // Inside a sentence, a capitalised word before it makes a run: a
    // person's or an organisation's name.
    let m = p.mentions("Troops said Police Kawkareik town was shelled.");
    assert!(m.is_empty(), "{:?}", found(&m));
}

#[test]
fn typing_errors_in_capitalised_names_are_forgiven() {
    let p = parser();
    let m = p.mentions("Raids continued in Myawady and Shwe Koko, and in Tachilek.");
    assert_eq!(
        found(&m),
        pairs(&[
            ("Myawady", "myawaddy"),
            ("Shwe Koko", "shwe_kokko"),
            ("Tachilek", "tachileik")
        ])
    );
    assert!(m[0].confidence < m[2].confidence);
    assert!(m[0].reason.contains("edit"), "{}", m[0].reason);
}

#[test]
fn offsets_are_code_points_not_bytes() {
    let p = parser();
    let text = "“Laukkai’s” fall — 老街 — shocked Myanmar’s junta";
    let m = p.mentions(text);
    let chars: Vec<char> = text.chars().collect();
    for mention in &m {
        let span: String = chars[mention.start..mention.end].iter().collect();
        assert_eq!(span, mention.text);
        assert_eq!(&text[mention.byte_start..mention.byte_end], mention.text);
    }
    assert_eq!(
        m.iter().map(|m| (m.start, m.end)).collect::<Vec<_>>(),
        [(1, 8), (19, 21), (32, 39)]
    );
}

#[test]
fn dates_and_counts_are_read_against_the_article_date() {
    let p = parser();
    let options = Options {
        article_date: chrono::NaiveDate::from_ymd_opt(2023, 12, 6),
    };
    let doc = p.parse(
        "On November 18 the ministry said northern Myanmar authorities had turned over approximately 31,000 suspects. Yesterday 40 workers were rescued in Myawaddy.",
        &options,
    );
    let dates: Vec<(String, String)> = doc
        .dates
        .iter()
        .map(|d| (d.text.clone(), d.value.expect("resolved").to_event_date()))
        .collect();
    assert_eq!(
        dates,
        [
            ("November 18".to_string(), "2023-11-18".to_string()),
            ("Yesterday".to_string(), "2023-12-05".to_string())
        ]
    );
    assert_eq!(doc.counts.len(), 2);
    let handover = &doc.counts[0];
    assert_eq!(handover.value, 31_000);
    assert_eq!(handover.kind.as_str(), "handed_over");
    assert_eq!(handover.event_type.map(|t| t.as_str()), Some("handover"));
    assert_eq!(
        doc.mentions[handover.place.expect("a place")].text,
        "northern Myanmar"
    );
    let rescue = &doc.counts[1];
    assert_eq!((rescue.value, rescue.kind.as_str()), (40, "rescued"));
    assert_eq!(
        doc.mentions[rescue.place.expect("a place")].text,
        "Myawaddy"
    );
}

#[test]
fn draft_events_validate_and_name_their_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let article = fixtures().join("thai_border_en.txt");
    let o = run_cli(&[
        "geoparse",
        "--events-csv",
        "--date",
        "2025-03-05",
        article.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = String::from_utf8(o.stdout).expect("utf-8");
    let path = dir.path().join("drafts.csv");
    std::fs::write(&path, &csv).expect("written");
    // The drafts name the article as a file:// URL, which needs the flag.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("--allow-file-urls"), "{stderr}");
    let p = path.to_str().expect("utf-8 path");
    let v = run_cli(&["events", "validate", p]);
    let refused = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(1), "{refused}");
    assert!(
        refused.contains("file:// sources need --allow-file-urls"),
        "{refused}"
    );
    let v = run_cli(&["events", "validate", "--allow-file-urls", p]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
    let report = scamatlas::events::read_csv(
        "drafts.csv",
        &csv,
        gazetteer(),
        Rules {
            allow_file_urls: true,
        },
    );
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let events = report.events;
    // The running total ("Since January, more than 7,000 people") is a
    // figure, not an event: no draft, and stderr says why.
    assert_eq!(events.len(), 2, "{csv}");
    assert!(
        stderr.contains("a running total: a figure, not an event"),
        "{stderr}"
    );
    for e in &events {
        assert!(e.id.starts_with("DRAFT-thai_border_en-"), "{}", e.id);
        assert!(e.notes.starts_with("DRAFT"), "{}", e.notes);
        assert!(
            e.sources[0].url.starts_with("file:///"),
            "{}",
            e.sources[0].url
        );
        assert!(e.sources[0].url.ends_with("thai_border_en.txt"));
    }
    let summary: Vec<(String, String, u64)> = events
        .iter()
        .map(|e| {
            (
                e.event_type.as_str().to_string(),
                e.date.to_string(),
                e.counts[0].best,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("rescue".to_string(), "2025-03-04".to_string(), 1041),
            ("raid".to_string(), "2025-03-03".to_string(), 300),
        ]
    );
    assert_eq!(events[1].places[0].id.as_deref(), Some("min_let_pan"));
    // The dateline "MYAWADDY, Myanmar —" is where the report was filed; the
    // rescue is placed by its own sentence ("near Myawady").
    assert_eq!(events[0].places[0].name.as_str(), "Myawady");
    assert!(events.iter().all(|e| !e.aggregate));
    assert!(events[0]
        .notes
        .contains("1,041 foreign nationals were rescued"));

    // --source-url names the web page instead.
    let o = run_cli(&[
        "geoparse",
        "--events-csv",
        "--date",
        "2025-03-05",
        "--source-url",
        "https://example.org/article",
        article.to_str().expect("utf-8 path"),
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(",https://example.org/article,"));
}

#[test]
fn table_json_and_geojson_output() {
    let article = fixtures().join("kokang_en.txt");
    let path = article.to_str().expect("utf-8 path");
    let o = run_cli(&["geoparse", path]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    assert!(text.contains("CHARS") && text.contains("CONF") && text.contains("REASON"));
    assert!(text.contains("laukkai"), "{text}");

    let o = run_cli(&["geoparse", "--json", path]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let mentions = v[0]["mentions"].as_array().expect("mentions");
    let laokai = mentions
        .iter()
        .find(|m| m["text"] == "Laokai")
        .expect("Laokai");
    assert_eq!(laokai["place"]["id"], "laukkai");
    assert!(laokai["start"].as_u64().is_some() && laokai["lat"].as_f64().is_some());
    let mndaa = mentions
        .iter()
        .find(|m| m["organisation"].is_string())
        .expect("an organisation");
    assert_eq!(
        mndaa["organisation"],
        "Myanmar National Democratic Alliance Army"
    );

    let o = run_cli(&["geoparse", "--geojson", path]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("GeoJSON");
    assert_eq!(v["type"], "FeatureCollection");
    assert!(v["features"].as_array().expect("features").len() >= 8);
}

#[test]
fn empty_and_non_utf8_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").expect("written");
    let o = run_cli(&["geoparse", "--json", empty.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v[0]["mentions"].as_array().map(Vec::len), Some(0));

    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Caf\xe9 in Myawaddy").expect("written");
    let o = run_cli(&["geoparse", latin1.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("latin1.txt") && err.contains("not UTF-8"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn eval_command_prints_a_per_file_table() {
    let o = run_cli(&["eval", "geoparse", fixtures().to_str().expect("utf-8 path")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).expect("utf-8");
    for needle in [
        "FILE",
        "F1",
        "@5",
        "MEDIAN KM",
        "kokang_zh.txt",
        "ALL",
        "toponyms: exact span",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let o = run_cli(&[
        "eval",
        "geoparse",
        "--json",
        fixtures().to_str().expect("utf-8 path"),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["overall"]["f1_exact"].as_f64().is_some());
    assert_eq!(v["files"].as_array().map(Vec::len), Some(5));
}

/// `geoparse` run in the checkout on `files` (relative paths, so that the
/// output does not depend on where the checkout is).
fn event_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events")
}

#[test]
fn eval_events_scores_our_fixture_articles_as_the_readme_claims() {
    let dir = event_fixtures();
    let o = run_cli(&[
        "eval",
        "events",
        "--json",
        dir.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let all = &v["overall"];
    assert_eq!(all["gold"], 4);
    assert_eq!(all["proposed"], 4);
    assert_eq!(all["matched"], 4);
    // Background (the arrests "late last year") and two running totals.
    assert_eq!(all["flagged"], 3);
    assert_eq!(all["f1"], 1.0);
    assert_eq!(all["proposals_per_event"], 1.0);
    // The article dated only at its end gets its events from the gold date.
    let late = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["file"] == "late_date_en.txt")
        .expect("late_date_en");
    assert_eq!(late["scores"]["matched"], 2);

    let o = run_cli(&[
        "eval",
        "events",
        "--rows",
        dir.to_str().expect("utf-8 path"),
    ]);
    let text = String::from_utf8(o.stdout).expect("utf-8");
    for needle in [
        "PER EVENT",
        "raid_en.txt",
        "ALL",
        "events: P 1.000 R 1.000 F1 1.000",
        "handover 2025-03-01 at Muse-Ruili crossing (412)",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}

#[test]
fn eval_events_on_the_development_corpus_scores_what_the_readme_claims() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is not here", corpus.display());
        return;
    }
    let gold = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events-corpus");
    let o = run_cli(&[
        "eval",
        "events",
        "--json",
        "--gold",
        gold.to_str().expect("utf-8 path"),
        corpus.to_str().expect("utf-8 path"),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let all = &v["overall"];
    assert_eq!(
        (&all["gold"], &all["proposed"], &all["matched"]),
        (&3.into(), &2.into(), &2.into()),
        "{all}"
    );
}

fn geoparse_in_checkout(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_scamatlas"))
        .arg("geoparse")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("scamatlas runs")
}

const THREE_ARTICLES: [&str; 3] = [
    "tests/fixtures/geoparse/kokang_zh.txt",
    "tests/fixtures/geoparse/mae_sot_th.txt",
    "tests/fixtures/geoparse/kokang_en.txt",
];

// The JSON and GeoJSON of several articles, written article by article since
// issue 15, are byte for byte what they were when gathered whole.
#[test]
fn json_of_several_articles_is_written_as_before() {
    let o = geoparse_in_checkout(&[&["--json"][..], &THREE_ARTICLES].concat());
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(o.stdout).expect("utf-8"));
}

#[test]
fn geojson_of_several_articles_is_written_as_before() {
    let o = geoparse_in_checkout(&[&["--geojson"][..], &THREE_ARTICLES].concat());
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(o.stdout).expect("utf-8"));
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_any_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let long = dir.path().join("long.txt");
    std::fs::write(&long, "Myawaddy ".repeat(25)).expect("written");
    let long = long.to_str().expect("utf-8 path");
    let short = THREE_ARTICLES[0];
    for flag in ["--json", "--geojson", "--events-csv", "--date=2024-01-01"] {
        let o = geoparse_in_checkout(&[flag, "--max-bytes", "224", short, long]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("long.txt: 225 bytes, over the limit of 224 bytes per file")
                && err.contains("--max-bytes"),
            "{err}"
        );
        assert!(o.stdout.is_empty(), "{flag}: nothing is written");
    }
    // At the limit, it is read.
    let o = geoparse_in_checkout(&["--max-bytes", "225", long]);
    assert_eq!(o.status.code(), Some(0));

    // The default limit is 8 MiB.
    let huge = dir.path().join("huge.txt");
    std::fs::write(&huge, vec![b'a'; 8 * 1024 * 1024 + 1]).expect("written");
    let o = geoparse_in_checkout(&[huge.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("huge.txt: 8388609 bytes, over the limit of 8388608 bytes"),
        "{err}"
    );
}
