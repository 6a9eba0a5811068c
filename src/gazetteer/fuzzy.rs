//! The name index: normalised keys to the places that carry them, and a trigram
//! index over the keys for typo-tolerant lookup.
//!
//! # Runtime
//! An exact lookup is one hash probe. A fuzzy lookup counts the query's
//! trigrams in the posting lists (keys sharing too few trigrams cannot be within
//! the allowed edits: one edit destroys at most three trigrams), then computes the
//! optimal-string-alignment distance only for the keys that pass.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::normalize::normalize;
use super::{Place, PlaceId};

/// Which of a place's names a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameRef {
    Canonical,
    Alias(u32),
}

/// One place carrying one key.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    pub place: PlaceId,
    pub name: NameRef,
}

#[derive(Debug)]
struct KeyEntry {
    key: Box<str>,
    chars: u32,
    hits: Vec<Hit>,
}

/// A key that matched a fuzzy query, with its edit distance.
#[derive(Debug, Clone, Copy)]
pub(super) struct FuzzyMatch {
    pub key: u32,
    pub edits: u32,
}

#[derive(Debug, Default)]
pub(super) struct NameIndex {
    exact: HashMap<Box<str>, u32>,
    keys: Vec<KeyEntry>,
    grams: HashMap<u64, Vec<u32>>,
}

/// Queries shorter than this many characters are matched exactly only: with
/// three letters, one typo makes another real name.
pub(super) const FUZZY_MIN_CHARS: usize = 4;

/// Edits allowed for a query of `chars` characters.
pub(super) fn max_edits(chars: usize) -> u32 {
    match chars {
        0..=3 => 0,
        4..=5 => 1,
        6..=11 => 2,
        _ => 3,
    }
}

impl NameIndex {
    pub fn build(places: &[Place]) -> Self {
        let mut index = NameIndex::default();
        for (pi, place) in places.iter().enumerate() {
            let place_id = PlaceId(pi as u32);
            let names = std::iter::once((NameRef::Canonical, place.name.as_str())).chain(
                place
                    .aliases
                    .iter()
                    .enumerate()
                    .map(|(ai, a)| (NameRef::Alias(ai as u32), a.name.as_str())),
            );
            for (name_ref, name) in names {
                let key = normalize(name);
                if key.is_empty() {
                    continue;
                }
                index.add(
                    key,
                    Hit {
                        place: place_id,
                        name: name_ref,
                    },
                );
            }
        }
        index
    }

    fn add(&mut self, key: String, hit: Hit) {
        if let Some(&id) = self.exact.get(key.as_str()) {
            let hits = &mut self.keys[id as usize].hits;
            // One place reachable by several names under the same key: keep the
            // canonical name if it is one of them.
            match hits.iter_mut().find(|h| h.place == hit.place) {
                Some(existing) if hit.name == NameRef::Canonical => *existing = hit,
                Some(_) => {}
                None => hits.push(hit),
            }
            return;
        }
        let id = self.keys.len() as u32;
        let chars: Vec<char> = key.chars().collect();
        let grams: HashSet<u64> = trigrams(&chars).collect();
        for gram in grams {
            self.grams.entry(gram).or_default().push(id);
        }
        self.keys.push(KeyEntry {
            key: key.clone().into_boxed_str(),
            chars: chars.len() as u32,
            hits: vec![hit],
        });
        self.exact.insert(key.into_boxed_str(), id);
    }

    /// The places whose name normalises to `key`.
    pub fn exact(&self, key: &str) -> &[Hit] {
        self.exact
            .get(key)
            .map_or(&[], |&id| self.keys[id as usize].hits.as_slice())
    }

    pub fn hits(&self, key: u32) -> &[Hit] {
        &self.keys[key as usize].hits
    }

    pub fn key_chars(&self, key: u32) -> usize {
        self.keys[key as usize].chars as usize
    }

    /// Keys within [`max_edits`] of `key`, nearest first.
    pub fn fuzzy(&self, key: &str) -> Vec<FuzzyMatch> {
        let chars: Vec<char> = key.chars().collect();
        if chars.len() < FUZZY_MIN_CHARS {
            return Vec::new();
        }
        let max = max_edits(chars.len());
        let grams: HashSet<u64> = trigrams(&chars).collect();
        let needed = (grams.len() as i64 - 3 * i64::from(max)).max(1) as u32;

        thread_local! {
            static SCRATCH: RefCell<(Vec<u32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
        }
        SCRATCH.with(|scratch| {
            let (counts, touched) = &mut *scratch.borrow_mut();
            if counts.len() < self.keys.len() {
                counts.resize(self.keys.len(), 0);
            }
            for gram in &grams {
                for &id in self.grams.get(gram).map_or(&[][..], Vec::as_slice) {
                    let c = &mut counts[id as usize];
                    if *c == 0 {
                        touched.push(id);
                    }
                    *c += 1;
                }
            }
            let mut found = Vec::new();
            for &id in touched.iter() {
                let shared = std::mem::take(&mut counts[id as usize]);
                let entry = &self.keys[id as usize];
                if shared < needed || (entry.chars as usize).abs_diff(chars.len()) > max as usize {
                    continue;
                }
                let edits = strsim::osa_distance(key, &entry.key) as u32;
                // The candidate's own length bounds the edits too, so that a short
                // key is not reached by rewriting half of it.
                if edits <= max.min(max_edits(entry.chars as usize)) {
                    found.push(FuzzyMatch { key: id, edits });
                }
            }
            touched.clear();
            found.sort_by_key(|m| (m.edits, m.key));
            found
        })
    }
}

/// Trigrams of a key padded with two boundary marks on each side, packed in a u64.
fn trigrams(chars: &[char]) -> impl Iterator<Item = u64> + '_ {
    const PAD: char = '\u{2}';
    let padded_len = chars.len() + 4;
    let at = move |i: usize| {
        if i < 2 || i >= chars.len() + 2 {
            PAD
        } else {
            chars[i - 2]
        }
    };
    (0..padded_len - 2).map(move |i| {
        (u64::from(at(i) as u32) << 42)
            | (u64::from(at(i + 1) as u32) << 21)
            | u64::from(at(i + 2) as u32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_budget_grows_with_length() {
        assert_eq!(max_edits(3), 0);
        assert_eq!(max_edits(5), 1);
        assert_eq!(max_edits(8), 2);
        assert_eq!(max_edits(14), 3);
    }

    #[test]
    fn trigrams_cover_boundaries() {
        let chars: Vec<char> = "ab".chars().collect();
        assert_eq!(trigrams(&chars).count(), 4);
    }
}
