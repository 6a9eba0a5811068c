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
        let mentions = self.mentions(text);
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

#[cfg(test)]
mod tests {
    use super::*;

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
