//! Layers: "which features does layer L hold for query Q?"
//!
//! A [`Catalog`] holds everything the map shows, built once: the events and
//! their index, the gazetteer's curated places, the border lines and country
//! polygons. [`Catalog::features`] answers a [`LayerQuery`] (bbox, time range,
//! event types, paging) for one [`LayerKind`] as GeoJSON features; the JSON API,
//! OGC API Features and the tile server all read layers through it.

mod tiles;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

use geojson::{Feature, FeatureCollection};
use serde::Serialize;

use crate::analysis::{self, DriftParams, HubParams};
use crate::dataset::{Dataset, Where};
use crate::events::{event_to_feature, Event, EventType, Filter, TimeRange};
use crate::gazetteer::{place_to_feature, Gazetteer, Layer};
use crate::geom::Bbox;

pub use tiles::{tile_feature, FieldType, CLUSTER_BELOW_ZOOM, MAX_ZOOM, MIN_ZOOM};

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

    pub fn title(self) -> &'static str {
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
    pub time: Option<TimeRange>,
    pub types: Vec<EventType>,
    /// Most features returned; all when `None`.
    pub limit: Option<usize>,
    /// Features skipped before the first returned.
    pub offset: usize,
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
    gazetteer: Gazetteer,
    dataset: Dataset,
    /// What each layer holds unfiltered, made on first use and kept: only a
    /// time or type filter makes hubs, drift and flows anew.
    made: HashMap<LayerKind, Made>,
    hub_params: HubParams,
    drift_params: DriftParams,
}

/// One layer's unfiltered features (each with its bbox), extent and tile
/// fields, each worked out once, when first asked for. Lazy, so that starting a
/// server over many events does not wait for analyses nobody has asked for.
#[derive(Debug, Default)]
struct Made {
    features: OnceLock<Vec<(Option<Bbox>, Feature)>>,
    extent: OnceLock<Option<Bbox>>,
    fields: OnceLock<Vec<(String, FieldType)>>,
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
        gazetteer: Gazetteer,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Self, CatalogError> {
        let parse = |path: &str, text: &str| -> Result<Vec<Feature>, CatalogError> {
            text.parse::<FeatureCollection>()
                .map(|c| c.features)
                .map_err(|e| CatalogError {
                    path: path.into(),
                    message: e.to_string(),
                })
        };
        let catalog = Self {
            gazetteer,
            dataset: Dataset::new(events),
            made: LayerKind::ALL
                .iter()
                .map(|&k| (k, Made::default()))
                .collect(),
            hub_params: HubParams::DEFAULT,
            drift_params: DriftParams::DEFAULT,
        };
        // The bundled files are parsed now, so that a bad one fails the start.
        for (kind, path, text) in [
            (LayerKind::Borders, "geojson/borders.geojson", BORDERS),
            (LayerKind::Countries, "geojson/countries.geojson", COUNTRIES),
        ] {
            let _ = catalog.made[&kind]
                .features
                .set(with_bboxes(parse(path, text)?));
        }
        Ok(catalog)
    }

    /// The unfiltered features of a layer other than events, made once.
    fn fixed(&self, kind: LayerKind) -> &[(Option<Bbox>, Feature)] {
        self.made[&kind].features.get_or_init(|| {
            let features = match kind {
                LayerKind::Places => self
                    .gazetteer
                    .places()
                    .iter()
                    .filter(|p| p.layer == Layer::Curated)
                    .map(place_to_feature)
                    .collect(),
                other => self.analysed(other, &Filter::default()),
            };
            with_bboxes(features)
        })
    }

    /// Hubs, drift or flows of the events that pass `filter`, decoded for the
    /// analysis and dropped after it.
    fn analysed(&self, kind: LayerKind, filter: &Filter) -> Vec<Feature> {
        let events = &self.dataset.query(None, filter).unwrap_or_default();
        match kind {
            LayerKind::Hubs => {
                analysis::hubs_to_geojson(&analysis::hubs(events, &self.hub_params)).features
            }
            LayerKind::Drift => {
                analysis::drift_to_geojson(&analysis::drift(events, &self.drift_params)).features
            }
            LayerKind::Flows => analysis::flows_to_geojson(&analysis::flows(events)).features,
            _ => Vec::new(),
        }
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The features of one layer matching `query`, paged.
    #[must_use]
    pub fn features(&self, kind: LayerKind, query: &LayerQuery) -> LayerPage {
        let filter = Filter {
            time: query.time,
            types: query.types.clone(),
        };
        if kind == LayerKind::Events {
            let at = query.bbox.map(Where::Bbox);
            // Bbox, time and type are all answered by the index.
            let found = self
                .dataset
                .query_positions(at.as_ref(), &filter)
                .unwrap_or_default();
            let page = paged(found.len(), query);
            return LayerPage {
                features: found[page]
                    .iter()
                    .filter_map(|&i| self.dataset.event(i))
                    .map(|e| event_to_feature(&e))
                    .collect(),
                matched: found.len(),
            };
        }
        let in_bbox = |b: &Option<Bbox>| {
            query
                .bbox
                .is_none_or(|q| b.is_some_and(|gb| gb.intersects(&q)))
        };
        let filtered = kind.is_temporal() && filter != Filter::default();
        if filtered {
            let matching: Vec<Feature> = self
                .analysed(kind, &filter)
                .into_iter()
                .filter(|f| in_bbox(&f.geometry.as_ref().and_then(|g| geometry_bbox(&g.value))))
                .collect();
            let matched = matching.len();
            let range = paged(matched, query);
            return LayerPage {
                features: matching
                    .into_iter()
                    .skip(range.start)
                    .take(range.len())
                    .collect(),
                matched,
            };
        }
        // Unfiltered: borrow the features made once, clone only the page.
        let fixed = self.fixed(kind);
        let matching: Vec<&Feature> = fixed
            .iter()
            .filter(|(b, _)| in_bbox(b))
            .map(|(_, f)| f)
            .collect();
        let range = paged(matching.len(), query);
        LayerPage {
            features: matching[range].iter().map(|&f| f.clone()).collect(),
            matched: matching.len(),
        }
    }

    /// The feature of a layer whose id is `id` (an event's id, a hub's
    /// `2024-Q1/1`), if there is one.
    #[must_use]
    pub fn feature(&self, kind: LayerKind, id: &str) -> Option<Feature> {
        if kind == LayerKind::Events {
            let pos = self.dataset.position_of(id)?;
            return self.dataset.event(pos).map(|e| event_to_feature(&e));
        }
        self.fixed(kind)
            .iter()
            .map(|(_, f)| f)
            .find(|f| match &f.id {
                Some(geojson::feature::Id::String(s)) => s == id,
                Some(geojson::feature::Id::Number(n)) => n.to_string() == id,
                None => false,
            })
            .cloned()
    }

    /// Writes the layer's features matching `query` as one GeoJSON
    /// FeatureCollection. Events are written straight from the model, which is
    /// what makes large event layers fast to stream.
    ///
    /// # Errors
    /// Only what `out` reports.
    pub fn write_geojson<W: std::io::Write>(
        &self,
        kind: LayerKind,
        query: &LayerQuery,
        out: W,
    ) -> std::io::Result<()> {
        if kind == LayerKind::Events {
            let filter = Filter {
                time: query.time,
                types: query.types.clone(),
            };
            let at = query.bbox.map(Where::Bbox);
            let found = self
                .dataset
                .query_positions(at.as_ref(), &filter)
                .unwrap_or_default();
            let page = &found[paged(found.len(), query)];
            let dataset = &self.dataset;
            return crate::events::write_geojson_with(page.len(), |i| dataset.event(page[i]), out);
        }
        let page = self.features(kind, query);
        let collection = FeatureCollection {
            bbox: None,
            features: page.features,
            foreign_members: None,
        };
        serde_json::to_writer(out, &collection).map_err(std::io::Error::from)
    }

    /// The bounding box of a layer's features, if it has any.
    #[must_use]
    pub fn extent(&self, kind: LayerKind) -> Option<Bbox> {
        *self.made[&kind].extent.get_or_init(|| {
            if kind == LayerKind::Events {
                self.dataset.extent()
            } else {
                self.fixed(kind)
                    .iter()
                    .filter_map(|(b, _)| *b)
                    .reduce(|a, b| a.union(&b))
            }
        })
    }

    /// First and last day of the events, if any.
    #[must_use]
    pub fn time_extent(&self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        self.dataset.time_extent()
    }
}

/// Features paired with their bounding boxes, for quick bbox filtering.
fn with_bboxes(features: Vec<Feature>) -> Vec<(Option<Bbox>, Feature)> {
    features
        .into_iter()
        .map(|f| (f.geometry.as_ref().and_then(|g| geometry_bbox(&g.value)), f))
        .collect()
}

/// The index range of a page of `total` items.
fn paged(total: usize, query: &LayerQuery) -> std::ops::Range<usize> {
    let start = query.offset.min(total);
    let end = query
        .limit
        .map_or(total, |l| start.saturating_add(l).min(total));
    start..end
}

/// The bounding box of a GeoJSON geometry.
#[must_use]
pub fn geometry_bbox(value: &geojson::Value) -> Option<Bbox> {
    fn walk(v: &geojson::Value, acc: &mut Option<[f64; 4]>) {
        let mut add = |p: &Vec<f64>| {
            if let [x, y, ..] = p.as_slice() {
                let b = acc.get_or_insert([*x, *y, *x, *y]);
                b[0] = b[0].min(*x);
                b[1] = b[1].min(*y);
                b[2] = b[2].max(*x);
                b[3] = b[3].max(*y);
            }
        };
        match v {
            geojson::Value::Point(p) => add(p),
            geojson::Value::MultiPoint(ps) | geojson::Value::LineString(ps) => {
                ps.iter().for_each(&mut add)
            }
            geojson::Value::MultiLineString(ls) | geojson::Value::Polygon(ls) => {
                ls.iter().flatten().for_each(&mut add)
            }
            geojson::Value::MultiPolygon(ps) => ps.iter().flatten().flatten().for_each(&mut add),
            geojson::Value::GeometryCollection(gs) => gs.iter().for_each(|g| walk(&g.value, acc)),
        }
    }
    let mut acc = None;
    walk(value, &mut acc);
    acc.and_then(|[w, s, e, n]| Bbox::new(w, s, e, n).ok())
}
