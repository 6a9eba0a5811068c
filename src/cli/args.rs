//! Command-line flags as clap parses them; checked and turned into library
//! values by the command modules.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Maps the online-scam compounds on Myanmar's borders and the crackdowns on them.
#[derive(Debug, Parser)]
#[command(name = "scamatlas", version, about)]
pub struct Cli {
    /// Load the gazetteer from this folder (laid out like the repository:
    /// gazetteer/*.tsv, geojson/borders.geojson) instead of the bundled copy.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// More log output on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Resolve place names to ranked candidate places.
    ///
    /// With no NAME, reads one name per line from stdin and writes JSON Lines
    /// (one object per input line). Exits 0 when every name resolved, 1 when
    /// some did not (each named on stderr), 2 on usage errors.
    Resolve(ResolveArgs),
    /// List the places of the gazetteer.
    Places(PlacesArgs),
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Names to resolve, in any spelling or script (Laukkaing, 老街, မြဝတီ).
    pub names: Vec<String>,

    /// Prefer places in this country: ISO 3166-1 alpha-2 code (MM) or a name (Myanmar).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,

    /// Prefer places near this point: LON,LAT or a place name (Kokang).
    #[arg(long, value_name = "LON,LAT|PLACE")]
    pub near: Option<String>,

    /// Prefer places of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Most candidates per name.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub limit: u16,

    /// Candidates as JSON.
    #[arg(long, conflicts_with = "geojson")]
    pub json: bool,

    /// Candidates as a GeoJSON FeatureCollection.
    #[arg(long)]
    pub geojson: bool,
}

#[derive(Debug, Args)]
pub struct PlacesArgs {
    /// Only places in this country (ISO2 code or name).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,

    /// Only places of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Only places of this layer.
    #[arg(long, value_enum, default_value_t = LayerArg::All)]
    pub layer: LayerArg,

    /// Places as JSON (one array, with aliases and their sources).
    #[arg(long, conflicts_with = "geojson")]
    pub json: bool,

    /// Places as a GeoJSON FeatureCollection.
    #[arg(long)]
    pub geojson: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Point,
    Area,
    Line,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayerArg {
    All,
    Curated,
    Geonames,
}
