//! Export: a layer as a file QGIS and GDAL open without fixing anything.
//!
//! A layer becomes one typed [`Table`] (one geometry type, one type per
//! column, string ids, coordinates rounded as every output rounds them
//! ([`crate::geom::precision`]: 6 decimals), polygons by the
//! right-hand rule), which [`write()`](fn@write) puts out as GeoJSON, GeoJSONSeq,
//! FlatGeobuf (with its spatial index), GeoPackage (feature table, EPSG:4326,
//! R-tree, extent) or CSV (WKT, lon and lat, with a GDAL `.csvt` of the column
//! types). An events export gets a QGIS style (`.qml`) beside it.
//!
//! Files are written to a temporary file in the destination's folder and
//! renamed over the destination only when complete: a failed export never
//! leaves a half-written file, and an existing file is replaced only by a
//! whole one.

mod formats;
mod table;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use formats::events_qml;
pub use table::{ColType, Column, GeomType, Row, Table};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    GeoJsonSeq,
    FlatGeobuf,
    GeoPackage,
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::GeoJson,
        Format::GeoJsonSeq,
        Format::FlatGeobuf,
        Format::GeoPackage,
        Format::Csv,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonSeq => "geojsonseq",
            Format::FlatGeobuf => "fgb",
            Format::GeoPackage => "gpkg",
            Format::Csv => "csv",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::GeoJsonSeq => "geojsonl",
            Format::FlatGeobuf => "fgb",
            Format::GeoPackage => "gpkg",
            Format::Csv => "csv",
        }
    }
}

impl FromStr for Format {
    type Err = crate::error::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                crate::error::UnknownName {
                    what: "format",
                    value: s,
                    expected: format!("one of {}", names.join(", ")),
                }
            })
    }
}

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

impl FromStr for Destination {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s == "-" {
            Destination::Stdout
        } else {
            Destination::File(PathBuf::from(s))
        })
    }
}

/// Why an export failed. Nothing at the destination has changed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {}", reason(cause))]
    Io {
        path: String,
        /// Not a `source`: its text names the temporary file, not `path`.
        cause: std::io::Error,
    },
    /// `-o` names something that is neither a regular file nor a new path:
    /// replacing it would destroy a device, a pipe, a link or a folder.
    #[error("cannot write {path}: it is {what}, not a regular file (give a new path or a file)")]
    NotAFile { path: String, what: &'static str },
    #[error("{0} needs a file: it cannot be written to stdout")]
    NeedsFile(&'static str),
    /// A value the format cannot hold (a GeoPackage date that does not parse).
    #[error("{column}: {value:?}: {reason}")]
    Value {
        column: String,
        value: String,
        reason: String,
    },
    #[error("writing: {0}")]
    Write(#[from] std::io::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("CSV: {0}")]
    Csv(String),
    #[error("FlatGeobuf: {0}")]
    FlatGeobuf(#[from] flatgeobuf::Error),
    #[error("geometry: {0}")]
    Geometry(#[from] geozero::error::GeozeroError),
    #[error("GeoPackage: {0}")]
    GeoPackage(#[from] geopackage::Error),
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        // An I/O error stays one, so that a closed pipe is seen as such.
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => ExportError::Write(io),
            _ => ExportError::Csv(message),
        }
    }
}

/// What went wrong with a path, in words (without the temporary file's name
/// some errors carry).
fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "its folder does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder".into(),
        _ => e.to_string(),
    }
}

impl ExportError {
    fn geometry(e: geozero::error::GeozeroError) -> Self {
        ExportError::Geometry(e)
    }

    fn at(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
        move |cause| ExportError::Io {
            path: path.display().to_string(),
            cause,
        }
    }
}

/// Refuses a destination that exists and is not a regular file: a rename over
/// a device node, a FIFO, a symlink or a folder would replace it (as root,
/// `-o /dev/null` would replace the device). A new path or a regular file
/// passes. The symlink itself is looked at, not what it points to.
///
/// # Errors
/// [`ExportError::NotAFile`] naming the path and what it is, or
/// [`ExportError::Io`] when the path cannot be examined.
pub fn check_destination(path: &Path) -> Result<(), ExportError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ExportError::at(path)(e)),
    };
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        special_kind(&kind)
    };
    Err(ExportError::NotAFile {
        path: path.display().to_string(),
        what,
    })
}

/// The name of a file type that is neither a file, a folder nor a link.
#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub features: usize,
    /// Files written beside the export (`.csvt`, `.qml`).
    pub sidecars: Vec<PathBuf>,
}

/// Writes `table` as `format` to `to`; `tick` is called once per feature
/// (for a progress bar). `style` is a QGIS style written beside a file
/// export with the extension `.qml`.
///
/// # Errors
/// An unwritable destination (naming it), GeoPackage to stdout, or an error of
/// the format's writer. The destination is then untouched.
pub fn write(
    table: &Table,
    format: Format,
    to: &Destination,
    style: Option<&str>,
    tick: &dyn Fn(),
) -> Result<Written, ExportError> {
    let path = match to {
        Destination::Stdout => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match format {
                Format::GeoJson => formats::geojson(table, &mut out, tick)?,
                Format::GeoJsonSeq => formats::geojsonseq(table, &mut out, tick)?,
                Format::FlatGeobuf => formats::fgb(table, &mut out, tick)?,
                Format::Csv => formats::csv(table, &mut out, None, tick)?,
                Format::GeoPackage => return Err(ExportError::NeedsFile("gpkg")),
            }
            out.flush()?;
            return Ok(Written {
                features: table.rows.len(),
                sidecars: Vec::new(),
            });
        }
        Destination::File(path) => path,
    };
    check_destination(path)?;
    let csvt_path = path.with_extension("csvt");
    let qml_path = path.with_extension("qml");
    if format == Format::Csv {
        check_destination(&csvt_path)?;
    }
    if style.is_some() {
        check_destination(&qml_path)?;
    }
    let tmp = crate::events::temp_beside(path, &format!(".{}", format.extension()))
        .map_err(ExportError::at(path))?;
    let mut csvt = Vec::new();
    if format == Format::GeoPackage {
        formats::gpkg(table, tmp.path(), tick)?;
    } else {
        let mut out = BufWriter::new(tmp.as_file());
        match format {
            Format::GeoJson => formats::geojson(table, &mut out, tick)?,
            Format::GeoJsonSeq => formats::geojsonseq(table, &mut out, tick)?,
            Format::FlatGeobuf => formats::fgb(table, &mut out, tick)?,
            Format::Csv => formats::csv(table, &mut out, Some(&mut csvt), tick)?,
            Format::GeoPackage => unreachable!("written above"),
        }
        out.flush().map_err(ExportError::at(path))?;
    }
    tmp.as_file().sync_all().map_err(ExportError::at(path))?;
    crate::events::persist(tmp, path).map_err(ExportError::at(path))?;

    let mut sidecars = Vec::new();
    let mut beside = |sidecar: PathBuf, bytes: &[u8]| -> Result<(), ExportError> {
        crate::events::write_atomic(&sidecar, bytes).map_err(ExportError::at(&sidecar))?;
        sidecars.push(sidecar);
        Ok(())
    };
    if format == Format::Csv {
        beside(csvt_path, &csvt)?;
    }
    if let Some(style) = style {
        beside(qml_path, style.as_bytes())?;
    }
    Ok(Written {
        features: table.rows.len(),
        sidecars,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_destination_passes_new_paths_and_regular_files_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let new = dir.path().join("new.fgb");
        assert!(check_destination(&new).is_ok());
        std::fs::write(&new, b"old").expect("write");
        assert!(check_destination(&new).is_ok());
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).expect("mkdir");
        let err = check_destination(&folder)
            .expect_err("a folder")
            .to_string();
        assert!(
            err.contains("folder") && err.contains("it is a folder"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn check_destination_refuses_symlinks_fifos_and_devices_naming_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("target.geojson");
        std::fs::write(&target, b"kept").expect("write");
        let link = dir.path().join("link.geojson");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let err = check_destination(&link).expect_err("a link").to_string();
        assert!(err.contains(&link.display().to_string()), "{err}");
        assert!(err.contains("symbolic link"), "{err}");
        // A dangling link is refused too: the rename would replace the link.
        let dangling = dir.path().join("dangling.geojson");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
        assert!(check_destination(&dangling).is_err());

        let fifo = dir.path().join("pipe.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let err = check_destination(&fifo).expect_err("a FIFO").to_string();
        assert!(err.contains("FIFO") && err.contains("pipe.csv"), "{err}");

        // Only looked at, never written.
        let err = check_destination(Path::new("/dev/null"))
            .expect_err("a device")
            .to_string();
        assert!(err.contains("/dev/null: it is a character device"), "{err}");
    }
}
