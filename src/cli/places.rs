//! `scamatlas places`: the gazetteer's places, filtered by country, kind and layer.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use scamatlas::gazetteer::{places_to_geojson, Gazetteer, Kind, Layer, Place};

use super::args::{LayerArg, PlacesArgs};
use super::country_flag;
use super::output::{json_pretty, radius, Table};

pub fn run(gazetteer: &Gazetteer, args: &PlacesArgs) -> anyhow::Result<ExitCode> {
    let country = match &args.country {
        Some(c) => Some(country_flag(gazetteer, c)?),
        None => None,
    };
    let kind: Option<Kind> = args.kind.map(Into::into);
    let selected: Vec<&Place> = gazetteer
        .places()
        .iter()
        .filter(|p| country.as_deref().is_none_or(|c| p.in_country(c)))
        .filter(|p| kind.is_none_or(|k| p.kind == k))
        .filter(|p| match args.layer {
            LayerArg::All => true,
            LayerArg::Curated => p.layer == Layer::Curated,
            LayerArg::Geonames => p.layer == Layer::GeoNames,
        })
        .collect();

    let mut out = BufWriter::new(io::stdout().lock());
    if args.geojson {
        json_pretty(&mut out, &places_to_geojson(selected.iter().copied()))?;
    } else if args.json {
        json_pretty(&mut out, &selected)?;
    } else {
        let mut table = Table::new(vec![
            "ID", "NAME", "KIND", "CLASS", "CC", "LON", "LAT", "RADIUS", "ALIASES", "SOURCE",
        ]);
        for p in &selected {
            let estimate = if p.estimate { "≈" } else { "" };
            table.row(vec![
                p.id.clone(),
                p.name.clone(),
                p.kind.to_string(),
                p.class.clone(),
                p.countries.join(";"),
                format!("{:.5}", p.point.lon),
                format!("{:.5}", p.point.lat),
                format!("{estimate}{}", radius(p.radius_m)),
                p.aliases.len().to_string(),
                p.coord_source.clone(),
            ]);
        }
        table.write(&mut out)?;
    }
    out.flush()?;
    tracing::info!(places = selected.len(), "listed");
    Ok(ExitCode::SUCCESS)
}
