//! Events as GeoJSON (RFC 7946) and back.
//!
//! Each event is a Feature with a string `id`: a Point for one place, a
//! MultiPoint for several. Flat properties (`date`, `type`, `start`, `end`,
//! `persons_best`, `place_ids`, `source_urls`, ...) keep one JSON type each, so
//! GIS software reads them as columns; nested arrays (`places`, `counts`,
//! `sources`) carry the full record, so nothing is lost on the way back.

use chrono::{Datelike, NaiveDate};
use geojson::{Feature, FeatureCollection, JsonObject, Value};

use super::read::{Problem, ReadReport};
use super::{Count, DatePrecision, Event, EventDate, EventPlace, EventType, Source};
use crate::geom::{round_coord as round, LonLat};

/// Writes the GeoJSON Feature of one event as compact JSON, field by field:
/// the one place that says what an event's feature holds, used both by
/// [`write_geojson`] and, parsed back, by [`event_to_feature`].
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

/// Events one thread serialises at a time in [`write_geojson`].
const BLOCK: usize = 2_048;

/// Writes events as one GeoJSON FeatureCollection, straight from the model:
/// the same features as [`events_to_geojson`], without building JSON values.
///
/// Large collections are serialised in blocks on all cores, then written in
/// order, so the output is the same byte for byte as on one thread.
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
/// (decoded from a packed store, say), on all cores; positions where it gives
/// `None` are left out.
///
/// # Errors
/// Only what `out` reports.
pub fn write_geojson_with<E, W>(
    len: usize,
    event: impl Fn(usize) -> Option<E> + Sync,
    mut out: W,
) -> std::io::Result<()>
where
    E: std::borrow::Borrow<Event>,
    W: std::io::Write,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let event = &event;
    let block = |range: std::ops::Range<usize>| write_block(range.len(), range.filter_map(event));
    out.write_all(br#"{"type":"FeatureCollection","features":["#)?;
    let mut first = true;
    for round in (0..len).step_by(BLOCK * threads) {
        let batch = round..len.min(round + BLOCK * threads);
        let blocks = if batch.len() <= BLOCK {
            vec![block(batch)?]
        } else {
            std::thread::scope(|scope| {
                let workers: Vec<_> = batch
                    .step_by(BLOCK)
                    .map(|start| scope.spawn(move || block(start..len.min(start + BLOCK))))
                    .collect();
                workers
                    .into_iter()
                    .map(|w| {
                        w.join().unwrap_or_else(|_| {
                            Err(std::io::Error::other("a GeoJSON writer thread panicked"))
                        })
                    })
                    .collect::<std::io::Result<Vec<_>>>()
            })?
        };
        for block in blocks.iter().filter(|b| !b.is_empty()) {
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            out.write_all(block)?;
        }
    }
    out.write_all(b"]}")
}

/// Comma-separated features of `events`, about `len` of them.
fn write_block<E: std::borrow::Borrow<Event>>(
    len: usize,
    events: impl Iterator<Item = E>,
) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(len * 768);
    for (i, event) in events.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        write_feature(event.borrow(), &mut buf);
    }
    Ok(buf)
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
pub fn read_geojson(path: &str, text: &str) -> ReadReport {
    let mut report = ReadReport::default();
    let collection: FeatureCollection = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            report.problems.push(Problem {
                location: format!("{path}:{}", e.line()),
                field: None,
                message: format!("not a GeoJSON FeatureCollection: {e}"),
            });
            return report;
        }
    };
    let mut seen = std::collections::HashMap::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let location = format!("{path}: feature {index}");
        let mut problems = Vec::new();
        let event = read_feature(feature, &location, &mut problems);
        if let Some(e) = &event {
            if let Some(first) = seen.insert(e.id.clone(), index) {
                problems.push(Problem {
                    location: location.clone(),
                    field: Some("id".into()),
                    message: format!("{:?} is already the id of feature {first}", e.id),
                });
            }
        }
        match event {
            Some(e) if problems.is_empty() => report.events.push(e),
            _ => report.rejected += 1,
        }
        report.problems.extend(problems);
    }
    report
}

fn read_feature(feature: &Feature, location: &str, problems: &mut Vec<Problem>) -> Option<Event> {
    let empty = JsonObject::new();
    let props = feature.properties.as_ref().unwrap_or(&empty);
    let mut fail = |field: &str, message: String| {
        problems.push(Problem {
            location: location.to_string(),
            field: Some(field.into()),
            message,
        });
    };
    let text = |name: &str| {
        props
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };

    let id = match (&feature.id, text("id")) {
        (Some(geojson::feature::Id::String(s)), _) => Some(s.clone()),
        (Some(geojson::feature::Id::Number(n)), _) => Some(n.to_string()),
        (None, Some(s)) => Some(s.to_string()),
        (None, None) => {
            fail("id", "missing: give the feature an id".into());
            None
        }
    };
    let precision = match text("date_precision") {
        None => None,
        Some(p) => p
            .parse::<DatePrecision>()
            .map_err(|e| fail("date_precision", e))
            .ok(),
    };
    let date = match text("date") {
        None => {
            fail("date", "missing".into());
            None
        }
        Some(d) => EventDate::parse(d, precision, text("end_date"))
            .map_err(|e| fail("date", e))
            .ok(),
    };
    let event_type = match text("type").or_else(|| text("event_type")) {
        None => {
            fail("type", "missing".into());
            None
        }
        Some(t) => t.parse::<EventType>().map_err(|e| fail("type", e)).ok(),
    };

    let typed = |name: &str| props.get(name).filter(|v| !v.is_null()).cloned();
    let places: Vec<EventPlace> = match typed("places") {
        Some(v) => serde_json::from_value(v)
            .map_err(|e| fail("places", e.to_string()))
            .unwrap_or_default(),
        None => points_of(feature)
            .map_err(|e| fail("geometry", e))
            .unwrap_or_default()
            .into_iter()
            .map(|point| EventPlace {
                id: None,
                name: text("place").unwrap_or_default().into(),
                point,
                radius_m: props
                    .get("radius_m")
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0),
                resolution: "coordinates given".into(),
            })
            .collect(),
    };
    if places.is_empty() {
        fail(
            "geometry",
            "the event has no place: give a Point or MultiPoint".into(),
        );
    }
    for p in &places {
        if LonLat::new(p.point.lon, p.point.lat).is_err() || p.radius_m.is_nan() || p.radius_m < 0.0
        {
            fail(
                "places",
                format!(
                    "{:?} has coordinates off the globe or a negative radius",
                    p.name
                ),
            );
        }
    }
    let place = |name: &str, fail: &mut dyn FnMut(&str, String)| -> Option<EventPlace> {
        typed(name).and_then(|v| {
            serde_json::from_value(v)
                .map_err(|e| fail(name, e.to_string()))
                .ok()
        })
    };
    let origin = place("origin", &mut fail);
    let destination = place("destination", &mut fail);
    let counts: Vec<Count> = typed("counts")
        .map(|v| {
            serde_json::from_value(v)
                .map_err(|e| fail("counts", e.to_string()))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    for c in &counts {
        if !(c.low <= c.best && c.best <= c.high) {
            fail(
                "counts",
                format!(
                    "{}: low {} <= best {} <= high {} does not hold",
                    c.kind.as_str(),
                    c.low,
                    c.best,
                    c.high
                ),
            );
        }
    }
    let sources: Vec<Source> = match (typed("sources"), text("source_url")) {
        (Some(v), _) => serde_json::from_value(v)
            .map_err(|e| fail("sources", e.to_string()))
            .unwrap_or_default(),
        (None, Some(url)) => vec![Source {
            url: url.to_string(),
            publisher: None,
            date: None,
            count: None,
            count_kind: None,
        }],
        (None, None) => Vec::new(),
    };
    if sources.is_empty() {
        fail(
            "sources",
            "missing: every event names its source (sources or source_url)".into(),
        );
    }
    for s in &sources {
        if !super::is_source_url(&s.url) {
            fail(
                "sources",
                format!("{:?} is not an http(s) or file:// URL", s.url),
            );
        }
    }
    let actors: Vec<String> = typed("actors")
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    Some(Event {
        id: id?.into(),
        date: date?,
        event_type: event_type?,
        places,
        origin: origin.map(Box::new),
        destination: destination.map(Box::new),
        counts,
        sources,
        actors,
        notes: text("notes").unwrap_or_default().to_string(),
        aggregate: props
            .get("aggregate")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    })
}

fn points_of(feature: &Feature) -> Result<Vec<LonLat>, String> {
    let point = |p: &Vec<f64>| match p.as_slice() {
        [lon, lat, ..] => LonLat::new(*lon, *lat).map_err(|e| e.to_string()),
        _ => Err("a position has fewer than two numbers".to_string()),
    };
    match feature.geometry.as_ref().map(|g| &g.value) {
        Some(Value::Point(p)) => Ok(vec![point(p)?]),
        Some(Value::MultiPoint(ps)) => ps.iter().map(point).collect(),
        Some(_) => Err("only Point and MultiPoint events are read".into()),
        None => Err("missing".into()),
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
        let report = read_geojson("written.geojson", &text);
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
    fn blocks_written_in_parallel_match_the_features_in_order() {
        // More than one round of blocks on any machine with up to 8 cores.
        let events = synthetic::events(BLOCK * 9 + 17, 4);
        let mut out = Vec::new();
        write_geojson(&events, &mut out).unwrap();
        let mut expected = br#"{"type":"FeatureCollection","features":["#.to_vec();
        for (i, event) in events.iter().enumerate() {
            if i > 0 {
                expected.push(b',');
            }
            write_feature(event, &mut expected);
        }
        expected.extend_from_slice(b"]}");
        assert!(out == expected, "the same bytes as written on one thread");
        let mut empty = Vec::new();
        write_geojson(&[], &mut empty).unwrap();
        assert_eq!(empty, br#"{"type":"FeatureCollection","features":[]}"#);
    }
}
