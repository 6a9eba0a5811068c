//! Events as GeoJSON (RFC 7946) and back.
//!
//! Each event is a Feature with a string `id`: a Point for one place, a
//! MultiPoint for several. Flat properties (`date`, `type`, `start`, `end`,
//! `persons_best`, `place_ids`, `source_urls`, ...) keep one JSON type each, so
//! GIS software reads them as columns; nested arrays (`places`, `counts`,
//! `sources`) carry the full record, so nothing is lost on the way back.

use chrono::NaiveDate;
use geojson::{Feature, FeatureCollection, JsonObject, Value};
use serde::Serialize;

use super::read::{Problem, ReadReport};
use super::{Count, DatePrecision, Event, EventDate, EventPlace, EventType, Source};
use crate::geom::LonLat;

const DECIMALS: f64 = 1e6;

fn round(v: f64) -> f64 {
    (v * DECIMALS).round() / DECIMALS
}

/// The GeoJSON of one event, borrowed from the event: serialised directly
/// by [`write_geojson`] and turned into a [`Feature`] by [`event_to_feature`],
/// so both write the same thing.
#[derive(Serialize)]
struct FeatureView<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: GeometryView,
    properties: PropertiesView<'a>,
}

#[derive(Serialize)]
struct GeometryView {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: Coordinates,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Coordinates {
    One([f64; 2]),
    Many(Vec<[f64; 2]>),
}

#[derive(Serialize)]
struct PropertiesView<'a> {
    id: &'a str,
    date: Text<EventDate>,
    date_precision: DatePrecision,
    start: Text<NaiveDate>,
    end: Text<NaiveDate>,
    end_date: Option<Text<NaiveDate>>,
    #[serde(rename = "type")]
    event_type: EventType,
    place_ids: Joined<'a, EventPlace>,
    place_names: Joined<'a, EventPlace>,
    radius_m: i64,
    persons_best: i64,
    aggregate: bool,
    source_urls: Joined<'a, Source>,
    places: &'a [EventPlace],
    origin: &'a Option<Box<EventPlace>>,
    destination: &'a Option<Box<EventPlace>>,
    counts: &'a [Count],
    sources: &'a [Source],
    actors: &'a [String],
    notes: &'a str,
}

/// A value written as its `Display` text, without an intermediate `String`.
struct Text<T>(T);

impl<T: std::fmt::Display> Serialize for Text<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// One string field of each item, joined by a separator, written as one
/// JSON string without building it first.
struct Joined<'a, T>(&'a [T], &'static str, fn(&T) -> &str);

impl<T> std::fmt::Display for Joined<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            f.write_str((self.2)(item))?;
        }
        Ok(())
    }
}

impl<T> Serialize for Joined<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn position(p: LonLat) -> [f64; 2] {
    [round(p.lon), round(p.lat)]
}

impl<'a> FeatureView<'a> {
    fn new(event: &'a Event) -> Self {
        let (kind, coordinates) = match event.places.as_slice() {
            [one] => ("Point", Coordinates::One(position(one.point))),
            many => (
                "MultiPoint",
                Coordinates::Many(many.iter().map(|p| position(p.point)).collect()),
            ),
        };
        FeatureView {
            kind: "Feature",
            id: &event.id,
            geometry: GeometryView { kind, coordinates },
            properties: PropertiesView {
                id: &event.id,
                date: Text(event.date),
                date_precision: event.date.precision,
                start: Text(event.date.first_day()),
                end: Text(event.date.last_day()),
                end_date: event.date.end.map(Text),
                event_type: event.event_type,
                place_ids: Joined(&event.places, ";", |p| p.id.as_deref().unwrap_or("")),
                place_names: Joined(&event.places, ";", |p| &p.name),
                radius_m: event.radius_m().round() as i64,
                persons_best: i64::try_from(event.persons_best()).unwrap_or(i64::MAX),
                aggregate: event.aggregate,
                source_urls: Joined(&event.sources, " ", |s| &s.url),
                places: &event.places,
                origin: &event.origin,
                destination: &event.destination,
                counts: &event.counts,
                sources: &event.sources,
                actors: &event.actors,
                notes: &event.notes,
            },
        }
    }
}

/// One event as a Feature.
#[must_use]
pub fn event_to_feature(event: &Event) -> Feature {
    serde_json::to_value(FeatureView::new(event))
        .ok()
        .and_then(|v| Feature::from_json_value(v).ok())
        .unwrap_or_else(|| Feature {
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
        serde_json::to_writer(&mut buf, &FeatureView::new(event.borrow()))?;
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

    #[test]
    fn blocks_written_in_parallel_match_the_features_in_order() {
        // More than one round of blocks on any machine with up to 8 cores.
        let events = synthetic::events(BLOCK * 9 + 17, 4);
        let mut out = Vec::new();
        write_geojson(&events, &mut out).unwrap();
        let written: serde_json::Value = serde_json::from_slice(&out).unwrap();
        // Both sides parsed from text, so that floats parse the same way.
        let text = serde_json::to_vec(&events_to_geojson(&events)).unwrap();
        let expected: serde_json::Value = serde_json::from_slice(&text).unwrap();
        let (written, expected) = (
            written["features"].as_array().unwrap(),
            expected["features"].as_array().unwrap(),
        );
        assert_eq!(written.len(), events.len());
        for (w, e) in written.iter().zip(expected) {
            assert_eq!(w, e);
        }
        let mut empty = Vec::new();
        write_geojson(&[], &mut empty).unwrap();
        assert_eq!(empty, br#"{"type":"FeatureCollection","features":[]}"#);
    }
}
