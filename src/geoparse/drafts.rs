//! Draft events: one per count of people that has an event type, for an
//! analyst to review before it joins the data.
//!
//! A draft takes its date from the sentence of the count (a running total
//! takes the article's date, when it is known), its place from the nearest
//! place named in that sentence (else the place the article names most), the
//! destination of a movement from "to X", and the sentence itself as
//! evidence, quoted in the notes with its character offsets. Every draft is
//! marked as such in its id and notes, and names its source.

use std::collections::HashMap;

use super::counts::CountMention;
use super::{Document, Mention};
use crate::events::{Count, DatePrecision, Event, EventDate, EventPlace, Source};
use crate::gazetteer::Kind;

/// Where drafts come from and how they are named.
#[derive(Debug, Clone)]
pub struct DraftOptions {
    /// The source every draft names: the article's URL, or `file://` and its path.
    pub source_url: String,
    pub publisher: Option<String>,
    /// Ids are `<prefix>-01`, `<prefix>-02`, ...
    pub id_prefix: String,
}

/// Longest evidence quoted in a draft's notes, in characters.
const MAX_EVIDENCE_CHARS: usize = 400;

/// `text` in double quotes, readable in every script: only quotes,
/// backslashes and control characters are escaped. (`{:?}` would also escape
/// the vowel signs of Burmese and Thai, which are combining characters.)
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The draft events of a parsed document; and, for each count left without a
/// draft, why.
#[must_use]
pub fn drafts(doc: &Document<'_>, text: &str, options: &DraftOptions) -> (Vec<Event>, Vec<String>) {
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    let main_place = main_place(&doc.mentions);
    for count in &doc.counts {
        let Some(event_type) = count.event_type else {
            skipped.push(format!(
                "{} (character {}): no event type in its sentence",
                quoted(&count.text),
                count.start
            ));
            continue;
        };
        let Some((date, date_note)) = date_for(doc, count) else {
            skipped.push(format!(
                "{} (character {}): no date in its sentence and no article date (give --date)",
                quoted(&count.text),
                count.start
            ));
            continue;
        };
        let place_index = count
            .place
            .filter(|&i| Some(i) != count.destination)
            .or(main_place.filter(|&i| Some(i) != count.destination));
        let Some(place_mention) = place_index.map(|i| &doc.mentions[i]) else {
            skipped.push(format!(
                "{} (character {}): no place to put it",
                quoted(&count.text),
                count.start
            ));
            continue;
        };
        let Some(place) = event_place(place_mention) else {
            continue;
        };
        let destination = count
            .destination
            .and_then(|i| event_place(&doc.mentions[i]))
            .filter(|_| event_type.is_movement());
        let origin = destination.as_ref().map(|_| place.clone());
        let notes = notes(text, count, place_mention, destination.as_ref(), &date_note);
        let n = events.len() + 1;
        events.push(Event {
            id: format!("{}-{n:02}", options.id_prefix).into(),
            date,
            event_type,
            places: vec![place],
            origin: origin.map(Box::new),
            destination: destination.map(Box::new),
            counts: vec![Count {
                kind: count.kind,
                low: count.value,
                best: count.value,
                high: count.value,
            }],
            sources: vec![Source {
                url: options.source_url.clone(),
                publisher: options.publisher.clone(),
                date: doc.article_date,
                count: Some(count.value),
                count_kind: Some(count.kind),
            }],
            actors: Vec::new(),
            notes,
            aggregate: count.cumulative,
        });
    }
    (events, skipped)
}

/// A draft's notes: the evidence, the count, where its type, place and
/// destination come from, and its date.
fn notes(
    text: &str,
    count: &CountMention,
    place_mention: &Mention<'_>,
    destination: Option<&EventPlace>,
    date_note: &str,
) -> String {
    let evidence = evidence(text, count);
    format!(
        "DRAFT from scamatlas geoparse, not reviewed: \"{evidence}\" (characters {}-{}); count {}{}; type from {}; place {} ({}, confidence {:.2}){}; {date_note}",
        char_offset(text, count.sentence.0),
        char_offset(text, count.sentence.1),
        quoted(&count.text),
        count
            .qualifier
            .as_ref()
            .map(|q| format!(" (\"{q}\": a bound, not an exact figure)"))
            .unwrap_or_default(),
        quoted(count.cue.as_deref().unwrap_or("")),
        quoted(&place_mention.text),
        place_mention.reason,
        place_mention.confidence,
        destination
            .map(|d| format!("; destination {}", quoted(&d.name)))
            .unwrap_or_default(),
    )
}

/// The place an article names most (organisation names aside), the most
/// specific first among equals: the fallback place of a draft.
fn main_place(mentions: &[Mention<'_>]) -> Option<usize> {
    let mut tally: HashMap<&str, (usize, usize, f64)> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        let Some(p) = m.place else { continue };
        if m.organisation.is_some() || p.kind == Kind::Line {
            continue;
        }
        let e = tally.entry(p.id.as_str()).or_insert((0, i, p.radius_m));
        e.0 += 1;
    }
    tally
        .into_values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(b.1.cmp(&a.1)))
        .map(|(_, i, _)| i)
}

fn event_place(m: &Mention<'_>) -> Option<EventPlace> {
    let place = m.place?;
    Some(EventPlace {
        id: Some(place.id.as_str().into()),
        name: m.text.as_str().into(),
        point: m.point.unwrap_or(place.point),
        radius_m: place.radius_m,
        resolution: format!("geoparse: {}", m.reason).into(),
    })
}

/// The draft's date and a note on where it came from.
fn date_for(doc: &Document<'_>, count: &CountMention) -> Option<(EventDate, String)> {
    let in_sentence = doc
        .dates
        .iter()
        .filter(|d| d.byte_start >= count.sentence.0 && d.byte_end <= count.sentence.1)
        .filter_map(|d| d.value.map(|v| (d, v)))
        .min_by_key(|(d, _)| d.byte_start.abs_diff(count.byte_start));
    let article = doc.article_date.map(|a| {
        (
            EventDate {
                start: a,
                precision: DatePrecision::Day,
                end: None,
            },
            "date: the article's date".to_string(),
        )
    });
    let from_sentence = in_sentence.map(|(d, v)| {
        (
            EventDate {
                start: v.date,
                precision: v.precision,
                end: None,
            },
            format!("date from {}", quoted(&d.text)),
        )
    });
    if count.cumulative {
        // A running total is dated when it was announced.
        article
            .map(|(d, n)| (d, format!("{n} (a running total)")))
            .or(from_sentence)
    } else {
        from_sentence.or(article)
    }
}

fn evidence(text: &str, count: &CountMention) -> String {
    let sentence = text[count.sentence.0..count.sentence.1].trim();
    let flat: String = sentence
        .chars()
        .map(|c| if c.is_control() || c == '"' { ' ' } else { c })
        .collect();
    if flat.chars().count() > MAX_EVIDENCE_CHARS {
        let cut: String = flat.chars().take(MAX_EVIDENCE_CHARS).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quotes_keep_every_script_readable() {
        for text in ["ဖမ်းဆီး", "จับกุม", "移交", "妙瓦底", "မြဝတီ"]
        {
            assert_eq!(quoted(text), format!("\"{text}\""));
        }
        assert_eq!(quoted("a \"b\" \\ c\n\t"), r#""a \"b\" \\ c\n\t""#);
        // For plain ASCII it is what `{:?}` writes.
        for text in [
            "31,000 suspects",
            "over 50,000 people",
            "it's \"so\"",
            "tab\there",
        ] {
            assert_eq!(quoted(text), format!("{text:?}"));
        }
    }
}
