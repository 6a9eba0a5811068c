//! scamatlas integration tests: one binary, one module per concern.

mod analysis;
mod cli;
mod curated;
mod desk;
mod edit;
mod events;
mod export;
mod geoparse;
mod live;
mod load_errors;
mod ogc;
mod query;
mod readme;
mod resolve_table;
mod server;
mod tiles;
mod viewer_api;
mod web;
mod workspace;

use std::process::{Command, Stdio};
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

/// Fails unless GDAL's `ogrinfo` runs. The tests that need GDAL are
/// `#[ignore]`d and have `gdal` in their names: a plain `cargo test` lists
/// them as ignored, and `scripts/test.sh` runs them (`-- --ignored`) unless
/// `SCAMATLAS_SKIP_GDAL=1`, when it prints that they were skipped.
pub fn require_gdal() {
    let found = Command::new("ogrinfo")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "ogrinfo (GDAL) is not installed: scripts/test.sh installs gdal-bin \
         (apt-get install gdal-bin), or skips these tests with SCAMATLAS_SKIP_GDAL=1"
    );
}
