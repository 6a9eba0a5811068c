//! `scamatlas events`: validate, convert, add and list event files.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::{
    self, events_to_geojson, read_path, write_atomic, CountDraft, Draft, Event, EventInput,
    PlaceDraft, PointDraft, Rules, SourceDraft, WriteLock,
};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::workspace::{Author, Quote, Status, Stored};

use super::args::{
    AddArgs, ConvertArgs, EditArgs, EventFlags, EventsArgs, EventsCommand, HistoryArgs, ListArgs,
    RetractArgs, RevertArgs, StatusArgs, ValidateArgs,
};
use super::output::{json_pretty, status, Table};
use super::workspace::Local;
use super::UsageError;

pub fn run(
    gazetteer: &Gazetteer,
    workspace: Option<&Path>,
    args: &EventsArgs,
) -> anyhow::Result<ExitCode> {
    match &args.command {
        EventsCommand::Validate(a) => validate(gazetteer, a),
        EventsCommand::Convert(a) => convert(gazetteer, a),
        EventsCommand::Add(a) => match &a.file {
            Some(file) => add_to_file(gazetteer, file, a),
            None => add(gazetteer, &Local::open(workspace)?, a),
        },
        EventsCommand::Edit(a) => edit(gazetteer, &Local::open_existing(workspace)?, a),
        EventsCommand::List(a) => list(gazetteer, a),
        _ => run_stored(workspace, args),
    }
}

/// Whether the command checks events (and so needs the gazetteer).
pub fn needs_gazetteer(args: &EventsArgs) -> bool {
    !matches!(
        args.command,
        EventsCommand::Publish(_)
            | EventsCommand::Retract(_)
            | EventsCommand::Revert(_)
            | EventsCommand::History(_)
    )
}

/// The commands on stored events that check none: publish, retract, revert, history.
pub fn run_stored(workspace: Option<&Path>, args: &EventsArgs) -> anyhow::Result<ExitCode> {
    let local = Local::open_existing(workspace)?;
    match &args.command {
        EventsCommand::Publish(a) => publish(&local, a),
        EventsCommand::Retract(a) => retract(&local, a),
        EventsCommand::Revert(a) => revert(&local, a),
        EventsCommand::History(a) => history(&local, a),
        _ => Err(anyhow::anyhow!("this command needs the gazetteer")),
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
fn add_to_file(gazetteer: &Gazetteer, file: &Path, args: &AddArgs) -> anyhow::Result<ExitCode> {
    if args.status.is_some() || args.quote.quote.is_some() {
        return Err(UsageError(
            "--status and --quote are for the workspace: leave out FILE to add there".into(),
        )
        .into());
    }
    let event = checked(&new_draft(&args.event), gazetteer, args.rules.rules())?;
    let lock = WriteLock::acquire(file).with_context(|| format!("locking {}", file.display()))?;
    let mut existing: Vec<Event> = Vec::new();
    if file.exists() {
        let report = read_path(file, gazetteer, args.rules.rules())?;
        if !report.problems.is_empty() {
            let list: Vec<String> = report.problems.iter().map(|p| format!("  {p}")).collect();
            return Err(UsageError(format!(
                "{} has problems; fix them before adding to it (nothing was changed):\n{}",
                file.display(),
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
            file.display()
        ))
        .into());
    }
    let id = event.id.clone();
    existing.push(event);
    let text = serde_json::to_string_pretty(&events_to_geojson(&existing))? + "\n";
    lock.write(text.as_bytes())
        .with_context(|| format!("writing {}", file.display()))?;
    status!("{}: added {id}; {} events", file.display(), existing.len());
    Ok(ExitCode::SUCCESS)
}

/// Adds one event to the workspace: checked as any CSV row or feature is,
/// written with its first revision in one transaction.
fn add(gazetteer: &Gazetteer, local: &Local, args: &AddArgs) -> anyhow::Result<ExitCode> {
    let status: Status = match args.status.as_deref() {
        None => Status::Draft,
        Some(s) => s
            .parse()
            .map_err(|e| UsageError(format!("--status: {e}")))?,
    };
    if status == Status::Retracted {
        return Err(UsageError("--status: a new event is draft or published".into()).into());
    }
    let event = checked(&new_draft(&args.event), gazetteer, args.rules.rules())?;
    let quote = quote_of(&event, args.event.source_url.as_deref(), &args.quote)?;
    // The event and its quote are written in one transaction, or neither.
    let stored =
        local.run(
            local
                .workspace
                .create_quoted(&event, status, &Author::local(), None, quote),
        )?;
    status!(
        "{}: added {} as {} (version {})",
        local.workspace.path().display(),
        stored.event.id,
        stored.status,
        stored.version
    );
    Ok(ExitCode::SUCCESS)
}

/// Changes a stored event: it becomes a draft again, the flags given replace
/// its fields, and the result is checked as a new event is.
fn edit(gazetteer: &Gazetteer, local: &Local, args: &EditArgs) -> anyhow::Result<ExitCode> {
    let now = stored(local, &args.event_id)?;
    if let Some(id) = args.event.id.as_deref().filter(|id| *id != args.event_id) {
        return Err(UsageError(format!(
            "--id: an edit cannot change the id of {:?} to {id:?}",
            args.event_id
        ))
        .into());
    }
    let mut draft = Draft::from_event(&now.event);
    apply(&mut draft, &args.event)?;
    let event = checked(&draft, gazetteer, args.rules.rules())?;
    let quote = quote_of(&event, args.event.source_url.as_deref(), &args.quote)?;
    let change = &args.change;
    let edited = local.run(local.workspace.edit_quoted(
        &event,
        change.if_version,
        &Author::local(),
        change.reason.as_deref(),
        quote,
    ))?;
    if edited.event == now.event {
        status!(
            "{}: version {} (no field changed)",
            args.event_id,
            edited.version
        );
    } else {
        status!("{}: version {}", args.event_id, edited.version);
    }
    Ok(ExitCode::SUCCESS)
}

fn publish(local: &Local, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let c = &args.change;
    let done = local.run(local.workspace.set_status(
        &args.id,
        Status::Published,
        c.if_version,
        &Author::local(),
        c.reason.as_deref(),
    ))?;
    status!("{}: published (version {})", args.id, done.version);
    Ok(ExitCode::SUCCESS)
}

fn retract(local: &Local, args: &RetractArgs) -> anyhow::Result<ExitCode> {
    if args.reason.trim().is_empty() {
        return Err(UsageError("--reason: say why the event is retracted".into()).into());
    }
    let done = local.run(local.workspace.set_status(
        &args.id,
        Status::Retracted,
        args.if_version,
        &Author::local(),
        Some(&args.reason),
    ))?;
    status!("{}: retracted (version {})", args.id, done.version);
    Ok(ExitCode::SUCCESS)
}

fn revert(local: &Local, args: &RevertArgs) -> anyhow::Result<ExitCode> {
    let c = &args.change;
    let done = local.run(local.workspace.revert(
        &args.id,
        args.to,
        c.if_version,
        &Author::local(),
        c.reason.as_deref(),
    ))?;
    status!(
        "{}: version {} is version {} again ({})",
        args.id,
        done.version,
        args.to,
        done.status
    );
    Ok(ExitCode::SUCCESS)
}

/// Every revision of one event: a table for people, JSON for programs.
fn history(local: &Local, args: &HistoryArgs) -> anyhow::Result<ExitCode> {
    let revisions = local.run(local.workspace.history(&args.id))?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        json_pretty(&mut out, &revisions)?;
    } else {
        let mut table = Table::new(vec![
            "VERSION", "AT", "AUTHOR", "ACTION", "STATUS", "REASON", "CHANGED",
        ]);
        for r in &revisions {
            table.row(vec![
                r.version.to_string(),
                r.at.clone(),
                r.author.clone(),
                r.action.to_string(),
                r.status.to_string(),
                r.reason.clone().unwrap_or_else(|| "-".into()),
                r.changed.join(","),
            ]);
        }
        table.write(&mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The event as it stands in the workspace.
fn stored(local: &Local, id: &str) -> anyhow::Result<Stored> {
    local
        .run(local.workspace.get(id))?
        .ok_or_else(|| scamatlas::workspace::WorkspaceError::NotFound(id.to_string()).into())
}

/// The source and text of `--quote`: the event's one source unless
/// `--source-url` names another. The store checks, in the write's own
/// transaction, that the article is stored and holds the quote.
fn quote_of<'a>(
    event: &'a Event,
    source_url: Option<&'a str>,
    args: &'a super::args::QuoteArgs,
) -> anyhow::Result<Option<Quote<'a>>> {
    let Some(text) = args.quote.as_deref() else {
        return Ok(None);
    };
    let source_url = match (source_url, event.sources.as_slice()) {
        (Some(url), _) => url.trim(),
        (None, [one]) => one.url.as_str(),
        (None, _) => {
            return Err(UsageError(
                "--quote: the event has several sources; say which with --source-url".into(),
            )
            .into())
        }
    };
    Ok(Some(Quote::new(source_url, text)))
}

/// The flags of a new event as a draft.
fn new_draft(a: &EventFlags) -> Draft {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    Draft {
        id: text(&a.id),
        date: text(&a.date),
        date_precision: text(&a.date_precision),
        end_date: text(&a.end_date),
        event_type: text(&a.event_type),
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
            url: text(&a.source_url),
            publisher: text(&a.publisher),
            date: text(&a.source_date),
            ..SourceDraft::default()
        },
        actors: actors(&a.actor),
        notes: text(&a.notes),
        aggregate: a.aggregate,
        ..Draft::default()
    }
}

fn actors(flags: &[String]) -> Vec<String> {
    flags
        .iter()
        .flat_map(|a| a.split(';'))
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect()
}

/// The flags given, over the draft of a stored event: each replaces what it
/// names. A place (names or coordinates) replaces the places; a count
/// replaces the count of its kind; --source-url names the claim that
/// --publisher and --source-date change, or adds it.
fn apply(draft: &mut Draft, a: &EventFlags) -> Result<(), UsageError> {
    let set = |to: &mut String, from: &Option<String>| {
        if let Some(v) = from {
            to.clone_from(v);
        }
    };
    if a.date.is_some() && a.date_precision.is_none() {
        draft.date_precision.clear();
    }
    set(&mut draft.date, &a.date);
    set(&mut draft.date_precision, &a.date_precision);
    set(&mut draft.end_date, &a.end_date);
    set(&mut draft.event_type, &a.event_type);
    set(&mut draft.country, &a.country);
    set(&mut draft.notes, &a.notes);
    if !a.place.is_empty() || a.lon.is_some() || a.lat.is_some() {
        draft.places.clear();
        draft.place_ids.clear();
        draft.place = a.place.join("; ");
        draft.points = if a.lon.is_none() && a.lat.is_none() {
            Vec::new()
        } else {
            let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            vec![PointDraft {
                lon: number(a.lon),
                lat: number(a.lat),
            }]
        };
    }
    if let Some(radius) = a.radius_m {
        if draft.places.is_empty() {
            draft.radius_m = radius.to_string();
        } else {
            for place in &mut draft.places {
                place.radius_m = radius;
            }
        }
    }
    if let Some(origin) = &a.origin {
        draft.origin = Some(PlaceDraft::Name(origin.clone()));
    }
    if let Some(destination) = &a.destination {
        draft.destination = Some(PlaceDraft::Name(destination.clone()));
    }
    let counted = [&a.count, &a.count_low, &a.count_high, &a.count_kind];
    if counted.iter().any(|c| c.is_some()) {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let kind = text(&a.count_kind);
        let named = |k: &str| match k.trim() {
            "" => "other".to_string(),
            k => k.to_string(),
        };
        let old = draft
            .counts
            .iter()
            .position(|c| named(&c.kind) == named(&kind));
        let best = text(&a.count);
        let new = CountDraft {
            best: if best.is_empty() {
                old.map(|i| draft.counts[i].best.clone())
                    .unwrap_or_default()
            } else {
                best
            },
            low: text(&a.count_low),
            high: text(&a.count_high),
            kind,
        };
        if let Some(i) = old {
            draft.counts.remove(i);
        }
        draft.count = new;
    }
    if !a.actor.is_empty() {
        draft.actors = actors(&a.actor);
    }
    if a.aggregate {
        draft.aggregate = true;
    }
    edit_sources(draft, a)
}

/// --source-url, --publisher and --source-date over the claims of a draft.
fn edit_sources(draft: &mut Draft, a: &EventFlags) -> Result<(), UsageError> {
    if a.source_url.is_none() && a.publisher.is_none() && a.source_date.is_none() {
        return Ok(());
    }
    let index = match a.source_url.as_deref().map(str::trim) {
        Some(url) => match draft.sources.iter().position(|s| s.url.trim() == url) {
            Some(i) => i,
            None => {
                draft.sources.push(SourceDraft {
                    url: url.to_string(),
                    count: draft.count.best.clone(),
                    count_kind: draft.count.kind.clone(),
                    ..SourceDraft::default()
                });
                draft.sources.len() - 1
            }
        },
        None if draft.sources.len() == 1 => 0,
        None => {
            let flag = if a.publisher.is_some() {
                "--publisher"
            } else {
                "--source-date"
            };
            return Err(UsageError(format!(
                "{flag}: the event has several sources; name the one to change with --source-url"
            )));
        }
    };
    let source = &mut draft.sources[index];
    if let Some(p) = &a.publisher {
        source.publisher.clone_from(p);
    }
    if let Some(d) = &a.source_date {
        source.date.clone_from(d);
    }
    Ok(())
}

/// The draft checked like any CSV row or GeoJSON feature, each problem named
/// by its flag.
fn checked(draft: &Draft, gazetteer: &Gazetteer, rules: Rules) -> anyhow::Result<Event> {
    let checked = events::validate(draft, gazetteer, rules);
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
