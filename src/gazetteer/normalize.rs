//! Name normalisation: the key under which a place name is stored and looked up.
//!
//! Two spellings that a reader would call the same name get the same key:
//! Unicode compatibility forms (NFKC), letter case, Latin diacritics
//! (`Möng La` = `Mong La`, `Lào Cai` = `Lao Cai`), spaces, hyphens and
//! apostrophes (`Shwe Kokko` = `Shwekokko`, `Pu'er` = `Puer`), a leading
//! "the", and administrative words (`Township`, `Town`, `District`, `City`,
//! `Myo`, `市`, `县`, `မြို့`, `อำเภอ`, ...).
//!
//! Burmese and Thai vowel signs are combining marks too, so only the Latin
//! combining-diacritic blocks are stripped; other scripts keep every mark.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// Words dropped wherever they stand, as long as some other word remains.
///
/// They name the kind of unit, not the place: "Mae Sot District" is looked up
/// as "Mae Sot", "Kokang region" as "Kokang".
const ADMIN_WORDS: &[&str] = &[
    "township", "tsp", "town", "district", "city", "myo", "amphoe", "region", "area",
];

/// Suffixes dropped from the end of a word in scripts written without spaces,
/// longest first so that "township" goes before "town".
const ADMIN_SUFFIXES: &[&str] = &["မြို့နယ်", "မြို့", "市", "县", "縣"];

/// Prefixes dropped from the start of a word (Thai writes "district" first).
const ADMIN_PREFIXES: &[&str] = &["อำเภอ"];

/// The lookup key of a name; empty when the name has no letters at all.
///
/// # Example
/// ```
/// use scamatlas::gazetteer::normalize;
/// assert_eq!(normalize("Möng La"), normalize("mong-la"));
/// assert_eq!(normalize("the Shwe Kokko"), "shwekokko");
/// assert_eq!(normalize("Laukkaing Township"), "laukkaing");
/// assert_eq!(normalize("老街市"), "老街");
/// ```
#[must_use]
pub fn normalize(name: &str) -> String {
    let mut spaced = String::with_capacity(name.len());
    if name.is_ascii() {
        for b in name.bytes() {
            match b {
                b'\'' | b'`' => {}
                b if b.is_ascii_alphanumeric() => spaced.push(b.to_ascii_lowercase() as char),
                _ => spaced.push(' '),
            }
        }
    } else {
        for c in fold_unicode(name).chars() {
            if is_apostrophe(c) {
                continue;
            }
            spaced.push(if is_separator(c) { ' ' } else { c });
        }
    }

    let mut words = spaced.split_whitespace().peekable();
    let mut count = spaced.split_whitespace().count();
    if count > 1 && words.peek() == Some(&"the") {
        words.next();
        count -= 1;
    }
    // Admin words go unless nothing else would be left.
    let drop_admin = count > 1
        && spaced
            .split_whitespace()
            .any(|w| w != "the" && !ADMIN_WORDS.contains(&w));

    let mut key = String::with_capacity(spaced.len());
    for word in words {
        if drop_admin && ADMIN_WORDS.contains(&word) {
            continue;
        }
        key.push_str(strip_affixes(word));
    }
    key
}

/// NFKC, lower case, Latin diacritics removed, a few letters without a
/// decomposition spelled out, then recomposed (NFC) for the other scripts.
fn fold_unicode(name: &str) -> String {
    let lower: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(lower.len());
    for c in lower.nfd() {
        if !is_latin_diacritic(c) {
            push_latin(c, &mut out);
        }
    }
    out.nfc().collect()
}

/// Appends a decomposed, lower-case letter, spelling out the Latin letters
/// that have no decomposition (đ, ø, ł, ß, æ, ...).
pub(crate) fn push_latin(c: char, out: &mut String) {
    match c {
        'đ' | 'ð' => out.push('d'),
        'ø' => out.push('o'),
        'ł' => out.push('l'),
        'ı' => out.push('i'),
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'þ' => out.push_str("th"),
        _ => out.push(c),
    }
}

/// A combining diacritic (accents of decomposed Latin letters).
pub(crate) fn is_latin_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | '′')
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || c.is_control()
        || matches!(
            c,
            '\u{2010}'
                ..='\u{2015}' // hyphens and dashes
            | '\u{2212}'            // minus sign
            | '·' | '•' | '“' | '”' | '«' | '»' | '…'
            | '、' | '。' | '・' | '《' | '》' | '「' | '」' | '【' | '】'
            | '၊' | '။'
        )
}

/// The affixes in the same folded form as the names they are cut from (NFKC
/// splits Thai SARA AM, for one).
fn folded_affixes() -> &'static (Vec<String>, Vec<String>) {
    static AFFIXES: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    AFFIXES.get_or_init(|| {
        let fold = |list: &[&str]| list.iter().map(|a| fold_unicode(a)).collect();
        (fold(ADMIN_SUFFIXES), fold(ADMIN_PREFIXES))
    })
}

fn strip_affixes(word: &str) -> &str {
    if word.is_ascii() {
        return word;
    }
    let (suffixes, prefixes) = folded_affixes();
    let mut w = word;
    for suffix in suffixes {
        if let Some(rest) = w.strip_suffix(suffix.as_str()) {
            if !rest.is_empty() {
                w = rest;
                break;
            }
        }
    }
    for prefix in prefixes {
        if let Some(rest) = w.strip_prefix(prefix.as_str()) {
            if !rest.is_empty() {
                w = rest;
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[track_caller]
    fn same(a: &str, b: &str) {
        assert_eq!(normalize(a), normalize(b), "{a:?} vs {b:?}");
    }

    #[test]
    fn case_spaces_hyphens_apostrophes() {
        same("Shwe Kokko", "Shwekokko");
        same("SHWE-KOKKO", "shwe kokko");
        same("Pu'er", "Puer");
        same("Pu’er", "Puer");
        same("O'Smach", "Osmach");
        same("Thai–Myanmar border", "thai-myanmar  border");
        same("  Myawaddy\t", "myawaddy");
    }

    #[test]
    fn diacritics_and_compatibility_forms() {
        same("Möng La", "Mong La");
        same("Lào Cai", "Lao Cai");
        same("Kēng Tung", "Keng Tung");
        same("Ｍｙａｗａｄｄｙ", "Myawaddy"); // fullwidth letters (NFKC)
        same("Đà Nẵng", "Da Nang");
    }

    #[test]
    fn leading_the_and_admin_words() {
        same("the Thai border", "Thai border");
        same("The Golden Triangle", "golden triangle");
        same("Laukkaing Township", "Laukkaing");
        same("Mae Sot District", "Mae Sot");
        same("Amphoe Mae Sai", "Mae Sai");
        same("Myawaddy Town", "Myawaddy");
        same("Kokang region", "Kokang");
        same("Laukkai Myo", "Laukkai");
        // An admin word alone is still a name.
        assert_eq!(normalize("Town"), "town");
        assert_eq!(normalize("the"), "the");
    }

    #[test]
    fn other_scripts_keep_their_marks_and_lose_admin_affixes() {
        same("老街市", "老街");
        same("户板县", "户板");
        same("လောက်ကိုင်မြို့", "လောက်ကိုင်");
        same("မြဝတီမြို့နယ်", "မြဝတီ");
        same("อำเภอแม่สอด", "แม่สอด");
        // Burmese vowel signs are combining marks; they must survive.
        assert_ne!(normalize("မြဝတီ"), normalize("မဝတ"));
        // Thai likewise.
        assert_ne!(normalize("แม่สอด"), normalize("แมสอด"));
        // A suffix alone is not stripped to nothing.
        assert_eq!(normalize("市"), "市");
    }

    #[test]
    fn blank_is_empty() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("  - ' "), "");
    }
}
