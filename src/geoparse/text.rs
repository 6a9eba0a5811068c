//! The folded form of a text, in which place names are searched, and the way
//! back to the original.
//!
//! Folding lower-cases, removes Latin diacritics and compatibility forms
//! (NFKC), and drops the *soft* separators that may sit inside a name (spaces,
//! hyphens, dashes, apostrophes, full stops): "Shwe Kokko", "Shwe-Kokko" and
//! "Shwekokko" fold the same. Every other character that is not a letter, mark
//! or digit (a comma, a bracket, a line break) becomes a *hard* separator, [`HARD`],
//! which no folded name contains, so no match runs across it.
//!
//! Each folded byte remembers the byte offset of the original character it came
//! from, so a match in the folded text maps back to an exact span of the
//! original.

use unicode_normalization::UnicodeNormalization;

use crate::gazetteer::normalize::{is_latin_diacritic, push_latin};

/// The byte that stands for a hard separator in folded text.
pub const HARD: u8 = b'\n';

/// A text folded for matching, with the map back to the original.
#[derive(Debug, Default)]
pub struct Folded {
    /// The folded text; only [`HARD`] marks separators.
    pub text: String,
    /// For each byte of `text`, the byte offset in the original of the
    /// character it came from.
    pub origin: Vec<u32>,
}

impl Folded {
    /// The original byte span `[start, end)` of the folded bytes `[from, to)`.
    #[must_use]
    pub fn original_span(&self, original: &str, from: usize, to: usize) -> (usize, usize) {
        let start = self.origin[from] as usize;
        let last = self.origin[to - 1] as usize;
        let end = last + original[last..].chars().next().map_or(0, char::len_utf8);
        (start, end)
    }
}

/// What an ASCII byte folds to: a soft separator ([`SOFT`]), a hard one
/// ([`HARD`]), or the byte it becomes (a letter in lower case, a digit).
const ASCII_FOLD: [u8; 128] = {
    let mut table = [HARD; 128];
    let mut b = 0;
    while b < 128 {
        table[b as usize] = match b {
            b'a'..=b'z' | b'0'..=b'9' => b,
            b'A'..=b'Z' => b.to_ascii_lowercase(),
            b' ' | b'\t' | b'-' | b'\'' | b'`' | b'.' => SOFT,
            _ => HARD,
        };
        b += 1;
    }
    table
};

/// [`ASCII_FOLD`] for a soft separator: the byte is dropped.
const SOFT: u8 = 0;

/// The byte an ASCII byte adds to folded text that ends in a hard separator
/// or not (`last_hard`, updated): none for a soft separator, nor for a hard
/// one right after another.
fn fold_ascii(b: u8, last_hard: &mut bool) -> Option<u8> {
    match ASCII_FOLD[usize::from(b & 0x7f)] {
        SOFT => None,
        HARD if *last_hard => None,
        HARD => {
            *last_hard = true;
            Some(HARD)
        }
        kept => {
            *last_hard = false;
            Some(kept)
        }
    }
}

/// Whether `c` may sit inside a name without being part of its key.
pub fn is_soft(c: char) -> bool {
    if c.is_ascii() {
        return ASCII_FOLD[c as usize] == SOFT;
    }
    (c.is_whitespace() && c != '\u{2028}' && c != '\u{2029}')
        || matches!(
            c,
            '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '’'
                    | '‘'
                    | 'ʼ'
                    | 'ʻ'
                    | '´'
                    | '′'
                    | '·'
                    | '\u{200B}'
                    | '\u{FEFF}'
        )
}

/// Folds `text` for matching; see the module docs.
///
/// # Runtime
/// One pass; ASCII bytes take a table-free fast path, and each distinct
/// non-ASCII character is classified and folded once per call (the Unicode
/// tables behind that are slow, and a text in Thai, Burmese or Chinese
/// repeats a few dozen characters).
#[must_use]
pub fn fold(text: &str) -> Folded {
    let mut folded: Vec<u8> = Vec::with_capacity(text.len());
    let mut origin: Vec<u32> = Vec::with_capacity(text.len());
    let mut seen = FoldCache::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut last_hard = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if let Some(f) = fold_ascii(b, &mut last_hard) {
                folded.push(f);
                origin.push(i as u32);
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        match seen.get(c) {
            NonAscii::Soft => {}
            NonAscii::Letters(letters) => {
                folded.extend_from_slice(letters.as_bytes());
                origin.extend(std::iter::repeat_n(i as u32, letters.len()));
                if !letters.is_empty() {
                    last_hard = false;
                }
            }
            NonAscii::Hard => {
                if !last_hard {
                    folded.push(HARD);
                    origin.push(i as u32);
                    last_hard = true;
                }
            }
        }
        i += c.len_utf8();
    }
    Folded {
        // Whole characters and ASCII bytes only were appended.
        text: String::from_utf8(folded).unwrap_or_else(|e| unreachable!("folded text: {e}")),
        origin,
    }
}

/// What one non-ASCII character becomes: nothing (a soft separator), a hard
/// separator, or its folded letters (none for a Latin diacritic).
enum NonAscii<L> {
    Soft,
    Hard,
    Letters(L),
}

/// The folding of the non-ASCII characters met so far in one text; the
/// letters of each sit in one shared buffer.
#[derive(Default)]
struct FoldCache {
    known: rustc_hash::FxHashMap<char, NonAscii<std::ops::Range<u32>>>,
    letters: String,
}

impl FoldCache {
    fn get(&mut self, c: char) -> NonAscii<&str> {
        let letters = &mut self.letters;
        let known = self.known.entry(c).or_insert_with(|| {
            if is_soft(c) {
                NonAscii::Soft
            } else if is_word_char(c) {
                let from = letters.len() as u32;
                fold_char(c, letters);
                NonAscii::Letters(from..letters.len() as u32)
            } else {
                NonAscii::Hard
            }
        });
        match known {
            NonAscii::Soft => NonAscii::Soft,
            NonAscii::Hard => NonAscii::Hard,
            NonAscii::Letters(r) => {
                NonAscii::Letters(&self.letters[r.start as usize..r.end as usize])
            }
        }
    }
}

/// Folds a name the way [`fold`] folds text: the key a name is searched under.
///
/// # Runtime
/// An ASCII name (every word the typo pass tries) is folded byte by byte
/// without the map back to the original.
#[must_use]
pub fn fold_name(name: &str) -> String {
    if !name.is_ascii() {
        return fold(name).text;
    }
    let mut last_hard = true;
    name.bytes()
        .filter_map(|b| fold_ascii(b, &mut last_hard))
        .map(char::from)
        .collect()
}

/// Appends the folded form of one non-ASCII letter, mark or digit.
fn fold_char(c: char, out: &mut String) {
    for k in std::iter::once(c).nfkc() {
        for l in k.to_lowercase() {
            if is_latin_letter_range(l) {
                for d in std::iter::once(l).nfd() {
                    if !is_latin_diacritic(d) {
                        push_latin(d, out);
                    }
                }
            } else if is_latin_diacritic(l) {
                // A combining diacritic of decomposed Latin text.
            } else if l.is_ascii() {
                if l.is_ascii_alphanumeric() {
                    out.push(l.to_ascii_lowercase());
                }
            } else {
                out.push(l);
            }
        }
    }
}

fn is_latin_letter_range(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// [`char::is_alphanumeric`], from a table of the Basic Multilingual Plane
/// filled one block of 256 characters at a time: the standard library's
/// search of the Unicode tables costs tens of nanoseconds a character, and
/// word scans over Thai, Burmese or Chinese text ask about every character.
#[must_use]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    static BLOCKS: BmpTable = [const { std::sync::OnceLock::new() }; 256];
    from_table(&BLOCKS, c, char::is_alphanumeric)
}

/// Unicode `\w` as the regex crate has it
/// ([`regex_syntax::is_word_character`]), from a table as
/// [`is_alphanumeric`] is.
#[must_use]
pub fn is_regex_word_char(c: char) -> bool {
    static BLOCKS: BmpTable = [const { std::sync::OnceLock::new() }; 256];
    from_table(&BLOCKS, c, regex_syntax::is_word_character)
}

/// One bit per character of the Basic Multilingual Plane, in blocks of 256
/// filled when first asked about.
type BmpTable = [std::sync::OnceLock<[u64; 4]>; 256];

/// `test(c)`, looked up in `blocks` (filled from `test` block by block);
/// characters beyond the Basic Multilingual Plane are tested directly.
fn from_table(blocks: &BmpTable, c: char, test: fn(char) -> bool) -> bool {
    let code = c as u32;
    let Some(block) = blocks.get((code >> 8) as usize) else {
        return test(c);
    };
    let bits = block.get_or_init(|| {
        let mut bits = [0u64; 4];
        for low in 0..256u32 {
            if char::from_u32(code & !0xFF | low).is_some_and(test) {
                bits[(low / 64) as usize] |= 1 << (low % 64);
            }
        }
        bits
    });
    let low = code & 0xFF;
    bits[(low / 64) as usize] & (1 << (low % 64)) != 0
}

/// Letters, digits and marks: the characters words are made of.
#[must_use]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        // No mark is ASCII.
        return c.is_ascii_alphanumeric();
    }
    is_alphanumeric(c) || is_mark(c)
}

/// Combining marks of the scripts that matter here (Thai, Lao, Burmese,
/// Khmer vowel signs and tone marks) and the general combining blocks.
pub fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{0EB1}' | '\u{0EB4}'..='\u{0EBC}' | '\u{0EC8}'..='\u{0ECD}'
        | '\u{102B}'..='\u{103E}' | '\u{1056}'..='\u{1059}' | '\u{105E}'..='\u{1060}'
        | '\u{1062}'..='\u{1064}' | '\u{1067}'..='\u{106D}' | '\u{1071}'..='\u{1074}'
        | '\u{1082}'..='\u{108D}' | '\u{108F}' | '\u{109A}'..='\u{109D}'
        | '\u{17B4}'..='\u{17D3}' | '\u{17DD}'
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Scripts written without spaces between words, where a name may touch the
/// words around it.
#[must_use]
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'   // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Burmese
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{2E80}'..='\u{9FFF}' // CJK
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// Han (Chinese) characters.
#[must_use]
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// Code-point offsets of byte offsets, for offsets given in increasing order.
#[derive(Debug)]
pub struct CharOffsets<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
}

impl<'t> CharOffsets<'t> {
    #[must_use]
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The code-point offset of byte offset `at` (a character boundary).
    /// Cheap when offsets come in increasing order; a step back costs its
    /// own length.
    pub fn at(&mut self, at: usize) -> usize {
        if at < self.byte {
            self.chars -= self.text[at..self.byte].chars().count();
            self.byte = at;
            return self.chars;
        }
        self.chars += self.text[self.byte..at].chars().count();
        self.byte = at;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_separators_vanish_and_hard_ones_stay() {
        assert_eq!(fold("Shwe Kokko").text, "shwekokko");
        assert_eq!(fold("Shwe-Kokko").text, fold("shwekokko").text);
        assert_eq!(fold("Myanmar’s").text, "myanmars");
        assert_eq!(fold("Laukkai, Kokang").text, "laukkai\nkokang");
        assert_eq!(fold("Möng La").text, "mongla");
        assert_eq!(fold("China–Myanmar border").text, "chinamyanmarborder");
    }

    #[test]
    fn spans_map_back_to_the_original() {
        let text = "“Möng La” and 老街";
        let f = fold(text);
        let at = f.text.find("mongla").unwrap();
        let (s, e) = f.original_span(text, at, at + "mongla".len());
        assert_eq!(&text[s..e], "Möng La");
        let at = f.text.find("老街").unwrap();
        let (s, e) = f.original_span(text, at, at + "老街".len());
        assert_eq!(&text[s..e], "老街");
    }

    #[test]
    fn other_scripts_keep_their_marks() {
        assert_eq!(fold("เมียวดี").text, "เมียวดี");
        assert_eq!(fold("မြဝတီ").text, "မြဝတီ");
        assert_eq!(fold("ＭＹＡＮＭＡＲ").text, "myanmar");
    }

    #[test]
    fn repeated_characters_fold_alike() {
        // The second copy of each character is folded from the cache.
        let once = "Möng La, 老街 ＭＹ ลา";
        let twice = format!("{once}\n{once}");
        let (a, b) = (fold(once), fold(&twice));
        assert_eq!(b.text, format!("{}{}{}", a.text, HARD as char, a.text));
        let shift = once.len() as u32 + 1;
        let second = &b.origin[a.origin.len() + 1..];
        assert!(second.iter().zip(&a.origin).all(|(x, y)| *x == y + shift));
    }

    #[test]
    fn alphanumeric_table_agrees_with_the_standard_library() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
        assert!(is_word_char('\u{0E34}') && is_word_char('မ') && !is_word_char('，'));
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric() || is_mark(c), "{c:?}");
        }
    }

    #[test]
    fn regex_word_table_agrees_with_regex_syntax() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(
                is_regex_word_char(c),
                regex_syntax::is_word_character(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn ascii_names_fold_as_text_does() {
        // Every ASCII string of up to two characters, then longer ones drawn
        // from letters, digits, soft and hard separators.
        let all: Vec<char> = (0u8..128).map(char::from).collect();
        for a in &all {
            for b in &all {
                for name in [a.to_string(), format!("{a}{b}")] {
                    assert_eq!(fold_name(&name), fold(&name).text, "{name:?}");
                }
            }
        }
        let pieces = [
            "Shwe", " ", "-", "'", ".", ",", "\n", "K", "o", "9", "(", "\t", "`",
        ];
        let mut rng = crate::events::synthetic::Rng::new(13);
        for _ in 0..5000 {
            let name = rng.glue(&pieces, 0, 9);
            assert_eq!(fold_name(&name), fold(&name).text, "{name:?}");
        }
        assert_eq!(fold_name("Möng La"), "mongla");
    }

    #[test]
    fn char_offsets_count_code_points() {
        let text = "a’b老c";
        let mut offsets = CharOffsets::new(text);
        assert_eq!(offsets.at(0), 0);
        assert_eq!(offsets.at(4), 2); // after a and ’ (3 bytes)
        assert_eq!(offsets.at(text.len()), 5);
        assert_eq!(offsets.at(4), 2);
    }
}
