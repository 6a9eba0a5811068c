//! Events as CSV in the format [`read_csv`](super::read_csv) reads: one row per
//! source claim, rows of one event sharing its id, place names as written (they
//! resolve again on reading) with the first place's coordinates beside them.

use super::Event;

const HEADER: [&str; 22] = [
    "id",
    "date",
    "date_precision",
    "end_date",
    "event_type",
    "place",
    "lat",
    "lon",
    "radius_m",
    "origin",
    "destination",
    "persons_count",
    "count_low",
    "count_high",
    "count_kind",
    "aggregate",
    "actor",
    "summary",
    "source_url",
    "publisher",
    "source_date",
    "place_ids",
];

/// The events as CSV text.
///
/// # Errors
/// Only if the CSV writer fails, which writing to memory does not.
pub fn write_csv(events: &[&Event]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    for e in events {
        let first = e.places.first();
        let places: Vec<&str> = e.places.iter().map(|p| p.name.as_str()).collect();
        let ids: Vec<&str> = e
            .places
            .iter()
            .map(|p| p.id.as_deref().unwrap_or(""))
            .collect();
        let (precision, end) = (
            e.date.precision.as_str(),
            e.date.end.map(|d| d.to_string()).unwrap_or_default(),
        );
        for (i, source) in e.sources.iter().enumerate() {
            // The first row carries the event's best figure; later rows their own claim.
            let count = if i == 0 {
                e.counts.first().map(|c| c.best)
            } else {
                source.count
            };
            let kind = e.counts.first().map(|c| c.kind.as_str()).unwrap_or("");
            let (low, high) = match (i, e.counts.first()) {
                (0, Some(c)) => (c.low.to_string(), c.high.to_string()),
                _ => (String::new(), String::new()),
            };
            w.write_record([
                e.id.as_str(),
                &e.date.to_string(),
                precision,
                &end,
                e.event_type.as_str(),
                &places.join("; "),
                &first
                    .map(|p| format!("{:.6}", p.point.lat))
                    .unwrap_or_default(),
                &first
                    .map(|p| format!("{:.6}", p.point.lon))
                    .unwrap_or_default(),
                &first
                    .map(|p| format!("{:.0}", p.radius_m))
                    .unwrap_or_default(),
                e.origin.as_ref().map_or("", |p| p.name.as_str()),
                e.destination.as_ref().map_or("", |p| p.name.as_str()),
                &count.map(|c| c.to_string()).unwrap_or_default(),
                &low,
                &high,
                if count.is_some() { kind } else { "" },
                if e.aggregate { "yes" } else { "" },
                &e.actors.join("; "),
                if i == 0 { e.notes.as_str() } else { "" },
                &source.url,
                source.publisher.as_deref().unwrap_or(""),
                &source.date.map(|d| d.to_string()).unwrap_or_default(),
                &ids.join(";"),
            ])?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
