//! Event index benchmarks: build, a box and a circle that each hold about
//! 1,000 events, the 10 nearest events, events near a 2,000-vertex line, the
//! nearest point of that line to 1,000 points ([`LineIndex`]), and the memory
//! the index keeps.
//!
//! Targets: 10^6 events built in under 1 s; a box of ~1,000 of them answered in
//! under 100 µs; under 200 bytes kept per event. Run with
//! `cargo bench --bench index`; the result counts and bytes per event are
//! printed on stderr.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use scamatlas::events::{synthetic, Event};
use scamatlas::geom::{Bbox, LineIndex, LonLat};
use scamatlas::index::{EventIndex, Query, Spatial};

/// The system allocator, counting the bytes it hands out and takes back.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREED.fetch_add(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        FREED.fetch_add(layout.size(), Ordering::Relaxed);
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes currently allocated.
fn live_bytes() -> usize {
    ALLOCATED.load(Ordering::Relaxed) - FREED.load(Ordering::Relaxed)
}

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
const TARGET: usize = 1_000;

/// Uniformly spread events, away from the hubs.
const BOX_CENTER: LonLat = LonLat {
    lon: 101.0,
    lat: 18.0,
};
/// A hub: events cluster here, as around a real compound town.
const MYAWADDY: LonLat = LonLat {
    lon: 98.509,
    lat: 16.689,
};

/// The smallest `x` in `0..hi` for which `count(x)` reaches `TARGET`, by
/// bisection (counts grow with `x`).
fn calibrate(hi: f64, count: impl Fn(f64) -> usize) -> f64 {
    let (mut lo, mut hi) = (0.0, hi);
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if count(mid) < TARGET {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn square(half: f64) -> Query {
    let c = BOX_CENTER;
    let bbox = Bbox::new(c.lon - half, c.lat - half, c.lon + half, c.lat + half)
        .expect("the box stays on the globe");
    Query {
        spatial: Some(Spatial::Bbox(bbox)),
        ..Query::default()
    }
}

fn circle(radius_m: f64) -> Query {
    Query {
        spatial: Some(Spatial::Near {
            center: MYAWADDY,
            radius_m,
        }),
        ..Query::default()
    }
}

/// A wiggly line of 2,000 vertices north from Myawaddy along the Moei river,
/// roughly: about 220 km.
fn border_parts() -> Vec<Vec<LonLat>> {
    vec![(0..2_000)
        .map(|i| {
            let t = f64::from(i) / 2_000.0;
            LonLat {
                lon: 98.5 + 0.05 * (t * 60.0).sin(),
                lat: 16.0 + 2.0 * t,
            }
        })
        .collect()]
}

/// Events within 2 km of [`border_parts`].
fn border_line() -> Query {
    Query {
        spatial: Some(Spatial::NearLine {
            parts: border_parts(),
            distance_m: 2_000.0,
        }),
        ..Query::default()
    }
}

/// The nearest point of [`border_parts`] to each of 1,000 points of a grid
/// over a 1.5° by 3° box around it, as the geoparser asks of a border.
fn bench_line(c: &mut Criterion) {
    let parts = border_parts();
    let index = LineIndex::new(&parts);
    let points: Vec<LonLat> = (0..1_000)
        .map(|i| LonLat {
            lon: 97.75 + 1.5 * f64::from(i % 40) / 40.0,
            lat: 15.5 + 3.0 * f64::from(i / 40) / 25.0,
        })
        .collect();
    let mut group = c.benchmark_group("line");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("nearest_point_2000_x1000", |b| {
        b.iter(|| {
            points
                .iter()
                .filter_map(|&p| index.nearest(black_box(p)))
                .map(|(_, d)| d)
                .sum::<f64>()
        });
    });
    group.finish();
}

fn bench_index(c: &mut Criterion) {
    let datasets: Vec<(usize, Vec<Event>)> = SIZES
        .iter()
        .map(|&n| (n, synthetic::events(n, 42)))
        .collect();

    let mut build = c.benchmark_group("build");
    build.sample_size(10).warm_up_time(Duration::from_secs(1));
    for (n, events) in &datasets {
        let before = live_bytes();
        let index = EventIndex::build(events);
        let kept = live_bytes() - before;
        eprintln!(
            "index of {n} events: {kept} bytes kept, {:.1} bytes per event",
            kept as f64 / *n as f64
        );
        drop(index);
        build.bench_with_input(BenchmarkId::from_parameter(n), events, |b, events| {
            b.iter(|| EventIndex::build(black_box(events)));
        });
    }
    build.finish();

    let indexes: Vec<(usize, EventIndex)> = datasets
        .iter()
        .map(|(n, events)| (*n, EventIndex::build(events)))
        .collect();
    drop(datasets);

    let mut queries = c.benchmark_group("query");
    queries
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (n, index) in &indexes {
        let half = calibrate(20.0, |h| index.query(&square(h)).len());
        let q = square(half);
        eprintln!(
            "bbox of {n}: {:.4}° square, {} events",
            2.0 * half,
            index.query(&q).len()
        );
        queries.bench_with_input(BenchmarkId::new("bbox_1000", n), &q, |b, q| {
            b.iter(|| index.query(black_box(q)));
        });

        let radius = calibrate(2_000_000.0, |r| index.query(&circle(r)).len());
        let q = circle(radius);
        eprintln!(
            "near of {n}: radius {:.0} m, {} events",
            radius,
            index.query(&q).len()
        );
        queries.bench_with_input(BenchmarkId::new("near_1000", n), &q, |b, q| {
            b.iter(|| index.query(black_box(q)));
        });

        let q = Query {
            spatial: Some(Spatial::Nearest {
                center: BOX_CENTER,
                k: 10,
            }),
            ..Query::default()
        };
        queries.bench_with_input(BenchmarkId::new("nearest_10", n), &q, |b, q| {
            b.iter(|| index.query(black_box(q)));
        });

        let q = border_line();
        eprintln!(
            "near_line of {n}: 2,000 vertices, 2 km, {} events",
            index.query(&q).len()
        );
        queries.bench_with_input(BenchmarkId::new("near_line_2000", n), &q, |b, q| {
            b.iter(|| index.query(black_box(q)));
        });
    }
    queries.finish();
}

criterion_group!(benches, bench_index, bench_line);
criterion_main!(benches);
