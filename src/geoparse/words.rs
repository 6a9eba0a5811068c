//! Small word-level helpers over the original text: the word before or after a
//! byte offset, capitalisation, sentence boundaries.

use super::text::is_word_char;

/// A word of the original text: `[start, end)` in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

impl Word {
    #[must_use]
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// An apostrophe or hyphen inside a word keeps it whole ("Myanmar's",
/// "state-run"); letters, digits and marks make words ([`is_word_char`]).
fn is_inner_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '\u{2010}' | '\u{2011}')
}

/// Whether only spaces or tabs (no line break, no punctuation) lie in `gap`.
#[must_use]
pub fn is_space_gap(gap: &str) -> bool {
    !gap.is_empty()
        && gap
            .chars()
            .all(|c| c == ' ' || c == '\t' || c == '\u{a0}' || c == '\u{202f}')
}

/// The word that ends at or before byte `at`, with only spaces between; `None`
/// across punctuation or a line break.
#[must_use]
pub fn word_before(text: &str, at: usize) -> Option<Word> {
    let head = &text[..at];
    let trimmed = head.trim_end_matches([' ', '\t', '\u{a0}', '\u{202f}']);
    let end = trimmed.len();
    let bytes = trimmed.as_bytes();
    let mut start = end;
    while start > 0 {
        // ASCII letters and digits byte by byte; other characters whole.
        if bytes[start - 1].is_ascii_alphanumeric() {
            start -= 1;
            continue;
        }
        let Some(c) = trimmed[..start].chars().next_back() else {
            break;
        };
        let from = start - c.len_utf8();
        let joins = is_inner_joiner(c)
            && trimmed[..from]
                .chars()
                .next_back()
                .is_some_and(is_word_char);
        if (!c.is_ascii() && is_word_char(c)) || joins {
            start = from;
        } else {
            break;
        }
    }
    (start < end).then_some(Word { start, end })
}

/// The word that starts at or after byte `at`, with only spaces between.
#[must_use]
pub fn word_after(text: &str, at: usize) -> Option<Word> {
    let tail = &text[at..];
    let skipped = tail.len()
        - tail
            .trim_start_matches([' ', '\t', '\u{a0}', '\u{202f}'])
            .len();
    let start = at + skipped;
    let bytes = text.as_bytes();
    let mut end = start;
    while end < bytes.len() {
        // ASCII letters and digits byte by byte; other characters whole.
        if bytes[end].is_ascii_alphanumeric() {
            end += 1;
            continue;
        }
        let Some(c) = text[end..].chars().next() else {
            break;
        };
        let to = end + c.len_utf8();
        let joins = is_inner_joiner(c) && text[to..].chars().next().is_some_and(is_word_char);
        if (!c.is_ascii() && is_word_char(c)) || joins {
            end = to;
        } else {
            break;
        }
    }
    (end > start).then_some(Word { start, end })
}

/// Whether `word` in lower case is one of `list` (words in lower case); no
/// allocation for an ASCII word.
#[must_use]
pub fn lower_in(word: &str, list: &[&str]) -> bool {
    if word.is_ascii() {
        list.iter().any(|w| word.eq_ignore_ascii_case(w))
    } else if lowers_to_non_ascii(word) && list.iter().all(|w| w.is_ascii()) {
        // Thai, Burmese or Chinese words against lists of English words: no
        // need to lower-case them to see that they are none of them.
        false
    } else {
        list.contains(&word.to_lowercase().as_str())
    }
}

/// Whether `word` in lower case has a character outside ASCII: it has one
/// outside ASCII other than the Kelvin sign, the only such character whose
/// lower case is all ASCII (checked over every character in the tests).
fn lowers_to_non_ascii(word: &str) -> bool {
    word.chars().any(|c| !c.is_ascii() && c != '\u{212A}')
}

/// Whether the word starts with a capital letter.
#[must_use]
pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether byte `at` starts a sentence: only spaces, quotes or brackets lie
/// between it and the start of the text, a line break, or `.`, `!`, `?`, `:`.
#[must_use]
pub fn starts_sentence(text: &str, at: usize) -> bool {
    for (i, c) in text[..at].char_indices().rev() {
        match c {
            ' ' | '\t' | '"' | '“' | '‘' | '(' | '[' | '\'' | '\u{a0}' | '*' | '#' | '|' | '-'
            | '—' | '–' => {}
            '.' => return !is_abbreviation_dot(text, i),
            '!' | '?' | ':' | '\n' | '\r' | '•' => return true,
            _ => return false,
        }
    }
    true
}

/// The byte range of the sentence around `at`: from after the previous `.`,
/// `!`, `?` or line break to the next one.
#[must_use]
pub fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n' | '。' | '！' | '？' | '။');
    let mut start = 0;
    for (i, c) in text[..at].char_indices().rev() {
        if is_end(c) && !is_abbreviation_dot(text, i) {
            start = i + c.len_utf8();
            break;
        }
    }
    let mut end = text.len();
    for (i, c) in text[at..].char_indices() {
        if is_end(c) && !is_abbreviation_dot(text, at + i) {
            end = at + i + c.len_utf8();
            break;
        }
    }
    (start, end)
}

/// A full stop that does not end a sentence: in "U.S.", "D.C.", "Nov. 18",
/// "1.5 million".
fn is_abbreviation_dot(text: &str, i: usize) -> bool {
    if text.as_bytes().get(i) != Some(&b'.') {
        return false;
    }
    let before = text[..i].chars().next_back();
    let after = text[i + 1..].chars().next();
    match (before, after) {
        (Some(b), Some(a)) if b.is_ascii_digit() && a.is_ascii_digit() => true,
        (Some(b), Some(a)) if b.is_uppercase() && a.is_uppercase() => true,
        (Some(b), _) if b.is_uppercase() => {
            // A single capital before the dot: an initial.
            let prev = text[..i - b.len_utf8()].chars().next_back();
            prev.is_none_or(|p| !p.is_alphabetic())
        }
        _ => {
            let word = word_before(text, i).map(|w| w.text(text)).unwrap_or("");
            matches!(
                word,
                "Jan"
                    | "Feb"
                    | "Mar"
                    | "Apr"
                    | "Aug"
                    | "Sep"
                    | "Sept"
                    | "Oct"
                    | "Nov"
                    | "Dec"
                    | "Mr"
                    | "Mrs"
                    | "Ms"
                    | "Dr"
                    | "Gen"
                    | "Col"
                    | "Lt"
                    | "St"
                    | "No"
                    | "vs"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words as first written: characters one by one, a joiner kept
    /// when a word character lies beyond it.
    fn word_around_by_chars(text: &str, at: usize, forward: bool) -> Option<Word> {
        if forward {
            let start = at + text[at..].len()
                - text[at..]
                    .trim_start_matches([' ', '\t', '\u{a0}', '\u{202f}'])
                    .len();
            let mut end = start;
            let mut chars = text[start..].char_indices().peekable();
            while let Some((_, c)) = chars.next() {
                let joins =
                    is_inner_joiner(c) && chars.peek().is_some_and(|&(_, n)| is_word_char(n));
                if !(is_word_char(c) || joins) {
                    break;
                }
                end += c.len_utf8();
            }
            (end > start).then_some(Word { start, end })
        } else {
            let trimmed = text[..at].trim_end_matches([' ', '\t', '\u{a0}', '\u{202f}']);
            let end = trimmed.len();
            let mut start = end;
            let mut chars = trimmed.char_indices().rev().peekable();
            while let Some((i, c)) = chars.next() {
                let joins =
                    is_inner_joiner(c) && chars.peek().is_some_and(|&(_, p)| is_word_char(p));
                if !(is_word_char(c) || joins) {
                    break;
                }
                start = i;
            }
            (start < end).then_some(Word { start, end })
        }
    }

    #[test]
    fn words_read_byte_by_byte_are_the_words_read_by_character() {
        let pieces = [
            "Shwe",
            "kokko",
            "9",
            " ",
            "\u{a0}",
            "\u{202f}",
            "\t",
            "-",
            "'",
            "’",
            "\u{2011}",
            ".",
            ",",
            "é",
            "e\u{301}",
            "老街",
            "ชายแดน",
            "\u{0E31}",
            "မြဝတီ",
            "\n",
            "_",
        ];
        let mut rng = crate::events::synthetic::Rng::new(37);
        let mut words = 0;
        for _ in 0..3000 {
            let text = rng.glue(&pieces, 0, 10);
            for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let after = word_after(&text, at);
                words += usize::from(after.is_some());
                assert_eq!(
                    after,
                    word_around_by_chars(&text, at, true),
                    "{text:?} after {at}"
                );
                assert_eq!(
                    word_before(&text, at),
                    word_around_by_chars(&text, at, false),
                    "{text:?} before {at}"
                );
            }
        }
        assert!(words > 10_000, "{words}");
    }

    #[test]
    fn words_around_an_offset() {
        let t = "sent back to China via the Myanmar border";
        let at = t.find("Myanmar").unwrap();
        assert_eq!(word_before(t, at).unwrap().text(t), "the");
        assert_eq!(word_after(t, at + 7).unwrap().text(t), "border");
        let t = "Myanmar’s junta";
        assert_eq!(word_after(t, 0).unwrap().text(t), "Myanmar’s");
        assert_eq!(word_before("a, b", 3), None);
    }

    #[test]
    fn lower_case_lists() {
        assert!(lower_in("Near", &["in", "near"]) && lower_in("near", &["near"]));
        assert!(!lower_in("nearby", &["near"]) && !lower_in("", &["near"]));
        // Non-ASCII words are lower-cased as by str::to_lowercase: the Kelvin
        // sign is a K.
        assert!(lower_in("\u{212A}ING", &["king"]) && lower_in("ÉTAT", &["état"]));
    }

    #[test]
    fn only_the_kelvin_sign_lowers_to_ascii_from_outside_it() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let lower: String = c.to_lowercase().collect();
            assert_eq!(
                lowers_to_non_ascii(c.encode_utf8(&mut [0; 4])),
                !lower.is_ascii(),
                "{c:?}"
            );
        }
        assert!(lower_in("\u{212A}m", &["km"]) && !lower_in("ก", &["near"]));
        assert!(lower_in("ÉTAT", &["état"]) && !lower_in("ÉTAT", &["etat"]));
    }

    #[test]
    fn sentences() {
        let t = "He left. In the U.S. it rained on Nov. 18 again. End";
        let at = t.find("rained").unwrap();
        let (s, e) = sentence_around(t, at);
        assert_eq!(&t[s..e], " In the U.S. it rained on Nov. 18 again.");
        assert!(starts_sentence(t, t.find("In").unwrap()));
        assert!(!starts_sentence(t, t.find("it").unwrap()));
    }
}
