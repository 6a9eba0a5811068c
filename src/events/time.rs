//! Event dates with their precision, and the time ranges queries filter by.
//!
//! An event dated `2024-02` (month precision) happened some time in February
//! 2024: it spans the whole month. A query range matches an event when the two
//! spans overlap.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How precisely an event's date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Month,
    Year,
}

impl DatePrecision {
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Month => "month",
            DatePrecision::Year => "year",
        }
    }
}

impl FromStr for DatePrecision {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "day" => Ok(DatePrecision::Day),
            "month" => Ok(DatePrecision::Month),
            "year" => Ok(DatePrecision::Year),
            other => Err(DateError::Precision(other.to_string())),
        }
    }
}

/// Why a date, a date precision or a time range was refused. Each names the
/// text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("unknown date precision {0:?} (expected day, month or year)")]
    Precision(String),
    /// Not digits in the form `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `part` is
    /// the year, month or day that is not a number, if one is.
    #[error("{text:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY){}", part.map(|p| format!(": bad {p}")).unwrap_or_default())]
    Form {
        text: String,
        part: Option<&'static str>,
    },
    #[error("{0:?}: the year must have four digits")]
    YearDigits(String),
    #[error("{0:?} is not a real date")]
    NotReal(String),
    #[error("date {date:?} is not precise to the {}", precision.as_str())]
    NotPrecise {
        date: String,
        precision: DatePrecision,
    },
    #[error("end date {0:?} must be a full date YYYY-MM-DD")]
    EndNotDay(String),
    #[error("end date {end} is before the start {start}")]
    EndBeforeStart { end: String, start: String },
    #[error("the time range is empty")]
    EmptyRange,
    #[error("{0:?}: the end is before the start")]
    RangeEndBeforeStart(String),
    #[error("{0:?}: both ends are open; leave the range out instead")]
    BothOpen(String),
    #[error("{0:?} is not an RFC 3339 instant (2024-02-23T00:00:00Z), a date (2024-02-23) or ..")]
    Instant(String),
}

/// When an event happened: a date, how precisely it is known, and an optional
/// last day for events that lasted several days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    /// The day, or the first day of the month or year.
    pub start: NaiveDate,
    pub precision: DatePrecision,
    /// Last day of a multi-day event (inclusive).
    pub end: Option<NaiveDate>,
}

impl EventDate {
    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; the precision follows the form
    /// unless `precision` says otherwise (it may only be coarser).
    ///
    /// # Example
    /// ```
    /// use scamatlas::events::{DatePrecision, EventDate};
    /// let d = EventDate::parse("2024-02", None, None).unwrap();
    /// assert_eq!(d.precision, DatePrecision::Month);
    /// assert_eq!(d.last_day().to_string(), "2024-02-29");
    /// assert!(EventDate::parse("2024-02-30", None, None).is_err());
    /// ```
    pub fn parse(
        date: &str,
        precision: Option<DatePrecision>,
        end: Option<&str>,
    ) -> Result<Self, DateError> {
        let date = date.trim();
        let (start, implied) = parse_partial_date(date)?;
        let precision = match precision {
            None => implied,
            Some(p) if coarseness(p) >= coarseness(implied) => p,
            Some(p) => {
                return Err(DateError::NotPrecise {
                    date: date.to_string(),
                    precision: p,
                });
            }
        };
        let start = match precision {
            DatePrecision::Day => start,
            DatePrecision::Month => first_of_month(start),
            DatePrecision::Year => NaiveDate::from_ymd_opt(start.year(), 1, 1).unwrap_or(start),
        };
        let end = match end.map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e) => {
                let (day, p) = parse_partial_date(e)?;
                if p != DatePrecision::Day {
                    return Err(DateError::EndNotDay(e.to_string()));
                }
                if day < start {
                    return Err(DateError::EndBeforeStart {
                        end: e.to_string(),
                        start: date.to_string(),
                    });
                }
                Some(day)
            }
        };
        Ok(Self {
            start,
            precision,
            end,
        })
    }

    /// First day the event may have happened on.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        self.start
    }

    /// Last day the event may have happened on (inclusive).
    #[must_use]
    pub fn last_day(&self) -> NaiveDate {
        let by_precision = match self.precision {
            DatePrecision::Day => self.start,
            DatePrecision::Month => last_of_month(self.start),
            DatePrecision::Year => {
                NaiveDate::from_ymd_opt(self.start.year(), 12, 31).unwrap_or(self.start)
            }
        };
        self.end.map_or(by_precision, |e| e.max(by_precision))
    }

    /// The middle of the span, used to order events and put them in periods.
    #[must_use]
    pub fn midpoint(&self) -> NaiveDate {
        let span = (self.last_day() - self.first_day()).num_days();
        self.first_day() + chrono::Duration::days(span / 2)
    }
}

impl fmt::Display for EventDate {
    /// `2024-02-23`, `2024-02` or `2024`, as precise as the date is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.start;
        if !(0..=9999).contains(&d.year()) {
            // chrono's own rendering, with its sign, for years out of range.
            return match self.precision {
                DatePrecision::Day => write!(f, "{}", d.format("%Y-%m-%d")),
                DatePrecision::Month => write!(f, "{}", d.format("%Y-%m")),
                DatePrecision::Year => write!(f, "{}", d.format("%Y")),
            };
        }
        // Plain integers: much cheaper than a strftime pattern, and written
        // for every event of every tile and GeoJSON page.
        match self.precision {
            DatePrecision::Day => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            DatePrecision::Month => write!(f, "{:04}-{:02}", d.year(), d.month()),
            DatePrecision::Year => write!(f, "{:04}", d.year()),
        }
    }
}

fn coarseness(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Day => 0,
        DatePrecision::Month => 1,
        DatePrecision::Year => 2,
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map_or(d, |next| next.pred_opt().unwrap_or(d))
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, checked to be a real date.
fn parse_partial_date(s: &str) -> Result<(NaiveDate, DatePrecision), DateError> {
    let parts: Vec<&str> = s.split('-').collect();
    let number = |p: &str, what: &'static str| -> Result<u32, DateError> {
        let bad = || DateError::Form {
            text: s.to_string(),
            part: Some(what),
        };
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let (y, m, d, precision) = match parts.as_slice() {
        [y] => (number(y, "year")?, 1, 1, DatePrecision::Year),
        [y, m] => (
            number(y, "year")?,
            number(m, "month")?,
            1,
            DatePrecision::Month,
        ),
        [y, m, d] => (
            number(y, "year")?,
            number(m, "month")?,
            number(d, "day")?,
            DatePrecision::Day,
        ),
        _ => {
            return Err(DateError::Form {
                text: s.to_string(),
                part: None,
            })
        }
    };
    if parts[0].len() != 4 {
        return Err(DateError::YearDigits(s.to_string()));
    }
    let date =
        NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| DateError::NotReal(s.to_string()))?;
    Ok((date, precision))
}

/// A time range to filter by: an instant or an interval with open ends, as in
/// OGC API `datetime`: `2024-02-23T00:00:00Z`, `2024-01-01/2024-06-30`,
/// `2025-01-01T00:00:00Z/..`, `../2023-12-31`. Plain dates are accepted and
/// cover their whole day. Both ends are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl TimeRange {
    /// Whether an event dated `date` may have happened within the range.
    #[must_use]
    pub fn overlaps(&self, date: &EventDate) -> bool {
        self.start.is_none_or(|s| date.last_day() >= s)
            && self.end.is_none_or(|e| date.first_day() <= e)
    }

    /// Whether the days `first..=last` overlap the range.
    #[must_use]
    pub fn overlaps_days(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.start.is_none_or(|s| last >= s) && self.end.is_none_or(|e| first <= e)
    }
}

impl FromStr for TimeRange {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DateError::EmptyRange);
        }
        let end_of = |part: &str| -> Result<Option<NaiveDate>, DateError> {
            match part.trim() {
                "" | ".." => Ok(None),
                p => instant_day(p).map(Some),
            }
        };
        let range = match s.split_once('/') {
            None => {
                let day = instant_day(s)?;
                TimeRange {
                    start: Some(day),
                    end: Some(day),
                }
            }
            Some((a, b)) => TimeRange {
                start: end_of(a)?,
                end: end_of(b)?,
            },
        };
        if let (Some(a), Some(b)) = (range.start, range.end) {
            if b < a {
                return Err(DateError::RangeEndBeforeStart(s.to_string()));
            }
        }
        if s.split_once('/').is_some() && range.start.is_none() && range.end.is_none() {
            return Err(DateError::BothOpen(s.to_string()));
        }
        Ok(range)
    }
}

/// The day of an RFC 3339 instant (in UTC) or of a plain `YYYY-MM-DD` date.
fn instant_day(s: &str) -> Result<NaiveDate, DateError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.naive_utc().date());
    }
    match parse_partial_date(s) {
        Ok((day, DatePrecision::Day)) => Ok(day),
        _ => Err(DateError::Instant(s.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn precision_follows_the_form_and_spans_the_period() {
        let d = EventDate::parse("2023", None, None).unwrap();
        assert_eq!(
            (d.first_day(), d.last_day()),
            (day("2023-01-01"), day("2023-12-31"))
        );
        let d = EventDate::parse("2023-11-16", Some(DatePrecision::Month), None).unwrap();
        assert_eq!(d.to_string(), "2023-11");
        assert_eq!(d.last_day(), day("2023-11-30"));
        let d = EventDate::parse("2024-03-28", None, Some("2024-03-31")).unwrap();
        assert_eq!(d.last_day(), day("2024-03-31"));
        assert_eq!(d.midpoint(), day("2024-03-29"));
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "24-01-01",
            "2024-1x",
            "yesterday",
            "",
        ] {
            assert!(EventDate::parse(bad, None, None).is_err(), "{bad}");
        }
        assert!(EventDate::parse("2024", Some(DatePrecision::Day), None).is_err());
        assert!(EventDate::parse("2024-03-28", None, Some("2024-03-01")).is_err());
    }

    #[test]
    fn ranges_parse_instants_intervals_and_open_ends() {
        let r: TimeRange = "2024-01-01T10:00:00Z/2024-06-30T00:00:00+07:00"
            .parse()
            .unwrap();
        assert_eq!(
            (r.start, r.end),
            (Some(day("2024-01-01")), Some(day("2024-06-29")))
        );
        let r: TimeRange = "../2023-12-31".parse().unwrap();
        assert_eq!((r.start, r.end), (None, Some(day("2023-12-31"))));
        let r: TimeRange = "2025-01-01/..".parse().unwrap();
        assert_eq!((r.start, r.end), (Some(day("2025-01-01")), None));
        for bad in ["../..", "2024-06-30/2024-01-01", "soon", "2024-02-30", ""] {
            assert!(bad.parse::<TimeRange>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_overlap_imprecise_dates() {
        let feb: TimeRange = "2024-02-10/2024-02-12".parse().unwrap();
        assert!(feb.overlaps(&EventDate::parse("2024-02", None, None).unwrap()));
        assert!(feb.overlaps(&EventDate::parse("2024", None, None).unwrap()));
        assert!(!feb.overlaps(&EventDate::parse("2024-03", None, None).unwrap()));
    }
}
