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
