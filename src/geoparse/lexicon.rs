//! The lexicon: every gazetteer name worth looking for in running text, folded
//! (see [`text`](super::text)) and compiled once into two Aho-Corasick
//! automata: the names of ASCII letters as a DFA searched over the whole text,
//! and the names in other scripts as a compact NFA searched only in the
//! stretches of text that hold a non-ASCII character.
//!
//! Curated names and aliases all go in. GeoNames names go in only when they
//! look like names a text would use for the place: Latin names of at least four
//! letters that are not common English words, codes (`MAQ`, `KMG`) left out,
//! and only the scripts of the region. Those matches must still find support
//! in their context before they count (see [`mentions`](super::mentions)).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::text::{fold_name, is_han, HARD};
use crate::gazetteer::{Gazetteer, Layer, Place, PlaceId};

/// One place a pattern may name.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub place: PlaceId,
    /// The name that produced the pattern: `None` for the canonical name, else
    /// the alias index.
    pub alias: Option<u32>,
    /// The name is a short code in capitals (US, PRC): the text must match its
    /// case exactly.
    pub case_exact: bool,
    /// The name comes from the bulk GeoNames alternate names (of a GeoNames
    /// place, or merged into a curated one), not from the curated lists.
    pub bulk: bool,
}

impl Entry {
    /// The gazetteer name behind this entry.
    #[must_use]
    pub fn name<'g>(&self, place: &'g Place) -> &'g str {
        match self.alias {
            None => &place.name,
            Some(i) => &place.aliases[i as usize].name,
        }
    }
}

/// Folded gazetteer names and the places behind each.
#[derive(Debug)]
pub struct Lexicon {
    /// The patterns of ASCII bytes.
    ascii: Part,
    /// The patterns with a byte beyond ASCII.
    other: Part,
    entries: Vec<Vec<Entry>>,
    /// Folded key -> pattern id, for exact look-ups outside the automaton.
    keys: HashMap<String, u32>,
}

/// Words that GeoNames uses as (part of) a place name but that a news text
/// uses as ordinary words; a GeoNames name equal to one of them is not looked for.
const COMMON_WORDS: &[&str] = &[
    "about",
    "after",
    "again",
    "against",
    "alliance",
    "also",
    "army",
    "bank",
    "border",
    "branch",
    "bridge",
    "camp",
    "capital",
    "center",
    "centre",
    "central",
    "china",
    "city",
    "coast",
    "college",
    "council",
    "court",
    "daily",
    "down",
    "east",
    "eastern",
    "field",
    "first",
    "forest",
    "fort",
    "front",
    "garden",
    "gate",
    "global",
    "golden",
    "great",
    "green",
    "group",
    "hall",
    "harbour",
    "high",
    "hill",
    "home",
    "hope",
    "house",
    "island",
    "junction",
    "king",
    "lake",
    "land",
    "light",
    "line",
    "little",
    "lower",
    "main",
    "market",
    "middle",
    "mine",
    "ministry",
    "mission",
    "mount",
    "mountain",
    "national",
    "navy",
    "news",
    "north",
    "northern",
    "office",
    "park",
    "pass",
    "peace",
    "point",
    "police",
    "port",
    "post",
    "power",
    "queen",
    "river",
    "road",
    "rock",
    "royal",
    "saint",
    "school",
    "sea",
    "second",
    "silver",
    "south",
    "southern",
    "spring",
    "square",
    "star",
    "state",
    "station",
    "street",
    "sun",
    "temple",
    "third",
    "three",
    "times",
    "today",
    "top",
    "tower",
    "town",
    "union",
    "united",
    "upper",
    "valley",
    "village",
    "wall",
    "water",
    "watch",
    "west",
    "western",
    "white",
    "world",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "xinhua",
    "reuters",
    "people",
    "thai",
    "lao",
    "laos",
    "chinese",
    "burmese",
    "asia",
    "asian",
    "india",
    "indian",
    "general",
    "minister",
    "president",
    "senior",
    "deputy",
    "leader",
    "major",
    "colonel",
    "captain",
    "brother",
    "professional",
    "messages",
    "reputation",
    "reaction",
    "points",
    "operation",
    "rights",
    "human",
    "kyaw",
    "aung",
    "hlaing",
    "thein",
    "maung",
    "tun",
];

impl Lexicon {
    /// Builds the lexicon of a gazetteer.
    ///
    /// # Runtime
    /// About 150 ms for the bundled gazetteer (some 16,000 folded names),
    /// most of it building the DFA of the ASCII names; done once per process.
    ///
    /// # Errors
    /// Only if the automaton grows beyond what `aho-corasick` can build, which
    /// no regional gazetteer comes near.
    pub fn build(gazetteer: &Gazetteer) -> Result<Self, aho_corasick::BuildError> {
        let mut keys: HashMap<String, u32> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut entries: Vec<Vec<Entry>> = Vec::new();
        for (pi, place) in gazetteer.places().iter().enumerate() {
            for (alias, name) in place.names() {
                let bulk = place.layer == Layer::GeoNames
                    || alias.is_some_and(|a| is_bulk_alias(place, a));
                let Some(key) = pattern_key(name, bulk) else {
                    continue;
                };
                let case_exact = is_code(name);
                let entry = Entry {
                    place: PlaceId(pi as u32),
                    alias,
                    case_exact,
                    bulk,
                };
                let id = *keys.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    entries.push(Vec::new());
                    (patterns.len() - 1) as u32
                });
                let list = &mut entries[id as usize];
                match list.iter_mut().find(|e| e.place == entry.place) {
                    // The canonical name, a curated name, or a name matched
                    // without case rules wins.
                    Some(existing) => {
                        if (entry.alias.is_none() && existing.alias.is_some())
                            || (existing.bulk && !entry.bulk)
                            || (existing.case_exact && !entry.case_exact)
                        {
                            *existing = entry;
                        }
                    }
                    None => list.push(entry),
                }
            }
        }
        // A DFA for the ASCII names, the bulk of the lexicon and of news
        // text: several times faster to search than an NFA, and its alphabet
        // of a few dozen byte classes keeps it to some 15 MB. The other
        // scripts need most of the 256 bytes, so their DFA would be larger
        // than it is worth; they stay a compact NFA.
        let (ascii, other): (Vec<u32>, Vec<u32>) =
            (0..patterns.len() as u32).partition(|&id| patterns[id as usize].is_ascii());
        Ok(Self {
            ascii: Part::build(&patterns, ascii, AhoCorasickKind::DFA)?,
            other: Part::build(&patterns, other, AhoCorasickKind::ContiguousNFA)?,
            entries,
            keys,
        })
    }

    /// Every occurrence of every pattern in the folded `text`, overlapping ones
    /// included: `(pattern, start, end)` in folded bytes, ordered by end, then
    /// longest first, as one automaton of all patterns reports them.
    ///
    /// # Runtime
    /// The ASCII names are searched over the whole text; the others only in
    /// the stretches between two hard separators that hold a non-ASCII byte,
    /// since no name spans a hard separator. The matches are found as they
    /// are taken, never gathered: dense text has several overlapping
    /// candidates per name.
    pub fn find_all<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (u32, usize, usize)> + 'a {
        let bytes = text.as_bytes();
        let stretches = memchr::memchr_iter(HARD, bytes)
            .chain([bytes.len()])
            .scan(0, |from, end| Some((std::mem::replace(from, end + 1), end)));
        let other = stretches
            .filter(move |&(from, end)| !bytes[from..end].is_ascii())
            .flat_map(move |(from, end)| self.other.find_all(&text[from..end], from));
        merge_by_end(self.ascii.find_all(text, 0), other)
    }

    #[must_use]
    pub fn entries(&self, pattern: u32) -> &[Entry] {
        &self.entries[pattern as usize]
    }

    /// The pattern of an already folded key, if the lexicon has it.
    #[must_use]
    pub fn pattern_of(&self, key: &str) -> Option<u32> {
        self.keys.get(key).copied()
    }
}

/// One automaton over some of the lexicon's patterns.
#[derive(Debug)]
struct Part {
    automaton: AhoCorasick,
    /// The lexicon's pattern id of each of the automaton's patterns.
    ids: Vec<u32>,
}

impl Part {
    fn build(
        patterns: &[String],
        ids: Vec<u32>,
        kind: AhoCorasickKind,
    ) -> Result<Self, aho_corasick::BuildError> {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(ids.iter().map(|&id| &patterns[id as usize]))?;
        Ok(Self { automaton, ids })
    }

    /// The overlapping matches in `text`, which sits at byte `offset` of the
    /// whole folded text.
    fn find_all<'a>(
        &'a self,
        text: &'a str,
        offset: usize,
    ) -> impl Iterator<Item = (u32, usize, usize)> + 'a {
        self.automaton.find_overlapping_iter(text).map(move |m| {
            let id = self.ids[m.pattern().as_usize()];
            (id, offset + m.start(), offset + m.end())
        })
    }
}

/// Two runs of matches, each ordered by end and then longest first, merged
/// into one in that order. No two matches share both end and length: they
/// would be the same bytes, so the same pattern.
fn merge_by_end(
    a: impl Iterator<Item = (u32, usize, usize)>,
    b: impl Iterator<Item = (u32, usize, usize)>,
) -> impl Iterator<Item = (u32, usize, usize)> {
    let key = |&(_, start, end): &(u32, usize, usize)| (end, std::cmp::Reverse(end - start));
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) => {
            if key(x) <= key(y) {
                a.next()
            } else {
                b.next()
            }
        }
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

/// Whether a curated place's alias was merged in from GeoNames' alternate names
/// (no language given) rather than listed by hand.
#[must_use]
pub fn is_bulk_alias(place: &Place, alias: u32) -> bool {
    let a = &place.aliases[alias as usize];
    a.lang.is_empty() && a.source.starts_with("GeoNames")
}

/// A name in capitals of at most four letters: a code or abbreviation.
fn is_code(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty()
        && letters.len() <= 4
        && letters.iter().all(|c| c.is_ascii_uppercase())
        && name.is_ascii()
}

/// The folded key a name is searched under, or `None` when the name is not
/// worth looking for in running text.
fn pattern_key(name: &str, bulk: bool) -> Option<String> {
    let key = fold_name(name);
    let key = key.trim_matches(HARD as char).to_string();
    let chars = key.chars().count();
    if chars < 2 || key.chars().all(|c| c.is_numeric() || c == HARD as char) {
        return None;
    }
    if !bulk {
        return Some(key);
    }
    // GeoNames: only the region's scripts, no codes, no common words.
    let first = key.chars().next()?;
    if key.is_ascii() {
        if chars < 4
            || is_code(name)
            || COMMON_WORDS.contains(&key.as_str())
            || super::dates::MONTHS.contains(&key.as_str())
        {
            return None;
        }
        if key.contains(HARD as char) {
            return None;
        }
        return Some(key);
    }
    let regional = key.chars().all(|c| {
        is_han(c)
            || matches!(c, '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}')
    });
    if !regional {
        return None;
    }
    // One Han character is a syllable, not a name.
    if is_han(first) && chars < 2 {
        return None;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two automata find what one automaton of every pattern finds, in
    /// the same order.
    #[test]
    fn both_parts_find_what_one_automaton_finds() {
        let gazetteer = Gazetteer::bundled().expect("bundled gazetteer");
        let lexicon = Lexicon::build(&gazetteer).expect("lexicon");
        let mut patterns: Vec<(&str, u32)> = lexicon
            .keys
            .iter()
            .map(|(k, &id)| (k.as_str(), id))
            .collect();
        patterns.sort_by_key(|&(_, id)| id);
        let one = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|(k, _)| k))
            .expect("one automaton");
        // Pieces of names in every script, glued together or apart.
        let mut pieces: Vec<&str> = patterns.iter().step_by(37).map(|(k, _)| *k).collect();
        pieces.extend(["\n", "\n", "x", "a", "老", "街", "ก", "\u{1019}", "ss", "é"]);
        let mut rng = crate::events::synthetic::Rng::new(23);
        let (mut both, mut matches) = (0, 0);
        for case in 0..2000 {
            let text = rng.glue(&pieces, 1, 10);
            let expected: Vec<_> = one
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
                .collect();
            let found: Vec<_> = lexicon.find_all(&text).collect();
            matches += found.len();
            both += usize::from(
                found.iter().any(|m| patterns[m.0 as usize].0.is_ascii())
                    && found.iter().any(|m| !patterns[m.0 as usize].0.is_ascii()),
            );
            assert_eq!(found, expected, "case {case}: {text:?}");
        }
        assert!(matches > 5000 && both > 100, "{matches} {both}");
    }

    #[test]
    fn codes_and_common_words_are_not_geonames_patterns() {
        assert_eq!(pattern_key("MAQ", true), None);
        assert_eq!(pattern_key("Xinhua", true), None);
        assert_eq!(pattern_key("Pai", true), None);
        assert_eq!(pattern_key("Мьявади", true), None);
        assert_eq!(pattern_key("Mae Ramat", true).as_deref(), Some("maeramat"));
        // Curated names always go in.
        assert_eq!(pattern_key("US", false).as_deref(), Some("us"));
        assert!(is_code("US") && is_code("PRC") && !is_code("Wa"));
    }
}
