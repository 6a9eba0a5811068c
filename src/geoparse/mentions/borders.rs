//! Border phrases: "the Thai border", "the Myanmar-Thailand border",
//! "Thai-Cambodian border", Chinese "泰缅边境" and Thai "ชายแดนไทย-เมียนมา" become
//! one span whose candidates are the gazetteer's border lines between those
//! countries.

use super::{Found, Span};
use crate::gazetteer::{Gazetteer, Place, PlaceId};
use crate::geoparse::lexicon::Entry;
use crate::geoparse::words::{is_capitalised, is_space_gap, word_after, word_before};

/// Demonyms that name a country in a border phrase ("the Thai-Cambodian border").
const BORDER_DEMONYMS: &[(&str, &str)] = &[
    ("thai", "TH"),
    ("chinese", "CN"),
    ("sino", "CN"),
    ("burmese", "MM"),
    ("lao", "LA"),
    ("laotian", "LA"),
    ("cambodian", "KH"),
    ("khmer", "KH"),
    ("vietnamese", "VN"),
    ("indian", "IN"),
    ("bangladeshi", "BD"),
];

/// Makes the border phrases of `spans` and `text` one border span each: the
/// spans of countries in "X border" and "X-Y border", demonyms with no span,
/// and the phrases of scripts without spaces.
pub(super) fn borders(
    gazetteer: &Gazetteer,
    border_lines: &[PlaceId],
    text: &str,
    spans: Vec<Span>,
) -> Vec<Span> {
    let lines = BorderLines::new(gazetteer, border_lines);
    let out = named_borders(&lines, text, spans);
    // "Thai border", "Thai-Cambodian border": demonym border phrases with no span.
    let out = demonym_borders(&lines, text, out);
    unspaced_borders(&lines, text, out)
}

/// Joins "X border" and "X-Y border" (X, Y countries or their demonyms, X a
/// span) into one border span.
fn named_borders(lines: &BorderLines<'_>, text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut i = 0;
    // Demonyms and country spans, in order, as border parts.
    while i < spans.len() {
        let span = &spans[i];
        // A span that is already a border line (an alias) stays as it is.
        let Some(code) = lines.country_of(span) else {
            out.push(take_span(&mut spans, i));
            i += 1;
            continue;
        };
        let Some(next) = word_after(text, span.end) else {
            out.push(take_span(&mut spans, i));
            i += 1;
            continue;
        };
        let gap = &text[span.end..next.start];
        let mut codes = vec![code];
        let mut start = span.start;
        let mut end_word = next;
        let joined = gap
            .chars()
            .all(|c| matches!(c, '-' | '–' | '—' | '/' | '\u{2010}' | '\u{2011}'))
            && !gap.is_empty();
        if joined {
            // X-Y border: Y is the next span or a demonym.
            let second = spans
                .get(i + 1)
                .filter(|s| s.start == next.start)
                .and_then(|s| lines.country_of(s).map(|c| (c, s.end)))
                .or_else(|| demonym_code(next.text(text)).map(|c| (c.to_string(), next.end)));
            if let Some((c2, end2)) = second {
                if let Some(b) =
                    word_after(text, end2).filter(|b| is_space_gap(&text[end2..b.start]))
                {
                    codes.push(c2);
                    end_word = b;
                }
            }
        } else if let Some(prev) = word_before(text, span.start) {
            // Y-X border where Y is a demonym ("Thai-Myanmar").
            let g = &text[prev.end..span.start];
            if matches!(g, "-" | "–" | "—" | "/" | "\u{2010}") {
                if let Some(c) = demonym_code(prev.text(text)) {
                    codes.insert(0, c.to_string());
                    start = prev.start;
                }
            }
        }
        let is_border = matches!(end_word.text(text), "border" | "Border" | "borders")
            && (is_space_gap(&text[span.end..end_word.start]) || codes.len() == 2);
        if is_border && codes.iter().collect::<std::collections::HashSet<_>>().len() == codes.len()
        {
            let skip = if codes.len() == 2
                && spans
                    .get(i + 1)
                    .is_some_and(|s| s.end <= end_word.start && s.start >= span.end)
            {
                2
            } else {
                1
            };
            out.push(lines.span(start, end_word.end, codes));
            i += skip;
            continue;
        }
        out.push(take_span(&mut spans, i));
        i += 1;
    }
    out
}

/// The gazetteer's border lines, and how a border phrase names them.
struct BorderLines<'g> {
    gazetteer: &'g Gazetteer,
    lines: Vec<(PlaceId, &'g Place)>,
}

impl<'g> BorderLines<'g> {
    fn new(gazetteer: &'g Gazetteer, ids: &[PlaceId]) -> Self {
        Self {
            gazetteer,
            lines: ids.iter().map(|&id| (id, gazetteer.place(id))).collect(),
        }
    }

    /// The country code of a span that names a country.
    fn country_of(&self, span: &Span) -> Option<String> {
        span.entries.iter().find_map(|e| {
            let p = self.gazetteer.place(e.place);
            (p.class == "country")
                .then(|| p.countries.first().cloned())
                .flatten()
        })
    }

    /// A border phrase over `[start, end)` between the countries `codes` (one
    /// country: any of its borders), with the lines that fit as candidates.
    fn span(&self, start: usize, end: usize, codes: Vec<String>) -> Span {
        let entries = self
            .lines
            .iter()
            .filter(|(_, p)| codes.iter().all(|c| p.in_country(c)))
            .filter(|(_, p)| codes.len() < 2 || p.countries.len() == codes.len())
            .map(|&(place, _)| Entry {
                place,
                alias: None,
                case_exact: false,
                bulk: false,
            })
            .collect();
        Span {
            start,
            end,
            entries,
            found: Found::Border { countries: codes },
            organisation: None,
            part: None,
        }
    }
}

/// Chinese one-character country names that make border phrases ("泰缅边境",
/// "中缅边境": the Thailand–Myanmar and China–Myanmar borders).
const HAN_BORDER_ABBREVIATIONS: &[(char, &str)] = &[
    ('中', "CN"),
    ('缅', "MM"),
    ('緬', "MM"),
    ('泰', "TH"),
    ('老', "LA"),
    ('柬', "KH"),
    ('越', "VN"),
];
/// "border" in Chinese, after the two countries.
const HAN_BORDER_WORDS: &[&str] = &["边境", "邊境", "边界", "邊界"];
/// "border" in Thai, before the two countries ("ชายแดนไทย-เมียนมา").
const THAI_BORDER_WORD: &str = "ชายแดน";

/// Border phrases of scripts without spaces: Chinese "泰缅边境" (two
/// one-character country names, then "border") and Thai "ชายแดนไทย-เมียนมา"
/// ("border", then two country spans).
fn unspaced_borders(lines: &BorderLines<'_>, text: &str, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut spans = spans.into_iter().peekable();
    while let Some(span) = spans.next() {
        // Thai: ชายแดน + country + optional dash + country.
        let before_ok = text[..span.start].ends_with(THAI_BORDER_WORD);
        if let (true, Some(c1), Some(next)) = (before_ok, lines.country_of(&span), spans.peek()) {
            let gap = &text[span.end..next.start];
            let joined = gap
                .chars()
                .all(|c| matches!(c, '-' | '–' | '/' | '\u{2010}'))
                && gap.chars().count() <= 1;
            if let (true, Some(c2)) = (joined, lines.country_of(next)) {
                if c1 != c2 {
                    let end = next.end;
                    spans.next();
                    out.push(lines.span(span.start - THAI_BORDER_WORD.len(), end, vec![c1, c2]));
                    continue;
                }
            }
        }
        out.push(span);
    }
    // Chinese: two one-character country names, then the border word.
    let mut added = Vec::new();
    for word in HAN_BORDER_WORDS {
        for at in memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()) {
            let mut before = text[..at].char_indices().rev();
            let (Some((_, b2)), Some((i1, b1))) = (before.next(), before.next()) else {
                continue;
            };
            let code = |c: char| {
                HAN_BORDER_ABBREVIATIONS
                    .iter()
                    .find(|(a, _)| *a == c)
                    .map(|(_, code)| (*code).to_string())
            };
            let (Some(c1), Some(c2)) = (code(b1), code(b2)) else {
                continue;
            };
            let end = at + word.len();
            if c1 == c2 || overlaps_any(&out, i1, end) {
                continue;
            }
            added.push(lines.span(i1, end, vec![c1, c2]));
        }
    }
    if !added.is_empty() {
        out.extend(added);
        out.sort_by_key(|s| s.start);
    }
    out
}

/// Moves `spans[i]` out, leaving an empty span (no allocation) in its place.
fn take_span(spans: &mut [Span], i: usize) -> Span {
    let empty = Span {
        start: 0,
        end: 0,
        entries: Vec::new(),
        found: Found::Name,
        organisation: None,
        part: None,
    };
    std::mem::replace(&mut spans[i], empty)
}

/// Whether `[start, end)` overlaps one of `spans` (sorted, not overlapping).
fn overlaps_any(spans: &[Span], start: usize, end: usize) -> bool {
    let i = spans.partition_point(|s| s.end <= start);
    spans.get(i).is_some_and(|s| s.start < end)
}

fn demonym_code(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    BORDER_DEMONYMS
        .iter()
        .find(|(d, _)| *d == lower)
        .map(|(_, c)| *c)
        .filter(|_| is_capitalised(word))
}

/// "the Thai border", "the Thai-Cambodian border": demonyms before "border"
/// that no name span covers.
fn demonym_borders(lines: &BorderLines<'_>, text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    let mut added = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), "border") {
        let Some(word) = word_after(text, at).filter(|w| w.start == at) else {
            continue;
        };
        if word.text(text) != "border" && word.text(text) != "borders" {
            continue;
        }
        if overlaps_any(&spans, word.start, word.end) {
            continue;
        }
        let Some(d1) = word_before(text, at).filter(|w| is_space_gap(&text[w.end..at])) else {
            continue;
        };
        // The demonym word may be "Thai-Cambodian" as one hyphenated word.
        let parts: Vec<&str> = d1.text(text).split(['-', '\u{2010}', '\u{2011}']).collect();
        let codes: Vec<String> = parts
            .iter()
            .filter_map(|p| demonym_code(p).map(String::from))
            .collect();
        if codes.is_empty() || codes.len() != parts.len() {
            continue;
        }
        if overlaps_any(&spans, d1.start, d1.end) {
            continue;
        }
        added.push(lines.span(d1.start, word.end, codes));
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|s| s.start);
    }
    spans
}
