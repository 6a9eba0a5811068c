//! Dates in text: absolute ("18 November 2023", "2023-12-06", "2023年11月18日"),
//! partial ("April 2024", "November 18", "in October", "in 2021") and relative
//! to the article's date ("yesterday", "last week", "on Monday", "two days ago").
//!
//! A partial date without a year takes the article's year, or the year before
//! when that would put it after the article ("November 18" in an article of
//! 6 December 2023 is 18 November 2023). Without an article date it takes the
//! last year written before it, and stays unresolved when there is none.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;
use serde::Serialize;

use super::text::{is_regex_word_char, CharOffsets};
use crate::events::DatePrecision;

/// What a date mention says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateValue {
    /// The day, or the first day of the month or year.
    pub date: NaiveDate,
    pub precision: DatePrecision,
}

impl DateValue {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as precise as the value.
    #[must_use]
    pub fn to_event_date(&self) -> String {
        match self.precision {
            DatePrecision::Day => self.date.format("%Y-%m-%d").to_string(),
            DatePrecision::Month => self.date.format("%Y-%m").to_string(),
            DatePrecision::Year => self.date.format("%Y").to_string(),
        }
    }
}

/// How a date is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateForm {
    /// Day, month and year written out.
    Absolute,
    /// Part of a date: a month and year, a day and month, a month, a year.
    Partial,
    /// Relative to the article's date.
    Relative,
}

/// One date in the text.
#[derive(Debug, Clone, Serialize)]
pub struct DateMention {
    /// Code-point offsets, end exclusive.
    pub start: usize,
    pub end: usize,
    #[serde(skip)]
    pub byte_start: usize,
    #[serde(skip)]
    pub byte_end: usize,
    pub text: String,
    pub form: DateForm,
    /// `None` when a partial or relative date has nothing to be read against.
    pub value: Option<DateValue>,
}

/// Month names, lower case (also words the lexicon never takes for places).
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const THAI_MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

const MONTH_RE: &str = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:t\.?|tember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&w[..3]) && m.starts_with(w.as_str()))
        .or_else(|| (w == "sept").then_some(8))
        .map(|i| i as u32 + 1)
}

/// The date patterns in two parts, both fast (lazy-DFA) searches: the
/// patterns with word boundaries run over an ASCII shadow of the text (see
/// [`ascii_shadow`]), the Chinese and Thai ones over the text itself.
struct Patterns {
    latin: Regex,
    cjk: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let thai = THAI_MONTHS.join("|");
        let latin = format!(
            r"(?x)
            (?P<iso>(?-u:\b)(?P<iy>(?:19|20)\d{{2}})-(?P<im>0[1-9]|1[0-2])-(?P<id>[0-3]\d)(?-u:\b))
          | (?P<mdy>(?-u:\b)(?P<m1>{m})\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<y1>(?:19|20)\d{{2}})(?-u:\b))?)
          | (?P<dmy>(?-u:\b)(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{m})(?-u:\b)(?:,?\s+(?P<y2>(?:19|20)\d{{2}})(?-u:\b))?)
          | (?P<my>(?-u:\b)(?P<m3>{m})\s+(?P<y3>(?:19|20)\d{{2}})(?-u:\b))
          | (?P<mo>(?-u:\b)(?P<m4>January|February|March|April|May|June|July|August|September|October|November|December)(?-u:\b))
          | (?P<yr>(?-u:\b)(?P<y5>(?:19|20)\d{{2}})(?-u:\b))
          | (?P<rel>(?-u:\b)(?i:yesterday|today|tonight|last\s+(?:week|month|year|weekend)|this\s+(?:week|month|year)|earlier\s+this\s+(?:week|month|year)|over\s+the\s+weekend)(?-u:\b))
          | (?P<ago>(?-u:\b)(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago(?-u:\b))
          | (?P<wd>(?-u:\b)(?i:on|last)\s+(?P<wday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b))
            ",
            m = MONTH_RE,
        );
        let cjk = format!(
            r"(?x)
            (?P<zh>(?P<zy>\d{{4}})年(?P<zm>\d{{1,2}})月(?:(?P<zd>\d{{1,2}})日)?)
          | (?P<zmd>(?P<zm2>\d{{1,2}})月(?P<zd2>\d{{1,2}})日)
          | (?P<th>(?:(?P<td>\d{{1,2}})\s*)?(?P<tm>{thai})(?:\s*(?:พ\.ศ\.\s*)?(?P<ty>\d{{4}}))?)
            ",
            thai = thai
        );
        Patterns {
            latin: Regex::new(&latin).unwrap_or_else(|e| panic!("date pattern: {e}")),
            cjk: Regex::new(&cjk).unwrap_or_else(|e| panic!("date pattern: {e}")),
        }
    })
}

/// `text` with the same byte offsets, in ASCII: every other character becomes
/// as many `x` bytes if it is a word character and spaces if not. ASCII word
/// boundaries in the shadow are then exactly the Unicode word boundaries of
/// the text, and a regex with `(?-u:\b)` searches it with a lazy DFA instead
/// of the much slower engine that Unicode `\b` over non-ASCII text needs.
fn ascii_shadow(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let mut from = 0;
    // ASCII is its own shadow: only the other characters are overwritten.
    while let Some(offset) = out[from..].iter().position(|b| !b.is_ascii()) {
        let at = from + offset;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        let fill = if is_regex_word_char(c) { b'x' } else { b' ' };
        out[at..at + c.len_utf8()].fill(fill);
        from = at + c.len_utf8();
    }
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("an ASCII shadow: {e}"))
}

/// Whether `text` has what every Chinese or Thai date pattern needs: 月, or
/// a character of the Thai block (the month names).
fn may_hold_cjk_date(text: &str) -> bool {
    // 月 is E6 9C 88 in UTF-8; Thai (U+0E00-U+0E7F) is E0 B8 xx or E0 B9 xx.
    memchr::memmem::find(text.as_bytes(), "月".as_bytes()).is_some()
        || memchr::memchr_iter(0xE0, text.as_bytes())
            .any(|at| matches!(text.as_bytes().get(at + 1), Some(0xB8 | 0xB9)))
}

/// The article's own date: a full date written in the first 300 characters
/// (a dateline such as "date 2023-12-06" or "November 20, 2023"), with where
/// it was found.
#[must_use]
pub fn article_date(text: &str) -> Option<(NaiveDate, String)> {
    let head_end = text.char_indices().nth(300).map_or(text.len(), |(i, _)| i);
    let head = &text[..head_end];
    find(head, None).into_iter().find_map(|d| match d {
        DateMention {
            form: DateForm::Absolute,
            value: Some(v),
            text,
            start,
            ..
        } => Some((v.date, format!("\"{text}\" at character {start}"))),
        _ => None,
    })
}

/// Every date in `text`, in order, read against `article` where needed.
#[must_use]
pub fn find(text: &str, article: Option<NaiveDate>) -> Vec<DateMention> {
    let p = patterns();
    let mut out = Vec::new();
    let mut offsets = CharOffsets::new(text);
    let mut last_year: Option<i32> = article.map(|a| a.year());
    // Both parts' matches in text order; where they overlap the earlier wins,
    // as one pattern searched left to right would have it.
    let shadow = ascii_shadow(text);
    let mut found: Vec<regex::Captures<'_>> = p.latin.captures_iter(&shadow).collect();
    if may_hold_cjk_date(text) {
        found.extend(p.cjk.captures_iter(text));
    }
    found.sort_by_key(|c| c.get(0).map(|m| (m.start(), std::cmp::Reverse(m.end()))));
    let mut taken_to = 0;
    for caps in found {
        let Some(whole) = caps.get(0) else { continue };
        if whole.start() < taken_to {
            continue;
        }
        taken_to = whole.end();
        let (start, end) = (whole.start(), whole.end());
        let Some((form, value)) = read(&caps, text, start, article, last_year) else {
            continue;
        };
        if let Some(v) = value {
            if form != DateForm::Relative {
                last_year = Some(v.date.year());
            }
        }
        let (byte_start, byte_end) = (start, end);
        let start = offsets.at(byte_start);
        let end = offsets.at(byte_end);
        out.push(DateMention {
            start,
            end,
            byte_start,
            byte_end,
            text: text[byte_start..byte_end].to_string(),
            form,
            value,
        });
    }
    out
}

/// A match read as a date: its form, and its value (`None` when, say, the
/// day does not exist). `None` when the match is no date after all: a month
/// or a year alone with no word before it that makes it one ("in October").
/// `last_year` is the year of the date before, for dates without one.
fn read(
    caps: &regex::Captures<'_>,
    text: &str,
    start: usize,
    article: Option<NaiveDate>,
    last_year: Option<i32>,
) -> Option<(DateForm, Option<DateValue>)> {
    let g = |name: &str| group(caps, name);
    let num = |name: &str| number(caps, name);
    let read = if g("iso").is_some() {
        let value = ymd(num("iy").map(|y| y as i32), num("im"), num("id"));
        (DateForm::Absolute, value)
    } else if g("mdy").is_some() || g("dmy").is_some() {
        month_day_year(caps, article, last_year)
    } else if g("my").is_some() {
        let month = g("m3").and_then(month_number);
        (
            DateForm::Partial,
            ymd(num("y3").map(|y| y as i32), month, None),
        )
    } else if g("mo").is_some() {
        // A month alone is a date only after a word that makes it one
        // ("in October", "since October").
        if !after_date_word(text, start) {
            return None;
        }
        let month = g("m4").and_then(month_number);
        let value = month.and_then(|mo| infer_year(mo, None, article, last_year));
        (DateForm::Partial, value)
    } else if g("yr").is_some() {
        if !after_date_word(text, start) {
            return None;
        }
        let value = num("y5")
            .and_then(|y| NaiveDate::from_ymd_opt(y as i32, 1, 1))
            .map(|date| DateValue {
                date,
                precision: DatePrecision::Year,
            });
        (DateForm::Partial, value)
    } else if g("zh").is_some() {
        let value = ymd(num("zy").map(|y| y as i32), num("zm"), num("zd"));
        if num("zd").is_some() {
            (DateForm::Absolute, value)
        } else {
            (DateForm::Partial, value)
        }
    } else if g("zmd").is_some() {
        let value = num("zm")
            .or(num("zm2"))
            .and_then(|mo| infer_year(mo, num("zd2"), article, last_year));
        (DateForm::Partial, value)
    } else if g("th").is_some() {
        thai(caps, article, last_year)
    } else {
        (DateForm::Relative, relative(caps, article))
    };
    Some(read)
}

/// "November 18, 2023", "18 November 2023", and "May 5" without a year.
fn month_day_year(
    caps: &regex::Captures<'_>,
    article: Option<NaiveDate>,
    last_year: Option<i32>,
) -> (DateForm, Option<DateValue>) {
    let (m, d, y) = if group(caps, "mdy").is_some() {
        (group(caps, "m1"), number(caps, "d1"), number(caps, "y1"))
    } else {
        (group(caps, "m2"), number(caps, "d2"), number(caps, "y2"))
    };
    let month = m.and_then(month_number);
    match (month, d, y) {
        (Some(mo), Some(day), Some(year)) => (
            DateForm::Absolute,
            ymd(Some(year as i32), Some(mo), Some(day)),
        ),
        (Some(mo), Some(day), None) => {
            // "May 5" needs the capital: "may" is also a verb.
            if m.is_some_and(|m| m.starts_with(|c: char| c.is_lowercase())) {
                (DateForm::Partial, None)
            } else {
                (
                    DateForm::Partial,
                    infer_year(mo, Some(day), article, last_year),
                )
            }
        }
        _ => (DateForm::Partial, None),
    }
}

/// A Thai date: "18 พฤศจิกายน 2566", a month with or without its day and year.
fn thai(
    caps: &regex::Captures<'_>,
    article: Option<NaiveDate>,
    last_year: Option<i32>,
) -> (DateForm, Option<DateValue>) {
    let month = group(caps, "tm")
        .and_then(|m| THAI_MONTHS.iter().position(|t| *t == m))
        .map(|i| i as u32 + 1);
    // Thai years are Buddhist Era: 2566 is 2023.
    let year = number(caps, "ty").map(|y| if y > 2400 { y as i32 - 543 } else { y as i32 });
    match (month, number(caps, "td"), year) {
        (Some(mo), day, Some(y)) => {
            let form = if day.is_some() {
                DateForm::Absolute
            } else {
                DateForm::Partial
            };
            (form, ymd(Some(y), Some(mo), day))
        }
        (Some(mo), day, None) => (DateForm::Partial, infer_year(mo, day, article, last_year)),
        _ => (DateForm::Partial, None),
    }
}

/// The text of the capture group `name`, if it took part in the match.
fn group<'t>(caps: &regex::Captures<'t>, name: &str) -> Option<&'t str> {
    caps.name(name).map(|m| m.as_str())
}

/// The capture group `name` as a number.
fn number(caps: &regex::Captures<'_>, name: &str) -> Option<u32> {
    group(caps, name).and_then(|s| s.parse::<u32>().ok())
}

/// Whether a word that introduces a date stands right before `at`.
fn after_date_word(text: &str, at: usize) -> bool {
    const WORDS: &[&str] = &[
        "in", "since", "during", "from", "until", "till", "by", "last", "early", "late", "mid",
        "this", "of", "next", "before", "after", "between", "and", "to",
    ];
    let head = text[..at].trim_end_matches([' ', '-']);
    let word_start = head.rfind(|c: char| !c.is_alphabetic()).map_or(0, |i| {
        i + head[i..].chars().next().map_or(1, char::len_utf8)
    });
    WORDS.contains(&head[word_start..].to_lowercase().as_str())
}

fn ymd(y: Option<i32>, m: Option<u32>, d: Option<u32>) -> Option<DateValue> {
    let (y, m) = (y?, m?);
    match d {
        Some(d) => NaiveDate::from_ymd_opt(y, m, d).map(|date| DateValue {
            date,
            precision: DatePrecision::Day,
        }),
        None => NaiveDate::from_ymd_opt(y, m, 1).map(|date| DateValue {
            date,
            precision: DatePrecision::Month,
        }),
    }
}

/// The year of a month (and day) written without one: the article's year, or
/// the year before if that would be after the article; else the last year
/// written before it in the text.
fn infer_year(
    month: u32,
    day: Option<u32>,
    article: Option<NaiveDate>,
    last_year: Option<i32>,
) -> Option<DateValue> {
    let v = |y: i32| ymd(Some(y), Some(month), day);
    match article {
        Some(a) => {
            let same = v(a.year())?;
            if same.date > a {
                v(a.year() - 1)
            } else {
                Some(same)
            }
        }
        None => v(last_year?),
    }
}

fn relative(caps: &regex::Captures<'_>, article: Option<NaiveDate>) -> Option<DateValue> {
    let a = article?;
    let day = |date: NaiveDate| DateValue {
        date,
        precision: DatePrecision::Day,
    };
    let month_of = |date: NaiveDate| ymd(Some(date.year()), Some(date.month()), None);
    if let Some(rel) = caps.name("rel") {
        let r = rel.as_str().to_lowercase();
        let r: Vec<&str> = r.split_whitespace().collect();
        return match r.as_slice() {
            ["yesterday"] => Some(day(a - Duration::days(1))),
            ["today"] | ["tonight"] => Some(day(a)),
            ["last", "week"] => Some(day(a - Duration::days(7))),
            ["last", "weekend"] | ["over", "the", "weekend"] => {
                let back = (a.weekday().num_days_from_monday() + 2) % 7;
                Some(day(a - Duration::days(i64::from(if back == 0 {
                    7
                } else {
                    back
                }))))
            }
            ["last", "month"] => month_of(a - Duration::days(i64::from(a.day()))),
            ["last", "year"] => NaiveDate::from_ymd_opt(a.year() - 1, 1, 1).map(|date| DateValue {
                date,
                precision: DatePrecision::Year,
            }),
            [.., "week"] => Some(day(a)),
            [.., "month"] => month_of(a),
            [.., "year"] => NaiveDate::from_ymd_opt(a.year(), 1, 1).map(|date| DateValue {
                date,
                precision: DatePrecision::Year,
            }),
            _ => None,
        };
    }
    if caps.name("ago").is_some() {
        let n = match caps.name("n")?.as_str().to_lowercase().as_str() {
            "a" | "an" | "one" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "five" => 5,
            "six" => 6,
            "seven" => 7,
            "eight" => 8,
            "nine" => 9,
            "ten" => 10,
            digits => digits.parse().ok()?,
        };
        let unit = caps.name("unit")?.as_str();
        return if unit.starts_with("day") {
            Some(day(a - Duration::days(n)))
        } else if unit.starts_with("week") {
            Some(day(a - Duration::days(7 * n)))
        } else if unit.starts_with("month") {
            let total = i64::from(a.year()) * 12 + i64::from(a.month0()) - n;
            ymd(
                Some((total / 12) as i32),
                Some((total % 12) as u32 + 1),
                None,
            )
        } else {
            NaiveDate::from_ymd_opt(a.year() - n as i32, 1, 1).map(|date| DateValue {
                date,
                precision: DatePrecision::Year,
            })
        };
    }
    if let Some(w) = caps.name("wday") {
        let target: Weekday = w.as_str().parse().ok()?;
        let back = (7 + a.weekday().num_days_from_monday() - target.num_days_from_monday()) % 7;
        return Some(day(a - Duration::days(i64::from(back))));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn values(text: &str, article: Option<NaiveDate>) -> Vec<(String, Option<String>)> {
        find(text, article)
            .into_iter()
            .map(|m| (m.text, m.value.map(|v| v.to_event_date())))
            .collect()
    }

    #[test]
    fn chinese_and_thai_dates_are_only_searched_in_texts_that_may_hold_them() {
        let pieces = [
            "2023年",
            "11月",
            "18日",
            "月",
            "年",
            "5",
            "ธันวาคม",
            " ",
            "พ.ศ. 2566",
            "ก",
            "老街",
            "November",
            "x",
            "\u{0E50}",
            "\u{0EC0}",
        ];
        let mut rng = crate::events::synthetic::Rng::new(17);
        let (mut skipped, mut dates) = (0, 0);
        for _ in 0..3000 {
            let text = rng.glue(&pieces, 0, 8);
            let found = patterns().cjk.is_match(&text);
            dates += usize::from(found);
            if !may_hold_cjk_date(&text) {
                skipped += 1;
                assert!(!found, "{text:?}");
            }
        }
        assert!(skipped > 100 && dates > 100, "{skipped} {dates}");
    }

    #[test]
    fn absolute_and_partial_dates() {
        let v = values(
            "On 4 January 2024 and October 5, 2024; in April 2024; date 2023-12-06.",
            None,
        );
        assert_eq!(
            v,
            [
                ("4 January 2024".into(), Some("2024-01-04".into())),
                ("October 5, 2024".into(), Some("2024-10-05".into())),
                ("April 2024".into(), Some("2024-04".into())),
                ("2023-12-06".into(), Some("2023-12-06".into())),
            ]
        );
    }

    #[test]
    fn word_boundaries_are_unicode_ones_next_to_other_scripts() {
        // Curly quotes and a no-break space are not letters: the dates stand.
        assert_eq!(
            values("“October 5,\u{a0}2024” – 2023-12-06…", None),
            [
                ("October 5,\u{a0}2024".into(), Some("2024-10-05".into())),
                ("2023-12-06".into(), Some("2023-12-06".into())),
            ]
        );
        // A letter of another script is a word character: no date inside.
        assert!(values("éOctober 5, 2024 ก2023-12-06", None).is_empty());
        // The shadow keeps every byte offset.
        let text = "ย่างกุ้ง 5 มีนาคม 2567, “May 2024”";
        let shadow = ascii_shadow(text);
        assert_eq!(shadow.len(), text.len());
        assert!(shadow.is_ascii());
        assert_eq!(values(text, None).len(), 2, "{:?}", values(text, None));
    }

    #[test]
    fn shadow_agrees_with_a_shadow_char_by_char() {
        let by_char = |text: &str| -> String {
            text.chars()
                .flat_map(|c| {
                    let fill = if c.is_ascii() {
                        c
                    } else if regex_syntax::is_word_character(c) {
                        'x'
                    } else {
                        ' '
                    };
                    std::iter::repeat_n(fill, if c.is_ascii() { 1 } else { c.len_utf8() })
                })
                .collect()
        };
        let pieces = [
            "May 5",
            " ",
            "ก",
            "“",
            "\u{a0}",
            "2023",
            "老街",
            "é",
            "\u{1F600}",
            "-",
            "မ",
        ];
        let mut rng = crate::events::synthetic::Rng::new(23);
        for _ in 0..3000 {
            let text = rng.glue(&pieces, 0, 10);
            assert_eq!(ascii_shadow(&text), by_char(&text), "{text:?}");
        }
    }

    #[test]
    fn partial_dates_take_the_article_year() {
        let a = Some(d(2023, 12, 6));
        assert_eq!(
            values("on November 18 the ministry said", a),
            [("November 18".into(), Some("2023-11-18".into()))]
        );
        // After the article date: the year before.
        assert_eq!(
            values("since December 20", a)[0].1.as_deref(),
            Some("2022-12-20")
        );
        assert_eq!(
            values("deported since October", a),
            [("October".into(), Some("2023-10".into()))]
        );
        assert!(values("a 2021 coup", a).is_empty());
        assert_eq!(
            values("in October 2023", a),
            [("October 2023".into(), Some("2023-10".into()))]
        );
        assert_eq!(values("the coup in 2021", a)[0].1.as_deref(), Some("2021"));
        // "may" the verb is not a month.
        assert!(values("they may 5 times", a).is_empty());
    }

    #[test]
    fn relative_dates() {
        let a = Some(d(2024, 1, 10)); // a Wednesday
        let v = values(
            "yesterday, last week, two days ago, on Monday, last month",
            a,
        );
        let got: Vec<Option<String>> = v.into_iter().map(|(_, v)| v).collect();
        assert_eq!(
            got,
            [
                Some("2024-01-09".into()),
                Some("2024-01-03".into()),
                Some("2024-01-08".into()),
                Some("2024-01-08".into()),
                Some("2023-12".into()),
            ]
        );
        assert_eq!(values("yesterday", None)[0].1, None);
    }

    #[test]
    fn chinese_and_thai_dates() {
        assert_eq!(
            values("2023年11月18日，缅北", None)[0].1.as_deref(),
            Some("2023-11-18")
        );
        assert_eq!(
            values("เมื่อ 18 พฤศจิกายน 2566", None)[0].1.as_deref(),
            Some("2023-11-18")
        );
    }

    #[test]
    fn article_date_from_a_dateline() {
        let (date, _) = article_date(" date 2023-12-06 (MENAFN) In an").unwrap();
        assert_eq!(date, d(2023, 12, 6));
        assert_eq!(article_date("No date here."), None);
    }
}
