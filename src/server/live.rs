//! Serving a workspace, live: the store on a thread of its own, and a
//! follower there that swaps in a new catalog when another process changes
//! the workspace.
//!
//! # Writes never stall reads
//! The [`Workspace`] lives on one thread with a current-thread runtime of its
//! own ([`Store`]); handlers send it work and await the answer, so a slow
//! write or a long read of the store never runs on a runtime thread that
//! answers tiles.
//!
//! # Starting
//! Reading and parsing every published event takes seconds for a million of
//! them, so the catalog's data set is saved beside the workspace
//! (`workspace.db-catalog` beside `workspace.db`, see [`saved_catalog_path`]),
//! tagged with the workspace's identity, generation and revision, and a
//! server starts from it when it is of this workspace and generation,
//! applying the changes made since its revision. Without one (or with one of
//! another workspace, generation or format) the catalog is read from the
//! store and saved once serving has begun. Deleting the file is always safe.
//!
//! # Following
//! The follower polls [`Workspace::revision`] every [`POLL`]. On a change it
//! waits for a quiet moment ([`QUIET`] without a new revision, at most
//! [`MOST_WAIT`]) so that a burst of writes is applied once, then patches the
//! served data set ([`Dataset::patched`]: nothing unchanged is packed or
//! indexed again), swaps the new catalog in and drops the cached tiles the
//! change made stale (`tiles::forget`): the events tiles around each changed
//! event's places before and after, at zooms where events are not
//! clustered, and every tile computed over all events. Once many events have
//! changed ([`COMPACT_AFTER`]) the data set is compacted on a blocking thread
//! while the follower goes on, then brought up to date, swapped in and saved.
//! A new generation (a restore) drops every tile derived from events, and
//! reloads the catalog from the store.
//!
//! # Runtime
//! A change is visible after the poll (on average half of [`POLL`]), the
//! quiet period and the patch (README, "Benchmarks", for the figures).

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, Weak};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::error::ApiError;
use super::tiles;
use super::{AppState, Snapshot};
use crate::dataset::{Dataset, SavedError};
use crate::events::Event;
use crate::gazetteer::Gazetteer;
use crate::layers::{tiles_showing, Catalog, CatalogError, CLUSTER_BELOW_ZOOM, MAX_ZOOM};
use crate::tiles::TileCoord;
use crate::workspace::{Changed, Status, Stored, Workspace, WorkspaceError};

/// How often the follower reads the workspace's revision.
pub const POLL: Duration = Duration::from_millis(100);
/// How long a burst of writes must pause before its changes are applied.
pub const QUIET: Duration = Duration::from_millis(100);
/// The longest a burst delays applying its changes.
pub const MOST_WAIT: Duration = Duration::from_millis(500);

/// A data set is compacted once more of its events than this fraction of
/// them (and at least [`COMPACT_MIN`]) changed since it was built: each patch
/// packs and indexes again the events added since.
pub const COMPACT_AFTER: f64 = 1.0 / 32.0;
/// Changed events never worth a compaction.
const COMPACT_MIN: usize = 4096;

/// Events in flight between the store and the catalog being built.
const CHANNEL: usize = 4096;
/// Events handed over at a time (one hand-over per event costs more than
/// decoding it).
const BATCH: usize = 256;

/// A workspace's revision counter and generation ([`Workspace::revision`]).
type Revision = (i64, i64);

/// Why the workspace could not be served.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot start the workspace thread: {0}")]
    Thread(#[source] std::io::Error),
    #[error("the workspace thread stopped")]
    Stopped,
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// A workspace on a thread of its own: every call to it runs there.
#[derive(Debug)]
pub struct Store {
    handle: tokio::runtime::Handle,
    workspace: Workspace,
    /// Dropped with the store: the thread then stops.
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Store {
    /// Starts the workspace thread and opens (creating if needed) the
    /// workspace at `path` on it.
    ///
    /// # Errors
    /// If the thread cannot start or the workspace cannot be opened.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(StoreError::Thread)?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("workspace".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(StoreError::Thread)?;
        let path = path.to_path_buf();
        // Readers (the catalog's stream, history) beside one writer.
        let workspace = block_on(&handle, async move { Workspace::open(&path, 4).await })??;
        Ok(Self {
            handle,
            workspace,
            _stop: stop,
        })
    }

    /// The workspace, to hand to [`Store::run`] or [`Store::block_on`].
    #[must_use]
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Runs `work` on the workspace thread and waits for it here (for the
    /// start, before serving; handlers use [`Store::run`]).
    ///
    /// # Errors
    /// [`StoreError::Stopped`] if the workspace thread is gone.
    pub fn block_on<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, StoreError> {
        block_on(&self.handle, work)
    }

    /// Runs `work` on the workspace thread; the caller awaits the answer.
    ///
    /// # Errors
    /// [`StoreError::Stopped`] if the workspace thread is gone.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.handle
            .spawn(work)
            .await
            .map_err(|_| StoreError::Stopped)
    }

    /// A catalog of the published events, streamed from the store into the
    /// catalog as it is built (see [`load`]).
    ///
    /// # Errors
    /// Database errors, or a stored event that does not read back.
    pub fn load_catalog(&self, gazetteer: Arc<Gazetteer>) -> Result<Catalog, StoreError> {
        self.block_on(load(self.workspace.clone(), gazetteer))?
    }

    /// The state to serve: a catalog of the published events, followed
    /// from the revision read before it was loaded (a change committed
    /// meanwhile is applied again by the follower, never missed). The
    /// catalog comes from the data set saved beside the workspace when there
    /// is one of it (see the module's docs), else from the store, and is
    /// then saved there.
    ///
    /// # Errors
    /// Database errors, or a stored event that does not read back.
    pub fn serve(self, gazetteer: Arc<Gazetteer>) -> Result<Arc<AppState>, StoreError> {
        let workspace = self.workspace.clone();
        let identity = self.block_on(async move { workspace.identity().await })??;
        let saved = saved_catalog_path(self.workspace.path());
        let (catalog, from, save) = match self.saved_catalog(&saved, identity, gazetteer.clone())? {
            // Saved again once compacted (the follower's work).
            Some((catalog, from)) => (catalog, from, false),
            None => {
                let workspace = self.workspace.clone();
                let from = self.block_on(async move { workspace.revision().await })??;
                (self.load_catalog(gazetteer)?, from, true)
            }
        };
        let state = Arc::new(AppState::following(catalog, self));
        if save {
            let tag = Tag::of(identity, from);
            state.save_in_background(state.catalog(), |s| s.dataset(), tag, saved.clone());
        }
        Store::follow(&state, from, identity, saved);
        Ok(state)
    }

    /// The catalog of the data set saved at `path` brought up to date, and
    /// the revision it has every change up to; `None` when there is none of
    /// this workspace and generation (then why is logged).
    fn saved_catalog(
        &self,
        path: &Path,
        identity: i64,
        gazetteer: Arc<Gazetteer>,
    ) -> Result<Option<(Catalog, Revision)>, StoreError> {
        let started = Instant::now();
        let (tag, dataset) = match Dataset::load(path) {
            Ok(loaded) => loaded,
            Err(SavedError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(None)
            }
            Err(e) => {
                tracing::warn!("{e}: reading the events from the workspace instead");
                return Ok(None);
            }
        };
        let workspace = self.workspace.clone();
        let now = self.block_on(async move { workspace.revision().await })??;
        let tag = Tag::parse(&tag)
            .filter(|t| t.identity == identity && t.generation == now.1 && t.revision <= now.0);
        let Some(tag) = tag else {
            tracing::info!(
                "{}: saved for another workspace or generation; reading the events from the \
                 workspace instead",
                path.display()
            );
            return Ok(None);
        };
        let workspace = self.workspace.clone();
        let changes =
            self.block_on(async move { workspace.changes_since(tag.revision).await })??;
        let count = changes.len();
        let catalog = Catalog::over(gazetteer, dataset.patched(public(changes)))?;
        tracing::info!(
            saved = %path.display(),
            revision = tag.revision,
            changes_since = count,
            ms = started.elapsed().as_millis() as u64,
            "catalog read from its saved copy"
        );
        Ok(Some((catalog, now)))
    }

    /// Starts following the workspace for `state`, from the revision its
    /// catalog has every change up to, until `state` is dropped; compacted
    /// data sets are saved at `saved`, tagged with `identity`.
    fn follow(state: &Arc<AppState>, from: Revision, identity: i64, saved: PathBuf) {
        let Some(store) = &state.store else {
            return;
        };
        let follower = Follower {
            state: Arc::downgrade(state),
            workspace: store.workspace.clone(),
            gazetteer: state.catalog().shared_gazetteer(),
            seen: from,
            identity,
            saved,
            compacting: None,
        };
        store.handle.spawn(follower.run());
    }
}

/// Runs `work` on the runtime of `handle` (driven by the workspace thread)
/// and waits for its answer on this thread.
fn block_on<T: Send + 'static>(
    handle: &tokio::runtime::Handle,
    work: impl Future<Output = T> + Send + 'static,
) -> Result<T, StoreError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    handle.spawn(async move {
        let _ = answer.send(work.await);
    });
    answered.blocking_recv().map_err(|_| StoreError::Stopped)
}

/// A catalog of the published events of `workspace`. The store's rows are
/// read and decoded on this task while the catalog packs and indexes them on
/// a blocking thread, through a bounded channel: at most [`CHANNEL`] events
/// are held besides the catalog.
///
/// # Errors
/// Database errors, or a stored event that does not read back.
pub async fn load(workspace: Workspace, gazetteer: Arc<Gazetteer>) -> Result<Catalog, StoreError> {
    let (sender, mut batches) = tokio::sync::mpsc::channel::<Vec<Event>>(CHANNEL / BATCH);
    let build = tokio::task::spawn_blocking(move || {
        let events = std::iter::from_fn(move || batches.blocking_recv()).flatten();
        Catalog::new(gazetteer, events)
    });
    let mut failed = None;
    {
        let mut stored = std::pin::pin!(workspace.events(&[Status::Published]));
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(next) = stored.next().await {
            match next {
                Ok(s) => batch.push(s.event),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if sender.send(full).await.is_err() {
                    break;
                }
            }
        }
        if failed.is_none() && !batch.is_empty() {
            let _ = sender.send(batch).await;
        }
    }
    drop(sender);
    let catalog = build.await.map_err(|_| StoreError::Stopped)??;
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(catalog),
    }
}

/// Where the catalog of the workspace at `workspace` is saved:
/// `workspace.db-catalog` beside `workspace.db`.
#[must_use]
pub fn saved_catalog_path(workspace: &Path) -> PathBuf {
    let mut name = workspace.as_os_str().to_owned();
    name.push("-catalog");
    PathBuf::from(name)
}

/// What a saved data set was made from: a workspace, its generation, and a
/// revision it has every change up to.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tag {
    identity: i64,
    generation: i64,
    revision: i64,
}

impl Tag {
    fn of(identity: i64, (revision, generation): Revision) -> Self {
        Self {
            identity,
            generation,
            revision,
        }
    }

    fn to_bytes(self) -> Vec<u8> {
        format!(
            "workspace {} generation {} revision {}",
            self.identity, self.generation, self.revision
        )
        .into_bytes()
    }

    fn parse(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut words = text.split(' ');
        let mut field = |name: &str| -> Option<i64> {
            (words.next()? == name).then_some(())?;
            words.next()?.parse().ok()
        };
        let tag = Tag {
            identity: field("workspace")?,
            generation: field("generation")?,
            revision: field("revision")?,
        };
        words.next().is_none().then_some(tag)
    }
}

/// Saves of the catalog under way, to wait for before the process ends (a
/// save cut short leaves a temporary file beside the workspace).
#[derive(Debug, Default)]
pub(crate) struct Saves(std::sync::Mutex<Vec<std::thread::JoinHandle<()>>>);

impl AppState {
    /// Waits for the saves of the catalog under way: call before the
    /// process ends.
    pub fn finish_saving(&self) {
        let saves =
            std::mem::take(&mut *self.saves.0.lock().unwrap_or_else(PoisonError::into_inner));
        if saves.iter().any(|s| !s.is_finished()) {
            tracing::info!("waiting for the catalog to be saved");
        }
        for save in saves {
            let _ = save.join();
        }
    }

    /// Saves the data set of `holder` at `path` on a thread of its own; a
    /// failure is logged (the next start reads the store instead).
    fn save_in_background<T: Send + 'static>(
        &self,
        holder: T,
        dataset: fn(&T) -> &Dataset,
        tag: Tag,
        path: PathBuf,
    ) {
        let mut saves = self.saves.0.lock().unwrap_or_else(PoisonError::into_inner);
        saves.retain(|s| !s.is_finished());
        match std::thread::Builder::new()
            .name("save-catalog".into())
            .spawn(move || save(dataset(&holder), tag, &path))
        {
            Ok(handle) => saves.push(handle),
            Err(e) => tracing::warn!("saving the catalog for the next start: {e}"),
        }
    }
}

/// Saves `dataset` at `path` with `tag`; a failure is logged.
fn save(dataset: &Dataset, tag: Tag, path: &Path) {
    let started = Instant::now();
    match dataset.save(&tag.to_bytes(), path) {
        Ok(()) => tracing::info!(
            saved = %path.display(),
            revision = tag.revision,
            ms = started.elapsed().as_millis() as u64,
            "catalog saved for the next start"
        ),
        Err(e) => tracing::warn!("saving the catalog for the next start: {e}"),
    }
}

/// Each changed event as it is now if public, `None` if not: what
/// [`Dataset::patched`] takes.
fn public(changes: Vec<Changed>) -> impl Iterator<Item = (String, Option<Event>)> {
    changes.into_iter().map(|c| {
        let public = c.after.status == Status::Published;
        (c.id, public.then_some(c.after.event))
    })
}

/// Swaps the catalog of `state` for one built from newer events, and drops
/// the tiles that made stale (see `tiles::forget`); every events tile when
/// `touched` is `None`.
fn swap(state: &AppState, catalog: Catalog, touched: Option<&HashSet<TileCoord>>) {
    let _swapping = state
        .swapping
        .write()
        .unwrap_or_else(PoisonError::into_inner);
    let generation = state.live.load().generation + 1;
    state.live.store(Arc::new(Snapshot {
        catalog,
        generation,
        ogc_schemas: super::ogc::Schemas::default(),
    }));
    tiles::forget(&state.tiles, touched);
}

/// The events tiles (at zooms where events are not clustered) that show any
/// place of the changed events, before or after the change.
#[must_use]
fn touched(changes: &[Changed]) -> HashSet<TileCoord> {
    let mut tiles = HashSet::new();
    let versions = changes
        .iter()
        .flat_map(|c| c.before.iter().chain(std::iter::once(&c.after)));
    for stored in versions {
        let event = &stored.event;
        let points = event
            .places
            .iter()
            .map(|p| p.point)
            .chain(std::iter::once(event.point()));
        for p in points {
            for z in CLUSTER_BELOW_ZOOM..=MAX_ZOOM {
                tiles.extend(tiles_showing(p, z));
            }
        }
    }
    tiles
}

/// Follows one workspace for one server state.
struct Follower {
    state: Weak<AppState>,
    workspace: Workspace,
    gazetteer: Arc<Gazetteer>,
    /// The revision and generation the served catalog has at least.
    seen: Revision,
    identity: i64,
    /// Where compacted data sets are saved.
    saved: PathBuf,
    /// A compaction under way, of the data set served at `seen` then.
    compacting: Option<(Revision, tokio::task::JoinHandle<Dataset>)>,
}

impl Follower {
    async fn run(mut self) {
        let mut ticks = tokio::time::interval(POLL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if self.state.strong_count() == 0 {
                return;
            }
            match self.step().await {
                Ok(()) => {}
                Err(e) => tracing::warn!("following the workspace: {e}"),
            }
        }
    }

    /// One poll: if the workspace changed, waits for the burst to end and
    /// applies it; takes a compaction that is done, or starts one.
    async fn step(&mut self) -> Result<(), StoreError> {
        let mut now = self.workspace.revision().await?;
        let compacted = self.compacted().await?;
        if now == self.seen && compacted.is_none() {
            return self.compact_if_due();
        }
        let started = Instant::now();
        while compacted.is_none() && started.elapsed() < MOST_WAIT {
            tokio::time::sleep(QUIET.min(MOST_WAIT.saturating_sub(started.elapsed()))).await;
            let again = self.workspace.revision().await?;
            if again == now {
                break;
            }
            now = again;
        }
        let Some(state) = self.state.upgrade() else {
            return Ok(());
        };
        if now.1 != self.seen.1 {
            let catalog = load(self.workspace.clone(), self.gazetteer.clone()).await?;
            swap(&state, catalog, None);
            state.save_in_background(
                state.catalog(),
                |s| s.dataset(),
                Tag::of(self.identity, now),
                self.saved.clone(),
            );
            tracing::info!(
                generation = now.1,
                ms = started.elapsed().as_millis() as u64,
                "workspace restored: catalog reloaded"
            );
            self.seen = now;
            return Ok(());
        }
        // Read after `now`: every change up to it (maybe more, which the next
        // poll applies again) since the revision the data set patched has
        // every change up to: the one served, or one compacted from it.
        let since = compacted.as_ref().map_or(self.seen, |(at, _)| *at);
        let changes = self.workspace.changes_since(since.0).await?;
        let touched = touched(&changes);
        let count = changes.len();
        let old = state.catalog();
        let tag = compacted
            .as_ref()
            .map(|(at, _)| Tag::of(self.identity, *at));
        let saved = self.saved.clone();
        let saver = Arc::clone(&state);
        let catalog = tokio::task::spawn_blocking(move || {
            let dataset = match (compacted, tag) {
                (Some((_, compact)), Some(tag)) => {
                    let patched = compact.patched(public(changes));
                    saver.save_in_background(compact, |d| d, tag, saved);
                    patched
                }
                _ => old.dataset().patched(public(changes)),
            };
            old.with_events(dataset)
        })
        .await
        .map_err(|_| StoreError::Stopped)?;
        swap(&state, catalog, Some(&touched));
        tracing::info!(
            revision = now.0,
            events = count,
            tiles = touched.len(),
            ms = started.elapsed().as_millis() as u64,
            "workspace changed: catalog swapped"
        );
        self.seen = now;
        self.compact_if_due()
    }

    /// The data set of a compaction that is done, and the revision its events
    /// have every change up to; `None` while one is under way or after a
    /// restore made it useless.
    async fn compacted(&mut self) -> Result<Option<(Revision, Dataset)>, StoreError> {
        let Some((at, job)) = self.compacting.take_if(|(_, job)| job.is_finished()) else {
            return Ok(None);
        };
        let dataset = job.await.map_err(|_| StoreError::Stopped)?;
        Ok((at.1 == self.seen.1).then_some((at, dataset)))
    }

    /// Starts compacting the served data set on a blocking thread when enough
    /// of its events changed ([`COMPACT_AFTER`]) and no compaction is under
    /// way.
    fn compact_if_due(&mut self) -> Result<(), StoreError> {
        let Some(state) = self.state.upgrade() else {
            return Ok(());
        };
        let served = state.catalog();
        let dataset = served.dataset();
        let due = COMPACT_MIN.max((dataset.len() as f64 * COMPACT_AFTER) as usize);
        if self.compacting.is_none() && dataset.changed() > due {
            tracing::info!(
                changed = dataset.changed(),
                events = dataset.len(),
                "compacting the served events"
            );
            let job = tokio::task::spawn_blocking(move || served.dataset().compacted());
            self.compacting = Some((self.seen, job));
        }
        Ok(())
    }
}

impl AppState {
    /// Runs `work` with the workspace on its thread and awaits the answer;
    /// 409 on a server of read-only files, the store's refusals as
    /// [`ApiError`]s.
    pub(crate) async fn workspace<T, F>(
        &self,
        work: impl FnOnce(Workspace) -> F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, WorkspaceError>> + Send + 'static,
    {
        let store = self.store.as_ref().ok_or_else(|| {
            ApiError::Conflict(
                "this server serves event files read-only (--events): accounts and edits \
                 need a workspace (serve without --events)"
                    .into(),
            )
        })?;
        Ok(store.run(work(store.workspace.clone())).await??)
    }

    /// Runs `work` with the workspace and the event `id` as it stands, if the
    /// caller may see it: a published event anyone, a draft or a retracted
    /// one editors only (`editor`). 404 for an unknown id, an event the
    /// caller may not see, or a server of read-only files (`kept` names what
    /// a workspace would keep: "history", "quotes").
    pub(crate) async fn visible_event<T, F>(
        &self,
        id: &str,
        editor: bool,
        kept: &str,
        work: impl FnOnce(Workspace, Stored) -> F + Send + 'static,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, WorkspaceError>> + Send + 'static,
    {
        if self.store.is_none() {
            return Err(ApiError::NotFound(format!(
                "no {kept} here: this server serves event files read-only (--events); \
                 {kept} is kept in a workspace (serve without --events)"
            )));
        }
        let wanted = id.to_owned();
        self.workspace(|ws| async move {
            match ws.get(&wanted).await? {
                Some(now) if editor || now.status == Status::Published => {
                    work(ws, now).await.map(Some)
                }
                _ => Ok(None),
            }
        })
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no published event {id:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_reads_back_and_nothing_else_does() {
        let tag = Tag::of(-5, (1_000_000, 3));
        assert_eq!(Tag::parse(&tag.to_bytes()), Some(tag));
        for bad in [
            &b"workspace 1 generation 2"[..],
            b"workspace 1 generation 2 revision 3 more",
            b"workspace x generation 2 revision 3",
            b"generation 2 workspace 1 revision 3",
            b"",
        ] {
            assert_eq!(Tag::parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn the_saved_catalog_sits_beside_the_workspace() {
        assert_eq!(
            saved_catalog_path(Path::new("/data/scamatlas/workspace.db")),
            Path::new("/data/scamatlas/workspace.db-catalog")
        );
    }

    #[test]
    fn the_tiles_showing_a_point_contain_it_in_their_buffered_area() {
        let p = crate::geom::LonLat {
            lon: 98.509,
            lat: 16.689,
        };
        for z in CLUSTER_BELOW_ZOOM..=MAX_ZOOM {
            let tiles = tiles_showing(p, z);
            let own = crate::tiles::tile_of(p, z).expect("tile");
            assert!(tiles.contains(&own), "zoom {z}");
            assert!(tiles.len() <= 4, "zoom {z}: {tiles:?}");
        }
    }
}
