//! Mention detection: where a text names places.
//!
//! 1. Every gazetteer name is searched at once in the folded text (one
//!    Aho-Corasick pass, see [`lexicon`](super::lexicon)).
//! 2. A match must stand as a word of its own (Latin script: no letter touches
//!    it; Thai and Burmese: it does not cut a syllable) and be capitalised like
//!    a name ("Muse" but not "muse"; codes such as "US" in capitals).
//! 3. The longest matches win and never overlap: "Asia-Pacific", not "Asia".
//! 4. Spans grow over the generic word of a name ("Kokan region") and a
//!    direction in front of a region ("northern Shan"); "X border" and
//!    "X-Y border" become one border span.
//! 5. What is not a place is dropped: person names (after a title such as
//!    "General"), ethnic names used for people ("Karen rebels"), and bulk
//!    (GeoNames) names with no locative cue around them ("Reported by Xinhua").
//! 6. A place name inside an organisation's name ("United Wa State Army",
//!    "China Daily") is kept and marked with the organisation.
//! 7. Capitalised words still unmatched are compared with the curated names
//!    allowing typing errors ("Myawady", "Shwe Koko").
//!
//! The word lists are in [`lists`], the typo pass in [`typos`], border
//! phrases in [`borders`] and organisation names in [`orgs`].

mod borders;
mod lists;
mod orgs;
mod typos;

use super::lexicon::{Entry, Lexicon};
use super::text::{is_alphanumeric, is_unspaced_script, is_word_char, Folded};
use super::words::{
    is_capitalised, is_space_gap, lower_in, starts_sentence, word_after, word_before, Word,
};
use crate::gazetteer::{Gazetteer, Kind, PlaceId};
use borders::borders;
use lists::{
    ADMIN_SUFFIXES, ADMIN_SUFFIXES_CAPITALISED, DIRECTIONS, ETHNONYMS, FUNCTION_WORDS, LOCATIVE,
    PEOPLE_NOUNS, PLACE_NOUNS, PLACE_OF, TITLES, UNSPACED_PREFIXES, UNSPACED_SUFFIXES,
};
use orgs::organisation;
use typos::TypoIndex;

/// How a span was found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// A gazetteer name, as written (after folding).
    Name,
    /// A name with typing errors.
    Fuzzy { edits: u32, matched: String },
    /// "X border" / "X-Y border": the countries named.
    Border { countries: Vec<String> },
}

/// A span of the text that names a place, before its referent is chosen.
#[derive(Debug, Clone)]
pub struct Span {
    /// Byte offsets in the original text.
    pub start: usize,
    pub end: usize,
    /// The places the span may name.
    pub entries: Vec<Entry>,
    pub found: Found,
    /// Byte range of the organisation name the span sits in, if any.
    pub organisation: Option<(usize, usize)>,
    /// A direction word in front ("northern"): the span names part of the place.
    pub part: Option<String>,
}

/// A lexicon pattern found in the text, standing alone and capitalised as a
/// name: byte offsets in the original text.
#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    pattern: u32,
}

/// Everything mention detection needs, built once.
#[derive(Debug)]
pub struct Detector {
    pub lexicon: Lexicon,
    typos: TypoIndex,
    /// The gazetteer's border lines, in gazetteer order.
    border_lines: Vec<PlaceId>,
}

impl Detector {
    pub fn build(gazetteer: &Gazetteer) -> Result<Self, aho_corasick::BuildError> {
        Ok(Self {
            lexicon: Lexicon::build(gazetteer)?,
            typos: TypoIndex::build(gazetteer),
            border_lines: gazetteer
                .places()
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind == Kind::Line && p.class == "border")
                .map(|(i, _)| PlaceId(i as u32))
                .collect(),
        })
    }

    /// The place-naming spans of `text`, in order, not overlapping.
    pub fn detect(&self, gazetteer: &Gazetteer, text: &str, folded: Folded) -> Vec<Span> {
        let mut raw: Vec<Match> = Vec::new();
        for (pattern, from, to) in self.lexicon.find_all(&folded.text) {
            let (start, end) = folded.original_span(text, from, to);
            if !stands_alone(text, start, end) {
                continue;
            }
            let written = &text[start..end];
            let entries = self.lexicon.entries(pattern);
            if entries.iter().any(|e| case_fits(written, e)) {
                raw.push(Match {
                    start,
                    end,
                    pattern,
                });
            }
        }
        // The folded text and its map back to the original (five bytes a
        // byte) serve the search only.
        drop(folded);
        // Only the matches that win get their entries.
        let mut spans: Vec<Span> = longest_first(raw)
            .into_iter()
            .map(|m| {
                let written = &text[m.start..m.end];
                Span {
                    start: m.start,
                    end: m.end,
                    entries: self
                        .lexicon
                        .entries(m.pattern)
                        .iter()
                        .copied()
                        .filter(|e| case_fits(written, e))
                        .collect(),
                    found: Found::Name,
                    organisation: None,
                    part: None,
                }
            })
            .collect();
        spans.retain_mut(|s| keep(text, s));
        for span in &mut spans {
            extend(gazetteer, text, span);
        }
        spans = borders(gazetteer, &self.border_lines, text, spans);
        self.typo_pass(gazetteer, text, &mut spans);
        for span in &mut spans {
            span.organisation = organisation(text, span.start, span.end);
        }
        // The passes above grew the list by doubling; the rest of the parse
        // holds it beside the choices and the mentions.
        spans.shrink_to_fit();
        spans
    }
}

/// Whether the span `[start, end)` stands as a word of its own.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = text[start..].chars().next().unwrap_or(' ');
    let last = text[..end].chars().next_back().unwrap_or(' ');
    // Left edge.
    if let Some(b) = before {
        if is_unspaced_script(first) {
            // Thai leading vowels belong to the syllable that follows them.
            if matches!(b, '\u{0E40}'..='\u{0E44}' | '\u{0EC0}'..='\u{0EC4}') {
                return false;
            }
        } else if is_word_char(b) && !is_unspaced_script(b) {
            // A Latin name may be glued to Chinese or Thai ("和KK园区").
            return false;
        }
    }
    // Right edge.
    if let Some(a) = after {
        if super::text::is_mark(a) {
            return false;
        }
        if is_unspaced_script(last) {
            // A Thai or Lao following vowel, or a Burmese killer/medial, ends the syllable.
            if matches!(
                a,
                '\u{0E30}'
                    | '\u{0E32}'
                    | '\u{0E33}'
                    | '\u{0E45}'
                    | '\u{0EB0}'
                    | '\u{0EB2}'
                    | '\u{0EB3}'
            ) {
                return false;
            }
        } else if is_word_char(a) && !is_unspaced_script(a) {
            return false;
        }
    }
    true
}

/// Whether the written form is capitalised as a name: codes in capitals; a
/// Latin name's first word (after any direction word) capitalised.
fn case_fits(written: &str, entry: &Entry) -> bool {
    if !written.bytes().any(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    if entry.case_exact {
        return written
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    }
    for word in written.split(|c: char| !is_alphanumeric(c)) {
        if word.is_empty() {
            continue;
        }
        if lower_in(word, DIRECTIONS) || lower_in(word, &["the"]) {
            continue;
        }
        return is_capitalised(word) || word.chars().next().is_some_and(|c| !c.is_alphabetic());
    }
    false
}

/// Longest spans first; a span is kept unless it overlaps a kept one.
///
/// # Runtime
/// `O(n log n)` for the sort, then each span's bytes are looked up in a
/// bitmap of the bytes kept spans cover: kept spans never overlap, so a span
/// overlaps one of them exactly when one of its bytes is covered.
fn longest_first(mut raw: Vec<Match>) -> Vec<Match> {
    raw.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    let Some(last) = raw.iter().map(|m| m.end).max() else {
        return raw;
    };
    let mut covered = vec![0u64; last.div_ceil(64)];
    let is_covered = |covered: &[u64], i: usize| covered[i / 64] & (1 << (i % 64)) != 0;
    let mut kept = Vec::new();
    for span in raw {
        if (span.start..span.end).any(|i| is_covered(&covered, i)) {
            continue;
        }
        for i in span.start..span.end {
            covered[i / 64] |= 1 << (i % 64);
        }
        kept.push(span);
    }
    kept.sort_by_key(|m| m.start);
    kept
}

/// Whether a span is a place mention in its context; may trim its entries.
fn keep(text: &str, span: &mut Span) -> bool {
    let written = &text[span.start..span.end];
    let before = word_before(text, span.start);
    let after = word_after(text, span.end);
    let after_gap_is_space = after.is_some_and(|a| is_space_gap(&text[span.end..a.start]));

    // A person's name: a title within the capitalised words in front.
    if written.bytes().any(|b| b.is_ascii_alphabetic()) && preceded_by_title(text, span.start) {
        return false;
    }
    // An ethnic name used for people.
    if lower_in(written, ETHNONYMS)
        && after_gap_is_space
        && after.is_some_and(|a| lower_in(a.text(text), PEOPLE_NOUNS))
    {
        return false;
    }
    // Bulk names need a locative cue, and must not sit in a run of capitalised
    // words (a person's or an organisation's name).
    if span.entries.iter().all(|e| e.bulk) {
        if written.bytes().any(|b| b.is_ascii_alphabetic()) {
            let prev_cap = before.is_some_and(|b| {
                let w = b.text(text);
                is_capitalised(w)
                    && !FUNCTION_WORDS.contains(&w)
                    && is_space_gap(&text[b.end..span.start])
                    && !starts_sentence(text, b.start)
            });
            let next_cap = after_gap_is_space
                && after.is_some_and(|a| {
                    let w = a.text(text);
                    is_capitalised(w) && !lower_in(w, PLACE_NOUNS)
                });
            if prev_cap || next_cap {
                return false;
            }
        }
        if !locative_cue(text, span.start, span.end) {
            return false;
        }
    }
    true
}

/// Whether a title ("General", "Mr") stands among the capitalised words
/// right in front of `at`.
fn preceded_by_title(text: &str, at: usize) -> bool {
    let mut pos = at;
    for _ in 0..4 {
        let Some(w) = word_before(text, pos) else {
            return false;
        };
        if !is_space_gap(&text[w.end..pos]) && pos != at {
            return false;
        }
        let word = w.text(text).trim_end_matches('.');
        if TITLES.contains(&word) {
            return true;
        }
        if !is_capitalised(word) {
            return false;
        }
        pos = w.start;
    }
    false
}

/// A word around the span that says it is a place: "in", "near", "town of"
/// before it, "town", "border" after it.
fn locative_cue(text: &str, start: usize, end: usize) -> bool {
    let is = |w: Option<Word>, list: &[&str]| w.is_some_and(|w| lower_in(w.text(text), list));
    let mut before = word_before(text, start);
    if is(before, &["the"]) {
        before = before.and_then(|b| word_before(text, b.start));
    }
    if is(before, LOCATIVE) {
        return true;
    }
    if is(before, &["of"]) {
        let noun = before.and_then(|b| word_before(text, b.start));
        if is(noun, PLACE_OF) {
            return true;
        }
    }
    is(word_after(text, end), PLACE_NOUNS)
}

/// Grows a span over a generic word after it ("Kokan region") and a direction
/// word before it ("northern Shan").
fn extend(gazetteer: &Gazetteer, text: &str, span: &mut Span) {
    let is_country = span
        .entries
        .iter()
        .all(|e| gazetteer.place(e.place).class == "country");
    let kind_of = |e: &Entry| gazetteer.place(e.place).kind;
    if let Some(next) = word_after(text, span.end) {
        let w = next.text(text);
        let gap = &text[span.end..next.start];
        let generic = lower_in(w, ADMIN_SUFFIXES) || ADMIN_SUFFIXES_CAPITALISED.contains(&w);
        if generic
            && is_space_gap(gap)
            && !is_country
            && span.entries.iter().all(|e| kind_of(e) != Kind::Line)
        {
            span.end = next.end;
        }
    }
    // Scripts without spaces: generic words glued to the name.
    if text[..span.start]
        .chars()
        .next_back()
        .is_some_and(is_unspaced_script)
        || text[span.start..].starts_with(is_unspaced_script)
    {
        if let Some(p) = UNSPACED_PREFIXES
            .iter()
            .find(|p| text[..span.start].ends_with(*p))
        {
            span.start -= p.len();
        }
        if let Some(s) = UNSPACED_SUFFIXES
            .iter()
            .find(|s| text[span.end..].starts_with(*s))
        {
            let end = span.end + s.len();
            if text[end..]
                .chars()
                .next()
                .is_none_or(|c| !super::text::is_mark(c))
            {
                span.end = end;
            }
        }
        return;
    }
    if let Some(prev) = word_before(text, span.start) {
        let w = prev.text(text);
        let gap = &text[prev.end..span.start];
        let areal = span.entries.iter().any(|e| kind_of(e) == Kind::Area);
        if lower_in(w, DIRECTIONS) && areal && (is_space_gap(gap) || gap == "-") {
            // "northern Myanmar" may already be a name of its own.
            span.part = Some(w.to_lowercase());
            span.start = prev.start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alone_means_no_letter_touches_a_latin_name() {
        let t = "Asian Asia";
        assert!(!stands_alone(t, 0, 4));
        assert!(stands_alone(t, 6, 10));
    }

    #[test]
    fn case_rules() {
        let e = Entry {
            place: PlaceId(0),
            alias: None,
            case_exact: false,
            bulk: false,
        };
        assert!(case_fits("Muse", &e));
        assert!(!case_fits("muse", &e));
        assert!(case_fits("northern Myanmar", &e));
        assert!(case_fits("老街", &e));
        let code = Entry {
            case_exact: true,
            ..e
        };
        assert!(case_fits("US", &code));
        assert!(!case_fits("us", &code));
        assert!(!case_fits("Us", &code));
    }

    /// The ordered-map version of [`longest_first`]: each span is checked
    /// against its kept neighbours.
    fn longest_first_by_map(mut raw: Vec<Match>) -> Vec<Match> {
        raw.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
        });
        let mut kept = std::collections::BTreeMap::new();
        for span in raw {
            let before = kept.range(..=span.start).next_back();
            let after = kept.range(span.start..).next();
            let clash = before.is_some_and(|(_, k): (_, &Match)| k.end > span.start)
                || after.is_some_and(|(_, k)| k.start < span.end);
            if !clash {
                kept.insert(span.start, span);
            }
        }
        kept.into_values().collect()
    }

    #[test]
    fn longest_first_agrees_with_the_ordered_map() {
        let mut rng = crate::events::synthetic::Rng::new(3);
        for case in 0..2000 {
            let width = 1 + rng.below(300);
            let raw: Vec<Match> = (0..rng.below(40))
                .map(|p| {
                    let start = rng.below(width);
                    Match {
                        start,
                        end: start + 1 + rng.below(12),
                        pattern: p as u32,
                    }
                })
                .collect();
            let key = |v: Vec<Match>| -> Vec<(usize, usize, u32)> {
                v.iter().map(|m| (m.start, m.end, m.pattern)).collect()
            };
            assert_eq!(
                key(longest_first(raw.clone())),
                key(longest_first_by_map(raw)),
                "case {case}"
            );
        }
    }

    #[test]
    fn titles_mark_persons() {
        let t = "Senior General Min Aung Hlaing met";
        assert!(preceded_by_title(t, t.find("Hlaing").unwrap()));
        assert!(!preceded_by_title("troops in Myawaddy", 10));
    }
}
