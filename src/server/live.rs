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
//! # Following
//! The follower polls [`Workspace::revision`] every [`POLL`]. On a change it
//! waits for a quiet moment ([`QUIET`] without a new revision, at most
//! [`MOST_WAIT`]) so that a burst of writes is applied once, then builds a new
//! catalog: the events of the one served with the changed ones replaced
//! (decoded from the served catalog, which is faster than reading every
//! event from the store again), swaps it in and drops the cached tiles the change made stale
//! (`tiles::forget`): the events tiles around each changed event's places
//! before and after, at zooms where events are not clustered, and every tile
//! computed over all events. A new generation (a restore) drops every tile
//! derived from events, and reloads the catalog from the store.
//!
//! # Runtime
//! A change is visible after the poll (on average half of [`POLL`]), the
//! quiet period and the rebuild: a rebuild reads and indexes every published
//! event (README, "Benchmarks", for the figures).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, PoisonError, Weak};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::error::ApiError;
use super::tiles;
use super::{AppState, Snapshot};
use crate::events::Event;
use crate::gazetteer::Gazetteer;
use crate::layers::{tiles_showing, Catalog, CatalogError, CLUSTER_BELOW_ZOOM, MAX_ZOOM};
use crate::tiles::TileCoord;
use crate::workspace::{Changed, Status, Workspace, WorkspaceError};

/// How often the follower reads the workspace's revision.
pub const POLL: Duration = Duration::from_millis(100);
/// How long a burst of writes must pause before its changes are applied.
pub const QUIET: Duration = Duration::from_millis(100);
/// The longest a burst delays applying its changes.
pub const MOST_WAIT: Duration = Duration::from_millis(500);

/// Events in flight between the store and the catalog being built.
const CHANNEL: usize = 4096;
/// Events handed over at a time (one hand-over per event costs more than
/// decoding it).
const BATCH: usize = 256;

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
    /// meanwhile is applied again by the follower, never missed).
    ///
    /// # Errors
    /// Database errors, or a stored event that does not read back.
    pub fn serve(self, gazetteer: Arc<Gazetteer>) -> Result<Arc<AppState>, StoreError> {
        let workspace = self.workspace.clone();
        let from = self.block_on(async move { workspace.revision().await })??;
        let catalog = self.load_catalog(gazetteer)?;
        let state = Arc::new(AppState::following(catalog, self));
        Store::follow(&state, from);
        Ok(state)
    }

    /// Starts following the workspace for `state`, from the revision its
    /// catalog was loaded at, until `state` is dropped. The catalog must come
    /// from [`Store::load_catalog`] (events in id order: changes are merged
    /// into it by id).
    pub fn follow(state: &Arc<AppState>, from: (i64, i64)) {
        let Some(store) = &state.store else {
            return;
        };
        let follower = Follower {
            state: Arc::downgrade(state),
            workspace: store.workspace.clone(),
            gazetteer: state.catalog().shared_gazetteer(),
            seen: from,
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

/// The catalog of `old`'s events with `changes` applied: a changed event is
/// replaced by its version now if that is published, left out if not, and
/// added if new. The events of `old` are decoded from it, which is faster
/// than reading and parsing them from the store again ([`load`]). `old`
/// must hold its events in id order, as [`load`] and this leave them.
fn patched(old: &Catalog, changes: Vec<Changed>) -> Result<Catalog, CatalogError> {
    let now: BTreeMap<String, Option<Event>> = changes
        .into_iter()
        .map(|c| {
            let public = c.after.status == Status::Published;
            (c.id, public.then_some(c.after.event))
        })
        .collect();
    let merged = Merged {
        old: old.dataset().events().peekable(),
        now: now.into_iter().peekable(),
    };
    Catalog::new(old.shared_gazetteer(), merged)
}

/// Events in id order (`old`) merged with the changed events in id order
/// (`now`: the event as it is now, `None` if no longer public).
struct Merged<O: Iterator, N: Iterator> {
    old: std::iter::Peekable<O>,
    now: std::iter::Peekable<N>,
}

impl<O, N> Iterator for Merged<O, N>
where
    O: Iterator<Item = Event>,
    N: Iterator<Item = (String, Option<Event>)>,
{
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            let order = match (self.old.peek(), self.now.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(old), Some((id, _))) => old.id.as_str().cmp(id.as_str()),
            };
            match order {
                Ordering::Less => return self.old.next(),
                // Replaced by its version now, if public.
                Ordering::Equal => drop(self.old.next()),
                Ordering::Greater => {}
            }
            if let Some((_, Some(event))) = self.now.next() {
                return Some(event);
            }
        }
    }
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
    seen: (i64, i64),
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
    /// applies it.
    async fn step(&mut self) -> Result<(), StoreError> {
        let mut now = self.workspace.revision().await?;
        if now == self.seen {
            return Ok(());
        }
        let started = Instant::now();
        while started.elapsed() < MOST_WAIT {
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
        if now.1 == self.seen.1 {
            // Read after `now`: every change up to it (maybe more, which
            // the next poll applies again) on the catalog, which has every
            // change up to `seen`.
            let changes = self.workspace.changes_since(self.seen.0).await?;
            let touched = touched(&changes);
            let count = changes.len();
            let old = state.catalog();
            let catalog = tokio::task::spawn_blocking(move || patched(&old, changes))
                .await
                .map_err(|_| StoreError::Stopped)??;
            swap(&state, catalog, Some(&touched));
            tracing::info!(
                revision = now.0,
                events = count,
                tiles = touched.len(),
                ms = started.elapsed().as_millis() as u64,
                "workspace changed: catalog swapped"
            );
        } else {
            let catalog = load(self.workspace.clone(), self.gazetteer.clone()).await?;
            swap(&state, catalog, None);
            tracing::info!(
                generation = now.1,
                ms = started.elapsed().as_millis() as u64,
                "workspace restored: catalog reloaded"
            );
        }
        self.seen = now;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_changes_match_applying_them_one_by_one() {
        let events: Vec<Event> = crate::events::synthetic::iter(200, 3).collect();
        let mut old: Vec<Event> = events[..150].to_vec();
        old.sort_by(|a, b| a.id.cmp(&b.id));
        // Changes: every 7th event dropped, every 5th edited, 50 new ones.
        let mut now: BTreeMap<String, Option<Event>> = BTreeMap::new();
        for (i, e) in old.iter().enumerate() {
            if i % 7 == 0 {
                now.insert(e.id.to_string(), None);
            } else if i % 5 == 0 {
                let mut edited = e.clone();
                edited.notes = format!("edited {i}");
                now.insert(e.id.to_string(), Some(edited));
            }
        }
        for e in &events[150..] {
            now.insert(e.id.to_string(), Some(e.clone()));
        }
        let mut expected: BTreeMap<String, Event> =
            old.iter().map(|e| (e.id.to_string(), e.clone())).collect();
        for (id, e) in &now {
            match e {
                Some(e) => expected.insert(id.clone(), e.clone()),
                None => expected.remove(id),
            };
        }
        let merged: Vec<Event> = Merged {
            old: old.into_iter().peekable(),
            now: now.into_iter().peekable(),
        }
        .collect();
        assert_eq!(merged, expected.into_values().collect::<Vec<_>>());
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
