//! Events packed into one byte buffer, for processes that hold many of them.
//!
//! An [`Event`] in memory is about 180 bytes of struct plus a heap allocation
//! per place list, count list, source list and long string: some 450 bytes for
//! a typical event. [`PackedEvents`] keeps each event as a compact record
//! (variable-length integers, length-prefixed strings, raw `f64` coordinates)
//! in a single buffer, about a quarter of that, and decodes an event when it
//! is asked for. The record's layout is private to this module; a saved
//! data set (`dataset::saved`) writes the records as they are, marked with
//! [`FORMAT`], which must change whenever the layout does.

use chrono::NaiveDate;
use compact_str::CompactString;

use super::{Count, CountKind, DatePrecision, Event, EventDate, EventPlace, EventType, Source};
use crate::geom::LonLat;

/// The layout of a record: saved records of another format are not read.
/// Change it with any change to `encode`; the test
/// `the_record_layout_is_the_one_format_names` fails until then.
pub const FORMAT: u32 = 1;

/// Events in one buffer, decoded on demand; positions are those of the order
/// they were pushed in.
#[derive(Debug, Clone, Default)]
pub struct PackedEvents {
    bytes: Vec<u8>,
    /// Where each record ends in `bytes`; record `i` starts where `i - 1` ends.
    ends: Vec<usize>,
}

impl PackedEvents {
    /// Appends an event; its position is the previous [`PackedEvents::len`].
    pub fn push(&mut self, event: &Event) {
        encode(event, &mut self.bytes);
        self.ends.push(self.bytes.len());
    }

    /// Gives back the spare capacity of the buffers.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The event at `pos`, decoded; `None` past the end.
    #[must_use]
    pub fn get(&self, pos: usize) -> Option<Event> {
        let end = *self.ends.get(pos)?;
        let start = pos.checked_sub(1).map_or(0, |p| self.ends[p]);
        decode(&self.bytes[start..end])
    }

    /// The id of the event at `pos`, read without decoding the rest (an id
    /// is the first field of a record); `None` past the end.
    #[must_use]
    pub fn id(&self, pos: usize) -> Option<&str> {
        let end = *self.ends.get(pos)?;
        let start = pos.checked_sub(1).map_or(0, |p| self.ends[p]);
        Reader(&self.bytes[start..end]).str()
    }

    /// The position of the event with this id, by binary search: the events
    /// must be in id order.
    #[must_use]
    pub fn position_in_id_order(&self, id: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.id(mid)?.cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The records as they are, to save: the buffer and where each record
    /// ends in it.
    #[must_use]
    pub fn raw(&self) -> (&[u8], &[usize]) {
        (&self.bytes, &self.ends)
    }

    /// Events from records saved by [`PackedEvents::raw`] (of this
    /// [`FORMAT`]). `None` unless `ends` rise and the last is the end of
    /// `bytes`.
    #[must_use]
    pub fn from_raw(bytes: Vec<u8>, ends: Vec<usize>) -> Option<Self> {
        let rising = ends.windows(2).all(|w| w[0] <= w[1]);
        let last = ends.last().copied().unwrap_or(0);
        (rising && last == bytes.len()).then_some(Self { bytes, ends })
    }

    /// The position of the first event with this id, found without decoding
    /// anything but ids (an id is the first field of a record).
    #[must_use]
    pub fn position_of(&self, id: &str) -> Option<usize> {
        let mut start = 0;
        self.ends.iter().position(|&end| {
            let record = &self.bytes[start..end];
            start = end;
            Reader(record).str() == Some(id)
        })
    }

    /// Every event in order, decoded one at a time.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Event> + '_ {
        (0..self.len()).map(|pos| {
            // Records only ever come from `encode`, which `decode` reads back
            // whole (tested on every kind of field).
            self.get(pos)
                .unwrap_or_else(|| unreachable!("packed event {pos} decodes"))
        })
    }
}

impl FromIterator<Event> for PackedEvents {
    fn from_iter<I: IntoIterator<Item = Event>>(iter: I) -> Self {
        let mut packed = PackedEvents::default();
        for event in iter {
            packed.push(&event);
        }
        packed.shrink_to_fit();
        packed
    }
}

fn encode(e: &Event, out: &mut Vec<u8>) {
    let mut w = Writer(out);
    w.str(&e.id);
    w.date(e.date.start);
    w.u8(index_in(&PRECISIONS, &e.date.precision));
    w.opt_date(e.date.end);
    w.u8(index_in(&EventType::ALL, &e.event_type));
    w.u8(u8::from(e.aggregate));
    w.len(e.places.len());
    for p in &e.places {
        w.place(p);
    }
    for p in [&e.origin, &e.destination] {
        match p {
            Some(p) => {
                w.u8(1);
                w.place(p);
            }
            None => w.u8(0),
        }
    }
    w.len(e.counts.len());
    for c in &e.counts {
        w.u8(index_in(&CountKind::ALL, &c.kind));
        w.varint(c.low);
        w.varint(c.best);
        w.varint(c.high);
    }
    w.len(e.sources.len());
    for s in &e.sources {
        w.str(&s.url);
        w.opt_str(s.publisher.as_deref());
        w.opt_date(s.date);
        match s.count {
            Some(n) => {
                w.u8(1);
                w.varint(n);
            }
            None => w.u8(0),
        }
        w.u8(s
            .count_kind
            .map_or(0, |k| index_in(&CountKind::ALL, &k) + 1));
    }
    w.len(e.actors.len());
    for a in &e.actors {
        w.str(a);
    }
    w.str(&e.notes);
}

fn decode(bytes: &[u8]) -> Option<Event> {
    let mut r = Reader(bytes);
    let id = CompactString::from(r.str()?);
    let date = EventDate {
        start: r.date()?,
        precision: *PRECISIONS.get(usize::from(r.u8()?))?,
        end: r.opt_date()?,
    };
    let event_type = *EventType::ALL.get(usize::from(r.u8()?))?;
    let aggregate = r.u8()? != 0;
    let places = (0..r.len()?)
        .map(|_| r.place())
        .collect::<Option<Vec<_>>>()?;
    let mut ends = [None, None];
    for end in &mut ends {
        if r.u8()? != 0 {
            *end = Some(Box::new(r.place()?));
        }
    }
    let [origin, destination] = ends;
    let counts = (0..r.len()?)
        .map(|_| {
            Some(Count {
                kind: count_kind(r.u8()?)?,
                low: r.varint()?,
                best: r.varint()?,
                high: r.varint()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let sources = (0..r.len()?)
        .map(|_| {
            Some(Source {
                url: r.str()?.to_owned(),
                publisher: r.opt_str()?.map(str::to_owned),
                date: r.opt_date()?,
                count: match r.u8()? {
                    0 => None,
                    _ => Some(r.varint()?),
                },
                count_kind: match r.u8()? {
                    0 => None,
                    k => Some(count_kind(k - 1)?),
                },
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let actors = (0..r.len()?)
        .map(|_| r.str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()?;
    let notes = r.str()?.to_owned();
    r.0.is_empty().then_some(Event {
        id,
        date,
        event_type,
        places,
        origin,
        destination,
        counts,
        sources,
        actors,
        notes,
        aggregate,
    })
}

const PRECISIONS: [DatePrecision; 3] = [
    DatePrecision::Day,
    DatePrecision::Month,
    DatePrecision::Year,
];

/// Where `x` is in `all`: how enums are written, whatever their discriminants.
fn index_in<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|a| a == x).map_or(u8::MAX, |i| i as u8)
}

fn count_kind(b: u8) -> Option<CountKind> {
    CountKind::ALL.get(usize::from(b)).copied()
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }

    /// LEB128: seven bits a byte, low bits first.
    fn varint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }

    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    /// Days from the common era, zigzagged so that early dates stay short.
    fn date(&mut self, d: NaiveDate) {
        use chrono::Datelike;
        let days = i64::from(d.num_days_from_ce());
        self.varint(((days << 1) ^ (days >> 63)) as u64);
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) {
        match d {
            Some(d) => {
                self.u8(1);
                self.date(d);
            }
            None => self.u8(0),
        }
    }

    fn place(&mut self, p: &EventPlace) {
        self.opt_str(p.id.as_deref());
        self.str(&p.name);
        self.f64(p.point.lon);
        self.f64(p.point.lat);
        self.f64(p.radius_m);
        self.str(&p.resolution);
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0_u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.str().map(Some),
        }
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn date(&mut self) -> Option<NaiveDate> {
        let z = self.varint()?;
        let days = ((z >> 1) as i64) ^ -((z & 1) as i64);
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
    }

    fn opt_date(&mut self) -> Option<Option<NaiveDate>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.date().map(Some),
        }
    }

    fn place(&mut self) -> Option<EventPlace> {
        Some(EventPlace {
            id: self.opt_str()?.map(CompactString::from),
            name: CompactString::from(self.str()?),
            point: LonLat {
                lon: self.f64()?,
                lat: self.f64()?,
            },
            radius_m: self.f64()?,
            resolution: CompactString::from(self.str()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, lon: f64, lat: f64) -> EventPlace {
        EventPlace {
            id: Some("gn:1234567".into()),
            name: name.into(),
            point: LonLat { lon, lat },
            radius_m: 2_500.5,
            resolution: "alias \"Laukkaing\" of laukkai, score 1.07".into(),
        }
    }

    /// An event with every optional part filled, in several scripts.
    fn full() -> Event {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        Event {
            id: "E-a-very-long-identifier-beyond-inline".into(),
            date: EventDate {
                start: day(2024, 2, 23),
                precision: DatePrecision::Day,
                end: Some(day(2024, 3, 2)),
            },
            event_type: EventType::PowerCut,
            places: vec![
                place("Myawaddy", 98.509_123_456_789, 16.689),
                place("妙瓦底", -0.0, f64::MIN_POSITIVE),
            ],
            origin: Some(Box::new(place("老街", 98.762, 23.696))),
            destination: Some(Box::new(place("မြဝတီ", 98.5, 16.7))),
            counts: vec![
                Count {
                    kind: CountKind::Other,
                    low: 0,
                    best: 127,
                    high: u64::MAX,
                },
                Count {
                    kind: CountKind::Arrested,
                    low: 128,
                    best: 300,
                    high: 16_384,
                },
            ],
            sources: vec![
                Source {
                    url: "https://example.org/a".into(),
                    publisher: Some("Example News".into()),
                    date: Some(day(2024, 2, 24)),
                    count: Some(0),
                    count_kind: Some(CountKind::Other),
                },
                Source {
                    url: "file:///tmp/article.txt".into(),
                    publisher: None,
                    date: None,
                    count: None,
                    count_kind: None,
                },
            ],
            actors: vec!["BGF".into(), String::new(), "ทหาร".into()],
            notes: "two sources disagree; ฝั่งไทย".into(),
            aggregate: true,
        }
    }

    #[test]
    fn every_field_round_trips() {
        let bare = Event {
            origin: None,
            destination: None,
            places: Vec::new(),
            counts: Vec::new(),
            sources: Vec::new(),
            actors: Vec::new(),
            notes: String::new(),
            aggregate: false,
            id: CompactString::default(),
            date: EventDate {
                start: NaiveDate::MIN,
                precision: DatePrecision::Year,
                end: Some(NaiveDate::MAX),
            },
            ..full()
        };
        let events = vec![full(), bare.clone(), full()];
        let packed: PackedEvents = events.iter().cloned().collect();
        assert_eq!(packed.len(), 3);
        assert_eq!(packed.iter().collect::<Vec<_>>(), events);
        assert_eq!(packed.get(1), Some(bare));
        assert_eq!(packed.get(3), None);
        assert_eq!(packed.position_of(&full().id), Some(0));
        assert_eq!(packed.position_of(""), Some(1));
        assert_eq!(packed.position_of("E-a-very-long"), None);
        // Coordinates keep every bit, the sign of zero included.
        let got = packed.get(0).unwrap_or_else(full);
        assert!(got.places[1].point.lon.is_sign_negative());
    }

    #[test]
    fn synthetic_events_round_trip_and_pack_small() {
        let events = crate::events::synthetic::events(2_000, 7);
        let packed: PackedEvents = events.iter().cloned().collect();
        assert_eq!(packed.iter().collect::<Vec<_>>(), events);
        let held = packed.bytes.capacity() + packed.ends.capacity() * std::mem::size_of::<usize>();
        let per_event = held / events.len();
        assert!(per_event < 160, "{per_event} bytes per packed event");
    }

    #[test]
    fn ids_are_read_alone_and_found_in_id_order() {
        let mut events = crate::events::synthetic::events(500, 3);
        events.sort_by(|a, b| a.id.cmp(&b.id));
        let packed: PackedEvents = events.iter().cloned().collect();
        for (pos, e) in events.iter().enumerate() {
            assert_eq!(packed.id(pos), Some(e.id.as_str()));
            assert_eq!(packed.position_in_id_order(&e.id), Some(pos));
        }
        assert_eq!(packed.id(events.len()), None);
        assert_eq!(packed.position_in_id_order("~ after every id"), None);
        assert_eq!(packed.position_in_id_order(""), None);
        let (bytes, ends) = packed.raw();
        let again = PackedEvents::from_raw(bytes.to_vec(), ends.to_vec()).expect("raw parts");
        assert!(again.iter().eq(events.iter().cloned()));
        let mut short = ends.to_vec();
        short.pop();
        assert!(PackedEvents::from_raw(bytes.to_vec(), short).is_none());
        let mut falling = ends.to_vec();
        falling.swap(0, 1);
        assert!(PackedEvents::from_raw(bytes.to_vec(), falling).is_none());
    }

    /// Saved records are read back only when their [`FORMAT`] is this one:
    /// a change to the layout must change the format.
    #[test]
    fn the_record_layout_is_the_one_format_names() {
        let mut bytes = Vec::new();
        encode(&full(), &mut bytes);
        let layout = (FORMAT, bytes.len(), crc32fast::hash(&bytes));
        assert_eq!(
            layout,
            (1, 559, 1_175_837_461),
            "the record layout changed: bump FORMAT, then put the new length and checksum here"
        );
    }

    #[test]
    fn a_truncated_record_does_not_decode() {
        let mut bytes = Vec::new();
        encode(&full(), &mut bytes);
        assert!(decode(&bytes).is_some());
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        bytes.push(0);
        assert_eq!(decode(&bytes), None, "trailing byte");
    }
}
