//! The collections of `/ogc`: one geometry type each, as in the file exports,
//! so that QGIS and GDAL show every feature of a collection in one layer.
//!
//! A layer whose features mix shapes is split: `drift` holds the quarterly
//! steps (points, as the `drift` export) and `drift_path` the line through
//! them; `places` holds the places that are points (as the `places` export)
//! and `place_lines` the rivers and roads. A collection that mixes single and
//! multi geometries is served as multi (events are all MultiPoint, as in the
//! exports).
//!
//! Each collection's properties and their types are declared as JSON Schema
//! at `/ogc/collections/{id}/schema` and `.../queryables`, worked out once
//! from every feature (with [`Table::from_features`], the types the exports
//! write), so that a client need not guess them from the first page.

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::export::{ColType, Column, Table};
use crate::layers::{Catalog, Feature, LayerKind, LayerQuery, Shape};

/// One OGC collection: the features of one shape of a layer.
#[derive(Debug)]
pub struct Collection {
    pub id: &'static str,
    pub kind: LayerKind,
    pub shape: Shape,
    /// The geometry type of every item (`MultiPoint`, `LineString`...).
    pub geometry: &'static str,
    /// Whether single geometries are served as multi ones of one part.
    pub multi: bool,
    pub title: &'static str,
}

/// Every collection, in the order listed.
pub const COLLECTIONS: [Collection; 9] = [
    collection(LayerKind::Events, "events", Shape::Points, "MultiPoint"),
    collection(LayerKind::Hubs, "hubs", Shape::Points, "Point"),
    Collection {
        title: "Drift: the centre of activity per quarter (points; the line is drift_path)",
        ..collection(LayerKind::Drift, "drift", Shape::Points, "Point")
    },
    Collection {
        title: "Drift path: the line through the quarterly centres of activity",
        ..collection(LayerKind::Drift, "drift_path", Shape::Lines, "LineString")
    },
    collection(LayerKind::Flows, "flows", Shape::Lines, "LineString"),
    Collection {
        title: "Places: the curated gazetteer's points (its lines are place_lines)",
        ..collection(LayerKind::Places, "places", Shape::Points, "Point")
    },
    Collection {
        title: "Place lines: the curated gazetteer's rivers, roads and stretches",
        ..collection(
            LayerKind::Places,
            "place_lines",
            Shape::Lines,
            "MultiLineString",
        )
    },
    collection(
        LayerKind::Borders,
        "borders",
        Shape::Lines,
        "MultiLineString",
    ),
    collection(
        LayerKind::Countries,
        "countries",
        Shape::Polygons,
        "MultiPolygon",
    ),
];

const fn collection(
    kind: LayerKind,
    id: &'static str,
    shape: Shape,
    geometry: &'static str,
) -> Collection {
    let multi = matches!(geometry.as_bytes(), [b'M', b'u', b'l', b't', b'i', ..]);
    Collection {
        id,
        kind,
        shape,
        geometry,
        multi,
        title: kind.title(),
    }
}

/// The collection named `id`.
pub fn find(id: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.id == id)
}

impl Collection {
    /// `query` limited to this collection's features.
    pub fn query(&self, query: LayerQuery) -> LayerQuery {
        LayerQuery {
            shape: Some(self.shape),
            ..query
        }
    }

    /// A feature of the layer as an item of this collection: `None` when it
    /// has another shape; a single geometry made multi where the collection is.
    pub fn item(&self, feature: Feature) -> Option<Feature> {
        if feature.shape() != Some(self.shape) {
            return None;
        }
        Some(if self.multi {
            feature.into_multi()
        } else {
            feature
        })
    }

    fn position(&self) -> usize {
        COLLECTIONS
            .iter()
            .position(|c| c.id == self.id)
            .unwrap_or_default()
    }
}

/// The columns of each collection, worked out on first use and kept.
#[derive(Debug)]
pub struct Schemas([OnceLock<Vec<Column>>; COLLECTIONS.len()]);

impl Default for Schemas {
    fn default() -> Self {
        Self(std::array::from_fn(|_| OnceLock::new()))
    }
}

impl Schemas {
    /// The properties of `collection`'s items and their types, as the exports
    /// type them (from every feature; `id` first).
    pub fn columns(&self, catalog: &Catalog, collection: &Collection) -> &[Column] {
        self.0[collection.position()].get_or_init(|| {
            let features: Vec<Feature> = catalog
                .features(collection.kind, &collection.query(LayerQuery::default()))
                .features
                .into_iter()
                .filter_map(|f| collection.item(f))
                .collect();
            Table::from_features(collection.id, &features).columns
        })
    }
}

/// The JSON Schema of a property of type `kind`.
fn property_schema(kind: ColType) -> Value {
    match kind {
        ColType::Boolean => json!({ "type": "boolean" }),
        ColType::Integer => json!({ "type": "integer" }),
        ColType::Real => json!({ "type": "number" }),
        ColType::Date => json!({ "type": "string", "format": "date" }),
        ColType::DateTime => json!({ "type": "string", "format": "date-time" }),
        ColType::String => json!({ "type": "string" }),
        ColType::Json => json!({ "type": ["array", "object"] }),
    }
}

/// The JSON Schema (OGC API - Features Part 5) of `collection`'s items, or
/// of its queryables (Part 3), at `here`: every property with its type, the
/// geometry with its type, the id marked as such.
pub fn schema(collection: &Collection, columns: &[Column], here: &str, what: &str) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "geometry".into(),
        json!({
            "format": format!("geometry-{}", collection.geometry.to_ascii_lowercase()),
            "x-ogc-role": "primary-geometry",
        }),
    );
    // The feature's id (a string, as every id here), whether or not its
    // properties repeat it.
    properties.insert(
        "id".into(),
        json!({ "type": "string", "title": "id", "x-ogc-role": "id" }),
    );
    for column in columns.iter().filter(|c| c.name != "id") {
        let mut schema = property_schema(column.kind);
        schema["title"] = json!(column.name);
        properties.insert(column.name.clone(), schema);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": here,
        "type": "object",
        "title": format!("{}: {what}", collection.title),
        "properties": properties,
        "additionalProperties": false,
    })
}
