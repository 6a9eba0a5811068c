//! `scamatlas workspace`, and opening the workspace for any command.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::{self, EventInput};
use scamatlas::export::{self, Destination, Format, Table};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::layers::{event_feature, Value};
use scamatlas::workspace::{Author, Status, Workspace};

use super::args::{ArticleArgs, ImportArgs, WorkspaceArgs, WorkspaceCommand, WorkspaceExportArgs};
use super::output::status;
use super::UsageError;

/// Whether the command checks events (and so needs the gazetteer): import.
pub fn needs_gazetteer(args: &WorkspaceArgs) -> bool {
    matches!(args.command, WorkspaceCommand::Import(_))
}

/// Runs a workspace command; `gazetteer` is only needed by those that
/// [`needs_gazetteer`] names.
pub fn run(
    gazetteer: Option<&Gazetteer>,
    flag: Option<&Path>,
    args: &WorkspaceArgs,
) -> anyhow::Result<ExitCode> {
    let creates = matches!(
        args.command,
        WorkspaceCommand::Init | WorkspaceCommand::Import(_) | WorkspaceCommand::Restore(_)
    );
    let local = if creates {
        Local::open(flag)?
    } else {
        Local::open_existing(flag)?
    };
    let path = local.workspace.path().display().to_string();
    match &args.command {
        WorkspaceCommand::Init => {
            let [drafts, published, retracted] = local.run(local.workspace.counts())?;
            status!("{path}: ready; {published} published, {drafts} draft, {retracted} retracted events");
            Ok(ExitCode::SUCCESS)
        }
        WorkspaceCommand::Check => {
            let problems = local.run(local.workspace.check())?;
            let mut out = std::io::stdout().lock();
            for p in &problems {
                writeln!(out, "{path}: {p}")?;
            }
            status!("{path}: {} problem(s)", problems.len());
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        WorkspaceCommand::Import(a) => {
            let gazetteer =
                gazetteer.ok_or_else(|| anyhow::anyhow!("import needs the gazetteer"))?;
            import(gazetteer, &local, a)
        }
        WorkspaceCommand::Export(a) => export(&local, a),
        WorkspaceCommand::Backup(a) => {
            local.run(local.workspace.backup(&a.path))?;
            status!("{path}: backed up to {}", a.path.display());
            Ok(ExitCode::SUCCESS)
        }
        WorkspaceCommand::Restore(a) => {
            let events = local.run(local.workspace.restore(&a.path))?;
            status!(
                "{path}: restored from {} ({events} events)",
                a.path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        WorkspaceCommand::Article(a) => article(&local, a),
    }
}

/// Reads every input through the events readers (one validation path; every
/// problem listed with its file and line), then imports them all in one
/// transaction: nothing is stored when any input has a problem.
fn import(gazetteer: &Gazetteer, local: &Local, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let inputs: Vec<EventInput> = args.files.iter().map(|f| EventInput::parse(f)).collect();
    let status: Status = match args.status.as_deref() {
        Some(s) => s
            .parse()
            .map_err(|e| UsageError(format!("--status: {e}")))?,
        None if inputs.iter().all(|i| *i == EventInput::Bundled) => Status::Published,
        None => Status::Draft,
    };
    let loaded = events::load(&inputs, gazetteer, args.rules.rules(), false)
        .context("nothing was imported")?;
    super::events::report_skipped(&loaded);
    let report = local.run(local.workspace.import(
        &loaded.events,
        status,
        &Author::local(),
        args.reason.as_deref(),
    ))?;
    status!(
        "{}: {} new events ({status}), {} with {} new claims, {} unchanged",
        local.workspace.path().display(),
        report.added,
        report.extended,
        report.claims_added,
        report.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

/// The published events (or all, with their status; with their revisions) as
/// the events layer of `scamatlas export`.
fn export(local: &Local, args: &WorkspaceExportArgs) -> anyhow::Result<ExitCode> {
    let format: Format = args
        .format
        .parse()
        .map_err(|e| UsageError(format!("--format: {e}")))?;
    if !matches!(format, Format::GeoJson | Format::GeoPackage | Format::Csv) {
        return Err(UsageError("--format: geojson, gpkg or csv".into()).into());
    }
    if args.history && format != Format::GeoJson {
        return Err(UsageError("--history: only with --format geojson".into()).into());
    }
    let to: Destination = args.output.parse().unwrap_or(Destination::Stdout);
    if format == Format::GeoPackage && to == Destination::Stdout {
        return Err(UsageError("--format gpkg needs a file: -o PATH, not -o -".into()).into());
    }
    let statuses: &[Status] = if args.all {
        &Status::ALL
    } else {
        &[Status::Published]
    };
    let stored = local.run(local.workspace.all(statuses))?;
    let mut features = Vec::with_capacity(stored.len());
    for s in &stored {
        let mut feature = event_feature(&s.event);
        if args.all {
            let status = Value::String(s.status.to_string());
            feature.properties.push(("status".into(), status));
        }
        if args.history {
            feature
                .properties
                .push(("version".into(), Value::Int(s.version)));
            let revisions = local.run(local.workspace.history(&s.event.id))?;
            let listed: Vec<serde_json::Value> = revisions
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "version": r.version,
                        "author": r.author,
                        "at": r.at,
                        "action": r.action,
                        "reason": r.reason,
                        "status": r.status.as_str(),
                        "changed": r.changed,
                    })
                })
                .collect();
            let listed = Value::Json(serde_json::Value::Array(listed));
            feature.properties.push(("revisions".into(), listed));
        }
        features.push(feature);
    }
    let table = Table::from_features("events", &features);
    for why in &table.left_out {
        tracing::warn!("left out (one geometry type per layer): {why}");
    }
    let style = export::events_qml();
    let written = export::write(&table, format, &to, Some(&style), &|| {})
        .with_context(|| format!("-o {}", args.output))?;
    if let Destination::File(path) = &to {
        status!(
            "wrote {} events ({}) to {}",
            written.features,
            if args.all {
                "every status"
            } else {
                "published"
            },
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Stores an article with its text, so that events can quote it.
fn article(local: &Local, args: &ArticleArgs) -> anyhow::Result<ExitCode> {
    if !events::is_source_url(&args.url) {
        return Err(UsageError(format!("--url: {:?} is not an http(s) URL", args.url)).into());
    }
    if let Some(date) = &args.date {
        date.parse::<chrono::NaiveDate>()
            .map_err(|_| UsageError(format!("--date: {date:?} is not YYYY-MM-DD")))?;
    }
    let text = match &args.file {
        None => None,
        Some(p) if p.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading the article from stdin")?;
            Some(text)
        }
        Some(p) => {
            Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
        }
    };
    let (stored, new) = local.run(local.workspace.add_article(
        &args.url,
        args.outlet.as_deref(),
        args.date.as_deref(),
        text.as_deref(),
        &Author::local(),
    ))?;
    if new {
        status!("article {} stored ({})", stored.id, stored.url);
    } else {
        status!("article {} is already stored ({})", stored.id, stored.url);
    }
    Ok(ExitCode::SUCCESS)
}

/// A workspace driven from the command line: the async store on a small
/// runtime of this process.
pub struct Local {
    runtime: tokio::runtime::Runtime,
    pub workspace: Workspace,
}

impl Local {
    /// Opens (creating if needed) the workspace `--workspace` or
    /// `SCAMATLAS_WORKSPACE` names, else the default one: for the commands
    /// that put something in it.
    pub fn open(flag: Option<&Path>) -> anyhow::Result<Self> {
        Self::connect(flag, true)
    }

    /// Opens the workspace only if it exists: for the commands that read or
    /// change what is already there, which must not leave an empty workspace
    /// behind a mistyped path.
    pub fn open_existing(flag: Option<&Path>) -> anyhow::Result<Self> {
        Self::connect(flag, false)
    }

    fn connect(flag: Option<&Path>, create: bool) -> anyhow::Result<Self> {
        let path = path(flag)?;
        if !create && !path.exists() {
            return Err(UsageError(format!(
                "{}: no workspace there; `scamatlas workspace init` (or `serve`) creates one, \
                 `--workspace PATH` names another",
                path.display()
            ))
            .into());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the workspace runtime")?;
        let workspace = runtime.block_on(Workspace::open(&path, 1))?;
        Ok(Self { runtime, workspace })
    }

    /// Runs one store call to completion.
    pub fn run<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(work)
    }
}

/// The workspace path: the flag (or its variable), else the default.
pub fn path(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    match flag {
        Some(p) => Ok(p.to_path_buf()),
        None => Workspace::default_path().ok_or_else(|| {
            UsageError(
                "--workspace: no default workspace (neither XDG_DATA_HOME nor HOME is set); \
                 give --workspace PATH or set SCAMATLAS_WORKSPACE"
                    .into(),
            )
            .into()
        }),
    }
}
