//! Workspace benchmark: committed edits per second from one writer on a
//! workspace of 10,000 events, each edit one transaction with its revision
//! and a version check, driven as the command line drives the store (a
//! current-thread runtime, one connection).
//!
//! Target: at least 1,000 edits/s. Run with `cargo bench --bench workspace`;
//! the rate is criterion's throughput (elements/s).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use scamatlas::events::synthetic;
use scamatlas::workspace::{Author, Status, Workspace};

const EVENTS: usize = 10_000;

fn edits(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let author = Author("bench:writer".into());
    let mut events = synthetic::events(EVENTS, 3);
    let workspace = runtime.block_on(async {
        let ws = Workspace::open(&dir.path().join("workspace.db"), 1)
            .await
            .expect("open");
        ws.import(&events, Status::Draft, &author, None)
            .await
            .expect("import");
        ws
    });
    let mut versions = vec![1_i64; EVENTS];
    let mut next = 0;
    let mut group = c.benchmark_group("workspace");
    group
        .throughput(Throughput::Elements(1))
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("edit_10k_events", |b| {
        b.iter(|| {
            let i = next % EVENTS;
            next += 1;
            let event = &mut events[i];
            event.notes = format!("edit {next}");
            let stored = runtime
                .block_on(workspace.edit(event, Some(versions[i]), &author, None))
                .expect("edit");
            versions[i] = stored.version;
        });
    });
    group.finish();
    let (revisions, _) = runtime
        .block_on(workspace.revision())
        .expect("revision counter");
    eprintln!("{next} edits committed; the workspace is at revision {revisions}");
}

criterion_group!(benches, edits);
criterion_main!(benches);
