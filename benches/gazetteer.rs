//! Gazetteer benchmarks: load, exact/alias lookups, typo-tolerant lookups.
//!
//! Targets (one core): 1,000,000 exact lookups/s, 100,000 fuzzy lookups/s, the
//! whole gazetteer loaded in under 100 ms. Run with `cargo bench --bench gazetteer`.
//! `fuzzy_lookups` uses names with one typing error, the common case;
//! `fuzzy_lookups_2_typos` reports the slower two-error path separately.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use scamatlas::gazetteer::{Gazetteer, Hints, Layer, Reason};

/// Every curated name and alias, plus the names of every 10th GeoNames place:
/// what a spreadsheet column of place names looks like.
fn exact_names(g: &Gazetteer) -> Vec<String> {
    let mut names = Vec::new();
    for (i, p) in g.places().iter().enumerate() {
        match p.layer {
            Layer::Curated => {
                names.push(p.name.clone());
                names.extend(
                    p.aliases
                        .iter()
                        .filter(|a| !a.lang.is_empty())
                        .map(|a| a.name.clone()),
                );
            }
            Layer::GeoNames if i % 10 == 0 => names.push(p.name.clone()),
            Layer::GeoNames => {}
        }
    }
    names
}

/// One typing error in `chars`: a letter dropped or two letters swapped.
fn one_typo(chars: &[char], at: usize, drop: bool) -> Vec<char> {
    let mut typo = chars.to_vec();
    if drop {
        typo.remove(at);
    } else {
        typo.swap(at, at - 1);
    }
    typo
}

/// Names with `errors` typing errors (letters dropped, letters swapped) that
/// match nothing exactly but still find their place, so every lookup takes the
/// fuzzy path and does real work.
fn typo_names(g: &Gazetteer, names: &[String], errors: usize) -> Vec<String> {
    let mut typos = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut chars: Vec<char> = name.chars().collect();
        if chars.len() < 4 + 4 * errors || !name.is_ascii() {
            continue;
        }
        for e in 0..errors {
            let at = chars.len() * (e + 1) / (errors + 1);
            chars = one_typo(&chars, at, (i + e) % 2 == 0);
        }
        let typo: String = chars.into_iter().collect();
        let ranked = g.resolve(&typo, &Hints::default()).expect("valid name");
        if ranked.first().is_some_and(|c| c.reason == Reason::Fuzzy) {
            typos.push(typo);
        }
    }
    typos
}

fn benches(c: &mut Criterion) {
    let g = Gazetteer::bundled().expect("bundled gazetteer loads");
    let exact = exact_names(&g);
    let typos = typo_names(&g, &exact, 1);
    let typos2 = typo_names(&g, &exact, 2);
    let hints = Hints::default();
    eprintln!(
        "{} places, {} exact names, {} one-typo names, {} two-typo names",
        g.places().len(),
        exact.len(),
        typos.len(),
        typos2.len()
    );

    let mut group = c.benchmark_group("gazetteer");
    group.throughput(Throughput::Elements(exact.len() as u64));
    group.bench_function("exact_lookups", |b| {
        b.iter(|| {
            for name in &exact {
                black_box(g.resolve(black_box(name), &hints).expect("valid"));
            }
        })
    });
    group.throughput(Throughput::Elements(typos.len() as u64));
    group.bench_function("fuzzy_lookups", |b| {
        b.iter(|| {
            for name in &typos {
                black_box(g.resolve(black_box(name), &hints).expect("valid"));
            }
        })
    });
    group.throughput(Throughput::Elements(typos2.len() as u64));
    group.bench_function("fuzzy_lookups_2_typos", |b| {
        b.iter(|| {
            for name in &typos2 {
                black_box(g.resolve(black_box(name), &hints).expect("valid"));
            }
        })
    });
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.bench_function("load_bundled", |b| {
        b.iter(|| black_box(Gazetteer::bundled().expect("loads")))
    });
    group.finish();
}

criterion_group!(gazetteer, benches);
criterion_main!(gazetteer);
