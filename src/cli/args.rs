//! Command-line flags as clap parses them; checked and turned into library
//! values by the command modules.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use scamatlas::analysis::{DriftParams, HubParams};

/// Maps the online-scam compounds on Myanmar's borders and the crackdowns on them.
#[derive(Debug, Parser)]
#[command(name = "scamatlas", version, about)]
pub struct Cli {
    /// Load the gazetteer from this folder (laid out like the repository:
    /// gazetteer/*.tsv, geojson/borders.geojson) instead of the bundled copy.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// The workspace database (default: $XDG_DATA_HOME/scamatlas/workspace.db,
    /// else ~/.local/share/scamatlas/workspace.db).
    #[arg(long, global = true, value_name = "PATH", env = "SCAMATLAS_WORKSPACE")]
    pub workspace: Option<PathBuf>,

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
    /// Validate, convert, add to and list event files.
    Events(Box<EventsArgs>),
    /// Create, import into, check, back up and restore the workspace: the
    /// database where a team keeps its events with their history.
    Workspace(WorkspaceArgs),
    /// Accounts of the workspace: who may edit, review and publish over HTTP.
    Users(UsersArgs),
    /// Group events into hubs: DBSCAN clusters per time period.
    Hubs(HubsArgs),
    /// How the centre of activity moved from period to period, and how far south.
    Drift(DriftArgs),
    /// Origin-destination movements: handovers, deportations, relocations.
    Flows(FlowsArgs),
    /// Serve the layers, the gazetteer and event queries over HTTP.
    Serve(ServeArgs),
    /// Spatial queries over events: near a place, in a box, inside an area,
    /// along a border; combined with --datetime and --type.
    Query(QueryArgs),
    /// Write one layer as GeoJSON, GeoJSONSeq, FlatGeobuf, GeoPackage or CSV
    /// for QGIS and other GIS, filtered like the queries.
    Export(ExportArgs),
    /// Find the places, dates and counts of news articles, and draft events
    /// from them.
    Geoparse(GeoparseArgs),
    /// Measure quality against gold annotations.
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    #[command(subcommand)]
    pub command: WorkspaceCommand,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create the workspace (if missing) and bring its schema up to date.
    Init,
    /// Check the workspace's integrity; exit 1 if anything is wrong.
    Check,
    /// Bring in events from CSV or GeoJSON files (every file checked first;
    /// nothing is stored if any has a problem), or `bundled` for the bundled
    /// events as published; merged by id: new events added, new claims of
    /// known events added, nothing removed.
    Import(ImportArgs),
    /// Write the workspace's published events (--all: every event, with its
    /// status) as GeoJSON, GeoPackage or CSV.
    Export(WorkspaceExportArgs),
    /// A consistent copy of the workspace, even while others write to it.
    Backup(PathArgs),
    /// Replace the workspace's content with a backup's (checked first; one transaction).
    Restore(PathArgs),
    /// Store an article (its text from FILE, or stdin with `-`), so that
    /// events can quote it (`events add --quote`).
    Article(ArticleArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV or GeoJSON files, or `bundled`.
    #[arg(required = true, value_name = "FILE|bundled")]
    pub files: Vec<String>,
    /// The status of the new events: draft, published or retracted
    /// [default: draft; published for `bundled`]
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Why, recorded in each revision.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, Args)]
pub struct WorkspaceExportArgs {
    /// geojson, gpkg or csv.
    #[arg(long)]
    pub format: String,
    /// The file to write (replaced only once the export is complete), or `-`
    /// for stdout (not for gpkg).
    #[arg(short, long, value_name = "PATH")]
    pub output: String,
    /// Every event, whatever its status (a `status` property says which).
    #[arg(long)]
    pub all: bool,
    /// Each event's revisions too (GeoJSON only): a full export.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct ArticleArgs {
    /// The article's web address.
    #[arg(long)]
    pub url: String,
    /// Who published it.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Publication date, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The article's text (UTF-8), or `-` for stdin; without it, only the link is kept.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account; prints its one-time password and an API token,
    /// shown this once. The first account of a workspace must be an admin.
    Add {
        name: String,
        /// editor (drafts), reviewer (publishes, retracts), admin (accounts).
        #[arg(long)]
        role: String,
    },
    /// List the accounts.
    List {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: its sessions end and its tokens stop working.
    Disable { name: String },
    /// Give an account a new one-time password (and enable it again).
    Reset { name: String },
    /// Make a new API token for an account.
    Token {
        name: String,
        /// Revoke the account's other tokens.
        #[arg(long)]
        revoke_others: bool,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// events, hubs, drift, flows, places, borders or countries.
    #[arg(long)]
    pub layer: String,
    /// geojson, geojsonseq, fgb, gpkg or csv.
    #[arg(long)]
    pub format: String,
    /// The file to write (replaced only once the export is complete), or `-`
    /// for stdout (not for gpkg).
    #[arg(short, long, value_name = "PATH")]
    pub output: String,
    /// Only features in this box: W,S,E,N in degrees.
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    #[command(flatten)]
    pub filter: EventFilterArgs,
}

#[derive(Debug, Args)]
pub struct GeoparseArgs {
    /// UTF-8 text files (one article each).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The articles' date, YYYY-MM-DD, for relative dates ("yesterday",
    /// "November 18"); by default a date written near the top of the text.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// As JSON: mentions, dates and counts per file.
    #[arg(long, conflicts_with_all = ["geojson", "events_csv"])]
    pub json: bool,
    /// Mentions as a GeoJSON FeatureCollection.
    #[arg(long, conflicts_with = "events_csv")]
    pub geojson: bool,
    /// Draft events in the events CSV format, for review and `events validate`.
    #[arg(long)]
    pub events_csv: bool,
    /// The articles' web address, named as the drafts' source (default: the
    /// file as a file:// URL).
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
    /// Refuse a file longer than this many bytes (a long article is under
    /// 100 KB); memory grows with the longest file. At most 4 GiB, the most
    /// the parser's byte offsets can address.
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 8 * 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1..=u64::from(u32::MAX))
    )]
    pub max_bytes: u64,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub what: EvalCommand,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Compare geoparse output with gold NNN.places.tsv files beside NNN.txt:
    /// toponym precision, recall and F1, referent accuracy, distance errors.
    Geoparse(EvalGeoparseArgs),
    /// Compare proposed events with gold NNN.events.tsv files (for NNN.txt):
    /// event precision, recall and F1, proposals per true event, place and
    /// count accuracy.
    Events(EvalEventsArgs),
}

#[derive(Debug, Args)]
pub struct EvalEventsArgs {
    /// Folder of NNN.txt articles.
    pub dir: PathBuf,
    /// Folder of the NNN.events.tsv gold files [default: DIR].
    #[arg(long, value_name = "DIR")]
    pub gold: Option<PathBuf>,
    /// List every gold event with the proposal it matched, and the
    /// proposals that match none.
    #[arg(long)]
    pub rows: bool,
    /// As JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvalGeoparseArgs {
    /// Folder of NNN.txt and NNN.places.tsv files.
    pub dir: PathBuf,
    /// Leave out place names inside organisation and outlet names.
    #[arg(long)]
    pub no_embedded: bool,
    /// List every gold row with how it fared, and the spurious mentions.
    #[arg(long)]
    pub rows: bool,
    /// As JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the URL is logged).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The URL clients reach this server at (behind a proxy, or with a
    /// wildcard --bind such as 0.0.0.0), for the absolute links of TileJSON,
    /// the style and OGC API [default: http:// and the --bind address]
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub events: EventSelection,
    /// Allow browser pages from this origin to call the API (repeat; `*` for any).
    #[arg(long = "cors", value_name = "ORIGIN")]
    pub cors: Vec<String>,
    /// The map viewer's folder (its app/ and node_modules/), served at `/`
    /// [default: the web/ folder of this checkout]
    #[arg(long, value_name = "DIR")]
    pub web: Option<PathBuf>,
    /// Threads answering requests, each with its own connections
    /// [default: one per CPU core]
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// Connections open at once; at this many, the one idle the longest is
    /// closed to admit another (keep it below `ulimit -n`)
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Seconds a connection may stay open with no request under way
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Seconds a client may take to send a request's headers
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Serve N synthetic events instead (for load benchmarks; see scripts/bench-server.sh).
    #[arg(long, value_name = "N", hide = true)]
    pub synthetic: Option<usize>,
    /// Fill a new workspace with N synthetic events instead of the bundled
    /// ones (for benchmarks; see scripts/bench-workspace.sh).
    #[arg(long, value_name = "N", hide = true, conflicts_with = "synthetic")]
    pub seed_synthetic: Option<usize>,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(subcommand)]
    pub at: QueryCommand,
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Events within --radius-km of a place or LON,LAT.
    Near(NearArgs),
    /// The --k events nearest a place or LON,LAT, nearest first.
    Nearest(NearestArgs),
    /// Events inside a box W,S,E,N (degrees).
    Bbox(BboxArgs),
    /// Events inside a place (a country by its boundary, an area within its
    /// radius) or inside the polygons of a GeoJSON file.
    Within(WithinArgs),
    /// Events within --within-km of a border: thai, lao, china (Myanmar's), or a
    /// border or river by name.
    Border(BorderArgs),
    /// Every event that passes --datetime and --type.
    All(QueryOutput),
}

/// Filters and output, shared by every query.
#[derive(Debug, Clone, Args)]
pub struct QueryOutput {
    #[command(flatten)]
    pub filter: EventFilterArgs,
    /// As JSON.
    #[arg(long, conflicts_with_all = ["geojson", "csv"])]
    pub json: bool,
    /// As a GeoJSON FeatureCollection.
    #[arg(long, conflicts_with = "csv")]
    pub geojson: bool,
    /// As CSV, one row per source claim (reads back with --events).
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct NearArgs {
    /// A place name or LON,LAT.
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    #[arg(long, allow_hyphen_values = true)]
    pub radius_km: f64,
    #[command(flatten)]
    pub output: QueryOutput,
}

#[derive(Debug, Args)]
pub struct NearestArgs {
    /// A place name or LON,LAT.
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    #[command(flatten)]
    pub output: QueryOutput,
}

#[derive(Debug, Args)]
pub struct BboxArgs {
    /// W,S,E,N in degrees.
    #[arg(allow_hyphen_values = true)]
    pub bbox: String,
    #[command(flatten)]
    pub output: QueryOutput,
}

#[derive(Debug, Args)]
pub struct WithinArgs {
    /// A place name (Myanmar, Kokang, Wa State) or a GeoJSON file of polygons.
    pub area: String,
    #[command(flatten)]
    pub output: QueryOutput,
}

#[derive(Debug, Args)]
pub struct BorderArgs {
    /// thai, lao, china, or the name of a border or river (Moei).
    pub border: String,
    #[arg(long, allow_hyphen_values = true)]
    pub within_km: f64,
    #[command(flatten)]
    pub output: QueryOutput,
}

/// Which events, when and of which types.
#[derive(Debug, Clone, Args)]
pub struct EventFilterArgs {
    #[command(flatten)]
    pub selection: EventSelection,

    /// Only events in this time range: an RFC 3339 instant or interval
    /// (2024-01-01T00:00:00Z/2024-06-30T23:59:59Z), plain dates, `..` for an open end.
    #[arg(long, value_name = "RANGE")]
    pub datetime: Option<String>,

    /// Only events of these types (repeat, or separate with commas).
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
    pub types: Vec<String>,
}

/// Data on stdout: a table for people, or JSON / GeoJSON.
#[derive(Debug, Clone, Args)]
pub struct FormatArgs {
    /// As JSON.
    #[arg(long, conflicts_with = "geojson")]
    pub json: bool,
    /// As a GeoJSON FeatureCollection.
    #[arg(long)]
    pub geojson: bool,
}

#[derive(Debug, Args)]
pub struct HubsArgs {
    #[command(flatten)]
    pub filter: EventFilterArgs,
    /// Neighbourhood radius of the clustering, km.
    #[arg(long, default_value_t = HubParams::DEFAULT.eps_km, allow_hyphen_values = true)]
    pub eps_km: f64,
    /// Fewest events that make a hub.
    #[arg(long, default_value_t = HubParams::DEFAULT.min_events)]
    pub min_events: usize,
    /// month, quarter, year or all; hubs never span two periods.
    #[arg(long, default_value = HubParams::DEFAULT.period.as_str())]
    pub period: String,
    /// Leave out events located less precisely than this, km (a country-wide
    /// event must not make a hub).
    #[arg(long, default_value_t = HubParams::DEFAULT.max_radius_km, allow_hyphen_values = true)]
    pub max_radius_km: f64,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub filter: EventFilterArgs,
    /// month, quarter, year or all.
    #[arg(long, default_value = DriftParams::DEFAULT.period.as_str())]
    pub period: String,
    /// Weight each event by its persons (best count) or count events.
    #[arg(long, default_value = DriftParams::DEFAULT.weight.as_str())]
    pub weight: String,
    /// Leave out events located less precisely than this, km.
    #[arg(long, default_value_t = DriftParams::DEFAULT.max_radius_km, allow_hyphen_values = true)]
    pub max_radius_km: f64,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Args)]
pub struct FlowsArgs {
    #[command(flatten)]
    pub filter: EventFilterArgs,
    /// One line per origin-destination pair with totals, instead of one per event.
    #[arg(long)]
    pub totals: bool,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// Which events to load: the bundled data set unless `--events` says otherwise.
#[derive(Debug, Clone, Args)]
pub struct EventSelection {
    /// Load events from this CSV or GeoJSON file instead of the bundled data;
    /// repeat for several files, and name `bundled` to keep the bundled data
    /// too, or `workspace` for the workspace's published events.
    #[arg(long = "events", value_name = "PATH|bundled|workspace")]
    pub events: Vec<String>,

    /// Load the valid rows of files that have invalid ones, reporting what was
    /// skipped (by default such a file is refused whole).
    #[arg(long)]
    pub skip_invalid: bool,

    #[command(flatten)]
    pub rules: RulesArgs,
}

/// What event inputs may hold beyond what every input may.
#[derive(Debug, Clone, Copy, Args)]
pub struct RulesArgs {
    /// Accept file:// source URLs (documents on this machine, as the drafts of
    /// `geoparse --events-csv` name their articles); refused by default.
    #[arg(long)]
    pub allow_file_urls: bool,
}

impl RulesArgs {
    pub fn rules(self) -> scamatlas::events::Rules {
        scamatlas::events::Rules {
            allow_file_urls: self.allow_file_urls,
        }
    }
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub command: EventsCommand,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List every problem of event files (file, line or feature, field); exit 1 if any.
    Validate(ValidateArgs),
    /// Read CSV or GeoJSON event files and write them as one GeoJSON file.
    Convert(ConvertArgs),
    /// Add one event to the workspace (a draft by default), or append it to
    /// a GeoJSON file, safely (temporary file, sync, rename).
    Add(Box<AddArgs>),
    /// Change an event in the workspace: the flags given replace its fields,
    /// checked as a new event is.
    Edit(Box<EditArgs>),
    /// Publish a workspace event: on the map, in layers and exports.
    Publish(StatusArgs),
    /// Withdraw a workspace event from the map; it keeps its history.
    Retract(RetractArgs),
    /// Make a workspace event what it was at an earlier version, as a new revision.
    Revert(RevertArgs),
    /// Every revision of a workspace event: version, when, who, what, why.
    History(HistoryArgs),
    /// List the loaded events.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// CSV or GeoJSON files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// CSV or GeoJSON files.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The GeoJSON file to write (replaced only by a complete file).
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
    /// Write the valid rows of inputs that have invalid ones.
    #[arg(long)]
    pub skip_invalid: bool,
    #[command(flatten)]
    pub rules: RulesArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub events: EventSelection,
    /// Events as JSON.
    #[arg(long, conflicts_with = "geojson")]
    pub json: bool,
    /// Events as a GeoJSON FeatureCollection.
    #[arg(long)]
    pub geojson: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The GeoJSON file to append to (created if missing); without it, the
    /// event goes into the workspace, as one revision.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub event: EventFlags,
    /// Into the workspace as draft or published (not with FILE) [default: draft]
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    #[command(flatten)]
    pub quote: QuoteArgs,
}

/// The quote behind the claim of --source-url (workspace only).
#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// Record this quote from the article stored under --source-url (see
    /// `scamatlas workspace article`) as the evidence for its claim.
    #[arg(long, value_name = "TEXT")]
    pub quote: Option<String>,
}

/// An event's fields as flags: all of them for `events add`, any of them for
/// `events edit`. Each problem is named by its flag.
#[derive(Debug, Args)]
pub struct EventFlags {
    #[arg(long)]
    pub id: Option<String>,
    /// YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long)]
    pub date: Option<String>,
    /// day, month or year (default: as precise as --date).
    #[arg(long)]
    pub date_precision: Option<String>,
    /// Last day of a multi-day event, YYYY-MM-DD.
    #[arg(long)]
    pub end_date: Option<String>,
    /// raid, handover, deportation, extradition, release, rescue, relocation,
    /// offensive, capture, demolition, sanction, power_cut or other.
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// Place name, resolved through the gazetteer (repeat for several places).
    #[arg(long)]
    pub place: Vec<String>,
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<f64>,
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// Precision radius of --lon/--lat, in metres.
    #[arg(long)]
    pub radius_m: Option<f64>,
    /// Country hint for resolving place names.
    #[arg(long)]
    pub country: Option<String>,
    #[arg(long)]
    pub origin: Option<String>,
    #[arg(long)]
    pub destination: Option<String>,
    /// Number of people (best figure).
    #[arg(long, allow_hyphen_values = true)]
    pub count: Option<String>,
    #[arg(long)]
    pub count_low: Option<String>,
    #[arg(long)]
    pub count_high: Option<String>,
    /// arrested, handed_over, deported, released, rescued, trafficked or other.
    #[arg(long)]
    pub count_kind: Option<String>,
    #[arg(long)]
    pub actor: Vec<String>,
    /// Notes, in your own words.
    #[arg(long)]
    pub notes: Option<String>,
    /// The report this event comes from (on an edit: a new claim, or the
    /// claim of that source that --publisher and --source-date change).
    #[arg(long)]
    pub source_url: Option<String>,
    #[arg(long)]
    pub publisher: Option<String>,
    /// Publication date of the source, YYYY-MM-DD.
    #[arg(long)]
    pub source_date: Option<String>,
    /// The count is a running total.
    #[arg(long)]
    pub aggregate: bool,
}

/// What a change to a stored event is based on, and why it is made.
#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Refuse the change unless the event is still at this version (see
    /// `events history`): a change based on a stale version is never applied.
    #[arg(long, value_name = "N")]
    pub if_version: Option<i64>,
    /// Why (required for changes to published events).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The id of the event in the workspace.
    #[arg(value_name = "ID")]
    pub event_id: String,
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub event: EventFlags,
    #[command(flatten)]
    pub quote: QuoteArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The id of the event in the workspace.
    pub id: String,
    #[command(flatten)]
    pub change: ChangeArgs,
}

#[derive(Debug, Args)]
pub struct RetractArgs {
    /// The id of the event in the workspace.
    pub id: String,
    /// Refuse unless the event is still at this version.
    #[arg(long, value_name = "N")]
    pub if_version: Option<i64>,
    /// Why it is withdrawn.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct RevertArgs {
    /// The id of the event in the workspace.
    pub id: String,
    /// The version to make it again (see `events history`).
    #[arg(long, value_name = "VERSION")]
    pub to: i64,
    #[command(flatten)]
    pub change: ChangeArgs,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The id of the event in the workspace.
    pub id: String,
    /// Every revision as JSON, with the whole event it left.
    #[arg(long)]
    pub json: bool,
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
