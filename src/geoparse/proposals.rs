//! Proposed events: the counts of an article grouped into the events they
//! report, for an editor to review.
//!
//! A count of people is a figure; an event is what happened. One report
//! repeats its figure (headline and body) and breaks it down ("148 Thais among
//! 689 people", "75 men and 73 women"); it also recalls earlier events and
//! quotes running totals. The rules, in the order they are applied to the
//! counts in text order:
//! - a **running total** ("since September", "so far", "to date", "over the
//!   past year"; not "a total of" alone) is a figure
//!   to show: proposed with [`Standing::RunningTotal`], never as a new event;
//!   the same running total quoted twice is one proposal;
//! - a **breakdown** is part of an event's figure: a smaller count in a
//!   sentence of the event linked to it ("among", "including", "of whom", "of
//!   them"), counts side by side whose sum is one of the event's figures, or a
//!   smaller count in a sentence that opens with "among them", "of those"...;
//!   when the larger count comes second ("148 Thais among 689 people") it
//!   becomes the total and the first a breakdown;
//! - a **repeat** is the same figure again with the same kind of event (the
//!   headline's count in the body); a breakdown repeated stays a breakdown;
//! - any other count with an event type opens a proposal of its own; a count
//!   with no event type never does.
//!
//! Then each proposal gets:
//! - its **date**: the date nearest the total in the total's sentence, else in
//!   the other sentences of the proposal, else the article's date (a running
//!   total: the article's date); a dateline's date is not an event's date;
//! - a **situation** ([`Standing::Situation`]) when the total's sentence
//!   tells a state of people, not an event ("stranded", "stuck", "remain in",
//!   "awaiting"): shown, not drafted;
//! - **background** ([`Standing::Background`]) when its date ends more than
//!   [`BACKGROUND_DAYS`] days before the article's date: an earlier event the
//!   article recalls ("late last year", "in August 2023"). It stays in the
//!   list, flagged, so that the editor sees it, but `geoparse --events-csv`
//!   drafts only new events;
//! - its **place**: the most specific place (smallest radius) its sentences
//!   name, leaving out the dateline ("YANGON, Nov 21 -": where the report was
//!   filed), organisation names and the destination of a movement; so a town
//!   or crossing beats a border line or a country. When its sentences name
//!   nothing narrower than a country or a state (100 km or more), the
//!   town-sized place (under 50 km) the article names most, if it lies in a
//!   country its sentences name ("Authorities in Myanmar arrested 750" in an
//!   article about Muse); when they name none, the place the article names
//!   most.

use std::collections::HashMap;

use chrono::Duration;
use serde::Serialize;

use super::counts::CountMention;
use super::{Document, Mention};
use crate::events::{DatePrecision, EventDate, EventType};
use crate::gazetteer::Kind;

/// A place at least this wide (metres of radius: a country, a state) is
/// too vague for an event when the article names a narrower one inside it
/// most often.
const WIDE_M: f64 = 100_000.0;
/// A place narrower than this (a town, a compound, a crossing) can stand in
/// for a wide one.
const NARROW_M: f64 = 50_000.0;

/// An event whose date ends more than this many days before the article's
/// date is background.
pub const BACKGROUND_DAYS: i64 = 30;

/// What a count is to the proposal it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The event's figure.
    Total,
    /// The same figure again (the headline's count in the body).
    Repeat,
    /// Part of the figure ("148 Thais among 689 people").
    Breakdown,
    /// A running total ("31,000 handed over since September").
    RunningTotal,
}

/// Whether a proposal is a new event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// What the article reports: propose it as an event.
    New,
    /// An earlier event the article recalls.
    Background,
    /// A running total: a figure to show, not an event.
    RunningTotal,
    /// People in a state, not something that happened ("129 Kenyans are
    /// stuck at the border", "77 remain in Myanmar"): a figure, not an event.
    Situation,
}

/// One count of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Index into the document's counts.
    pub count: usize,
    pub role: Role,
}

/// A sentence quoted as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Unicode code-point offsets, end exclusive.
    pub start: usize,
    pub end: usize,
    #[serde(skip)]
    pub byte_start: usize,
    #[serde(skip)]
    pub byte_end: usize,
}

/// One proposed event: the counts it groups and what was chosen for it.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub event_type: EventType,
    pub standing: Standing,
    /// Its counts in text order, each with its role.
    pub members: Vec<Member>,
    /// Index into the document's counts of the event's figure.
    pub total: usize,
    /// Index into the document's mentions of its place; `None` when the
    /// article names none.
    pub place: Option<usize>,
    /// Why that place.
    pub place_note: String,
    /// Index of the place people were moved to, for movements.
    pub destination: Option<usize>,
    /// `None` when neither its sentences nor the article give a date.
    pub date: Option<EventDate>,
    /// Where the date comes from.
    pub date_note: String,
    /// Its sentences, the total's first.
    pub evidence: Vec<Evidence>,
}

impl Proposal {
    /// The counts with `role`.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = usize> + '_ {
        self.members
            .iter()
            .filter(move |m| m.role == role)
            .map(|m| m.count)
    }
}

/// The proposed events of a parsed document, in the order the article first
/// gives their figures.
#[must_use]
pub fn proposals(doc: &Document<'_>, text: &str) -> Vec<Proposal> {
    let dateline = dateline(text);
    let groups = group(&doc.counts, text);
    let main = Main {
        any: main_place(&doc.mentions, dateline, f64::INFINITY),
        narrow: main_place(&doc.mentions, dateline, NARROW_M),
    };
    groups
        .into_iter()
        .map(|g| finish(doc, text, g, dateline, main))
        .collect()
}

/// The places an article names most (mention indices): of all, and of the
/// narrow ones (under [`NARROW_M`]).
#[derive(Debug, Clone, Copy)]
struct Main {
    any: Option<usize>,
    narrow: Option<usize>,
}

/// A proposal before its date and place are chosen.
struct Group {
    event_type: EventType,
    running: bool,
    members: Vec<Member>,
    total: usize,
}

impl Group {
    /// A proposal of one count, in `role`.
    fn of(event_type: EventType, running: bool, count: usize, role: Role) -> Self {
        Self {
            event_type,
            running,
            members: vec![Member { count, role }],
            total: count,
        }
    }

    fn add(&mut self, count: usize, role: Role) {
        self.members.push(Member { count, role });
    }

    /// The values that stand for the whole figure (total and repeats).
    fn has_figure(&self, counts: &[CountMention], value: u64) -> bool {
        self.members
            .iter()
            .any(|m| matches!(m.role, Role::Total | Role::Repeat) && counts[m.count].value == value)
    }

    fn has_part(&self, counts: &[CountMention], value: u64) -> bool {
        self.members
            .iter()
            .any(|m| m.role == Role::Breakdown && counts[m.count].value == value)
    }

    fn in_sentence(&self, counts: &[CountMention], sentence: (usize, usize)) -> bool {
        self.members
            .iter()
            .any(|m| counts[m.count].sentence == sentence)
    }
}

/// Handover, deportation and extradition are one family: a repeat may name
/// either.
fn same_family(a: EventType, b: EventType) -> bool {
    let moved = |t: EventType| {
        matches!(
            t,
            EventType::Handover | EventType::Deportation | EventType::Extradition
        )
    };
    a == b || (moved(a) && moved(b))
}

/// Words that make a running total whatever the sentence says.
const RUNNING: &[&str] = &[
    "since",
    "so far",
    "to date",
    "over the past",
    "cumulative",
    "累计",
];

/// Words that link a part to its whole in one sentence.
const PART_OF: &[&str] = &[
    " among ",
    " including ",
    " included ",
    " of whom ",
    " of them",
    " out of ",
    " of the ",
];

/// Openings of a sentence about the parts of the event before it.
const PART_OPENINGS: &[&str] = &[
    "among them",
    "among those",
    "of them",
    "of those",
    "of the",
    "they included",
    "those detained included",
    "they were",
    "including",
];

fn lower(text: &str, (a, b): (usize, usize)) -> String {
    text[a..b].to_lowercase()
}

/// Words that make a sentence's figure a state of people, not an event.
const SITUATION: &[&str] = &[
    "stranded",
    "stuck",
    "remain in",
    "remain at",
    "still held",
    "still being held",
    "awaiting",
];

/// Whether the sentence `(a, b)` tells a state of people ("are stuck at the
/// border"), not something that happened.
fn is_situation(text: &str, (a, b): (usize, usize)) -> bool {
    let sentence = text[a..b].to_lowercase();
    SITUATION.iter().any(|w| sentence.contains(w))
}

/// Whether a count is a running total: a word such as "since", "so far" or
/// "to date" in its sentence. "A total of" alone is not one: "a total of 73
/// foreign nationals were deported" is one event's figure.
fn is_running(count: &CountMention, text: &str) -> bool {
    if !count.cumulative {
        return false;
    }
    let (a, b) = count.sentence;
    let sentence = format!(" {} ", text[a..b].to_lowercase());
    let words_around =
        |w: &str| sentence.contains(&format!(" {w} ")) || sentence.contains(&format!(" {w},"));
    RUNNING
        .iter()
        .any(|w| words_around(w) || (!w.is_ascii() && sentence.contains(w)))
}

/// The counts grouped into proposals.
fn group(counts: &[CountMention], text: &str) -> Vec<Group> {
    let sums = sum_parts(counts);
    let mut groups: Vec<Group> = Vec::new();
    // Counts with no event type that joined no event yet.
    let mut untyped = Vec::new();
    for (i, c) in counts.iter().enumerate() {
        if is_running(c, text) {
            if let Some(t) = c.event_type {
                add_running(&mut groups, counts, i, t);
            }
            continue;
        }
        let joined = sums
            .get(&i)
            .is_some_and(|&sum| join_as_sum(&mut groups, counts, i, sum))
            || join_as_figure(&mut groups, counts, i)
            || join_in_sentence(&mut groups, counts, text, i)
            || join_after_opening(&mut groups, counts, text, i);
        if joined {
            continue;
        }
        match c.event_type {
            Some(t) => groups.push(Group::of(t, false, i, Role::Total)),
            None => untyped.push(i),
        }
    }
    // A figure without a verb before its event ("Myanmar hands 412 suspects
    // to China" above the report): a repeat of the one event with that figure.
    for i in untyped {
        let value = counts[i].value;
        let mut with_figure = groups
            .iter_mut()
            .filter(|g| !g.running && g.has_figure(counts, value));
        if let (Some(g), None) = (with_figure.next(), with_figure.next()) {
            g.add(i, Role::Repeat);
            g.members.sort_by_key(|m| m.count);
        }
    }
    groups
}

/// A running total: a repeat of the running total with that figure, else a
/// proposal of its own.
fn add_running(groups: &mut Vec<Group>, counts: &[CountMention], i: usize, t: EventType) {
    let value = counts[i].value;
    match groups
        .iter_mut()
        .find(|g| g.running && same_family(g.event_type, t) && g.has_figure(counts, value))
    {
        Some(g) => g.add(i, Role::Repeat),
        None => groups.push(Group::of(t, true, i, Role::RunningTotal)),
    }
}

/// Whether the event `g` may take count `c` as a repeat or a part: not a
/// running total, and of its family when `c` has a type.
fn compatible(g: &Group, c: &CountMention) -> bool {
    !g.running && c.event_type.is_none_or(|t| same_family(g.event_type, t))
}

/// Counts side by side whose sum is a figure (or a part) of an event: a
/// breakdown of the latest such event.
fn join_as_sum(groups: &mut [Group], counts: &[CountMention], i: usize, sum: u64) -> bool {
    let found = groups
        .iter_mut()
        .rev()
        .find(|g| !g.running && (g.has_figure(counts, sum) || g.has_part(counts, sum)));
    found.map(|g| g.add(i, Role::Breakdown)).is_some()
}

/// The same figure again (a repeat) or one of its parts again (a
/// breakdown), in the latest event that may take it.
fn join_as_figure(groups: &mut [Group], counts: &[CountMention], i: usize) -> bool {
    let c = &counts[i];
    let found = groups.iter_mut().rev().find(|g| {
        compatible(g, c) && (g.has_figure(counts, c.value) || g.has_part(counts, c.value))
    });
    let Some(g) = found else {
        return false;
    };
    let role = if g.has_figure(counts, c.value) {
        Role::Repeat
    } else {
        Role::Breakdown
    };
    g.add(i, role);
    true
}

/// A part of a figure in the same sentence, or a larger figure that the
/// count before was a part of ("148 Thais among 689 people").
fn join_in_sentence(groups: &mut [Group], counts: &[CountMention], text: &str, i: usize) -> bool {
    let c = &counts[i];
    let Some(g) = groups
        .iter_mut()
        .rev()
        .find(|g| !g.running && g.in_sentence(counts, c.sentence))
    else {
        return false;
    };
    let total = &counts[g.total];
    let before = lower(text, (c.sentence.0, c.byte_start));
    let between = lower(
        text,
        (
            total.byte_end.min(c.byte_start),
            c.byte_start.max(total.byte_end),
        ),
    );
    let linked = PART_OF
        .iter()
        .any(|w| between.contains(w) || before.ends_with(w.trim_start()));
    if c.value < total.value && (linked || compatible(g, c)) {
        g.add(i, Role::Breakdown);
        return true;
    }
    if c.value > total.value && linked && total.byte_end <= c.byte_start {
        for m in &mut g.members {
            if m.count == g.total {
                m.role = Role::Breakdown;
            }
        }
        g.add(i, Role::Total);
        g.total = i;
        if let Some(t) = c.event_type {
            g.event_type = t;
        }
        return true;
    }
    false
}

/// A smaller count in a sentence about the parts of the event before it
/// ("Among them were 40 Kenyans").
fn join_after_opening(groups: &mut [Group], counts: &[CountMention], text: &str, i: usize) -> bool {
    let c = &counts[i];
    let opening = lower(text, c.sentence);
    if !PART_OPENINGS
        .iter()
        .any(|o| opening.trim_start().starts_with(o))
    {
        return false;
    }
    match groups.iter_mut().rev().find(|g| !g.running) {
        Some(g) if compatible(g, c) && c.value < counts[g.total].value => {
            g.add(i, Role::Breakdown);
            true
        }
        _ => false,
    }
}

/// Counts that, side by side in one sentence, add up to another count's
/// value ("75 men and 73 women" of 148): each with that value.
fn sum_parts(counts: &[CountMention]) -> HashMap<usize, u64> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i < counts.len() {
        let mut j = i + 1;
        while j < counts.len() && counts[j].sentence == counts[i].sentence {
            j += 1;
        }
        // counts[i..j] share a sentence: look for runs of two or more.
        for a in i..j {
            let mut sum = counts[a].value;
            for b in a + 1..j {
                sum += counts[b].value;
                let is_figure = counts
                    .iter()
                    .enumerate()
                    .any(|(k, c)| !(a..=b).contains(&k) && c.value == sum);
                if is_figure {
                    for k in a..=b {
                        out.entry(k).or_insert(sum);
                    }
                }
            }
        }
        i = j;
    }
    out
}

/// The byte range of a dateline ("YANGON, Nov 21 (Reuters) -", "MYAWADDY,
/// Myanmar —"): a word in capitals at the start of one of the first lines,
/// then up to the dash or bracket that ends it.
fn dateline(text: &str) -> Option<(usize, usize)> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n').take(6) {
        let start = line_start;
        line_start += line.len();
        let trimmed = line.trim_start();
        let offset = start + (line.len() - trimmed.len());
        let first: String = trimmed
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '-')
            .collect();
        let capitals = first.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && first.chars().all(|c| !c.is_lowercase());
        if !capitals {
            continue;
        }
        let head: String = trimmed.chars().take(60).collect();
        let ends = ["—", "–", " - ", " -- ", "(", ": "];
        let Some((at, sep)) = ends
            .iter()
            .filter_map(|e| head.find(e).map(|i| (i, *e)))
            .min()
        else {
            continue;
        };
        let mut end = at + sep.len();
        if sep == "(" {
            end = trimmed[at..]
                .find(')')
                .map_or(trimmed.len(), |i| at + i + 1);
        }
        // The dashes and spaces after it.
        let after = &trimmed[end..];
        end += after.len()
            - after
                .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '—' | '–'))
                .len();
        return Some((offset, offset + end));
    }
    None
}

fn inside(span: (usize, usize), range: Option<(usize, usize)>) -> bool {
    range.is_some_and(|(a, b)| span.0 >= a && span.1 <= b)
}

/// The place an article names most (organisation names, lines and the
/// dateline aside), the most specific first among equals.
fn main_place(
    mentions: &[Mention<'_>],
    dateline: Option<(usize, usize)>,
    max_radius_m: f64,
) -> Option<usize> {
    let mut tally: HashMap<&str, (usize, usize, f64)> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        let Some(p) = m.place else { continue };
        if m.organisation.is_some()
            || p.kind == Kind::Line
            || p.radius_m >= max_radius_m
            || inside((m.byte_start, m.byte_end), dateline)
        {
            continue;
        }
        let e = tally.entry(p.id.as_str()).or_insert((0, i, p.radius_m));
        e.0 += 1;
    }
    tally
        .into_values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(b.1.cmp(&a.1)))
        .map(|(_, i, _)| i)
}

/// The group's sentences, the total's first.
fn sentences(counts: &[CountMention], g: &Group) -> Vec<(usize, usize)> {
    let mut out = vec![counts[g.total].sentence];
    for m in &g.members {
        let s = counts[m.count].sentence;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn finish(
    doc: &Document<'_>,
    text: &str,
    g: Group,
    dateline: Option<(usize, usize)>,
    main: Main,
) -> Proposal {
    let counts = &doc.counts;
    let total = &counts[g.total];
    let sentences = sentences(counts, &g);
    let destination = std::iter::once(total.destination)
        .chain(g.members.iter().map(|m| counts[m.count].destination))
        .flatten()
        .next();
    let (date, date_note) = date_for(doc, total, &sentences, dateline, g.running);
    let mut standing = if g.running {
        Standing::RunningTotal
    } else {
        Standing::New
    };
    if standing == Standing::New && is_situation(text, total.sentence) {
        standing = Standing::Situation;
    }
    if standing == Standing::New {
        if let (Some(d), Some(article)) = (&date, doc.article_date) {
            if d.last_day() + Duration::days(BACKGROUND_DAYS) < article {
                standing = Standing::Background;
            }
        }
    }
    let (place, place_note) = place_for(doc, total, &sentences, destination, dateline, main);
    let mut offsets = super::text::CharOffsets::new(text);
    let mut sorted = sentences.clone();
    sorted.sort_unstable();
    let mut chars: HashMap<usize, usize> = HashMap::new();
    for (a, b) in &sorted {
        chars.insert(*a, offsets.at(*a));
        chars.insert(*b, offsets.at(*b));
    }
    let evidence = sentences
        .iter()
        .map(|&(a, b)| Evidence {
            start: chars[&a],
            end: chars[&b],
            byte_start: a,
            byte_end: b,
        })
        .collect();
    Proposal {
        event_type: g.event_type,
        standing,
        members: g.members,
        total: g.total,
        place,
        place_note,
        destination,
        date,
        date_note,
        evidence,
    }
}

/// The proposal's date and where it comes from.
fn date_for(
    doc: &Document<'_>,
    total: &CountMention,
    sentences: &[(usize, usize)],
    dateline: Option<(usize, usize)>,
    running: bool,
) -> (Option<EventDate>, String) {
    let article = doc.article_date.map(|a| {
        (
            Some(EventDate {
                start: a,
                precision: DatePrecision::Day,
                end: None,
            }),
            "date: the article's date".to_string(),
        )
    });
    if running {
        if let Some((d, n)) = article {
            return (d, format!("{n} (a running total)"));
        }
    }
    let in_sentences = sentences.iter().find_map(|&(a, b)| {
        doc.dates
            .iter()
            .filter(|d| d.byte_start >= a && d.byte_end <= b)
            .filter(|d| !inside((d.byte_start, d.byte_end), dateline))
            .filter_map(|d| d.value.map(|v| (d, v)))
            .min_by_key(|(d, _)| d.byte_start.abs_diff(total.byte_start))
    });
    match in_sentences {
        Some((d, v)) => (
            Some(EventDate {
                start: v.date,
                precision: v.precision,
                end: None,
            }),
            format!("date from \"{}\"", d.text),
        ),
        None => article.unwrap_or((None, "no date in its sentences and no article date".into())),
    }
}

/// The most specific place the proposal's sentences name, and why.
fn place_for(
    doc: &Document<'_>,
    total: &CountMention,
    sentences: &[(usize, usize)],
    destination: Option<usize>,
    dateline: Option<(usize, usize)>,
    main: Main,
) -> (Option<usize>, String) {
    let destination_place = destination
        .and_then(|i| doc.mentions[i].place)
        .map(|p| &p.id);
    let named: Vec<(usize, &Mention<'_>, &crate::gazetteer::Place)> = doc
        .mentions
        .iter()
        .enumerate()
        .filter(|(i, m)| {
            Some(*i) != destination
                && m.organisation.is_none()
                && !inside((m.byte_start, m.byte_end), dateline)
                && sentences
                    .iter()
                    .any(|&(a, b)| m.byte_start >= a && m.byte_end <= b)
        })
        .filter_map(|(i, m)| m.place.map(|p| (i, m, p)))
        .filter(|(_, _, p)| Some(&p.id) != destination_place)
        .collect();
    let best = named.iter().copied().min_by(|(_, a, p), (_, b, q)| {
        p.radius_m.total_cmp(&q.radius_m).then(
            a.byte_start
                .abs_diff(total.byte_start)
                .cmp(&b.byte_start.abs_diff(total.byte_start)),
        )
    });
    match best {
        // "Police in Myanmar arrested 750 people" in an article about Muse.
        Some((_, m, p)) if p.kind == Kind::Area && p.radius_m >= WIDE_M => {
            // In a country the sentences name.
            let inside = main
                .narrow
                .filter(|&i| Some(i) != destination)
                .filter(|&i| {
                    doc.mentions[i].place.is_some_and(|q| {
                        q.countries
                            .iter()
                            .any(|c| named.iter().any(|(_, _, n)| n.countries.contains(c)))
                    })
                });
            match inside {
                Some(i) => (
                    Some(i),
                    format!(
                        "its sentences name only \"{}\": the place the article names most inside it",
                        m.text
                    ),
                ),
                None => (
                    best.map(|(i, _, _)| i),
                    "the most specific place its sentences name".to_string(),
                ),
            }
        }
        Some((i, _, _)) => (
            Some(i),
            "the most specific place its sentences name".to_string(),
        ),
        None => (
            main.any.filter(|&i| Some(i) != destination),
            "its sentences name no place: the place the article names most".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::gazetteer::Gazetteer;
    use crate::geoparse::{Geoparser, Options};

    fn gazetteer() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::bundled().expect("bundled gazetteer"))
    }

    /// One proposal: type, standing, total, [(count, role)], place, date.
    type Seen = (String, Standing, u64, Vec<(u64, Role)>, String, String);

    fn propose(text: &str, article: &str) -> Vec<Seen> {
        let parser = Geoparser::new(gazetteer()).expect("parser");
        let doc = parser.parse(
            text,
            &Options {
                article_date: article.parse().ok(),
            },
        );
        proposals(&doc, text)
            .iter()
            .map(|p| {
                (
                    p.event_type.as_str().to_string(),
                    p.standing,
                    doc.counts[p.total].value,
                    p.members
                        .iter()
                        .map(|m| (doc.counts[m.count].value, m.role))
                        .collect(),
                    p.place
                        .map_or("-".to_string(), |i| doc.mentions[i].text.clone()),
                    p.date.as_ref().map_or("-".to_string(), ToString::to_string),
                )
            })
            .collect()
    }

    #[test]
    fn a_headline_and_its_body_repeat_are_one_event() {
        let p = propose(
            "Police detain 689 people in Myawaddy raid\nPolice detained 689 people at Shwe Kokko on Tuesday.",
            "2025-11-21",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].3, [(689, Role::Total), (689, Role::Repeat)]);
        // The most specific place of its sentences: the compound, not the town.
        assert_eq!(p[0].4, "Shwe Kokko");
        assert_eq!(p[0].5, "2025-11-18");
    }

    #[test]
    fn a_part_before_its_whole_is_a_breakdown_and_the_whole_the_total() {
        let p = propose(
            "Police detained 148 Thais among 689 people in Myawaddy on Tuesday.",
            "2025-11-21",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].2, 689);
        assert_eq!(p[0].3, [(148, Role::Breakdown), (689, Role::Total)]);
    }

    #[test]
    fn counts_that_add_up_to_a_figure_are_its_breakdown() {
        let p = propose(
            "Police arrested 148 people in Myawaddy on Tuesday. The suspects were 75 men and 73 women.",
            "2025-11-21",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].3,
            [
                (148, Role::Total),
                (75, Role::Breakdown),
                (73, Role::Breakdown)
            ]
        );
    }

    #[test]
    fn among_them_opens_a_breakdown() {
        let p = propose(
            "Soldiers rescued 300 workers near Myawaddy on Monday. Among them were 40 Kenyans.",
            "2025-03-05",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].3, [(300, Role::Total), (40, Role::Breakdown)]);
    }

    #[test]
    fn two_events_in_two_places_stay_two() {
        let p = propose(
            "Police arrested 52 suspects in Mae Sot on Monday. In Tachileik, police arrested 30 suspects on Tuesday.",
            "2025-03-05",
        );
        let places: Vec<&str> = p.iter().map(|p| p.4.as_str()).collect();
        assert_eq!(places, ["Mae Sot", "Tachileik"]);
    }

    #[test]
    fn background_is_flagged_not_proposed_as_new() {
        let p = propose(
            "Police arrested 52 suspects in Mae Sot on Monday. Late last year, soldiers arrested 270 suspects in Tachileik.",
            "2025-11-21",
        );
        let standings: Vec<(u64, Standing)> = p.iter().map(|p| (p.2, p.1)).collect();
        assert_eq!(
            standings,
            [(52, Standing::New), (270, Standing::Background)]
        );
    }

    #[test]
    fn a_running_total_is_a_figure_not_an_event() {
        let p = propose(
            "Police handed over 412 suspects to China at the Muse-Ruili crossing on Saturday. Since September, 31,000 suspects have been handed over to China.",
            "2025-03-03",
        );
        let standings: Vec<(u64, Standing)> = p.iter().map(|p| (p.2, p.1)).collect();
        assert_eq!(
            standings,
            [(412, Standing::New), (31_000, Standing::RunningTotal)]
        );
        assert_eq!(p[1].3, [(31_000, Role::RunningTotal)]);
        // "A total of" is one event's figure, with or without a day.
        let p = propose(
            "A total of 73 foreign nationals were deported to Thailand via Myawaddy.",
            "2025-03-03",
        );
        assert_eq!(p[0].1, Standing::New, "{p:?}");
        let p = propose(
            "A total of 26 suspects were handed over to China at the Muse-Ruili crossing on Monday.",
            "2025-03-03",
        );
        assert_eq!(p[0].1, Standing::New, "{p:?}");
    }

    #[test]
    fn people_stuck_somewhere_are_a_situation_not_an_event() {
        let p = propose(
            "Some 129 Kenyans rescued from Myanmar are now stuck at the Thai border.",
            "2025-03-05",
        );
        assert_eq!(p[0].1, Standing::Situation, "{p:?}");
    }

    #[test]
    fn a_verb_before_the_count_beats_a_participle_after_it() {
        let p = propose(
            "The ministry repatriated 176 Filipinos rescued from scam hubs in Myawaddy on Wednesday.",
            "2025-03-27",
        );
        assert_eq!(p[0].0, "deportation", "{p:?}");
        // With an auxiliary the verb after the count is what happened.
        let p = propose(
            "Officials said 1,041 foreign nationals were rescued near Myawaddy on Tuesday.",
            "2025-03-05",
        );
        assert_eq!(p[0].0, "rescue", "{p:?}");
    }

    #[test]
    fn a_dateline_is_where_the_report_was_filed() {
        let p = propose(
            "YANGON, Nov 21 (Wire) - Police detained 60 people in a raid in Myanmar on Tuesday.",
            "2025-11-21",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].4, "Myanmar");
        assert_eq!(p[0].5, "2025-11-18");
    }

    #[test]
    fn a_country_gives_way_to_the_town_the_article_names_most_inside_it() {
        let p = propose(
            "Junta forces raided a compound in Muse on Monday. Authorities in Myanmar arrested 750 people in the raid. Residents of Muse said the town was calm.",
            "2025-03-05",
        );
        assert_eq!(p[0].4, "Muse", "{p:?}");
        // Not a town of another country.
        let p = propose(
            "Residents of Mae Sot watched the river. Mae Sot was calm. Authorities in Myanmar arrested 750 people.",
            "2025-03-05",
        );
        assert_eq!(p[0].4, "Myanmar", "{p:?}");
    }

    #[test]
    fn a_handover_goes_to_the_crossing_named_not_the_border() {
        let p = propose(
            "Myanmar handed over 412 suspects to Chinese police on the China–Myanmar border at the Muse-Ruili crossing on Saturday.",
            "2025-03-03",
        );
        assert_eq!(p[0].4, "Muse-Ruili crossing", "{p:?}");
        assert_eq!(p[0].0, "handover");
    }

    #[test]
    fn a_town_beats_the_country_and_the_destination_is_no_place_of_the_event() {
        let p = propose(
            "Myanmar deported 120 Chinese nationals to China through Tachileik on Thursday.",
            "2025-02-14",
        );
        assert_eq!(p[0].4, "Tachileik", "{p:?}");
    }

    #[test]
    fn an_article_dated_far_from_its_top_gets_proposals_once_the_date_is_given() {
        let filler = "Residents describe convoys of buses leaving at night. ".repeat(10);
        let text = format!("{filler}Thai police said on Wednesday they had rescued 56 workers near Mae Sot. Filed 2025-02-14.");
        assert_eq!(propose(&text, "")[0].5, "-");
        assert_eq!(propose(&text, "2025-02-14")[0].5, "2025-02-12");
    }

    #[test]
    fn over_after_handed_is_the_verb_not_a_bound() {
        let parser = Geoparser::new(gazetteer()).expect("parser");
        let doc = parser.parse(
            "Police handed over 412 suspects in Muse.",
            &Options::default(),
        );
        assert_eq!(doc.counts[0].text, "412 suspects");
        assert_eq!(doc.counts[0].qualifier, None);
    }
}
