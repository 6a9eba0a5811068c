//! Counts of people: "31,000 suspects", "over 50,000 people deported",
//! "about 41 thousand people", "3.1万名", "300 คน".
//!
//! A number counts people when a word for people follows it within a few words
//! ("individuals", "suspects", "foreign nationals", "of them"). Its kind and
//! event type come from the nearest verb of the sentence ("deported":
//! deportation; "handed over": handover; "arrested": raid). It is linked to the
//! nearest place named in the same sentence, and to the place after "to" as
//! the destination of a movement. Words such as "since", "so far" or "in
//! total" mark a running total.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Serialize;

use super::text::{is_alphanumeric, is_word_char, CharOffsets};
use super::words::{lower_in, sentence_around};
use super::Mention;
use crate::events::{CountKind, EventType};

/// Who was counted, with the event type that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PersonsKind {
    pub kind: CountKind,
    pub event_type: Option<EventType>,
    /// The verb or noun that decided, as written.
    #[serde(skip)]
    pub cue_at: Option<usize>,
}

/// One count of people in the text.
#[derive(Debug, Clone, Serialize)]
pub struct CountMention {
    /// Code-point offsets of the number and its noun, end exclusive.
    pub start: usize,
    pub end: usize,
    #[serde(skip)]
    pub byte_start: usize,
    #[serde(skip)]
    pub byte_end: usize,
    pub text: String,
    pub value: u64,
    /// "over", "about", ...: the figure is a bound or an estimate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    pub kind: CountKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// The verb that gave the kind ("deported").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// A running total ("since October", "so far").
    pub cumulative: bool,
    /// Index in the document's mentions of the nearest place in the sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<usize>,
    /// Index of the place people were moved to ("deported to China").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<usize>,
    /// Byte range of the sentence, the evidence for a draft event.
    #[serde(skip)]
    pub sentence: (usize, usize),
}

/// (cue prefix, count kind, event type); the first that matches a word wins.
const CUES: &[(&str, CountKind, EventType)] = &[
    ("deport", CountKind::Deported, EventType::Deportation),
    ("repatriat", CountKind::Deported, EventType::Deportation),
    ("expel", CountKind::Deported, EventType::Deportation),
    ("sent back", CountKind::Deported, EventType::Deportation),
    ("extradit", CountKind::HandedOver, EventType::Extradition),
    ("handed over", CountKind::HandedOver, EventType::Handover),
    ("handed to", CountKind::HandedOver, EventType::Handover),
    ("turned over", CountKind::HandedOver, EventType::Handover),
    ("handover", CountKind::HandedOver, EventType::Handover),
    ("transferred", CountKind::HandedOver, EventType::Handover),
    ("arrest", CountKind::Arrested, EventType::Raid),
    ("detain", CountKind::Arrested, EventType::Raid),
    ("apprehend", CountKind::Arrested, EventType::Raid),
    ("rounded up", CountKind::Arrested, EventType::Raid),
    ("raid", CountKind::Arrested, EventType::Raid),
    ("caught", CountKind::Arrested, EventType::Raid),
    ("rescu", CountKind::Rescued, EventType::Rescue),
    ("freed", CountKind::Rescued, EventType::Rescue),
    ("releas", CountKind::Released, EventType::Release),
    ("traffick", CountKind::Trafficked, EventType::Other),
    ("recruit", CountKind::Trafficked, EventType::Other),
    ("遣返", CountKind::Deported, EventType::Deportation),
    ("移交", CountKind::HandedOver, EventType::Handover),
    ("抓获", CountKind::Arrested, EventType::Raid),
    ("逮捕", CountKind::Arrested, EventType::Raid),
    ("解救", CountKind::Rescued, EventType::Rescue),
    ("จับกุม", CountKind::Arrested, EventType::Raid),
    ("ส่งกลับ", CountKind::Deported, EventType::Deportation),
    ("ส่งตัว", CountKind::HandedOver, EventType::Handover),
    ("ช่วยเหลือ", CountKind::Rescued, EventType::Rescue),
    ("ဖမ်းဆီး", CountKind::Arrested, EventType::Raid),
    ("ပြန်ပို့", CountKind::Deported, EventType::Deportation),
    ("လွှဲပြောင်း", CountKind::HandedOver, EventType::Handover),
    ("ကယ်ဆယ်", CountKind::Rescued, EventType::Rescue),
    ("လွှတ်ပေး", CountKind::Released, EventType::Release),
];

/// Words for people that make a number a count of people.
const PEOPLE: &[&str] = &[
    "people",
    "persons",
    "individuals",
    "suspects",
    "foreigners",
    "nationals",
    "citizens",
    "workers",
    "victims",
    "detainees",
    "scammers",
    "fraudsters",
    "criminals",
    "employees",
    "hostages",
    "fugitives",
    "deportees",
    "men",
    "women",
    "children",
    "survivors",
    "migrants",
    "chinese",
    "thais",
    "vietnamese",
    "indonesians",
    "filipinos",
    "indians",
    "malaysians",
    "ethiopians",
    "kenyans",
    "staff",
    "members",
    "figures",
    "labourers",
    "laborers",
    "escapees",
    "refugees",
];

const CUMULATIVE: &[&str] = &[
    "since",
    "so far",
    "to date",
    "in total",
    "a total of",
    "over the past",
    "cumulative",
    "altogether",
    "累计",
    "共计",
];

/// Words that multiply the number before them, with their factor.
const MULTIPLIERS: &[(&str, f64)] = &[
    ("thousand", 1_000.0),
    ("million", 1_000_000.0),
    ("万", 10_000.0),
    ("千", 1_000.0),
    ("พัน", 1_000.0),
    ("หมื่น", 10_000.0),
    ("ထောင်", 1_000.0),
    ("သောင်း", 10_000.0),
    ("သိန်း", 100_000.0),
];

/// Words for people written straight after a number in Chinese, Thai and
/// Burmese ("名", "คน", "ဦး"; ဦး in both of its encodings).
const UNSPACED_PEOPLE: &[&str] = &[
    "名",
    "人",
    "คน",
    "ราย",
    "\u{1026}\u{1038}",
    "\u{1025}\u{102e}\u{1038}",
    "ယောက်",
];

/// Words before a number that make it a bound or an estimate.
const QUALIFIERS: &[&str] = &[
    "over",
    "more than",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "some",
    "at least",
    "up to",
    "roughly",
    "an estimated",
    "close to",
    "at most",
    "fewer than",
    "less than",
];

/// `words` as alternatives of a pattern, their spaces written so that
/// verbose mode (`(?x)`) keeps them.
fn any_of<'w>(words: impl Iterator<Item = &'w str>) -> String {
    words
        .map(|w| regex::escape(w).replace(' ', r"\x20"))
        .collect::<Vec<_>>()
        .join("|")
}

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let qualifiers = any_of(QUALIFIERS.iter().copied());
        let multipliers = any_of(MULTIPLIERS.iter().map(|(w, _)| *w));
        let people = any_of(UNSPACED_PEOPLE.iter().copied());
        Regex::new(&format!(
            r"(?x)
            (?:(?P<q>(?i:{qualifiers}))\s+)?
            (?P<num>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?-u:\b)|[0-9]+(?:\.[0-9]+)?|[၀-၉]+|[๐-๙]+)
            (?:\s*(?P<mult>{multipliers}))?
            (?P<cjk>\s*(?:多)?(?:{people}))?
            "
        ))
        .unwrap_or_else(|e| panic!("count pattern: {e}"))
    })
}

/// A qualifier and the white space after it, at the end of the haystack.
fn qualifier_before_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let qualifiers = any_of(QUALIFIERS.iter().copied());
        Regex::new(&format!(r"(?i:{qualifiers})\s+\z"))
            .unwrap_or_else(|e| panic!("qualifier pattern: {e}"))
    })
}

/// The matches of [`number_re`] in `text`, the same as its `find_iter`, found
/// from the digits: every match holds a digit, and one starts at the first
/// digit after the last, or at a qualifier right before that digit.
///
/// # Runtime
/// A byte scan for digits instead of the pattern's search of every byte
/// (numbers are rare in news text); the pattern runs only where one starts.
fn number_matches(text: &str) -> impl Iterator<Item = regex::Match<'_>> {
    let re = number_re();
    let qualifier = qualifier_before_re();
    let mut from = 0;
    std::iter::from_fn(move || {
        let digit = next_digit(text, from)?;
        // The qualifier search is anchored at its end, so it reads backwards
        // from the digit.
        let start = qualifier
            .find(&text[from..digit])
            .map_or(digit, |q| from + q.start());
        let found = re.find_at(text, start)?;
        from = found.end();
        Some(found)
    })
}

/// The byte offset of the first digit [`number_re`] reads (ASCII, Burmese,
/// Thai) at or after `from`.
fn next_digit(text: &str, from: usize) -> Option<usize> {
    // The bytes that may start a digit: ASCII digits, and the lead bytes of
    // ၀-၉ (U+1040-U+1049, E1 81 80-89) and ๐-๙ (U+0E50-U+0E59, E0 B9 90-99).
    const MAY_START: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = b'0';
        while b <= b'9' {
            table[b as usize] = true;
            b += 1;
        }
        table[0xE1] = true;
        table[0xE0] = true;
        table
    };
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(n) = bytes[i..].iter().position(|&b| MAY_START[usize::from(b)]) {
        let at = i + n;
        let digit = match bytes[at] {
            0xE1 => {
                bytes.get(at + 1) == Some(&0x81)
                    && bytes.get(at + 2).is_some_and(|b| (0x80..=0x89).contains(b))
            }
            0xE0 => {
                bytes.get(at + 1) == Some(&0xB9)
                    && bytes.get(at + 2).is_some_and(|b| (0x90..=0x99).contains(b))
            }
            _ => true,
        };
        if digit {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// A Burmese or Thai digit as its ASCII digit; any other character as it is.
fn ascii_digit(c: char) -> char {
    let zero = match c {
        '၀'..='၉' => '၀',
        '๐'..='๙' => '๐',
        _ => return c,
    };
    char::from_digit(u32::from(c) - u32::from(zero), 10).unwrap_or(c)
}

/// Whether a match of [`number_re`] ends in its `cjk` group: only that group
/// ends in one of these words (the number ends in a digit, the multiplier in
/// none of them), so this tells whether it took part.
fn ends_in_cjk_people(found: &str) -> bool {
    UNSPACED_PEOPLE.iter().any(|w| found.ends_with(w))
}

/// Every count of people in `text`, linked to the mentions.
#[must_use]
pub fn find(text: &str, mentions: &[Mention<'_>]) -> Vec<CountMention> {
    let mut out = Vec::new();
    let mut offsets = CharOffsets::new(text);
    let mut current: Option<SentenceCues> = None;
    let re = number_re();
    for found in number_matches(text) {
        // Most numbers count no people: without a Chinese or Thai word for
        // people at its end, a number needs a people word after it, which is
        // cheaper to look for than the capture groups.
        if !ends_in_cjk_people(found.as_str()) && people_word_after(text, found.end()).is_none() {
            continue;
        }
        // The same match, now with its groups.
        let Some(caps) = re.captures_at(text, found.start()) else {
            continue;
        };
        let (Some(whole), Some(num)) = (caps.get(0), caps.name("num")) else {
            continue;
        };
        if continues_something(text, num.start()) {
            continue;
        }
        let Some(value) = count_value(&caps, num.as_str()) else {
            continue;
        };
        let mut end = whole.end();
        if caps.name("cjk").is_none() {
            // A people word within the next four words.
            let Some(noun_end) = people_word_after(text, end) else {
                continue;
            };
            // Years are not counts ("2021 coup"), whatever follows.
            if caps.name("mult").is_none()
                && num.as_str().chars().count() == 4
                && (1900..2100).contains(&value)
            {
                continue;
            }
            end = noun_end;
        }
        let sentence = sentence_around(text, whole.start());
        // Counts often share a sentence: its cues are found once.
        if current.as_ref().is_none_or(|c| c.sentence != sentence) {
            current = Some(SentenceCues::new(text, sentence));
        }
        let Some(cues) = current.as_ref() else {
            continue;
        };
        let cue = cues.deciding(whole.start(), end);
        let cumulative = cues.cumulative;
        let destination = cue
            .as_ref()
            .and_then(|(_, _, at, _)| destination_after(text, mentions, sentence, *at));
        let place = nearest_place(mentions, sentence, whole.start(), destination);
        let (kind, event_type, cue_text) = match cue {
            Some((kind, et, at, len)) => (kind, Some(et), Some(word_at(text, at, len))),
            None => (CountKind::Other, None, None),
        };
        // "handed over 412 suspects": "over" belongs to the verb.
        let qualifier = caps
            .name("q")
            .filter(|q| !ends_a_verb(text, q.start(), q.as_str()));
        let byte_start = match (caps.name("q"), qualifier) {
            (Some(_), None) => num.start(),
            _ => whole.start(),
        };
        out.push(CountMention {
            start: offsets.at(byte_start),
            end: offsets.at(end),
            byte_start,
            byte_end: end,
            text: text[byte_start..end].to_string(),
            value,
            qualifier: qualifier.map(|q| q.as_str().to_lowercase()),
            kind,
            event_type,
            cue: cue_text,
            cumulative,
            place,
            destination,
            sentence,
        });
    }
    out
}

/// Whether the qualifier `q` at `at` is the particle of the verb before it
/// ("handed over", "turned over").
fn ends_a_verb(text: &str, at: usize, q: &str) -> bool {
    if !q.eq_ignore_ascii_case("over") {
        return false;
    }
    let before = text[..at].trim_end().to_lowercase();
    [
        "handed", "hand", "hands", "handing", "turned", "turn", "turns", "turning",
    ]
    .iter()
    .any(|v| {
        before.ends_with(v)
            && !before[..before.len() - v.len()].ends_with(|c: char| c.is_alphanumeric())
    })
}

/// Whether the number at `at` is part of a longer number, a date or an
/// identifier: a letter, digit or one of `$-/.,` right before it.
fn continues_something(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '$' | '-' | '/' | '.' | ','))
}

/// The number a match says, its multiplier applied ("3.1万" is 31,000);
/// `None` unless it is from 1 to just under a billion.
fn count_value(caps: &regex::Captures<'_>, num: &str) -> Option<u64> {
    let digits: String = num.chars().filter(|c| *c != ',').map(ascii_digit).collect();
    let base = digits.parse::<f64>().ok()?;
    let multiplier = caps.name("mult").map_or(1.0, |m| {
        MULTIPLIERS
            .iter()
            .find(|(w, _)| *w == m.as_str())
            .map_or(1.0, |(_, factor)| *factor)
    });
    let value = (base * multiplier).round();
    (1.0..1e9).contains(&value).then_some(value as u64)
}

/// End of a word for people within the next four words after `at`.
fn people_word_after(text: &str, at: usize) -> Option<usize> {
    let tail = &text[at..];
    let mut pos = 0;
    for i in 0..5 {
        let rest = &tail[pos..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
        if i > 0 && skipped == 0 {
            return None;
        }
        let word_start = pos + skipped;
        let word_len = tail[word_start..]
            .find(|c: char| !(is_alphanumeric(c) || c == '-'))
            .unwrap_or(tail.len() - word_start);
        if word_len == 0 {
            return None;
        }
        let word = &tail[word_start..word_start + word_len];
        if lower_in(word, PEOPLE) {
            // "foreign nationals", "Chinese suspects": take the whole noun.
            let mut end = word_start + word_len;
            while let Some(next) = next_word(&tail[end..]) {
                if lower_in(next.1, PEOPLE) {
                    end += next.0 + next.1.len();
                } else {
                    break;
                }
            }
            return Some(at + end);
        }
        if lower_in(word, &["of"])
            && tail[word_start + word_len..]
                .trim_start()
                .starts_with("them")
        {
            let t = tail[word_start + word_len..].find("them")? + word_start + word_len + 4;
            return Some(at + t);
        }
        // Numbers and verbs end the search: "18 | 75" is a table, not a count.
        if word.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        pos = word_start + word_len;
    }
    None
}

/// The next word after single spaces: (offset of its end minus its length, word).
fn next_word(rest: &str) -> Option<(usize, &str)> {
    let trimmed = rest.trim_start_matches([' ', '\u{a0}']);
    let skipped = rest.len() - trimmed.len();
    if skipped == 0 || skipped > 2 {
        return None;
    }
    let len = trimmed
        .find(|c: char| !(is_alphanumeric(c) || c == '-'))
        .unwrap_or(trimmed.len());
    (len > 0).then(|| (skipped, &trimmed[..len]))
}

/// The cues of one sentence, found in one pass, and whether it speaks of a
/// running total.
struct SentenceCues {
    sentence: (usize, usize),
    /// (byte offset in the text, index in [`CUES`]) of every occurrence.
    found: Vec<(usize, usize)>,
    cumulative: bool,
}

impl SentenceCues {
    fn new(text: &str, sentence: (usize, usize)) -> Self {
        let s = &text[sentence.0..sentence.1];
        // Cues are lower-case ASCII or words of scripts without case, so
        // ignoring ASCII case finds them as written; no cue overlaps itself
        // (see the tests), so the overlapping search finds exactly what
        // searching each cue on its own would.
        let found = cue_automaton()
            .find_overlapping_iter(s)
            .map(|m| (sentence.0 + m.start(), m.pattern().as_usize()))
            .collect();
        Self {
            sentence,
            found,
            cumulative: cumulative_automaton().is_match(s),
        }
    }

    /// The cue nearest the count `[start, end)`: (kind, type, byte offset,
    /// length); of equally near ones the first in [`CUES`], then the first
    /// in the text.
    fn nearest(&self, start: usize, end: usize) -> Option<(CountKind, EventType, usize, usize)> {
        self.nearest_where(start, end, |_| true)
    }

    /// As [`Self::nearest`], except that a participle right after the count
    /// ("repatriated 176 Filipinos rescued from scam hubs") says who they
    /// were, not what happened to them, when a verb up to
    /// [`VERB_BEFORE_BYTES`] before the count says that: the verb wins.
    fn deciding(&self, start: usize, end: usize) -> Option<(CountKind, EventType, usize, usize)> {
        let nearest = self.nearest(start, end);
        match nearest {
            Some((_, _, at, _)) if at >= end && at - end <= 1 => self
                .nearest_where(start, end, |at| {
                    at < start && start - at <= VERB_BEFORE_BYTES
                })
                .or(nearest),
            _ => nearest,
        }
    }

    fn nearest_where(
        &self,
        start: usize,
        end: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(CountKind, EventType, usize, usize)> {
        let best = self
            .found
            .iter()
            .filter(|&&(at, _)| keep(at))
            .map(|&(at, i)| (cue_distance(at, start, end), i, at))
            .min();
        best.map(|(_, i, at)| {
            let (cue, kind, et) = CUES[i];
            (kind, et, at, cue.len())
        })
    }
}

/// Every cue of [`CUES`] in one automaton, pattern `i` being `CUES[i]`,
/// ignoring ASCII case.
fn cue_automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CUES.iter().map(|(cue, _, _)| cue))
            .unwrap_or_else(|e| panic!("cue automaton: {e}"))
    })
}

/// The words of [`CUMULATIVE`], ignoring ASCII case.
fn cumulative_automaton() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(CUMULATIVE)
            .unwrap_or_else(|e| panic!("cumulative automaton: {e}"))
    })
}

/// How far before a count a verb may stand and still beat a participle
/// right after it, in bytes.
const VERB_BEFORE_BYTES: usize = 40;

/// How far a cue at byte `at` is from the count `[start, end)`.
fn cue_distance(at: usize, start: usize, end: usize) -> usize {
    if at >= end {
        at - end
    } else if at < start {
        // Verbs before the count weigh a little more ("deported over 50,000").
        (start - at) + 10
    } else {
        0
    }
}

/// The cue as written: from `at` over `len` bytes to the end of that word.
fn word_at(text: &str, at: usize, len: usize) -> String {
    let from = (at + len).min(text.len());
    let from = (from..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    let end = text[from..]
        .find(|c: char| !is_word_char(c))
        .map_or(text.len(), |e| from + e);
    text[at..end].to_string()
}

/// The place of a count: the most specific place named in its sentence, the
/// nearer among equals (a town before a country: "rescued near Myawaddy,
/// Myanmar" is Myawaddy), skipping organisation names and the destination.
fn nearest_place(
    mentions: &[Mention<'_>],
    sentence: (usize, usize),
    at: usize,
    destination: Option<usize>,
) -> Option<usize> {
    let first = mentions.partition_point(|m| m.byte_start < sentence.0);
    mentions
        .iter()
        .enumerate()
        .skip(first)
        .take_while(|(_, m)| m.byte_start < sentence.1)
        .filter(|(i, _)| Some(*i) != destination)
        .filter(|(_, m)| m.byte_end <= sentence.1)
        .filter(|(_, m)| m.organisation.is_none())
        .filter_map(|(i, m)| m.place.map(|p| (i, m, p)))
        .min_by_key(|(_, m, p)| {
            let breadth = if p.class == "country" || p.radius_m > 1_000_000.0 {
                2
            } else if p.radius_m > 100_000.0 {
                1
            } else {
                0
            };
            (breadth, m.byte_start.abs_diff(at))
        })
        .map(|(i, _, _)| i)
}

/// The place after "to", "into" or "back to" that follows the verb at `cue`.
fn destination_after(
    text: &str,
    mentions: &[Mention<'_>],
    sentence: (usize, usize),
    cue: usize,
) -> Option<usize> {
    let first = mentions.partition_point(|m| m.byte_start <= cue);
    mentions
        .iter()
        .enumerate()
        .skip(first)
        .take_while(|(_, m)| m.byte_end <= sentence.1)
        .filter(|(_, m)| m.place.is_some())
        .find(|(_, m)| {
            let before = text[..m.byte_start].trim_end();
            let before = before.strip_suffix("the").map_or(before, str::trim_end);
            before.ends_with(" to")
                || before.ends_with(" into")
                || before.ends_with("到")
                || before.ends_with("往")
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str) -> Vec<(u64, CountKind, Option<EventType>, bool)> {
        find(text, &[])
            .into_iter()
            .map(|c| (c.value, c.kind, c.event_type, c.cumulative))
            .collect()
    }

    #[test]
    fn counts_of_people_with_their_kind() {
        assert_eq!(
            counts("authorities had turned over approximately 31,000 suspects."),
            [(
                31_000,
                CountKind::HandedOver,
                Some(EventType::Handover),
                false
            )]
        );
        assert_eq!(
            counts("with over 50,000 people deported to China since October 2023."),
            [(
                50_000,
                CountKind::Deported,
                Some(EventType::Deportation),
                true
            )]
        );
        assert_eq!(
            counts("about 41 thousand people were handed over"),
            [(
                41_000,
                CountKind::HandedOver,
                Some(EventType::Handover),
                false
            )]
        );
        assert_eq!(
            counts("Police arrested 63 individuals."),
            [(63, CountKind::Arrested, Some(EventType::Raid), false)]
        );
    }

    #[test]
    fn burmese_and_thai_digits_and_words_for_people() {
        // Our own sentences. "Police arrested 300 foreigners in Myawaddy."
        assert_eq!(
            counts("မြဝတီတွင် နိုင်ငံခြားသား ၃၀၀ ဦးကို ရဲက ဖမ်းဆီးခဲ့သည်။"),
            [(300, CountKind::Arrested, Some(EventType::Raid), false)]
        );
        // The person classifier written with the decomposed vowel: "12 people
        // were handed over".
        assert_eq!(
            counts("လူ ၁၂ \u{1025}\u{102e}\u{1038} လွှဲပြောင်းပေးခဲ့သည်။"),
            [(12, CountKind::HandedOver, Some(EventType::Handover), false)]
        );
        // A multiplier and the other classifier: "20,000 people were sent
        // back".
        assert_eq!(
            counts("လူ ၂ သောင်း ယောက် ပြန်ပို့ခဲ့သည်။"),
            [(
                20_000,
                CountKind::Deported,
                Some(EventType::Deportation),
                false
            )]
        );
        // Thai digits: "police arrested 250 people at Mae Sot".
        assert_eq!(
            counts("ตำรวจจับกุม ๒๕๐ คน ที่แม่สอด"),
            [(250, CountKind::Arrested, Some(EventType::Raid), false)]
        );
        for (digit, ascii) in ('၀'..='၉').zip('0'..='9').chain(('๐'..='๙').zip('0'..='9')) {
            assert_eq!(ascii_digit(digit), ascii);
        }
        assert_eq!(ascii_digit('x'), 'x');
        // A Burmese number with no word for people counts nobody.
        assert!(counts("၂၀၂၄ ခုနှစ်တွင် ဖမ်းဆီးခဲ့သည်။").is_empty());
    }

    #[test]
    fn numbers_that_are_not_people() {
        assert!(counts("| April 2024 | 18 | 75 | 120 Computers |").is_empty());
        assert!(counts("a 2021 coup; $5 billion; 70% of users").is_empty());
    }

    /// The search of every cue on its own that [`SentenceCues`] replaces.
    fn cue_near_by_scan(
        text: &str,
        sentence: (usize, usize),
        start: usize,
        end: usize,
    ) -> Option<(CountKind, EventType, usize, usize)> {
        let hay = text[sentence.0..sentence.1].to_ascii_lowercase();
        let mut best: Option<(usize, CountKind, EventType, usize, usize)> = None;
        for (cue, kind, et) in CUES {
            for (i, _) in hay.match_indices(cue) {
                let at = sentence.0 + i;
                let distance = cue_distance(at, start, end);
                if best.is_none_or(|b| distance < b.0) {
                    best = Some((distance, *kind, *et, at, cue.len()));
                }
            }
        }
        best.map(|(_, k, e, at, len)| (k, e, at, len))
    }

    #[test]
    fn no_cue_overlaps_itself() {
        for (cue, _, _) in CUES {
            for (k, _) in cue.char_indices().skip(1) {
                assert!(!cue.ends_with(&cue[..k]), "{cue}");
            }
        }
    }

    #[test]
    fn sentence_cues_agree_with_a_search_of_each_cue() {
        let pieces = [
            "Deported",
            "deport",
            "DEPORTATION",
            "sent back",
            "sent  back",
            "handed over",
            "Handed to",
            "raid",
            "arrested",
            "rescued",
            "releas",
            "repatriat",
            "遣返",
            "抓获",
            "จับกุม",
            "ส่งกลับ",
            " ",
            " 50 people ",
            ", ",
            "so far",
            "Since",
            "\u{212A}",
            "İ",
            "É",
            "x",
            "caught",
            "freed",
            "rescu",
            "traffick",
        ];
        let mut rng = crate::events::synthetic::Rng::new(5);
        for case in 0..3000 {
            let text = rng.glue(&pieces, 1, 12);
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let mut pick = || bounds[rng.below(bounds.len())];
            let (a, b) = (pick(), pick());
            let sentence = (a.min(b), a.max(b));
            let cues = SentenceCues::new(&text, sentence);
            let lower = text[sentence.0..sentence.1].to_ascii_lowercase();
            assert_eq!(
                cues.cumulative,
                CUMULATIVE.iter().any(|c| lower.contains(c)),
                "case {case}: {text:?}"
            );
            for _ in 0..4 {
                let (x, y) = (pick(), pick());
                let (start, end) = (x.min(y), x.max(y));
                assert_eq!(
                    cues.nearest(start, end),
                    cue_near_by_scan(&text, sentence, start, end),
                    "case {case}: {text:?} {sentence:?} {start}..{end}"
                );
            }
        }
    }

    /// `find` looks at the matches of `find_iter` and asks for groups at each
    /// one's start, telling the `cjk` group by the match's end.
    #[test]
    fn matches_with_groups_agree_with_captures_iter() {
        let pieces = [
            "over ",
            "More than ",
            "about",
            " ",
            "\u{a0}",
            "31,000",
            "1,2345",
            "3.1",
            "12",
            "2023",
            "万",
            "千",
            "多",
            "名",
            "人",
            "คน",
            "ราย",
            "หมื่น",
            "พัน",
            " thousand",
            " million",
            " people",
            "x",
            ",",
            ".",
            "-",
        ];
        let re = number_re();
        let mut rng = crate::events::synthetic::Rng::new(9);
        for case in 0..3000 {
            let text = rng.glue(&pieces, 1, 10);
            let all: Vec<_> = re.captures_iter(&text).collect();
            let found: Vec<_> = re.find_iter(&text).collect();
            assert_eq!(all.len(), found.len(), "case {case}: {text:?}");
            for (caps, m) in all.iter().zip(&found) {
                let again = re.captures_at(&text, m.start()).unwrap();
                let groups = |c: &regex::Captures<'_>| {
                    ["q", "num", "mult", "cjk"].map(|g| c.name(g).map(|m| m.range()))
                };
                assert_eq!(caps.get(0).map(|m| m.range()), Some(m.range()), "{text:?}");
                assert_eq!(groups(&again), groups(caps), "case {case}: {text:?}");
                assert_eq!(again.get(0).map(|m| m.range()), Some(m.range()), "{text:?}");
                assert_eq!(
                    ends_in_cjk_people(m.as_str()),
                    caps.name("cjk").is_some(),
                    "case {case}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn cues_are_found_whatever_else_the_sentence_holds() {
        // Lower-casing "İ" changes its length; the cue is found all the same.
        let found = find("İstanbul: 50 people were Deported.", &[]);
        assert_eq!(found[0].kind, CountKind::Deported);
        assert_eq!(found[0].cue.as_deref(), Some("Deported"));
    }

    #[test]
    fn qualifiers_of_more_than_one_word() {
        let found = find(
            "at least 40 people and more than 12 suspects were held",
            &[],
        );
        let qualifiers: Vec<_> = found.iter().map(|c| c.qualifier.as_deref()).collect();
        assert_eq!(qualifiers, [Some("at least"), Some("more than")]);
    }

    #[test]
    fn matches_from_the_digits_are_the_matches_of_the_pattern() {
        let pieces = [
            "over",
            "OVER",
            "moreover",
            "ſome",
            "more than",
            "at  least",
            "at least",
            "an estimated",
            " ",
            "  ",
            "\t",
            "\u{a0}",
            "\n",
            "5",
            "31,000",
            "1,2345",
            "3.1",
            ".",
            ",",
            "၃၀",
            "๓",
            "万",
            "名",
            " thousand",
            " people",
            "x",
            "é",
            // Lead bytes of Thai and Burmese digits, starting other letters.
            "ก",
            "မ",
            "\u{1050}",
        ];
        let re = number_re();
        let mut rng = crate::events::synthetic::Rng::new(41);
        let mut total = 0;
        for case in 0..5000 {
            let text = rng.glue(&pieces, 1, 12);
            let expected: Vec<_> = re.find_iter(&text).map(|m| m.range()).collect();
            let got: Vec<_> = number_matches(&text).map(|m| m.range()).collect();
            total += expected.len();
            assert_eq!(got, expected, "case {case}: {text:?}");
        }
        assert!(total > 5000, "{total}");
    }

    #[test]
    fn chinese_and_thai_counts() {
        assert_eq!(counts("缅北累计移交3.1万名犯罪嫌疑人")[0].0, 31_000);
        assert_eq!(counts("จับกุมผู้ต้องหา 300 คน")[0].1, CountKind::Arrested);
    }
}
