//! `scamatlas geoparse`: articles to place mentions, dates and counts (a
//! table, JSON or GeoJSON), or to draft events (events CSV).

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::write_csv;
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geom::round_coord;
use scamatlas::geoparse::{drafts, Document, DraftOptions, Geoparser, Mention, Options};
use serde_json::json;

use super::args::GeoparseArgs;
use super::output::{json_pretty, radius, status, Table};
use super::UsageError;

/// Longest evidence or reason shown in a table cell, in characters.
const CELL_CHARS: usize = 70;

pub fn run(gazetteer: &Gazetteer, args: &GeoparseArgs) -> anyhow::Result<ExitCode> {
    let options = Options {
        article_date: article_date(args)?,
    };
    if let Some(url) = &args.source_url {
        if !scamatlas::events::is_source_url(url) {
            return Err(UsageError(format!(
                "--source-url {url:?} is not an http(s) or file:// URL"
            ))
            .into());
        }
    }
    let parser = Geoparser::new(gazetteer).context("building the geoparser")?;

    let mut texts = Vec::with_capacity(args.files.len());
    for path in &args.files {
        texts.push((path, read_text(path)?));
    }
    let docs: Vec<Parsed<'_>> = texts
        .iter()
        .map(|(path, text)| (*path, text.as_str(), parser.parse(text, &options)))
        .collect();

    let mut out = BufWriter::new(io::stdout().lock());
    if args.events_csv {
        write_drafts(&mut out, &docs, args.source_url.as_deref())?;
    } else if args.json {
        write_json(&mut out, &docs)?;
    } else if args.geojson {
        write_geojson(&mut out, &docs)?;
    } else {
        for (i, (path, _, doc)) in docs.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            write_tables(&mut out, path, doc)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One file parsed: its path, its text and what was found in it.
type Parsed<'a> = (&'a PathBuf, &'a str, Document<'a>);

/// `--date`, the date relative dates are read against.
fn article_date(args: &GeoparseArgs) -> anyhow::Result<Option<chrono::NaiveDate>> {
    match &args.date {
        Some(d) => Ok(Some(d.parse::<chrono::NaiveDate>().map_err(|_| {
            UsageError(format!("--date {d:?} is not a date YYYY-MM-DD"))
        })?)),
        None => Ok(None),
    }
}

/// `--events-csv`: the draft events of every file, as one events CSV; a
/// status line per file says how many.
fn write_drafts(
    out: &mut impl Write,
    docs: &[Parsed<'_>],
    source_url: Option<&str>,
) -> anyhow::Result<()> {
    let mut all = Vec::new();
    for (path, text, doc) in docs {
        let source_url = match source_url {
            Some(url) => url.to_string(),
            None => file_url(path)?,
        };
        let options = DraftOptions {
            source_url,
            publisher: None,
            id_prefix: format!("DRAFT-{}", id_stem(path)),
        };
        let (events, skipped) = drafts(doc, text, &options);
        for s in skipped {
            tracing::warn!("{}: no draft for {s}", path.display());
        }
        status!(
            "{}: {} draft event{}",
            path.display(),
            events.len(),
            if events.len() == 1 { "" } else { "s" }
        );
        all.extend(events);
    }
    if source_url.is_none() && !all.is_empty() {
        status!(
            "the drafts name their articles as file:// URLs: replace them with web addresses \
             (or give --source-url), or read the drafts with --allow-file-urls"
        );
    }
    let refs: Vec<_> = all.iter().collect();
    out.write_all(write_csv(&refs)?.as_bytes())?;
    Ok(())
}

/// `--json`: per file, its article date, mentions, dates and counts.
fn write_json(out: &mut impl Write, docs: &[Parsed<'_>]) -> anyhow::Result<()> {
    let value: Vec<_> = docs
        .iter()
        .map(|(path, _, doc)| {
            json!({
                "file": path.display().to_string(),
                "article_date": doc.article_date,
                "article_date_source": doc.article_date_source,
                "mentions": doc.mentions.iter().map(mention_json).collect::<Vec<_>>(),
                "dates": doc.dates,
                "counts": doc.counts,
            })
        })
        .collect();
    json_pretty(out, &value)
}

/// `--geojson`: every mention with a point, as one feature collection.
fn write_geojson(out: &mut impl Write, docs: &[Parsed<'_>]) -> anyhow::Result<()> {
    let features: Vec<_> = docs
        .iter()
        .flat_map(|(path, _, doc)| {
            doc.mentions.iter().filter_map(move |m| {
                let p = m.point?;
                let mut props = mention_json(m);
                props["file"] = json!(path.display().to_string());
                Some(json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round_coord(p.lon), round_coord(p.lat)]},
                    "properties": props,
                }))
            })
        })
        .collect();
    json_pretty(
        out,
        &json!({"type": "FeatureCollection", "features": features}),
    )
}

/// The file's text; a clear error naming the file when it is not UTF-8.
fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    scamatlas::error::utf8_text(&path.display().to_string(), bytes)
        .map_err(|e| UsageError(e.to_string()).into())
}

/// `file://` and the file's absolute path: the source of its drafts.
fn file_url(path: &Path) -> anyhow::Result<String> {
    let absolute =
        std::fs::canonicalize(path).with_context(|| format!("resolving {}", path.display()))?;
    Ok(format!("file://{}", absolute.display()))
}

/// A file name as an id part: letters, digits, `_` and `-`.
fn id_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "article".into()
    } else {
        cleaned
    }
}

fn mention_json(m: &Mention<'_>) -> serde_json::Value {
    let mut v = json!({
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "kind": m.kind().map(|k| k.as_str()),
        "confidence": m.confidence,
        "reason": m.reason,
        "candidates": m.candidates,
    });
    if let Some(p) = m.place {
        v["place"] = json!({
            "id": p.id,
            "name": p.name,
            "class": p.class,
            "countries": p.countries,
            "radius_m": p.radius_m.round(),
            "estimate": p.estimate,
        });
    }
    if let Some(p) = m.point {
        v["lon"] = json!(round_coord(p.lon));
        v["lat"] = json!(round_coord(p.lat));
    }
    if let Some(org) = &m.organisation {
        v["organisation"] = json!(org);
    }
    v
}

fn shorten(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > CELL_CHARS {
        format!("{}…", flat.chars().take(CELL_CHARS - 1).collect::<String>())
    } else {
        flat
    }
}

fn write_tables(out: &mut impl Write, path: &Path, doc: &Document<'_>) -> anyhow::Result<()> {
    let date = match (&doc.article_date, &doc.article_date_source) {
        (Some(d), Some(src)) => format!("article date {d} ({src})"),
        _ => "article date unknown (give --date)".to_string(),
    };
    writeln!(
        out,
        "== {}: {} place mention{}; {date}",
        path.display(),
        doc.mentions.len(),
        if doc.mentions.len() == 1 { "" } else { "s" }
    )?;
    mentions_table(doc).write(out)?;
    if !doc.dates.is_empty() {
        writeln!(out)?;
        dates_table(doc).write(out)?;
    }
    if !doc.counts.is_empty() {
        writeln!(out)?;
        counts_table(doc).write(out)?;
    }
    Ok(())
}

/// Each place mention with its place, point, confidence and reason.
fn mentions_table(doc: &Document<'_>) -> Table {
    let mut table = Table::new(vec![
        "CHARS", "TEXT", "PLACE", "ID", "KIND", "CC", "LON", "LAT", "RADIUS", "CONF", "REASON",
    ]);
    for m in &doc.mentions {
        let (name, id, cc, radius_text) = match m.place {
            Some(p) => (
                p.name.clone(),
                p.id.clone(),
                p.countries.join(";"),
                format!(
                    "{}{}",
                    if p.estimate { "≈" } else { "" },
                    radius(p.radius_m)
                ),
            ),
            None => (
                "(no line in the gazetteer)".into(),
                "-".into(),
                String::new(),
                String::new(),
            ),
        };
        let mut reason = m.reason.clone();
        if let Some(org) = &m.organisation {
            reason = format!("in organisation name {org:?}; {reason}");
        }
        table.row(vec![
            format!("{}-{}", m.start, m.end),
            m.text.clone(),
            name,
            id,
            m.kind().map_or("-", |k| k.as_str()).to_string(),
            cc,
            m.point.map_or(String::new(), |p| format!("{:.5}", p.lon)),
            m.point.map_or(String::new(), |p| format!("{:.5}", p.lat)),
            radius_text,
            format!("{:.2}", m.confidence),
            shorten(&reason),
        ]);
    }
    table
}

/// Each date with how it is written and its value.
fn dates_table(doc: &Document<'_>) -> Table {
    let mut table = Table::new(vec!["CHARS", "DATE", "FORM", "VALUE"]);
    for d in &doc.dates {
        table.row(vec![
            format!("{}-{}", d.start, d.end),
            d.text.clone(),
            format!("{:?}", d.form).to_lowercase(),
            d.value.map_or("-".into(), |v| v.to_event_date()),
        ]);
    }
    table
}

/// Each count of people with its kind, event type and places.
fn counts_table(doc: &Document<'_>) -> Table {
    let mut table = Table::new(vec![
        "CHARS", "COUNT", "VALUE", "KIND", "EVENT", "PLACE", "TO", "TOTAL",
    ]);
    for c in &doc.counts {
        let place = |i: Option<usize>| i.map_or(String::new(), |i| doc.mentions[i].text.clone());
        table.row(vec![
            format!("{}-{}", c.start, c.end),
            shorten(&c.text),
            c.value.to_string(),
            c.kind.as_str().to_string(),
            c.event_type.map_or("-".into(), |t| t.as_str().to_string()),
            place(c.place),
            place(c.destination),
            if c.cumulative {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    table
}
