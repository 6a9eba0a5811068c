//! Events as GeoJSON (RFC 7946) and back.
//!
//! Each event is a Feature with a string `id`: a Point for one place, a
//! MultiPoint for several. Flat properties (`date`, `type`, `start`, `end`,
//! `persons_best`, `place_ids`, `source_urls`, ...) keep one JSON type each, so
//! GIS software reads them as columns; nested arrays (`places`, `counts`,
//! `sources`) carry the full record, so nothing is lost on the way back.

use chrono::{Datelike, NaiveDate};
use geojson::{Feature, FeatureCollection, JsonObject, Value};

use super::draft::{CountDraft, Draft, Field, Invalid, Issue, PlaceDraft, PointDraft, SourceDraft};
use super::read::{Problem, ReadReport};
use super::validate::{validate, Rules};
use super::{Count, DatePrecision, Event, EventDate, EventPlace, Source};
use crate::gazetteer::Gazetteer;
use crate::geom::{round_coord as round, LonLat};

/// Writes the GeoJSON Feature of one event as compact JSON, field by field:
/// the one place that says what an event's feature holds, used both by
/// [`write_geojson`] and, parsed back, by [`event_to_feature`]. The layers'
/// typed event feature ([`crate::layers::event_feature`]) is tested equal to it.
///
/// Written by hand rather than through serde because this is the hot loop of
/// every GeoJSON layer: serde's generic string escaping and many small writes
/// were most of its cost. Numbers and escapes are `serde_json`'s own (its
/// float formatter, and `serde_json` itself for any string that needs
/// escaping), so the bytes are those serde would write.
fn write_feature(event: &Event, out: &mut Vec<u8>) {
    let mut j = JsonOut(out);
    j.raw(r#"{"type":"Feature","id":"#);
    j.str(&event.id);
    match event.places.as_slice() {
        [one] => {
            j.raw(r#","geometry":{"type":"Point","coordinates":"#);
            j.position(one.point);
        }
        many => {
            j.raw(r#","geometry":{"type":"MultiPoint","coordinates":["#);
            for (i, place) in many.iter().enumerate() {
                j.comma(i);
                j.position(place.point);
            }
            j.raw("]");
        }
    }
    j.raw(r#"},"properties":{"id":"#);
    j.str(&event.id);
    j.raw(r#","date":"#);
    j.event_date(event.date);
    j.raw(r#","date_precision":""#);
    j.raw(event.date.precision.as_str());
    j.raw(r#"","start":"#);
    j.date(event.date.first_day());
    j.raw(r#","end":"#);
    j.date(event.date.last_day());
    j.raw(r#","end_date":"#);
    match event.date.end {
        Some(end) => j.date(end),
        None => j.raw("null"),
    }
    j.raw(r#","type":""#);
    j.raw(event.event_type.as_str());
    j.raw(r#"","place_ids":"#);
    j.joined(&event.places, ";", |p| p.id.as_deref().unwrap_or(""));
    j.raw(r#","place_names":"#);
    j.joined(&event.places, ";", |p| &p.name);
    j.raw(r#","radius_m":"#);
    j.int(event.radius_m().round() as i64);
    j.raw(r#","persons_best":"#);
    j.int(i64::try_from(event.persons_best()).unwrap_or(i64::MAX));
    j.raw(if event.aggregate {
        r#","aggregate":true"#
    } else {
        r#","aggregate":false"#
    });
    j.raw(r#","source_urls":"#);
    j.joined(&event.sources, " ", |s| &s.url);
    j.raw(r#","places":["#);
    for (i, place) in event.places.iter().enumerate() {
        j.comma(i);
        j.place(place);
    }
    j.raw(r#"],"origin":"#);
    j.optional_place(event.origin.as_deref());
    j.raw(r#","destination":"#);
    j.optional_place(event.destination.as_deref());
    j.raw(r#","counts":["#);
    for (i, count) in event.counts.iter().enumerate() {
        j.comma(i);
        j.count(count);
    }
    j.raw(r#"],"sources":["#);
    for (i, source) in event.sources.iter().enumerate() {
        j.comma(i);
        j.source(source);
    }
    j.raw(r#"],"actors":["#);
    for (i, actor) in event.actors.iter().enumerate() {
        j.comma(i);
        j.str(actor);
    }
    j.raw(r#"],"notes":"#);
    j.str(&event.notes);
    j.raw("}}");
}

/// Compact JSON written into a buffer, a piece at a time.
struct JsonOut<'a>(&'a mut Vec<u8>);

impl JsonOut<'_> {
    fn raw(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    /// The comma before every item of a list but the first.
    fn comma(&mut self, index: usize) {
        if index > 0 {
            self.0.push(b',');
        }
    }

    /// A JSON string. Most of ours need no escaping and are copied whole;
    /// the rest are escaped by `serde_json`, so that both agree.
    fn str(&mut self, text: &str) {
        if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.0.reserve(text.len() + 2);
            self.0.push(b'"');
            self.0.extend_from_slice(text.as_bytes());
            self.0.push(b'"');
        } else {
            // Writing into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *self.0, text);
        }
    }

    fn int<T: itoa::Integer>(&mut self, value: T) {
        self.raw(itoa::Buffer::new().format(value));
    }

    /// A number as `serde_json` writes it: the shortest text that reads back
    /// as the same number, and `null` when not finite.
    fn float(&mut self, value: f64) {
        if value.is_finite() {
            self.raw(zmij::Buffer::new().format_finite(value));
        } else {
            self.raw("null");
        }
    }

    /// `[lon,lat]`, rounded to a micro-degree (about 10 cm).
    fn position(&mut self, p: LonLat) {
        self.raw("[");
        self.float(round(p.lon));
        self.raw(",");
        self.float(round(p.lat));
        self.raw("]");
    }

    /// A day as `"YYYY-MM-DD"`, the text chrono writes.
    fn date(&mut self, day: NaiveDate) {
        let year = day.year();
        if (0..=9999).contains(&year) {
            self.raw("\"");
            self.digits(year.unsigned_abs(), 4);
            self.raw("-");
            self.digits(day.month(), 2);
            self.raw("-");
            self.digits(day.day(), 2);
            self.raw("\"");
        } else {
            // chrono's own text, with the sign of a year out of that range.
            self.str(&day.to_string());
        }
    }

    /// An event's date, as precisely as it is known (its `Display`).
    fn event_date(&mut self, date: EventDate) {
        if date.precision == DatePrecision::Day {
            self.date(date.start);
        } else {
            self.str(&date.to_string());
        }
    }

    /// `value` in at least `width` digits, zero-padded.
    fn digits(&mut self, value: u32, width: usize) {
        let mut buf = itoa::Buffer::new();
        let text = buf.format(value);
        for _ in text.len()..width {
            self.0.push(b'0');
        }
        self.raw(text);
    }

    /// One string field of each item, joined by `separator`, as one string.
    fn joined<T>(&mut self, items: &[T], separator: &str, field: fn(&T) -> &str) {
        match items {
            [] => self.raw(r#""""#),
            [one] => self.str(field(one)),
            many => {
                let text: Vec<&str> = many.iter().map(field).collect();
                self.str(&text.join(separator));
            }
        }
    }

    fn place(&mut self, place: &EventPlace) {
        self.raw("{");
        if let Some(id) = &place.id {
            self.raw(r#""id":"#);
            self.str(id);
            self.raw(",");
        }
        self.raw(r#""name":"#);
        self.str(&place.name);
        self.raw(r#","point":{"lon":"#);
        self.float(place.point.lon);
        self.raw(r#","lat":"#);
        self.float(place.point.lat);
        self.raw(r#"},"radius_m":"#);
        self.float(place.radius_m);
        if !place.resolution.is_empty() {
            self.raw(r#","resolution":"#);
            self.str(&place.resolution);
        }
        self.raw("}");
    }

    fn optional_place(&mut self, place: Option<&EventPlace>) {
        match place {
            Some(place) => self.place(place),
            None => self.raw("null"),
        }
    }

    fn count(&mut self, count: &Count) {
        self.raw(r#"{"kind":""#);
        self.raw(count.kind.as_str());
        self.raw(r#"","low":"#);
        self.int(count.low);
        self.raw(r#","best":"#);
        self.int(count.best);
        self.raw(r#","high":"#);
        self.int(count.high);
        self.raw("}");
    }

    fn source(&mut self, source: &Source) {
        self.raw(r#"{"url":"#);
        self.str(&source.url);
        if let Some(publisher) = &source.publisher {
            self.raw(r#","publisher":"#);
            self.str(publisher);
        }
        if let Some(date) = source.date {
            self.raw(r#","date":"#);
            self.date(date);
        }
        if let Some(count) = source.count {
            self.raw(r#","count":"#);
            self.int(count);
        }
        if let Some(kind) = source.count_kind {
            self.raw(r#","count_kind":""#);
            self.raw(kind.as_str());
            self.raw("\"");
        }
        self.raw("}");
    }
}

/// One event as a Feature.
#[must_use]
pub fn event_to_feature(event: &Event) -> Feature {
    let mut json = Vec::with_capacity(1024);
    write_feature(event, &mut json);
    serde_json::from_slice(&json).unwrap_or_else(|_| Feature {
        bbox: None,
        geometry: None,
        id: Some(geojson::feature::Id::String(event.id.to_string())),
        properties: None,
        foreign_members: None,
    })
}

/// Bytes of features gathered before each write to `out` in
/// [`write_geojson_with`].
const WRITE_BYTES: usize = 64 * 1024;

/// Writes events as one GeoJSON FeatureCollection, straight from the model:
/// the same features as [`events_to_geojson`], without building JSON values.
///
/// # Errors
/// Only what `out` reports.
pub fn write_geojson<'a, W: std::io::Write>(
    events: impl IntoIterator<Item = &'a Event>,
    out: W,
) -> std::io::Result<()> {
    let events: Vec<&Event> = events.into_iter().collect();
    write_geojson_with(events.len(), |i| events.get(i).copied(), out)
}

/// Like [`write_geojson`], for `len` events that `event` gives by position
/// (decoded from a packed store, say); positions where it gives `None` are
/// left out.
///
/// # Runtime
/// One thread, the caller's: the server calls this for each download on the
/// blocking thread that streams it, and a request never starts threads of
/// its own (they would compete with the runtimes answering tiles).
///
/// # Errors
/// Only what `out` reports.
pub fn write_geojson_with<E, W>(
    len: usize,
    event: impl Fn(usize) -> Option<E>,
    mut out: W,
) -> std::io::Result<()>
where
    E: std::borrow::Borrow<Event>,
    W: std::io::Write,
{
    out.write_all(br#"{"type":"FeatureCollection","features":["#)?;
    let mut buf = Vec::with_capacity(WRITE_BYTES + 4096);
    for (i, event) in (0..len).filter_map(event).enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        write_feature(event.borrow(), &mut buf);
        if buf.len() >= WRITE_BYTES {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.write_all(b"]}")
}

/// Events as a FeatureCollection.
#[must_use]
pub fn events_to_geojson<'a>(events: impl IntoIterator<Item = &'a Event>) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features: events.into_iter().map(event_to_feature).collect(),
        foreign_members: None,
    }
}

/// Reads events from GeoJSON text: our own files, and plain point layers with
/// `id`, `date`, `type` (or `event_type`) and `source_url` properties.
pub fn read_geojson(path: &str, text: &str, gazetteer: &Gazetteer, rules: Rules) -> ReadReport {
    let mut report = ReadReport::default();
    let collection: FeatureCollection = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let location = super::read::at_line(path, e.line() as u64);
            let message = format!("not a GeoJSON FeatureCollection: {e}");
            report.problems.push(Problem::at(&location, None, message));
            return report;
        }
    };
    let mut seen = std::collections::HashMap::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let location = format!("{path}: feature {index}");
        let read = read_feature(feature, gazetteer, rules);
        let named = |i: Issue| Problem::at(&location, Some(i.field.geojson()), i.error.to_string());
        report.warnings.extend(read.warnings.into_iter().map(named));
        let (event, mut issues) = match read.event {
            Ok(e) => (Some(e), Vec::new()),
            Err(issues) => (None, issues),
        };
        let id = read.id.trim();
        if !id.is_empty() {
            if let Some(first) = seen.insert(id.to_string(), index) {
                let error = Invalid::DuplicateId {
                    id: id.to_string(),
                    first,
                };
                issues.push(Issue::new(Field::Id, error));
            }
        }
        match event {
            Some(e) if issues.is_empty() => report.events.push(e),
            _ => report.rejected += 1,
        }
        report.problems.extend(issues.into_iter().map(named));
    }
    report
}

/// One feature read and checked: what every GeoJSON input (a file's
/// features, an edit sent over HTTP) goes through.
#[derive(Debug)]
pub struct FeatureRead {
    /// The id as given (`""` when none).
    pub id: String,
    /// The event, or every problem by field, sorted.
    pub event: Result<Event, Vec<Issue>>,
    pub warnings: Vec<Issue>,
}

/// Reads one feature into a [`Draft`] and [`validate`]s it. A value the
/// reader could not take is not reported again as missing.
#[must_use]
pub fn read_feature(feature: &Feature, gazetteer: &Gazetteer, rules: Rules) -> FeatureRead {
    let (draft, mut issues) = draft_of(feature);
    let checked = validate(&draft, gazetteer, rules);
    let event = match checked.event {
        Ok(event) if issues.is_empty() => Ok(event),
        Ok(_) => Err(issues),
        Err(mut found) => {
            let taken: Vec<&str> = issues.iter().map(|i| i.field.geojson()).collect();
            found.retain(|i| !taken.contains(&i.field.geojson()));
            issues.append(&mut found);
            issues.sort_by_key(|i| i.field);
            Err(issues)
        }
    };
    FeatureRead {
        id: draft.id,
        event,
        warnings: checked.warnings,
    }
}

/// The properties the GeoJSON reader takes from a feature.
pub const READ_PROPERTIES: [&str; 18] = [
    "id",
    "date",
    "date_precision",
    "end_date",
    "type",
    "event_type",
    "places",
    "origin",
    "destination",
    "counts",
    "sources",
    "source_url",
    "actors",
    "notes",
    "aggregate",
    "place",
    "country",
    "radius_m",
];

/// The properties scamatlas writes for readers' convenience and works out
/// again from the others on reading (`persons_best` from `counts`, ...).
pub const DERIVED_PROPERTIES: [&str; 6] = [
    "start",
    "end",
    "place_ids",
    "place_names",
    "persons_best",
    "source_urls",
];

/// A feature as a draft, with what could not be read from it: properties of
/// the wrong JSON type, records that do not parse.
pub(super) fn draft_of(feature: &Feature) -> (Draft, Vec<Issue>) {
    let empty = JsonObject::new();
    let mut props = Properties {
        props: feature.properties.as_ref().unwrap_or(&empty),
        issues: Vec::new(),
    };
    let id = match &feature.id {
        Some(geojson::feature::Id::String(s)) => s.clone(),
        Some(geojson::feature::Id::Number(n)) => n.to_string(),
        None => props.text("id", Field::Id),
    };
    let event_type = match props.text("type", Field::EventType) {
        t if t.trim().is_empty() => props.text("event_type", Field::EventType),
        t => t,
    };
    let places: Vec<EventPlace> = props.record("places", Field::Places).unwrap_or_default();
    let mut draft = Draft {
        id,
        date: props.text("date", Field::Date),
        date_precision: props.text("date_precision", Field::DatePrecision),
        end_date: props.text("end_date", Field::Date),
        event_type,
        origin: props.record("origin", Field::Origin).map(PlaceDraft::Given),
        destination: props
            .record("destination", Field::Destination)
            .map(PlaceDraft::Given),
        counts: props.counts(),
        sources: props.sources(),
        actors: props.record("actors", Field::Actors).unwrap_or_default(),
        notes: props.text("notes", Field::Notes),
        aggregate: props.record("aggregate", Field::Aggregate).unwrap_or(false),
        ..Draft::default()
    };
    draft.source.url = props.text("source_url", Field::SourceUrl);
    if places.is_empty() && props.props.get("places").is_none_or(|v| v.is_null()) {
        // A plain point layer (the geometry, named by `place` and with a
        // radius), or place names to resolve, as in a CSV row.
        draft.points = points_of(feature)
            .map_err(|e| props.fail(Field::Coordinates, e))
            .unwrap_or_default();
        draft.place = props.text("place", Field::Place);
        draft.country = props.text("country", Field::Place);
        draft.radius_m = props.text("radius_m", Field::RadiusM);
    }
    draft.places = places;
    (draft, props.issues)
}

/// A feature's properties, read by field, with what could not be read.
struct Properties<'a> {
    props: &'a JsonObject,
    issues: Vec<Issue>,
}

impl Properties<'_> {
    /// What the JSON reader could not take.
    fn fail(&mut self, field: Field, error: Invalid) {
        self.issues.push(Issue::new(field, error));
    }

    /// A text or number property as text; "" when absent or null.
    fn text(&mut self, name: &str, field: Field) -> String {
        scalar(self.props.get(name)).unwrap_or_else(|e| {
            self.fail(field, e);
            String::new()
        })
    }

    /// `counts`: each `{"kind", "low", "best", "high"}`, as text.
    fn counts(&mut self) -> Vec<CountDraft> {
        self.records("counts", Field::Counts, |text| CountDraft {
            best: text("best"),
            low: text("low"),
            high: text("high"),
            kind: text("kind"),
        })
    }

    /// `sources`: each `{"url", "publisher", "date", "count", "count_kind"}`, as text.
    fn sources(&mut self) -> Vec<SourceDraft> {
        self.records("sources", Field::Sources, |text| SourceDraft {
            url: text("url"),
            publisher: text("publisher"),
            date: text("date"),
            count: text("count"),
            count_kind: text("count_kind"),
        })
    }

    /// A list of objects, each read by `read` from its members as text.
    fn records<T>(
        &mut self,
        name: &str,
        field: Field,
        read: impl Fn(&mut dyn FnMut(&str) -> String) -> T,
    ) -> Vec<T> {
        let records: Vec<JsonObject> = self.record(name, field).unwrap_or_default();
        let mut out = Vec::with_capacity(records.len());
        for r in &records {
            let mut text = |member: &str| {
                scalar(r.get(member)).unwrap_or_else(|e| {
                    let error = match e {
                        Invalid::NotText { value, .. } => Invalid::NotText {
                            member: Some(member.to_string()),
                            value,
                        },
                        other => other,
                    };
                    self.fail(field, error);
                    String::new()
                })
            };
            out.push(read(&mut text));
        }
        out
    }

    /// A property read whole (`places`, `counts`, ...); `None` when absent,
    /// null, or not of its type.
    fn record<T: serde::de::DeserializeOwned>(&mut self, name: &str, field: Field) -> Option<T> {
        let value = self.props.get(name).filter(|v| !v.is_null())?;
        T::deserialize(value)
            .map_err(|e| self.fail(field, Invalid::Json(e.to_string())))
            .ok()
    }
}

/// A text or number as text; "" when absent or null.
fn scalar(value: Option<&serde_json::Value>) -> Result<String, Invalid> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(String::new()),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(Invalid::NotText {
            member: None,
            value: other.to_string(),
        }),
    }
}

/// The positions of a Point or MultiPoint, as written.
fn points_of(feature: &Feature) -> Result<Vec<PointDraft>, Invalid> {
    let point = |p: &Vec<f64>| match p.as_slice() {
        [lon, lat, ..] => Ok(PointDraft {
            lon: lon.to_string(),
            lat: lat.to_string(),
        }),
        _ => Err(Invalid::Geometry("a position has fewer than two numbers")),
    };
    match feature.geometry.as_ref().map(|g| &g.value) {
        Some(Value::Point(p)) => Ok(vec![point(p)?]),
        Some(Value::MultiPoint(ps)) => ps.iter().map(point).collect(),
        Some(_) => Err(Invalid::Geometry(
            "only Point and MultiPoint events are read",
        )),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::synthetic;

    /// Synthetic events, and variants of them with everything that makes
    /// JSON writing hard: strings to escape, several scripts, several places,
    /// origin and destination, coarse and out-of-range dates, and numbers at
    /// their limits.
    fn awkward_events() -> Vec<Event> {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let mut events = synthetic::events(200, 11);
        let texts = [
            "quote \" backslash \\ slash /",
            "tab\tnewline\ncarriage\rbell\u{7}unit\u{1f}",
            "မြဝတီ 妙瓦底 ห้วยกุ๊ก 🚩 \u{2028} line separator",
            "",
        ];
        for (i, e) in events.iter_mut().enumerate() {
            let text = texts[i % texts.len()];
            match i % 5 {
                0 => {
                    e.notes = text.into();
                    e.actors = vec![text.into(), "police".into()];
                    e.places[0].name = text.into();
                    e.places[0].resolution = text.into();
                }
                1 => {
                    let mut other = e.places[0].clone();
                    other.id = Some(format!("gn:{i}").into());
                    other.point = LonLat::new(-179.999_999_5, -0.0).expect("point");
                    other.radius_m = 0.1 + 0.2;
                    e.places.push(other.clone());
                    e.origin = Some(Box::new(other.clone()));
                    e.destination = Some(Box::new(other));
                    e.date.precision = DatePrecision::Month;
                    e.date.start = day(2024, 2, 1);
                    e.date.end = None;
                }
                2 => {
                    e.date = EventDate {
                        start: day(-44, 3, 15),
                        precision: DatePrecision::Year,
                        end: Some(day(10_000, 1, 1)),
                    };
                    e.sources[0].date = Some(day(12_345, 6, 7));
                    e.sources[0].publisher = Some(text.into());
                    e.sources[0].count = Some(u64::MAX);
                    e.sources[0].count_kind = Some(super::super::CountKind::Rescued);
                }
                3 => {
                    e.counts[0].high = u64::MAX;
                    e.aggregate = true;
                    e.date.end = Some(day(2025, 12, 31));
                    e.sources.push(e.sources[0].clone());
                    e.sources[1].url = format!("https://example.org/{text}");
                }
                _ => e.places[0].radius_m = f64::NAN,
            }
        }
        events
    }

    #[test]
    fn features_are_json_with_the_model_in_them_and_read_back_the_same() {
        let events = awkward_events();
        let mut out = Vec::new();
        write_geojson(&events, &mut out).unwrap();
        let written: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        let features = written["features"].as_array().expect("features");
        assert_eq!(features.len(), events.len());
        let model = |v: &dyn erased::Model| v.value();
        for (f, e) in features.iter().zip(&events) {
            let p = &f["properties"];
            // The nested parts are exactly what serde makes of the model.
            assert_eq!(p["places"], model(&e.places), "{}", e.id);
            assert_eq!(p["counts"], model(&e.counts), "{}", e.id);
            assert_eq!(p["sources"], model(&e.sources), "{}", e.id);
            assert_eq!(p["origin"], model(&e.origin), "{}", e.id);
            assert_eq!(p["destination"], model(&e.destination), "{}", e.id);
            assert_eq!(p["actors"], model(&e.actors), "{}", e.id);
            assert_eq!(p["notes"], e.notes.as_str());
            // The flat columns are the model's own texts and numbers.
            assert_eq!(f["id"], e.id.as_str());
            assert_eq!(p["date"], e.date.to_string());
            assert_eq!(p["start"], e.date.first_day().to_string());
            assert_eq!(p["end"], e.date.last_day().to_string());
            assert_eq!(p["end_date"], model(&e.date.end.map(|d| d.to_string())));
            assert_eq!(p["date_precision"], model(&e.date.precision));
            assert_eq!(p["type"], model(&e.event_type));
            assert_eq!(p["aggregate"], e.aggregate);
            assert_eq!(p["persons_best"], e.persons_best().min(i64::MAX as u64));
            let names: Vec<&str> = e.places.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(p["place_names"], names.join(";"));
            let points: Vec<[f64; 2]> = e
                .places
                .iter()
                .map(|p| [round(p.point.lon), round(p.point.lat)])
                .collect();
            match points.as_slice() {
                [one] => assert_eq!(
                    f["geometry"],
                    serde_json::json!({"type": "Point", "coordinates": one})
                ),
                many => assert_eq!(
                    f["geometry"],
                    serde_json::json!({"type": "MultiPoint", "coordinates": many})
                ),
            }
        }
        // And everything comes back when read, but for what the reader
        // refuses by design: a NaN radius (JSON has no NaN: it is written as
        // null) and years beyond 0-9999.
        let text = String::from_utf8(out).expect("UTF-8");
        let gazetteer = crate::gazetteer::Gazetteer::bundled().expect("gazetteer");
        let report = read_geojson("written.geojson", &text, &gazetteer, Rules::default());
        let year_ok = |d: NaiveDate| (0..=9999).contains(&d.year());
        let comparable = |e: &Event| {
            !e.places.iter().any(|p| p.radius_m.is_nan())
                && year_ok(e.date.start)
                && e.date.end.is_none_or(year_ok)
                && e.sources.iter().all(|s| s.date.is_none_or(year_ok))
        };
        let expected: Vec<&Event> = events.iter().filter(|e| comparable(e)).collect();
        let read: Vec<&Event> = report.events.iter().filter(|e| comparable(e)).collect();
        let refused: Vec<_> = report
            .problems
            .iter()
            .filter(|p| !p.message.contains("bad year"))
            .collect();
        assert_eq!(read.len(), expected.len(), "{refused:?}");
        for (r, e) in read.iter().zip(&expected) {
            assert_eq!(r, e);
        }
    }

    #[test]
    fn an_event_as_a_draft_validates_back_to_itself() {
        // What `events edit` starts from: the stored event through the reader.
        let gazetteer = crate::gazetteer::Gazetteer::bundled().expect("gazetteer");
        let bundled = crate::events::read_input(
            &crate::events::EventInput::Bundled,
            &gazetteer,
            Rules::default(),
        )
        .expect("bundled");
        let year_ok = |d: NaiveDate| (0..=9999).contains(&d.year());
        let mut events = awkward_events();
        events.retain(|e| {
            !e.places.iter().any(|p| p.radius_m.is_nan())
                && year_ok(e.date.start)
                && e.date.end.is_none_or(year_ok)
                && e.sources.iter().all(|s| s.date.is_none_or(year_ok))
        });
        events.extend(bundled.events);
        for event in &events {
            let draft = Draft::from_event(event);
            let back = validate(&draft, &gazetteer, Rules::default()).event;
            assert_eq!(back.as_ref(), Ok(event), "{}", event.id);
        }
    }

    /// What serde makes of anything serialisable, read back from its text
    /// (so that floats are parsed as the written ones are), behind one trait
    /// object type so the assertions above read as a table.
    mod erased {
        pub trait Model {
            fn value(&self) -> serde_json::Value;
        }

        impl<T: serde::Serialize> Model for T {
            fn value(&self) -> serde_json::Value {
                let text = serde_json::to_string(self).expect("serialisable");
                serde_json::from_str(&text).expect("JSON")
            }
        }
    }

    #[test]
    fn features_written_in_chunks_are_the_features_in_order() {
        // Several writes of WRITE_BYTES each, and positions without an event.
        let events = synthetic::events(500, 4);
        let kept = |i: usize| (i % 7 != 3).then(|| &events[i]);
        let mut out = Vec::new();
        write_geojson_with(events.len(), kept, &mut out).unwrap();
        assert!(out.len() > 3 * WRITE_BYTES, "{} bytes", out.len());
        let mut expected = br#"{"type":"FeatureCollection","features":["#.to_vec();
        for (i, event) in (0..events.len()).filter_map(kept).enumerate() {
            if i > 0 {
                expected.push(b',');
            }
            write_feature(event, &mut expected);
        }
        expected.extend_from_slice(b"]}");
        assert!(
            out == expected,
            "the features in order, one comma between each"
        );
        let mut empty = Vec::new();
        write_geojson(&[], &mut empty).unwrap();
        assert_eq!(empty, br#"{"type":"FeatureCollection","features":[]}"#);
    }
}
