//! Draft events: one per proposed new event ([`super::proposals`]), for an
//! analyst to review before it joins the data.
//!
//! A draft takes the proposal's type, date, place and figure, the
//! destination of a movement from "to X", and the proposal's sentences as
//! evidence, quoted in the notes with their character offsets, with the
//! figure's repeats and breakdowns. Background and running totals are not
//! drafted (the reasons are returned). Every draft is marked as such in its
//! id (the proposal's number in the article) and notes, and names its
//! source.

use super::proposals::{proposals, Proposal, Role, Standing};
use super::{Document, Mention};
use crate::events::{Count, Event, EventPlace, Source};

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

/// The draft events of a parsed document, one per proposed new event
/// ([`proposals`](super::proposals::proposals)); and, for each count or
/// proposal left without a draft, why.
#[must_use]
pub fn drafts(doc: &Document<'_>, text: &str, options: &DraftOptions) -> (Vec<Event>, Vec<String>) {
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    let proposals = proposals(doc, text);
    for (i, count) in doc.counts.iter().enumerate() {
        if count.event_type.is_none()
            && !proposals
                .iter()
                .any(|p| p.members.iter().any(|m| m.count == i))
        {
            skipped.push(format!(
                "{} (character {}): no event type in its sentence",
                quoted(&count.text),
                count.start
            ));
        }
    }
    for (n, p) in proposals.iter().enumerate() {
        let count = &doc.counts[p.total];
        let why_not = match p.standing {
            Standing::New => None,
            Standing::Background => Some("background: an earlier event the article recalls"),
            Standing::RunningTotal => Some("a running total: a figure, not an event"),
            Standing::Situation => {
                Some("people in a state (stranded, stuck, awaiting): a figure, not an event")
            }
        };
        if let Some(why) = why_not {
            skipped.push(format!(
                "{} (character {}): {why}",
                quoted(&count.text),
                count.start
            ));
            continue;
        }
        match draft(doc, text, p, options, n + 1) {
            Ok(event) => events.push(event),
            Err(why) => skipped.push(format!(
                "{} (character {}): {why}",
                quoted(&count.text),
                count.start
            )),
        }
    }
    (events, skipped)
}

/// The draft event of proposal number `n` (from 1) of the article; why not
/// when it has no date or place.
///
/// # Errors
/// A sentence saying what is missing.
pub fn draft(
    doc: &Document<'_>,
    text: &str,
    p: &Proposal,
    options: &DraftOptions,
    n: usize,
) -> Result<Event, &'static str> {
    let count = &doc.counts[p.total];
    let date = p
        .date
        .ok_or("no date in its sentences and no article date (give --date)")?;
    let place_mention = p
        .place
        .map(|i| &doc.mentions[i])
        .ok_or("no place to put it")?;
    let place = event_place(place_mention).ok_or("no place to put it")?;
    let destination = p
        .destination
        .and_then(|i| event_place(&doc.mentions[i]))
        .filter(|_| p.event_type.is_movement());
    let origin = destination.as_ref().map(|_| place.clone());
    let notes = notes(text, doc, p, place_mention, destination.as_ref());
    Ok(Event {
        id: format!("{}-{n:02}", options.id_prefix).into(),
        date,
        event_type: p.event_type,
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
        aggregate: p.standing == Standing::RunningTotal,
    })
}

/// A draft's notes: the evidence, the count, its repeats and breakdowns,
/// where its type, place and destination come from, and its date.
fn notes(
    text: &str,
    doc: &Document<'_>,
    p: &Proposal,
    place_mention: &Mention<'_>,
    destination: Option<&EventPlace>,
) -> String {
    let count = &doc.counts[p.total];
    let quote = |e: &super::proposals::Evidence| {
        format!(
            "\"{}\" (characters {}-{})",
            evidence(text, (e.byte_start, e.byte_end)),
            e.start,
            e.end
        )
    };
    let mut quotes = p.evidence.iter().map(quote);
    let first = quotes.next().unwrap_or_default();
    let also: Vec<String> = quotes.collect();
    let listed = |role: Role, what: &str| {
        let items: Vec<String> = p
            .with_role(role)
            .map(|i| quoted(&doc.counts[i].text))
            .collect();
        if items.is_empty() {
            String::new()
        } else {
            format!("; {what} {}", items.join(", "))
        }
    };
    format!(
        "DRAFT from scamatlas geoparse, not reviewed: {first}{}; count {}{}{}{}; type from {}; place {} ({}; {}, confidence {:.2}){}; {}",
        if also.is_empty() {
            String::new()
        } else {
            format!("; also {}", also.join("; "))
        },
        quoted(&count.text),
        count
            .qualifier
            .as_ref()
            .map(|q| format!(" (\"{q}\": a bound, not an exact figure)"))
            .unwrap_or_default(),
        listed(Role::Repeat, "repeated as"),
        listed(Role::Breakdown, "broken down as"),
        quoted(count.cue.as_deref().unwrap_or("")),
        quoted(&place_mention.text),
        p.place_note,
        place_mention.reason,
        place_mention.confidence,
        destination
            .map(|d| format!("; destination {}", quoted(&d.name)))
            .unwrap_or_default(),
        p.date_note,
    )
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

fn evidence(text: &str, (a, b): (usize, usize)) -> String {
    let sentence = text[a..b].trim();
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
