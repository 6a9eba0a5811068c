//! Layers as vector tiles: the features of one layer in one tile, clustered by
//! quarter at low zooms, encoded as MVT.

use super::{Catalog, Feature, LayerKind, LayerQuery, Selection, Value};
use crate::analysis::Period;
use crate::events::Filter;
use crate::geom::LonLat;
use crate::tiles::{
    cluster_feature, encode_tile, event_feature_id, event_tile_feature, mark_single, Grouping,
    TileCoord, TileFeature, TileGeometry, TileValue, BUFFER, CLUSTER_RADIUS, EXTENT,
};

/// Below this zoom, event points close together in the same quarter are served
/// as one cluster with a `point_count`, never dropped.
pub const CLUSTER_BELOW_ZOOM: u8 = 9;

/// Zooms the tiles are made for, to [`MAX_ZOOM`], the deepest zoom a tile
/// may have.
pub const MIN_ZOOM: u8 = 0;
pub use crate::tiles::MAX_ZOOM;

/// The tiles of zoom `z` whose events tile shows an event at `p` (its tile,
/// and the neighbours whose buffer reaches it): what a change of an event
/// there makes stale, at zooms where events are not clustered.
///
/// # Example
/// ```
/// use scamatlas::geom::LonLat;
/// use scamatlas::layers::tiles_showing;
/// use scamatlas::tiles::tile_of;
/// let myawaddy = LonLat { lon: 98.509, lat: 16.689 };
/// let tiles = tiles_showing(myawaddy, 12);
/// assert!(tiles.contains(&tile_of(myawaddy, 12)?));
/// # Ok::<(), scamatlas::tiles::TileError>(())
/// ```
#[must_use]
pub fn tiles_showing(p: LonLat, z: u8) -> Vec<TileCoord> {
    let Ok(at) = crate::tiles::tile_of(p, z) else {
        return Vec::new();
    };
    let mut found = Vec::with_capacity(4);
    for dy in -1_i64..=1 {
        for dx in -1_i64..=1 {
            let x = u32::try_from(i64::from(at.x) + dx);
            let y = u32::try_from(i64::from(at.y) + dy);
            let (Ok(x), Ok(y)) = (x, y) else { continue };
            if let Ok(coord) = TileCoord::new(z, x, y) {
                if coord.buffered_bounds(BUFFER, EXTENT).contains(p) {
                    found.push(coord);
                }
            }
        }
    }
    found
}

/// The type of a tile property, as TileJSON `vector_layers.fields` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Number,
    Boolean,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Number => "Number",
            FieldType::Boolean => "Boolean",
        }
    }
}

impl Catalog {
    /// The MVT bytes of `kind` in tile `coord`, or `None` when the tile holds
    /// nothing. `query.bbox`, `limit` and `offset` are ignored: the tile is the box.
    #[must_use]
    pub fn tile(&self, kind: LayerKind, coord: TileCoord, query: &LayerQuery) -> Option<Vec<u8>> {
        let features = self.tile_features(kind, coord, query);
        encode_tile(coord, &[(kind.name(), &features)])
    }

    /// The features of `kind` for one tile, before encoding: events as
    /// [`event_tile_feature`]s, clustered below [`CLUSTER_BELOW_ZOOM`]; the
    /// features of other layers as [`tile_feature`]s.
    #[must_use]
    pub fn tile_features(
        &self,
        kind: LayerKind,
        coord: TileCoord,
        query: &LayerQuery,
    ) -> Vec<TileFeature> {
        let area = coord.buffered_bounds(BUFFER, EXTENT);
        match self.select(kind, Some(area), &query.filter) {
            Selection::Events(found) if coord.z < CLUSTER_BELOW_ZOOM => {
                self.event_clusters(coord, &found)
            }
            Selection::Events(found) => found.iter().filter_map(|&i| self.event_tile(i)).collect(),
            Selection::Kept(kept) => tile_features(kept.into_iter().map(|(_, f)| f)),
            Selection::Made(made) => tile_features(made.iter().map(|(_, f)| f)),
        }
    }

    /// The event at `pos` as a tile feature, with its [`event_feature_id`].
    fn event_tile(&self, pos: u32) -> Option<TileFeature> {
        self.dataset
            .event(pos)
            .map(|e| event_tile_feature(&e, event_feature_id(&e.id)))
    }

    /// The events at `positions` in a tile below [`CLUSTER_BELOW_ZOOM`]:
    /// points close together in the same quarter as one cluster. Plain
    /// (point, quarter) pairs are grouped; only the points left alone are
    /// decoded and made into full features.
    fn event_clusters(&self, coord: TileCoord, positions: &[u32]) -> Vec<TileFeature> {
        let dataset = &self.dataset;
        let points: Vec<(Option<LonLat>, i32)> = positions
            .iter()
            .map(|&i| {
                let quarter = dataset.midpoint(i).map_or(0, |d| Period::Quarter.key_of(d));
                (dataset.point(i), quarter)
            })
            .collect();
        let grouping = Grouping::new(&points, coord, CLUSTER_RADIUS);
        grouping
            .groups
            .iter()
            .filter_map(|members| {
                let i = positions[members[0]];
                let period = Period::Quarter.span_of(dataset.midpoint(i)?).label;
                if let [_] = members.as_slice() {
                    let mut single = self.event_tile(i)?;
                    mark_single(&mut single, &period);
                    return Some(single);
                }
                let persons = members.iter().fold(0_i64, |sum, &m| {
                    let persons = dataset.persons(positions[m]).unwrap_or(0);
                    sum.saturating_add(i64::try_from(persons).unwrap_or(i64::MAX))
                });
                Some(cluster_feature(
                    grouping.centre(members),
                    members.len(),
                    TileValue::Int(persons),
                    &period,
                ))
            })
            .collect()
    }

    /// The properties a layer's tiles carry, with their types.
    #[must_use]
    pub fn tile_fields(&self, kind: LayerKind) -> &[(String, FieldType)] {
        self.made[&kind]
            .fields
            .get_or_init(|| self.compute_tile_fields(kind))
    }

    /// Works out [`Catalog::tile_fields`], once, on first use: the properties
    /// of the first event (with those of clusters), or of every feature.
    fn compute_tile_fields(&self, kind: LayerKind) -> Vec<(String, FieldType)> {
        let mut fields: Vec<(String, FieldType)> = Vec::new();
        let mut add = |name: &str, t: FieldType| {
            if !fields.iter().any(|(n, _)| n == name) {
                fields.push((name.to_string(), t));
            }
        };
        let (sample, clustered) = match self.select(kind, None, &Filter::default()) {
            Selection::Events(found) => (
                found
                    .first()
                    .and_then(|&i| self.dataset.event(i))
                    .map(|e| event_tile_feature(&e, 0))
                    .into_iter()
                    .collect(),
                true,
            ),
            Selection::Kept(kept) => (tile_features(kept.into_iter().map(|(_, f)| f)), false),
            Selection::Made(made) => (tile_features(made.iter().map(|(_, f)| f)), false),
        };
        for f in &sample {
            for (name, value) in &f.properties {
                add(name, field_type(value));
            }
        }
        if clustered {
            add("point_count", FieldType::Number);
            add("cluster", FieldType::Boolean);
            add("period", FieldType::String);
        }
        fields
    }
}

/// Features as tile features, each with its position as id.
fn tile_features<'a>(features: impl Iterator<Item = &'a Feature>) -> Vec<TileFeature> {
    features
        .enumerate()
        .filter_map(|(i, f)| tile_feature(f, i as u64))
        .collect()
}

fn field_type(v: &TileValue) -> FieldType {
    match v {
        TileValue::String(_) => FieldType::String,
        TileValue::Int(_) | TileValue::Double(_) => FieldType::Number,
        TileValue::Bool(_) => FieldType::Boolean,
    }
}

/// A feature as a tile feature: its geometry, its id as the `id` property,
/// and its properties as MVT values (arrays and objects as JSON text, nulls
/// left out). `None` without a simple geometry.
#[must_use]
pub fn tile_feature(feature: &Feature, id: u64) -> Option<TileFeature> {
    let point = |p: &Vec<f64>| match p.as_slice() {
        [lon, lat, ..] => Some(LonLat {
            lon: *lon,
            lat: *lat,
        }),
        _ => None,
    };
    let line = |ps: &Vec<Vec<f64>>| ps.iter().filter_map(point).collect::<Vec<_>>();
    let rings = |rs: &Vec<Vec<Vec<f64>>>| rs.iter().map(line).collect::<Vec<_>>();
    let geometry = match feature.geometry.as_ref()? {
        geojson::Value::Point(p) => TileGeometry::Point(point(p)?),
        geojson::Value::MultiPoint(ps) => TileGeometry::MultiPoint(line(ps)),
        geojson::Value::LineString(ps) => TileGeometry::LineString(line(ps)),
        geojson::Value::MultiLineString(ls) => TileGeometry::MultiLineString(rings(ls)),
        geojson::Value::Polygon(rs) => TileGeometry::Polygon(rings(rs)),
        geojson::Value::MultiPolygon(ps) => {
            TileGeometry::MultiPolygon(ps.iter().map(rings).collect())
        }
        geojson::Value::GeometryCollection(_) => return None,
    };
    let mut properties = Vec::new();
    if let Some(id) = &feature.id {
        properties.push(("id".into(), TileValue::String(id.clone())));
    }
    for (name, value) in &feature.properties {
        if name == "id" && !properties.is_empty() {
            continue;
        }
        let value = match value {
            Value::Null => continue,
            Value::Bool(b) => TileValue::Bool(*b),
            Value::Int(i) => TileValue::Int(*i),
            Value::Float(f) => TileValue::Double(*f),
            Value::String(s) => TileValue::String(s.clone()),
            Value::Json(v) => TileValue::String(v.to_string()),
        };
        properties.push((name.clone(), value));
    }
    Some(TileFeature {
        id: Some(id),
        geometry,
        properties,
    })
}
