//! Evaluation of proposed events against gold events (`NNN.events.tsv` for
//! `NNN.txt`).
//!
//! # Gold files
//! Tab-separated, one header row `type, date, lat, lon, radius_m, count,
//! note`, one row per event the article reports (none for an article that
//! reports no event). `date` is `YYYY-MM-DD`, `YYYY-MM` or `YYYY` at the
//! precision the article gives, or `-` when the article does not say when
//! (then any date agrees); `count` is empty when the article gives no figure.
//! Lines starting with `#` are comments; `# date: YYYY-MM-DD` is the
//! article's date, given to the parser as `geoparse --date` would.
//!
//! # Matching
//! A proposal ([`Standing::New`] only) matches a gold event, one to one,
//! greedily, the closest pairs first (by distance, then days apart), when
//! - the types agree (handover, deportation and extradition count as one);
//! - it lies within max(25 km, the gold event's radius) of the gold point;
//! - the dates agree: within 7 days when both are known to the day, else the
//!   same month or year at the coarser of the two precisions;
//! - the counts, when both are given, are within 10% of the gold count.
//!
//! # Measures
//! Precision, recall and F1 of the matches; proposals per gold event. Place
//! and count accuracy are measured on a looser matching, by type and date
//! alone (the same greedy rule, nearest dates first): of those pairs, the
//! share whose place is within max(25 km, radius), and, of those with a gold
//! count, the share whose count is within 10%.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::eval::EvalError;
use super::proposals::{proposals, Proposal, Standing};
use super::{Document, Geoparser, Options};
use crate::events::{DatePrecision, EventDate, EventType};
use crate::geom::LonLat;

/// The least distance that counts as the same place, km.
pub const MIN_PLACE_KM: f64 = 25.0;
/// Days apart that still count as the same day-precise date.
pub const MAX_DAYS: i64 = 7;
/// Relative difference that still counts as the same figure.
pub const MAX_COUNT_ERROR: f64 = 0.10;

/// One gold event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldEvent {
    pub event_type: EventType,
    /// `None`: the article does not say when.
    pub date: Option<EventDate>,
    pub point: LonLat,
    pub radius_m: f64,
    pub count: Option<u64>,
    pub note: String,
}

/// A gold file: the article's date and its events.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    pub article_date: Option<NaiveDate>,
    pub events: Vec<GoldEvent>,
}

const HEADER: &str = "type\tdate\tlat\tlon\tradius_m\tcount\tnote";

/// Reads a gold events file.
pub fn read_gold(path: &Path, tsv: &str) -> Result<Gold, EvalError> {
    let shown = path.display().to_string();
    let err = |line: usize, message: String| EvalError::Row {
        path: shown.clone(),
        line,
        message,
    };
    let mut gold = Gold::default();
    let mut header = false;
    for (i, line) in tsv.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(d) = comment.trim().strip_prefix("date:") {
                let d = d.split_whitespace().next().unwrap_or("");
                gold.article_date =
                    Some(d.parse().map_err(|_| {
                        err(line_no, format!("article date {d:?} is not YYYY-MM-DD"))
                    })?);
            }
            continue;
        }
        if !header {
            if line != HEADER {
                return Err(err(line_no, format!("header must be {HEADER:?}")));
            }
            header = true;
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 7 {
            return Err(err(
                line_no,
                format!("expected 7 columns, found {}", cols.len()),
            ));
        }
        let number = |col: usize, name: &str| -> Result<f64, EvalError> {
            cols[col]
                .trim()
                .parse::<f64>()
                .map_err(|_| err(line_no, format!("{name} {:?} is not a number", cols[col])))
        };
        let event_type: EventType = cols[0]
            .parse()
            .map_err(|_| err(line_no, format!("unknown event type {:?}", cols[0])))?;
        let date = match cols[1].trim() {
            "-" => None,
            d => Some(
                EventDate::parse(d, None, None)
                    .map_err(|e| err(line_no, format!("date {d:?}: {e}")))?,
            ),
        };
        let point = LonLat::new(number(3, "lon")?, number(2, "lat")?)
            .map_err(|e| err(line_no, e.to_string()))?;
        let count = match cols[5].trim() {
            "" => None,
            c => Some(
                c.parse::<u64>()
                    .map_err(|_| err(line_no, format!("count {c:?} is not a whole number")))?,
            ),
        };
        gold.events.push(GoldEvent {
            event_type,
            date,
            point,
            radius_m: number(4, "radius_m")?,
            count,
            note: cols[6].to_string(),
        });
    }
    if !header {
        return Err(err(1, format!("header must be {HEADER:?}")));
    }
    Ok(gold)
}

/// Handover, deportation and extradition are one type here.
fn types_agree(a: EventType, b: EventType) -> bool {
    let moved = |t: EventType| {
        matches!(
            t,
            EventType::Handover | EventType::Deportation | EventType::Extradition
        )
    };
    a == b || (moved(a) && moved(b))
}

fn rank(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Day => 0,
        DatePrecision::Month => 1,
        DatePrecision::Year => 2,
    }
}

/// Whether two dates agree, and how many days apart they start.
fn dates_agree(proposed: Option<&EventDate>, gold: Option<&EventDate>) -> Option<i64> {
    let Some(g) = gold else { return Some(0) };
    let p = proposed?;
    let apart = (p.start - g.start).num_days().abs();
    let coarser = if rank(p.precision) >= rank(g.precision) {
        p.precision
    } else {
        g.precision
    };
    let agree = match coarser {
        DatePrecision::Day => apart <= MAX_DAYS,
        DatePrecision::Month => {
            p.start.year() == g.start.year() && p.start.month() == g.start.month()
        }
        DatePrecision::Year => p.start.year() == g.start.year(),
    };
    agree.then_some(apart)
}

fn counts_agree(proposed: Option<u64>, gold: Option<u64>) -> bool {
    match (proposed, gold) {
        (Some(p), Some(g)) => (p as f64 - g as f64).abs() <= MAX_COUNT_ERROR * g as f64,
        _ => true,
    }
}

/// What eval needs of a proposal.
#[derive(Debug, Clone, Serialize)]
pub struct Proposed {
    pub event_type: EventType,
    pub date: Option<EventDate>,
    pub place: Option<String>,
    #[serde(skip)]
    pub point: Option<LonLat>,
    pub count: u64,
}

impl Proposed {
    fn of(doc: &Document<'_>, p: &Proposal) -> Self {
        let place = p.place.map(|i| &doc.mentions[i]);
        Proposed {
            event_type: p.event_type,
            date: p.date,
            place: place.map(|m| m.text.clone()),
            point: place.and_then(|m| m.point),
            count: doc.counts[p.total].value,
        }
    }

    fn km_to(&self, g: &GoldEvent) -> Option<f64> {
        self.point.map(|p| p.distance_m(g.point) / 1000.0)
    }

    fn near(&self, g: &GoldEvent) -> bool {
        self.km_to(g)
            .is_some_and(|km| km <= MIN_PLACE_KM.max(g.radius_m / 1000.0))
    }
}

/// One-to-one greedy matching of the pairs `fits` accepts, smallest key
/// first: (proposal, gold) index pairs.
fn greedy(
    proposed: &[Proposed],
    gold: &[GoldEvent],
    fits: impl Fn(&Proposed, &GoldEvent) -> Option<(f64, i64)>,
) -> Vec<(usize, usize)> {
    let mut pairs: Vec<((f64, i64), usize, usize)> = Vec::new();
    for (i, p) in proposed.iter().enumerate() {
        for (j, g) in gold.iter().enumerate() {
            if let Some(key) = fits(p, g) {
                pairs.push((key, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| {
        a.0 .0
            .total_cmp(&b.0 .0)
            .then(a.0 .1.cmp(&b.0 .1))
            .then((a.1, a.2).cmp(&(b.1, b.2)))
    });
    let (mut p_used, mut g_used) = (vec![false; proposed.len()], vec![false; gold.len()]);
    let mut out = Vec::new();
    for (_, i, j) in pairs {
        if !p_used[i] && !g_used[j] {
            p_used[i] = true;
            g_used[j] = true;
            out.push((i, j));
        }
    }
    out
}

/// Counts of one file or of all.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Tally {
    pub gold: usize,
    pub proposed: usize,
    pub matched: usize,
    /// Proposals flagged as background, running totals or situations (not counted as
    /// proposed).
    pub flagged: usize,
    /// Pairs matched by type and date alone.
    pub loose: usize,
    pub loose_place_right: usize,
    pub loose_with_count: usize,
    pub loose_count_right: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.gold += o.gold;
        self.proposed += o.proposed;
        self.matched += o.matched;
        self.flagged += o.flagged;
        self.loose += o.loose;
        self.loose_place_right += o.loose_place_right;
        self.loose_with_count += o.loose_with_count;
        self.loose_count_right += o.loose_count_right;
    }

    #[must_use]
    pub fn scores(&self) -> Scores {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        let precision = ratio(self.matched, self.proposed);
        let recall = ratio(self.matched, self.gold);
        let f1 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            // No gold and no proposal: nothing was wrong.
            (None, None) => Some(1.0),
            _ => Some(0.0),
        };
        Scores {
            tally: *self,
            precision,
            recall,
            f1,
            proposals_per_event: ratio(self.proposed, self.gold),
            place_accuracy: ratio(self.loose_place_right, self.loose),
            count_accuracy: ratio(self.loose_count_right, self.loose_with_count),
        }
    }
}

/// The measures of a tally; `None` where the denominator is zero.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    #[serde(flatten)]
    pub tally: Tally,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    pub proposals_per_event: Option<f64>,
    pub place_accuracy: Option<f64>,
    pub count_accuracy: Option<f64>,
}

/// How one gold event fared.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub gold: GoldEvent,
    /// The proposal it matched, if any.
    pub matched: Option<Proposed>,
}

/// The evaluation of one article.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub scores: Scores,
    pub rows: Vec<Row>,
    /// Proposals that match no gold event.
    pub spurious: Vec<Proposed>,
}

/// The evaluation of a folder.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dir: String,
    pub gold_dir: String,
    pub overall: Scores,
    pub files: Vec<FileReport>,
}

/// The gold event files of `gold_dir` with their texts in `dir`, sorted.
pub fn gold_files(dir: &Path, gold_dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, EvalError> {
    super::eval::gold_pairs(gold_dir, ".events.tsv", dir)
}

/// Evaluates the proposals of every article of `dir` that has a gold file
/// in `gold_dir`.
pub fn evaluate_dir(
    parser: &Geoparser<'_>,
    dir: &Path,
    gold_dir: &Path,
) -> Result<Report, EvalError> {
    let mut files = Vec::new();
    let mut total = Tally::default();
    for (gold_path, text_path) in gold_files(dir, gold_dir)? {
        let text = crate::error::read_text(&text_path)?;
        let gold = read_gold(&gold_path, &crate::error::read_text(&gold_path)?)?;
        let doc = parser.parse(
            &text,
            &Options {
                article_date: gold.article_date,
            },
        );
        let all = proposals(&doc, &text);
        let flagged = all.iter().filter(|p| p.standing != Standing::New).count();
        let proposed: Vec<Proposed> = all
            .iter()
            .filter(|p| p.standing == Standing::New)
            .map(|p| Proposed::of(&doc, p))
            .collect();
        let mut report = evaluate(&proposed, &gold.events);
        report.file = text_path.file_name().map_or_else(
            || text_path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        report.scores.tally.flagged = flagged;
        total.add(&report.scores.tally);
        files.push(report);
    }
    Ok(Report {
        dir: dir.display().to_string(),
        gold_dir: gold_dir.display().to_string(),
        overall: total.scores(),
        files,
    })
}

/// Matches the proposals of one article with its gold events.
#[must_use]
pub fn evaluate(proposed: &[Proposed], gold: &[GoldEvent]) -> FileReport {
    let strict = greedy(proposed, gold, |p, g| {
        if !types_agree(p.event_type, g.event_type) || !p.near(g) {
            return None;
        }
        if !counts_agree(Some(p.count), g.count) {
            return None;
        }
        let apart = dates_agree(p.date.as_ref(), g.date.as_ref())?;
        Some((p.km_to(g)?, apart))
    });
    let loose = greedy(proposed, gold, |p, g| {
        if !types_agree(p.event_type, g.event_type) {
            return None;
        }
        let apart = dates_agree(p.date.as_ref(), g.date.as_ref())?;
        Some((apart as f64, 0))
    });
    let mut tally = Tally {
        gold: gold.len(),
        proposed: proposed.len(),
        matched: strict.len(),
        loose: loose.len(),
        ..Tally::default()
    };
    for &(i, j) in &loose {
        let (p, g) = (&proposed[i], &gold[j]);
        if p.near(g) {
            tally.loose_place_right += 1;
        }
        if g.count.is_some() {
            tally.loose_with_count += 1;
            if counts_agree(Some(p.count), g.count) {
                tally.loose_count_right += 1;
            }
        }
    }
    let rows = gold
        .iter()
        .enumerate()
        .map(|(j, g)| Row {
            gold: g.clone(),
            matched: strict
                .iter()
                .find(|(_, gj)| *gj == j)
                .map(|(i, _)| proposed[*i].clone()),
        })
        .collect();
    let spurious = proposed
        .iter()
        .enumerate()
        .filter(|(i, _)| !strict.iter().any(|(pi, _)| pi == i))
        .map(|(_, p)| p.clone())
        .collect();
    FileReport {
        file: String::new(),
        scores: tally.scores(),
        rows,
        spurious,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> EventDate {
        EventDate::parse(s, None, None).unwrap()
    }

    fn gold(
        t: EventType,
        d: &str,
        lon: f64,
        lat: f64,
        radius_m: f64,
        count: Option<u64>,
    ) -> GoldEvent {
        GoldEvent {
            event_type: t,
            date: Some(date(d)),
            point: LonLat::new(lon, lat).unwrap(),
            radius_m,
            count,
            note: String::new(),
        }
    }

    fn proposed(t: EventType, d: &str, lon: f64, lat: f64, count: u64) -> Proposed {
        Proposed {
            event_type: t,
            date: Some(date(d)),
            place: None,
            point: Some(LonLat::new(lon, lat).unwrap()),
            count,
        }
    }

    #[test]
    fn dates_agree_by_the_coarser_precision() {
        let d = |s: &str| Some(date(s));
        assert!(dates_agree(d("2025-03-01").as_ref(), d("2025-03-08").as_ref()).is_some());
        assert!(dates_agree(d("2025-03-01").as_ref(), d("2025-03-09").as_ref()).is_none());
        assert!(dates_agree(d("2025-03-30").as_ref(), d("2025-03").as_ref()).is_some());
        assert!(dates_agree(d("2025-04-01").as_ref(), d("2025-03").as_ref()).is_none());
        assert!(dates_agree(d("2025-12-31").as_ref(), d("2025").as_ref()).is_some());
        assert!(dates_agree(None, d("2025").as_ref()).is_none());
        assert!(dates_agree(None, None).is_some());
    }

    #[test]
    fn matching_is_one_to_one_closest_first_with_types_as_families() {
        let g = vec![
            gold(
                EventType::Handover,
                "2025-03-01",
                97.9,
                23.98,
                5000.0,
                Some(400),
            ),
            gold(EventType::Raid, "2025-03", 98.5, 16.7, 4000.0, None),
        ];
        let p = vec![
            // 30 km off: beyond 25 km and the 5 km radius.
            proposed(EventType::Extradition, "2025-03-02", 97.9, 24.25, 412),
            proposed(EventType::Deportation, "2025-03-02", 97.91, 23.98, 412),
            proposed(EventType::Raid, "2025-03-20", 98.5, 16.71, 5000),
        ];
        let r = evaluate(&p, &g);
        let s = &r.scores;
        assert_eq!((s.tally.matched, s.tally.proposed, s.tally.gold), (2, 3, 2));
        assert_eq!(r.rows[0].matched.as_ref().map(|m| m.count), Some(412));
        assert!((s.precision.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.recall.unwrap() - 1.0).abs() < 1e-9);
        assert!((s.proposals_per_event.unwrap() - 1.5).abs() < 1e-9);
        // A count 10% off or more does not match.
        let r = evaluate(
            &[proposed(
                EventType::Handover,
                "2025-03-01",
                97.9,
                23.98,
                441,
            )],
            &g[..1],
        );
        assert_eq!(r.scores.tally.matched, 0);
        assert_eq!(r.scores.count_accuracy, Some(0.0));
        assert_eq!(r.scores.place_accuracy, Some(1.0));
    }

    #[test]
    fn gold_files_read_with_their_article_date() {
        let tsv = format!(
            "# url: https://example.org\n# date: 2025-11-21 (given)\n{HEADER}\nraid\t2025-11-18\t16.82\t98.53\t2500\t689\tShwe Kokko\nextradition\t-\t21\t96\t1270000\t\tMyanmar\n"
        );
        let g = read_gold(Path::new("g.events.tsv"), &tsv).unwrap();
        assert_eq!(g.article_date, NaiveDate::from_ymd_opt(2025, 11, 21));
        assert_eq!(g.events.len(), 2);
        assert_eq!(g.events[1].date, None);
        assert_eq!(g.events[1].count, None);
        let bad = format!("{HEADER}\nraid\t2025-13\t1\t1\t1\t\t\n");
        let e = read_gold(Path::new("g.events.tsv"), &bad)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.events.tsv:2: date"), "{e}");
    }
}
