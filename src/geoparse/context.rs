//! Choosing each span's place from the rest of the document.
//!
//! Spans with one candidate (or one clear winner by name alone) are settled
//! first; they form the document's context:
//! - the **countries** it names, weighted by how often, and counted twice
//!   in the same sentence as the span;
//! - the **places** it names, so that a town whose zone is named ("Laukkai" in
//!   an article that names Kokang) beats its namesake abroad;
//! - the **local anchors** (towns, compounds and zones settled so far), so that
//!   the nearer candidate wins and a border resolves to its stretch nearest them.
//!
//! # Scores
//! name: canonical 1.0, alias 0.9, typing errors `0.8 × similarity`; layer:
//! curated +0.15, GeoNames up to +0.1 by population; context: a named ancestor
//! +0.6, the share of the document's country weight held by the candidate's
//! countries × 0.6, nearness to the nearest anchor up to +0.5
//! (`0.5 × e^(-km / 150)`). A border line's partner country counts like a
//! named country.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::lexicon::Entry;
use super::mentions::{Found, Span};
use super::words::sentence_around;
use crate::gazetteer::{Gazetteer, Kind, Layer, Place, PlaceId};
use crate::geom::{LineIndex, LonLat};

const CANONICAL: f64 = 1.0;
const ALIAS: f64 = 0.9;
const FUZZY: f64 = 0.8;
const CURATED: f64 = 0.15;
const POPULATION_MAX: f64 = 0.1;
const ANCESTOR: f64 = 0.6;
const COUNTRY_SHARE: f64 = 0.6;
const NEAR: f64 = 0.5;
const NEAR_SCALE_KM: f64 = 150.0;
/// A place wider than this does not anchor the document's locality.
const ANCHOR_MAX_RADIUS_M: f64 = 200_000.0;

/// The chosen place of a span.
#[derive(Debug, Clone)]
pub struct Choice {
    pub place: PlaceId,
    /// The point to use: the place's, or the point of a line nearest the anchors.
    pub point: LonLat,
    pub confidence: f64,
    pub reason: String,
}

struct Scored<'g> {
    place: PlaceId,
    score: f64,
    /// The entry the name matched; how it matched is told from it and the span.
    entry: Entry,
    /// What the context added, in order; worded only for the winner.
    why: Vec<Why<'g>>,
    point: LonLat,
}

/// One thing the context said for a candidate, worded by [`Why::word`].
#[derive(Debug, Clone, Copy)]
enum Why<'g> {
    /// A named ancestor.
    Ancestor(&'g Place),
    /// Its country named (`line`: a border's neighbouring country).
    Country { line: bool },
    /// Distance in metres to the nearest anchor.
    Near(f64, &'g Place),
    /// A line's stretch nearest the anchor.
    Stretch(&'g Place, LonLat),
}

impl Why<'_> {
    fn word(self, out: &mut String) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = match self {
            Why::Ancestor(a) => {
                out.push_str(&a.name);
                out.push_str(" named in the text");
                Ok(())
            }
            Why::Country { line } => {
                out.push_str(if line {
                    "the neighbouring country named in the text"
                } else {
                    "its country named in the text"
                });
                Ok(())
            }
            Why::Near(d, a) => write!(out, "{:.0} km from {}", d / 1000.0, a.name),
            Why::Stretch(a, p) => {
                write!(
                    out,
                    "nearest stretch to {} at {:.3},{:.3}",
                    a.name, p.lon, p.lat
                )
            }
        };
    }
}

/// How a span's name matched `entry`, as the first part of a reason.
fn word_how(gazetteer: &Gazetteer, span: &Span, entry: &Entry, out: &mut String) {
    use std::fmt::Write;
    let place = gazetteer.place(entry.place);
    let _ = match (&span.found, entry.alias) {
        (Found::Fuzzy { edits, matched }, _) => write!(
            out,
            "{} edit{} from \"{matched}\"",
            edits,
            if *edits == 1 { "" } else { "s" }
        ),
        (Found::Border { countries }, _) => {
            write!(out, "border phrase ({})", countries.join("-"))
        }
        (Found::Name, None) => {
            out.push_str("name \"");
            out.push_str(&place.name);
            out.push('"');
            Ok(())
        }
        (Found::Name, Some(_)) => {
            out.push_str("alias \"");
            out.push_str(entry.name(place));
            out.push('"');
            Ok(())
        }
    };
}

/// The gazetteer's lines, prepared once for nearest-point queries: a border
/// has thousands of vertices, and each document asks how near its anchors are.
#[derive(Debug)]
pub struct Lines<'g> {
    by_place: HashMap<PlaceId, LineIndex<'g>>,
}

impl<'g> Lines<'g> {
    pub fn build(gazetteer: &'g Gazetteer) -> Self {
        let by_place = gazetteer
            .places()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == Kind::Line)
            .map(|(i, p)| (PlaceId(i as u32), LineIndex::new(&p.line)))
            .collect();
        Self { by_place }
    }

    /// As [`Place::nearest_point_to`] for the line `id`.
    fn nearest_point_to(&self, id: PlaceId, line: &Place, p: LonLat) -> (LonLat, f64) {
        match self.by_place.get(&id) {
            Some(index) => index
                .nearest(p)
                .unwrap_or((line.point, p.distance_m(line.point))),
            None => line.nearest_point_to(p),
        }
    }
}

/// What the document says around its spans.
struct Context<'a, 'g> {
    lines: &'a Lines<'g>,
    countries: HashMap<String, f64>,
    /// Where each country is named: (byte offset, ISO code).
    country_at: Vec<(usize, String)>,
    named: HashSet<PlaceId>,
    anchors: Vec<(LonLat, &'g Place)>,
    /// Nearest anchor of each place asked about: the distance to a border
    /// line is costly (thousands of vertices), so it is worked out once.
    nearest: RefCell<HashMap<PlaceId, Option<Nearest<'g>>>>,
}

/// Distance in metres, the point of the place nearest the anchor, the anchor.
type Nearest<'g> = (f64, LonLat, &'g Place);

impl<'g> Context<'_, 'g> {
    /// The settled place nearest `place` (other than itself): the distance
    /// in metres to the place itself, the point of the place nearest it (a
    /// line's nearest stretch), and the anchor.
    fn nearest_anchor(&self, id: PlaceId, place: &Place) -> Option<Nearest<'g>> {
        *self.nearest.borrow_mut().entry(id).or_insert_with(|| {
            self.anchors
                .iter()
                .filter(|(_, a)| !std::ptr::eq(*a, place))
                .map(|(p, a)| match place.kind {
                    Kind::Line => {
                        let (on_line, d) = self.lines.nearest_point_to(id, place, *p);
                        (d, on_line, *a)
                    }
                    _ => (place.distance_from_m(*p), *p, *a),
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
        })
    }
}

/// Chooses a place for every span; `None` where a span has no candidate.
///
/// Each span is handed to `each` with its choice as soon as it is chosen,
/// and dropped after: the caller's list of mentions grows as the spans go,
/// never beside a list of every choice.
pub fn resolve(
    gazetteer: &Gazetteer,
    lines: &Lines<'_>,
    text: &str,
    spans: Vec<Span>,
    mut each: impl FnMut(Span, Option<Choice>),
) {
    // Pass 1: names alone.
    let alone: Vec<Vec<Scored>> = spans.iter().map(|s| name_scores(gazetteer, s)).collect();
    let settled = |scored: &[Scored]| match scored {
        [only] => Some(only.place),
        [a, b, ..] if a.score - b.score >= 0.3 => Some(a.place),
        _ => None,
    };
    let mut context = Context {
        lines,
        countries: HashMap::new(),
        country_at: Vec::new(),
        named: HashSet::new(),
        anchors: Vec::new(),
        nearest: RefCell::new(HashMap::new()),
    };
    for (span, scored) in spans.iter().zip(&alone) {
        let Some(place_id) = settled(scored) else {
            continue;
        };
        if matches!(span.found, Found::Fuzzy { .. }) {
            continue;
        }
        let place = gazetteer.place(place_id);
        context.named.insert(place_id);
        if place.class == "country" {
            for c in &place.countries {
                *context.countries.entry(c.clone()).or_default() += 1.0;
                context.country_at.push((span.start, c.clone()));
            }
        } else if place.kind != Kind::Line && place.radius_m <= ANCHOR_MAX_RADIUS_M {
            if !context.anchors.iter().any(|(_, a)| std::ptr::eq(*a, place)) {
                context.anchors.push((place.point, place));
            }
            // A named town also speaks for its country, more softly.
            for c in &place.countries {
                *context.countries.entry(c.clone()).or_default() += 0.5;
            }
        }
    }

    // Pass 2: every span with the document's context.
    let mut words = String::new();
    for (span, scored) in spans.into_iter().zip(alone) {
        let choice = choose(gazetteer, text, &span, scored, &context, &mut words);
        each(span, choice);
    }
}

/// Scores from the name alone: how it matched and the place's layer.
fn name_scores<'g>(gazetteer: &'g Gazetteer, span: &Span) -> Vec<Scored<'g>> {
    let mut scored: Vec<Scored> = span
        .entries
        .iter()
        .map(|e| {
            let place = gazetteer.place(e.place);
            let base = match (&span.found, e.alias) {
                (Found::Fuzzy { edits, matched }, _) => {
                    let len = matched.chars().count().max(1) as f64;
                    let similarity = 1.0 - f64::from(*edits) / len;
                    FUZZY * similarity
                }
                (Found::Border { .. }, _) | (Found::Name, None) => CANONICAL,
                (Found::Name, Some(_)) => ALIAS,
            };
            Scored {
                place: e.place,
                score: base + prior(place),
                entry: *e,
                why: Vec::new(),
                point: place.point,
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    scored
}

fn prior(place: &Place) -> f64 {
    match place.layer {
        Layer::Curated => CURATED,
        Layer::GeoNames => {
            let population = place.population.unwrap_or(0) as f64;
            (population.ln_1p() / 10f64.ln() / 6.0 * POPULATION_MAX).min(POPULATION_MAX)
        }
    }
}

/// The best of `scored` in the document's context, with its confidence and
/// the reason for it in words (worded in `words`, then copied at its length).
fn choose<'g>(
    gazetteer: &'g Gazetteer,
    text: &str,
    span: &Span,
    mut scored: Vec<Scored<'g>>,
    context: &Context<'_, 'g>,
    words: &mut String,
) -> Option<Choice> {
    if scored.is_empty() {
        return None;
    }
    score_in_context(gazetteer, text, span, &mut scored, context);
    scored.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| {
            gazetteer
                .place(a.place)
                .id
                .cmp(&gazetteer.place(b.place).id)
        })
    });
    let best = &scored[0];
    Some(Choice {
        place: best.place,
        point: best.point,
        confidence: (confidence(gazetteer, span, &scored) * 100.0).round() / 100.0,
        reason: {
            words.clear();
            reason(gazetteer, span, &scored, words);
            words.as_str().to_owned()
        },
    })
}

/// Adds to each candidate's score what the context says for it: a named
/// ancestor, its country's share of the document, nearness to the settled
/// places; a line also learns the stretch nearest them.
fn score_in_context<'g>(
    gazetteer: &'g Gazetteer,
    text: &str,
    span: &Span,
    scored: &mut [Scored<'g>],
    context: &Context<'_, 'g>,
) {
    // Only a border line asks for its sentence.
    let mut sentence = None;
    let total_weight: f64 = context.countries.values().sum();
    let contested = scored.len() > 1;
    for s in scored.iter_mut() {
        let place = gazetteer.place(s.place);
        // A named ancestor: Laukkai when Kokang is named.
        if contested {
            if let Some(a) = gazetteer.ancestors(place).find(|a| {
                context
                    .named
                    .iter()
                    .any(|&n| std::ptr::eq(gazetteer.place(n), *a) && a.class != "country")
            }) {
                s.score += ANCESTOR;
                s.why.push(Why::Ancestor(a));
            }
        }
        // Countries: the candidate's own, or a border's partner country.
        if contested && total_weight > 0.0 {
            let share = if place.kind == Kind::Line {
                let sentence = *sentence.get_or_insert_with(|| sentence_around(text, span.start));
                partner_share(place, span, context, sentence)
            } else {
                place
                    .countries
                    .iter()
                    .map(|c| context.countries.get(c).copied().unwrap_or(0.0))
                    .fold(0.0, f64::max)
                    / total_weight
            };
            if share > 0.0 {
                s.score += COUNTRY_SHARE * share;
                s.why.push(Why::Country {
                    line: place.kind == Kind::Line,
                });
            }
        }
        // Nearness to the settled towns and zones.
        let nearest = context.nearest_anchor(s.place, place);
        if let Some((d, stretch, a)) = nearest {
            if contested {
                s.score += NEAR * (-d / 1000.0 / NEAR_SCALE_KM).exp();
                if d < 150_000.0 {
                    s.why.push(Why::Near(d, a));
                }
            }
            if place.kind == Kind::Line && d < 150_000.0 {
                // The line's representative point stays the answer (a border
                // phrase names the whole line); the stretch nearest the text's
                // places is reported.
                s.why.push(Why::Stretch(a, stretch));
            }
        }
    }
}

/// How sure the choice of `scored[0]` (scored, best first) is: by how the name
/// matched and the place's layer, lowered when the runner-up is close.
fn confidence(gazetteer: &Gazetteer, span: &Span, scored: &[Scored<'_>]) -> f64 {
    let best = &scored[0];
    let margin = scored
        .get(1)
        .map_or(1.0, |second| best.score - second.score);
    let base = match &span.found {
        Found::Fuzzy { edits, .. } => 0.75 - 0.1 * f64::from(*edits),
        _ => match gazetteer.place(best.place).layer {
            Layer::Curated => 0.95,
            Layer::GeoNames => 0.7,
        },
    };
    if scored.len() > 1 {
        base * (0.5 + 0.5 * (margin / 0.5).min(1.0))
    } else {
        base
    }
}

/// Why `scored[0]` (scored, best first) was chosen, in words: how the name
/// matched, what the context said, and the runner-up; appended to `reason`.
fn reason(gazetteer: &Gazetteer, span: &Span, scored: &[Scored<'_>], reason: &mut String) {
    let best = &scored[0];
    word_how(gazetteer, span, &best.entry, reason);
    for why in &best.why {
        reason.push_str("; ");
        why.word(reason);
    }
    if let Some(part) = &span.part {
        reason.push_str("; ");
        reason.push_str(part);
        reason.push_str(" part of the place: its whole area is given");
    }
    if scored.len() > 1 {
        use std::fmt::Write;
        let second = gazetteer.place(scored[1].place);
        reason.push_str("; over ");
        reason.push_str(&second.name);
        reason.push_str(" (");
        for (i, c) in second.countries.iter().enumerate() {
            if i > 0 {
                reason.push(';');
            }
            reason.push_str(c);
        }
        // Writing to a String cannot fail.
        let _ = write!(reason, ") of {} candidates", scored.len());
    }
}

/// For a border line: how much the document speaks of the country on the
/// other side, relative to all countries it names; a country named in the
/// same sentence counts double. "the Myanmar border" in a sentence about
/// China is the China–Myanmar border.
fn partner_share(
    line: &Place,
    span: &Span,
    context: &Context<'_, '_>,
    sentence: (usize, usize),
) -> f64 {
    let named: Vec<&String> = match &span.found {
        Found::Border { countries } => countries.iter().collect(),
        _ => Vec::new(),
    };
    let partners: Vec<&String> = line
        .countries
        .iter()
        .filter(|c| !named.contains(c))
        .collect();
    let total: f64 = context.countries.values().sum();
    let mut best: f64 = 0.0;
    for p in partners {
        let mut weight = context.countries.get(p.as_str()).copied().unwrap_or(0.0);
        // Named in the same sentence: the strongest hint.
        let first = context
            .country_at
            .partition_point(|(at, _)| *at < sentence.0);
        let in_sentence = context.country_at[first..]
            .iter()
            .take_while(|(at, _)| *at < sentence.1)
            .any(|(_, c)| c == p);
        if in_sentence {
            weight += total.max(1.0);
        }
        best = best.max(weight / (total + if in_sentence { total.max(1.0) } else { 0.0 }).max(1.0));
    }
    best
}
