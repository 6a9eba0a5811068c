//! Resolution: a name and optional hints to ranked candidate places.
//!
//! # Ranking
//! Each candidate gets a score from how it matched and what is known around it:
//! - match: exact canonical name 1.0, alias 0.9; typo-tolerant matches get that
//!   times `0.8 × similarity`, where similarity is `1 - edits / longer length`;
//! - literal: +0.02 when the matched name is the query as typed (ignoring case),
//!   not only after normalisation, so "Laukkaing" prefers the town called that
//!   over the zone once called "Laukkaing District";
//! - layer: curated places +0.15; GeoNames places up to +0.1 by population;
//! - hints: in the hinted country +0.5, of the hinted kind +0.3, near the hinted
//!   point up to +0.5 (`0.5 × e^(-km / 150)`, distance to the place itself:
//!   nearest point of a line, edge of an area).
//!
//! Hints bias the ranking; they never hide a candidate, so ambiguity stays
//! visible: `老街` lists Laukkai (Myanmar) and Lào Cai (Vietnam).

use serde::Serialize;

use super::fuzzy::NameRef;
use super::load::MAX_NAME_BYTES;
use super::normalize::normalize;
use super::{Gazetteer, Kind, Layer, Place, PlaceId};
use crate::geom::LonLat;

const EXACT: f64 = 1.0;
const ALIAS: f64 = 0.9;
const FUZZY: f64 = 0.8;
const LITERAL: f64 = 0.02;
const CURATED_PRIOR: f64 = 0.15;
const POPULATION_PRIOR_MAX: f64 = 0.1;
const COUNTRY_HINT: f64 = 0.5;
const KIND_HINT: f64 = 0.3;
const NEAR_HINT: f64 = 0.5;
const NEAR_SCALE_KM: f64 = 150.0;

/// Optional context that biases the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Hints {
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: Option<String>,
    /// A point the place is probably near.
    pub near: Option<LonLat>,
    pub kind: Option<Kind>,
    /// Most candidates returned.
    pub limit: usize,
}

impl Default for Hints {
    fn default() -> Self {
        Self {
            country: None,
            near: None,
            kind: None,
            limit: 5,
        }
    }
}

/// How a candidate's name matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// The query is the place's canonical name (after normalisation).
    Exact,
    /// The query is one of the place's other names.
    Alias,
    /// The query is within a few typing errors of one of its names.
    Fuzzy,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Exact => "exact",
            Reason::Alias => "alias",
            Reason::Fuzzy => "fuzzy",
        }
    }
}

/// One ranked answer to a query.
#[derive(Debug, Clone)]
pub struct Candidate<'g> {
    pub place_id: PlaceId,
    pub place: &'g Place,
    /// The name that matched: the canonical name or one alias.
    pub matched: &'g str,
    pub reason: Reason,
    /// Typing errors between the query and `matched` (0 unless fuzzy).
    pub edits: u32,
    pub score: f64,
    /// The point to use for this answer: the place's point, or for a line the
    /// point of the line nearest to the `near` hint.
    pub point: LonLat,
    /// Distance from the `near` hint to the place, in metres.
    pub near_distance_m: Option<f64>,
}

/// A name of a place that matched, before scoring.
struct Match {
    place: PlaceId,
    name: NameRef,
    reason: Reason,
    edits: u32,
    base: f64,
}

/// A `near` hint that gives no point.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NearError {
    #[error(transparent)]
    Coord(#[from] crate::geom::CoordError),
    #[error(transparent)]
    Name(#[from] ResolveError),
    #[error("no place matches {0:?}")]
    NoMatch(String),
}

/// A name that cannot be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is {bytes} bytes long; names longer than {max} bytes are refused", max = MAX_NAME_BYTES)]
    TooLong { bytes: usize },
    #[error("the name {0:?} has no letters")]
    NoLetters(String),
}

impl Gazetteer {
    /// Ranked candidate places for `name`, best first; empty when nothing matches.
    ///
    /// Exact and alias matches come first; only when there are none is the name
    /// matched with typing errors (1 edit up to 5 letters, 2 up to 11, then 3).
    ///
    /// # Errors
    /// A blank name, or one longer than [`MAX_NAME_BYTES`], is refused before any
    /// work is done on it.
    pub fn resolve(&self, name: &str, hints: &Hints) -> Result<Vec<Candidate<'_>>, ResolveError> {
        if name.len() > MAX_NAME_BYTES {
            return Err(ResolveError::TooLong { bytes: name.len() });
        }
        if name.trim().is_empty() {
            return Err(ResolveError::Empty);
        }
        let query = name.trim();
        let key = normalize(name);
        if key.is_empty() {
            return Err(ResolveError::NoLetters(name.trim().to_string()));
        }

        // Few candidates per query: a vector searched linearly beats a map.
        let mut best: Vec<Candidate<'_>> = Vec::new();
        for hit in self.names.exact(&key) {
            let (reason, base) = match hit.name {
                NameRef::Canonical => (Reason::Exact, EXACT),
                NameRef::Alias(_) => (Reason::Alias, ALIAS),
            };
            let m = Match {
                place: hit.place,
                name: hit.name,
                reason,
                edits: 0,
                base,
            };
            self.keep_best(&mut best, m, query, hints);
        }
        if best.is_empty() {
            let query_chars = key.chars().count();
            for m in self.names.fuzzy(&key) {
                let longer = query_chars.max(self.names.key_chars(m.key)) as f64;
                let similarity = 1.0 - f64::from(m.edits) / longer;
                for hit in self.names.hits(m.key) {
                    let base = match hit.name {
                        NameRef::Canonical => EXACT,
                        NameRef::Alias(_) => ALIAS,
                    };
                    let score = base * FUZZY * similarity;
                    let fuzzy = Match {
                        place: hit.place,
                        name: hit.name,
                        reason: Reason::Fuzzy,
                        edits: m.edits,
                        base: score,
                    };
                    self.keep_best(&mut best, fuzzy, query, hints);
                }
            }
        }

        let mut ranked = best;
        ranked.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| {
                    (a.place.layer != Layer::Curated).cmp(&(b.place.layer != Layer::Curated))
                })
                .then_with(|| b.place.population.cmp(&a.place.population))
                .then_with(|| a.place.id.cmp(&b.place.id))
        });
        ranked.truncate(hints.limit.max(1));
        Ok(ranked)
    }

    /// Scores one match and keeps it unless the place already has a better one.
    fn keep_best<'g>(
        &'g self,
        best: &mut Vec<Candidate<'g>>,
        m: Match,
        query: &str,
        hints: &Hints,
    ) {
        let Match {
            place: place_id,
            name,
            reason,
            edits,
            base,
        } = m;
        let place = self.place(place_id);
        let matched = match name {
            NameRef::Canonical => place.name.as_str(),
            NameRef::Alias(i) => place.aliases[i as usize].name.as_str(),
        };
        let mut score = base + prior(place);
        let literal = matched
            .chars()
            .flat_map(char::to_lowercase)
            .eq(query.chars().flat_map(char::to_lowercase));
        if literal {
            score += LITERAL;
        }
        if hints
            .country
            .as_deref()
            .is_some_and(|c| place.in_country(c))
        {
            score += COUNTRY_HINT;
        }
        if hints.kind == Some(place.kind) {
            score += KIND_HINT;
        }
        let (point, near_distance_m) = match hints.near {
            Some(near) => {
                let distance = place.distance_from_m(near);
                score += NEAR_HINT * (-distance / 1000.0 / NEAR_SCALE_KM).exp();
                (place.nearest_point_to(near).0, Some(distance))
            }
            None => (place.point, None),
        };
        let candidate = Candidate {
            place_id,
            place,
            matched,
            reason,
            edits,
            score,
            point,
            near_distance_m,
        };
        match best.iter_mut().find(|c| c.place_id == place_id) {
            Some(existing) if existing.score >= candidate.score => {}
            Some(existing) => *existing = candidate,
            None => best.push(candidate),
        }
    }

    /// The point meant by a `near` hint: `LON,LAT` in decimal degrees, or the
    /// name of a place (its best candidate's point).
    ///
    /// # Errors
    /// Bad coordinates (latitude 95, say) or a name that matches nothing.
    pub fn near_point(&self, value: &str) -> Result<LonLat, NearError> {
        let looks_numeric = value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+' | ' '));
        if looks_numeric {
            return value.parse().map_err(NearError::Coord);
        }
        Ok(self.best_place(value)?.point)
    }

    /// The place a name most likely means, with no hints: its best candidate.
    ///
    /// # Errors
    /// A name that cannot be looked up or that matches nothing.
    pub fn best_place(&self, name: &str) -> Result<&Place, NearError> {
        self.resolve(name, &Hints::default())?
            .first()
            .map(|c| c.place)
            .ok_or_else(|| NearError::NoMatch(name.trim().to_string()))
    }

    /// The ISO2 code meant by `country`: a two-letter code as given, or the
    /// name of a country in the gazetteer (`Myanmar`, `Burma`, `缅甸`).
    #[must_use]
    pub fn country_code(&self, country: &str) -> Option<String> {
        let trimmed = country.trim();
        if trimmed.len() == 2 && trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Some(trimmed.to_ascii_uppercase());
        }
        let hints = Hints {
            limit: 10,
            ..Hints::default()
        };
        self.resolve(trimmed, &hints)
            .ok()?
            .into_iter()
            .filter(|c| c.reason != Reason::Fuzzy && c.place.class == "country")
            .find_map(|c| c.place.countries.first().cloned())
    }
}

/// What is known about a place before any query: curated beats bulk, and among
/// GeoNames rows a bigger town beats a hamlet.
fn prior(place: &Place) -> f64 {
    match place.layer {
        Layer::Curated => CURATED_PRIOR,
        Layer::GeoNames => {
            let population = place.population.unwrap_or(0) as f64;
            (population.ln_1p() / 10f64.ln() / 6.0 * POPULATION_PRIOR_MAX).min(POPULATION_PRIOR_MAX)
        }
    }
}

/// Scores closer than this are a tie for [`is_ambiguous`].
const AMBIGUOUS_MARGIN: f64 = 0.05;
/// Places closer than this are "the same spot" for [`is_ambiguous`].
const AMBIGUOUS_DISTANCE_M: f64 = 25_000.0;

/// Whether the best candidates leave the answer open: the runner-up scores
/// within 0.05 of the first and lies more than 25 km from it (老街 with no
/// hint: Laukkai or Lào Cai). A caller should then ask for a hint.
///
/// # Example
/// ```
/// # use scamatlas::gazetteer::{Gazetteer, Hints, is_ambiguous};
/// let g = Gazetteer::bundled()?;
/// assert!(is_ambiguous(&g.resolve("Laokai", &Hints::default())?));
/// let hinted = Hints { country: Some("MM".into()), ..Hints::default() };
/// assert!(!is_ambiguous(&g.resolve("Laokai", &hinted)?));
/// # Ok::<(), scamatlas::Error>(())
/// ```
#[must_use]
pub fn is_ambiguous(ranked: &[Candidate<'_>]) -> bool {
    match ranked {
        [first, second, ..] => {
            first.score - second.score < AMBIGUOUS_MARGIN
                && first.point.distance_m(second.point) > AMBIGUOUS_DISTANCE_M
        }
        _ => false,
    }
}
