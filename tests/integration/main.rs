//! scamatlas integration tests: one binary, one module per concern.

mod analysis;
mod cli;
mod curated;
mod events;
mod load_errors;
mod ogc;
mod query;
mod resolve_table;
mod server;
mod tiles;

use std::sync::OnceLock;

use scamatlas::gazetteer::Gazetteer;

/// The bundled gazetteer, loaded once for all tests.
pub fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| Gazetteer::bundled().expect("the bundled gazetteer loads"))
}
