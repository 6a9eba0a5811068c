//! Events CSV benchmarks: reading 100,000 rows that all claim one event, each
//! with its own source, notes and coordinates (no gazetteer search), which
//! measures the merging of rows sharing an id.
//!
//! Target: linear in the rows, 100,000 of them in under 1 s. Run with
//! `cargo bench --bench events -- merge`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use scamatlas::events::{read_csv, Rules};
use scamatlas::gazetteer::Gazetteer;

/// `rows` rows of the event `E1`, dated within four weeks.
fn shared_id_csv(rows: usize) -> String {
    let mut csv = String::from("id,date,event_type,lat,lon,source_url,summary,actor\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "E1,2025-01-{:02},raid,16.7,98.5,https://example.org/r{i},report {i},actor {}\n",
            1 + i % 28,
            i % 7
        ));
    }
    csv
}

fn merge(c: &mut Criterion) {
    let gazetteer = Gazetteer::bundled().expect("the bundled gazetteer loads");
    let mut group = c.benchmark_group("merge");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for rows in [10_000, 100_000] {
        let csv = shared_id_csv(rows);
        group.bench_with_input(
            BenchmarkId::new("rows_sharing_an_id", rows),
            &csv,
            |b, csv| {
                b.iter(|| {
                    let report =
                        read_csv("bench.csv", black_box(csv), &gazetteer, Rules::default());
                    assert_eq!(report.events.len(), 1);
                    report
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);
