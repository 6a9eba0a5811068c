//! The name index: normalised keys to the places that carry them, and a trigram
//! index over the keys for typo-tolerant lookup.
//!
//! # Runtime
//! An exact lookup is one hash probe. A fuzzy lookup counts the query's
//! trigrams in the posting lists, reading only keys whose length is within the
//! allowed edits (each list is sorted by key length); keys sharing too few
//! trigrams cannot be within the allowed edits, as one edit destroys at most three
//! trigrams. The optimal-string-alignment distance (bit-parallel, from the
//! `rapidfuzz` crate, with a cutoff) is computed only for the keys that pass.

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
    chars: Box<[char]>,
    hits: Vec<Hit>,
}

/// A posting: the key's length (capped at 255 characters) in the top 8 bits and
/// its id in the low 24, so that sorting postings sorts them by key length and a
/// length window is one contiguous run.
type Posting = u32;
const ID_BITS: u32 = 24;
const MAX_KEYS: usize = 1 << ID_BITS;

fn posting(id: u32, chars: usize) -> Posting {
    ((chars.min(255) as u32) << ID_BITS) | id
}

fn posting_id(p: Posting) -> u32 {
    p & ((1 << ID_BITS) - 1)
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
    grams: HashMap<u64, Vec<Posting>>,
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
            for (alias, name) in place.names() {
                let name_ref = alias.map_or(NameRef::Canonical, NameRef::Alias);
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
        // Posting lists sorted by key length, so that a query reads only the
        // keys whose length is within its edit budget.
        for list in index.grams.values_mut() {
            list.sort_unstable();
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
        if self.keys.len() >= MAX_KEYS {
            return; // far beyond any regional gazetteer; such keys are not indexed
        }
        let id = self.keys.len() as u32;
        let chars: Vec<char> = key.chars().collect();
        let grams: HashSet<u64> = trigrams(&chars).collect();
        for gram in grams {
            self.grams
                .entry(gram)
                .or_default()
                .push(posting(id, chars.len()));
        }
        self.keys.push(KeyEntry {
            chars: chars.into_boxed_slice(),
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
        self.keys[key as usize].chars.len()
    }

    /// Keys within [`max_edits`] of `key`, nearest first.
    ///
    /// The search runs in tiers: keys one edit away first (most typing errors are
    /// one edit, and that search is tight), then, only when there are none, keys
    /// within the whole budget.
    pub fn fuzzy(&self, key: &str) -> Vec<FuzzyMatch> {
        let chars: Vec<char> = key.chars().collect();
        if chars.len() < FUZZY_MIN_CHARS {
            return Vec::new();
        }
        let budget = max_edits(chars.len());
        let close = self.within(&chars, 1);
        if !close.is_empty() || budget <= 1 {
            return close;
        }
        self.within(&chars, budget)
    }

    /// Each distinct trigram's postings of the query `chars`, cut to the keys
    /// whose length is within `max` edits of the query's.
    fn postings(&self, chars: &[char], max: u32) -> Vec<&[Posting]> {
        let first = posting(0, chars.len().saturating_sub(max as usize));
        let beyond = posting(0, chars.len() + max as usize + 1);
        let mut grams: Vec<u64> = trigrams(chars).collect();
        grams.sort_unstable();
        grams.dedup();
        grams
            .iter()
            .map(|gram| match self.grams.get(gram) {
                Some(list) => {
                    let start = list.partition_point(|&p| p < first);
                    let end = list.partition_point(|&p| p < beyond);
                    &list[start..end]
                }
                None => &[][..],
            })
            .collect()
    }

    /// Keys within `max` edits of the query `chars`, nearest first.
    fn within(&self, chars: &[char], max: u32) -> Vec<FuzzyMatch> {
        let mut lists = self.postings(chars, max);
        // One edit destroys at most three trigrams, so a key within `max` edits
        // shares at least `needed` of the query's trigrams, and at least one of any
        // `3 * max + 1` of them. Two ways to find the candidates, whichever reads
        // less: verify every key in the rarest `3 * max + 1` lists, or count the
        // shared trigrams over all lists and verify only the keys that reach
        // `needed`.
        lists.sort_unstable_by_key(|l| l.len());
        let needed = lists.len().saturating_sub(3 * max as usize).max(1);
        let rare = (3 * max as usize + 1).min(lists.len());
        let rare_postings: usize = lists[..rare].iter().map(|l| l.len()).sum();
        let all_postings: usize = lists.iter().map(|l| l.len()).sum();
        let count_first = needed > 1 && rare_postings * VERIFY_COST > all_postings;

        let comparator = rapidfuzz::distance::osa::BatchComparator::new(chars.iter().copied());
        let cutoff = rapidfuzz::distance::osa::Args::default().score_cutoff(max as usize);
        let verify = |id: u32, found: &mut Vec<FuzzyMatch>| {
            let entry = &self.keys[id as usize];
            // The candidate's own length bounds the edits too, so that a short
            // key is not reached by rewriting half of it.
            let allowed = max.min(max_edits(entry.chars.len())) as usize;
            if let Some(edits) = comparator.distance_with_args(entry.chars.iter().copied(), &cutoff)
            {
                if edits <= allowed {
                    found.push(FuzzyMatch {
                        key: id,
                        edits: edits as u32,
                    });
                }
            }
        };

        thread_local! {
            static COUNTS: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
        }
        COUNTS.with(|counts| {
            let counts = &mut *counts.borrow_mut();
            if counts.len() < self.keys.len() {
                counts.resize(self.keys.len(), 0);
            }
            let read = if count_first {
                &lists[..]
            } else {
                &lists[..rare]
            };
            let mut touched = Vec::new();
            for &p in read.iter().flat_map(|l| l.iter()) {
                let c = &mut counts[posting_id(p) as usize];
                if *c == 0 {
                    touched.push(posting_id(p));
                }
                *c = c.saturating_add(1);
            }
            let mut found = Vec::new();
            for id in touched {
                let shared = std::mem::take(&mut counts[id as usize]);
                if !count_first || usize::from(shared) >= needed {
                    verify(id, &mut found);
                }
            }
            found.sort_by_key(|m| (m.edits, m.key));
            found
        })
    }
}

/// How much more a bit-parallel distance costs than counting one posting;
/// decides between the two candidate searches.
const VERIFY_COST: usize = 12;

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
