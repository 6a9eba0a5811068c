//! `scamatlas eval geoparse DIR`: geoparse quality against gold annotations;
//! `scamatlas eval events DIR`: proposed events against gold events.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geoparse::eval::{
    evaluate_dir, EvalOptions, FileReport, Report, Scores, THRESHOLDS_KM,
};
use scamatlas::geoparse::Geoparser;

use scamatlas::geoparse::eval_events;

use super::args::{EvalArgs, EvalCommand, EvalEventsArgs, EvalGeoparseArgs};
use super::output::{json_pretty, Table};

pub fn run(gazetteer: &Gazetteer, args: &EvalArgs) -> anyhow::Result<ExitCode> {
    match &args.what {
        EvalCommand::Geoparse(a) => geoparse(gazetteer, a),
        EvalCommand::Events(a) => events(gazetteer, a),
    }
}

fn share(v: Option<f64>) -> String {
    v.map_or("-".into(), pct)
}

fn events(gazetteer: &Gazetteer, args: &EvalEventsArgs) -> anyhow::Result<ExitCode> {
    let parser = Geoparser::new(gazetteer).context("building the geoparser")?;
    let gold_dir = args.gold.as_deref().unwrap_or(&args.dir);
    let report = eval_events::evaluate_dir(&parser, &args.dir, gold_dir)?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        json_pretty(&mut out, &report)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(vec![
        "FILE",
        "GOLD",
        "PROPOSED",
        "MATCHED",
        "FLAGGED",
        "P",
        "R",
        "F1",
        "PER EVENT",
        "PLACE",
        "COUNT",
    ]);
    let row = |name: &str, s: &eval_events::Scores| {
        vec![
            name.to_string(),
            s.tally.gold.to_string(),
            s.tally.proposed.to_string(),
            s.tally.matched.to_string(),
            s.tally.flagged.to_string(),
            share(s.precision),
            share(s.recall),
            share(s.f1),
            share(s.proposals_per_event),
            share(s.place_accuracy),
            share(s.count_accuracy),
        ]
    };
    for f in &report.files {
        table.row(row(&f.file, &f.scores));
    }
    table.row(row("ALL", &report.overall));
    table.write(&mut out)?;
    let o = &report.overall;
    writeln!(
        out,
        "\nevents: P {} R {} F1 {}; {} proposals per gold event; {} flagged as background, running totals or situations (not proposed); \
         matched by type and date alone: place right {}, count right {}",
        share(o.precision),
        share(o.recall),
        share(o.f1),
        share(o.proposals_per_event),
        o.tally.flagged,
        share(o.place_accuracy),
        share(o.count_accuracy),
    )?;
    if args.rows {
        for f in &report.files {
            writeln!(out, "\n== {}", f.file)?;
            let mut t = Table::new(vec!["GOLD", "DATE", "COUNT", "NOTE", "MATCHED"]);
            for r in &f.rows {
                t.row(vec![
                    r.gold.event_type.as_str().to_string(),
                    r.gold.date.as_ref().map_or("-".into(), ToString::to_string),
                    r.gold.count.map_or("-".into(), |c| c.to_string()),
                    r.gold.note.clone(),
                    r.matched.as_ref().map_or("missed".into(), proposed),
                ]);
            }
            t.write(&mut out)?;
            for p in &f.spurious {
                writeln!(out, "spurious: {}", proposed(p))?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A proposal in words: type, date, place, count.
fn proposed(p: &eval_events::Proposed) -> String {
    format!(
        "{} {} at {} ({})",
        p.event_type.as_str(),
        p.date.as_ref().map_or("-".into(), ToString::to_string),
        p.place.as_deref().unwrap_or("-"),
        p.count
    )
}

/// The shares within each of [`THRESHOLDS_KM`], nearest first, formatted.
fn within(shares: &HashMap<String, f64>) -> impl Iterator<Item = String> + '_ {
    THRESHOLDS_KM
        .iter()
        .map(|t| pct(shares.get(&format!("{t}")).copied().unwrap_or(0.0)))
}

fn pct(v: f64) -> String {
    format!("{:.3}", v)
}

fn km(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.1}"))
}

fn geoparse(gazetteer: &Gazetteer, args: &EvalGeoparseArgs) -> anyhow::Result<ExitCode> {
    let parser = Geoparser::new(gazetteer).context("building the geoparser")?;
    let options = EvalOptions {
        drop_embedded: args.no_embedded,
    };
    let report = evaluate_dir(&parser, &args.dir, options)?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        json_pretty(&mut out, &report)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    scores_table(&report, &mut out)?;
    if args.rows {
        for f in &report.files {
            file_rows(f, &mut out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The scores of every file and of all together, then the overall figures
/// in words.
fn scores_table(report: &Report, out: &mut impl Write) -> anyhow::Result<()> {
    let mut table = Table::new(vec![
        "FILE",
        "GOLD",
        "PRED",
        "P",
        "R",
        "F1",
        "F1~",
        "REF",
        "@1",
        "@5",
        "@25",
        "@161",
        "MEAN KM",
        "MEDIAN KM",
    ]);
    let row = |name: &str, s: &Scores| {
        let mut cells = vec![
            name.to_string(),
            s.gold.to_string(),
            s.predicted.to_string(),
            pct(s.precision_exact),
            pct(s.recall_exact),
            pct(s.f1_exact),
            pct(s.f1_overlap),
            pct(s.referent_accuracy),
        ];
        cells.extend(within(&s.accuracy_km));
        cells.extend([km(s.mean_error_km), km(s.median_error_km)]);
        cells
    };
    for f in &report.files {
        table.row(row(&f.file, &f.scores));
    }
    table.row(row("ALL", &report.overall));
    table.write(out)?;
    let o = &report.overall;
    writeln!(
        out,
        "\ntoponyms: exact span P {} R {} F1 {}; overlapping span P {} R {} F1 {}",
        pct(o.precision_exact),
        pct(o.recall_exact),
        pct(o.f1_exact),
        pct(o.precision_overlap),
        pct(o.recall_overlap),
        pct(o.f1_overlap)
    )?;
    writeln!(
        out,
        "of {} matched mentions: referent {}; within 1/5/25/161 km {}; approx gold coordinates judged by referent {}; mean {} km, median {} km{}",
        o.matched,
        pct(o.referent_accuracy),
        within(&o.accuracy_km).collect::<Vec<_>>().join("/"),
        within(&o.accuracy_km_by_referent)
            .collect::<Vec<_>>()
            .join("/"),
        km(o.mean_error_km),
        km(o.median_error_km),
        if report.drop_embedded {
            "; names inside organisation names left out"
        } else {
            ""
        }
    )?;
    Ok(())
}

/// Each gold mention of one file with what was predicted for it, then the
/// spurious predictions.
fn file_rows(f: &FileReport, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(out, "\n== {}", f.file)?;
    let mut t = Table::new(vec![
        "GOLD",
        "CHARS",
        "REFERENT",
        "MATCH",
        "PREDICTED",
        "PLACE",
        "REF OK",
        "KM",
    ]);
    for r in &f.rows {
        t.row(vec![
            r.mention.clone(),
            format!("{}-{}", r.start, r.end),
            r.referent.clone(),
            r.matched.to_string(),
            r.predicted.clone().unwrap_or_default(),
            r.predicted_place.clone().unwrap_or_default(),
            if r.referent_correct { "yes" } else { "no" }.to_string(),
            r.error_km.map_or("-".into(), |e| format!("{e:.1}")),
        ]);
    }
    t.write(out)?;
    for s in &f.spurious {
        writeln!(out, "spurious: {s}")?;
    }
    Ok(())
}
