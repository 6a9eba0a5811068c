//! scamatlas maps the online-scam compounds on Myanmar's borders and the
//! crackdowns on them, for investigators, journalists and NGO analysts.
//!
//! # Layout
//! - [`geom`]: `LonLat`, great-circle distances and boxes; the sphere around a
//!   box, the nearest point on a line, and coordinate precision.
//! - [`gazetteer`]: "which place does this string mean?" Loading the curated and
//!   GeoNames layers, normalising names, and resolving them to ranked candidates.
//! - [`events`]: "what happened, where and when?" The event model, dates and
//!   time ranges, reading CSV and GeoJSON, and one validation (draft to event)
//!   for every reader.
//! - [`workspace`]: "where do a team's events live while they keep them
//!   current?" The SQLite store under events: statuses (draft, published,
//!   retracted), every revision, articles and the quotes behind claims (with
//!   translations), editors' corrections of an article's places, the review
//!   desk's queue, similar events and further claims, versions that refuse
//!   stale writes, import, check, backup and restore.
//! - [`auth`]: "who may do what?" Roles, accounts, argon2 password hashes,
//!   token and session secrets stored as digests, CSRF tokens; no SQL, no HTTP.
//! - [`index`]: "which events fall here, then?" The rstar tree of events and
//!   its bbox, radius, nearest, area, border, time and type queries.
//! - [`dataset`]: events and their index, built once, patched in place when
//!   events change, saved and loaded without parsing events; spatial
//!   questions in the user's terms (inside a country, along the Thai border).
//! - [`analysis`]: hubs (DBSCAN per period), drift (the centre of activity per
//!   period) and flows (origin-destination movements).
//! - [`layers`]: "which features does layer L hold for query Q?" The catalog
//!   of everything the map shows, as typed features (id, geometry, typed
//!   properties) that GeoJSON, OGC API items, tiles and exports all read.
//! - [`export`]: "how does layer L open in QGIS?" A layer as one typed table,
//!   written as GeoJSON, GeoJSONSeq, FlatGeobuf, GeoPackage or CSV, atomically.
//! - [`geoparse`]: "which places, dates and counts does this text mention?"
//!   Mentions found over folded names and resolved in context, dates, counts
//!   of people, proposed events (counts grouped into the events they report),
//!   draft events, and evaluation against gold toponyms and gold events; the
//!   text of an HTML page, and an article as the review desk shows it.
//! - [`server`]: the axum server: router, handlers (thin), errors as JSON;
//!   the edit and review desk APIs; what the viewer polls (revision, drafts,
//!   quotes); the one map style, links and ETags; OGC API Features; the
//!   speed-ups (cached tiles before routing, one runtime per core) in files of
//!   their own; a workspace served live (its store on a thread of its own, the
//!   catalog patched per burst of changes and saved for the next start).
//! - [`tiles`]: "which bytes go in tile z/x/y?" Tile math, clipping, point
//!   clustering and MVT encoding; pure and synchronous.
//! - [`error`]: the crate's [`Error`], composed from the module errors.
//! - `cli` (binary only): argument parsing and output; no logic of its own.
//!
//! # Example
//! A tiny gazetteer built from inline text, a name resolved with a hint, and
//! the answer as GeoJSON:
//! ```
//! use std::borrow::Cow;
//! use scamatlas::gazetteer::{Gazetteer, Hints, Sources, SourceText};
//!
//! let text = |path: &str, text: &'static str| SourceText { path: path.into(), text: Cow::Borrowed(text) };
//! let sources = Sources {
//!     places: text("places.tsv", "id\tname\tkind\tclass\tcountry\tadmin1\tparent\tlat\tlon\tradius_m\tgeometry\tgeonames_id\tcoord_source\testimate\tnote\n\
//!         laukkai\tLaukkai\tpoint\ttown\tMM\tShan\t\t23.69611\t98.76214\t3000\t\t\tGeoNames 13494766\tno\t\n"),
//!     aliases: text("aliases.tsv", "place_id\talias\tlang\tsource\nlaukkai\t老街\tzh\tresearch/places.md\n"),
//!     geonames: text("geonames.tsv", "geonames_id\tname\tlat\tlon\tcountry\tadmin1\tadmin1_name\tpopulation\talternatenames\n\
//!         1576303\tLào Cai\t22.48556\t103.97066\tVN\t02\t\t36502\tLaokai|老街市\n"),
//!     corrections: text("corrections.tsv", "geonames_id\talternate_name\treason\n"),
//!     borders: text("borders.geojson", r#"{"type":"FeatureCollection","features":[]}"#),
//! };
//! let gazetteer = Gazetteer::load(&sources)?;
//!
//! // Without a hint both places called 老街 are listed.
//! let both = gazetteer.resolve("老街", &Hints::default())?;
//! assert_eq!(both.len(), 2);
//!
//! // With a country hint Lào Cai comes first.
//! let hints = Hints { country: Some("VN".into()), ..Hints::default() };
//! let ranked = gazetteer.resolve("老街", &hints)?;
//! assert_eq!(ranked[0].place.name, "Lào Cai");
//!
//! let geojson = scamatlas::gazetteer::candidates_to_geojson(&[("老街", ranked.as_slice())]);
//! assert_eq!(geojson.features.len(), 2);
//! # Ok::<(), scamatlas::Error>(())
//! ```

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod analysis;
pub mod auth;
pub mod dataset;
pub mod error;
pub mod events;
pub mod export;
pub mod gazetteer;
pub mod geom;
pub mod geoparse;
pub mod index;
pub mod layers;
pub mod server;
pub mod tiles;
pub mod workspace;

pub use error::{Error, Result};
