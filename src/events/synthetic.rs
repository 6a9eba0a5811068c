//! Deterministic synthetic events for tests and benchmarks.
//!
//! The events look like the real data in the ways an index cares about: most
//! cluster around a few compound hubs (Myawaddy, Shwe Kokko, Laukkai,
//! Tachileik, the Golden Triangle, Sihanoukville, ...), the rest are spread
//! uniformly over the region (longitude 92..110, latitude 8..28). Dates run
//! from 2023-01-01 to 2025-12-31 with mixed precision; about one event in ten
//! has a second place. The same `(n, seed)` always gives the same events.

use chrono::{Datelike, Duration, NaiveDate};
use compact_str::CompactString;

use crate::events::{
    Count, CountKind, DatePrecision, Event, EventDate, EventPlace, EventType, Source,
};
use crate::geom::LonLat;

/// The region synthetic events are spread over: west, south, east, north.
pub const REGION: [f64; 4] = [92.0, 8.0, 110.0, 28.0];

/// Hubs that clustered events gather around: name, longitude, latitude.
const HUBS: [(&str, f64, f64); 8] = [
    ("Myawaddy", 98.509, 16.689),
    ("Shwe Kokko", 98.518, 16.835),
    ("Laukkai", 98.762, 23.696),
    ("Tachileik", 99.882, 20.449),
    ("Golden Triangle SEZ", 100.105, 20.352),
    ("Sihanoukville", 103.529, 10.627),
    ("Payathonzu", 98.393, 15.298),
    ("Bavet", 106.163, 11.067),
];

/// `n` synthetic events, the same for the same `seed`.
///
/// # Runtime
/// Linear in `n`; about half a second for 10^6 events in a release build.
#[must_use]
pub fn events(n: usize, seed: u64) -> Vec<Event> {
    iter(n, seed).collect()
}

/// The same events as [`events`], made one at a time.
pub fn iter(n: usize, seed: u64) -> impl ExactSizeIterator<Item = Event> {
    let mut rng = Rng::new(seed);
    let first = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    let days = 1096; // 2023-01-01 ..= 2025-12-31
    (0..n).map(move |i| {
        let date = random_date(&mut rng, first, days);
        let event_type = EventType::ALL[rng.below(EventType::ALL.len())];
        let count = if rng.below(10) == 0 { 2 } else { 1 };
        let places = (0..count).map(|_| random_place(&mut rng)).collect();
        let best = 1 + rng.below(500) as u64;
        let kind = CountKind::ALL[rng.below(CountKind::ALL.len())];
        Event {
            id: compact_str::format_compact!("S{i}"),
            date,
            event_type,
            places,
            origin: None,
            destination: None,
            counts: vec![Count {
                kind,
                low: best / 2,
                best,
                high: best * 2,
            }],
            sources: vec![Source {
                url: format!("https://example.org/synthetic/{i}"),
                publisher: None,
                date: None,
                count: Some(best),
                count_kind: Some(kind),
            }],
            actors: Vec::new(),
            notes: String::new(),
            aggregate: false,
        }
    })
}

/// A day, month or year between `first` and `first + days`; some day-precise
/// events last a few days.
fn random_date(rng: &mut Rng, first: NaiveDate, days: usize) -> EventDate {
    let day = first + Duration::days(rng.below(days) as i64);
    let (start, precision) = match rng.below(10) {
        0..=6 => (day, DatePrecision::Day),
        7..=8 => (day.with_day(1).unwrap_or(day), DatePrecision::Month),
        _ => (
            NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
            DatePrecision::Year,
        ),
    };
    let end = (precision == DatePrecision::Day && rng.below(20) == 0)
        .then(|| start + Duration::days(1 + rng.below(10) as i64));
    EventDate {
        start,
        precision,
        end,
    }
}

/// Three in five places are near a hub (within a few tens of kilometres), the
/// rest anywhere in [`REGION`].
fn random_place(rng: &mut Rng) -> EventPlace {
    let [west, south, east, north] = REGION;
    let (name, lon, lat) = if rng.below(5) < 3 {
        let (name, lon, lat) = HUBS[rng.below(HUBS.len())];
        let spread = [0.02, 0.1, 0.4][rng.below(3)];
        // A sum of uniforms: roughly normal, bounded, cheap.
        let offset = |rng: &mut Rng| (rng.f64() + rng.f64() + rng.f64() - 1.5) * spread;
        let lon = (lon + offset(rng)).clamp(west, east);
        let lat = (lat + offset(rng)).clamp(south, north);
        (name, lon, lat)
    } else {
        (
            "Somewhere",
            west + rng.f64() * (east - west),
            south + rng.f64() * (north - south),
        )
    };
    EventPlace {
        id: None,
        name: name.into(),
        point: LonLat { lon, lat },
        radius_m: [100.0, 1_000.0, 5_000.0][rng.below(3)],
        resolution: CompactString::default(),
    }
}

/// A small, fast, deterministic pseudo-random generator (SplitMix64), for
/// synthetic data and randomised tests; not for anything that needs
/// unpredictability.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0.0..1.0`.
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.f64() * (hi - lo)
    }

    /// Uniform in `0..n`; `n` must not be 0.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// A text of `fewest + below(spread)` pieces drawn from `pieces`: the
    /// random texts of the equivalence tests.
    #[cfg(test)]
    pub fn glue(&mut self, pieces: &[&str], fewest: usize, spread: usize) -> String {
        let n = fewest + self.below(spread);
        (0..n).map(|_| pieces[self.below(pieces.len())]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_events_within_the_region() {
        let a = events(500, 3);
        assert_eq!(a, events(500, 3));
        assert_ne!(a, events(500, 4));
        let [west, south, east, north] = REGION;
        let last = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        for e in &a {
            assert!(matches!(e.places.len(), 1 | 2));
            for p in &e.places {
                assert!((west..=east).contains(&p.point.lon), "{:?}", p.point);
                assert!((south..=north).contains(&p.point.lat), "{:?}", p.point);
            }
            assert!(e.date.first_day() <= e.date.last_day());
            assert!(e.date.first_day().year() >= 2023 && e.date.first_day() <= last);
            assert_eq!(e.sources.len(), 1);
        }
        assert!(a.iter().any(|e| e.places.len() == 2));
        assert!(a.iter().any(|e| e.date.precision == DatePrecision::Year));
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::new(1);
        for n in [1, 2, 7, 1000] {
            assert!((0..1000).all(|_| rng.below(n) < n));
        }
    }
}
