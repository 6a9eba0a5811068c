//! A layer as one typed table: what every export format writes.
//!
//! GIS software wants one geometry type per layer and one type per column.
//! [`Table::from_features`] works both out from a layer's typed features:
//! single and multi geometries of one family are promoted to the multi type,
//! and a column takes the narrowest type that holds every value (nulls allowed).

use chrono::{DateTime, NaiveDate};
use geo::{Geometry, MapCoords, Orient};

use crate::layers::{Feature, Value};

use crate::geom::round_coord;

/// The geometry type of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeomType {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
}

impl GeomType {
    /// The name GDAL and the OGC use.
    pub fn name(self) -> &'static str {
        match self {
            GeomType::Point => "Point",
            GeomType::MultiPoint => "MultiPoint",
            GeomType::LineString => "LineString",
            GeomType::MultiLineString => "MultiLineString",
            GeomType::Polygon => "Polygon",
            GeomType::MultiPolygon => "MultiPolygon",
        }
    }

    fn of(g: &Geometry) -> Option<Self> {
        Some(match g {
            Geometry::Point(_) => GeomType::Point,
            Geometry::MultiPoint(_) => GeomType::MultiPoint,
            Geometry::LineString(_) | Geometry::Line(_) => GeomType::LineString,
            Geometry::MultiLineString(_) => GeomType::MultiLineString,
            Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => GeomType::Polygon,
            Geometry::MultiPolygon(_) => GeomType::MultiPolygon,
            Geometry::GeometryCollection(_) => return None,
        })
    }

    /// Points, lines or polygons.
    fn family(self) -> u8 {
        match self {
            GeomType::Point | GeomType::MultiPoint => 0,
            GeomType::LineString | GeomType::MultiLineString => 1,
            GeomType::Polygon | GeomType::MultiPolygon => 2,
        }
    }

    fn multi(self) -> Self {
        match self {
            GeomType::Point | GeomType::MultiPoint => GeomType::MultiPoint,
            GeomType::LineString | GeomType::MultiLineString => GeomType::MultiLineString,
            GeomType::Polygon | GeomType::MultiPolygon => GeomType::MultiPolygon,
        }
    }
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Boolean,
    Integer,
    Real,
    /// `YYYY-MM-DD`.
    Date,
    /// RFC 3339.
    DateTime,
    String,
    /// Arrays and objects: native JSON in GeoJSON, JSON text elsewhere.
    Json,
}

impl ColType {
    /// The name of the type in a GDAL `.csvt` file.
    pub fn csvt(self) -> &'static str {
        match self {
            ColType::Boolean => "Integer(Boolean)",
            ColType::Integer => "Integer64",
            ColType::Real => "Real",
            ColType::Date => "Date",
            ColType::DateTime => "DateTime",
            ColType::String | ColType::Json => "String",
        }
    }

    /// The narrowest type holding values of both.
    fn merge(self, other: ColType) -> ColType {
        use ColType::{Integer, Real};
        match (self, other) {
            (a, b) if a == b => a,
            (Integer, Real) | (Real, Integer) => Real,
            _ => ColType::String,
        }
    }

    fn of(v: &Value) -> Option<ColType> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(_) => ColType::Boolean,
            Value::Int(_) => ColType::Integer,
            Value::Float(_) => ColType::Real,
            Value::String(s) if is_date(s) => ColType::Date,
            Value::String(s) if DateTime::parse_from_rfc3339(s).is_ok() => ColType::DateTime,
            Value::String(_) => ColType::String,
            Value::Json(_) => ColType::Json,
        })
    }
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// One column: its name and type.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColType,
}

/// One row: its stable id, geometry (of the table's type) and one value per
/// column, `None` for null.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub geometry: Geometry,
    pub values: Vec<Option<Value>>,
}

/// A layer ready to write.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub geometry_type: GeomType,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Features left out, and why: those without a geometry, or with one of
    /// another family than the table's (see [`Table::from_features`]).
    pub left_out: Vec<String>,
}

impl Table {
    /// The table of `features`, named `name`.
    ///
    /// The geometry type is that of the family (points, lines, polygons) most
    /// features have, promoted to its multi type when single and multi
    /// geometries are mixed; features of another family are left out and
    /// listed in [`Table::left_out`]. Coordinates are rounded as every output
    /// rounds them ([`crate::geom::precision`]) and polygon rings follow the right-hand rule (exterior
    /// counterclockwise), as RFC 7946 asks. Columns come in the order the
    /// features list their properties, `id` first; a column whose values mix
    /// types becomes a String column with each value as text.
    #[must_use]
    pub fn from_features(name: &str, features: &[Feature]) -> Table {
        let (geometries, mut left_out) = simple_geometries(features);
        let (geometries, geometry_type) = one_family(geometries, features, &mut left_out);
        let columns = columns(features, &geometries);
        let rows = geometries
            .into_iter()
            .map(|(i, g, _)| {
                let f = &features[i];
                let values = columns
                    .iter()
                    .map(|c| {
                        f.property(&c.name)
                            .filter(|v| **v != Value::Null)
                            .map(|v| as_column(v, c.kind))
                    })
                    .collect();
                Row {
                    id: feature_id(f, i),
                    geometry: promote(tidy(g), geometry_type),
                    values,
                }
            })
            .collect();
        Table {
            name: name.to_string(),
            geometry_type,
            columns,
            rows,
            left_out,
        }
    }

    /// West, south, east and north of all rows, if there are any.
    #[must_use]
    pub fn extent(&self) -> Option<[f64; 4]> {
        use geo::BoundingRect;
        self.rows
            .iter()
            .filter_map(|r| r.geometry.bounding_rect())
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
    }
}

/// A feature's position, geometry and geometry type.
type Placed = (usize, Geometry, GeomType);

/// The features with a simple geometry, and why the others are left out.
fn simple_geometries(features: &[Feature]) -> (Vec<Placed>, Vec<String>) {
    let mut left_out = Vec::new();
    let mut geometries = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let converted = f
            .geometry
            .clone()
            .and_then(|g| Geometry::<f64>::try_from(g).ok())
            .and_then(|g| GeomType::of(&g).map(|t| (g, t)));
        match converted {
            Some((g, t)) => geometries.push((i, g, t)),
            None => left_out.push(format!("{}: no simple geometry", feature_id(f, i))),
        }
    }
    (geometries, left_out)
}

/// The geometries of the family most have (points first on a tie), and the
/// table's geometry type: their type, or its multi type when they mix single
/// and multi. The others are added to `left_out`.
fn one_family(
    mut geometries: Vec<Placed>,
    features: &[Feature],
    left_out: &mut Vec<String>,
) -> (Vec<Placed>, GeomType) {
    let mut counts = [0usize; 3];
    for (_, _, t) in &geometries {
        counts[usize::from(t.family())] += 1;
    }
    let family = (0..3u8)
        .max_by_key(|&f| (counts[usize::from(f)], std::cmp::Reverse(f)))
        .unwrap_or(0);
    let mut types: Vec<GeomType> = Vec::new();
    geometries.retain(|(i, _, t)| {
        if t.family() == family {
            if !types.contains(t) {
                types.push(*t);
            }
            true
        } else {
            left_out.push(format!(
                "{}: a {} in a layer of {}s",
                feature_id(&features[*i], *i),
                t.name(),
                ["point", "line", "polygon"][usize::from(family)]
            ));
            false
        }
    });
    let geometry_type = match types.as_slice() {
        [one] => *one,
        [first, ..] => first.multi(),
        [] => [GeomType::Point, GeomType::LineString, GeomType::Polygon][usize::from(family)],
    };
    (geometries, geometry_type)
}

/// The columns of the features kept: every property name, in the order first
/// seen with `id` first, each of the narrowest type of its non-null values
/// (String when there are none).
fn columns(features: &[Feature], geometries: &[Placed]) -> Vec<Column> {
    let mut names: Vec<&str> = Vec::new();
    for (i, _, _) in geometries {
        for (name, _) in &features[*i].properties {
            if !names.contains(&name.as_ref()) {
                names.push(name);
            }
        }
    }
    names.sort_by_key(|&n| n != "id");
    names
        .into_iter()
        .map(|name| {
            let kind = geometries
                .iter()
                .filter_map(|(i, _, _)| features[*i].property(name).and_then(ColType::of))
                .reduce(ColType::merge)
                .unwrap_or(ColType::String);
            Column {
                name: name.to_string(),
                kind,
            }
        })
        .collect()
}

/// The string id of a feature, or its position when it has none.
fn feature_id(f: &Feature, i: usize) -> String {
    f.id.clone().unwrap_or_else(|| format!("{}", i + 1))
}

/// A value as its column holds it: text for String columns of mixed values.
fn as_column(v: &Value, kind: ColType) -> Value {
    match (kind, v) {
        (ColType::String, Value::String(_)) => v.clone(),
        (ColType::String, other) => Value::String(other.text()),
        _ => v.clone(),
    }
}

/// Rounded coordinates, polygons wound by the right-hand rule.
fn tidy(g: Geometry) -> Geometry {
    let rounded = g.map_coords(|c| geo::Coord {
        x: round_coord(c.x),
        y: round_coord(c.y),
    });
    match rounded {
        Geometry::Polygon(p) => Geometry::Polygon(p.orient(geo::orient::Direction::Default)),
        Geometry::MultiPolygon(p) => {
            Geometry::MultiPolygon(p.orient(geo::orient::Direction::Default))
        }
        other => other,
    }
}

/// `g` as a geometry of type `to` (a single geometry into its multi type).
fn promote(g: Geometry, to: GeomType) -> Geometry {
    match (g, to) {
        (Geometry::Point(p), GeomType::MultiPoint) => {
            Geometry::MultiPoint(geo::MultiPoint::new(vec![p]))
        }
        (Geometry::LineString(l), GeomType::MultiLineString) => {
            Geometry::MultiLineString(geo::MultiLineString::new(vec![l]))
        }
        (Geometry::Polygon(p), GeomType::MultiPolygon) => {
            Geometry::MultiPolygon(geo::MultiPolygon::new(vec![p]))
        }
        (g, _) => g,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(id: &str, geometry: serde_json::Value, props: serde_json::Value) -> Feature {
        Feature::from_geojson(
            geojson::Feature::from_json_value(json!({
                "type": "Feature", "id": id, "geometry": geometry, "properties": props,
            }))
            .unwrap(),
        )
    }

    #[test]
    fn single_and_multi_points_become_multipoints_and_columns_get_one_type() {
        let features = [
            feature(
                "a",
                json!({"type": "Point", "coordinates": [98.123456789, 16.5]}),
                json!({"n": 1, "x": 1, "day": "2024-01-02", "mixed": 3, "late": null}),
            ),
            feature(
                "b",
                json!({"type": "MultiPoint", "coordinates": [[98.0, 16.0], [99.0, 17.0]]}),
                json!({"n": 2, "x": 1.5, "day": "2024-02-03", "mixed": "three", "late": "2024-03-01"}),
            ),
            feature(
                "c",
                json!({"type": "LineString", "coordinates": [[98.0, 16.0], [99.0, 17.0]]}),
                json!({"n": "not a number"}),
            ),
        ];
        let table = Table::from_features("t", &features);
        assert_eq!(table.geometry_type, GeomType::MultiPoint);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.left_out.len(), 1, "{:?}", table.left_out);
        assert!(table.left_out[0].starts_with("c: a LineString"));
        let kinds: Vec<(&str, ColType)> = table
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("day", ColType::Date),
                ("late", ColType::Date),
                ("mixed", ColType::String),
                ("n", ColType::Integer),
                ("x", ColType::Real),
            ]
        );
        assert_eq!(table.rows[0].values[2], Some(Value::String("3".into())));
        assert_eq!(table.rows[0].values[1], None);
        match &table.rows[0].geometry {
            Geometry::MultiPoint(mp) => assert_eq!(mp.0[0].x(), 98.123457),
            other => panic!("{other:?}"),
        }
        assert_eq!(table.extent(), Some([98.0, 16.0, 99.0, 17.0]));
    }

    #[test]
    fn polygons_follow_the_right_hand_rule() {
        // Clockwise exterior in, counterclockwise out.
        let features = [feature(
            "p",
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]]}),
            json!({}),
        )];
        let table = Table::from_features("t", &features);
        let Geometry::Polygon(p) = &table.rows[0].geometry else {
            panic!("a polygon")
        };
        use geo::Winding;
        assert!(p.exterior().is_ccw());
    }
}
