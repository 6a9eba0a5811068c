//! Layers: "which features does layer L hold for query Q?"
//!
//! A [`Catalog`] holds everything the map shows, built once: the events and
//! their index, the gazetteer's curated places, the border lines and country
//! polygons. [`Catalog::features`] answers a [`LayerQuery`] (bbox, the events'
//! [`Filter`], paging) for one [`LayerKind`] with typed [`Feature`]s; GeoJSON
//! ([`Catalog::write_geojson`]), the JSON API, OGC API Features, the tile
//! server ([`Catalog::tile`]) and exports all read layers through it.

mod feature;
mod tiles;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use geojson::FeatureCollection;
use serde::Serialize;

use crate::analysis::{self, DriftParams, HubParams};
use crate::dataset::Dataset;
use crate::events::{Event, EventType, Filter};
use crate::gazetteer::{place_to_feature, Gazetteer, Layer};
use crate::geom::Bbox;

pub use feature::{event_feature, geometry_bbox, Feature, Shape, Value};
pub use tiles::{tile_feature, tiles_showing, FieldType, CLUSTER_BELOW_ZOOM, MAX_ZOOM, MIN_ZOOM};

/// The layers the map and the APIs serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    Events,
    Hubs,
    Drift,
    Flows,
    Places,
    Borders,
    Countries,
}

impl LayerKind {
    pub const ALL: [LayerKind; 7] = [
        LayerKind::Events,
        LayerKind::Hubs,
        LayerKind::Drift,
        LayerKind::Flows,
        LayerKind::Places,
        LayerKind::Borders,
        LayerKind::Countries,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Events => "events",
            LayerKind::Hubs => "hubs",
            LayerKind::Drift => "drift",
            LayerKind::Flows => "flows",
            LayerKind::Places => "places",
            LayerKind::Borders => "borders",
            LayerKind::Countries => "countries",
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            LayerKind::Events => "Events: raids, handovers, deportations, releases",
            LayerKind::Hubs => "Hubs: clusters of events per quarter",
            LayerKind::Drift => "Drift: the centre of activity per quarter",
            LayerKind::Flows => "Flows: origin-destination movements",
            LayerKind::Places => "Places: the curated gazetteer",
            LayerKind::Borders => "International borders",
            LayerKind::Countries => "Countries of the region (for drawing only)",
        }
    }

    /// Whether `datetime` and `type` filter this layer.
    #[must_use]
    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            LayerKind::Events | LayerKind::Hubs | LayerKind::Drift | LayerKind::Flows
        )
    }

    /// The part of `filter` that changes this layer's features: all of it for
    /// a temporal layer, none of it for places, borders and countries, which
    /// have no time or type. Whatever keys an answer (the tile cache, tile
    /// URLs) keys it by this, so that a `datetime` that cannot change the
    /// answer does not make it anew.
    #[must_use]
    pub fn relevant(self, filter: Filter) -> Filter {
        if self.is_temporal() {
            filter
        } else {
            Filter::default()
        }
    }
}

impl FromStr for LayerKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LayerKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("no layer {s:?}; layers are events, hubs, drift, flows, places, borders, countries"))
    }
}

/// What to take from a layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerQuery {
    pub bbox: Option<Bbox>,
    /// The time range and event types; they filter the temporal layers only
    /// ([`LayerKind::is_temporal`]).
    pub filter: Filter,
    /// Most features returned; all when `None`.
    pub limit: Option<usize>,
    /// Features skipped before the first returned.
    pub offset: usize,
    /// Only features of this shape (an OGC collection holds one); all when
    /// `None`. Events are all points.
    pub shape: Option<Shape>,
}

/// One page of a layer.
#[derive(Debug, Clone)]
pub struct LayerPage {
    pub features: Vec<Feature>,
    /// Features matching the query before paging.
    pub matched: usize,
}

/// Everything the map shows, built once.
#[derive(Debug)]
pub struct Catalog {
    /// Shared, so that a catalog rebuilt over new events reuses it.
    gazetteer: Arc<Gazetteer>,
    dataset: Dataset,
    /// What each layer holds unfiltered, made on first use and kept: only a
    /// time or type filter makes hubs, drift and flows anew. Layers without
    /// events are shared with catalogs made over other events
    /// ([`Catalog::with_events`]).
    made: HashMap<LayerKind, Arc<Made>>,
    hub_params: HubParams,
    drift_params: DriftParams,
}

/// A feature with the bounding box of its geometry, for quick bbox filtering.
type Boxed = (Option<Bbox>, Feature);

/// One layer's unfiltered features, extent and tile fields, each worked out
/// once, when first asked for. Lazy, so that starting a server over many
/// events does not wait for analyses nobody has asked for.
#[derive(Debug, Default)]
struct Made {
    features: OnceLock<Vec<Boxed>>,
    extent: OnceLock<Option<Bbox>>,
    fields: OnceLock<Vec<(String, FieldType)>>,
}

/// The features of a layer that match a query, before paging: what
/// [`Catalog::select`] finds.
enum Selection<'a> {
    /// Positions of events in the dataset, decoded only for the page taken.
    Events(Vec<u32>),
    /// Features made once and kept by the catalog.
    Kept(Vec<&'a Boxed>),
    /// Features made for this query: hubs, drift or flows of filtered events.
    Made(Vec<Boxed>),
}

impl Selection<'_> {
    /// The features of `shape` only.
    fn of_shape(self, shape: Shape) -> Self {
        let keep = |f: &Feature| f.shape() == Some(shape);
        match self {
            Selection::Events(found) if shape == Shape::Points => Selection::Events(found),
            Selection::Events(_) => Selection::Events(Vec::new()),
            Selection::Kept(mut kept) => {
                kept.retain(|(_, f)| keep(f));
                Selection::Kept(kept)
            }
            Selection::Made(mut made) => {
                made.retain(|(_, f)| keep(f));
                Selection::Made(made)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Selection::Events(found) => found.len(),
            Selection::Kept(kept) => kept.len(),
            Selection::Made(made) => made.len(),
        }
    }
}

/// Colours of event types: the map style, its legend, and the QGIS style of
/// event exports all draw with these.
pub const TYPE_COLOURS: [(EventType, &str); 13] = [
    (EventType::Raid, "#d62728"),
    (EventType::Handover, "#1f77b4"),
    (EventType::Deportation, "#9467bd"),
    (EventType::Extradition, "#8c564b"),
    (EventType::Release, "#2ca02c"),
    (EventType::Rescue, "#17becf"),
    (EventType::Relocation, "#ff7f0e"),
    (EventType::Offensive, "#7f7f7f"),
    (EventType::Capture, "#bcbd22"),
    (EventType::Demolition, "#e377c2"),
    (EventType::Sanction, "#393b79"),
    (EventType::PowerCut, "#637939"),
    (EventType::Other, "#999999"),
];

const BORDERS: &str = include_str!("../../geojson/borders.geojson");
const COUNTRIES: &str = include_str!("../../geojson/countries.geojson");

/// Why a catalog could not be built.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CatalogError {
    pub path: String,
    pub message: String,
}

impl Catalog {
    /// A catalog over `events`, with the bundled borders and countries.
    ///
    /// # Errors
    /// Only if a bundled GeoJSON file does not parse.
    pub fn new(
        gazetteer: impl Into<Arc<Gazetteer>>,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Self, CatalogError> {
        Self::over(gazetteer, Dataset::new(events))
    }

    /// A catalog over the events of `dataset`, with the bundled borders and
    /// countries.
    ///
    /// # Errors
    /// Only if a bundled GeoJSON file does not parse.
    pub fn over(
        gazetteer: impl Into<Arc<Gazetteer>>,
        dataset: Dataset,
    ) -> Result<Self, CatalogError> {
        // The bundled files are parsed now, so that a bad one fails the start.
        let bundled = |path: &str, text: &str| -> Result<Made, CatalogError> {
            let collection = text
                .parse::<FeatureCollection>()
                .map_err(|e| CatalogError {
                    path: path.into(),
                    message: e.to_string(),
                })?;
            let features = collection.features.into_iter().map(Feature::from_geojson);
            Ok(Made {
                features: OnceLock::from(with_bboxes(features.collect())),
                ..Made::default()
            })
        };
        let mut made: HashMap<LayerKind, Arc<Made>> = LayerKind::ALL
            .iter()
            .map(|&k| (k, Arc::default()))
            .collect();
        made.insert(
            LayerKind::Borders,
            Arc::new(bundled("geojson/borders.geojson", BORDERS)?),
        );
        made.insert(
            LayerKind::Countries,
            Arc::new(bundled("geojson/countries.geojson", COUNTRIES)?),
        );
        Ok(Self {
            gazetteer: gazetteer.into(),
            dataset,
            made,
            hub_params: HubParams::DEFAULT,
            drift_params: DriftParams::DEFAULT,
        })
    }

    /// This catalog over other events (a changed data set, see
    /// [`Dataset::patched`]): the layers without time (places, borders,
    /// countries) are shared as made so far; the layers of events are made
    /// anew when asked for.
    #[must_use]
    pub fn with_events(&self, dataset: Dataset) -> Self {
        let made = self
            .made
            .iter()
            .map(|(&kind, made)| {
                let kept = if kind.is_temporal() {
                    Arc::default()
                } else {
                    Arc::clone(made)
                };
                (kind, kept)
            })
            .collect();
        Self {
            gazetteer: Arc::clone(&self.gazetteer),
            dataset,
            made,
            hub_params: self.hub_params,
            drift_params: self.drift_params,
        }
    }

    /// The features of `kind` with a bounding box meeting `bbox` (all when
    /// `None`) that pass `filter`: the one place that says where each layer's
    /// features come from. Events come from the index; hubs, drift and flows
    /// of filtered events are made for the query; everything else is made
    /// once and kept.
    fn select(&self, kind: LayerKind, bbox: Option<Bbox>, filter: &Filter) -> Selection<'_> {
        let in_bbox = |b: &Option<Bbox>| bbox.is_none_or(|q| b.is_some_and(|gb| gb.intersects(&q)));
        match kind {
            LayerKind::Events => Selection::Events(self.dataset.positions_in(bbox, filter)),
            LayerKind::Hubs | LayerKind::Drift | LayerKind::Flows
                if *filter != Filter::default() =>
            {
                let mut made = with_bboxes(self.analysed(kind, filter));
                made.retain(|(b, _)| in_bbox(b));
                Selection::Made(made)
            }
            LayerKind::Hubs
            | LayerKind::Drift
            | LayerKind::Flows
            | LayerKind::Places
            | LayerKind::Borders
            | LayerKind::Countries => {
                Selection::Kept(self.kept(kind).iter().filter(|(b, _)| in_bbox(b)).collect())
            }
        }
    }

    /// [`Catalog::select`] for a whole query: its bbox, filter and shape.
    fn select_for(&self, kind: LayerKind, query: &LayerQuery) -> Selection<'_> {
        let selection = self.select(kind, query.bbox, &query.filter);
        match query.shape {
            Some(shape) => selection.of_shape(shape),
            None => selection,
        }
    }

    /// The unfiltered features of a layer other than events, made once.
    fn kept(&self, kind: LayerKind) -> &[Boxed] {
        self.made[&kind].features.get_or_init(|| {
            let features = match kind {
                LayerKind::Places => self
                    .gazetteer
                    .places()
                    .iter()
                    .filter(|p| p.layer == Layer::Curated)
                    .map(|p| Feature::from_geojson(place_to_feature(p)))
                    .collect(),
                LayerKind::Hubs | LayerKind::Drift | LayerKind::Flows => {
                    self.analysed(kind, &Filter::default())
                }
                // Events are read from the index; borders and countries are
                // parsed in `Catalog::new`.
                LayerKind::Events | LayerKind::Borders | LayerKind::Countries => Vec::new(),
            };
            with_bboxes(features)
        })
    }

    /// Hubs, drift or flows of the events that pass `filter`, decoded for the
    /// analysis and dropped after it.
    fn analysed(&self, kind: LayerKind, filter: &Filter) -> Vec<Feature> {
        let events: Vec<Event> = self
            .dataset
            .positions_in(None, filter)
            .into_iter()
            .filter_map(|i| self.dataset.event(i))
            .collect();
        let collection = match kind {
            LayerKind::Hubs => {
                analysis::hubs_to_geojson(&analysis::hubs(&events, &self.hub_params))
            }
            LayerKind::Drift => {
                analysis::drift_to_geojson(&analysis::drift(&events, &self.drift_params))
            }
            LayerKind::Flows => analysis::flows_to_geojson(&analysis::flows(&events)),
            _ => return Vec::new(),
        };
        collection
            .features
            .into_iter()
            .map(Feature::from_geojson)
            .collect()
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// The gazetteer, to build another catalog with (over newer events).
    #[must_use]
    pub fn shared_gazetteer(&self) -> Arc<Gazetteer> {
        self.gazetteer.clone()
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The features of one layer matching `query`, paged.
    #[must_use]
    pub fn features(&self, kind: LayerKind, query: &LayerQuery) -> LayerPage {
        let selection = self.select_for(kind, query);
        let matched = selection.len();
        let range = paged(matched, query);
        let features = match selection {
            Selection::Events(found) => found[range]
                .iter()
                .filter_map(|&i| self.dataset.event(i))
                .map(|e| event_feature(&e))
                .collect(),
            Selection::Kept(kept) => kept[range].iter().map(|(_, f)| f.clone()).collect(),
            Selection::Made(made) => made
                .into_iter()
                .skip(range.start)
                .take(range.len())
                .map(|(_, f)| f)
                .collect(),
        };
        LayerPage { features, matched }
    }

    /// The feature of a layer whose id is `id` (an event's id, a hub's
    /// `2024-Q1/1`), if there is one.
    #[must_use]
    pub fn feature(&self, kind: LayerKind, id: &str) -> Option<Feature> {
        if kind == LayerKind::Events {
            // Found through the events' id index rather than a scan.
            let pos = self.dataset.position_of(id)?;
            return self.dataset.event(pos).map(|e| event_feature(&e));
        }
        self.kept(kind)
            .iter()
            .map(|(_, f)| f)
            .find(|f| f.id.as_deref() == Some(id))
            .cloned()
    }

    /// Writes the layer's features matching `query` as one GeoJSON
    /// FeatureCollection. Events are written straight from the model
    /// ([`crate::events::write_geojson_with`]), which is what makes large
    /// event layers fast to stream.
    ///
    /// # Errors
    /// Only what `out` reports.
    pub fn write_geojson<W: std::io::Write>(
        &self,
        kind: LayerKind,
        query: &LayerQuery,
        mut out: W,
    ) -> std::io::Result<()> {
        let selection = self.select_for(kind, query);
        let range = paged(selection.len(), query);
        let features: Vec<&Boxed> = match &selection {
            Selection::Events(found) => {
                let page = &found[range];
                let dataset = &self.dataset;
                return crate::events::write_geojson_with(
                    page.len(),
                    |i| dataset.event(page[i]),
                    out,
                );
            }
            Selection::Kept(kept) => kept[range].to_vec(),
            Selection::Made(made) => made[range].iter().collect(),
        };
        out.write_all(br#"{"type":"FeatureCollection","features":["#)?;
        for (i, (_, feature)) in features.into_iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            feature.write_geojson(&mut out)?;
        }
        out.write_all(b"]}")
    }

    /// The bounding box of a layer's features, if it has any.
    #[must_use]
    pub fn extent(&self, kind: LayerKind) -> Option<Bbox> {
        *self.made[&kind].extent.get_or_init(|| {
            let union = |boxes: &mut dyn Iterator<Item = &Option<Bbox>>| {
                boxes.filter_map(|b| *b).reduce(|a, b| a.union(&b))
            };
            match self.select(kind, None, &Filter::default()) {
                Selection::Events(_) => self.dataset.extent(),
                Selection::Kept(kept) => union(&mut kept.iter().map(|(b, _)| b)),
                Selection::Made(made) => union(&mut made.iter().map(|(b, _)| b)),
            }
        })
    }

    /// First and last day of the events, if any.
    #[must_use]
    pub fn time_extent(&self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        self.dataset.time_extent()
    }
}

/// Features paired with their bounding boxes.
fn with_bboxes(features: Vec<Feature>) -> Vec<Boxed> {
    features.into_iter().map(|f| (f.bbox(), f)).collect()
}

/// The index range of a page of `total` items.
fn paged(total: usize, query: &LayerQuery) -> std::ops::Range<usize> {
    let start = query.offset.min(total);
    let end = query
        .limit
        .map_or(total, |l| start.saturating_add(l).min(total));
    start..end
}
