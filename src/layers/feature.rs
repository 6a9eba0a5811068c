//! Features: what a layer holds. A [`Feature`] is an id, a geometry and typed
//! properties in order; GeoJSON ([`Feature::write_geojson`],
//! [`Feature::write_sorted`]), vector tiles ([`tile_feature`](super::tile_feature))
//! and export tables ([`Table::from_features`](crate::export::Table::from_features))
//! all read these, each once, without going through JSON values.
//!
//! # Units
//! Geometry positions are `[lon, lat]` in WGS84 degrees.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::events::Event;
use crate::geom::round_coord;
use crate::geom::Bbox;

/// One feature of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// A stable id: an event's `E042`, a hub's `2024-Q1/1`, a place's id.
    pub id: Option<String>,
    pub geometry: Option<geojson::Value>,
    /// Named values, in the order they are written.
    pub properties: Vec<(Cow<'static, str>, Value)>,
}

/// A property value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// An array or an object (an event's places, counts and sources).
    Json(serde_json::Value),
}

impl Value {
    /// A JSON value as a property: numbers that fit an `i64` as `Int`, other
    /// numbers as `Float`, arrays and objects as `Json`.
    #[must_use]
    pub fn from_json(value: serde_json::Value) -> Value {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::String(s),
            other => Value::Json(other),
        }
    }

    /// Compact JSON, as `serde_json` writes the same value (a float that is
    /// not finite as `null`).
    ///
    /// # Errors
    /// Only what `out` reports.
    pub fn write_json<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        match self {
            Value::Null => out.write_all(b"null"),
            Value::Bool(b) => out.write_all(if *b { b"true" } else { b"false" }),
            Value::Int(i) => out.write_all(itoa::Buffer::new().format(*i).as_bytes()),
            Value::Float(f) => json(out, f),
            Value::String(s) => json(out, s),
            Value::Json(v) => json(out, v),
        }
    }

    /// A whole number, if the value is one.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A number, if the value is one.
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The value as text for a table cell: strings as they are, anything else
    /// as its JSON.
    #[must_use]
    pub fn text(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Json(v) => v.to_string(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            // As serde_json writes it, `null` when not finite.
            Value::Float(f) => serde_json::Value::from(*f).to_string(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::String(v) => s.serialize_str(v),
            Value::Json(v) => v.serialize(s),
        }
    }
}

/// `value` as compact JSON through `serde_json`.
fn json<W: Write + ?Sized, T: Serialize + ?Sized>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(out, value).map_err(io::Error::from)
}

/// What a geometry is made of: a GIS layer (an OGC collection, an export)
/// holds one of these, single and multi geometries alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    Points,
    Lines,
    Polygons,
}

impl Shape {
    /// The shape of a geometry; `None` for a geometry collection.
    #[must_use]
    pub fn of(geometry: &geojson::Value) -> Option<Shape> {
        use geojson::Value as G;
        match geometry {
            G::Point(_) | G::MultiPoint(_) => Some(Shape::Points),
            G::LineString(_) | G::MultiLineString(_) => Some(Shape::Lines),
            G::Polygon(_) | G::MultiPolygon(_) => Some(Shape::Polygons),
            G::GeometryCollection(_) => None,
        }
    }
}

impl Feature {
    /// The shape of the feature's geometry, if it has a simple one.
    #[must_use]
    pub fn shape(&self) -> Option<Shape> {
        self.geometry.as_ref().and_then(Shape::of)
    }

    /// The feature with a single geometry made the multi geometry of one
    /// part (a Point a MultiPoint...), as a layer that mixes them is written.
    #[must_use]
    pub fn into_multi(mut self) -> Feature {
        use geojson::Value as G;
        self.geometry = self.geometry.map(|g| match g {
            G::Point(p) => G::MultiPoint(vec![p]),
            G::LineString(l) => G::MultiLineString(vec![l]),
            G::Polygon(p) => G::MultiPolygon(vec![p]),
            other => other,
        });
        self
    }

    /// A GeoJSON feature as a typed one. A numeric id is kept as its text;
    /// `bbox` and foreign members are not kept.
    #[must_use]
    pub fn from_geojson(feature: geojson::Feature) -> Feature {
        Feature {
            id: feature.id.map(|id| match id {
                geojson::feature::Id::String(s) => s,
                geojson::feature::Id::Number(n) => n.to_string(),
            }),
            geometry: feature.geometry.map(|g| g.value),
            properties: feature
                .properties
                .into_iter()
                .flatten()
                .map(|(k, v)| (Cow::Owned(k), Value::from_json(v)))
                .collect(),
        }
    }

    /// The value of property `name`, if the feature has it.
    #[must_use]
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find_map(|(k, v)| (k == name).then_some(v))
    }

    /// The bounding box of the geometry, if there is one.
    #[must_use]
    pub fn bbox(&self) -> Option<Bbox> {
        self.geometry.as_ref().and_then(geometry_bbox)
    }

    /// The feature as compact GeoJSON, its members in the order the `geojson`
    /// crate writes them (`type`, `geometry`, `properties`, `id`) and its
    /// properties in their own order.
    ///
    /// # Errors
    /// Only what `out` reports.
    pub fn write_geojson<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(br#"{"type":"Feature","geometry":"#)?;
        write_geometry(self.geometry.as_ref(), out, false)?;
        out.write_all(br#","properties":"#)?;
        write_properties(self.properties.iter(), out)?;
        if let Some(id) = &self.id {
            out.write_all(br#","id":"#)?;
            json(out, id)?;
        }
        out.write_all(b"}")
    }

    /// The feature as compact GeoJSON with the members of every object in
    /// name order, `extra` members (the links of an OGC item) among them:
    /// the form of OGC API items.
    ///
    /// # Errors
    /// Only what `out` reports.
    pub fn write_sorted<W: Write + ?Sized>(
        &self,
        out: &mut W,
        extra: &[(&str, &serde_json::Value)],
    ) -> io::Result<()> {
        enum Member<'a> {
            Geometry,
            Id(&'a str),
            Properties,
            Type,
            Extra(&'a serde_json::Value),
        }
        let mut members = vec![
            ("geometry", Member::Geometry),
            ("properties", Member::Properties),
            ("type", Member::Type),
        ];
        if let Some(id) = &self.id {
            members.push(("id", Member::Id(id)));
        }
        members.extend(extra.iter().map(|&(k, v)| (k, Member::Extra(v))));
        members.sort_by_key(|&(k, _)| k);
        out.write_all(b"{")?;
        for (i, (name, member)) in members.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            json(out, name)?;
            out.write_all(b":")?;
            match member {
                Member::Geometry => write_geometry(self.geometry.as_ref(), out, true)?,
                Member::Id(id) => json(out, id)?,
                Member::Type => out.write_all(br#""Feature""#)?,
                Member::Extra(v) => json(out, v)?,
                Member::Properties => {
                    let mut sorted: Vec<&(Cow<'static, str>, Value)> =
                        self.properties.iter().collect();
                    sorted.sort_by(|a, b| a.0.cmp(&b.0));
                    write_properties(sorted.into_iter(), out)?;
                }
            }
        }
        out.write_all(b"}")
    }
}

/// Properties as one JSON object, in the order given.
fn write_properties<'a, W: Write + ?Sized>(
    properties: impl Iterator<Item = &'a (Cow<'static, str>, Value)>,
    out: &mut W,
) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (name, value)) in properties.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        json(out, name.as_ref())?;
        out.write_all(b":")?;
        value.write_json(out)?;
    }
    out.write_all(b"}")
}

/// A geometry as GeoJSON: `{"type":..,"coordinates":..}`, or with `sorted`
/// the members in name order.
fn write_geometry<W: Write + ?Sized>(
    geometry: Option<&geojson::Value>,
    out: &mut W,
    sorted: bool,
) -> io::Result<()> {
    let Some(value) = geometry else {
        return out.write_all(b"null");
    };
    let name = value.type_name();
    let key = match value {
        geojson::Value::GeometryCollection(_) => "geometries",
        _ => "coordinates",
    };
    if sorted {
        write!(out, r#"{{"{key}":"#)?;
    } else {
        write!(out, r#"{{"type":"{name}","{key}":"#)?;
    }
    match value {
        geojson::Value::Point(p) => json(out, p)?,
        geojson::Value::MultiPoint(ps) | geojson::Value::LineString(ps) => json(out, ps)?,
        geojson::Value::MultiLineString(ls) | geojson::Value::Polygon(ls) => json(out, ls)?,
        geojson::Value::MultiPolygon(ps) => json(out, ps)?,
        geojson::Value::GeometryCollection(gs) => {
            out.write_all(b"[")?;
            for (i, g) in gs.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_geometry(Some(&g.value), out, sorted)?;
            }
            out.write_all(b"]")?;
        }
    }
    if sorted {
        write!(out, r#","type":"{name}"}}"#)
    } else {
        out.write_all(b"}")
    }
}

/// One event as a feature: the same id, geometry and properties as its
/// GeoJSON ([`crate::events::write_geojson`], the one definition; the tests
/// below check them equal). The properties are in name order, as those of the
/// other layers (which come from JSON objects) are, and so are the members of
/// the objects inside them (`places`, `counts`, `sources`).
#[must_use]
pub fn event_feature(event: &Event) -> Feature {
    let position = |p: crate::geom::LonLat| vec![round_coord(p.lon), round_coord(p.lat)];
    let geometry = match event.places.as_slice() {
        [one] => geojson::Value::Point(position(one.point)),
        many => geojson::Value::MultiPoint(many.iter().map(|p| position(p.point)).collect()),
    };
    let text = |s: &str| Value::String(s.to_string());
    let joined = |parts: Vec<&str>, separator: &str| Value::String(parts.join(separator));
    let place = |p: Option<&crate::events::EventPlace>| {
        p.map_or(Value::Null, |p| Value::Json(serde_json::json!(p)))
    };
    let mut properties: Vec<(&'static str, Value)> = vec![
        ("id", text(&event.id)),
        ("date", Value::String(event.date.to_string())),
        ("date_precision", text(event.date.precision.as_str())),
        ("start", Value::String(event.date.first_day().to_string())),
        ("end", Value::String(event.date.last_day().to_string())),
        (
            "end_date",
            event
                .date
                .end
                .map_or(Value::Null, |d| Value::String(d.to_string())),
        ),
        ("type", text(event.event_type.as_str())),
        (
            "place_ids",
            joined(
                event
                    .places
                    .iter()
                    .map(|p| p.id.as_deref().unwrap_or(""))
                    .collect(),
                ";",
            ),
        ),
        (
            "place_names",
            joined(event.places.iter().map(|p| p.name.as_str()).collect(), ";"),
        ),
        ("radius_m", Value::Int(event.radius_m().round() as i64)),
        (
            "persons_best",
            Value::Int(i64::try_from(event.persons_best()).unwrap_or(i64::MAX)),
        ),
        ("aggregate", Value::Bool(event.aggregate)),
        (
            "source_urls",
            joined(event.sources.iter().map(|s| s.url.as_str()).collect(), " "),
        ),
        ("places", Value::Json(serde_json::json!(event.places))),
        ("origin", place(event.origin.as_deref())),
        ("destination", place(event.destination.as_deref())),
        ("counts", Value::Json(serde_json::json!(event.counts))),
        ("sources", Value::Json(serde_json::json!(event.sources))),
        ("actors", Value::Json(serde_json::json!(event.actors))),
        ("notes", text(&event.notes)),
    ];
    properties.sort_unstable_by_key(|&(name, _)| name);
    Feature {
        id: Some(event.id.to_string()),
        geometry: Some(geometry),
        properties: properties
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{event_to_feature, synthetic, write_geojson};

    /// The events of the tests: synthetic ones (several places, odd text)
    /// and the bundled ones.
    fn events() -> Vec<Event> {
        let mut events = synthetic::events(300, 11);
        let bundled = crate::events::load(
            &[crate::events::EventInput::Bundled],
            &crate::gazetteer::Gazetteer::bundled().expect("gazetteer"),
            crate::events::Rules::default(),
            false,
        )
        .expect("bundled events");
        events.extend(bundled.events);
        events
    }

    #[test]
    fn an_event_feature_is_its_geojson() {
        for event in events() {
            let typed = event_feature(&event);
            // The same JSON as the event's own GeoJSON, member for member
            // (every property, each with the same value).
            let mut written = Vec::new();
            typed.write_geojson(&mut written).unwrap();
            let mut own = Vec::new();
            write_geojson([&event], &mut own).unwrap();
            let own: serde_json::Value = serde_json::from_slice(&own).unwrap();
            let written: serde_json::Value = serde_json::from_slice(&written).unwrap();
            assert_eq!(written, own["features"][0], "{}", event.id);
            // In name order.
            let names: Vec<&str> = typed.properties.iter().map(|(k, _)| k.as_ref()).collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        }
    }

    #[test]
    fn the_sorted_form_is_the_json_value_written() {
        // What OGC items wrote when they went through serde_json values.
        for event in events() {
            let old =
                serde_json::to_string(&serde_json::to_value(event_to_feature(&event)).unwrap())
                    .unwrap();
            let mut new = Vec::new();
            event_feature(&event).write_sorted(&mut new, &[]).unwrap();
            assert_eq!(String::from_utf8(new).unwrap(), old, "{}", event.id);
        }
    }

    #[test]
    fn a_geojson_feature_is_written_back_as_it_came() {
        let text = r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0.0,0.0],[1.5,0.0],[1.0,1.0],[0.0,0.0]]]},"properties":{"a":[1,{"b":null}],"big":1e300,"flag":true,"n":-3,"name":"x\"y","none":null,"x":2.5},"id":"p/1"}"#;
        let feature: geojson::Feature = text.parse().unwrap();
        let typed = Feature::from_geojson(feature.clone());
        let mut out = Vec::new();
        typed.write_geojson(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&feature).unwrap()
        );
        let mut sorted = Vec::new();
        let links = serde_json::json!([{"rel": "self"}]);
        typed
            .write_sorted(&mut sorted, &[("links", &links)])
            .unwrap();
        let mut value = serde_json::to_value(&feature).unwrap();
        value["links"] = links;
        assert_eq!(String::from_utf8(sorted).unwrap(), value.to_string());
        assert_eq!(typed.property("n"), Some(&Value::Int(-3)));
        // Table cells: strings as they are, anything else as its JSON.
        for (name, value) in feature.properties.iter().flatten() {
            let cell = typed.property(name).unwrap().text();
            match value {
                serde_json::Value::String(s) => assert_eq!(&cell, s),
                other => assert_eq!(cell, other.to_string()),
            }
        }
        assert_eq!(typed.property("x"), Some(&Value::Float(2.5)));
    }
}
