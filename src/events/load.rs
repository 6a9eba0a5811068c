//! Where events come from: the bundled data set, and users' CSV and GeoJSON
//! files. A file with invalid rows is refused whole, with every problem listed,
//! unless the caller asks to skip the invalid rows.

use std::path::{Path, PathBuf};

use super::read::{read_csv, Problem, ReadReport};
use super::{read_geojson, Event, Rules};
use crate::gazetteer::Gazetteer;

/// The bundled events, compiled into the binary.
pub const BUNDLED_PATH: &str = "geojson/events.geojson";
const BUNDLED: &str = include_str!("../../geojson/events.geojson");

/// One input of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventInput {
    /// The data set shipped with scamatlas.
    Bundled,
    /// A user's CSV or GeoJSON file.
    Path(PathBuf),
}

impl EventInput {
    /// `bundled` names the shipped data; anything else is a path.
    #[must_use]
    pub fn parse(value: &str) -> Self {
        if value == "bundled" {
            EventInput::Bundled
        } else {
            EventInput::Path(PathBuf::from(value))
        }
    }
}

/// Why events could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error(transparent)]
    Read(#[from] crate::error::ReadError),
    #[error("{} problem{} in the events; nothing was loaded (use --skip-invalid to load the valid rows):\n{}",
        problems.len(), if problems.len() == 1 { "" } else { "s" },
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid { problems: Vec<Problem> },
}

/// Reads one file: CSV by extension `.csv`/`.tsv`... or GeoJSON by `.geojson`/
/// `.json`; otherwise by its first character.
pub fn read_path(
    path: &Path,
    gazetteer: &Gazetteer,
    rules: Rules,
) -> Result<ReadReport, EventsError> {
    let shown = path.display().to_string();
    let text = crate::error::read_text(path)?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let geojson = match extension.as_deref() {
        Some("geojson" | "json") => true,
        Some("csv") => false,
        _ => text.trim_start().starts_with('{'),
    };
    Ok(if geojson {
        read_geojson(&shown, &text, gazetteer, rules)
    } else {
        read_csv(&shown, &text, gazetteer, rules)
    })
}

/// Reads one input.
pub fn read_input(
    input: &EventInput,
    gazetteer: &Gazetteer,
    rules: Rules,
) -> Result<ReadReport, EventsError> {
    match input {
        EventInput::Bundled => Ok(read_geojson(BUNDLED_PATH, BUNDLED, gazetteer, rules)),
        EventInput::Path(p) => read_path(p, gazetteer, rules),
    }
}

/// Events loaded from all inputs, with what was skipped.
#[derive(Debug, Default)]
pub struct Loaded {
    pub events: Vec<Event>,
    /// Problems of rows that were skipped (only with `skip_invalid`).
    pub skipped: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// Loads every input. With `skip_invalid` false, any problem in any input
/// refuses the whole load. An id used by two inputs is a problem too.
pub fn load(
    inputs: &[EventInput],
    gazetteer: &Gazetteer,
    rules: Rules,
    skip_invalid: bool,
) -> Result<Loaded, EventsError> {
    let mut loaded = Loaded::default();
    let mut problems = Vec::new();
    let mut origin_of: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for input in inputs {
        let label = match input {
            EventInput::Bundled => BUNDLED_PATH.to_string(),
            EventInput::Path(p) => p.display().to_string(),
        };
        let report = read_input(input, gazetteer, rules)?;
        problems.extend(report.problems);
        loaded.warnings.extend(report.warnings);
        for event in report.events {
            if let Some(first) = origin_of.insert(event.id.to_string(), label.clone()) {
                problems.push(Problem {
                    location: label.clone(),
                    field: Some("id".into()),
                    message: format!("{:?} is also an event id in {first}", event.id),
                });
                continue;
            }
            loaded.events.push(event);
        }
    }
    if !problems.is_empty() {
        if !skip_invalid {
            return Err(EventsError::Invalid { problems });
        }
        loaded.skipped = problems;
    }
    Ok(loaded)
}
