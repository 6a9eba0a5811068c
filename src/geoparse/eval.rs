//! Evaluation against gold toponym annotations (`NNN.places.tsv` beside
//! `NNN.txt`, the format of the development corpus's README).
//!
//! # Measures
//! - **Toponym detection**: precision, recall and F1 of the predicted spans,
//!   once for exact spans (same start and end) and once for overlapping spans
//!   (one-to-one, an exact match preferred).
//! - **Referent accuracy**: of the gold mentions matched by an overlapping
//!   span, the share whose predicted place is the gold referent (the referent's
//!   name resolves, exactly or as an alias, to the predicted place).
//! - **Distance**: of the same matched mentions, the share whose predicted
//!   point lies within 1, 5, 25 and 161 km of the gold coordinate, and the
//!   mean and median error in km. A matched mention with no coordinate counts
//!   as beyond every threshold. The gold marks estimated coordinates (country
//!   centroids, representative points) `approx`; the `by_referent` variant
//!   counts such a row as within every threshold when its referent is right,
//!   as the corpus README suggests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Geoparser, Mention, Options};
use crate::error::ReadError;
use crate::gazetteer::{Hints, Reason};
use crate::geom::LonLat;

/// Distance thresholds, km.
pub const THRESHOLDS_KM: [f64; 4] = [1.0, 5.0, 25.0, 161.0];

/// One gold row.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldRow {
    pub mention: String,
    pub start: usize,
    pub end: usize,
    pub referent: String,
    pub point: LonLat,
    pub kind: String,
    pub note: String,
}

impl GoldRow {
    #[must_use]
    pub fn is_embedded(&self) -> bool {
        self.note.contains("embedded")
    }

    #[must_use]
    pub fn is_approx(&self) -> bool {
        self.note.split(';').any(|p| p.trim() == "approx")
    }
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{path}:{line}: {message}")]
    Row {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{0}: no *.places.tsv files with a matching .txt")]
    Empty(String),
}

const HEADER: &str = "mention\tchar_start\tchar_end\treferent\tlat\tlon\tkind\tnote";

/// Reads a gold file, checking each row's span against the text.
pub fn read_gold(path: &Path, tsv: &str, text: &str) -> Result<Vec<GoldRow>, EvalError> {
    let shown = path.display().to_string();
    let err = |line: usize, message: String| EvalError::Row {
        path: shown.clone(),
        line,
        message,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut lines = tsv.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_end_matches('\r') == HEADER => {}
        _ => return Err(err(1, format!("header must be {HEADER:?}"))),
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 8 {
            return Err(err(
                line_no,
                format!("expected 8 columns, found {}", cols.len()),
            ));
        }
        let number = |col: usize, name: &str| -> Result<f64, EvalError> {
            cols[col]
                .trim()
                .parse::<f64>()
                .map_err(|_| err(line_no, format!("{name} {:?} is not a number", cols[col])))
        };
        let start = number(1, "char_start")? as usize;
        let end = number(2, "char_end")? as usize;
        if start >= end || end > chars.len() {
            return Err(err(
                line_no,
                format!("span {start}..{end} is outside the text"),
            ));
        }
        let span: String = chars[start..end].iter().collect();
        if span != cols[0] {
            return Err(err(
                line_no,
                format!("the text at {start}..{end} is {span:?}, not {:?}", cols[0]),
            ));
        }
        let point = LonLat::new(number(5, "lon")?, number(4, "lat")?)
            .map_err(|e| err(line_no, e.to_string()))?;
        rows.push(GoldRow {
            mention: cols[0].to_string(),
            start,
            end,
            referent: cols[3].to_string(),
            point,
            kind: cols[6].to_string(),
            note: cols[7].to_string(),
        });
    }
    Ok(rows)
}

/// How one gold row fared.
#[derive(Debug, Clone, Serialize)]
pub struct RowResult {
    pub mention: String,
    pub start: usize,
    pub end: usize,
    pub referent: String,
    /// `exact`, `overlap` or `missed`.
    pub matched: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted_place: Option<String>,
    pub referent_correct: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_km: Option<f64>,
    pub approx: bool,
}

/// Counts and distances of one file (or of all files).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub gold: usize,
    pub predicted: usize,
    pub exact: usize,
    pub overlap: usize,
    pub referent_correct: usize,
    /// Error of each matched gold mention, km; `None` without a coordinate.
    #[serde(skip)]
    pub errors: Vec<(Option<f64>, bool)>,
}

/// The measures of a tally.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    pub gold: usize,
    pub predicted: usize,
    pub precision_exact: f64,
    pub recall_exact: f64,
    pub f1_exact: f64,
    pub precision_overlap: f64,
    pub recall_overlap: f64,
    pub f1_overlap: f64,
    /// Of the gold mentions matched by overlap.
    pub matched: usize,
    pub referent_accuracy: f64,
    /// Share within 1, 5, 25 and 161 km, by distance alone.
    pub accuracy_km: HashMap<String, f64>,
    /// The same, approximate gold coordinates judged by their referent.
    pub accuracy_km_by_referent: HashMap<String, f64>,
    pub mean_error_km: Option<f64>,
    pub median_error_km: Option<f64>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.exact += other.exact;
        self.overlap += other.overlap;
        self.referent_correct += other.referent_correct;
        self.errors.extend(other.errors.iter().copied());
    }

    #[must_use]
    pub fn scores(&self) -> Scores {
        let (pe, re) = (
            ratio(self.exact, self.predicted),
            ratio(self.exact, self.gold),
        );
        let (po, ro) = (
            ratio(self.overlap, self.predicted),
            ratio(self.overlap, self.gold),
        );
        let matched = self.errors.len();
        let mut accuracy_km = HashMap::new();
        let mut by_referent = HashMap::new();
        for t in THRESHOLDS_KM {
            let within = self
                .errors
                .iter()
                .filter(|(e, _)| e.is_some_and(|e| e <= t))
                .count();
            let within_or_referent = self
                .errors
                .iter()
                .filter(|(e, approx_ok)| *approx_ok || e.is_some_and(|e| e <= t))
                .count();
            accuracy_km.insert(format!("{t}"), ratio(within, matched));
            by_referent.insert(format!("{t}"), ratio(within_or_referent, matched));
        }
        let mut known: Vec<f64> = self.errors.iter().filter_map(|(e, _)| *e).collect();
        known.sort_by(f64::total_cmp);
        let mean = (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64);
        let median = (!known.is_empty()).then(|| {
            let n = known.len();
            if n % 2 == 1 {
                known[n / 2]
            } else {
                (known[n / 2 - 1] + known[n / 2]) / 2.0
            }
        });
        Scores {
            gold: self.gold,
            predicted: self.predicted,
            precision_exact: pe,
            recall_exact: re,
            f1_exact: f1(pe, re),
            precision_overlap: po,
            recall_overlap: ro,
            f1_overlap: f1(po, ro),
            matched,
            referent_accuracy: ratio(self.referent_correct, matched),
            accuracy_km,
            accuracy_km_by_referent: by_referent,
            mean_error_km: mean,
            median_error_km: median,
        }
    }
}

/// The evaluation of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub scores: Scores,
    #[serde(skip)]
    pub tally: Tally,
    pub rows: Vec<RowResult>,
    /// Predicted mentions that match no gold row.
    pub spurious: Vec<String>,
}

/// The evaluation of a folder.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dir: String,
    pub drop_embedded: bool,
    pub overall: Scores,
    pub files: Vec<FileReport>,
}

/// How to evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    /// Leave out gold rows marked `embedded` (place names inside organisation
    /// or outlet names) and predicted mentions inside organisation names.
    pub drop_embedded: bool,
}

/// The gold files of a folder: `*.places.tsv` with their `.txt`, sorted.
pub fn gold_files(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, EvalError> {
    gold_pairs(dir, ".places.tsv", dir)
}

/// The files of `gold_dir` named `STEM<suffix>` that have a `STEM.txt` in
/// `text_dir`, each with it, sorted; an error when there is none.
pub(super) fn gold_pairs(
    gold_dir: &Path,
    suffix: &str,
    text_dir: &Path,
) -> Result<Vec<(PathBuf, PathBuf)>, EvalError> {
    let entries = std::fs::read_dir(gold_dir).map_err(|source| ReadError::Io {
        path: gold_dir.display().to_string(),
        source,
    })?;
    let mut pairs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(stem) = name.strip_suffix(suffix) {
            let text = text_dir.join(format!("{stem}.txt"));
            if text.is_file() {
                pairs.push((path.clone(), text));
            }
        }
    }
    pairs.sort();
    if pairs.is_empty() {
        let what = if gold_dir == text_dir {
            gold_dir.display().to_string()
        } else {
            format!(
                "{} (*{suffix} with a .txt in {})",
                gold_dir.display(),
                text_dir.display()
            )
        };
        return Err(EvalError::Empty(what));
    }
    Ok(pairs)
}

/// Evaluates the parser on every gold file of `dir`.
pub fn evaluate_dir(
    parser: &Geoparser<'_>,
    dir: &Path,
    options: EvalOptions,
) -> Result<Report, EvalError> {
    let mut referents = ReferentCache::default();
    let mut files = Vec::new();
    let mut total = Tally::default();
    for (gold_path, text_path) in gold_files(dir)? {
        let text = crate::error::read_text(&text_path)?;
        let tsv = crate::error::read_text(&gold_path)?;
        let gold = read_gold(&gold_path, &tsv, &text)?;
        let mentions = parser.parse(&text, &Options::default()).mentions;
        let report = evaluate_text(
            parser,
            &mut referents,
            &text_path,
            &gold,
            &mentions,
            options,
        );
        total.add(&report.tally);
        files.push(report);
    }
    Ok(Report {
        dir: dir.display().to_string(),
        drop_embedded: options.drop_embedded,
        overall: total.scores(),
        files,
    })
}

/// Which gazetteer places a gold referent names, cached.
#[derive(Debug, Default)]
struct ReferentCache {
    ids: HashMap<String, Vec<String>>,
}

impl ReferentCache {
    fn places(&mut self, parser: &Geoparser<'_>, referent: &str) -> &[String] {
        self.ids.entry(referent.to_string()).or_insert_with(|| {
            let hints = Hints {
                limit: 20,
                ..Hints::default()
            };
            parser
                .gazetteer()
                .resolve(referent, &hints)
                .map(|c| {
                    c.into_iter()
                        .filter(|c| c.reason != Reason::Fuzzy)
                        .map(|c| c.place.id.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
    }
}

fn evaluate_text(
    parser: &Geoparser<'_>,
    referents: &mut ReferentCache,
    path: &Path,
    gold: &[GoldRow],
    mentions: &[Mention<'_>],
    options: EvalOptions,
) -> FileReport {
    let gold: Vec<&GoldRow> = gold
        .iter()
        .filter(|g| !(options.drop_embedded && g.is_embedded()))
        .collect();
    let predicted: Vec<&Mention<'_>> = mentions
        .iter()
        .filter(|m| !(options.drop_embedded && m.organisation.is_some()))
        .collect();
    let mut used = vec![false; predicted.len()];
    let mut tally = Tally {
        gold: gold.len(),
        predicted: predicted.len(),
        ..Tally::default()
    };
    let mut rows = Vec::with_capacity(gold.len());
    for g in &gold {
        let Some((i, exact)) = match_gold(g, &predicted, &used) else {
            rows.push(RowResult::missed(g));
            continue;
        };
        used[i] = true;
        let m = predicted[i];
        tally.overlap += 1;
        if exact {
            tally.exact += 1;
        }
        let referent_correct = m
            .place
            .is_some_and(|p| referents.places(parser, &g.referent).contains(&p.id));
        if referent_correct {
            tally.referent_correct += 1;
        }
        let error_km = m.point.map(|p| p.distance_m(g.point) / 1000.0);
        tally
            .errors
            .push((error_km, g.is_approx() && referent_correct));
        rows.push(RowResult {
            mention: g.mention.clone(),
            start: g.start,
            end: g.end,
            referent: g.referent.clone(),
            matched: if exact { "exact" } else { "overlap" },
            predicted: Some(format!("{} [{}..{}]", m.text, m.start, m.end)),
            predicted_place: m.place.map(|p| p.id.clone()),
            referent_correct,
            error_km: error_km.map(|e| (e * 1000.0).round() / 1000.0),
            approx: g.is_approx(),
        });
    }
    let spurious = spurious(&predicted, &used);
    FileReport {
        file: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        scores: tally.scores(),
        tally,
        rows,
        spurious,
    }
}

/// The first unused prediction whose span is `gold`'s, else the first that
/// overlaps it: its index, and whether the span is exact.
fn match_gold(gold: &GoldRow, predicted: &[&Mention<'_>], used: &[bool]) -> Option<(usize, bool)> {
    let exact = predicted
        .iter()
        .enumerate()
        .position(|(i, m)| !used[i] && m.start == gold.start && m.end == gold.end);
    let overlap = exact.or_else(|| {
        predicted
            .iter()
            .enumerate()
            .position(|(i, m)| !used[i] && m.start < gold.end && gold.start < m.end)
    });
    overlap.map(|i| (i, exact.is_some()))
}

/// The predictions no gold mention matched, in words.
fn spurious(predicted: &[&Mention<'_>], used: &[bool]) -> Vec<String> {
    predicted
        .iter()
        .zip(used)
        .filter(|(_, u)| !**u)
        .map(|(m, _)| {
            format!(
                "{} [{}..{}] -> {}",
                m.text,
                m.start,
                m.end,
                m.place.map_or("-", |p| p.id.as_str())
            )
        })
        .collect()
}

impl RowResult {
    /// A gold mention no prediction overlaps.
    fn missed(g: &GoldRow) -> Self {
        RowResult {
            mention: g.mention.clone(),
            start: g.start,
            end: g.end,
            referent: g.referent.clone(),
            matched: "missed",
            predicted: None,
            predicted_place: None,
            referent_correct: false,
            error_km: None,
            approx: g.is_approx(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_rows_are_checked_against_the_text() {
        let text = "Troops left Laukkai.";
        let tsv = format!(
            "{HEADER}\nLaukkai\t12\t19\tLaukkai\t23.69611\t98.76214\tpoint\tcoords: GeoNames\n"
        );
        let rows = read_gold(Path::new("g.tsv"), &tsv, text).unwrap();
        assert_eq!(rows[0].start, 12);
        assert!(!rows[0].is_approx());
        let bad = format!("{HEADER}\nLaukkai\t11\t18\tLaukkai\t23.7\t98.8\tpoint\t\n");
        let e = read_gold(Path::new("g.tsv"), &bad, text)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.tsv:2: the text at 11..18"), "{e}");
    }

    #[test]
    fn scores_of_a_tally() {
        let t = Tally {
            gold: 4,
            predicted: 5,
            exact: 3,
            overlap: 4,
            referent_correct: 3,
            errors: vec![
                (Some(0.5), false),
                (Some(3.0), false),
                (Some(100.0), true),
                (None, false),
            ],
        };
        let s = t.scores();
        assert!((s.precision_exact - 0.6).abs() < 1e-9);
        assert!((s.recall_overlap - 1.0).abs() < 1e-9);
        assert!((s.accuracy_km["5"] - 0.5).abs() < 1e-9);
        assert!((s.accuracy_km_by_referent["5"] - 0.75).abs() < 1e-9);
        assert_eq!(s.median_error_km, Some(3.0));
    }
}
