//! The OpenAPI 3.0 description of `/ogc`, served at `/ogc/api`.

use serde_json::{json, Value};

use super::{COLLECTIONS, DEFAULT_LIMIT, MAX_LIMIT};

/// The OpenAPI document; `base` is the server's public URL or `""`.
pub fn document(base: &str) -> Value {
    let ids: Vec<&str> = COLLECTIONS.iter().map(|c| c.id).collect();
    let collection_id = json!({
        "name": "collectionId", "in": "path", "required": true,
        "description": "The collection (a layer, or the points or lines of one).",
        "schema": { "type": "string", "enum": ids },
    });
    let feature_id = json!({
        "name": "featureId", "in": "path", "required": true,
        "description": "The feature's id, e.g. an event id such as E062.",
        "schema": { "type": "string" },
    });
    let json_ok = |what: &str| ok(what, "application/json");
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "scamatlas OGC API - Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Online-scam compounds on Myanmar's borders and the crackdowns on them.",
            "license": { "name": "MIT OR Apache-2.0" },
        },
        "servers": [{ "url": format!("{base}/ogc") }],
        "paths": {
            "/": { "get": operation("getLandingPage", "The landing page", vec![],
                json_ok("The landing page with its links")) },
            "/api": { "get": operation("getApi", "This API definition", vec![],
                ok("The OpenAPI document", "application/vnd.oai.openapi+json;version=3.0")) },
            "/conformance": { "get": operation("getConformance", "The conformance classes",
                vec![], json_ok("The conformance classes")) },
            "/collections": { "get": operation("getCollections", "The collections", vec![],
                json_ok("Every collection with its extents")) },
            "/collections/{collectionId}": { "get": operation("describeCollection",
                "One collection", vec![collection_id.clone()],
                with_not_found(json_ok("The collection"))) },
            "/collections/{collectionId}/items": { "get": operation("getFeatures",
                "Features of a collection, paged", items_parameters(collection_id.clone()),
                with_bad_request(with_not_found(ok("A page of features", "application/geo+json")))) },
            "/collections/{collectionId}/items/{featureId}": { "get": operation("getFeature",
                "One feature", vec![collection_id.clone(), feature_id],
                with_not_found(ok("The feature", "application/geo+json"))) },
            "/collections/{collectionId}/schema": { "get": operation("getSchema",
                "The properties of a collection's features and their types", vec![collection_id.clone()],
                with_not_found(ok("A JSON Schema", "application/schema+json"))) },
            "/collections/{collectionId}/queryables": { "get": operation("getQueryables",
                "The queryable properties of a collection and their types", vec![collection_id],
                with_not_found(ok("A JSON Schema", "application/schema+json"))) },
        },
        "components": {
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "code": { "type": "string" },
                        "description": { "type": "string" },
                        "parameter": { "type": "string" },
                    },
                },
            },
        },
    })
}

fn items_parameters(collection_id: Value) -> Vec<Value> {
    vec![
        collection_id,
        json!({
            "name": "bbox", "in": "query", "required": false,
            "description": "west,south,east,north in degrees (CRS84).",
            "style": "form", "explode": false,
            "schema": { "type": "array", "minItems": 4, "maxItems": 4,
                "items": { "type": "number" } },
        }),
        json!({
            "name": "datetime", "in": "query", "required": false,
            "description": "An instant or an interval (`start/end`, `..` for an open end); \
                filters the temporal collections (events, hubs, drift, flows).",
            "schema": { "type": "string" },
        }),
        json!({
            "name": "type", "in": "query", "required": false,
            "description": "Event types, comma-separated; filters the temporal collections.",
            "schema": { "type": "string" },
        }),
        json!({
            "name": "limit", "in": "query", "required": false,
            "description": format!("Features per page; larger values are clamped to {MAX_LIMIT}."),
            "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT },
        }),
        json!({
            "name": "offset", "in": "query", "required": false,
            "description": "Matching features skipped before the page starts.",
            "schema": { "type": "integer", "minimum": 0, "default": 0 },
        }),
    ]
}

fn operation(id: &str, summary: &str, parameters: Vec<Value>, responses: Value) -> Value {
    json!({
        "operationId": id,
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
    })
}

fn ok(description: &str, media_type: &str) -> Value {
    json!({ "200": {
        "description": description,
        "content": { media_type: { "schema": { "type": "object" } } },
    } })
}

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/exception" },
        } },
    })
}

fn with_not_found(mut responses: Value) -> Value {
    responses["404"] = error("No such collection or feature");
    responses
}

fn with_bad_request(mut responses: Value) -> Value {
    responses["400"] = error("A query parameter is invalid; the body names it");
    responses
}
