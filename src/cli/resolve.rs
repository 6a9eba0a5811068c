//! `scamatlas resolve`: names to ranked candidates, as a table, JSON, GeoJSON,
//! or (names on stdin) JSON Lines.

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use scamatlas::gazetteer::{
    candidates_to_geojson, is_ambiguous, Candidate, CandidateView, Gazetteer, Hints, ResolveError,
};
use serde::Serialize;
use serde_json::json;

use super::args::ResolveArgs;
use super::output::{json_line, json_pretty, radius, status, Table};
use super::{country_flag, UsageError};

pub fn run(gazetteer: &Gazetteer, args: &ResolveArgs) -> anyhow::Result<ExitCode> {
    let hints = hints(gazetteer, args)?;
    if args.names.is_empty() {
        return batch(gazetteer, &hints, args);
    }

    let mut results: Vec<(&str, Vec<Candidate<'_>>)> = Vec::with_capacity(args.names.len());
    for (i, name) in args.names.iter().enumerate() {
        let candidates = gazetteer
            .resolve(name, &hints)
            .map_err(|e| UsageError(format!("NAME {} ({}): {e}", i + 1, shorten(name))))?;
        results.push((name, candidates));
    }

    let mut out = BufWriter::new(io::stdout().lock());
    if args.geojson {
        let pairs: Vec<(&str, &[Candidate<'_>])> =
            results.iter().map(|(q, c)| (*q, c.as_slice())).collect();
        json_pretty(&mut out, &candidates_to_geojson(&pairs))?;
    } else if args.json {
        let value: Vec<_> = results
            .iter()
            .map(|(query, candidates)| {
                json!({
                    "query": query,
                    "ambiguous": is_ambiguous(candidates),
                    "candidates": candidates_json(gazetteer, candidates),
                })
            })
            .collect();
        json_pretty(&mut out, &value)?;
    } else {
        table(&results).write(&mut out)?;
    }
    out.flush()?;

    let mut all_resolved = true;
    for (query, candidates) in &results {
        if candidates.is_empty() {
            all_resolved = false;
            eprintln!("no place matches {query:?}");
        } else if is_ambiguous(candidates) {
            tracing::warn!("{query:?} is ambiguous: add --country or --near to decide");
        }
    }
    Ok(exit_code(all_resolved))
}

fn exit_code(all_resolved: bool) -> ExitCode {
    if all_resolved {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn hints(gazetteer: &Gazetteer, args: &ResolveArgs) -> anyhow::Result<Hints> {
    let country = match &args.country {
        Some(c) => Some(country_flag(gazetteer, c)?),
        None => None,
    };
    let near = match &args.near {
        Some(value) => Some(
            gazetteer
                .near_point(value)
                .map_err(|e| UsageError(format!("--near {value:?}: {e}")))?,
        ),
        None => None,
    };
    Ok(Hints {
        country,
        near,
        kind: args.kind.map(Into::into),
        limit: usize::from(args.limit),
    })
}

fn candidates_json<'g>(
    gazetteer: &'g Gazetteer,
    candidates: &[Candidate<'g>],
) -> Vec<CandidateView<'g>> {
    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| gazetteer.candidate_view(i + 1, c))
        .collect()
}

/// One line of batch output.
#[derive(Serialize)]
struct BatchLine<'a, 'g> {
    line: usize,
    query: &'a str,
    ambiguous: bool,
    candidates: Vec<CandidateView<'g>>,
}

fn table(results: &[(&str, Vec<Candidate<'_>>)]) -> Table {
    let mut table = Table::new(vec![
        "QUERY", "#", "PLACE", "ID", "KIND", "CC", "LON", "LAT", "RADIUS", "REASON", "MATCHED",
        "SCORE",
    ]);
    for (query, candidates) in results {
        if candidates.is_empty() {
            let mut row = vec![query.to_string(), "-".into(), "(no match)".into()];
            row.resize(12, String::new());
            table.row(row);
        }
        for (i, c) in candidates.iter().enumerate() {
            let reason = match c.edits {
                0 => c.reason.as_str().to_string(),
                n => format!(
                    "{} ({n} edit{})",
                    c.reason.as_str(),
                    if n == 1 { "" } else { "s" }
                ),
            };
            let estimate = if c.place.estimate { "≈" } else { "" };
            table.row(vec![
                if i == 0 {
                    query.to_string()
                } else {
                    String::new()
                },
                (i + 1).to_string(),
                c.place.name.clone(),
                c.place.id.clone(),
                c.place.kind.to_string(),
                c.place.countries.join(";"),
                format!("{:.5}", c.point.lon),
                format!("{:.5}", c.point.lat),
                format!("{estimate}{}", radius(c.place.radius_m)),
                reason,
                c.matched.to_string(),
                format!("{:.2}", c.score),
            ]);
        }
    }
    table
}

/// Names read from stdin, one per line, answered as JSON Lines (or one GeoJSON
/// FeatureCollection with `--geojson`). A line that cannot be looked up gets an
/// `error` member; every unresolved line is named on stderr.
fn batch(gazetteer: &Gazetteer, hints: &Hints, args: &ResolveArgs) -> anyhow::Result<ExitCode> {
    let stdin = io::stdin().lock();
    if stdin.is_terminal() {
        status!(
            "reading names from stdin, one per line (Ctrl-D to end); or give them as arguments"
        );
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let mut all_resolved = true;
    let mut features = Vec::new();

    for (i, line) in stdin.split(b'\n').enumerate() {
        let number = i + 1;
        let mut bytes = line?;
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let outcome = match std::str::from_utf8(&bytes) {
            Ok(name) => gazetteer
                .resolve(name, hints)
                .map(|c| (name, c))
                .map_err(|e| (shorten(name), LineError::Name(e))),
            Err(_) => Err((
                String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).into_owned(),
                LineError::NotUtf8,
            )),
        };
        match outcome {
            Ok((name, candidates)) => {
                if candidates.is_empty() {
                    all_resolved = false;
                    eprintln!("line {number}: no place matches {name:?}");
                }
                if args.geojson {
                    features.extend(candidates_to_geojson(&[(name, &candidates)]).features);
                } else {
                    let line = BatchLine {
                        line: number,
                        query: name,
                        ambiguous: is_ambiguous(&candidates),
                        candidates: candidates_json(gazetteer, &candidates),
                    };
                    json_line(&mut out, &line)?;
                }
            }
            Err((shown, error)) => {
                all_resolved = false;
                eprintln!("line {number}: {error}");
                if !args.geojson {
                    json_line(
                        &mut out,
                        &json!({ "line": number, "query": shown, "error": error.to_string() }),
                    )?;
                }
            }
        }
    }
    if args.geojson {
        let collection = geojson::FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        };
        json_pretty(&mut out, &collection)?;
    }
    out.flush()?;
    Ok(exit_code(all_resolved))
}

/// Why a line of stdin could not be looked up.
#[derive(Debug, thiserror::Error)]
enum LineError {
    #[error("the line is not valid UTF-8")]
    NotUtf8,
    #[error(transparent)]
    Name(ResolveError),
}

/// A name short enough to show in a message.
fn shorten(name: &str) -> String {
    const SHOWN: usize = 64;
    match name.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}… ({} bytes)", &name[..at], name.len()),
        None => name.to_string(),
    }
}
