//! `scamatlas events`: validate, convert, add and list event files.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::{
    self, events_to_geojson, read_csv, read_path, write_atomic, Event, EventInput,
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
        let report = read_path(path, gazetteer)?;
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
    let loaded = events::load(&inputs, gazetteer, args.skip_invalid)?;
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

/// Appends one event to a GeoJSON file: checked like a CSV row, written to a
/// temporary file, synced and renamed, so the file is never half-written.
fn add(gazetteer: &Gazetteer, args: &AddArgs) -> anyhow::Result<ExitCode> {
    let event = event_from_flags(gazetteer, args)?;
    let mut existing: Vec<Event> = Vec::new();
    if args.file.exists() {
        let report = read_path(&args.file, gazetteer)?;
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
    write_atomic(&args.file, text.as_bytes())
        .with_context(|| format!("writing {}", args.file.display()))?;
    status!(
        "{}: added {}; {} events",
        args.file.display(),
        args.id,
        existing.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The flags as one CSV row, read by the same reader as any CSV file.
fn event_from_flags(gazetteer: &Gazetteer, a: &AddArgs) -> anyhow::Result<Event> {
    let fields: Vec<(&str, String)> = vec![
        ("id", a.id.clone()),
        ("date", a.date.clone()),
        (
            "date_precision",
            a.date_precision.clone().unwrap_or_default(),
        ),
        ("end_date", a.end_date.clone().unwrap_or_default()),
        ("event_type", a.event_type.clone()),
        ("place", a.place.join("; ")),
        ("lat", a.lat.map(|v| v.to_string()).unwrap_or_default()),
        ("lon", a.lon.map(|v| v.to_string()).unwrap_or_default()),
        (
            "radius_m",
            a.radius_m.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("country", a.country.clone().unwrap_or_default()),
        ("origin", a.origin.clone().unwrap_or_default()),
        ("destination", a.destination.clone().unwrap_or_default()),
        ("persons_count", a.count.clone().unwrap_or_default()),
        ("count_low", a.count_low.clone().unwrap_or_default()),
        ("count_high", a.count_high.clone().unwrap_or_default()),
        ("count_kind", a.count_kind.clone().unwrap_or_default()),
        ("actor", a.actor.join("; ")),
        ("notes", a.notes.clone().unwrap_or_default()),
        ("source_url", a.source_url.clone()),
        ("publisher", a.publisher.clone().unwrap_or_default()),
        ("source_date", a.source_date.clone().unwrap_or_default()),
        (
            "aggregate",
            if a.aggregate {
                "yes".into()
            } else {
                String::new()
            },
        ),
    ];
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields.iter().map(|(k, _)| *k))?;
    writer.write_record(fields.iter().map(|(_, v)| v.as_str()))?;
    let text = String::from_utf8(writer.into_inner()?)?;
    let mut report = read_csv("(flags)", &text, gazetteer);
    if !report.problems.is_empty() {
        let list: Vec<String> = report
            .problems
            .iter()
            .map(|p| {
                format!(
                    "  --{}: {}",
                    p.field.as_deref().unwrap_or("?").replace('_', "-"),
                    p.message
                )
            })
            .collect();
        return Err(UsageError(format!(
            "the event is not valid (nothing was written):\n{}",
            list.join("\n")
        ))
        .into());
    }
    report
        .events
        .pop()
        .ok_or_else(|| UsageError("no event was given".into()).into())
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
