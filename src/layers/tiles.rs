//! Layers as vector tiles: the features of one layer in one tile, clustered by
//! quarter at low zooms, encoded as MVT.

use geojson::Feature;

use super::{Catalog, LayerKind, LayerQuery};
use crate::analysis::Period;
use crate::dataset::Where;
use crate::events::Filter;
use crate::geom::LonLat;
use crate::tiles::{
    cluster_feature, encode_tile, event_tile_feature, mark_single, Grouping, TileCoord,
    TileFeature, TileGeometry, TileValue, BUFFER, CLUSTER_RADIUS, EXTENT,
};

/// Below this zoom, event points close together in the same quarter are served
/// as one cluster with a `point_count`, never dropped.
pub const CLUSTER_BELOW_ZOOM: u8 = 9;

/// Zooms the tiles are made for.
pub const MIN_ZOOM: u8 = 0;
pub const MAX_ZOOM: u8 = 16;

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

    /// The features of `kind` for one tile, before encoding.
    #[must_use]
    pub fn tile_features(
        &self,
        kind: LayerKind,
        coord: TileCoord,
        query: &LayerQuery,
    ) -> Vec<TileFeature> {
        let area = coord.buffered_bounds(BUFFER, EXTENT);
        if kind == LayerKind::Events {
            let filter = Filter {
                time: query.time,
                types: query.types.clone(),
            };
            let positions = self
                .dataset
                .query_positions(Some(&Where::Bbox(area)), &filter)
                .unwrap_or_default();
            let dataset = &self.dataset;
            let full = |i: u32| {
                dataset
                    .event(i)
                    .map(|e| event_tile_feature(&e, u64::from(i)))
            };
            if coord.z < CLUSTER_BELOW_ZOOM {
                // Group plain (point, quarter) pairs; only the points left
                // alone are decoded and made into full features.
                let points: Vec<(Option<LonLat>, i32)> = positions
                    .iter()
                    .map(|&i| {
                        let quarter = dataset.midpoint(i).map_or(0, |d| Period::Quarter.key_of(d));
                        (dataset.point(i), quarter)
                    })
                    .collect();
                let grouping = Grouping::new(&points, coord, CLUSTER_RADIUS);
                return grouping
                    .groups
                    .iter()
                    .filter_map(|members| {
                        let i = positions[members[0]];
                        let period = Period::Quarter.span_of(dataset.midpoint(i)?).label;
                        if let [_] = members.as_slice() {
                            let mut single = full(i)?;
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
                    .collect();
            }
            return positions.iter().filter_map(|&i| full(i)).collect();
        }
        let page = self.features(
            kind,
            &LayerQuery {
                bbox: Some(area),
                ..query.clone()
            },
        );
        page.features
            .iter()
            .enumerate()
            .filter_map(|(i, f)| tile_feature(f, i as u64))
            .collect()
    }

    /// The properties a layer's tiles carry, with their types.
    #[must_use]
    pub fn tile_fields(&self, kind: LayerKind) -> &[(String, FieldType)] {
        self.made[&kind]
            .fields
            .get_or_init(|| self.compute_tile_fields(kind))
    }

    /// Works out [`Catalog::tile_fields`], once, on first use.
    fn compute_tile_fields(&self, kind: LayerKind) -> Vec<(String, FieldType)> {
        let mut fields: Vec<(String, FieldType)> = Vec::new();
        let mut add = |name: &str, t: FieldType| {
            if !fields.iter().any(|(n, _)| n == name) {
                fields.push((name.to_string(), t));
            }
        };
        let sample: Vec<TileFeature> = if kind == LayerKind::Events {
            self.dataset
                .events()
                .take(1)
                .map(|e| event_tile_feature(&e, 0))
                .collect()
        } else {
            self.features(kind, &LayerQuery::default())
                .features
                .iter()
                .filter_map(|f| tile_feature(f, 0))
                .collect()
        };
        for f in &sample {
            for (name, value) in &f.properties {
                add(name, field_type(value));
            }
        }
        if kind == LayerKind::Events {
            add("point_count", FieldType::Number);
            add("cluster", FieldType::Boolean);
            add("period", FieldType::String);
        }
        fields
    }
}

fn field_type(v: &TileValue) -> FieldType {
    match v {
        TileValue::String(_) => FieldType::String,
        TileValue::Int(_) | TileValue::Double(_) => FieldType::Number,
        TileValue::Bool(_) => FieldType::Boolean,
    }
}

/// A GeoJSON feature as a tile feature: its geometry, and its properties as
/// MVT values (arrays and objects as JSON text, nulls left out).
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
    let geometry = match &feature.geometry.as_ref()?.value {
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
    if let Some(geojson::feature::Id::String(s)) = &feature.id {
        properties.push(("id".into(), TileValue::String(s.clone())));
    }
    for (k, v) in feature.properties.iter().flatten() {
        if k == "id" && !properties.is_empty() {
            continue;
        }
        let value = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::Bool(b) => TileValue::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => TileValue::Int(i),
                None => TileValue::Double(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => TileValue::String(s.clone()),
            other => TileValue::String(other.to_string()),
        };
        properties.push((k.clone().into(), value));
    }
    Some(TileFeature {
        id: Some(id),
        geometry,
        properties,
    })
}
