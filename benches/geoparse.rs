//! Geoparser throughput: megabytes of article text per second on one core.
//!
//! Target: at least 20 MB/s for a whole parse (places, dates, counts). The
//! text is the repository's own fixture articles (English, Chinese, Thai,
//! Burmese), repeated to about 2 MB and parsed as one document: denser in
//! place names than most news. A second group parses each article as its own
//! document, as the CLI does with one article per file.
//! Run with `cargo bench --bench geoparse`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geoparse::{Geoparser, Options};

const TARGET_BYTES: usize = 2_000_000;

// The allocator of the `scamatlas` binary, so that the numbers are those of
// `scamatlas geoparse`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The fixture articles, in file-name order.
fn articles() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/geoparse");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("fixture text"))
        .collect()
}

/// The articles repeated and concatenated into one document of about 2 MB.
fn corpus() -> String {
    let one: String = articles().iter().map(|a| a.clone() + "\n\n").collect();
    let mut text = String::with_capacity(TARGET_BYTES + one.len());
    while text.len() < TARGET_BYTES {
        text.push_str(&one);
    }
    text
}

fn bench(c: &mut Criterion) {
    let gazetteer = Gazetteer::bundled().expect("bundled gazetteer");
    let parser = Geoparser::new(&gazetteer).expect("geoparser");
    let text = corpus();
    let mut group = c.benchmark_group("geoparse");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse (places, dates, counts)", |b| {
        b.iter(|| black_box(parser.parse(black_box(&text), &Options::default())))
    });
    group.bench_function("mentions only", |b| {
        b.iter(|| black_box(parser.mentions(black_box(&text))))
    });
    group.finish();
    // How users call it: one article per document.
    let articles = articles();
    let mut group = c.benchmark_group("geoparse per article");
    group.throughput(Throughput::Bytes(
        articles.iter().map(|a| a.len() as u64).sum(),
    ));
    group.bench_function("parse each fixture article", |b| {
        b.iter(|| {
            for article in &articles {
                black_box(parser.parse(black_box(article), &Options::default()));
            }
        })
    });
    group.finish();
    c.bench_function("geoparser build (automaton of every name)", |b| {
        b.iter(|| black_box(Geoparser::new(&gazetteer).expect("geoparser")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
