//! `scamatlas events`: validate, convert, add and list event files.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::{
    self, events_to_geojson, read_path, write_atomic, CountDraft, Draft, Event, EventInput,
    PlaceDraft, PointDraft, SourceDraft, WriteLock,
};
use scamatlas::gazetteer::Gazetteer;

use super::args::{AddArgs, ConvertArgs, EventsArgs, EventsCommand, ListArgs, ValidateArgs};
use super::output::{json_pretty, status, Table};
use super::UsageError;

pub fn run(gazetteer: &Gazetteer, args: &EventsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        EventsCommand::Validate(a) => validate(gazetteer, a),
        EventsCommand::Convert(a) => convert(gazetteer, a),
        EventsCommand::Add(a) => add(gazetteer, a),
        EventsCommand::List(a) => list(gazetteer, a),
    }
}

/// Every problem of every file on stdout, one per line; a summary on stderr.
fn validate(gazetteer: &Gazetteer, args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut problems = 0;
    for path in &args.files {
        let report = read_path(path, gazetteer, args.rules.rules())?;
        for p in &report.problems {
            writeln!(out, "{p}")?;
        }
        for w in &report.warnings {
            tracing::warn!("{w}");
        }
        problems += report.problems.len();
        status!(
            "{}: {} valid event{}, {} problem{}, {} row{} or feature{} rejected",
            path.display(),
            report.events.len(),
            plural(report.events.len()),
            report.problems.len(),
            plural(report.problems.len()),
            report.rejected,
            plural(report.rejected),
            plural(report.rejected)
        );
    }
    out.flush()?;
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Reads CSV or GeoJSON inputs and writes one GeoJSON file, atomically.
fn convert(gazetteer: &Gazetteer, args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let inputs: Vec<EventInput> = args
        .inputs
        .iter()
        .map(|p| EventInput::Path(p.clone()))
        .collect();
    let loaded = events::load(&inputs, gazetteer, args.rules.rules(), args.skip_invalid)?;
    report_skipped(&loaded);
    let text = serde_json::to_string_pretty(&events_to_geojson(&loaded.events))? + "\n";
    write_atomic(&args.output, text.as_bytes())
        .with_context(|| format!("writing {}", args.output.display()))?;
    status!(
        "{}: {} events written",
        args.output.display(),
        loaded.events.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn report_skipped(loaded: &events::Loaded) {
    for w in &loaded.warnings {
        tracing::info!("{w}");
    }
    if !loaded.skipped.is_empty() {
        eprintln!("skipped invalid rows ({} problems):", loaded.skipped.len());
        for p in &loaded.skipped {
            eprintln!("  {p}");
        }
    }
}

/// Appends one event to a GeoJSON file: checked as any CSV row or feature is, written to a
/// temporary file, synced and renamed, so the file is never half-written; other writers wait
/// from the reading to the rename, so none loses another's event.
fn add(gazetteer: &Gazetteer, args: &AddArgs) -> anyhow::Result<ExitCode> {
    let event = event_from_flags(gazetteer, args)?;
    let lock = WriteLock::acquire(&args.file)
        .with_context(|| format!("locking {}", args.file.display()))?;
    let mut existing: Vec<Event> = Vec::new();
    if args.file.exists() {
        let report = read_path(&args.file, gazetteer, args.rules.rules())?;
        if !report.problems.is_empty() {
            let list: Vec<String> = report.problems.iter().map(|p| format!("  {p}")).collect();
            return Err(UsageError(format!(
                "{} has problems; fix them before adding to it (nothing was changed):\n{}",
                args.file.display(),
                list.join("\n")
            ))
            .into());
        }
        existing = report.events;
    }
    if existing.iter().any(|e| e.id == event.id) {
        return Err(UsageError(format!(
            "--id: {:?} is already in {}",
            event.id,
            args.file.display()
        ))
        .into());
    }
    existing.push(event);
    let text = serde_json::to_string_pretty(&events_to_geojson(&existing))? + "\n";
    lock.write(text.as_bytes())
        .with_context(|| format!("writing {}", args.file.display()))?;
    status!(
        "{}: added {}; {} events",
        args.file.display(),
        args.id,
        existing.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The flags as a draft, checked like any CSV row or GeoJSON feature.
fn event_from_flags(gazetteer: &Gazetteer, a: &AddArgs) -> anyhow::Result<Event> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let draft = Draft {
        id: a.id.clone(),
        date: a.date.clone(),
        date_precision: text(&a.date_precision),
        end_date: text(&a.end_date),
        event_type: a.event_type.clone(),
        place: a.place.join("; "),
        points: if a.lat.is_none() && a.lon.is_none() {
            Vec::new()
        } else {
            vec![PointDraft {
                lon: number(a.lon),
                lat: number(a.lat),
            }]
        },
        radius_m: number(a.radius_m),
        country: text(&a.country),
        origin: a.origin.clone().map(PlaceDraft::Name),
        destination: a.destination.clone().map(PlaceDraft::Name),
        count: CountDraft {
            best: text(&a.count),
            low: text(&a.count_low),
            high: text(&a.count_high),
            kind: text(&a.count_kind),
        },
        source: SourceDraft {
            url: a.source_url.clone(),
            publisher: text(&a.publisher),
            date: text(&a.source_date),
            ..SourceDraft::default()
        },
        actors: a
            .actor
            .iter()
            .flat_map(|a| a.split(';'))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect(),
        notes: text(&a.notes),
        aggregate: a.aggregate,
        ..Draft::default()
    };
    let checked = events::validate(&draft, gazetteer, a.rules.rules());
    for w in &checked.warnings {
        tracing::warn!("{}: {}", w.field.flag(), w.error);
    }
    checked.event.map_err(|issues| {
        let list: Vec<String> = issues
            .iter()
            .map(|i| format!("  {}: {}", i.field.flag(), i.error))
            .collect();
        UsageError(format!(
            "the event is not valid (nothing was written):\n{}",
            list.join("\n")
        ))
        .into()
    })
}

/// The loaded events as a table, JSON or GeoJSON.
fn list(gazetteer: &Gazetteer, args: &ListArgs) -> anyhow::Result<ExitCode> {
    let loaded = super::load_events(gazetteer, &args.events)?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.geojson {
        json_pretty(&mut out, &events_to_geojson(&loaded.events))?;
    } else if args.json {
        json_pretty(&mut out, &loaded.events)?;
    } else {
        events_table(&loaded.events.iter().collect::<Vec<_>>()).write(&mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The columns people read first: id, date, type, places, persons, source.
pub fn events_table(events: &[&Event]) -> Table {
    let mut table = Table::new(vec![
        "ID",
        "DATE",
        "TYPE",
        "PLACES",
        "PERSONS",
        "RADIUS",
        "SOURCES",
        "FIRST SOURCE",
    ]);
    for e in events {
        let places: Vec<&str> = e
            .places
            .iter()
            .map(|p| p.id.as_deref().unwrap_or(p.name.as_str()))
            .collect();
        let persons = match e.counts.first() {
            Some(c) if c.low != c.high => format!("{} ({}-{})", c.best, c.low, c.high),
            Some(c) => c.best.to_string(),
            None => "-".into(),
        };
        table.row(vec![
            e.id.to_string(),
            e.date.to_string(),
            e.event_type.to_string(),
            places.join(";"),
            if e.aggregate {
                format!("{persons} (total)")
            } else {
                persons
            },
            super::output::radius(e.radius_m()),
            e.sources.len().to_string(),
            e.sources.first().map(|s| s.url.clone()).unwrap_or_default(),
        ]);
    }
    table
}
