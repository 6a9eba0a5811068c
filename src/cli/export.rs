//! `scamatlas export`: one layer, filtered like the queries, as a file for QGIS.

use std::io::IsTerminal;
use std::process::ExitCode;

use scamatlas::export::{self, Destination, Format, Table};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geom::Bbox;
use scamatlas::layers::{Catalog, LayerKind, LayerQuery};

use super::args::ExportArgs;
use super::output::status;
use super::UsageError;

/// Exports of at least this many features show a progress bar (on a terminal).
const PROGRESS_FROM: usize = 10_000;

pub fn run(gazetteer: Gazetteer, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let kind: LayerKind = args
        .layer
        .parse()
        .map_err(|e| UsageError(format!("--layer: {e}")))?;
    let format: Format = args
        .format
        .parse()
        .map_err(|e| UsageError(format!("--format: {e}")))?;
    let to: Destination = args.output.parse().unwrap_or(Destination::Stdout);
    if format == Format::GeoPackage && to == Destination::Stdout {
        return Err(UsageError("--format gpkg needs a file: -o PATH, not -o -".into()).into());
    }
    let filter = super::analysis::filter(&args.filter)?;
    let bbox = match &args.bbox {
        Some(b) => Some(
            b.parse::<Bbox>()
                .map_err(|e| UsageError(format!("--bbox: {e}")))?,
        ),
        None => None,
    };
    let events = super::load_events(&gazetteer, &args.filter.selection)?.events;
    let catalog = Catalog::new(gazetteer, events)?;
    let query = LayerQuery {
        bbox,
        filter,
        ..LayerQuery::default()
    };
    let features = catalog.features(kind, &query).features;
    let table = Table::from_features(kind.name(), &features);
    for why in &table.left_out {
        tracing::warn!("left out (one geometry type per layer): {why}");
    }

    let bar = (table.rows.len() >= PROGRESS_FROM && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(table.rows.len() as u64));
    let tick = || {
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    };
    let style = (kind == LayerKind::Events).then(export::events_qml);
    let written = export::write(&table, format, &to, style.as_deref(), &tick).map_err(|e| {
        // A path error names the path already.
        match e {
            export::ExportError::Io { .. } => anyhow::Error::new(e),
            other => anyhow::Error::new(other).context(format!("-o {}", args.output)),
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Destination::File(path) = &to {
        status!(
            "wrote {} {} features ({}) to {}",
            written.features,
            kind.name(),
            table.geometry_type.name(),
            path.display()
        );
        for sidecar in &written.sidecars {
            status!("wrote {}", sidecar.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
