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
    if path.is_dir() {
        return Err(ExportError::at(path)(
            std::io::ErrorKind::IsADirectory.into(),
        ));
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
    let mut beside = |extension: &str, bytes: &[u8]| -> Result<(), ExportError> {
        let sidecar = path.with_extension(extension);
        crate::events::write_atomic(&sidecar, bytes).map_err(ExportError::at(&sidecar))?;
        sidecars.push(sidecar);
        Ok(())
    };
    if format == Format::Csv {
        beside("csvt", &csvt)?;
    }
    if let Some(style) = style {
        beside("qml", style.as_bytes())?;
    }
    Ok(Written {
        features: table.rows.len(),
        sidecars,
    })
}
