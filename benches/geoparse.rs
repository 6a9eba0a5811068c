//! Geoparser throughput: megabytes of article text per second on one core.
//!
//! Target: at least 20 MB/s for a whole parse (places, dates, counts) of news
//! text. Two texts, each parsed two ways:
//! - **news**: the five real articles of the shared corpus
//!   (`../shared/corpus`, beside the checkout; the group is skipped with a
//!   note where it is absent), about one place name every 240 bytes;
//! - **dense**: the repository's own fixture articles (English, Chinese, Thai,
//!   Burmese), written to cover many cases in few words: a place name every
//!   50 bytes, five times as dense as the news, and almost half of it in
//!   scripts other than Latin. A stress test of the per-name work.
//!
//! Each text is parsed as one document of about 2 MB (the articles repeated)
//! and article by article, as the CLI does with one article per file, where
//! the work done once per document weighs more.
//! Run with `cargo bench --bench geoparse`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geoparse::{Geoparser, Options};

const TARGET_BYTES: usize = 2_000_000;

// The allocator of the `scamatlas` binary, so that the numbers are those of
// `scamatlas geoparse`, with mimalloc's default options: the command also
// makes it return freed memory at once (`purge_freed_memory_promptly`),
// which costs a process that parses again and again (as here) a quarter to
// a third of its speed on large documents, one parse a few percent.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The `.txt` articles of a folder, in file-name order; `None` if the folder
/// cannot be read.
fn articles(dir: &Path) -> Option<Vec<String>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    let texts = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    Some(texts)
}

/// The articles repeated and concatenated into one document of about 2 MB.
fn one_document(articles: &[String]) -> String {
    let one: String = articles.iter().map(|a| a.clone() + "\n\n").collect();
    let mut text = String::with_capacity(TARGET_BYTES + one.len());
    while text.len() < TARGET_BYTES {
        text.push_str(&one);
    }
    text
}

/// Whole parses of `articles`: as one document, and one article at a time.
fn parse_groups(c: &mut Criterion, parser: &Geoparser<'_>, name: &str, articles: &[String]) {
    let text = one_document(articles);
    let mut group = c.benchmark_group(format!("geoparse {name}"));
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse as one document", |b| {
        b.iter(|| black_box(parser.parse(black_box(&text), &Options::default())))
    });
    group.throughput(Throughput::Bytes(
        articles.iter().map(|a| a.len() as u64).sum(),
    ));
    group.bench_function("parse article by article", |b| {
        b.iter(|| {
            for article in articles {
                black_box(parser.parse(black_box(article), &Options::default()));
            }
        })
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let gazetteer = Gazetteer::bundled().expect("bundled gazetteer");
    let parser = Geoparser::new(&gazetteer).expect("geoparser");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    match articles(&corpus) {
        Some(news) => parse_groups(c, &parser, "news", &news),
        None => eprintln!(
            "{} is absent: the news groups are skipped",
            corpus.display()
        ),
    }
    let dense = articles(&root.join("tests/fixtures/geoparse")).expect("fixtures folder");
    parse_groups(c, &parser, "dense", &dense);
    let text = one_document(&dense);
    let mut group = c.benchmark_group("geoparse dense");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("mentions only, one document", |b| {
        b.iter(|| black_box(parser.mentions(black_box(&text))))
    });
    group.finish();
    c.bench_function("geoparser build (automata of every name)", |b| {
        b.iter(|| black_box(Geoparser::new(&gazetteer).expect("geoparser")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
