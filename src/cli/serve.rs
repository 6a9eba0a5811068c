//! `scamatlas serve`: load everything once, then answer HTTP until Ctrl-C or SIGTERM.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use scamatlas::events::Event;
use scamatlas::gazetteer::Gazetteer;
use scamatlas::layers::Catalog;
use scamatlas::server::{
    router, AppState, ConnectionLimits, PublicUrl, ServerOptions, Store, WebFiles, WebProblem,
};
use scamatlas::workspace::{Author, Status};

use super::args::ServeArgs;
use super::output::status;

pub fn run(
    gazetteer: Gazetteer,
    workspace: Option<&Path>,
    args: &ServeArgs,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let state = match args.synthetic {
        // Made one at a time straight into the packed store.
        Some(n) => Arc::new(AppState::new(Catalog::new(
            gazetteer,
            scamatlas::events::synthetic::iter(n, 2026),
        )?)),
        // Files (or `--events bundled`) are served read-only, as they are.
        None if !args.events.events.is_empty() => {
            let events = super::load_events(&gazetteer, &args.events)?.events;
            Arc::new(AppState::new(Catalog::new(gazetteer, events)?))
        }
        None => follow_workspace(gazetteer, workspace, args)?,
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        std::num::NonZero::get,
    );
    let listener = std::net::TcpListener::bind(&args.bind)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .with_context(|| format!("--bind {}: cannot listen there", args.bind))?;
    let address = listener.local_addr()?;
    let public_url = match &args.public_url {
        Some(url) => url.parse().context("--public-url")?,
        None => {
            let public = PublicUrl::listening_on(address);
            if public.base().is_empty() {
                tracing::warn!(
                    "--bind {address} names no host clients can use: links in TileJSON, \
                     the style and OGC API are relative, which GDAL and QGIS do not \
                     follow, until --public-url gives the URL clients use"
                );
            }
            public
        }
    };
    let options = ServerOptions {
        cors: args.cors.clone(),
        web: Arc::new(load_viewer(args)?),
        public_url,
        ..ServerOptions::default()
    };
    let app = router(state.clone(), &options);
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        threads,
        "data loaded and indexed"
    );
    status!("scamatlas serving on http://{address}/ (Ctrl-C to stop)");
    let limits = ConnectionLimits {
        max: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
        header_timeout: std::time::Duration::from_secs(args.header_timeout),
    };
    scamatlas::server::serve_threads(listener, threads, limits, app, shutdown_signal())
        .context("serving")?;
    state.finish_saving();
    status!("scamatlas stopped");
    Ok(ExitCode::SUCCESS)
}

/// The published events of the workspace, followed live: opened (created if
/// missing) on a thread of its own, filled with the bundled events the first
/// time, and watched for other processes' changes.
fn follow_workspace(
    gazetteer: Gazetteer,
    flag: Option<&Path>,
    args: &ServeArgs,
) -> anyhow::Result<Arc<AppState>> {
    let path = super::workspace::path(flag)?;
    let store = Store::open(&path)?;
    let workspace = store.workspace().clone();
    let revision = move || {
        let workspace = workspace.clone();
        async move { workspace.revision().await }
    };
    if store.block_on(revision())??.0 == 0 {
        first_import(&store, &gazetteer, args)?;
    }
    let admin = {
        let workspace = store.workspace().clone();
        store.block_on(async move { workspace.has_admin().await })??
    };
    if !admin {
        status!(
            "{}: no admin account yet, so nobody can log in to edit; make one with \
             `scamatlas --workspace {} users add NAME --role admin`",
            path.display(),
            path.display()
        );
    }
    let state = store.serve(Arc::new(gazetteer))?;
    let catalog = state.catalog();
    tracing::info!(
        workspace = %path.display(),
        events = catalog.dataset().len(),
        "published events of the workspace loaded"
    );
    Ok(state)
}

/// Events imported per transaction when seeding a workspace.
const IMPORT_CHUNK: usize = 10_000;

/// Fills a workspace that never had a revision: the bundled events as
/// published (or, for benchmarks, `--seed-synthetic N` synthetic ones).
fn first_import(store: &Store, gazetteer: &Gazetteer, args: &ServeArgs) -> anyhow::Result<()> {
    let path = store.workspace().path().display().to_string();
    let (events, what): (Box<dyn Iterator<Item = Event>>, _) = match args.seed_synthetic {
        Some(n) => (
            Box::new(scamatlas::events::synthetic::iter(n, 2026)),
            "synthetic events",
        ),
        None => (
            Box::new(
                super::load_events(gazetteer, &args.events)?
                    .events
                    .into_iter(),
            ),
            "bundled events",
        ),
    };
    let mut events = events.peekable();
    let mut added = 0;
    while events.peek().is_some() {
        let chunk: Vec<Event> = events.by_ref().take(IMPORT_CHUNK).collect();
        let workspace = store.workspace().clone();
        let reason = format!("{what}, imported on the first start");
        let report = store.block_on(async move {
            let author = Author::local();
            workspace
                .import(&chunk, Status::Published, &author, Some(&reason))
                .await
        })??;
        added += report.added;
    }
    status!("{path}: a new workspace; {added} {what} published");
    Ok(())
}

/// The folder of the map viewer when `--web` is not given: `web/` of the
/// checkout this binary was built from.
const DEFAULT_WEB_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/web");

/// The map viewer's files. A missing viewer or maplibre-gl only disables the
/// viewer, with a warning naming the fix, except that a `--web` folder given
/// explicitly must hold a viewer.
fn load_viewer(args: &ServeArgs) -> anyhow::Result<WebFiles> {
    let dir = args
        .web
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(DEFAULT_WEB_DIR));
    let web = WebFiles::load(&dir);
    match web.problem() {
        Some(problem @ WebProblem::NoApp { .. }) if args.web.is_some() => {
            anyhow::bail!("--web: {problem}")
        }
        Some(problem) => tracing::warn!("the map viewer at / is not available: {problem}"),
        None => tracing::info!(files = web.len(), dir = %dir.display(), "map viewer loaded"),
    }
    Ok(web)
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
