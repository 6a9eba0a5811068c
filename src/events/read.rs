//! Reading events from CSV, collecting every problem: each row fills a
//! [`Draft`], checked by [`validate`]; rows sharing an id are merged.
//!
//! # CSV
//! One row per claim, ACLED-like columns, in any order (header names are
//! case-insensitive; unknown columns are reported and ignored):
//!
//! | column | meaning |
//! |---|---|
//! | `id` (or `event_id_cnty`) | event id; rows sharing an id are one event, each row adding its source and figure |
//! | `date` (`event_date`), `date_precision`, `end_date` | `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; precision day, month or year |
//! | `event_type` (`type`) | raid, handover, deportation, extradition, release, rescue, relocation, offensive, capture, demolition, sanction, power_cut, other |
//! | `place` (`place_canonical`, `location`) | place names, resolved through the gazetteer: several joined with `;` or ` / `; `A -> B` is a movement from A to B; a `(...)` remark goes to the notes, `(cumulative)` marks a running total |
//! | `lat`, `lon` (`latitude`, `longitude`), `radius_m` | coordinates instead of (or beside) a place name |
//! | `country` | hint for resolving the place names (code or name) |
//! | `origin`, `destination` | place names of a movement |
//! | `persons_count` (`count`), `count_low`, `count_high`, `count_kind` | people counted, and who (arrested, handed_over, deported, released, rescued, trafficked, other) |
//! | `actor` (`actors`) | several joined with `;` |
//! | `summary` (`notes`) | free text, written in your own words |
//! | `source_url` (`source`), `publisher`, `source_date` | the report this row comes from |
//! | `aggregate` | yes when the figure is a running total |

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::draft::{CountDraft, Draft, Field, Invalid, Issue, PlaceDraft, PointDraft, SourceDraft};
use super::validate::{validate, Rules};
use super::{Event, EventDate};
use crate::gazetteer::Gazetteer;
use compact_str::CompactString;

/// One thing wrong with the input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `path:line` for CSV, `path: feature N` for GeoJSON, `path` for the file.
    pub location: String,
    /// The column or property, when the problem is in one.
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    pub(crate) fn at(location: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            location: location.to_string(),
            field: field.map(String::from),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {field}: {}", self.location, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

/// `path:line`, or `path` when the line is not known (0 or none): never `path:0`.
pub(crate) fn at_line(path: &str, line: impl Into<Option<u64>>) -> String {
    match line.into() {
        Some(line) if line > 0 => format!("{path}:{line}"),
        _ => path.to_string(),
    }
}

/// What reading one input gave: the valid events, and every problem found.
/// Events with a problem are not in `events`.
#[derive(Debug, Default)]
pub struct ReadReport {
    pub events: Vec<Event>,
    pub problems: Vec<Problem>,
    /// Rows or features that were left out because of a problem.
    pub rejected: usize,
    /// Notices that do not stop the input (unknown columns, ambiguous names).
    pub warnings: Vec<Problem>,
}

/// The columns an events CSV may have: each field with the names it is
/// read under (ours first, then ACLED's and other common ones).
pub const CSV_COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["id", "event_id_cnty", "event_id"]),
    ("date", &["date", "event_date"]),
    ("date_precision", &["date_precision", "time_precision"]),
    ("end_date", &["end_date"]),
    ("event_type", &["event_type", "type"]),
    ("place", &["place", "place_canonical", "location"]),
    ("lat", &["lat", "latitude"]),
    ("lon", &["lon", "longitude", "lng"]),
    ("radius_m", &["radius_m"]),
    ("country", &["country"]),
    ("origin", &["origin"]),
    ("destination", &["destination"]),
    ("persons_count", &["persons_count", "count", "persons"]),
    ("count_low", &["count_low", "persons_low"]),
    ("count_high", &["count_high", "persons_high"]),
    ("count_kind", &["count_kind"]),
    ("actor", &["actor", "actors", "actor1"]),
    ("notes", &["summary", "notes"]),
    ("source_url", &["source_url", "source", "url"]),
    ("publisher", &["publisher"]),
    ("source_date", &["source_date"]),
    ("aggregate", &["aggregate"]),
    ("place_ids", &["place_ids"]),
];

/// Reads events from CSV text; `path` is only used in messages.
pub fn read_csv(path: &str, text: &str, gazetteer: &Gazetteer, rules: Rules) -> ReadReport {
    let mut report = ReadReport::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let column = match read_header(path, &mut reader, &mut report) {
        Some(column) if report.problems.is_empty() => column,
        _ => return report,
    };
    let mut claims = Claims::default();
    for record in reader.records() {
        let line = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        }
        .map(csv::Position::line);
        let location = at_line(path, line);
        let record = match record {
            Ok(r) if r.iter().all(str::is_empty) => continue,
            Ok(r) => r,
            Err(e) => {
                report
                    .problems
                    .push(Problem::at(&location, None, e.to_string()));
                report.rejected += 1;
                continue;
            }
        };
        let draft = Fields {
            record: &record,
            column: &column,
        }
        .draft();
        let checked = validate(&draft, gazetteer, rules);
        let named = |i: Issue| Problem::at(&location, Some(i.field.csv()), i.error.to_string());
        report
            .warnings
            .extend(checked.warnings.into_iter().map(named));
        let event = checked.event.map_err(|issues| {
            report.problems.extend(issues.into_iter().map(named));
        });
        if let Err(issue) = claims.add(draft.id, event) {
            report.problems.push(named(issue));
        }
    }
    report.rejected += claims.rejected;
    report.events = claims.events();
    report
}

/// The column of each canonical name, from the header; problems and
/// warnings about it go to `report`.
fn read_header(
    path: &str,
    reader: &mut csv::Reader<&[u8]>,
    report: &mut ReadReport,
) -> Option<HashMap<&'static str, usize>> {
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            let message = format!("cannot read the header: {e}");
            report.problems.push(Problem::at(path, None, message));
            return None;
        }
    };
    let location = format!("{path}:1");
    let mut column: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let lower = name.trim().to_ascii_lowercase();
        match CSV_COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&lower.as_str()))
        {
            Some((canonical, _)) => {
                if let Some(&first) = column.get(canonical) {
                    let message = format!(
                        "column {} repeats column {} ({:?}); which one holds the {canonical}?",
                        i + 1,
                        first + 1,
                        &header[first]
                    );
                    report
                        .problems
                        .push(Problem::at(&location, Some(name), message));
                } else {
                    column.insert(canonical, i);
                }
            }
            None => report.warnings.push(Problem::at(
                &location,
                Some(name),
                "unknown column, ignored",
            )),
        }
    }
    for required in ["id", "date", "event_type", "source_url"] {
        if !column.contains_key(required) {
            let message = "required column is missing";
            report
                .problems
                .push(Problem::at(&location, Some(required), message));
        }
    }
    let has_coordinates = column.contains_key("lat") && column.contains_key("lon");
    if !column.contains_key("place") && !has_coordinates {
        let message = "needs a place column, or lat and lon columns";
        report
            .problems
            .push(Problem::at(&location, Some("place"), message));
    }
    Some(column)
}

/// Events by id, in order of first appearance, each row adding its claim;
/// an id with a failed row stays failed.
#[derive(Default)]
struct Claims {
    order: Vec<String>,
    built: HashMap<String, Option<Merged>>,
    rejected: usize,
}

impl Claims {
    /// Adds one row's event, or its failure, to the event its id names.
    fn add(&mut self, id: String, row: Result<Event, ()>) -> Result<(), Issue> {
        let Some(entry) = self.built.get_mut(&id) else {
            self.rejected += usize::from(row.is_err());
            self.order.push(id.clone());
            self.built.insert(id, row.ok().map(Merged::new));
            return Ok(());
        };
        self.rejected += 1;
        match (entry.as_mut(), row) {
            (Some(first), Ok(claim)) => {
                let merged = first.add(claim);
                if merged.is_ok() {
                    self.rejected -= 1;
                } else {
                    *entry = None;
                }
                merged
            }
            _ => {
                *entry = None;
                Ok(())
            }
        }
    }

    /// The events whose every row was valid, in order.
    fn events(mut self) -> Vec<Event> {
        self.order
            .iter()
            .filter_map(|id| self.built.remove(id).flatten())
            .map(Merged::finish)
            .collect()
    }
}

/// The most days the rows of one event may lie apart beyond the longest
/// period one row gives (with its precision or `end_date`).
pub const MAX_DAYS_APART: i64 = 31;

/// The claims of one id merged so far: each row's work is proportional to
/// what it adds, not to the rows before it.
struct Merged {
    event: Event,
    /// The notes of each row, joined once at the end.
    notes: Vec<String>,
    /// The gazetteer ids of `event.places`.
    place_ids: HashSet<CompactString>,
    /// `event.actors`.
    actors: HashSet<String>,
    /// The most days one row's date spans.
    longest: i64,
}

impl Merged {
    fn new(mut event: Event) -> Self {
        let notes = Some(std::mem::take(&mut event.notes))
            .filter(|n| !n.is_empty())
            .into_iter()
            .collect();
        let place_ids = event.places.iter().filter_map(|p| p.id.clone()).collect();
        let longest = days(&event.date);
        let actors = event.actors.iter().cloned().collect();
        Self {
            event,
            notes,
            place_ids,
            actors,
            longest,
        }
    }

    /// Adds a later row's claim.
    fn add(&mut self, claim: Event) -> Result<(), Issue> {
        let event = &mut self.event;
        if claim.event_type != event.event_type {
            let error = Invalid::OtherType {
                id: event.id.to_string(),
                claim: claim.event_type,
                first: event.event_type,
            };
            return Err(Issue::new(Field::Id, error));
        }
        // The event spans every claimed date, if they lie close enough.
        let first = event.date.first_day().min(claim.date.first_day());
        let last = event.date.last_day().max(claim.date.last_day());
        let longest = self.longest.max(days(&claim.date));
        if (last - first).num_days() - longest > MAX_DAYS_APART {
            let error = Invalid::FarApart {
                id: event.id.to_string(),
                claim: claim.date.to_string(),
                first: event.date.first_day(),
                last: event.date.last_day(),
                most: MAX_DAYS_APART,
            };
            return Err(Issue::new(Field::Date, error));
        }
        self.longest = longest;
        if first < event.date.first_day() {
            event.date = claim.date;
        }
        if last > event.date.last_day() {
            event.date.end = Some(last);
        }
        for place in claim.places {
            match &place.id {
                Some(id) if !self.place_ids.insert(id.clone()) => {}
                _ => event.places.push(place),
            }
        }
        for count in claim.counts {
            match event.counts.iter_mut().find(|c| c.kind == count.kind) {
                Some(c) => {
                    c.low = c.low.min(count.low);
                    c.high = c.high.max(count.high);
                }
                None => event.counts.push(count),
            }
        }
        event.sources.extend(claim.sources);
        for actor in claim.actors {
            if self.actors.insert(actor.clone()) {
                event.actors.push(actor);
            }
        }
        if !claim.notes.is_empty() {
            self.notes.push(claim.notes);
        }
        event.aggregate |= claim.aggregate;
        Ok(())
    }

    fn finish(self) -> Event {
        Event {
            notes: self.notes.join(" | "),
            ..self.event
        }
    }
}

/// The days from the first to the last day of a date.
fn days(date: &EventDate) -> i64 {
    (date.last_day() - date.first_day()).num_days()
}

/// The cells of one CSV row, by canonical column name.
struct Fields<'r> {
    record: &'r csv::StringRecord,
    column: &'r HashMap<&'static str, usize>,
}

impl<'r> Fields<'r> {
    /// The cell, or "" when the column is absent.
    fn get(&self, name: &str) -> &'r str {
        self.column
            .get(name)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }

    /// The row as a draft.
    fn draft(&self) -> Draft {
        let get = |name: &str| self.get(name).to_string();
        let (lat, lon) = (get("lat"), get("lon"));
        let end = |name: &str| {
            Some(get(name))
                .filter(|n| !n.is_empty())
                .map(PlaceDraft::Name)
        };
        Draft {
            id: get("id"),
            date: get("date"),
            date_precision: get("date_precision"),
            end_date: get("end_date"),
            event_type: get("event_type"),
            place: get("place"),
            place_ids: get("place_ids"),
            points: if lat.is_empty() && lon.is_empty() {
                Vec::new()
            } else {
                vec![PointDraft { lon, lat }]
            },
            radius_m: get("radius_m"),
            country: get("country"),
            origin: end("origin"),
            destination: end("destination"),
            count: CountDraft {
                best: get("persons_count"),
                low: get("count_low"),
                high: get("count_high"),
                kind: get("count_kind"),
            },
            source: SourceDraft {
                url: get("source_url"),
                publisher: get("publisher"),
                date: get("source_date"),
                ..SourceDraft::default()
            },
            actors: split_list(self.get("actor")),
            notes: get("notes"),
            aggregate: matches!(
                self.get("aggregate").to_ascii_lowercase().as_str(),
                "yes" | "true" | "1"
            ),
            ..Draft::default()
        }
    }
}

/// `a; b` as its trimmed, non-empty parts.
fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect()
}
