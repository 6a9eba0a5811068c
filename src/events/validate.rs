//! The one step from a [`Draft`] to an [`Event`]: every check of a date,
//! type, place, count and source, whichever reader filled the draft.
//!
//! # Example
//! ```
//! use scamatlas::events::{validate, Draft, Field, PointDraft, Rules};
//! let gazetteer = scamatlas::gazetteer::Gazetteer::bundled().unwrap();
//! let mut draft = Draft {
//!     id: "E1".into(),
//!     date: "2024-02-30".into(),
//!     event_type: "raid".into(),
//!     points: vec![PointDraft { lon: "98.5".into(), lat: "16.7".into() }],
//!     ..Draft::default()
//! };
//! draft.source.url = "https://example.org/report".into();
//! let problems = validate(&draft, &gazetteer, Rules::default()).event.unwrap_err();
//! assert_eq!(problems[0].field, Field::Date);
//! draft.date = "2024-02-29".into();
//! assert!(validate(&draft, &gazetteer, Rules::default()).event.is_ok());
//! ```

use chrono::NaiveDate;

use super::draft::{CountDraft, Draft, Field, Invalid, Issue, PlaceDraft, PointDraft, SourceDraft};
use super::{Count, CountKind, DatePrecision, Event, EventDate, EventPlace, EventType, Source};
use crate::gazetteer::{is_ambiguous, Gazetteer, Hints};
use crate::geom::LonLat;

/// What checking a draft gave: the event or every problem, and notices that
/// do not stop it (an ambiguous name).
#[derive(Debug)]
pub struct Validated {
    pub event: Result<Event, Vec<Issue>>,
    pub warnings: Vec<Issue>,
}

/// What an input may hold beyond what every input may.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rules {
    /// Sources may be `file://` URLs: documents on this machine, as the drafts
    /// of `scamatlas geoparse --events-csv` name their articles. Off unless
    /// asked for (`--allow-file-urls`): events shared or served should not
    /// point their readers at local paths.
    pub allow_file_urls: bool,
}

/// The largest precision radius: half the Earth's circumference, in metres.
pub const MAX_RADIUS_M: f64 = std::f64::consts::PI * crate::geom::EARTH_RADIUS_M;

/// Checks a draft, resolving its place names through `gazetteer`.
#[must_use]
pub fn validate(draft: &Draft, gazetteer: &Gazetteer, rules: Rules) -> Validated {
    let mut check = Check {
        rules,
        ..Check::default()
    };
    let id = check.required(Field::Id, &draft.id);
    let date = check.date(draft);
    let event_type = match check.required(Field::EventType, &draft.event_type) {
        "" => None,
        t => check.ok(Field::EventType, t.parse::<EventType>()),
    };
    let mut notes = Vec::new();
    let text = draft.notes.trim();
    if !text.is_empty() {
        notes.push(text.to_string());
    }
    let mut aggregate = draft.aggregate;
    let places = check.places(draft, gazetteer, &mut notes, &mut aggregate);
    let (counts, best) = check.counts(draft);
    let sources = check.sources(draft, best);
    let Check {
        issues, warnings, ..
    } = check;
    let event = match (date, event_type) {
        (Some(date), Some(event_type)) if issues.is_empty() => Ok(Event {
            id: id.into(),
            date,
            event_type,
            places: places.places,
            origin: places.origin.map(Box::new),
            destination: places.destination.map(Box::new),
            counts,
            sources,
            actors: draft.actors.clone(),
            notes: notes.join(" | "),
            aggregate,
        }),
        _ => Err(issues),
    };
    Validated { event, warnings }
}

/// The problems and warnings found so far.
#[derive(Default)]
struct Check {
    rules: Rules,
    issues: Vec<Issue>,
    warnings: Vec<Issue>,
}

/// Where an event happened, and where its people came from and went.
#[derive(Default)]
struct Places {
    places: Vec<EventPlace>,
    origin: Option<EventPlace>,
    destination: Option<EventPlace>,
}

impl Check {
    fn fail(&mut self, field: Field, error: impl Into<Invalid>) {
        self.issues.push(Issue::new(field, error));
    }

    /// Whether a problem was found with `field`.
    fn failed(&self, field: Field) -> bool {
        self.issues.iter().any(|i| i.field == field)
    }

    fn ok<T, E: Into<Invalid>>(&mut self, field: Field, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.fail(field, e)).ok()
    }

    /// The trimmed text, with a problem when it is empty.
    fn required<'d>(&mut self, field: Field, value: &'d str) -> &'d str {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, Invalid::Missing);
        }
        value
    }

    fn date(&mut self, draft: &Draft) -> Option<EventDate> {
        let precision = match draft.date_precision.trim() {
            "" => None,
            p => self.ok(Field::DatePrecision, p.parse::<DatePrecision>()),
        };
        match self.required(Field::Date, &draft.date) {
            "" => None,
            d => {
                let end = Some(draft.end_date.as_str()).filter(|e| !e.trim().is_empty());
                self.ok(Field::Date, EventDate::parse(d, precision, end))
            }
        }
    }

    /// The event's places, from the first of: places given whole, gazetteer
    /// ids, coordinates, names; then its origin and destination.
    fn places(
        &mut self,
        draft: &Draft,
        gazetteer: &Gazetteer,
        notes: &mut Vec<String>,
        aggregate: &mut bool,
    ) -> Places {
        let points: Vec<LonLat> = draft.points.iter().filter_map(|p| self.point(p)).collect();
        let radius = self.radius(&draft.radius_m);
        let hints = Hints {
            country: Some(draft.country.trim())
                .filter(|c| !c.is_empty())
                .and_then(|c| gazetteer.country_code(c)),
            limit: 5,
            ..Hints::default()
        };
        let name = draft.place.trim();
        let mut found = Places::default();
        if !draft.places.is_empty() {
            for place in &draft.places {
                self.given(Field::Places, place);
            }
            found.places.clone_from(&draft.places);
        } else if !draft.place_ids.trim().is_empty() {
            found.places = self.by_ids(&draft.place_ids, name, gazetteer);
            if found.places.is_empty() && !self.failed(Field::PlaceIds) {
                let ids = draft.place_ids.trim().to_string();
                self.fail(Field::PlaceIds, Invalid::NamesNoPlace(ids));
            }
        } else if !draft.points.is_empty() {
            found.places = points
                .into_iter()
                .map(|point| at_point(name, point, radius))
                .collect();
        } else if name.is_empty() {
            self.fail(Field::Place, Invalid::NoPlace);
        } else {
            let (main, remarks) = split_remarks(name);
            for remark in remarks {
                if remark.to_ascii_lowercase().contains("cumulative") {
                    *aggregate = true;
                }
                notes.push(format!("place: {remark}"));
            }
            found = self.names(&main, gazetteer, &hints);
            if found.places.is_empty() && !self.failed(Field::Place) {
                self.fail(Field::Place, Invalid::NamesNoPlace(name.to_string()));
            }
        }
        let mut end = |field, place: &Option<PlaceDraft>, hints: &Hints| match place {
            Some(PlaceDraft::Name(n)) if n.trim().is_empty() => None,
            Some(PlaceDraft::Name(n)) => self.resolve(gazetteer, n.trim(), hints, field),
            Some(PlaceDraft::Given(p)) => self.given(field, p).then(|| p.clone()),
            None => None,
        };
        // Given apart from the names, they replace a movement's ends.
        if let Some(origin) = end(Field::Origin, &draft.origin, &hints) {
            found.origin = Some(origin);
        }
        if let Some(destination) = end(Field::Destination, &draft.destination, &Hints::default()) {
            found.destination = Some(destination);
        }
        found
    }

    /// A point given as text, on the globe.
    fn point(&mut self, p: &PointDraft) -> Option<LonLat> {
        let (lon, lat) = (p.lon.trim(), p.lat.trim());
        match (lon.parse::<f64>(), lat.parse::<f64>()) {
            (Ok(x), Ok(y)) => self.ok(Field::Coordinates, LonLat::new(x, y)),
            _ => {
                let (lat, lon) = (lat.to_string(), lon.to_string());
                self.fail(Field::Coordinates, Invalid::NotDegrees { lat, lon });
                None
            }
        }
    }

    fn radius(&mut self, text: &str) -> Option<f64> {
        match text.trim() {
            "" => None,
            r => match r.parse::<f64>() {
                Ok(v) if is_distance(v) => Some(v),
                Ok(v) if v > MAX_RADIUS_M => {
                    self.fail(Field::RadiusM, Invalid::BeyondEarth(r.to_string()));
                    None
                }
                _ => {
                    self.fail(Field::RadiusM, Invalid::NotADistance(r.to_string()));
                    None
                }
            },
        }
    }

    /// Whether a place given whole lies on the globe with a radius of zero
    /// or more: the checks of coordinates and a radius given as text.
    fn given(&mut self, field: Field, p: &EventPlace) -> bool {
        let mut errors = Vec::new();
        if let Err(e) = LonLat::new(p.point.lon, p.point.lat) {
            errors.push(Invalid::OffGlobe(e));
        }
        if p.radius_m > MAX_RADIUS_M {
            errors.push(Invalid::BeyondEarth(p.radius_m.to_string()));
        } else if !is_distance(p.radius_m) {
            errors.push(Invalid::NotADistance(p.radius_m.to_string()));
        }
        let good = errors.is_empty();
        for error in errors {
            let name = p.name.to_string();
            self.fail(
                field,
                Invalid::InPlace {
                    name,
                    error: Box::new(error),
                },
            );
        }
        good
    }

    /// Gazetteer ids, named by the names in the same order where given.
    fn by_ids(&mut self, ids: &str, names: &str, gazetteer: &Gazetteer) -> Vec<EventPlace> {
        let names: Vec<&str> = names.split(';').map(str::trim).collect();
        let ids = ids.split(';').map(str::trim).filter(|i| !i.is_empty());
        let mut places = Vec::new();
        for (i, id) in ids.enumerate() {
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
                None => self.fail(Field::PlaceIds, Invalid::NoSuchId(id.to_string())),
            }
        }
        places
    }

    /// `A; B`, `A / B` or the movement `A -> B`, resolved.
    fn names(&mut self, main: &str, gazetteer: &Gazetteer, hints: &Hints) -> Places {
        let mut found = Places::default();
        match main.split_once("->").or_else(|| main.split_once('→')) {
            Some((from, to)) => {
                let (from, to) = (from.trim(), to.trim());
                found
                    .places
                    .extend(self.resolve(gazetteer, from, hints, Field::Place));
                found.origin = self.resolve(gazetteer, from, hints, Field::Place);
                found.destination = self.resolve(gazetteer, to, &Hints::default(), Field::Place);
            }
            None => {
                for name in main
                    .split([';', '/'])
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                {
                    found
                        .places
                        .extend(self.resolve(gazetteer, name, hints, Field::Place));
                }
            }
        }
        found
    }

    fn resolve(
        &mut self,
        gazetteer: &Gazetteer,
        name: &str,
        hints: &Hints,
        field: Field,
    ) -> Option<EventPlace> {
        let ranked = match gazetteer.resolve(name, hints) {
            Ok(r) => r,
            Err(source) => {
                let name = name.to_string();
                self.fail(field, Invalid::Unresolvable { name, source });
                return None;
            }
        };
        let Some(top) = ranked.first() else {
            self.fail(field, Invalid::NoMatch(name.to_string()));
            return None;
        };
        let ambiguous = is_ambiguous(&ranked);
        if ambiguous {
            self.warnings.push(Issue::new(
                field,
                Invalid::Ambiguous {
                    name: name.to_string(),
                    took: top.place.id.to_string(),
                    countries: top.place.countries.join(";"),
                    over: ranked[1].place.id.to_string(),
                },
            ));
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

    /// The count given alone, then the counts given whole; and the best
    /// figure of the one given alone, which its source claims.
    fn counts(&mut self, draft: &Draft) -> (Vec<Count>, Option<(u64, CountKind)>) {
        let best = self.count(&draft.count);
        let mut counts: Vec<Count> = best.into_iter().collect();
        for c in &draft.counts {
            counts.extend(self.count(c));
        }
        (counts, best.map(|c| (c.best, c.kind)))
    }

    fn count(&mut self, draft: &CountDraft) -> Option<Count> {
        let best = self
            .ok(Field::PersonsCount, parse_count(&draft.best))
            .flatten();
        let low = self.ok(Field::CountLow, parse_count(&draft.low)).flatten();
        let high = self
            .ok(Field::CountHigh, parse_count(&draft.high))
            .flatten();
        let kind = match draft.kind.trim() {
            "" => CountKind::Other,
            k => self
                .ok(Field::CountKind, k.parse::<CountKind>())
                .unwrap_or(CountKind::Other),
        };
        let Some(best) = best else {
            // A best figure that does not parse is one problem, not two.
            if draft.best.trim().is_empty() && (low.is_some() || high.is_some()) {
                self.fail(Field::CountRange, Invalid::RangeWithoutBest);
            }
            return None;
        };
        let count = Count {
            kind,
            low: low.unwrap_or(best),
            best,
            high: high.unwrap_or(best),
        };
        if let Some(broken) = range_problem(&count) {
            self.fail(Field::CountRange, broken);
        }
        Some(count)
    }

    /// The sources given whole, or else the one given alone, which claims
    /// the best figure of the count given alone.
    fn sources(&mut self, draft: &Draft, best: Option<(u64, CountKind)>) -> Vec<Source> {
        if !draft.sources.is_empty() {
            return draft
                .sources
                .iter()
                .map(|s| self.source(s, Field::Sources))
                .collect();
        }
        let mut source = self.source(&draft.source, Field::SourceUrl);
        if source.count.is_none() {
            source.count = best.map(|(n, _)| n);
            source.count_kind = best.map(|(_, kind)| kind);
        }
        vec![source]
    }

    fn source(&mut self, text: &SourceDraft, field: Field) -> Source {
        let url = text.url.trim();
        if url.is_empty() {
            self.fail(field, Invalid::NoSource);
        } else if !super::is_source_url(url) {
            self.fail(field, Invalid::NotASource(url.to_string()));
        } else if url.starts_with("file://") && !self.rules.allow_file_urls {
            self.fail(field, Invalid::FileUrl(url.to_string()));
        }
        let date = match text.date.trim() {
            "" => None,
            d => self.ok(
                Field::SourceDate,
                d.parse::<NaiveDate>()
                    .map_err(|_| Invalid::NotADay(d.to_string())),
            ),
        };
        let count = self.ok(field, parse_count(&text.count)).flatten();
        let count_kind = match text.count_kind.trim() {
            "" => None,
            k => self.ok(field, k.parse::<CountKind>()),
        };
        Source {
            url: url.to_string(),
            publisher: Some(text.publisher.trim().to_string()).filter(|p| !p.is_empty()),
            date,
            count,
            count_kind,
        }
    }
}

/// A radius in metres: zero or more, at most half the Earth's circumference.
fn is_distance(metres: f64) -> bool {
    (0.0..=MAX_RADIUS_M).contains(&metres)
}

/// Why `low <= best <= high` does not hold, if it does not.
fn range_problem(c: &Count) -> Option<Invalid> {
    (c.low > c.best || c.best > c.high).then_some(Invalid::Range {
        low: c.low,
        best: c.best,
        high: c.high,
    })
}

/// A place at coordinates given, shown with `name`.
fn at_point(name: &str, point: LonLat, radius: Option<f64>) -> EventPlace {
    EventPlace {
        id: None,
        name: name.into(),
        point,
        radius_m: radius.unwrap_or(0.0),
        resolution: if radius.is_some() {
            "coordinates given".into()
        } else {
            "coordinates given, no precision radius".into()
        },
    }
}

/// A count: digits, with optional thousands separators; never negative.
fn parse_count(value: &str) -> Result<Option<u64>, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.starts_with('-') {
        return Err(Invalid::Negative(v.to_string()));
    }
    let digits: String = v
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    digits
        .parse::<u64>()
        .map(Some)
        .map_err(|_| Invalid::NotWhole(v.to_string()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::UnknownName;
    use crate::events::DateError;

    fn gazetteer() -> Gazetteer {
        Gazetteer::bundled().expect("gazetteer")
    }

    fn draft() -> Draft {
        let mut d = Draft {
            id: "E1".into(),
            date: "2024-02-23".into(),
            event_type: "raid".into(),
            place: "Tachileik".into(),
            ..Draft::default()
        };
        d.source.url = "https://example.org/e1".into();
        d
    }

    #[test]
    fn every_problem_is_a_typed_error_by_field() {
        let g = gazetteer();
        assert!(validate(&draft(), &g, Rules::default()).event.is_ok());
        let mut d = draft();
        d.date = "2024-02-30".into();
        d.event_type = "party".into();
        d.count.best = "-4".into();
        d.source.url = String::new();
        let issues = validate(&d, &g, Rules::default())
            .event
            .expect_err("invalid");
        assert_eq!(
            issues,
            [
                Issue::new(Field::Date, DateError::NotReal("2024-02-30".into())),
                Issue::new(
                    Field::EventType,
                    UnknownName {
                        what: "event type",
                        value: "party".into(),
                        expected: format!(
                            "one of {}",
                            EventType::ALL.map(EventType::as_str).join(", ")
                        ),
                    }
                ),
                Issue::new(Field::PersonsCount, Invalid::Negative("-4".into())),
                Issue::new(Field::SourceUrl, Invalid::NoSource),
            ]
        );
    }

    #[test]
    fn points_win_over_names_and_ids_over_points() {
        let g = gazetteer();
        let mut d = draft();
        d.points = vec![PointDraft {
            lon: "98.5".into(),
            lat: "16.7".into(),
        }];
        let event = validate(&d, &g, Rules::default()).event.expect("valid");
        assert_eq!(event.places[0].id, None);
        assert_eq!(event.places[0].name, "Tachileik");
        d.place_ids = "kk_park".into();
        let event = validate(&d, &g, Rules::default()).event.expect("valid");
        assert_eq!(event.places[0].id.as_deref(), Some("kk_park"));
    }
}
