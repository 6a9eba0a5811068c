//! Tiles: "which bytes go in tile z/x/y?"
//!
//! A *tile* is one square of the Web Mercator pyramid, named by a
//! [`TileCoord`] in the XYZ scheme MapLibre requests. This module turns
//! features into the Mapbox Vector Tile (MVT 2.1) bytes of one tile: tile math
//! ([`coord`]), projection, clipping, simplification and encoding
//! ([`encode_tile`]), point clustering for low zooms ([`cluster_points`]) and
//! events as tile features ([`event_tile_feature`]). Everything here is pure
//! and synchronous: no I/O, no shared state, the same input gives the same
//! tile.
//!
//! # Units
//! Inputs and outputs are WGS84 degrees ([`LonLat`](crate::geom::LonLat));
//! inside a tile, positions, the buffer, the clustering radius and the
//! simplification tolerance are tile units of an [`EXTENT`] (4096) wide square,
//! y down.
//!
//! # Example
//! Events of one tile, clustered as at a low zoom, then encoded:
//! ```
//! use scamatlas::events::synthetic;
//! use scamatlas::tiles::{cluster_points, encode_tile, event_tile_feature, TileCoord, CLUSTER_RADIUS};
//!
//! let tile = TileCoord::new(4, 12, 7)?;
//! let area = tile.buffered_bounds(scamatlas::tiles::BUFFER, scamatlas::tiles::EXTENT);
//! let events = synthetic::events(1_000, 1);
//! let features: Vec<_> = events
//!     .iter()
//!     .enumerate()
//!     .filter(|(_, e)| area.contains(e.point()))
//!     .map(|(i, e)| (event_tile_feature(e, i as u64), e.date.start.format("%Y").to_string()))
//!     .collect();
//! let clustered = cluster_points(&features, tile, CLUSTER_RADIUS);
//! assert!(clustered.len() < features.len());
//! let bytes = encode_tile(tile, &[("events", &clustered)]);
//! assert!(bytes.is_some());
//! # Ok::<(), scamatlas::tiles::TileError>(())
//! ```

mod cluster;
pub mod coord;
mod encode;
mod event;

pub use cluster::{cluster_feature, cluster_points, mark_single, Grouping, CLUSTER_RADIUS};
pub use coord::{
    lonlat_to_tile_px, tile_of, tile_px_to_lonlat, tiles_covering, tiles_per_side, TileCoord,
    TileError, TileRange, MAX_LAT, MAX_ZOOM,
};
pub use encode::{
    encode_tile, TileFeature, TileGeometry, TileValue, BUFFER, EXTENT, SIMPLIFY_TOLERANCE,
};
pub use event::{event_feature_id, event_tile_feature};
