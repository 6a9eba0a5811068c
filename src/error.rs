//! The crate's error type, composed from the module errors.

use crate::gazetteer::{GazetteerError, ResolveError};

/// Any error of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Gazetteer(#[from] GazetteerError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Coord(#[from] crate::geom::CoordError),
    #[error(transparent)]
    Events(#[from] crate::events::EventsError),
    #[error(transparent)]
    Tile(#[from] crate::tiles::TileError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
