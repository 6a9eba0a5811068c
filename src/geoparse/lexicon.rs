//! The lexicon: every gazetteer name worth looking for in running text, folded
//! (see [`text`](super::text)) and compiled once into one Aho-Corasick
//! automaton.
//!
//! Curated names and aliases all go in. GeoNames names go in only when they
//! look like names a text would use for the place: Latin names of at least four
//! letters that are not common English words, codes (`MAQ`, `KMG`) left out,
//! and only the scripts of the region. Those matches must still find support
//! in their context before they count (see [`mentions`](super::mentions)).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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
    automaton: AhoCorasick,
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
    /// Tens of milliseconds for the bundled gazetteer (a few tens of thousands
    /// of names); done once per process.
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
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)?;
        Ok(Self {
            automaton,
            entries,
            keys,
        })
    }

    /// Every occurrence of every pattern in the folded `text`, overlapping ones
    /// included: `(pattern, start, end)` in folded bytes.
    pub fn find_all<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (u32, usize, usize)> + 'a {
        self.automaton
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
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
