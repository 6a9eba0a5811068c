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

use std::collections::HashMap;

use super::lexicon::{Entry, Lexicon};
use super::text::{fold_name, is_alphanumeric, is_unspaced_script, is_word_char, Folded, HARD};
use super::words::{
    is_capitalised, is_space_gap, lower_in, starts_sentence, word_after, word_before, Word,
};
use crate::gazetteer::{Gazetteer, Kind, Layer, Place, PlaceId};

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

/// Words that make a capitalised sequence an organisation's name.
const ORG_HEADS: &[&str] = &[
    "Academy",
    "Agency",
    "Airlines",
    "Airport",
    "Airways",
    "Alliance",
    "Army",
    "Association",
    "Authority",
    "Bank",
    "Brigade",
    "Bureau",
    "Channel",
    "Club",
    "Coalition",
    "College",
    "Commission",
    "Committee",
    "Company",
    "Congress",
    "Corporation",
    "Corp",
    "Council",
    "Court",
    "Daily",
    "Embassy",
    "Federation",
    "Force",
    "Forces",
    "Foundation",
    "Front",
    "Gazette",
    "Group",
    "Herald",
    "Inc",
    "Institute",
    "Journal",
    "League",
    "Light",
    "Ltd",
    "Mail",
    "Media",
    "Ministry",
    "Monitor",
    "Movement",
    "Network",
    "News",
    "Observer",
    "Office",
    "Online",
    "Organisation",
    "Organization",
    "Party",
    "Police",
    "Post",
    "Press",
    "Radio",
    "Review",
    "Society",
    "Telegraph",
    "Television",
    "Times",
    "Tribune",
    "TV",
    "Union",
    "University",
    "Watch",
    "Weekly",
];

/// Lower-case words that may join the words of an organisation's name.
const ORG_JOINERS: &[&str] = &["of", "and", "for", "the", "&", "on", "de"];

/// Titles in front of a person's name.
const TITLES: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "General",
    "Gen",
    "President",
    "Minister",
    "Senator",
    "Commander",
    "Colonel",
    "Col",
    "Captain",
    "Capt",
    "Lt",
    "Lieutenant",
    "Sergeant",
    "Chairman",
    "Chairwoman",
    "Secretary",
    "Ambassador",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pastor",
    "Father",
    "Brigadier",
    "Major",
    "Premier",
    "Governor",
    "Director",
    "Judge",
    "Officer",
    "Daw",
    "Sir",
    "Lord",
    "Lady",
    "Saint",
];

/// Capitalised words that begin a sentence or a list without being names.
const FUNCTION_WORDS: &[&str] = &[
    "A",
    "An",
    "The",
    "In",
    "At",
    "On",
    "From",
    "To",
    "Into",
    "Near",
    "Of",
    "For",
    "By",
    "With",
    "And",
    "But",
    "Or",
    "As",
    "After",
    "Before",
    "Since",
    "While",
    "When",
    "Where",
    "Across",
    "Along",
    "Around",
    "Outside",
    "Inside",
    "Over",
    "Under",
    "Both",
    "Meanwhile",
    "Also",
    "Even",
    "Some",
    "Many",
    "This",
    "That",
    "These",
    "Those",
    "Its",
    "Their",
    "His",
    "Her",
    "Our",
    "Via",
    "Between",
    "Within",
    "Through",
    "Last",
    "Since",
    "Unlike",
    "Like",
    "Despite",
    "Amid",
    "Among",
    "If",
    "Yet",
    "So",
    "Then",
    "Now",
    "Here",
    "There",
    "Why",
    "How",
    "What",
    "Who",
];

/// Direction words that make a region of a place ("northern Myanmar").
const DIRECTIONS: &[&str] = &[
    "northern",
    "southern",
    "eastern",
    "western",
    "north",
    "south",
    "east",
    "west",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "north-eastern",
    "north-western",
    "south-eastern",
    "south-western",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "central",
    "upper",
    "lower",
];

/// Generic words that belong to a place's name when they follow it.
const ADMIN_SUFFIXES: &[&str] = &[
    "region",
    "township",
    "district",
    "province",
    "prefecture",
    "county",
    "subdistrict",
];
/// The same, counted only when capitalised ("Shan State", "Myawaddy Town").
const ADMIN_SUFFIXES_CAPITALISED: &[&str] = &["State", "Town", "City", "Area", "Division", "Zone"];

/// Generic words written straight before a name in Thai ("district", "province",
/// "country", "town"): part of the span.
const UNSPACED_PREFIXES: &[&str] = &["อำเภอ", "จังหวัด", "ประเทศ", "เมือง"];
/// Generic words written straight after a name in Burmese and Chinese
/// ("township", "town", "country"; city, county, province, prefecture, town,
/// region, autonomous region or zone).
const UNSPACED_SUFFIXES: &[&str] = &[
    "မြို့နယ်",
    "မြို့",
    "နိုင်ငံ",
    "市",
    "县",
    "縣",
    "省",
    "州",
    "镇",
    "鎮",
    "地区",
    "地區",
    "自治区",
    "自治區",
];

/// Names that are also the names of peoples: used for people, they are not places.
const ETHNONYMS: &[&str] = &[
    "shan", "karen", "kachin", "mon", "chin", "wa", "kokang", "lahu", "akha", "rakhine", "kayin",
    "kayah", "karenni", "palaung", "ta'ang", "lao",
];
/// Nouns for people after which an ethnic name is not a place.
const PEOPLE_NOUNS: &[&str] = &[
    "people",
    "peoples",
    "rebel",
    "rebels",
    "fighters",
    "militia",
    "militias",
    "insurgents",
    "insurgent",
    "armed",
    "ethnic",
    "refugees",
    "villagers",
    "community",
    "communities",
    "language",
    "minority",
    "minorities",
    "soldiers",
    "troops",
    "men",
    "women",
    "man",
    "woman",
    "leader",
    "leaders",
    "families",
    "family",
    "population",
    "civilians",
    "traders",
    "workers",
];

/// Words in front of a name that say a place follows.
const LOCATIVE: &[&str] = &[
    "in", "at", "near", "from", "to", "into", "outside", "around", "across", "toward", "towards",
    "via", "between", "inside", "through", "reached", "entered", "left", "fled", "crossed",
    "along", "nearby",
];
/// Words after a name that say it is a place.
const PLACE_NOUNS: &[&str] = &[
    "town",
    "township",
    "village",
    "city",
    "district",
    "province",
    "region",
    "area",
    "border",
    "state",
    "county",
    "prefecture",
    "airport",
    "checkpoint",
    "crossing",
];
/// Nouns before "of" that say a place follows ("the town of Laukkai").
const PLACE_OF: &[&str] = &[
    "town",
    "city",
    "village",
    "province",
    "district",
    "capital",
    "outskirts",
    "township",
    "region",
    "state",
    "county",
    "border",
    "streets",
    "centre",
    "center",
    "heart",
];

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

/// Curated Latin names for the typo-tolerant pass, by first letter, each with
/// its [`letter_set`].
#[derive(Debug, Default)]
pub struct TypoIndex {
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
                if alias.is_some_and(|a| super::lexicon::is_bulk_alias(place, a)) {
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
    pub fn detect(&self, gazetteer: &Gazetteer, text: &str, folded: &Folded) -> Vec<Span> {
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
        spans
    }

    /// Capitalised words (and pairs of them) not inside a span, compared with
    /// the curated names allowing typing errors.
    fn typo_pass(&self, gazetteer: &Gazetteer, text: &str, spans: &mut Vec<Span>) {
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
                if let Some(&(first, edits)) = found.first() {
                    let mut entries: Vec<Entry> = Vec::new();
                    for (entry, e) in found {
                        if *e == edits && !entries.iter().any(|x| x.place == entry.place) {
                            entries.push(*entry);
                        }
                    }
                    let matched = first.name(gazetteer.place(first.place)).to_string();
                    let span = Span {
                        start: candidate.start,
                        end: candidate.end,
                        entries,
                        found: Found::Fuzzy { edits, matched },
                        organisation: None,
                        part: None,
                    };
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

/// Joins "X border" and "X-Y border" (X, Y countries or their demonyms) into
/// one border span.
fn borders(
    gazetteer: &Gazetteer,
    border_lines: &[PlaceId],
    text: &str,
    mut spans: Vec<Span>,
) -> Vec<Span> {
    let lines = BorderLines::new(gazetteer, border_lines);
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
    // "Thai border", "Thai-Cambodian border": demonym border phrases with no span.
    out = demonym_borders(&lines, text, out);
    out = unspaced_borders(&lines, text, out);
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

/// The organisation name a span sits in: capitalised words around it ending
/// in an organisation word ("United Wa State Army", "China Daily"), or
/// "X of PLACE" after such a name ("Global New Light of Myanmar").
fn organisation(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if !text[start..end].bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    // Capitalised words before the span, back to a function word.
    let org_start = capitalised_before(text, start, 4)
        .last()
        .map_or(start, |w| w.start);
    // Forward: capitalised words (and joiners) after the span, up to a head.
    let mut pos = end;
    let mut head_end = None;
    for _ in 0..6 {
        let Some(w) = word_after(text, pos) else {
            break;
        };
        if !is_space_gap(&text[pos..w.start]) {
            break;
        }
        let word = w.text(text);
        if ORG_JOINERS.contains(&word) {
            pos = w.end;
            continue;
        }
        if !is_capitalised(word) {
            break;
        }
        if ORG_HEADS.contains(&word) {
            head_end = Some(w.end);
        }
        pos = w.end;
    }
    if let Some(e) = head_end {
        return Some((org_start, e));
    }
    // Backward: "<Capitalised ... Head> of [the] PLACE".
    let mut before = word_before(text, start)?;
    if before.text(text) == "the" {
        before = word_before(text, before.start)?;
    }
    if before.text(text) != "of" {
        return None;
    }
    let words = capitalised_before(text, before.start, 5);
    let has_head = words.iter().any(|w| ORG_HEADS.contains(&w.text(text)));
    match words.last() {
        Some(first) if has_head => Some((first.start, end)),
        _ => None,
    }
}

/// Up to `most` capitalised words right before byte `at`, nearest first, each
/// separated from the next by spaces only; a function word stops the run.
fn capitalised_before(text: &str, at: usize, most: usize) -> Vec<Word> {
    let mut words = Vec::new();
    let mut pos = at;
    while words.len() < most {
        let Some(w) = word_before(text, pos) else {
            break;
        };
        let word = w.text(text);
        if !is_space_gap(&text[w.end..pos])
            || !is_capitalised(word)
            || FUNCTION_WORDS.contains(&word)
        {
            break;
        }
        pos = w.start;
        words.push(w);
    }
    words
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

    #[test]
    fn organisations_around_a_name() {
        let t = "the United Wa State Army said";
        let s = t.find("Wa State").unwrap();
        let (a, b) = organisation(t, s, s + 8).unwrap();
        assert_eq!(&t[a..b], "United Wa State Army");
        let t = "outlet China Daily, China's";
        let (a, b) = organisation(t, 7, 12).unwrap();
        assert_eq!(&t[a..b], "China Daily");
        let t = "in the Global New Light of Myanmar newspaper";
        let s = t.find("Myanmar").unwrap();
        let (a, b) = organisation(t, s, s + 7).unwrap();
        assert_eq!(&t[a..b], "Global New Light of Myanmar");
        let t = "the Myanmar government";
        assert_eq!(organisation(t, 4, 11), None);
    }

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

    #[test]
    fn titles_mark_persons() {
        let t = "Senior General Min Aung Hlaing met";
        assert!(preceded_by_title(t, t.find("Hlaing").unwrap()));
        assert!(!preceded_by_title("troops in Myawaddy", 10));
    }
}
