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
    let gazetteer = load_gazetteer(&cli)?;
    match cli.command {
        Command::Resolve(args) => resolve::run(&gazetteer, &args),
        Command::Places(args) => places::run(&gazetteer, &args),
        Command::Events(args) => events::run(&gazetteer, &args),
        Command::Workspace(args) => workspace::run(cli.workspace.as_deref(), &args),
        Command::Users(args) => users::run(cli.workspace.as_deref(), &args),
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

/// The events a command works on: the bundled data unless `--events` names files.
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
            .map(|e| EventInput::parse(e))
            .collect()
    };
    let loaded = scamatlas::events::load(
        &inputs,
        gazetteer,
        selection.rules.rules(),
        selection.skip_invalid,
    )?;
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
