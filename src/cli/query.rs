//! `scamatlas query ...`: spatial questions over the events, answered by the
//! library's [`Dataset`].

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::dataset::{border, Dataset, Where};
use scamatlas::events::{events_to_geojson, write_csv, Event};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geom::Bbox;

use super::args::{QueryArgs, QueryCommand, QueryOutput};
use super::output::{json_pretty, status};
use super::UsageError;

pub fn run(gazetteer: &Gazetteer, args: &QueryArgs) -> anyhow::Result<ExitCode> {
    let (at, output): (Option<Where<'_>>, &QueryOutput) = match &args.at {
        QueryCommand::Near(a) => {
            let center = point(gazetteer, &a.target)?;
            (
                Some(Where::Near {
                    center,
                    radius_m: km("--radius-km", a.radius_km)?,
                }),
                &a.output,
            )
        }
        QueryCommand::Nearest(a) => (
            Some(Where::Nearest {
                center: point(gazetteer, &a.target)?,
                k: a.k,
            }),
            &a.output,
        ),
        QueryCommand::Bbox(a) => {
            let bbox: Bbox = a
                .bbox
                .parse()
                .map_err(|e| UsageError(format!("BBOX {:?}: {e}", a.bbox)))?;
            (Some(Where::Bbox(bbox)), &a.output)
        }
        QueryCommand::Within(a) => (Some(within(gazetteer, &a.area)?), &a.output),
        QueryCommand::Border(a) => {
            let line = border(gazetteer, &a.border).ok_or_else(|| {
                UsageError(format!(
                    "BORDER {:?}: not thai, lao, china, or a border or river in the gazetteer",
                    a.border
                ))
            })?;
            (
                Some(Where::AlongLine {
                    line,
                    distance_m: km("--within-km", a.within_km)?,
                }),
                &a.output,
            )
        }
        QueryCommand::All(o) => (None, o),
    };
    let filter = super::analysis::filter(&output.filter)?;
    let loaded = super::load_events(gazetteer, &output.filter.selection)?;
    let dataset = Dataset::new(loaded.events);
    let found = dataset
        .query(at.as_ref(), &filter)
        .map_err(|e| UsageError(e.to_string()))?;
    write(&found.iter().collect::<Vec<_>>(), output)?;
    status!("{} of {} events", found.len(), dataset.len());
    Ok(ExitCode::SUCCESS)
}

fn write(found: &[&Event], output: &QueryOutput) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    if output.geojson {
        json_pretty(&mut out, &events_to_geojson(found.iter().copied()))?;
    } else if output.json {
        json_pretty(&mut out, &found)?;
    } else if output.csv {
        out.write_all(write_csv(found)?.as_bytes())?;
    } else {
        super::events::events_table(found).write(&mut out)?;
    }
    out.flush()?;
    Ok(())
}

fn km(flag: &str, value: f64) -> anyhow::Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value * 1000.0)
    } else {
        Err(UsageError(format!(
            "{flag}: {value} must be a distance of 0 km or more"
        ))
        .into())
    }
}

fn point(gazetteer: &Gazetteer, target: &str) -> anyhow::Result<scamatlas::geom::LonLat> {
    gazetteer
        .near_point(target)
        .map_err(|e| UsageError(format!("{target:?}: {e}")).into())
}

/// A place by name, or the polygons of a GeoJSON file: any file that exists
/// is read as GeoJSON, never taken for a place name.
fn within<'g>(gazetteer: &'g Gazetteer, area: &str) -> anyhow::Result<Where<'g>> {
    let path = Path::new(area);
    let is_file = path.is_file()
        || path
            .extension()
            .is_some_and(|e| e == "geojson" || e == "json");
    if is_file {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {area}"))?;
        let polygons = scamatlas::geom::polygons_from_geojson(&text)
            .map_err(|e| UsageError(format!("{area}: {e}")))?;
        return Ok(Where::WithinPolygon(polygons));
    }
    let place = gazetteer
        .best_place(area)
        .map_err(|e| UsageError(format!("AREA: {e}")))?;
    Ok(Where::WithinPlace(place))
}
