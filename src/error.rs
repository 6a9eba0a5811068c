//! The crate's error type, composed from the module errors, and the one error of
//! a keyword (a kind, a format, a period) that is not one of its names.

use crate::gazetteer::{GazetteerError, NearError, ResolveError};

/// Any error of the library: every module's error converts into it with `?`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Gazetteer(#[from] GazetteerError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Near(#[from] NearError),
    #[error(transparent)]
    Coord(#[from] crate::geom::CoordError),
    #[error(transparent)]
    Events(#[from] crate::events::EventsError),
    #[error(transparent)]
    Where(#[from] crate::dataset::WhereError),
    #[error(transparent)]
    Tile(#[from] crate::tiles::TileError),
    #[error(transparent)]
    Catalog(#[from] crate::layers::CatalogError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Geoparse(#[from] crate::geoparse::GeoparseError),
    #[error(transparent)]
    Eval(#[from] crate::geoparse::eval::EvalError),
    #[error(transparent)]
    Web(#[from] crate::server::WebProblem),
    #[error(transparent)]
    UnknownName(#[from] UnknownName),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A keyword that is none of the names it may take: `unknown kind "pont"
/// (expected point, area or line)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} (expected {expected})")]
pub struct UnknownName {
    /// What the keyword names: `kind`, `format`, `period`.
    pub what: &'static str,
    /// The value given, as it was compared (trimmed, and lowercased where case
    /// does not matter).
    pub value: String,
    /// The names it may take, in words: `point, area or line`.
    pub expected: String,
}

/// A file that is not UTF-8 text, with where its first bad byte is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: not UTF-8 text: byte {byte} of the line is 0x{value:02X}; convert the file to UTF-8 first")]
pub struct NotUtf8 {
    pub path: String,
    /// The line of the bad byte, from 1.
    pub line: usize,
    /// The bad byte's place in its line, from 1.
    pub byte: usize,
    pub value: u8,
}

/// Why a text file could not be read: the system refused, or the file is not
/// UTF-8. Every reader of a file of ours reports it so.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    NotUtf8(#[from] NotUtf8),
}

/// The text of the file at `path`.
///
/// # Errors
/// [`ReadError`] naming the path, and for text that is not UTF-8 its line
/// and byte.
pub fn read_text(path: &std::path::Path) -> std::result::Result<String, ReadError> {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok(utf8_text(&shown, bytes)?),
        Err(source) => Err(ReadError::Io {
            path: shown,
            source,
        }),
    }
}

/// The bytes of the file `path` as text.
///
/// # Errors
/// [`NotUtf8`] naming the line and byte of the first byte that is not UTF-8.
///
/// # Example
/// ```
/// let err = scamatlas::error::utf8_text("a.csv", b"id\nna\xefve\n".to_vec()).unwrap_err();
/// assert_eq!((err.line, err.byte, err.value), (2, 3, 0xef));
/// ```
pub fn utf8_text(path: &str, bytes: Vec<u8>) -> std::result::Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let good = &bytes[..e.utf8_error().valid_up_to()];
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        NotUtf8 {
            path: path.to_string(),
            line: 1 + good.iter().filter(|&&b| b == b'\n').count(),
            byte: 1 + good.len() - line_start,
            value: bytes.get(good.len()).copied().unwrap_or_default(),
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Period, Weight};
    use crate::export::Format;
    use crate::gazetteer::Kind;

    /// Each keyword's error reads as it did when it was a `String`.
    #[test]
    fn unknown_names_keep_their_wording() {
        let message = |e: super::UnknownName| e.to_string();
        assert_eq!(
            message("pont".parse::<Kind>().unwrap_err()),
            r#"unknown kind "pont" (expected point, area or line)"#
        );
        assert_eq!(
            message(" SHP ".parse::<Format>().unwrap_err()),
            r#"unknown format "shp" (expected one of geojson, geojsonseq, fgb, gpkg, csv)"#
        );
        assert_eq!(
            message("week".parse::<Period>().unwrap_err()),
            r#"unknown period "week" (expected month, quarter, year or all)"#
        );
        assert_eq!(
            message("people".parse::<Weight>().unwrap_err()),
            r#"unknown weight "people" (expected persons or events)"#
        );
    }
}
