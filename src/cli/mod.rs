//! The command line: parses flags, calls the library, writes data to stdout and
//! status to stderr. No place logic lives here.

mod analysis;
pub mod args;
mod eval;
mod events;
mod export;
mod geoparse;
mod output;
mod places;
mod query;
mod resolve;
mod serve;
mod users;
mod workspace;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::events::EventInput;
use scamatlas::gazetteer::{Gazetteer, Kind};

use args::{Cli, Command, KindArg};

/// Sets up `tracing` on stderr and the `-q` of [`output::status!`].
pub fn init_logging(verbose: u8, quiet: bool) {
    output::set_quiet(quiet);
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .init();
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The one global of the command line: `--events workspace` reads it.
    let _ = WORKSPACE_FLAG.set(cli.workspace.clone());
    let workspace = cli.workspace.as_deref();
    // Workspace commands that check no event run without the gazetteer.
    match &cli.command {
        Command::Events(args) if !events::needs_gazetteer(args) => {
            return events::run_stored(workspace, args)
        }
        Command::Workspace(args) if !workspace::needs_gazetteer(args) => {
            return workspace::run(None, workspace, args)
        }
        // Accounts need no gazetteer.
        Command::Users(args) => return users::run(workspace, args),
        _ => {}
    }
    let gazetteer = load_gazetteer(&cli)?;
    match cli.command {
        Command::Resolve(args) => resolve::run(&gazetteer, &args),
        Command::Places(args) => places::run(&gazetteer, &args),
        Command::Events(args) => events::run(&gazetteer, workspace, &args),
        Command::Workspace(args) => workspace::run(Some(&gazetteer), workspace, &args),
        Command::Users(args) => users::run(workspace, &args),
        Command::Hubs(args) => analysis::hubs(&gazetteer, &args),
        Command::Drift(args) => analysis::drift(&gazetteer, &args),
        Command::Flows(args) => analysis::flows(&gazetteer, &args),
        Command::Query(args) => query::run(&gazetteer, &args),
        Command::Serve(args) => serve::run(gazetteer, cli.workspace.as_deref(), &args),
        Command::Export(args) => export::run(gazetteer, &args),
        Command::Geoparse(args) => geoparse::run(&gazetteer, &args),
        Command::Eval(args) => eval::run(&gazetteer, &args),
    }
}

fn load_gazetteer(cli: &Cli) -> anyhow::Result<Gazetteer> {
    let started = std::time::Instant::now();
    let gazetteer = match &cli.data {
        Some(dir) => Gazetteer::from_dir(dir)
            .with_context(|| format!("loading the gazetteer from {}", dir.display()))?,
        None => Gazetteer::bundled().context("loading the bundled gazetteer")?,
    };
    tracing::info!(
        places = gazetteer.places().len(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "gazetteer loaded"
    );
    Ok(gazetteer)
}

/// `--workspace` (or `SCAMATLAS_WORKSPACE`), for `--events workspace`.
static WORKSPACE_FLAG: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();

/// `--events workspace`: the workspace's published events.
const WORKSPACE_INPUT: &str = "workspace";

/// The events a command works on: the bundled data unless `--events` names
/// files, `bundled` or `workspace` (its published events).
fn load_events(
    gazetteer: &Gazetteer,
    selection: &args::EventSelection,
) -> anyhow::Result<scamatlas::events::Loaded> {
    let inputs: Vec<EventInput> = if selection.events.is_empty() {
        vec![EventInput::Bundled]
    } else {
        selection
            .events
            .iter()
            .filter(|e| *e != WORKSPACE_INPUT)
            .map(|e| EventInput::parse(e))
            .collect()
    };
    let mut loaded = scamatlas::events::load(
        &inputs,
        gazetteer,
        selection.rules.rules(),
        selection.skip_invalid,
    )?;
    if selection.events.iter().any(|e| e == WORKSPACE_INPUT) {
        let flag = WORKSPACE_FLAG.get().cloned().flatten();
        let local = workspace::Local::open_existing(flag.as_deref())?;
        let published = local.run(
            local
                .workspace
                .all(&[scamatlas::workspace::Status::Published]),
        )?;
        let mut ids: std::collections::HashSet<String> =
            loaded.events.iter().map(|e| e.id.to_string()).collect();
        for stored in published {
            if !ids.insert(stored.event.id.to_string()) {
                return Err(UsageError(format!(
                    "--events: {:?} is an event id both in the workspace and in another input",
                    stored.event.id
                ))
                .into());
            }
            loaded.events.push(stored.event);
        }
    }
    events::report_skipped(&loaded);
    tracing::info!(events = loaded.events.len(), "events loaded");
    Ok(loaded)
}

/// A usage error found after clap's parsing: exit code 2 with the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The error and its causes, `: `-joined, each said once: a library error
/// that already shows its cause (`path: No such file or directory`) is not
/// followed by that cause again.
pub fn message(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Point => Kind::Point,
            KindArg::Area => Kind::Area,
            KindArg::Line => Kind::Line,
        }
    }
}

/// A `--country` value as an ISO2 code.
fn country_flag(gazetteer: &Gazetteer, value: &str) -> anyhow::Result<String> {
    gazetteer.country_code(value).ok_or_else(|| {
        UsageError(format!(
            "--country: {value:?} is neither a two-letter ISO code nor a country in the gazetteer"
        ))
        .into()
    })
}
