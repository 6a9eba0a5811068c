//! Geoparsing: "which places, dates and counts does this text mention?"
//!
//! A [`Geoparser`] is built once from a [`Gazetteer`]. [`Geoparser::parse`]
//! turns an article into:
//! - [`Mention`]s: every place named, in Latin, Chinese, Burmese or Thai
//!   script, with its Unicode code-point span, the place chosen from the
//!   document's context, coordinates, a confidence and the reason; a place
//!   inside an organisation's name is marked with the organisation;
//! - [`DateMention`]s: absolute, partial and relative dates, resolved against
//!   the article's date;
//! - [`CountMention`]s: numbers of people with their kind, linked to the
//!   nearest place and to an event type;
//! - and from those, proposed events ([`proposals`]: counts grouped into the
//!   events they report) and draft events ([`drafts`]) for an analyst to
//!   review.
//!
//! # Example
//! ```
//! use scamatlas::gazetteer::Gazetteer;
//! use scamatlas::geoparse::{Geoparser, Options};
//!
//! let gazetteer = Gazetteer::bundled()?;
//! let parser = Geoparser::new(&gazetteer)?;
//! let doc = parser.parse("Rebels took Laukkai, the capital of the Kokang region.", &Options::default());
//! let names: Vec<&str> = doc.mentions.iter().map(|m| m.text.as_str()).collect();
//! assert_eq!(names, ["Laukkai", "Kokang region"]);
//! assert_eq!(doc.mentions[0].place.map(|p| p.id.as_str()), Some("laukkai"));
//! assert_eq!((doc.mentions[0].start, doc.mentions[0].end), (12, 19));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Runtime
//! One Aho-Corasick pass over the folded text finds every candidate name (a
//! DFA for the ASCII names, an NFA over the stretches of other scripts); the
//! rest is a few word-level checks per candidate, then the choice of each
//! place, dates and counts. A whole parse of news text runs at 23 to 32 MiB/s
//! on one core as one document, slower article by article (each document
//! pays a fixed cost); text five times as dense in names at 11 to 14 MiB/s
//! (`cargo bench --bench geoparse`).

mod context;
pub mod counts;
pub mod dates;
mod drafts;
pub mod eval;
pub mod eval_events;
pub mod html;
mod lexicon;
mod mentions;
pub mod proposals;
pub mod review;
pub mod text;
mod words;

use serde::Serialize;

use crate::gazetteer::{Gazetteer, Kind, Place};
use crate::geom::LonLat;

pub use counts::{CountMention, PersonsKind};
pub use dates::{DateMention, DateValue};
pub use drafts::{draft, drafts, DraftOptions};
pub use mentions::Found;
pub use proposals::{proposals, Proposal, Role, Standing};

/// mimalloc's option `mi_option_purge_delay` (15 in `mimalloc.h`, v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes mimalloc, the allocator of the `scamatlas` binary, return freed
/// memory to the system at once instead of a second later (its default).
///
/// A parse builds lists the size of the text one after another (the folded
/// text, the spans, the mentions), each freed once the next is built; kept
/// for a second, the freed ones add up: a text dense in place names peaked
/// at 14.7 to 16 times its length beyond the parser's own memory, 8.5 times
/// with this (README, "geoparse"). The cost is page faults on memory that
/// would have been reused: a few percent of a one-off parse, but a quarter
/// to a third of the speed of a process that parses large texts again and
/// again (`cargo bench --bench geoparse`). Has no effect under another
/// global allocator.
pub fn purge_freed_memory_promptly() {
    // SAFETY: mi_option_set only stores the value of a known option.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// Why a geoparser could not be built.
#[derive(Debug, thiserror::Error)]
pub enum GeoparseError {
    #[error("the name automaton could not be built: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// Options of one parse.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The article's date, against which "yesterday" and "November 18" are
    /// read; when `None`, a date written near the top of the text is used.
    pub article_date: Option<chrono::NaiveDate>,
}

/// One place named in the text.
#[derive(Debug, Clone, Serialize)]
pub struct Mention<'g> {
    /// Unicode code-point offsets into the whole text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// Byte offsets, for slicing the text in Rust.
    #[serde(skip)]
    pub byte_start: usize,
    #[serde(skip)]
    pub byte_end: usize,
    /// The span as written.
    pub text: String,
    /// The chosen place; `None` when no gazetteer place fits (a border the
    /// gazetteer has no line for).
    #[serde(skip)]
    pub place: Option<&'g Place>,
    /// Where to put the mention: the place's point, or the stretch of a border
    /// nearest the other places named.
    pub point: Option<LonLat>,
    /// 0 to 1: how sure the choice is (the match, and the margin over the
    /// runner-up).
    pub confidence: f64,
    pub reason: String,
    /// Candidates considered.
    pub candidates: usize,
    /// The organisation name this place name sits in ("United Wa State Army").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// How the span was found.
    #[serde(skip)]
    pub found: Found,
}

impl Mention<'_> {
    /// `point`, `area` or `line` (a border), as the chosen place is.
    #[must_use]
    pub fn kind(&self) -> Option<Kind> {
        match (&self.found, self.place) {
            (_, Some(p)) => Some(p.kind),
            (Found::Border { .. }, None) => Some(Kind::Line),
            _ => None,
        }
    }
}

/// What a text says: places, dates and counts.
#[derive(Debug, Clone, Serialize)]
pub struct Document<'g> {
    pub mentions: Vec<Mention<'g>>,
    pub dates: Vec<DateMention>,
    pub counts: Vec<CountMention>,
    /// The date relative dates were read against, and where it came from.
    pub article_date: Option<chrono::NaiveDate>,
    pub article_date_source: Option<String>,
}

/// Finds places, dates and counts in text. Build once, parse many texts.
#[derive(Debug)]
pub struct Geoparser<'g> {
    gazetteer: &'g Gazetteer,
    detector: mentions::Detector,
    lines: context::Lines<'g>,
}

impl<'g> Geoparser<'g> {
    /// Compiles the gazetteer's names into the matcher.
    ///
    /// # Errors
    /// Only if the name automaton cannot be built.
    pub fn new(gazetteer: &'g Gazetteer) -> Result<Self, GeoparseError> {
        Ok(Self {
            gazetteer,
            detector: mentions::Detector::build(gazetteer)?,
            lines: context::Lines::build(gazetteer),
        })
    }

    #[must_use]
    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// The place mentions of `text`, in order.
    #[must_use]
    pub fn mentions(&self, text: &str) -> Vec<Mention<'g>> {
        let spans = self.detector.detect(self.gazetteer, text, text::fold(text));
        let mut offsets = text::CharOffsets::new(text);
        let mut out = Vec::with_capacity(spans.len());
        context::resolve(self.gazetteer, &self.lines, text, spans, |span, choice| {
            let (place, point, confidence, reason) = match choice {
                Some(c) => (
                    Some(self.gazetteer.place(c.place)),
                    Some(c.point),
                    c.confidence,
                    c.reason,
                ),
                None => (
                    None,
                    None,
                    0.3,
                    "border phrase; the gazetteer has no line for these countries".to_string(),
                ),
            };
            out.push(Mention {
                start: offsets.at(span.start),
                end: offsets.at(span.end),
                byte_start: span.start,
                byte_end: span.end,
                text: text[span.start..span.end].to_string(),
                place,
                point,
                confidence,
                reason,
                candidates: span.entries.len(),
                organisation: span.organisation.map(|(a, b)| text[a..b].to_string()),
                found: span.found,
            });
        });
        out
    }

    /// Places, dates and counts of `text`.
    ///
    /// # Memory
    /// Beyond the parser's own, a peak of 8.5 times the text's length on
    /// text dense in place names (a name every 55 bytes), 5.4 times on news
    /// text, with mimalloc returning freed memory at once
    /// ([`purge_freed_memory_promptly`]): the folded text and its map back
    /// (five bytes a byte, freed after the name search), then the spans, and
    /// the mentions built from them (about 230 bytes a mention).
    #[must_use]
    pub fn parse(&self, text: &str, options: &Options) -> Document<'g> {
        self.parse_corrected(text, options, &[])
    }

    /// [`Geoparser::parse`] with an editor's `corrections` of place mentions
    /// applied before counts are linked to places (and so before
    /// [`proposals`] choose a place): a mention at a correction's start gets
    /// the place given, or is dropped as not a place; a correction naming a
    /// place where nothing was found adds a mention. Corrections outside the
    /// text are passed over.
    #[must_use]
    pub fn parse_corrected(
        &self,
        text: &str,
        options: &Options,
        corrections: &[Correction<'g>],
    ) -> Document<'g> {
        let mut mentions = self.mentions(text);
        if !corrections.is_empty() {
            correct(text, &mut mentions, corrections);
        }
        let (article_date, article_date_source) = match options.article_date {
            Some(d) => (Some(d), Some("given".to_string())),
            None => match dates::article_date(text) {
                Some((d, where_)) => (Some(d), Some(where_)),
                None => (None, None),
            },
        };
        let dates = dates::find(text, article_date);
        let counts = counts::find(text, &mentions);
        Document {
            mentions,
            dates,
            counts,
            article_date,
            article_date_source,
        }
    }
}

/// An editor's correction of a place mention, by its code-point span.
#[derive(Debug, Clone, Copy)]
pub struct Correction<'g> {
    /// Unicode code-point offsets, end exclusive.
    pub start: usize,
    pub end: usize,
    /// The place meant; `None`: the span names no place.
    pub place: Option<&'g Place>,
}

/// What an editor's choice says in a mention's reason.
pub const CORRECTED: &str = "chosen by an editor";

/// Applies `corrections` to `mentions` (in text order, kept so).
fn correct<'g>(text: &str, mentions: &mut Vec<Mention<'g>>, corrections: &[Correction<'g>]) {
    for c in corrections {
        let at = mentions.iter().position(|m| m.start == c.start);
        match (at, c.place) {
            (Some(i), None) => {
                mentions.remove(i);
            }
            (Some(i), Some(place)) => {
                let m = &mut mentions[i];
                m.place = Some(place);
                m.point = Some(place.point);
                m.confidence = 1.0;
                m.reason = CORRECTED.to_string();
                m.organisation = None;
            }
            (None, None) => {}
            (None, Some(place)) => {
                let Some((byte_start, byte_end)) = byte_span(text, c.start, c.end) else {
                    continue;
                };
                let mention = Mention {
                    start: c.start,
                    end: c.end,
                    byte_start,
                    byte_end,
                    text: text[byte_start..byte_end].to_string(),
                    place: Some(place),
                    point: Some(place.point),
                    confidence: 1.0,
                    reason: CORRECTED.to_string(),
                    candidates: 1,
                    organisation: None,
                    found: Found::Name,
                };
                let i = mentions.partition_point(|m| m.start < c.start);
                mentions.insert(i, mention);
            }
        }
    }
}

/// The byte span of the code-point span `[start, end)` of `text`; `None`
/// when it is empty or runs past the end.
#[must_use]
pub fn byte_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if start >= end {
        return None;
    }
    let mut bytes = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    let from = bytes.nth(start)?;
    let to = bytes.nth(end - start - 1)?;
    Some((from, to))
}

/// A [`Geoparser`] that owns a share of its gazetteer: built once, kept for
/// as long as the gazetteer is in use (a server's review desk).
pub struct SharedGeoparser(SharedCell);

self_cell::self_cell!(
    struct SharedCell {
        owner: std::sync::Arc<Gazetteer>,
        #[covariant]
        dependent: Geoparser,
    }
);

impl SharedGeoparser {
    /// Compiles the gazetteer's names into the matcher.
    ///
    /// # Errors
    /// Only if the name automaton cannot be built.
    pub fn new(gazetteer: std::sync::Arc<Gazetteer>) -> Result<Self, GeoparseError> {
        SharedCell::try_new(gazetteer, |g| Geoparser::new(g)).map(Self)
    }

    #[must_use]
    pub fn get(&self) -> &Geoparser<'_> {
        self.0.borrow_dependent()
    }

    /// The gazetteer it parses with.
    #[must_use]
    pub fn gazetteer(&self) -> &std::sync::Arc<Gazetteer> {
        self.0.borrow_owner()
    }
}

impl std::fmt::Debug for SharedGeoparser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedGeoparser")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_spans_follow_code_points() {
        let text = "Mae Sot แม่สอด";
        assert_eq!(byte_span(text, 0, 3), Some((0, 3)));
        let (a, b) = byte_span(text, 8, 14).unwrap();
        assert_eq!(&text[a..b], "แม่สอด");
        assert_eq!(byte_span(text, 8, 15), None);
        assert_eq!(byte_span(text, 3, 3), None);
    }

    #[test]
    fn corrections_replace_drop_and_add_mentions_before_counts_are_placed() {
        let gazetteer = Gazetteer::bundled().unwrap();
        let parser = Geoparser::new(&gazetteer).unwrap();
        let text = "Police in Myawaddy arrested 120 people on 3 March 2025. Laukkai was quiet.";
        let plain = parser.parse(text, &Options::default());
        let myawaddy = plain
            .mentions
            .iter()
            .find(|m| m.text == "Myawaddy")
            .unwrap();
        let laukkai = plain.mentions.iter().find(|m| m.text == "Laukkai").unwrap();
        let kk_park = gazetteer.get("kk_park").unwrap();
        let police = text.find("Police").unwrap();
        let corrections = [
            Correction {
                start: myawaddy.start,
                end: myawaddy.end,
                place: Some(kk_park),
            },
            Correction {
                start: laukkai.start,
                end: laukkai.end,
                place: None,
            },
            // "Police": not found by the parser; an editor says it names a place.
            Correction {
                start: police,
                end: police + 6,
                place: Some(kk_park),
            },
            Correction {
                start: 1000,
                end: 1004,
                place: Some(kk_park),
            },
        ];
        let doc = parser.parse_corrected(text, &Options::default(), &corrections);
        let found: Vec<(&str, Option<&str>)> = doc
            .mentions
            .iter()
            .map(|m| (m.text.as_str(), m.place.map(|p| p.id.as_str())))
            .collect();
        assert_eq!(
            found,
            [("Police", Some("kk_park")), ("Myawaddy", Some("kk_park"))]
        );
        assert_eq!(doc.mentions[1].reason, CORRECTED);
        let count = &doc.counts[0];
        assert_eq!(count.value, 120);
        assert_eq!(
            count.place.map(|i| doc.mentions[i].text.as_str()),
            Some("Myawaddy")
        );
    }

    #[test]
    fn the_purge_delay_set_is_mimallocs_and_becomes_zero() {
        let delay = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none()
            && std::env::var_os("MIMALLOC_RESET_DELAY").is_none()
        {
            // mimalloc v3's default, in milliseconds.
            assert_eq!(delay(), 1000);
        }
        purge_freed_memory_promptly();
        assert_eq!(delay(), 0);
    }
}
