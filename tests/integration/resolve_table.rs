//! The resolution table: `tests/fixtures/resolve-table.tsv`, one (input,
//! expected place) row per line, written by hand from the research notes.
//!
//! Columns: `input`, `expected` (a place id that must come first; `a+b` for
//! places that must fill the first ranks in any order; `-` for no match),
//! `hint` (empty, `country=MM`, `near=Kokang`, `near=LON;LAT` or `kind=line`),
//! and `why`.

use scamatlas::gazetteer::{Hints, Kind};

use crate::gazetteer;

const TABLE: &str = include_str!("../fixtures/resolve-table.tsv");

fn hints(hint: &str) -> Hints {
    let mut hints = Hints::default();
    if hint.is_empty() {
        return hints;
    }
    let (key, value) = hint.split_once('=').expect("hint is key=value");
    match key {
        "country" => hints.country = Some(value.to_string()),
        "kind" => hints.kind = Some(value.parse::<Kind>().expect("kind")),
        "near" => {
            hints.near = Some(match value.replace(';', ",").parse() {
                Ok(p) => p,
                Err(_) => {
                    gazetteer()
                        .resolve(value, &Hints::default())
                        .expect("valid")[0]
                        .point
                }
            })
        }
        other => panic!("unknown hint {other}"),
    }
    hints
}

#[test]
fn resolution_table() {
    let g = gazetteer();
    let mut rows = 0;
    let mut failures = Vec::new();
    for (n, line) in TABLE.lines().enumerate().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert!(
            cells.len() >= 3,
            "resolve-table.tsv:{}: needs input, expected, hint",
            n + 1
        );
        let (input, expected, hint) = (cells[0], cells[1], cells[2]);
        rows += 1;
        let ranked = g.resolve(input, &hints(hint)).expect("valid input");
        let got: Vec<&str> = ranked.iter().map(|c| c.place.id.as_str()).collect();
        let ok = match expected {
            "-" => got.is_empty(),
            set if set.contains('+') => {
                let want: Vec<&str> = set.split('+').collect();
                let mut top: Vec<&str> = got.iter().take(want.len()).copied().collect();
                top.sort_unstable();
                let mut want_sorted = want.clone();
                want_sorted.sort_unstable();
                top == want_sorted
            }
            id => got.first() == Some(&id),
        };
        if !ok {
            failures.push(format!(
                "line {}: {input:?} [{hint}] expected {expected}, got {:?}",
                n + 1,
                &got[..got.len().min(4)]
            ));
        }
    }
    assert!(rows >= 150, "the table has only {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn blank_and_oversized_names_are_refused_before_any_work() {
    use scamatlas::gazetteer::ResolveError;
    let g = gazetteer();
    assert_eq!(
        g.resolve("", &Hints::default()).err(),
        Some(ResolveError::Empty)
    );
    assert_eq!(
        g.resolve(" \t ", &Hints::default()).err(),
        Some(ResolveError::Empty)
    );
    assert!(matches!(
        g.resolve("-- ''", &Hints::default()),
        Err(ResolveError::NoLetters(_))
    ));
    let megabyte = "Laukkai ".repeat(131_072);
    assert_eq!(
        g.resolve(&megabyte, &Hints::default()).err(),
        Some(ResolveError::TooLong {
            bytes: megabyte.len()
        })
    );
}
