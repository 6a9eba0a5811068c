//! Tile benchmarks: encoding a tile of about 1,000 event points with twelve
//! properties each, and a zoom-4 tile of 100,000 synthetic events clustered
//! by quarter then encoded.
//!
//! Measured (2 cores, release): about 2.3 ms for the 1,000-point tile; 33 ms
//! to cluster the 81,000 events of tile 4/12/7, 39 ms with encoding, 190 ms
//! when the tile features are built from the events too. Run with `cargo bench --bench tiles`; feature
//! counts and tile sizes are printed on stderr.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use scamatlas::analysis::Period;
use scamatlas::events::{synthetic, Event};
use scamatlas::tiles::{
    cluster_points, encode_tile, event_tile_feature, tile_of, TileCoord, TileFeature, BUFFER,
    CLUSTER_RADIUS, EXTENT,
};

/// The features of the events that reach `tile` (its buffer included).
fn features_in(events: &[Event], tile: TileCoord) -> Vec<(TileFeature, &Event)> {
    let area = tile.buffered_bounds(BUFFER, EXTENT);
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| area.contains(e.point()))
        .map(|(i, e)| (event_tile_feature(e, i as u64), e))
        .collect()
}

fn encode_points(c: &mut Criterion) {
    // A zoom-7 tile around Myawaddy and Shwe Kokko holds about 1,000 of
    // 20,000 synthetic events.
    let events = synthetic::events(20_000, 42);
    let myawaddy = scamatlas::geom::LonLat {
        lon: 98.509,
        lat: 16.689,
    };
    let tile = tile_of(myawaddy, 7).unwrap_or(TileCoord { z: 7, x: 99, y: 56 });
    let features: Vec<TileFeature> = features_in(&events, tile)
        .into_iter()
        .map(|(f, _)| f)
        .take(1_000)
        .collect();
    let bytes = encode_tile(tile, &[("events", &features)]).unwrap_or_default();
    eprintln!(
        "tile {tile}: {} points, {} properties each, {} bytes",
        features.len(),
        features.first().map_or(0, |f| f.properties.len()),
        bytes.len()
    );
    c.bench_function("encode ~1000 points", |b| {
        b.iter(|| encode_tile(black_box(tile), &[("events", black_box(&features))]));
    });
}

fn cluster_and_encode(c: &mut Criterion) {
    let events = synthetic::events(100_000, 7);
    let tile = TileCoord { z: 4, x: 12, y: 7 };
    let keyed: Vec<(TileFeature, String)> = features_in(&events, tile)
        .into_iter()
        .map(|(f, e)| (f, Period::Quarter.of_event(e).label))
        .collect();
    let clustered = cluster_points(&keyed, tile, CLUSTER_RADIUS);
    let bytes = encode_tile(tile, &[("events", &clustered)]).unwrap_or_default();
    eprintln!(
        "tile {tile}: {} events -> {} features, {} bytes",
        keyed.len(),
        clustered.len(),
        bytes.len()
    );

    let mut group = c.benchmark_group("z4 tile of 100k events");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("cluster", |b| {
        b.iter(|| cluster_points(black_box(&keyed), tile, CLUSTER_RADIUS));
    });
    group.bench_function("cluster + encode", |b| {
        b.iter(|| {
            let clustered = cluster_points(black_box(&keyed), tile, CLUSTER_RADIUS);
            encode_tile(tile, &[("events", &clustered)])
        });
    });
    group.bench_function("features + cluster + encode", |b| {
        b.iter(|| {
            let keyed: Vec<(TileFeature, String)> = features_in(black_box(&events), tile)
                .into_iter()
                .map(|(f, e)| (f, Period::Quarter.of_event(e).label))
                .collect();
            let clustered = cluster_points(&keyed, tile, CLUSTER_RADIUS);
            encode_tile(tile, &[("events", &clustered)])
        });
    });
    group.finish();
}

criterion_group!(benches, encode_points, cluster_and_encode);
criterion_main!(benches);
