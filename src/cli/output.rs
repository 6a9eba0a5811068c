//! Writing for people and programs: data on stdout (aligned tables for people,
//! JSON for programs), status lines on stderr through [`status!`], which `-q`
//! silences. Errors are written with `eprintln!` and are never silenced.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use unicode_width::UnicodeWidthStr;

/// A table whose columns are padded to the widest cell (in terminal columns, so
/// Chinese and Burmese names line up).
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: Vec<&'static str>) -> Self {
        Self {
            header,
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
            let mut text = String::new();
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                text.extend(std::iter::repeat_n(
                    ' ',
                    widths[i].saturating_sub(cell.width()),
                ));
            }
            writeln!(out, "{}", text.trim_end())
        };
        line(out, &mut self.header.iter().copied())?;
        for row in &self.rows {
            line(out, &mut row.iter().map(String::as_str))?;
        }
        Ok(())
    }
}

/// A radius for people: metres below 1 km, else km.
pub fn radius(metres: f64) -> String {
    if metres < 1000.0 {
        format!("{metres:.0} m")
    } else {
        format!("{:.0} km", metres / 1000.0)
    }
}

pub fn json_line(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn json_pretty(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// A JSON array printed byte for byte as [`json_pretty`] prints it, one element
/// at a time, so that a long output is never held whole in memory. `depth` is
/// the array's nesting level (0 for the whole output).
pub struct PrettyArray<'w, W: Write> {
    out: &'w mut W,
    depth: usize,
    empty: bool,
}

impl<'w, W: Write> PrettyArray<'w, W> {
    pub fn start(out: &'w mut W, depth: usize) -> io::Result<Self> {
        out.write_all(b"[")?;
        Ok(Self {
            out,
            depth,
            empty: true,
        })
    }

    pub fn push(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        self.out
            .write_all(if self.empty { b"\n" } else { b",\n" })?;
        self.empty = false;
        let mut element = Indented {
            out: &mut *self.out,
            depth: self.depth + 1,
        };
        element.indent()?;
        serde_json::to_writer_pretty(&mut element, value)?;
        Ok(())
    }

    pub fn end(self) -> io::Result<()> {
        if !self.empty {
            self.out.write_all(b"\n")?;
            Indented {
                out: &mut *self.out,
                depth: self.depth,
            }
            .indent()?;
        }
        self.out.write_all(b"]")
    }
}

/// Pretty JSON moved `depth` levels to the right: two spaces a level after
/// each line break (JSON strings hold no raw line breaks, so each one is
/// between tokens).
struct Indented<'w, W: Write> {
    out: &'w mut W,
    depth: usize,
}

impl<W: Write> Indented<'_, W> {
    fn indent(&mut self) -> io::Result<()> {
        for _ in 0..self.depth {
            self.out.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.out.write_all(&rest[..=i])?;
            self.indent()?;
            rest = &rest[i + 1..];
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Set once from `-q` before a command runs.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A status line on stderr (what was written, how many were found), left out
/// under `-q`. Takes `eprintln!`'s arguments.
macro_rules! status {
    ($($arg:tt)*) => {
        if !$crate::cli::output::is_quiet() {
            eprintln!($($arg)*);
        }
    };
}
pub(crate) use status;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pretty_array_prints_as_json_pretty_prints_the_whole() {
        let items = [
            json!({"a": [1, {"b": "line\nbreak"}], "c": {}, "d": []}),
            json!([]),
            json!("x"),
        ];
        for n in 0..=items.len() {
            let whole = json!({"k": &items[..n], "z": 1});
            let mut expected = Vec::new();
            json_pretty(&mut expected, &whole).expect("printed");

            let mut streamed = Vec::new();
            streamed.extend_from_slice(b"{\n  \"k\": ");
            let mut array = PrettyArray::start(&mut streamed, 1).expect("started");
            for item in &items[..n] {
                array.push(item).expect("pushed");
            }
            array.end().expect("ended");
            streamed.extend_from_slice(b",\n  \"z\": 1\n}\n");
            assert_eq!(
                String::from_utf8_lossy(&streamed),
                String::from_utf8_lossy(&expected)
            );
        }
    }
}
