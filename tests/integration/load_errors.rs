//! A malformed data file stops loading with its path, line and what is wrong.

use std::borrow::Cow;

use scamatlas::gazetteer::{Gazetteer, Sources};

/// The bundled sources with line `line` (1-based) of one file replaced.
fn with_line(
    pick: fn(&mut Sources) -> &mut scamatlas::gazetteer::SourceText,
    line: usize,
    edit: impl Fn(&str) -> String,
) -> Sources {
    let mut sources = Sources::bundled();
    let file = pick(&mut sources);
    let mut lines: Vec<String> = file.text.lines().map(str::to_string).collect();
    lines[line - 1] = edit(&lines[line - 1]);
    file.text = Cow::Owned(lines.join("\n") + "\n");
    sources
}

fn set_column(row: &str, column: usize, value: &str) -> String {
    let mut cells: Vec<&str> = row.split('\t').collect();
    cells[column] = value;
    cells.join("\t")
}

#[track_caller]
fn fails_with(sources: Sources, expected: &[&str]) {
    let err = Gazetteer::load(&sources)
        .expect_err("the load must fail")
        .to_string();
    for part in expected {
        assert!(err.contains(part), "{err:?} lacks {part:?}");
    }
}

fn places(s: &mut Sources) -> &mut scamatlas::gazetteer::SourceText {
    &mut s.places
}
fn aliases(s: &mut Sources) -> &mut scamatlas::gazetteer::SourceText {
    &mut s.aliases
}
fn geonames(s: &mut Sources) -> &mut scamatlas::gazetteer::SourceText {
    &mut s.geonames
}
fn borders(s: &mut Sources) -> &mut scamatlas::gazetteer::SourceText {
    &mut s.borders
}

#[test]
fn curated_rows() {
    fails_with(
        with_line(places, 4, |r| set_column(r, 7, "95")),
        &["gazetteer/places.tsv:4:", "latitude 95"],
    );
    fails_with(
        with_line(places, 5, |r| set_column(r, 8, "east")),
        &["places.tsv:5:", "lon", "not a valid number"],
    );
    fails_with(
        with_line(places, 6, |r| set_column(r, 2, "blob")),
        &["places.tsv:6:", "unknown kind \"blob\""],
    );
    fails_with(
        with_line(places, 7, |r| set_column(r, 6, "atlantis")),
        &["places.tsv:7:", "parent", "atlantis"],
    );
    fails_with(
        with_line(places, 8, |r| set_column(r, 1, "  ")),
        &["places.tsv:8:", "name is empty"],
    );
    fails_with(
        with_line(places, 9, |r| set_column(r, 13, "maybe")),
        &["places.tsv:9:", "estimate"],
    );
    fails_with(
        with_line(places, 10, |r| set_column(r, 12, "")),
        &["places.tsv:10:", "coord_source"],
    );
    fails_with(
        with_line(places, 11, |r| set_column(r, 9, "-5")),
        &["places.tsv:11:", "radius_m"],
    );
    fails_with(
        with_line(places, 12, |r| set_column(r, 4, "Myanmar")),
        &["places.tsv:12:", "ISO 3166-1"],
    );
    fails_with(
        with_line(places, 13, |r| {
            r.split('\t').take(5).collect::<Vec<_>>().join("\t")
        }),
        &["places.tsv:13:", "expected 15", "found 5"],
    );
    fails_with(
        with_line(places, 3, |_| {
            Sources::bundled()
                .places
                .text
                .lines()
                .nth(1)
                .unwrap_or_default()
                .to_string()
        }),
        &["places.tsv:3:", "already used on line 2"],
    );
    fails_with(
        with_line(places, 1, |r| r.replace("radius_m", "radius")),
        &["places.tsv:1:", "header"],
    );
}

#[test]
fn line_geometry_must_exist() {
    let sources = Sources::bundled();
    let row = sources
        .places
        .text
        .lines()
        .position(|l| l.contains("\tborders:MM-TH\t"))
        .expect("MM-TH row")
        + 1;
    fails_with(
        with_line(places, row, |r| r.replace("borders:MM-TH", "borders:XX-YY")),
        &[&format!("places.tsv:{row}:"), "XX-YY"],
    );
    fails_with(
        with_line(places, row, |r| r.replace("borders:MM-TH", "")),
        &[&format!("places.tsv:{row}:"), "geometry"],
    );
}

#[test]
fn alias_rows() {
    fails_with(
        with_line(aliases, 2, |r| set_column(r, 0, "atlantis")),
        &["gazetteer/aliases.tsv:2:", "atlantis"],
    );
    fails_with(
        with_line(aliases, 3, |r| set_column(r, 1, " ")),
        &["aliases.tsv:3:", "alias is empty"],
    );
    fails_with(
        with_line(aliases, 4, |r| set_column(r, 3, "")),
        &["aliases.tsv:4:", "source"],
    );
    fails_with(
        with_line(aliases, 5, |r| set_column(r, 1, "--")),
        &["aliases.tsv:5:", "no letters"],
    );
}

#[test]
fn geonames_rows() {
    fails_with(
        with_line(geonames, 20, |r| set_column(r, 2, "-91")),
        &["gazetteer/geonames-region.tsv:20:", "latitude"],
    );
    fails_with(
        with_line(geonames, 30, |r| set_column(r, 7, "many")),
        &["geonames-region.tsv:30:", "population"],
    );
    fails_with(
        with_line(geonames, 40, |r| set_column(r, 0, "x1")),
        &["geonames-region.tsv:40:", "geonames_id"],
    );
}

#[test]
fn borders_file() {
    fails_with(
        with_line(borders, 1, |r| r.replacen('{', "[", 1)),
        &["geojson/borders.geojson"],
    );
}

#[test]
fn a_failed_load_leaves_nothing_behind_and_a_good_one_still_works() {
    // Loading is all or nothing: the error carries no gazetteer, and the
    // bundled data loads untouched afterwards.
    assert!(Gazetteer::load(&with_line(places, 4, |r| set_column(r, 7, "95"))).is_err());
    let g = Gazetteer::load(&Sources::bundled()).expect("bundled data loads");
    assert!(g.get("laukkai").is_some());
}
