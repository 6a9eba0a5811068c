//! `scamatlas hubs`, `drift` and `flows`: the analyses over the loaded events.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use scamatlas::analysis::{
    self, drift_to_geojson, flow_totals_to_geojson, flows_to_geojson, hubs_to_geojson, DriftParams,
    HubParams, Period, Weight,
};
use scamatlas::events::{Event, EventType, Filter, TimeRange};
use scamatlas::gazetteer::Gazetteer;

use super::args::{DriftArgs, EventFilterArgs, FlowsArgs, FormatArgs, HubsArgs};
use super::output::{json_pretty, status, Table};
use super::UsageError;

/// The loaded events that pass `--datetime` and `--type`.
pub fn filtered_events(
    gazetteer: &Gazetteer,
    args: &EventFilterArgs,
) -> anyhow::Result<Vec<Event>> {
    let filter = filter(args)?;
    let loaded = super::load_events(gazetteer, &args.selection)?;
    Ok(filter.select(&loaded.events))
}

pub fn filter(args: &EventFilterArgs) -> anyhow::Result<Filter> {
    let time = match &args.datetime {
        Some(v) => Some(
            v.parse::<TimeRange>()
                .map_err(|e| UsageError(format!("--datetime: {e}")))?,
        ),
        None => None,
    };
    let types = args
        .types
        .iter()
        .map(|t| {
            t.parse::<EventType>()
                .map_err(|e| UsageError(format!("--type: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filter { time, types })
}

fn period(value: &str) -> anyhow::Result<Period> {
    value
        .parse()
        .map_err(|e: scamatlas::error::UnknownName| UsageError(format!("--period: {e}")).into())
}

fn positive(name: &str, value: f64) -> anyhow::Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(UsageError(format!("{name}: {value} must be a positive number")).into())
    }
}

fn write_out(
    format: &FormatArgs,
    geojson: impl FnOnce() -> geojson::FeatureCollection,
    json: &impl serde::Serialize,
    table: impl FnOnce() -> Table,
) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    if format.geojson {
        json_pretty(&mut out, &geojson())?;
    } else if format.json {
        json_pretty(&mut out, json)?;
    } else {
        table().write(&mut out)?;
    }
    out.flush()?;
    Ok(())
}

pub fn hubs(gazetteer: &Gazetteer, args: &HubsArgs) -> anyhow::Result<ExitCode> {
    let params = HubParams {
        eps_km: positive("--eps-km", args.eps_km)?,
        min_events: args.min_events.max(1),
        period: period(&args.period)?,
        max_radius_km: positive("--max-radius-km", args.max_radius_km)?,
    };
    let events = filtered_events(gazetteer, &args.filter)?;
    let hubs = analysis::hubs(&events, &params);
    write_out(
        &args.format,
        || hubs_to_geojson(&hubs),
        &hubs,
        || {
            let mut table = Table::new(vec![
                "HUB",
                "PERIOD",
                "EVENTS",
                "PERSONS",
                "LON",
                "LAT",
                "FROM",
                "TO",
                "MAIN PLACES",
            ]);
            for h in &hubs {
                let places: Vec<String> = h
                    .main_places
                    .iter()
                    .map(|(p, n)| format!("{p} ({n})"))
                    .collect();
                table.row(vec![
                    h.id.clone(),
                    h.period.clone(),
                    h.members.len().to_string(),
                    h.persons_total.to_string(),
                    format!("{:.4}", h.centroid.lon),
                    format!("{:.4}", h.centroid.lat),
                    h.first_day.to_string(),
                    h.last_day.to_string(),
                    places.join(", "),
                ]);
            }
            table
        },
    )?;
    status!(
        "{} hubs from {} events (eps {} km, at least {} events, per {})",
        hubs.len(),
        events.len(),
        params.eps_km,
        params.min_events,
        params.period
    );
    Ok(ExitCode::SUCCESS)
}

pub fn drift(gazetteer: &Gazetteer, args: &DriftArgs) -> anyhow::Result<ExitCode> {
    let params = DriftParams {
        period: period(&args.period)?,
        weight: args
            .weight
            .parse::<Weight>()
            .map_err(|e| UsageError(format!("--weight: {e}")))?,
        max_radius_km: positive("--max-radius-km", args.max_radius_km)?,
    };
    let events = filtered_events(gazetteer, &args.filter)?;
    let drift = analysis::drift(&events, &params);
    write_out(
        &args.format,
        || drift_to_geojson(&drift),
        &drift,
        || {
            let mut table = Table::new(vec![
                "PERIOD", "EVENTS", "WEIGHT", "LON", "LAT", "STEP KM", "BEARING", "SOUTH KM",
            ]);
            for s in &drift.steps {
                table.row(vec![
                    s.period.clone(),
                    s.events.to_string(),
                    format!("{:.0}", s.weight),
                    format!("{:.4}", s.centroid.lon),
                    format!("{:.4}", s.centroid.lat),
                    format!("{:.0}", s.step_km),
                    s.bearing_deg.map_or("-".into(), |b| format!("{b:.0}°")),
                    format!("{:+.0}", s.south_km),
                ]);
            }
            table
        },
    )?;
    if !(args.format.json || args.format.geojson) {
        // The summary people ask for: how far south, year by year.
        for y in &drift.yearly {
            match y.south_km_from_previous_year {
                Some(km) => status!(
                    "{}: centre at {:.2}°N, {:.0} km {} of the year before",
                    y.year,
                    y.centroid.lat,
                    km.abs(),
                    if km >= 0.0 { "south" } else { "north" }
                ),
                None => status!("{}: centre at {:.2}°N", y.year, y.centroid.lat),
            }
        }
        if let Some((from, to, km)) = drift.first_to_last_year_south_km() {
            status!(
                "from {from} to {to} the yearly centre of activity moved {:.0} km {} (weighted by {})",
                km.abs(),
                if km >= 0.0 { "south" } else { "north" },
                params.weight
            );
        }
        if let (Some(first), Some(last)) = (drift.steps.first(), drift.steps.last()) {
            status!(
                "first to last {}: {} to {}, {:.0} km {} (weighted by {}; {} running totals and {} vaguely located events left out)",
                params.period, first.period, last.period, drift.total_south_km.abs(), if drift.total_south_km >= 0.0 { "south" } else { "north" },
                params.weight, drift.left_out_aggregate, drift.left_out_vague
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn flows(gazetteer: &Gazetteer, args: &FlowsArgs) -> anyhow::Result<ExitCode> {
    let events = filtered_events(gazetteer, &args.filter)?;
    let flows = analysis::flows(&events);
    let place = |p: &scamatlas::events::EventPlace| p.id.as_ref().unwrap_or(&p.name).to_string();
    if args.totals {
        let totals = analysis::flow_totals(&flows);
        write_out(
            &args.format,
            || flow_totals_to_geojson(&totals),
            &totals,
            || {
                let mut table = Table::new(vec![
                    "FROM", "TO", "EVENTS", "PERSONS", "KM", "FIRST", "LAST",
                ]);
                for t in &totals {
                    table.row(vec![
                        place(&t.origin),
                        place(&t.destination),
                        t.events.to_string(),
                        t.persons.to_string(),
                        format!("{:.0}", t.distance_km),
                        t.first_day.to_string(),
                        t.last_day.to_string(),
                    ]);
                }
                table
            },
        )?;
    } else {
        write_out(
            &args.format,
            || flows_to_geojson(&flows),
            &flows,
            || {
                let mut table =
                    Table::new(vec!["EVENT", "DATE", "TYPE", "FROM", "TO", "PERSONS", "KM"]);
                for f in &flows {
                    table.row(vec![
                        f.event_id.clone(),
                        f.date.to_string(),
                        f.event_type.to_string(),
                        place(&f.origin),
                        place(&f.destination),
                        f.persons.to_string(),
                        format!("{:.0}", f.distance_km),
                    ]);
                }
                table
            },
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
