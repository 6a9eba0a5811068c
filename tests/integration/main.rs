//! scamatlas integration tests: one binary, one module per concern.

mod analysis;
mod cli;
mod curated;
mod events;
mod export;
mod geoparse;
mod load_errors;
mod ogc;
mod query;
mod resolve_table;
mod server;
mod tiles;
mod web;

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

/// Whether GDAL is here; if not, fails with how to get it unless
/// `SCAMATLAS_SKIP_GDAL=1`.
pub fn gdal_available() -> bool {
    let found = Command::new("ogrinfo")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return true;
    }
    if std::env::var("SCAMATLAS_SKIP_GDAL").is_ok_and(|v| v == "1") {
        eprintln!("skipped: ogrinfo is not installed and SCAMATLAS_SKIP_GDAL=1");
        return false;
    }
    panic!(
        "ogrinfo (GDAL) is not installed: scripts/test.sh installs gdal-bin \
         (apt-get install gdal-bin); set SCAMATLAS_SKIP_GDAL=1 to skip this test"
    );
}
