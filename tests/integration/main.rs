//! scamatlas integration tests: one binary, one module per concern.

mod analysis;
mod cli;
mod curated;
mod events;
mod geoparse;
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

/// Runs the `scamatlas` binary with `args` and no input; its status and output.
pub fn run_cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_scamatlas"))
        .args(args)
        .output()
        .expect("scamatlas runs")
}
