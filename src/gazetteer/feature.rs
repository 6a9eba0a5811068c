//! Places and candidates as GeoJSON (RFC 7946: lon/lat, no `crs`).

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use serde_json::json;

use serde::Serialize;

use super::{Candidate, Kind, Layer, Place, Reason};
use crate::geom::{round_coord as round, LonLat};

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

/// A candidate as written in JSON: the place, how it matched, its score, the
/// chain of containing places, and the point to use (see [`Candidate::point`]).
#[derive(Debug, Clone, Serialize)]
pub struct CandidateView<'g> {
    pub rank: usize,
    pub id: &'g str,
    pub name: &'g str,
    pub matched: &'g str,
    pub reason: Reason,
    pub edits: u32,
    pub score: f64,
    pub kind: Kind,
    pub class: &'g str,
    pub countries: &'g [String],
    pub admin1: &'g str,
    pub parents: Vec<&'g str>,
    pub lon: f64,
    pub lat: f64,
    pub radius_m: i64,
    pub estimate: bool,
    pub layer: Layer,
    pub geonames_id: Option<u32>,
    pub coord_source: &'g str,
    pub near_distance_m: Option<i64>,
}

impl super::Gazetteer {
    /// The JSON view of a candidate ranked `rank` (1 for the best).
    #[must_use]
    pub fn candidate_view<'g>(&'g self, rank: usize, c: &Candidate<'g>) -> CandidateView<'g> {
        let place = c.place;
        CandidateView {
            rank,
            id: &place.id,
            name: &place.name,
            matched: c.matched,
            reason: c.reason,
            edits: c.edits,
            score: (c.score * 1000.0).round() / 1000.0,
            kind: place.kind,
            class: &place.class,
            countries: &place.countries,
            admin1: &place.admin1,
            parents: self.ancestors(place).map(|p| p.id.as_str()).collect(),
            lon: round(c.point.lon),
            lat: round(c.point.lat),
            radius_m: place.radius_m.round() as i64,
            estimate: place.estimate,
            layer: place.layer,
            geonames_id: place.geonames_id,
            coord_source: &place.coord_source,
            near_distance_m: c.near_distance_m.map(|d| d.round() as i64),
        }
    }
}
