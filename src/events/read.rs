//! Reading events from CSV and GeoJSON, collecting every problem.
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

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use super::{Count, CountKind, DatePrecision, Event, EventDate, EventPlace, EventType, Source};
use crate::gazetteer::{is_ambiguous, Gazetteer, Hints};
use crate::geom::LonLat;

/// One thing wrong with the input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `path:line` for CSV, `path: feature N` for GeoJSON, `path` for the file.
    pub location: String,
    /// The column or property, when the problem is in one.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {field}: {}", self.location, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
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

const COLUMNS: &[(&str, &[&str])] = &[
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
pub fn read_csv(path: &str, text: &str, gazetteer: &Gazetteer) -> ReadReport {
    let mut report = ReadReport::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            report
                .problems
                .push(file_problem(path, format!("cannot read the header: {e}")));
            return report;
        }
    };
    let mut column: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let lower = name.trim().to_ascii_lowercase();
        match COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&lower.as_str()))
        {
            Some((canonical, _)) => {
                column.entry(canonical).or_insert(i);
            }
            None => report.warnings.push(Problem {
                location: format!("{path}:1"),
                field: Some(name.to_string()),
                message: "unknown column, ignored".into(),
            }),
        }
    }
    for required in ["id", "date", "event_type", "source_url"] {
        if !column.contains_key(required) {
            report.problems.push(Problem {
                location: format!("{path}:1"),
                field: Some(required.into()),
                message: "required column is missing".into(),
            });
        }
    }
    let has_coordinates = column.contains_key("lat") && column.contains_key("lon");
    if !column.contains_key("place") && !has_coordinates {
        report.problems.push(Problem {
            location: format!("{path}:1"),
            field: Some("place".into()),
            message: "needs a place column, or lat and lon columns".into(),
        });
    }
    if !report.problems.is_empty() {
        return report;
    }

    // Events by id, in order of first appearance; a failed id stays failed.
    let mut order: Vec<String> = Vec::new();
    let mut built: HashMap<String, Result<Event, ()>> = HashMap::new();
    for record in reader.records() {
        let (record, line) = match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                (r, line)
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report.problems.push(Problem {
                    location: format!("{path}:{line}"),
                    field: None,
                    message: e.to_string(),
                });
                report.rejected += 1;
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let fields = Fields {
            record: &record,
            column: &column,
        };
        let mut row = RowCheck {
            location: format!("{path}:{line}"),
            problems: Vec::new(),
        };
        let parsed = parse_row(&fields, gazetteer, &mut row, &mut report.warnings);
        let id = fields.get("id").to_string();
        let failed = !row.problems.is_empty();
        report.problems.append(&mut row.problems);
        match (built.get_mut(&id), parsed) {
            (Some(Ok(first)), Some(event)) if !failed => {
                if let Err(message) = merge_claim(first, event) {
                    report.problems.push(Problem {
                        location: format!("{path}:{line}"),
                        field: Some("id".into()),
                        message,
                    });
                    built.insert(id, Err(()));
                    report.rejected += 1;
                }
            }
            (Some(entry), _) => {
                *entry = Err(());
                report.rejected += 1;
            }
            (None, Some(event)) if !failed => {
                order.push(id.clone());
                built.insert(id, Ok(event));
            }
            (None, _) => {
                order.push(id.clone());
                built.insert(id, Err(()));
                report.rejected += 1;
            }
        }
    }
    for id in order {
        if let Some(Ok(event)) = built.remove(&id) {
            report.events.push(event);
        }
    }
    report
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
}

/// Problems of one row, with its location.
struct RowCheck {
    location: String,
    problems: Vec<Problem>,
}

impl RowCheck {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            location: self.location.clone(),
            field: Some(field.into()),
            message: message.into(),
        });
    }
}

fn file_problem(path: &str, message: String) -> Problem {
    Problem {
        location: path.to_string(),
        field: None,
        message,
    }
}

/// A count: digits, with optional thousands separators; never negative.
fn parse_count(value: &str) -> Result<Option<u64>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.starts_with('-') {
        return Err(format!("{v:?} is negative; counts are numbers of people"));
    }
    let digits: String = v
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    digits
        .parse::<u64>()
        .map(Some)
        .map_err(|_| format!("{v:?} is not a whole number"))
}

fn parse_row(
    fields: &Fields<'_>,
    gazetteer: &Gazetteer,
    row: &mut RowCheck,
    warnings: &mut Vec<Problem>,
) -> Option<Event> {
    let get = |name: &str| fields.get(name);
    let id = get("id");
    if id.is_empty() {
        row.fail("id", "is empty");
    }
    let precision = match get("date_precision") {
        "" => None,
        p => p
            .parse::<DatePrecision>()
            .map_err(|e| row.fail("date_precision", e))
            .ok(),
    };
    let end = Some(get("end_date")).filter(|e| !e.is_empty());
    let date = match get("date") {
        "" => {
            row.fail("date", "is empty");
            None
        }
        d => EventDate::parse(d, precision, end)
            .map_err(|e| row.fail("date", e))
            .ok(),
    };
    let event_type = get("event_type")
        .parse::<EventType>()
        .map_err(|e| row.fail("event_type", e))
        .ok();

    let country_hint = match get("country") {
        "" => None,
        c => gazetteer.country_code(c),
    };
    let hints = Hints {
        country: country_hint,
        limit: 5,
        ..Hints::default()
    };

    let mut notes: Vec<String> = Vec::new();
    let mut aggregate = matches!(
        get("aggregate").to_ascii_lowercase().as_str(),
        "yes" | "true" | "1"
    );
    let mut places = Vec::new();
    let mut origin = None;
    let mut destination = None;

    let place_text = get("place");
    let (lat, lon) = (get("lat"), get("lon"));
    let given_point = if lat.is_empty() && lon.is_empty() {
        None
    } else {
        match (lon.parse::<f64>(), lat.parse::<f64>()) {
            (Ok(x), Ok(y)) => LonLat::new(x, y)
                .map_err(|e| row.fail("lat/lon", e.to_string()))
                .ok(),
            _ => {
                row.fail(
                    "lat/lon",
                    format!("{lat:?}, {lon:?} are not decimal degrees"),
                );
                None
            }
        }
    };
    let radius = match get("radius_m") {
        "" => None,
        r => match r.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.is_finite() => Some(v),
            _ => {
                row.fail("radius_m", format!("{r:?} is not a distance in metres"));
                None
            }
        },
    };

    let place_ids: Vec<&str> = get("place_ids")
        .split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    if !place_ids.is_empty() {
        // Gazetteer ids, as scamatlas writes them: taken as they are.
        let names: Vec<&str> = place_text.split(';').map(str::trim).collect();
        for (i, id) in place_ids.iter().enumerate() {
            match gazetteer.get(id) {
                Some(place) => places.push(EventPlace {
                    id: Some(place.id.as_str().into()),
                    name: names
                        .get(i)
                        .copied()
                        .filter(|n| !n.is_empty())
                        .unwrap_or(&place.name)
                        .into(),
                    point: place.point,
                    radius_m: place.radius_m,
                    resolution: format!("gazetteer id {id}").into(),
                }),
                None => row.fail(
                    "place_ids",
                    format!("no place in the gazetteer has the id {id:?}"),
                ),
            }
        }
    } else if let Some(point) = given_point {
        places.push(EventPlace {
            id: None,
            name: place_text.into(),
            point,
            radius_m: radius.unwrap_or(0.0),
            resolution: if radius.is_some() {
                "coordinates given".into()
            } else {
                "coordinates given, no precision radius".into()
            },
        });
    } else if place_text.is_empty() {
        if lat.is_empty() && lon.is_empty() {
            row.fail("place", "is empty and no lat/lon are given");
        }
    } else {
        let (main, remarks) = split_remarks(place_text);
        for remark in remarks {
            if remark.to_ascii_lowercase().contains("cumulative") {
                aggregate = true;
            }
            notes.push(format!("place: {remark}"));
        }
        let (names, movement) = match main.split_once("->").or_else(|| main.split_once('→')) {
            Some((from, to)) => (vec![from.trim()], Some((from.trim(), to.trim()))),
            None => (
                main.split([';', '/'])
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect(),
                None,
            ),
        };
        for name in names {
            if let Some(p) = resolve_place(gazetteer, name, &hints, "place", row, warnings) {
                places.push(p);
            }
        }
        if let Some((from, to)) = movement {
            origin = resolve_place(gazetteer, from, &hints, "place", row, warnings);
            destination = resolve_place(gazetteer, to, &Hints::default(), "place", row, warnings);
        }
    }
    if let Some(name) = Some(get("origin")).filter(|o| !o.is_empty()) {
        origin = resolve_place(gazetteer, name, &hints, "origin", row, warnings);
    }
    if let Some(name) = Some(get("destination")).filter(|d| !d.is_empty()) {
        destination = resolve_place(
            gazetteer,
            name,
            &Hints::default(),
            "destination",
            row,
            warnings,
        );
    }

    let best = parse_count(get("persons_count"))
        .map_err(|e| row.fail("persons_count", e))
        .ok()
        .flatten();
    let low = parse_count(get("count_low"))
        .map_err(|e| row.fail("count_low", e))
        .ok()
        .flatten();
    let high = parse_count(get("count_high"))
        .map_err(|e| row.fail("count_high", e))
        .ok()
        .flatten();
    let kind = match get("count_kind") {
        "" => CountKind::Other,
        k => k
            .parse::<CountKind>()
            .map_err(|e| row.fail("count_kind", e))
            .unwrap_or(CountKind::Other),
    };
    let mut counts = Vec::new();
    if let Some(best) = best {
        let (low, high) = (low.unwrap_or(best), high.unwrap_or(best));
        if low > best || best > high {
            row.fail(
                "persons_count",
                format!("low {low} <= best {best} <= high {high} does not hold"),
            );
        }
        counts.push(Count {
            kind,
            low,
            best,
            high,
        });
    } else if low.is_some() || high.is_some() {
        row.fail(
            "persons_count",
            "count_low or count_high without persons_count",
        );
    }

    let url = get("source_url");
    if url.is_empty() {
        row.fail("source_url", "is empty: every event names its source");
    } else if !super::is_source_url(url) {
        row.fail(
            "source_url",
            format!("{url:?} is not an http(s) or file:// URL"),
        );
    }
    let source_date = match get("source_date") {
        "" => None,
        d => d
            .parse::<NaiveDate>()
            .map_err(|_| row.fail("source_date", format!("{d:?} is not YYYY-MM-DD")))
            .ok(),
    };
    let source = Source {
        url: url.to_string(),
        publisher: Some(get("publisher").to_string()).filter(|p| !p.is_empty()),
        date: source_date,
        count: best,
        count_kind: best.map(|_| kind),
    };
    let actors: Vec<String> = get("actor")
        .split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect();
    let text = get("notes");
    if !text.is_empty() {
        notes.insert(0, text.to_string());
    }

    if !row.problems.is_empty() {
        return None;
    }
    Some(Event {
        id: id.into(),
        date: date?,
        event_type: event_type?,
        places,
        origin: origin.map(Box::new),
        destination: destination.map(Box::new),
        counts,
        sources: vec![source],
        actors,
        notes: notes.join(" | "),
        aggregate,
    })
}

/// `"Myawaddy (cumulative)"` -> (`"Myawaddy"`, [`"cumulative"`]).
fn split_remarks(text: &str) -> (String, Vec<String>) {
    let mut main = String::new();
    let mut remarks = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                if depth > 0 {
                    current.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    remarks.push(current.trim().to_string());
                    current.clear();
                } else {
                    current.push(c);
                }
            }
            _ if depth > 0 => current.push(c),
            _ => main.push(c),
        }
    }
    (main.trim().to_string(), remarks)
}

fn resolve_place(
    gazetteer: &Gazetteer,
    name: &str,
    hints: &Hints,
    field: &str,
    row: &mut RowCheck,
    warnings: &mut Vec<Problem>,
) -> Option<EventPlace> {
    let ranked = match gazetteer.resolve(name, hints) {
        Ok(r) => r,
        Err(e) => {
            row.fail(field, format!("{name:?}: {e}"));
            return None;
        }
    };
    let Some(top) = ranked.first() else {
        row.fail(
            field,
            format!(
                "no place in the gazetteer matches {name:?}; give lat and lon, or add the place"
            ),
        );
        return None;
    };
    let ambiguous = is_ambiguous(&ranked);
    if ambiguous {
        warnings.push(Problem {
            location: row.location.clone(),
            field: Some(field.into()),
            message: format!(
                "{name:?} is ambiguous; took {} ({}) over {}",
                top.place.id,
                top.place.countries.join(";"),
                ranked[1].place.id
            ),
        });
    }
    Some(EventPlace {
        id: Some(top.place.id.as_str().into()),
        name: name.into(),
        point: top.point,
        radius_m: top.place.radius_m,
        resolution: format!(
            "{} {:?} of {}, score {:.2}{}",
            top.reason.as_str(),
            top.matched,
            top.place.id,
            top.score,
            if ambiguous { ", ambiguous" } else { "" }
        )
        .into(),
    })
}

/// Adds a later row's claim to the event its id names.
fn merge_claim(event: &mut Event, claim: Event) -> Result<(), String> {
    if claim.event_type != event.event_type {
        return Err(format!(
            "repeats id {} with type {} (first row: {}); rows sharing an id are claims about one event",
            event.id, claim.event_type, event.event_type
        ));
    }
    // The event spans every claimed date.
    let first = event.date.first_day().min(claim.date.first_day());
    let last = event.date.last_day().max(claim.date.last_day());
    if first < event.date.first_day() {
        event.date = claim.date;
    }
    if last > event.date.last_day() {
        event.date.end = Some(last);
    }
    for place in claim.places {
        if !event
            .places
            .iter()
            .any(|p| p.id.is_some() && p.id == place.id)
        {
            event.places.push(place);
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
        if !event.actors.contains(&actor) {
            event.actors.push(actor);
        }
    }
    if !claim.notes.is_empty() {
        event.notes = if event.notes.is_empty() {
            claim.notes
        } else {
            format!("{} | {}", event.notes, claim.notes)
        };
    }
    event.aggregate |= claim.aggregate;
    Ok(())
}
