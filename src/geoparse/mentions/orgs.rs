//! Organisation names around a place name: "United Wa State Army", "China
//! Daily", "Global New Light of Myanmar". The place stays a mention, marked
//! with the organisation it sits in.

use super::lists::FUNCTION_WORDS;
use crate::geoparse::words::{is_capitalised, is_space_gap, word_after, word_before, Word};

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

/// The organisation name a span sits in: capitalised words around it ending
/// in an organisation word ("United Wa State Army", "China Daily"), or
/// "X of PLACE" after such a name ("Global New Light of Myanmar").
pub(super) fn organisation(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
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
}
