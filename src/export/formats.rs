//! One writer per format, each from a [`Table`].

use std::io::Write;
use std::path::Path;

use geozero::ToWkt;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::table::{ColType, GeomType, Row, Table};
use super::ExportError;
use crate::layers::Value;

/// The properties of a row, in column order, nulls included (so every feature
/// shows every column).
struct Properties<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.table.columns.len()))?;
        for (column, value) in self.table.columns.iter().zip(&self.row.values) {
            map.serialize_entry(&column.name, value)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct FeatureOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: geojson::Geometry,
    properties: Properties<'a>,
}

fn feature<'a>(table: &'a Table, row: &'a Row) -> FeatureOut<'a> {
    FeatureOut {
        kind: "Feature",
        id: &row.id,
        geometry: geojson::Geometry::from(&row.geometry),
        properties: Properties { table, row },
    }
}

/// RFC 7946 GeoJSON: one FeatureCollection named after the layer, no `crs`.
pub fn geojson(table: &Table, out: &mut dyn Write, tick: &dyn Fn()) -> Result<(), ExportError> {
    write!(
        out,
        r#"{{"type":"FeatureCollection","name":{},"features":["#,
        serde_json::to_string(&table.name)?
    )?;
    for (i, row) in table.rows.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        } else {
            out.write_all(b"\n")?;
        }
        serde_json::to_writer(&mut *out, &feature(table, row))?;
        tick();
    }
    out.write_all(b"\n]}\n")?;
    Ok(())
}

/// GeoJSON text sequences (RFC 8142): each feature after a record separator
/// and before a newline.
pub fn geojsonseq(table: &Table, out: &mut dyn Write, tick: &dyn Fn()) -> Result<(), ExportError> {
    for row in &table.rows {
        out.write_all(b"\x1e")?;
        serde_json::to_writer(&mut *out, &feature(table, row))?;
        out.write_all(b"\n")?;
        tick();
    }
    Ok(())
}

/// A value as CSV text: dates and strings as they are, booleans as 1 or 0,
/// arrays and objects as JSON.
fn csv_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => u8::from(*b).to_string(),
        other => other.text(),
    }
}

/// CSV with the geometry as `WKT` (the column GDAL and QGIS take as geometry),
/// `lon` and `lat` of a point on it, then the columns. The column types go to
/// `types` in GDAL's `.csvt` form when asked.
pub fn csv(
    table: &Table,
    out: &mut dyn Write,
    types: Option<&mut dyn Write>,
    tick: &dyn Fn(),
) -> Result<(), ExportError> {
    use geo::InteriorPoint;
    // Where the table has lon and lat columns already (places), they stand.
    let own_lonlat = !table
        .columns
        .iter()
        .any(|c| c.name == "lon" || c.name == "lat");
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["WKT".to_string()];
    let mut kinds = vec!["WKT"];
    if own_lonlat {
        header.extend(["lon".to_string(), "lat".to_string()]);
        kinds.extend(["Real", "Real"]);
    }
    for c in &table.columns {
        header.push(c.name.clone());
        kinds.push(c.kind.csvt());
    }
    w.write_record(&header)?;
    for row in &table.rows {
        let mut record = vec![row.geometry.to_wkt().map_err(ExportError::geometry)?];
        if own_lonlat {
            let point = row.geometry.interior_point();
            record.push(point.map_or(String::new(), |p| p.x().to_string()));
            record.push(point.map_or(String::new(), |p| p.y().to_string()));
        }
        record.extend(
            row.values
                .iter()
                .map(|v| v.as_ref().map_or(String::new(), csv_text)),
        );
        w.write_record(&record)?;
        tick();
    }
    w.flush()?;
    if let Some(types) = types {
        let quoted: Vec<String> = kinds.iter().map(|k| format!("\"{k}\"")).collect();
        writeln!(types, "{}", quoted.join(","))?;
    }
    Ok(())
}

/// FlatGeobuf with its packed Hilbert R-tree index and EPSG:4326.
pub fn fgb(table: &Table, out: &mut dyn Write, tick: &dyn Fn()) -> Result<(), ExportError> {
    use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
    use geozero::{ColumnValue, PropertyProcessor};

    let geometry_type = match table.geometry_type {
        GeomType::Point => GeometryType::Point,
        GeomType::MultiPoint => GeometryType::MultiPoint,
        GeomType::LineString => GeometryType::LineString,
        GeomType::MultiLineString => GeometryType::MultiLineString,
        GeomType::Polygon => GeometryType::Polygon,
        GeomType::MultiPolygon => GeometryType::MultiPolygon,
    };
    let mut writer = FgbWriter::create_with_options(
        &table.name,
        geometry_type,
        FgbWriterOptions {
            crs: FgbCrs {
                code: 4326,
                ..FgbCrs::default()
            },
            detect_type: false,
            promote_to_multi: false,
            title: Some(&table.name),
            ..FgbWriterOptions::default()
        },
    )?;
    for c in &table.columns {
        let kind = match c.kind {
            ColType::Boolean => ColumnType::Bool,
            ColType::Integer => ColumnType::Long,
            ColType::Real => ColumnType::Double,
            ColType::Date | ColType::DateTime => ColumnType::DateTime,
            ColType::String => ColumnType::String,
            ColType::Json => ColumnType::Json,
        };
        writer.add_column(&c.name, kind, |_, column| column.nullable = true);
    }
    for row in &table.rows {
        let mut failed = None;
        writer.add_feature_geom(row.geometry.clone(), |feature| {
            for (i, (column, value)) in table.columns.iter().zip(&row.values).enumerate() {
                let Some(value) = value else { continue };
                let text;
                let v = match (column.kind, value) {
                    (ColType::Boolean, Value::Bool(b)) => ColumnValue::Bool(*b),
                    (ColType::Integer, v) => ColumnValue::Long(v.as_i64().unwrap_or_default()),
                    (ColType::Real, v) => ColumnValue::Double(v.as_f64().unwrap_or_default()),
                    (ColType::Date | ColType::DateTime, Value::String(s)) => {
                        ColumnValue::DateTime(s)
                    }
                    (ColType::Json, v) => {
                        text = v.text();
                        ColumnValue::Json(&text)
                    }
                    (_, v) => {
                        text = csv_text(v);
                        ColumnValue::String(&text)
                    }
                };
                if let Err(e) = feature.property(i, &column.name, &v) {
                    failed = Some(e);
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        tick();
    }
    if table.geometry_type == GeomType::MultiLineString {
        let mut raw = Vec::new();
        writer.write(&mut raw)?;
        out.write_all(&with_multilinestring_ends(&raw)?)?;
    } else {
        writer.write(out)?;
    }
    Ok(())
}

/// The FlatGeobuf file `raw` with `ends` given to every MultiLineString that
/// lacks them.
///
/// The flatgeobuf crate leaves `ends` out of a one-part MultiLineString (the
/// specification allows it), but GDAL before 3.9.3 refuses such a feature and
/// stops reading the layer there ("Unexpected nullptr: MultiLineString ends
/// data"): QGIS on Debian 12 showed 2 of the 15 borders. Each such feature is
/// rebuilt with `ends = [its number of points]`, and the leaf offsets of the
/// spatial index follow the features' new sizes; the header, the index's boxes
/// and the feature order are unchanged.
fn with_multilinestring_ends(raw: &[u8]) -> Result<Vec<u8>, ExportError> {
    use flatgeobuf::packed_r_tree::PackedRTree;
    use flatgeobuf::{
        size_prefixed_root_as_feature, size_prefixed_root_as_header, Feature, FeatureArgs,
        Geometry, GeometryArgs,
    };

    const MAGIC: usize = 8;
    const NODE: usize = 40; // four f64 and a u64 offset
    let corrupt = || ExportError::FlatGeobuf(flatgeobuf::Error::IllegalHeaderSize(raw.len()));
    let prefixed = |at: usize| -> Result<usize, ExportError> {
        let bytes = raw.get(at..at + 4).ok_or_else(corrupt)?;
        let size = u32::from_le_bytes(bytes.try_into().map_err(|_| corrupt())?);
        Ok(4 + size as usize)
    };
    let header_len = prefixed(MAGIC)?;
    let header = size_prefixed_root_as_header(&raw[MAGIC..MAGIC + header_len])
        .map_err(flatgeobuf::Error::from)?;
    let count = usize::try_from(header.features_count()).map_err(|_| corrupt())?;
    let node_size = header.index_node_size();
    let index_start = MAGIC + header_len;
    let index_len = if node_size > 0 && count > 0 {
        PackedRTree::index_size(count, node_size)
    } else {
        0
    };
    let features_start = index_start + index_len;

    // The features, rebuilt where needed, and where each old offset went.
    let mut features = Vec::with_capacity(raw.len() - features_start);
    let mut moved = std::collections::HashMap::with_capacity(count);
    let mut at = features_start;
    while at < raw.len() {
        let len = prefixed(at)?;
        let bytes = raw.get(at..at + len).ok_or_else(corrupt)?;
        moved.insert((at - features_start) as u64, features.len() as u64);
        let feature = size_prefixed_root_as_feature(bytes).map_err(flatgeobuf::Error::from)?;
        match feature.geometry() {
            Some(g) if g.ends().is_none() && g.parts().is_none() => {
                let mut fbb = flatbuffers::FlatBufferBuilder::with_capacity(len + 16);
                let xy: Vec<f64> = g.xy().map(|v| v.iter().collect()).unwrap_or_default();
                let points = u32::try_from(xy.len() / 2).map_err(|_| corrupt())?;
                let geometry_args = GeometryArgs {
                    xy: Some(fbb.create_vector(&xy)),
                    ends: Some(fbb.create_vector(&[points])),
                    type_: g.type_(),
                    ..GeometryArgs::default()
                };
                let geometry = Geometry::create(&mut fbb, &geometry_args);
                let properties = feature.properties().map(|p| fbb.create_vector(p.bytes()));
                let args = FeatureArgs {
                    geometry: Some(geometry),
                    properties,
                    columns: None,
                };
                let rebuilt = Feature::create(&mut fbb, &args);
                fbb.finish_size_prefixed(rebuilt, None);
                features.extend_from_slice(fbb.finished_data());
            }
            _ => features.extend_from_slice(bytes),
        }
        at += len;
    }

    let mut out = Vec::with_capacity(features_start + features.len());
    out.extend_from_slice(&raw[..features_start]);
    // The leaves are the index's last `count` nodes; their offsets are the
    // features' byte offsets after the index.
    for leaf in 0..if index_len > 0 { count } else { 0 } {
        let offset_at = features_start - (count - leaf) * NODE + 32;
        let old = u64::from_le_bytes(
            out[offset_at..offset_at + 8]
                .try_into()
                .map_err(|_| corrupt())?,
        );
        let new = moved.get(&old).ok_or_else(corrupt)?;
        out[offset_at..offset_at + 8].copy_from_slice(&new.to_le_bytes());
    }
    out.extend_from_slice(&features);
    Ok(out)
}

/// GeoPackage 1.3 as `PRAGMA user_version` (with `application_id` "GPKG").
pub const GPKG_USER_VERSION: i32 = 10300;

/// A GeoPackage at `path` (which must not exist or be empty): one feature
/// table with an R-tree index, EPSG:4326, and its extent in `gpkg_contents`.
pub fn gpkg(table: &Table, path: &Path, tick: &dyn Fn()) -> Result<(), ExportError> {
    use geopackage::core::types::{ColumnType, GeometryType};
    use geopackage::{
        ColumnSpec, GeoPackage, GeometrySpec, NewFeature, TableSchemaBuilder, Value as Cell,
    };

    let geometry_type = match table.geometry_type {
        GeomType::Point => GeometryType::Point,
        GeomType::MultiPoint => GeometryType::MultiPoint,
        GeomType::LineString => GeometryType::LineString,
        GeomType::MultiLineString => GeometryType::MultiLineString,
        GeomType::Polygon => GeometryType::Polygon,
        GeomType::MultiPolygon => GeometryType::MultiPolygon,
    };
    let gpkg = GeoPackage::create(path)?;
    let mut schema = TableSchemaBuilder::new(table.name.as_str())
        .identifier(table.name.as_str())
        .description(format!("scamatlas {} layer", table.name));
    for c in &table.columns {
        let kind = match c.kind {
            ColType::Boolean => ColumnType::Boolean,
            ColType::Integer => ColumnType::Integer,
            ColType::Real => ColumnType::Double,
            ColType::Date => ColumnType::Date,
            ColType::DateTime => ColumnType::DateTime,
            ColType::String | ColType::Json => ColumnType::Text(None),
        };
        schema = schema.column(ColumnSpec::new(c.name.as_str(), kind));
    }
    schema = schema.geometry(GeometrySpec::new(geometry_type, 4326));
    gpkg.create_layer(&schema)?;
    let layer = gpkg.layer(&table.name)?;
    let mut features = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let mut values = Vec::with_capacity(row.values.len());
        for (column, value) in table.columns.iter().zip(&row.values) {
            let v = match (column.kind, value) {
                (_, None) => Cell::Null,
                (ColType::Boolean, Some(Value::Bool(b))) => Cell::Boolean(*b),
                (ColType::Integer, Some(v)) => Cell::Integer(v.as_i64().unwrap_or_default()),
                (ColType::Real, Some(v)) => Cell::Float(v.as_f64().unwrap_or_default()),
                (ColType::Date, Some(Value::String(s))) => Cell::Date(
                    geopackage::core::datetime::Date::parse(s)
                        .map_err(|e| value_error(&column.name, s, &e))?,
                ),
                (ColType::DateTime, Some(Value::String(s))) => Cell::DateTime(
                    geopackage::core::datetime::DateTime::parse_lenient(s)
                        .map_err(|e| value_error(&column.name, s, &e))?,
                ),
                (_, Some(v)) => Cell::Text(csv_text(v)),
            };
            values.push(v);
        }
        features.push(NewFeature::new(row.geometry.clone(), values));
        tick();
    }
    layer.write_all(features, 0)?;
    layer.recompute_extent()?;
    // The crate declares every file 1.4, which GDAL before 3.7 warns about on
    // each open. Nothing here is new in 1.4 (one feature table, EPSG:4326, the
    // R-tree extension), so the file is the 1.3 it reads as everywhere.
    gpkg.connection()
        .pragma_update(None, "user_version", GPKG_USER_VERSION)
        .map_err(geopackage::Error::from)?;
    Ok(())
}

/// A value of `column` that the format refuses, with the format's reason.
fn value_error(column: &str, value: &str, reason: &impl std::fmt::Display) -> ExportError {
    ExportError::Value {
        column: column.into(),
        value: value.into(),
        reason: reason.to_string(),
    }
}

/// A QGIS style (`.qml`) that draws an events layer by `type`, in the colours
/// of the map viewer ([`TYPE_COLOURS`](crate::layers::TYPE_COLOURS)).
#[must_use]
pub fn events_qml() -> String {
    let colours = crate::layers::TYPE_COLOURS.map(|(t, c)| (t.as_str(), c));
    let hex = |c: &str| {
        let c = c.trim_start_matches('#');
        let byte =
            |i: usize| u8::from_str_radix(c.get(i..i + 2).unwrap_or("99"), 16).unwrap_or(153);
        format!("{},{},{},255", byte(0), byte(2), byte(4))
    };
    let mut categories = String::new();
    let mut symbols = String::new();
    for (i, (name, colour)) in colours.iter().enumerate() {
        categories.push_str(&format!(
            "      <category value=\"{name}\" label=\"{name}\" symbol=\"{i}\" render=\"true\"/>\n"
        ));
        symbols.push_str(&format!(
            concat!(
                "      <symbol type=\"marker\" name=\"{i}\" alpha=\"0.85\" clip_to_extent=\"1\" force_rhr=\"0\">\n",
                "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n",
                "          <Option type=\"Map\">\n",
                "            <Option name=\"color\" type=\"QString\" value=\"{rgb}\"/>\n",
                "            <Option name=\"name\" type=\"QString\" value=\"circle\"/>\n",
                "            <Option name=\"outline_color\" type=\"QString\" value=\"255,255,255,255\"/>\n",
                "            <Option name=\"outline_width\" type=\"QString\" value=\"0.3\"/>\n",
                "            <Option name=\"size\" type=\"QString\" value=\"3\"/>\n",
                "          </Option>\n",
                "        </layer>\n",
                "      </symbol>\n",
            ),
            i = i,
            rgb = hex(colour),
        ));
    }
    format!(
        concat!(
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n",
            "<qgis version=\"3.28\" styleCategories=\"Symbology\">\n",
            "  <renderer-v2 type=\"categorizedSymbol\" attr=\"type\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n",
            "    <categories>\n{categories}    </categories>\n",
            "    <symbols>\n{symbols}    </symbols>\n",
            "  </renderer-v2>\n",
            "</qgis>\n",
        ),
        categories = categories,
        symbols = symbols,
    )
}
