//! `scamatlas export`: every format read back by GDAL (`ogrinfo`, what QGIS
//! uses) with the feature count, field types, geometry type and extent the
//! library promised, plus a round trip through our own reader.

use scamatlas::events::Rules;
use std::path::Path;
use std::process::Command;

use scamatlas::events::{self, EventInput};
use scamatlas::export::{Format, Table};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::layers::{Catalog, LayerKind, LayerQuery};

use crate::{gazetteer, require_gdal, run_cli};

/// The table the library makes of a bundled layer, unfiltered.
fn table(kind: LayerKind) -> Table {
    let events = events::load(&[EventInput::Bundled], gazetteer(), Rules::default(), false)
        .expect("events")
        .events;
    let catalog = Catalog::new(Gazetteer::bundled().expect("gazetteer"), events).expect("catalog");
    let features = catalog.features(kind, &LayerQuery::default()).features;
    Table::from_features(kind.name(), &features)
}

/// `scamatlas export --layer LAYER --format FORMAT -o PATH EXTRA...`.
fn run_export(layer: &str, format: &str, path: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["export", "--layer", layer, "--format", format, "-o", path];
    args.extend_from_slice(extra);
    run_cli(&args)
}

fn export(layer: &str, format: Format, path: &Path, extra: &[&str]) {
    let out = run_export(
        layer,
        format.name(),
        path.to_str().expect("utf-8 path"),
        extra,
    );
    assert!(
        out.status.success(),
        "export {layer} {}: {}",
        format.name(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `ogrinfo ARGS PATH` (with `-so`, the summary: count, geometry, extent,
/// fields), which must run without an error or a warning (GDAL 3.6 warned
/// on each open of a GeoPackage 1.4 and stopped reading a FlatGeobuf at a
/// one-part MultiLineString written without `ends`).
fn ogrinfo(args: &[&str], path: &Path) -> String {
    let out = Command::new("ogrinfo")
        .args(args)
        .arg(path)
        .output()
        .expect("ogrinfo runs");
    assert!(
        out.status.success(),
        "ogrinfo {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ERROR") && !stderr.contains("Warning"),
        "ogrinfo {}: {stderr}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `name: Type` lines of an ogrinfo summary, as (name, type).
fn fields(summary: &str) -> Vec<(String, String)> {
    summary
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(": ")?;
            let kind = rest.split(' ').next()?;
            (!name.contains(' ') && rest.ends_with(')') && rest.contains(" ("))
                .then(|| (name.to_string(), kind.to_string()))
        })
        .collect()
}

/// GDAL's "Extent: (W, S) - (E, N)" as numbers.
fn extent(summary: &str) -> [f64; 4] {
    let line = summary
        .lines()
        .find(|l| l.starts_with("Extent: "))
        .unwrap_or_else(|| panic!("no extent in\n{summary}"));
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|s| !s.is_empty() && *s != "-")
        .map(|s| s.parse().expect("a number"))
        .collect();
    [numbers[0], numbers[1], numbers[2], numbers[3]]
}

#[test]
#[ignore = "needs GDAL (ogrinfo); scripts/test.sh runs it"]
fn every_format_reads_back_in_gdal_with_its_count_types_geometry_and_extent() {
    require_gdal();
    let dir = tempfile::tempdir().expect("tempdir");
    let events = table(LayerKind::Events);
    assert_eq!(events.rows.len(), 78);
    let want_extent = events.extent().expect("an extent");
    for format in Format::ALL {
        let path = dir.path().join(format!("events.{}", format.extension()));
        export("events", format, &path, &[]);
        let summary = ogrinfo(&["-ro", "-so", "-al"], &path);
        let name = format.name();
        assert!(summary.contains("Feature Count: 78"), "{name}:\n{summary}");
        let got = extent(&summary);
        for (g, w) in got.iter().zip(want_extent) {
            assert!(
                (g - w).abs() < 1e-6,
                "{name}: extent {got:?}, want {want_extent:?}"
            );
        }
        let fields = fields(&summary);
        let kind = |n: &str| {
            fields
                .iter()
                .find(|(f, _)| f == n)
                .map(|(_, k)| k.as_str())
                .unwrap_or_else(|| panic!("{name}: no field {n} in {fields:?}"))
        };
        // Dates as dates (FlatGeobuf has only DateTime), counts as integers.
        let date = if format == Format::FlatGeobuf {
            "DateTime"
        } else {
            "Date"
        };
        assert_eq!(kind("start"), date, "{name}");
        assert_eq!(kind("end"), date, "{name}");
        assert!(kind("persons_best").starts_with("Integer"), "{name}");
        assert!(kind("radius_m").starts_with("Integer"), "{name}");
        assert_eq!(kind("aggregate"), "Integer(Boolean)", "{name}");
        assert_eq!(kind("type"), "String", "{name}");
        assert_eq!(kind("id"), "String", "{name}");
        // "2024-02-23", "2024-02" or "2024": text.
        assert_eq!(kind("date"), "String", "{name}");
        if format == Format::Csv {
            // A CSV layer has no declared geometry type: look at the features.
            let all = ogrinfo(&["-ro", "-al"], &path);
            assert_eq!(all.matches("  MULTIPOINT (").count(), 78, "{name}");
        } else {
            assert!(
                summary.contains("Geometry: Multi Point"),
                "{name}:\n{summary}"
            );
            assert!(summary.contains("WGS 84"), "{name}: SRS\n{summary}");
        }
        // The QGIS style beside it.
        let qml = std::fs::read_to_string(path.with_extension("qml")).expect("events.qml");
        assert!(qml.contains(r#"attr="type""#) && qml.contains(r#"value="raid""#));
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo); scripts/test.sh runs it"]
fn other_layers_keep_one_geometry_type_each_in_gdal() {
    require_gdal();
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (LayerKind::Hubs, "Point"),
        (LayerKind::Drift, "Point"),
        (LayerKind::Flows, "Line String"),
        (LayerKind::Places, "Point"),
        (LayerKind::Borders, "Multi Line String"),
    ];
    for (kind, geometry) in cases {
        let expected = table(kind);
        assert!(!expected.rows.is_empty(), "{}", kind.name());
        for format in [Format::GeoPackage, Format::FlatGeobuf, Format::GeoJson] {
            let path = dir
                .path()
                .join(format!("{}.{}", kind.name(), format.extension()));
            export(kind.name(), format, &path, &[]);
            let summary = ogrinfo(&["-ro", "-so", "-al"], &path);
            assert!(
                summary.contains(&format!("Feature Count: {}", expected.rows.len())),
                "{} {}:\n{summary}",
                kind.name(),
                format.name()
            );
            assert!(
                summary.contains(&format!("Geometry: {geometry}\n")),
                "{} {}:\n{summary}",
                kind.name(),
                format.name()
            );
            assert!(
                !path.with_extension("qml").exists(),
                "a style for events only"
            );
            // Every feature reads, not only the header's count.
            let all = ogrinfo(&["-ro", "-al"], &path);
            assert_eq!(
                all.matches("\nOGRFeature(").count(),
                expected.rows.len(),
                "{} {}",
                kind.name(),
                format.name()
            );
        }
    }
    // The drift trajectory line is left out of a layer of points, and said so.
    assert_eq!(table(LayerKind::Drift).left_out.len(), 1);
}

#[test]
fn filters_select_like_the_queries_and_stdout_works_where_it_can() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("raids.geojson");
    export(
        "events",
        Format::GeoJson,
        &path,
        &[
            "--type",
            "raid",
            "--datetime",
            "2024-01-01/..",
            "--bbox",
            "97,15,100,18",
        ],
    );
    let text = std::fs::read_to_string(&path).expect("export");
    let collection: geojson::FeatureCollection = text.parse().expect("GeoJSON");
    assert!(!collection.features.is_empty());
    assert!(!text.contains("\"crs\""), "RFC 7946 has no crs member");
    // The same selection by hand from the unfiltered layer: a raid whose last
    // possible day is in the range and whose representative point (its
    // first place) lies in the box.
    let selected = |f: &geojson::Feature| {
        let text = |key: &str| f.property(key).and_then(|v| v.as_str()).unwrap_or_default();
        let point = match f.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::Value::MultiPoint(points)) => points[0].clone(),
            Some(geojson::Value::Point(point)) => point.clone(),
            other => panic!("{:?}: not a point: {other:?}", f.id),
        };
        let (lon, lat) = (point[0], point[1]);
        text("type") == "raid"
            && text("end") >= "2024-01-01"
            && (97.0..=100.0).contains(&lon)
            && (15.0..=18.0).contains(&lat)
    };
    let id = |f: &geojson::Feature| format!("{:?}", f.id);
    for f in &collection.features {
        assert!(selected(f), "{} should not be selected", id(f));
    }
    let out = run_export("events", "geojson", "-", &[]);
    assert!(out.status.success());
    let all: geojson::FeatureCollection = String::from_utf8(out.stdout)
        .expect("utf-8")
        .parse()
        .expect("GeoJSON");
    assert_eq!(all.features.len(), 78);
    let want: Vec<String> = all
        .features
        .iter()
        .filter(|f| selected(f))
        .map(id)
        .collect();
    let got: Vec<String> = collection.features.iter().map(id).collect();
    assert_eq!(got, want);

    let out = run_export("hubs", "geojsonseq", "-", &[]);
    assert!(out.status.success());
    let records: Vec<&[u8]> = out.stdout.split(|&b| b == 0x1e).skip(1).collect();
    assert_eq!(records.len(), table(LayerKind::Hubs).rows.len());
    for r in records {
        let f: geojson::Feature = serde_json::from_slice(r).expect("one feature per record");
        assert!(matches!(f.id, Some(geojson::feature::Id::String(_))));
    }

    let out = run_cli(&["export", "--layer", "events", "--format", "gpkg", "-o", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gpkg needs a file"));
    let out = run_export("events", "shp", "x", &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format: unknown format"));
}

#[test]
fn a_failed_export_leaves_what_was_there_and_no_temporary_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.fgb");
    std::fs::write(&path, b"what was there").expect("write");
    // A bad filter fails before anything is written.
    let out = run_export(
        "events",
        "fgb",
        path.to_str().expect("utf-8"),
        &["--datetime", "2024-13-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    // A folder where the file should go fails at writing.
    let folder = dir.path().join("folder.geojson");
    std::fs::create_dir(&folder).expect("mkdir");
    let out = run_export("events", "geojson", folder.to_str().expect("utf-8"), &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot write"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = dir.path().join("no/such/folder/e.csv");
    let out = run_export("events", "csv", missing.to_str().expect("utf-8"), &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("its folder does not exist"));
    assert_eq!(std::fs::read(&path).expect("read"), b"what was there");
    // A good export replaces it whole.
    export("events", Format::FlatGeobuf, &path, &[]);
    assert!(std::fs::read(&path).expect("read").starts_with(b"fgb"));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".scamatlas")),
        "temporary files left: {names:?}"
    );
}

#[test]
fn exported_events_read_back_through_our_reader_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.geojson");
    export("events", Format::GeoJson, &path, &[]);
    let text = std::fs::read_to_string(&path).expect("export");
    let report = events::read_geojson(
        path.to_str().expect("utf-8"),
        &text,
        gazetteer(),
        Rules::default(),
    );
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let bundled = events::load(&[EventInput::Bundled], gazetteer(), Rules::default(), false)
        .expect("events")
        .events;
    assert_eq!(report.events.len(), bundled.len());
    for (read, original) in report.events.iter().zip(&bundled) {
        assert_eq!(read, original, "{}", original.id);
    }
}

/// Issue 15.9: `-o` naming a FIFO or a symlink replaced it with a file.
#[cfg(unix)]
#[test]
fn export_refuses_a_fifo_or_a_symlink_and_leaves_them_as_they_were() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("target.geojson");
    std::fs::write(&target, b"kept").expect("write");
    let link = dir.path().join("link.geojson");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let fifo = dir.path().join("pipe.geojson");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for (path, what) in [(&link, "symbolic link"), (&fifo, "FIFO")] {
        let out = run_export("events", "geojson", path.to_str().expect("utf-8"), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(
            stderr.contains(&path.display().to_string()) && stderr.contains(what),
            "{stderr}"
        );
    }
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink());
    assert_eq!(std::fs::read(&target).expect("read"), b"kept");
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::symlink_metadata(&fifo).expect("fifo");
    assert!(meta.file_type().is_fifo());
}

/// Issue 15.15: GeoPackages were declared 1.4, which GDAL before 3.7 warns
/// about on every open; nothing in them is new in 1.4.
#[test]
fn geopackage_is_declared_1_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.gpkg");
    export("events", Format::GeoPackage, &path, &[]);
    let gpkg = geopackage::GeoPackage::open_read_only(&path).expect("opens");
    let pragma = |name: &str| -> i64 {
        gpkg.connection()
            .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
            .expect("pragma")
    };
    assert_eq!(pragma("user_version"), 10300);
    assert_eq!(pragma("application_id"), 0x4750_4B47, "\"GPKG\"");
}
