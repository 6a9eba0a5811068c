//! The figures the README states, computed from the data they describe: a
//! count that drifts fails here, naming the sentence to fix. (The geoparse
//! tests check the evaluation figures the same way, with [`says`].)

use scamatlas::events::Rules;
use std::path::Path;

use scamatlas::events::{self, EventInput};

use crate::gazetteer;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fails unless the README holds `phrase`, line breaks and runs of spaces
/// read as one space.
pub fn says(phrase: &str) {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(phrase),
        "README.md should say {phrase:?}: that is what the data measures now"
    );
}

/// `n` with a comma between thousands, as the README writes numbers.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The data rows of a TSV file with a header, as maps of column to value;
/// lines starting with `#` are comments.
fn tsv(path: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(root().join(path)).expect(path);
    let mut lines = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn thousands_are_separated_by_commas() {
    assert_eq!(thousands(7), "7");
    assert_eq!(thousands(366), "366");
    assert_eq!(thousands(1017), "1,017");
    assert_eq!(thousands(86_800), "86,800");
}

#[test]
fn the_gazetteer_figures_are_the_files_counts() {
    let places = tsv("gazetteer/places.tsv");
    // The countries added by scripts/build-countries.py, not curated by hand.
    let added: Vec<&str> = places
        .iter()
        .filter(|p| p["coord_source"].contains("world-countries"))
        .map(|p| p["id"].as_str())
        .collect();
    let curated = places.len() - added.len();
    let aliases = tsv("gazetteer/aliases.tsv");
    let cldr = aliases
        .iter()
        .filter(|a| a["source"].starts_with("Unicode CLDR"))
        .count();
    let own = aliases.len() - cldr;
    says(&format!(
        "{curated} curated places (towns, compounds, zones, countries, border lines) with {own} aliases"
    ));
    says(&format!(
        "{} further countries and territories",
        thousands(added.len())
    ));
    says(&format!(
        "CLDR names in English, Chinese, Thai and Burmese ({} aliases)",
        thousands(cldr)
    ));
    let geonames = tsv("gazetteer/geonames-region.tsv").len();
    says(&format!("{} GeoNames cities500 rows", thousands(geonames)));
    // The loaded gazetteer holds what the files hold.
    let layer = |l| gazetteer().places().iter().filter(|p| p.layer == l).count();
    assert_eq!(
        layer(scamatlas::gazetteer::Layer::Curated),
        places.len(),
        "curated layer"
    );
}

#[test]
fn the_event_figures_are_the_bundled_datas_counts() {
    let loaded =
        events::load(&[EventInput::Bundled], gazetteer(), Rules::default(), false).expect("events");
    let count = loaded.events.len();
    let csv = std::fs::read_to_string(root().join("geojson/events.csv")).expect("events.csv");
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("CSV records");
    let rows = records.len();
    // Each row is one source's claim.
    let claims: usize = loaded.events.iter().map(|e| e.sources.len()).sum();
    assert_eq!(claims, rows);
    says(&format!("It also holds **events**: {count} sourced raids"));
    says(&format!(
        "`geojson/events.geojson` ships {count} events built from {rows} sourced rows"
    ));
    says(&format!(
        "| {count} events ({rows} sourced claims) of 2023–2025"
    ));
}

#[test]
fn the_resolve_table_and_fixture_figures_are_their_files_counts() {
    let table = tsv("tests/fixtures/resolve-table.tsv").len();
    says(&format!("tests/fixtures/resolve-table.tsv ({table} rows)"));
    let gold = |dir: &str| -> usize {
        let entries = std::fs::read_dir(root().join(dir)).expect(dir);
        entries
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.to_string_lossy().ends_with(".places.tsv"))
            .map(|p| {
                let path = p.strip_prefix(root()).expect("inside the checkout");
                tsv(path.to_str().expect("utf-8 path")).len()
            })
            .sum()
    };
    says(&format!(
        "Chinese, Thai and Burmese, {} gold mentions)",
        gold("tests/fixtures/geoparse")
    ));
    says(&format!(
        "a Thai and a Chinese report, {} gold mentions)",
        gold("tests/fixtures/geoparse-unseen")
    ));
}
