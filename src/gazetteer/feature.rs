//! Places and candidates as GeoJSON (RFC 7946: lon/lat, no `crs`).

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use serde_json::json;

use super::{Candidate, Kind, Place};
use crate::geom::LonLat;

/// Coordinates are written with at most this many decimals (about 1 cm).
const DECIMALS: i32 = 6;

fn round(v: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (v * scale).round() / scale
}

fn position(p: LonLat) -> Vec<f64> {
    vec![round(p.lon), round(p.lat)]
}

/// The place's own geometry: a point, or the polyline of a line place.
fn geometry(place: &Place) -> Geometry {
    let value = match (place.kind, place.line.as_slice()) {
        (Kind::Line, [single]) => Value::LineString(single.iter().copied().map(position).collect()),
        (Kind::Line, parts) if !parts.is_empty() => Value::MultiLineString(
            parts
                .iter()
                .map(|part| part.iter().copied().map(position).collect())
                .collect(),
        ),
        _ => Value::Point(position(place.point)),
    };
    Geometry::new(value)
}

fn place_properties(place: &Place) -> JsonObject {
    let value = json!({
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "class": place.class,
        "countries": place.countries.join(";"),
        "admin1": place.admin1,
        "lon": round(place.point.lon),
        "lat": round(place.point.lat),
        "radius_m": place.radius_m.round() as i64,
        "estimate": place.estimate,
        "layer": place.layer,
        "geonames_id": place.geonames_id,
        "coord_source": place.coord_source,
        "aliases": place.aliases.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("|"),
    });
    match value {
        serde_json::Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

/// A place as a GeoJSON feature with a stable string id.
#[must_use]
pub fn place_to_feature(place: &Place) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(geometry(place)),
        id: Some(geojson::feature::Id::String(place.id.clone())),
        properties: Some(place_properties(place)),
        foreign_members: None,
    }
}

/// Places as a FeatureCollection.
#[must_use]
pub fn places_to_geojson<'a>(places: impl IntoIterator<Item = &'a Place>) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features: places.into_iter().map(place_to_feature).collect(),
        foreign_members: None,
    }
}

/// The candidates of each query as one FeatureCollection; each feature carries
/// the query, its rank, why it matched and its score. Points are the candidate's
/// point (the nearest stretch of a line when a `near` hint was given).
#[must_use]
pub fn candidates_to_geojson(results: &[(&str, &[Candidate<'_>])]) -> FeatureCollection {
    let mut features = Vec::new();
    for (query, candidates) in results {
        for (rank, c) in candidates.iter().enumerate() {
            let mut feature = place_to_feature(c.place);
            if let Some(props) = feature.properties.as_mut() {
                props.insert("query".into(), json!(query));
                props.insert("rank".into(), json!(rank + 1));
                props.insert("matched".into(), json!(c.matched));
                props.insert("reason".into(), json!(c.reason));
                props.insert("score".into(), json!((c.score * 1000.0).round() / 1000.0));
                props.insert("lon".into(), json!(round(c.point.lon)));
                props.insert("lat".into(), json!(round(c.point.lat)));
            }
            features.push(feature);
        }
    }
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

impl super::Gazetteer {
    /// A candidate as a JSON object: the place, how it matched, its score, and
    /// the chain of containing places.
    #[must_use]
    pub fn candidate_json(&self, rank: usize, c: &Candidate<'_>) -> serde_json::Value {
        let place = c.place;
        json!({
            "rank": rank,
            "id": place.id,
            "name": place.name,
            "matched": c.matched,
            "reason": c.reason,
            "edits": c.edits,
            "score": (c.score * 1000.0).round() / 1000.0,
            "kind": place.kind,
            "class": place.class,
            "countries": place.countries,
            "admin1": place.admin1,
            "parents": self.ancestors(place).map(|p| p.id.as_str()).collect::<Vec<_>>(),
            "lon": round(c.point.lon),
            "lat": round(c.point.lat),
            "radius_m": place.radius_m.round() as i64,
            "estimate": place.estimate,
            "layer": place.layer,
            "geonames_id": place.geonames_id,
            "coord_source": place.coord_source,
            "near_distance_m": c.near_distance_m.map(|d| d.round() as i64),
        })
    }
}
