//! `scamatlas geoparse`: articles to place mentions, dates and counts (a
//! table, JSON or GeoJSON), or to draft events (events CSV).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::write_csv;
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geom::round_coord;
use scamatlas::geoparse::{
    drafts, CountMention, DateMention, Document, DraftOptions, Geoparser, Mention, Options,
};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use super::args::GeoparseArgs;
use super::output::{radius, status, PrettyArray, Table};
use super::UsageError;

/// Longest evidence or reason shown in a table cell, in characters.
const CELL_CHARS: usize = 70;

pub fn run(gazetteer: &Gazetteer, args: &GeoparseArgs) -> anyhow::Result<ExitCode> {
    // Memory beyond the parser's own stays within 10x the longest file (8.5x
    // measured on text dense in place names, 14.7-16x without this) only if
    // what each stage of a parse frees goes back to the system at once
    // (issue 15, README "geoparse").
    scamatlas::geoparse::purge_freed_memory_promptly();
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
    // Every file is checked before any is parsed, so that a file too long or
    // not UTF-8 stops the command before it writes anything.
    for path in &args.files {
        read_text(path, args.max_bytes)?;
    }
    let articles = Articles {
        parser: Geoparser::new(gazetteer).context("building the geoparser")?,
        options,
        files: &args.files,
        max_bytes: args.max_bytes,
    };

    let mut out = BufWriter::new(io::stdout().lock());
    if args.events_csv {
        write_drafts(&mut out, &articles, args.source_url.as_deref())?;
    } else if args.json {
        write_json(&mut out, &articles)?;
    } else if args.geojson {
        write_geojson(&mut out, &articles)?;
    } else {
        let mut first = true;
        articles.each(|path, _, doc| {
            if !std::mem::take(&mut first) {
                writeln!(out)?;
            }
            write_tables(&mut out, path, doc)
        })?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The files to parse. They are read, parsed and written one at a time, so
/// that memory beyond the parser's own grows with the longest file, not with
/// all of them.
struct Articles<'a> {
    parser: Geoparser<'a>,
    options: Options,
    files: &'a [PathBuf],
    max_bytes: u64,
}

impl Articles<'_> {
    /// Calls `f` with each file's path, text and what was found in it.
    fn each(
        &self,
        mut f: impl FnMut(&Path, &str, &Document<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        for path in self.files {
            let text = read_text(path, self.max_bytes)?;
            let doc = self.parser.parse(&text, &self.options);
            f(path, &text, &doc)?;
        }
        Ok(())
    }
}

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
/// status line per file says how many. The drafts of all files are gathered
/// (a few per article), their documents are not.
fn write_drafts(
    out: &mut impl Write,
    articles: &Articles<'_>,
    source_url: Option<&str>,
) -> anyhow::Result<()> {
    let mut all = Vec::new();
    articles.each(|path, text, doc| {
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
        Ok(())
    })?;
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

/// `--json`: per file, its article date, mentions, dates and counts, written
/// as each file is parsed.
fn write_json(out: &mut impl Write, articles: &Articles<'_>) -> anyhow::Result<()> {
    let mut array = PrettyArray::start(out, 0)?;
    articles.each(|path, _, doc| {
        array.push(&DocumentJson {
            article_date: doc.article_date,
            article_date_source: doc.article_date_source.as_deref(),
            counts: Each(&doc.counts, sorted_json),
            dates: Each(&doc.dates, sorted_json),
            file: path.display().to_string(),
            mentions: Each(&doc.mentions, |m| Ok(mention_json(m))),
        })
    })?;
    array.end()?;
    writeln!(out)?;
    Ok(())
}

/// One file in `--json`: its keys sorted, as `serde_json::Value` prints them.
#[derive(Serialize)]
struct DocumentJson<'a, 'g> {
    article_date: Option<chrono::NaiveDate>,
    article_date_source: Option<&'a str>,
    counts: Each<'a, CountMention>,
    dates: Each<'a, DateMention>,
    file: String,
    mentions: Each<'a, Mention<'g>>,
}

/// Items written as a JSON array, each made a JSON value only as it is
/// written: a document's output is never a tree in memory.
struct Each<'a, T>(&'a [T], fn(&T) -> serde_json::Result<Value>);

impl<T> Serialize for Each<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&(self.1)(item).map_err(serde::ser::Error::custom)?)?;
        }
        seq.end()
    }
}

/// `item` as a JSON value, its keys sorted.
fn sorted_json<T: Serialize>(item: &T) -> serde_json::Result<Value> {
    serde_json::to_value(item)
}

/// `--geojson`: every mention with a point, as one feature collection, each
/// feature written as its file is parsed.
fn write_geojson(out: &mut impl Write, articles: &Articles<'_>) -> anyhow::Result<()> {
    out.write_all(b"{\n  \"features\": ")?;
    let mut features = PrettyArray::start(out, 1)?;
    articles.each(|path, _, doc| {
        let file = path.display().to_string();
        for m in &doc.mentions {
            let Some(p) = m.point else { continue };
            let mut props = mention_json(m);
            props["file"] = json!(file);
            features.push(&json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round_coord(p.lon), round_coord(p.lat)]},
                "properties": props,
            }))?;
        }
        Ok(())
    })?;
    features.end()?;
    out.write_all(b",\n  \"type\": \"FeatureCollection\"\n}\n")?;
    Ok(())
}

/// The file's text; a clear error naming the file when it is longer than
/// `max_bytes` or not UTF-8.
fn read_text(path: &Path, max_bytes: u64) -> anyhow::Result<String> {
    let too_long = |len: u64| {
        UsageError(format!(
            "{}: {len} bytes, over the limit of {max_bytes} bytes per file (--max-bytes); \
             split it into articles or raise --max-bytes",
            path.display()
        ))
    };
    let file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let len = file
        .metadata()
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if len > max_bytes {
        return Err(too_long(len).into());
    }
    // The file may have grown since: read no more than the limit allows.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_long(bytes.len() as u64).into());
    }
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
