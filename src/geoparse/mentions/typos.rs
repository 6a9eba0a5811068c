//! The typo-tolerant pass: capitalised words (and pairs of them) that no
//! name matched are compared with the curated Latin names allowing typing
//! errors ("Myawady", "Shwe Koko"), unless the text also writes the word in
//! lower case (an ordinary word).

use std::collections::HashMap;

use super::lists::FUNCTION_WORDS;
use super::{keep, Detector, Found, Span};
use crate::gazetteer::{Gazetteer, Layer, PlaceId};
use crate::geoparse::lexicon::{Entry, Lexicon};
use crate::geoparse::text::{fold_name, is_alphanumeric, HARD};
use crate::geoparse::words::{is_capitalised, is_space_gap, word_after, Word};

/// Curated Latin names for the typo-tolerant pass, by first letter, each with
/// its [`letter_set`].
#[derive(Debug, Default)]
pub(super) struct TypoIndex {
    by_initial: HashMap<char, Vec<(Vec<char>, u64, Entry)>>,
}

/// The characters of a word as a set of 64 bits (a character's code modulo
/// 64). One edit (an insertion, a deletion, a substitution or a
/// transposition) adds at most one character to a word's set and removes at
/// most one, so words `k` edits apart have sets that differ in at most `2k`
/// bits: a cheap test that rules out most names before the edit distance.
fn letter_set(chars: &[char]) -> u64 {
    chars.iter().fold(0, |set, &c| set | 1 << (c as u32 % 64))
}

impl TypoIndex {
    pub fn build(gazetteer: &Gazetteer) -> Self {
        let mut index = TypoIndex::default();
        for (pi, place) in gazetteer.places().iter().enumerate() {
            if place.layer != Layer::Curated {
                continue;
            }
            for (alias, name) in place.names() {
                // Only names listed by hand: bulk alternate names are too many
                // and too short to guess typos against.
                if alias.is_some_and(|a| crate::geoparse::lexicon::is_bulk_alias(place, a)) {
                    continue;
                }
                let key = fold_name(name);
                if !key.is_ascii() || key.len() < 5 || key.contains(HARD as char) {
                    continue;
                }
                let chars: Vec<char> = key.chars().collect();
                let letters = letter_set(&chars);
                let entry = Entry {
                    place: PlaceId(pi as u32),
                    alias,
                    case_exact: false,
                    bulk: false,
                };
                index
                    .by_initial
                    .entry(chars[0])
                    .or_default()
                    .push((chars, letters, entry));
            }
        }
        index
    }

    /// Curated names within a few typing errors of `key` (1 edit up to 7
    /// letters, 2 beyond), nearest first; demonym-like extensions ("Asian",
    /// "Indian") excluded.
    fn lookup(&self, key: &str) -> Vec<(Entry, u32)> {
        let chars: Vec<char> = key.chars().collect();
        if chars.len() < 5 {
            return Vec::new();
        }
        let budget = if chars.len() <= 7 { 1 } else { 2 };
        let Some(list) = self.by_initial.get(&chars[0]) else {
            return Vec::new();
        };
        let comparator = rapidfuzz::distance::osa::BatchComparator::new(chars.iter().copied());
        let args = rapidfuzz::distance::osa::Args::default().score_cutoff(budget);
        let letters = letter_set(&chars);
        let mut found: Vec<(Entry, u32)> = Vec::new();
        for (name, name_letters, entry) in list {
            if name.len().abs_diff(chars.len()) > budget
                || (letters ^ name_letters).count_ones() as usize > 2 * budget
            {
                continue;
            }
            let Some(edits) = comparator.distance_with_args(name.iter().copied(), &args) else {
                continue;
            };
            if edits == 0 || edits > budget {
                continue;
            }
            // "Asian" is not a typo of "Asia", nor "Cambodian" of "Cambodia".
            let stem = &name[..name.len() - 1];
            if chars.len() > name.len() && chars.starts_with(stem) {
                continue;
            }
            found.push((*entry, edits as u32));
        }
        found.sort_by_key(|(e, edits)| (*edits, e.place));
        found
    }
}

/// What the typo pass learns of a word (or pair of words) as written, once
/// per document: a text repeats its names, and its capitalised words that are
/// none, and folding, the lexicon look-up and above all the fuzzy comparison
/// with every curated name of the same initial are the costly part.
struct TypoCache<'d, 't> {
    lexicon: &'d Lexicon,
    index: &'d TypoIndex,
    /// `None` when the lexicon has the folded word as it is: no typo.
    seen: rustc_hash::FxHashMap<&'t str, Option<Vec<(Entry, u32)>>>,
}

impl<'d, 't> TypoCache<'d, 't> {
    fn new(lexicon: &'d Lexicon, index: &'d TypoIndex) -> Self {
        Self {
            lexicon,
            index,
            seen: rustc_hash::FxHashMap::default(),
        }
    }

    /// `None` if the lexicon has `written` folded, else
    /// [`TypoIndex::lookup`] of it folded; computed once per distinct text.
    fn lookup(&mut self, written: &'t str) -> Option<&[(Entry, u32)]> {
        let (lexicon, index) = (self.lexicon, self.index);
        self.seen
            .entry(written)
            .or_insert_with(|| {
                let key = fold_name(written);
                lexicon
                    .pattern_of(&key)
                    .is_none()
                    .then(|| index.lookup(&key))
            })
            .as_deref()
    }
}

impl Detector {
    /// Capitalised words (and pairs of them) not inside a span, compared with
    /// the curated names allowing typing errors.
    pub(super) fn typo_pass(&self, gazetteer: &Gazetteer, text: &str, spans: &mut Vec<Span>) {
        let mut added: Vec<Span> = Vec::new();
        let mut typos = TypoCache::new(&self.lexicon, &self.typos);
        let mut lower_case = LowerCase::new(text);
        let mut covered = spans.iter().map(|s| (s.start, s.end)).peekable();
        let mut at = 0;
        let mut current_cover: Option<(usize, usize)> = None;
        while at < text.len() {
            // Jump to the next capital letter that starts a word.
            let Some(start) = next_capital(text, at) else {
                break;
            };
            let Some(word) = word_after(text, start) else {
                at = start + 1;
                continue;
            };
            at = word.end.max(start + 1);
            if start > 0
                && text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(is_alphanumeric)
            {
                continue;
            }
            while let Some(&(s, e)) = covered.peek() {
                if e <= word.start {
                    covered.next();
                    continue;
                }
                current_cover = Some((s, e));
                break;
            }
            if current_cover.is_some_and(|(s, e)| s < word.end && word.start < e) {
                continue;
            }
            let w = word.text(text);
            if !w.is_ascii() || FUNCTION_WORDS.contains(&w) || is_all_caps(w) {
                continue;
            }
            // Try the word with the next capitalised word first (Shwe Koko).
            let next = word_after(text, word.end).filter(|n| {
                is_capitalised(n.text(text))
                    && n.text(text).is_ascii()
                    && is_space_gap(&text[word.end..n.start])
                    && current_cover.is_none_or(|(s, _)| n.end <= s)
            });
            let pair = next.map(|n| Word {
                start: word.start,
                end: n.end,
            });
            let alone = (w.len() >= 5).then_some(word);
            for candidate in pair.into_iter().chain(alone) {
                // A name the lexicon has as written is no typo.
                let Some(found) = typos.lookup(candidate.text(text)) else {
                    break;
                };
                // A word the text also writes in lower case is an ordinary
                // word; asked only of the rare word near a name.
                if candidate == word && !found.is_empty() && lower_case.has(w) {
                    break;
                }
                if let Some(span) = typo_span(gazetteer, candidate, found) {
                    if keep(text, &mut span.clone()) {
                        at = candidate.end;
                        added.push(span);
                    }
                    break;
                }
            }
        }
        if !added.is_empty() {
            spans.extend(added);
            spans.sort_by_key(|s| s.start);
        }
    }
}

/// The span of `word` as a typo of the names `found` (nearest first): the
/// nearest ones, one entry per place; `None` when nothing was found.
fn typo_span(gazetteer: &Gazetteer, word: Word, found: &[(Entry, u32)]) -> Option<Span> {
    let &(first, edits) = found.first()?;
    let mut entries: Vec<Entry> = Vec::new();
    for (entry, e) in found {
        if *e == edits && !entries.iter().any(|x| x.place == entry.place) {
            entries.push(*entry);
        }
    }
    let matched = first.name(gazetteer.place(first.place)).to_string();
    Some(Span {
        start: word.start,
        end: word.end,
        entries,
        found: Found::Fuzzy { edits, matched },
        organisation: None,
        part: None,
    })
}

/// Whether a text also writes a word with a lower-case initial.
///
/// # Runtime
/// The first [`LowerCase::SEARCHES`] words asked are searched for in the text
/// (few are asked of most texts); past those, every lower-case word of the
/// text is gathered once, so that a long text with many words near a name is
/// not searched again and again.
struct LowerCase<'t> {
    text: &'t str,
    searched: rustc_hash::FxHashMap<&'t str, bool>,
    words: Option<rustc_hash::FxHashSet<&'t str>>,
}

impl<'t> LowerCase<'t> {
    const SEARCHES: usize = 8;

    fn new(text: &'t str) -> Self {
        Self {
            text,
            searched: rustc_hash::FxHashMap::default(),
            words: None,
        }
    }

    /// Whether the text writes the ASCII `word` with a lower-case initial.
    fn has(&mut self, word: &'t str) -> bool {
        if let Some(&known) = self.searched.get(word) {
            return known;
        }
        if self.words.is_none() && self.searched.len() < Self::SEARCHES {
            let found = written_in_lower_case(self.text, word);
            self.searched.insert(word, found);
            return found;
        }
        self.words
            .get_or_insert_with(|| lowercase_words(self.text))
            .contains(lower_initial(word).as_str())
    }
}

/// The ASCII words of the text that start with a lower-case letter.
///
/// # Runtime
/// One pass over the bytes: a non-ASCII character is all bytes that are no
/// ASCII letter or digit, so it separates words as it should.
fn lowercase_words(text: &str) -> rustc_hash::FxHashSet<&str> {
    let bytes = text.as_bytes();
    let mut words = rustc_hash::FxHashSet::default();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if bytes[start].is_ascii_lowercase() {
            words.insert(&text[start..i]);
        }
    }
    words
}

/// Whether `text` also writes the ASCII `word` with a lower-case initial, as
/// a word of ASCII letters and digits of its own.
///
/// # Runtime
/// One substring search of the text (`memchr::memmem`). A non-ASCII
/// character is all bytes that are no ASCII letter or digit, so it separates
/// words as it should.
fn written_in_lower_case(text: &str, word: &str) -> bool {
    let lower = lower_initial(word);
    let needle = lower.as_bytes();
    if needle.is_empty() || !needle.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, needle).any(|at| {
        let end = at + needle.len();
        (at == 0 || !bytes[at - 1].is_ascii_alphanumeric())
            && bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// The byte offset of the first upper-case letter at or after `at`, as
/// `text[at..].find(char::is_uppercase)` would give, with ASCII read byte by
/// byte.
fn next_capital(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_uppercase() {
                return Some(i);
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next()?;
        if c.is_uppercase() {
            return Some(i);
        }
        i += c.len_utf8();
    }
    None
}

/// `word` with its first letter in lower case.
fn lower_initial(word: &str) -> String {
    let mut lower = word.to_string();
    lower[..1].make_ascii_lowercase();
    lower
}

fn is_all_caps(word: &str) -> bool {
    word.chars().all(|c| !c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_cache_answers_as_the_index_for_new_and_repeated_words() {
        let g = Gazetteer::bundled().unwrap();
        let lexicon = Lexicon::build(&g).unwrap();
        let index = TypoIndex::build(&g);
        let mut cache = TypoCache::new(&lexicon, &index);
        // A typo, a repeat of it, an ordinary word, a short word, a miss
        // after a hit, a name the lexicon has, and the hit again.
        for written in [
            "Myawady",
            "Myawady",
            "Yesterday",
            "Muse",
            "Kokangg",
            "Shwe Kokko",
            "Myawady",
        ] {
            let key = fold_name(written);
            let expected = lexicon
                .pattern_of(&key)
                .is_none()
                .then(|| index.lookup(&key));
            let entries = |found: &[(Entry, u32)]| {
                found
                    .iter()
                    .map(|(e, d)| (e.place, e.alias, *d))
                    .collect::<Vec<_>>()
            };
            let got = cache.lookup(written).map(entries);
            assert_eq!(got, expected.as_deref().map(entries), "{written}");
        }
        assert!(!index.lookup("myawady").is_empty());
        assert!(cache.lookup("Shwe Kokko").is_none());
        assert_eq!(cache.seen.len(), 5);
    }

    /// Words `k` edits apart differ in at most `2k` bits of their letter
    /// sets, so the test in [`TypoIndex::lookup`] never rules out a name
    /// within its budget.
    #[test]
    fn letter_sets_bound_the_edit_distance() {
        let letters: Vec<char> = "abcdeklmnoprstuwy0".chars().collect();
        let mut rng = crate::events::synthetic::Rng::new(17);
        for case in 0..20_000 {
            let a: Vec<char> = (0..1 + rng.below(10))
                .map(|_| letters[rng.below(letters.len())])
                .collect();
            // b: a few random edits of a, or an unrelated word.
            let mut b = a.clone();
            for _ in 0..rng.below(4) {
                let i = rng.below(b.len() + 1);
                let c = letters[rng.below(letters.len())];
                match rng.below(4) {
                    0 => b.insert(i, c),
                    1 if i < b.len() => {
                        b.remove(i);
                    }
                    2 if i < b.len() => b[i] = c,
                    _ if i + 1 < b.len() => b.swap(i, i + 1),
                    _ => {}
                }
            }
            let edits = rapidfuzz::distance::osa::distance(a.iter().copied(), b.iter().copied());
            let differ = (letter_set(&a) ^ letter_set(&b)).count_ones() as usize;
            assert!(differ <= 2 * edits, "case {case}: {a:?} {b:?}");
        }
    }

    /// [`TypoIndex::lookup`] against a comparison with every curated name
    /// of the same initial, without the length and letter-set tests.
    #[test]
    fn typo_lookup_finds_what_comparing_every_name_finds() {
        let g = Gazetteer::bundled().unwrap();
        let index = TypoIndex::build(&g);
        let slow = |key: &str| -> Vec<(PlaceId, Option<u32>, u32)> {
            let chars: Vec<char> = key.chars().collect();
            if chars.len() < 5 {
                return Vec::new();
            }
            let budget = if chars.len() <= 7 { 1 } else { 2 };
            let mut found: Vec<(Entry, u32)> = index
                .by_initial
                .get(&chars[0])
                .into_iter()
                .flatten()
                .filter_map(|(name, _, entry)| {
                    let edits = rapidfuzz::distance::osa::distance(
                        chars.iter().copied(),
                        name.iter().copied(),
                    );
                    let stem = &name[..name.len() - 1];
                    let extension = chars.len() > name.len() && chars.starts_with(stem);
                    (edits > 0 && edits <= budget && !extension).then_some((*entry, edits as u32))
                })
                .collect();
            found.sort_by_key(|(e, edits)| (*edits, e.place));
            found
                .into_iter()
                .map(|(e, d)| (e.place, e.alias, d))
                .collect()
        };
        let fast = |key: &str| -> Vec<(PlaceId, Option<u32>, u32)> {
            index
                .lookup(key)
                .into_iter()
                .map(|(e, d)| (e.place, e.alias, d))
                .collect()
        };
        let names: Vec<Vec<char>> = index
            .by_initial
            .values()
            .flatten()
            .map(|(name, _, _)| name.clone())
            .collect();
        let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().collect();
        let mut rng = crate::events::synthetic::Rng::new(19);
        let mut hits = 0;
        for case in 0..4000 {
            let mut key = names[rng.below(names.len())].clone();
            for _ in 0..rng.below(4) {
                let i = 1 + rng.below(key.len());
                let c = letters[rng.below(letters.len())];
                match rng.below(4) {
                    0 => key.insert(i, c),
                    1 if i < key.len() => {
                        key.remove(i);
                    }
                    2 if i < key.len() => key[i] = c,
                    _ if i + 1 < key.len() => key.swap(i, i + 1),
                    _ => {}
                }
            }
            let key: String = key.into_iter().collect();
            let expected = slow(&key);
            hits += usize::from(!expected.is_empty());
            assert_eq!(fast(&key), expected, "case {case}: {key}");
        }
        assert!(hits > 1000, "{hits}");
    }

    #[test]
    fn next_capital_agrees_with_find() {
        let pieces = [
            "a",
            "B",
            " ",
            "é",
            "É",
            "老街",
            "Σ",
            "ß",
            "\u{1D400}",
            "ǅ",
            "x9",
        ];
        let mut rng = crate::events::synthetic::Rng::new(31);
        for _ in 0..3000 {
            let text = rng.glue(&pieces, 0, 10);
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let expected = text[at..].find(char::is_uppercase).map(|o| at + o);
                assert_eq!(next_capital(&text, at), expected, "{text:?} from {at}");
            }
        }
    }

    #[test]
    fn lower_case_search_agrees_with_splitting_the_text_into_words() {
        let pieces = [
            "shwe", "Kokko", "kokko", " ", "9x", "é", "老街", "-", "a", "\u{a0}", "Z", "’s",
        ];
        let asked = [
            "Shwe",
            "Kokko",
            "Kokko9x",
            "Shwekokko",
            "A",
            "Z",
            "Shwe-kokko",
            "Shwe9",
            "Zs",
            "Kokk",
        ];
        let mut rng = crate::events::synthetic::Rng::new(29);
        let mut yes = 0;
        for _ in 0..3000 {
            let text = rng.glue(&pieces, 0, 12);
            let words: rustc_hash::FxHashSet<&str> = text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
                .collect();
            assert_eq!(lowercase_words(&text), words, "{text:?}");
            // Asked more words than it searches for, the rest answered from
            // the gathered words.
            let mut lower_case = LowerCase::new(&text);
            for word in asked.iter().chain(&asked) {
                let expected = words.contains(lower_initial(word).as_str());
                yes += usize::from(expected);
                assert_eq!(
                    written_in_lower_case(&text, word),
                    expected,
                    "{word} in {text:?}"
                );
                assert_eq!(lower_case.has(word), expected, "{word} in {text:?}");
            }
        }
        assert!(yes > 500, "{yes}");
    }
}
