//! OGC API - Features, Part 1 (Core) with GeoJSON, under `/ogc`: what QGIS and
//! GDAL (`OAPIF:`) read as a live vector source.
//!
//! | path | answer |
//! |---|---|
//! | `/ogc` | landing page: `self`, `service-desc`, `conformance`, `data` links |
//! | `/ogc/api` | OpenAPI 3.0 description |
//! | `/ogc/conformance` | conformance classes: core, oas30, geojson |
//! | `/ogc/collections` | the [`collections::COLLECTIONS`], with extents |
//! | `/ogc/collections/{id}` | one collection |
//! | `/ogc/collections/{id}/items` | features: `bbox`, `datetime`, `type`, `limit`, `offset` |
//! | `/ogc/collections/{id}/items/{featureId}` | one feature |
//! | `/ogc/collections/{id}/schema` | every property and its type (JSON Schema) |
//! | `/ogc/collections/{id}/queryables` | the same, as queryables |
//!
//! Each collection holds one geometry type, as the file exports do
//! ([`collections`]): `drift` and `places` are their points, `drift_path` and
//! `place_lines` their lines.
//!
//! Paging: `limit` defaults to 10; a larger `limit` than 10,000 is clamped
//! to 10,000 (the spec lets a server do so). Every page carries
//! `numberMatched`, `numberReturned` and `next`/`prev` links that keep the
//! whole query. Links are absolute on the server's [`PublicUrl`] (root-relative
//! without one), never on the request's `Host`.
//! Unknown query parameters (e.g. `f=json`) are ignored.

mod collections;
mod openapi;

pub use collections::{Collection, Schemas, COLLECTIONS};

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::api::{params, QueryParams};
use super::links::{self, link, pair, PublicUrl};
use super::{ApiError, AppState, Params};
use crate::layers::{LayerPage, LayerQuery};

type Shared = State<Arc<AppState>>;

/// Features per page when the client gives no `limit`.
pub const DEFAULT_LIMIT: usize = 10;
/// Most features per page; larger limits are clamped to this.
pub const MAX_LIMIT: usize = 10_000;

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";
const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";
const SCHEMA: &str = "application/schema+json";
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const GREGORIAN: &str = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";

/// The conformance classes this API implements.
pub const CONFORMANCE: [&str; 3] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// The OGC API routes, under `/ogc`.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/api", get(api))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{id}", get(collection))
        .route("/ogc/collections/{id}/items", get(items))
        .route("/ogc/collections/{id}/items/{feature}", get(item))
        .route(
            "/ogc/collections/{id}/schema",
            get(|state, public, path| {
                described(
                    state,
                    public,
                    path,
                    "schema",
                    "the properties of its features",
                )
            }),
        )
        .route(
            "/ogc/collections/{id}/queryables",
            get(|state, public, path| {
                described(
                    state,
                    public,
                    path,
                    "queryables",
                    "its queryable properties",
                )
            }),
        )
}

fn typed(media_type: &'static str, body: &Value) -> Response {
    ([(header::CONTENT_TYPE, media_type)], body.to_string()).into_response()
}

fn layer(id: &str) -> Result<&'static Collection, ApiError> {
    collections::find(id).ok_or_else(|| {
        let ids: Vec<&str> = COLLECTIONS.iter().map(|c| c.id).collect();
        ApiError::NotFound(format!(
            "no collection {id:?}; collections are {}",
            ids.join(", ")
        ))
    })
}

async fn landing(Extension(public): Extension<PublicUrl>) -> Json<Value> {
    let ogc = format!("{}/ogc", public.base());
    Json(json!({
        "title": "scamatlas",
        "description": "Online-scam compounds on Myanmar's borders and the crackdowns on them: \
            events, hubs, drift, flows, places, borders and countries as OGC API - Features.",
        "links": [
            link("self", JSON, "This document", ogc.clone()),
            link("service-desc", OPENAPI, "The API definition", format!("{ogc}/api")),
            link("conformance", JSON, "Conformance classes", format!("{ogc}/conformance")),
            link("data", JSON, "The collections", format!("{ogc}/collections")),
        ],
    }))
}

async fn api(Extension(public): Extension<PublicUrl>) -> Response {
    typed(OPENAPI, &openapi::document(public.base()))
}

async fn conformance() -> Json<Value> {
    Json(json!({ "conformsTo": CONFORMANCE }))
}

async fn collections(State(state): Shared, Extension(public): Extension<PublicUrl>) -> Json<Value> {
    let base = public.base();
    let all: Vec<Value> = COLLECTIONS
        .iter()
        .map(|c| describe(&state, c, base))
        .collect();
    Json(json!({
        "links": [link("self", JSON, "The collections", format!("{base}/ogc/collections"))],
        "collections": all,
    }))
}

async fn collection(
    State(state): Shared,
    Extension(public): Extension<PublicUrl>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    Ok(Json(describe(&state, layer(&id)?, public.base())))
}

/// A collection's metadata: title, extents (its layer's), links.
fn describe(state: &AppState, collection: &Collection, base: &str) -> Value {
    let catalog = state.catalog();
    let kind = collection.kind;
    let here = format!("{base}/ogc/collections/{}", collection.id);
    let bbox = catalog
        .extent(kind)
        .map_or([-180.0, -90.0, 180.0, 90.0], |b| {
            [b.west, b.south, b.east, b.north]
        });
    let mut extent = json!({ "spatial": { "bbox": [bbox], "crs": CRS84 } });
    if kind.is_temporal() {
        if let Some((first, last)) = catalog.time_extent() {
            extent["temporal"] = json!({
                "interval": [[format!("{first}T00:00:00Z"), format!("{last}T23:59:59Z")]],
                "trs": GREGORIAN,
            });
        }
    }
    json!({
        "id": collection.id,
        "title": collection.title,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            link("self", JSON, collection.title, here.clone()),
            link("items", GEOJSON, "The features", format!("{here}/items")),
            link("describedby", SCHEMA, "The schema of the features", format!("{here}/schema")),
            link(
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                SCHEMA,
                "The queryables",
                format!("{here}/queryables"),
            ),
        ],
    })
}

/// The validated query of an items request, kept to rebuild paging links.
struct ItemsQuery {
    layer: LayerQuery,
    /// `name=value` pairs of the filters (not `limit`/`offset`), encoded.
    filters: Vec<String>,
    limit: usize,
}

impl ItemsQuery {
    fn parse(p: &Params) -> Result<Self, ApiError> {
        let limit = whole(p, "limit", DEFAULT_LIMIT, 1)?.min(MAX_LIMIT);
        let offset = whole(p, "offset", 0, 0)?;
        let layer = LayerQuery {
            bbox: p.bbox()?,
            filter: p.filter()?,
            limit: Some(limit),
            offset,
            shape: None,
        };
        let mut filters = Vec::new();
        for name in ["bbox", "datetime"] {
            if let Some(v) = p.get(name) {
                filters.push(pair(name, v));
            }
        }
        let types: Vec<&str> =
            p.0.iter()
                .filter(|(k, _)| k == "type")
                .map(|(_, v)| v.as_str())
                .collect();
        if !types.is_empty() {
            filters.push(pair("type", &types.join(",")));
        }
        Ok(Self {
            layer,
            filters,
            limit,
        })
    }

    /// The URL of the page starting at `offset`.
    fn page(&self, items: &str, offset: usize) -> String {
        let mut query = self.filters.clone();
        query.push(format!("limit={}", self.limit));
        query.push(format!("offset={offset}"));
        format!("{items}?{}", query.join("&"))
    }
}

/// A whole number of at least `min`, or `default`; any size is accepted here
/// and clamped by the caller.
fn whole(p: &Params, name: &str, default: usize, min: usize) -> Result<usize, ApiError> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u128>() {
            Ok(n) if n >= min as u128 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => Err(ApiError::bad(
                name,
                format!("{v:?} must be a whole number of at least {min}"),
            )),
        },
    }
}

async fn items(
    State(state): Shared,
    Extension(public): Extension<PublicUrl>,
    path: Result<Path<String>, PathRejection>,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let Path(id) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let collection = layer(&id)?;
    let query = ItemsQuery::parse(&params(q)?)?;
    let layer_query = collection.query(query.layer.clone());
    let page = super::blocking::offload(move || {
        let page = state.catalog().features(collection.kind, &layer_query);
        LayerPage {
            features: page
                .features
                .into_iter()
                .filter_map(|f| collection.item(f))
                .collect(),
            ..page
        }
    })
    .await?;
    let items = format!("{}/ogc/collections/{id}/items", public.base());
    let (offset, returned) = (query.layer.offset, page.features.len());
    let mut links = vec![link(
        "self",
        GEOJSON,
        "This page",
        query.page(&items, offset),
    )];
    if offset.saturating_add(returned) < page.matched {
        let next = query.page(&items, offset + returned);
        links.push(link("next", GEOJSON, "The next page", next));
    }
    if offset > 0 {
        let prev = query.page(&items, offset.saturating_sub(query.limit));
        links.push(link("prev", GEOJSON, "The previous page", prev));
    }
    let body = items_body(&page, &links).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

/// A page of items as a FeatureCollection, each feature written once, the
/// members of every object in name order (as these answers have always been).
fn items_body(page: &LayerPage, links: &[Value]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut body = Vec::with_capacity(page.features.len() * 1024);
    body.write_all(br#"{"features":["#)?;
    for (i, feature) in page.features.iter().enumerate() {
        if i > 0 {
            body.write_all(b",")?;
        }
        feature.write_sorted(&mut body, &[])?;
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    write!(
        body,
        r#"],"links":{},"numberMatched":{},"numberReturned":{},"timeStamp":"{now}","type":"FeatureCollection"}}"#,
        serde_json::to_string(links)?,
        page.matched,
        page.features.len(),
    )?;
    Ok(body)
}

async fn item(
    State(state): Shared,
    Extension(public): Extension<PublicUrl>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, feature_id)) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let collection = layer(&id)?;
    let wanted = feature_id.clone();
    let feature =
        super::blocking::offload(move || state.catalog().feature(collection.kind, &wanted))
            .await?
            .and_then(|f| collection.item(f))
            .ok_or_else(|| {
                ApiError::NotFound(format!("no feature {feature_id:?} in collection {id:?}"))
            })?;
    let here = format!("{}/ogc/collections/{id}", public.base());
    let links = json!([
        link(
            "self",
            GEOJSON,
            "This feature",
            format!("{here}/items/{}", links::path_segment(&feature_id))
        ),
        link("collection", JSON, collection.title, here),
    ]);
    let mut body = Vec::with_capacity(4096);
    feature
        .write_sorted(&mut body, &[("links", &links)])
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

/// A collection's properties and their types as JSON Schema at `{id}/{what}`.
async fn described(
    State(state): Shared,
    Extension(public): Extension<PublicUrl>,
    path: Result<Path<String>, PathRejection>,
    what: &'static str,
    title: &'static str,
) -> Result<Response, ApiError> {
    let Path(id) = path.map_err(|e| ApiError::bad("path", e.body_text()))?;
    let collection = layer(&id)?;
    let here = format!("{}/ogc/collections/{id}/{what}", public.base());
    let body = super::blocking::offload(move || {
        let catalog = state.catalog();
        let columns = catalog.ogc_schemas.columns(&catalog, collection);
        collections::schema(collection, columns, &here, title)
    })
    .await?;
    Ok(typed(SCHEMA, &body))
}
