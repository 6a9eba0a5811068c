//! A data set saved to a file and loaded again without reading or parsing
//! its events: what lets a server over a large workspace start in a moment
//! (`server::live` keeps one beside the workspace).
//!
//! # The file
//! Little-endian throughout: the magic bytes `SCMADSET`, this file's
//! [`FILE_FORMAT`] and the packed record's [`crate::events::packed::FORMAT`],
//! the caller's tag (length-prefixed bytes: what the data set was made
//! from), the counts, the packed records and where each ends, each event's
//! summary and index row, every indexed place, the extents, and a CRC-32 of
//! everything before it. A file of another format, cut short or changed is
//! refused, never half read; only the R-tree is built again on loading
//! (bulk load, about a third of a second for a million events).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use super::{Dataset, Part, Summary};
use crate::events::packed::{self, PackedEvents};
use crate::events::EventType;
use crate::geom::{Bbox, LonLat};
use crate::index::{IndexBuilder, Row};

const MAGIC: &[u8; 8] = b"SCMADSET";
/// The layout of this file; change it with any change to it.
pub const FILE_FORMAT: u32 = 1;
/// The longest tag read back.
const MAX_TAG: usize = 4096;

/// Why a saved data set was not written or not read.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: not a saved data set of this version of scamatlas ({why})")]
    Format { path: PathBuf, why: String },
    #[error("{path}: damaged ({why})")]
    Damaged { path: PathBuf, why: String },
    #[error("only a data set without changes since it was built can be saved (compact it first)")]
    NotCompact,
}

impl Dataset {
    /// Saves this data set to `path` with `tag` (what it was made from, read
    /// back by [`Dataset::load`]). The file is written beside `path` and
    /// renamed over it when complete: a reader never sees half a file.
    ///
    /// # Errors
    /// [`SavedError::NotCompact`] for a data set with changes
    /// ([`Dataset::changed`]), or writing fails.
    pub fn save(&self, tag: &[u8], path: &Path) -> Result<(), SavedError> {
        if self.changed() != 0 {
            return Err(SavedError::NotCompact);
        }
        let io = |source| SavedError::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        // `.NAME.XXXXXX.part` beside it: what a save cut short leaves.
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let mut file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .tempfile_in(dir.unwrap_or(Path::new(".")))
            .map_err(io)?;
        {
            let mut out = Checked::new(BufWriter::with_capacity(1 << 20, file.as_file_mut()));
            write(self, tag, &mut out).map_err(io)?;
            let crc = out.crc.clone().finalize();
            let mut inner = out.inner;
            inner.write_all(&crc.to_le_bytes()).map_err(io)?;
            inner.flush().map_err(io)?;
        }
        file.as_file().sync_all().map_err(io)?;
        file.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// The data set saved at `path`, and its tag.
    ///
    /// # Errors
    /// The file cannot be read, is of another format, or is damaged.
    pub fn load(path: &Path) -> Result<(Vec<u8>, Dataset), SavedError> {
        let file = File::open(path).map_err(|source| SavedError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let size = file.metadata().map_or(0, |m| m.len());
        let mut input = Checked::new(BufReader::with_capacity(1 << 20, file));
        let read = read(&mut input, size);
        let crc = input.crc.clone().finalize();
        let mut stored = [0; 4];
        let read = read.and_then(|saved| {
            input.inner.read_exact(&mut stored)?;
            let mut rest = [0; 1];
            if input.inner.read(&mut rest)? != 0 {
                return Err(Bad::Damaged("bytes after the checksum".into()));
            }
            Ok(saved)
        });
        let saved = read.map_err(|e| e.at(path))?;
        if u32::from_le_bytes(stored) != crc {
            return Err(SavedError::Damaged {
                path: path.to_path_buf(),
                why: "checksum mismatch".into(),
            });
        }
        Ok(saved)
    }
}

/// Why reading failed, before the path is known.
#[derive(Debug)]
enum Bad {
    Io(io::Error),
    Format(String),
    Damaged(String),
}

impl From<io::Error> for Bad {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Bad::Damaged("cut short".into())
        } else {
            Bad::Io(e)
        }
    }
}

impl Bad {
    fn at(self, path: &Path) -> SavedError {
        let path = path.to_path_buf();
        match self {
            Bad::Io(source) => SavedError::Io { path, source },
            Bad::Format(why) => SavedError::Format { path, why },
            Bad::Damaged(why) => SavedError::Damaged { path, why },
        }
    }
}

fn write(dataset: &Dataset, tag: &[u8], out: &mut impl Write) -> io::Result<()> {
    let part = &dataset.base;
    let (bytes, ends) = part.events.raw();
    out.write_all(MAGIC)?;
    out.write_all(&FILE_FORMAT.to_le_bytes())?;
    out.write_all(&packed::FORMAT.to_le_bytes())?;
    out.write_all(&(tag.len() as u64).to_le_bytes())?;
    out.write_all(tag)?;
    for n in [ends.len(), bytes.len(), part.index.point_count()] {
        out.write_all(&(n as u64).to_le_bytes())?;
    }
    out.write_all(&[u8::from(dataset.by_id)])?;
    out.write_all(bytes)?;
    for &end in ends {
        out.write_all(&(end as u64).to_le_bytes())?;
    }
    for s in part.summaries.iter() {
        out.write_all(&s.point.lon.to_le_bytes())?;
        out.write_all(&s.point.lat.to_le_bytes())?;
        out.write_all(&s.persons.to_le_bytes())?;
    }
    for row in part.index.rows() {
        out.write_all(&row.first.to_le_bytes())?;
        out.write_all(&row.last.to_le_bytes())?;
        out.write_all(&[row.event_type as u8])?;
    }
    for ([lon, lat], pos) in part.index.points() {
        out.write_all(&lon.to_le_bytes())?;
        out.write_all(&lat.to_le_bytes())?;
        out.write_all(&pos.to_le_bytes())?;
    }
    match dataset.extent {
        Some(b) => {
            out.write_all(&[1])?;
            for x in [b.west, b.south, b.east, b.north] {
                out.write_all(&x.to_le_bytes())?;
            }
        }
        None => out.write_all(&[0])?,
    }
    match dataset.days {
        Some((first, last)) => {
            use chrono::Datelike;
            out.write_all(&[1])?;
            out.write_all(&first.num_days_from_ce().to_le_bytes())?;
            out.write_all(&last.num_days_from_ce().to_le_bytes())?;
        }
        None => out.write_all(&[0])?,
    }
    Ok(())
}

/// The data set in `input`, a file of `size` bytes: no count or length
/// read is believed beyond what the file could hold, so that a damaged one
/// fails before anything is allocated for it.
fn read(input: &mut impl Read, size: u64) -> Result<(Vec<u8>, Dataset), Bad> {
    let most = usize::try_from(size).unwrap_or(usize::MAX);
    let mut r = Input(input);
    if r.array::<8>()? != *MAGIC {
        return Err(Bad::Format("no SCMADSET header".into()));
    }
    let (file, records) = (r.u32()?, r.u32()?);
    if (file, records) != (FILE_FORMAT, packed::FORMAT) {
        return Err(Bad::Format(format!(
            "file format {file}, record format {records}; this build reads {FILE_FORMAT} and {}",
            packed::FORMAT
        )));
    }
    let tag_len = r.len(MAX_TAG.min(most))?;
    let tag = r.bytes(tag_len)?;
    // Each event takes at least 8 bytes (where its record ends), each place
    // 20, in the file.
    let events = r.len((most / 8).min(u32::MAX as usize))?;
    let byte_len = r.len(most)?;
    let point_count = r.len(most / 20)?;
    let by_id = r.u8()? != 0;
    let bytes = r.bytes(byte_len)?;
    let ends = (0..events)
        .map(|_| r.len(byte_len))
        .collect::<Result<Vec<_>, Bad>>()?;
    let events_packed = PackedEvents::from_raw(bytes, ends)
        .ok_or_else(|| Bad::Damaged("record ends out of order".into()))?;
    let mut summaries = Vec::with_capacity(events);
    for _ in 0..events {
        summaries.push(Summary {
            point: LonLat {
                lon: r.f64()?,
                lat: r.f64()?,
            },
            persons: r.u64()?,
        });
    }
    let mut index = IndexBuilder::with_capacity(events);
    for _ in 0..events {
        let (first, last) = (r.i32()?, r.i32()?);
        let t = r.u8()?;
        let event_type = EventType::ALL
            .into_iter()
            .find(|&e| e as u8 == t)
            .ok_or_else(|| Bad::Damaged(format!("no event type {t}")))?;
        index.push_row(Row {
            first,
            last,
            event_type,
        });
    }
    for _ in 0..point_count {
        let (lon, lat, pos) = (r.f64()?, r.f64()?, r.u32()?);
        if pos as usize >= events {
            return Err(Bad::Damaged(format!("a place of event {pos} of {events}")));
        }
        index.push_point([lon, lat], pos);
    }
    let extent = match r.u8()? {
        0 => None,
        _ => Some(Bbox {
            west: r.f64()?,
            south: r.f64()?,
            east: r.f64()?,
            north: r.f64()?,
        }),
    };
    let days = match r.u8()? {
        0 => None,
        _ => {
            let day = |d| {
                NaiveDate::from_num_days_from_ce_opt(d)
                    .ok_or_else(|| Bad::Damaged(format!("day {d}")))
            };
            Some((day(r.i32()?)?, day(r.i32()?)?))
        }
    };
    let base = Part {
        events: Arc::new(events_packed),
        summaries: Arc::new(summaries),
        index: index.finish(),
    };
    let dataset = Dataset {
        base,
        added: Part::empty(),
        by_id,
        extent,
        days,
    };
    Ok((tag, dataset))
}

/// A reader or writer that keeps a CRC-32 of the bytes through it.
struct Checked<T> {
    inner: T,
    crc: crc32fast::Hasher,
}

impl<T> Checked<T> {
    fn new(inner: T) -> Self {
        Self {
            inner,
            crc: crc32fast::Hasher::new(),
        }
    }
}

impl<W: Write> Write for Checked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}

/// Little-endian fields of a saved data set.
struct Input<'a, R>(&'a mut R);

impl<R: Read> Input<'_, R> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Bad> {
        let mut b = [0; N];
        self.0.read_exact(&mut b)?;
        Ok(b)
    }

    fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, Bad> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn i32(&mut self) -> Result<i32, Bad> {
        Ok(i32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Bad> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn f64(&mut self) -> Result<f64, Bad> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    /// A count or offset of at most `most`.
    fn len(&mut self, most: usize) -> Result<usize, Bad> {
        let n = self.u64()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= most)
            .ok_or_else(|| Bad::Damaged(format!("a length of {n}")))
    }

    /// `n` bytes (a length checked against the file's size).
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, Bad> {
        let mut out = vec![0; n];
        self.0.read_exact(&mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{synthetic, Filter};

    fn dataset(n: usize) -> Dataset {
        let mut events = synthetic::events(n, 5);
        events.sort_by(|a, b| a.id.cmp(&b.id));
        Dataset::new(events)
    }

    #[test]
    fn a_saved_data_set_loads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("saved");
        let original = dataset(3_000);
        original.save(b"tag 1", &path).unwrap();
        let (tag, loaded) = Dataset::load(&path).unwrap();
        assert_eq!(tag, b"tag 1");
        assert!(loaded.events().eq(original.events()));
        assert!(loaded.by_id);
        assert_eq!(loaded.extent(), original.extent());
        assert_eq!(loaded.time_extent(), original.time_extent());
        let bbox: Bbox = "97,16,100,21".parse().unwrap();
        let filter = Filter::default();
        assert_eq!(
            loaded.positions_in(Some(bbox), &filter),
            original.positions_in(Some(bbox), &filter)
        );
        for pos in [0, 1_500, 2_999] {
            assert_eq!(loaded.point(pos), original.point(pos));
            assert_eq!(loaded.persons(pos), original.persons(pos));
            assert_eq!(loaded.midpoint(pos), original.midpoint(pos));
        }
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("saved");
        dataset(200).save(b"t", &path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let refused = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            Dataset::load(&path).map(|_| ()).unwrap_err()
        };
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x10;
        assert!(matches!(refused(&flipped), SavedError::Damaged { .. }));
        for cut in [3, 30, good.len() / 2, good.len() - 1] {
            let e = refused(&good[..cut]);
            assert!(
                matches!(e, SavedError::Damaged { .. } | SavedError::Format { .. }),
                "cut at {cut}: {e}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(matches!(refused(&longer), SavedError::Damaged { .. }));
        let mut other_format = good.clone();
        other_format[8] = other_format[8].wrapping_add(1);
        let e = refused(&other_format);
        assert!(matches!(e, SavedError::Format { .. }), "{e}");
        assert!(e.to_string().contains("saved"), "{e}");
        assert!(matches!(
            refused(b"not a data set"),
            SavedError::Format { .. }
        ));
    }

    #[test]
    fn only_a_compact_data_set_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("saved");
        let d = dataset(50);
        let mut new = d.event(0).unwrap();
        new.id = "~ a new event".into();
        let changed = d.patched([(new.id.to_string(), Some(new))]);
        assert!(matches!(
            changed.save(b"", &path),
            Err(SavedError::NotCompact)
        ));
        assert!(!path.exists());
        changed.compacted().save(b"", &path).unwrap();
        assert_eq!(Dataset::load(&path).unwrap().1.len(), 51);
    }
}
