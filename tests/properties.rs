//! Property tests of every parser of outside input: events CSV and GeoJSON,
//! bounding boxes, dates and time ranges, tile paths and coordinates,
//! article text for the geoparser (with editors' corrections), and HTML pages
//! reduced to their text. None may panic, whatever it is given;
//! where more is cheap to state, more is checked (round trips, spans that
//! slice the text).
//!
//! Each property runs 256 cases in the default suite. Set `PROPTEST_CASES`
//! for a long run (`scripts/proptest-long.sh` runs 100,000 each in release).

use std::sync::LazyLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use scamatlas::events::{
    read_csv, read_geojson, DatePrecision, EventDate, Rules, TimeRange, CSV_COLUMNS,
};
use scamatlas::gazetteer::Gazetteer;
use scamatlas::geom::Bbox;
use scamatlas::geoparse::html::{article_text, HtmlError, MAX_DEPTH};
use scamatlas::geoparse::{Correction, Geoparser, Options};
use scamatlas::layers::LayerKind;
use scamatlas::server::tile_path;
use scamatlas::tiles::{TileCoord, MAX_ZOOM};

static GAZETTEER: LazyLock<Gazetteer> =
    LazyLock::new(|| Gazetteer::bundled().expect("the bundled gazetteer loads"));
static PARSER: LazyLock<Geoparser<'static>> =
    LazyLock::new(|| Geoparser::new(&GAZETTEER).expect("the geoparser builds"));

/// 256 cases, or `PROPTEST_CASES`; failures are saved beside this file.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    }
}

/// Text built from `pieces` and arbitrary strings, joined by separators that
/// matter to the parser at hand.
fn text_of(
    pieces: &'static [&'static str],
    separators: &'static [&'static str],
    max_len: usize,
) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(String::from),
        1 => any::<String>(),
        1 => "[ -~]{0,12}",
    ];
    let separator = proptest::sample::select(separators).prop_map(String::from);
    proptest::collection::vec((piece, separator), 0..max_len).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(piece, separator)| [piece, separator])
            .collect()
    })
}

/// Any text: arbitrary Unicode, printable ASCII, or built from `pieces`.
fn input(
    pieces: &'static [&'static str],
    separators: &'static [&'static str],
    max_len: usize,
) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => "[ -~\n\r\t]{0,200}",
        4 => text_of(pieces, separators, max_len),
    ]
}

fn day() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1, 1, 1).expect("a date");
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");
    (0..=(last - first).num_days()).prop_map(move |d| first + chrono::Duration::days(d))
}

/// Things that look like numbers, and things that almost do.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "90",
    "-90",
    "90.0000001",
    "180",
    "-180",
    "180.5",
    "98.5",
    "16.7",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "infinity",
    "+5",
    ".5",
    "5.",
    "0x10",
    "1_000",
    "1,000",
    "",
    " ",
    "٣",
    "၃၀၀",
    "1e-320",
    "4294967296",
    "18446744073709551616",
];

/// Things that look like dates and instants, and things that almost do.
const DATES: &[&str] = &[
    "2024",
    "2024-02",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-01-32",
    "0000-01-01",
    "9999-12-31",
    "+10000-01-01",
    "-0001-01-01",
    "2024-1-5",
    "20240105",
    "2024-01-05T00:00:00Z",
    "2024-01-05T23:59:60Z",
    "2024-01-05T10:00:00+14:00",
    "2024-01-05T10:00:00-23:59",
    "2024-01-05T10:00:00.123456789Z",
    "2024-01-05 10:00:00Z",
    "2024-01-05T25:00:00Z",
    "..",
    "",
    " ",
    "/",
    "day",
    "month",
    "year",
    "2024-W01",
];

/// Every column name an events CSV is read under.
fn csv_columns() -> Vec<&'static str> {
    CSV_COLUMNS
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .collect()
}

const CSV_VALUES: &[&str] = &[
    "E1",
    "E2",
    "raid",
    "handover",
    "deportation",
    "power_cut",
    "other",
    "arrested",
    "handed_over",
    "Myawaddy",
    "Laukkai",
    "Shwe Kokko",
    "Tachileik",
    "KK Park",
    "老街",
    "แม่สอด",
    "myawaddy",
    "laukkai;myawaddy",
    ";;;;",
    "MM",
    "TH",
    "CN",
    "MM;TH",
    "16.7",
    "98.5",
    "95",
    "-3",
    "1e23",
    "3000",
    "31000",
    "yes",
    "no",
    "true",
    "https://example.org/a",
    "file:///etc/passwd",
    "ftp://x",
    "javascript:alert(1)",
    "Reuters",
    "\"",
    "\"\"",
    ",",
    "\n",
    "\r\n",
    "2024-01-05",
    "2020",
    "2025-06",
];

/// A CSV table: a header of real and made-up columns, then rows of values
/// that mostly fit them.
fn csv_table() -> impl Strategy<Value = String> {
    let header = proptest::collection::vec(proptest::sample::select(csv_columns()), 0..12);
    let cell = prop_oneof![
        3 => proptest::sample::select(CSV_VALUES).prop_map(String::from),
        1 => proptest::sample::select(DATES).prop_map(String::from),
        1 => proptest::sample::select(NUMBERS).prop_map(String::from),
        1 => any::<String>(),
    ];
    let rows = proptest::collection::vec(proptest::collection::vec(cell, 0..14), 0..6);
    (header, rows).prop_map(|(header, rows)| {
        let mut text = header.join(",");
        for row in rows {
            text.push('\n');
            let cells: Vec<String> = row
                .into_iter()
                .map(|c| {
                    if c.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c
                    }
                })
                .collect();
            text.push_str(&cells.join(","));
        }
        text
    })
}

/// A JSON value of any shape, small.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        proptest::sample::select(CSV_VALUES).prop_map(|s| Value::String(s.into())),
        proptest::sample::select(DATES).prop_map(|s| Value::String(s.into())),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A GeoJSON FeatureCollection whose features have points (or not quite)
/// and properties of the events format with values of any type.
fn geojson_collection() -> impl Strategy<Value = String> {
    let coordinate = prop_oneof![
        3 => (-200.0..200.0f64).prop_map(|f| serde_json::json!(f)),
        1 => json_value(),
    ];
    let geometry = prop_oneof![
        (coordinate.clone(), coordinate.clone())
            .prop_map(|(x, y)| serde_json::json!({"type": "Point", "coordinates": [x, y]})),
        proptest::collection::vec((coordinate.clone(), coordinate), 0..3).prop_map(|points| {
            let coordinates: Vec<_> = points.into_iter().map(|(x, y)| vec![x, y]).collect();
            serde_json::json!({"type": "MultiPoint", "coordinates": coordinates})
        }),
        json_value(),
    ];
    let property = (
        proptest::sample::select(csv_columns()),
        prop_oneof![
            2 => proptest::sample::select(CSV_VALUES).prop_map(|s| serde_json::json!(s)),
            1 => json_value(),
        ],
    );
    let feature = (geometry, proptest::collection::vec(property, 0..10)).prop_map(
        |(geometry, properties)| {
            let properties: serde_json::Map<_, _> = properties
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            serde_json::json!({"type": "Feature", "geometry": geometry, "properties": properties})
        },
    );
    proptest::collection::vec(feature, 0..5).prop_map(|features| {
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
    })
}

/// Names, dates, counts and odd characters from the four scripts the
/// geoparser reads.
const ARTICLE: &[&str] = &[
    "Myawaddy",
    "Myawady",
    "Laukkai",
    "Laukkaing",
    "Kokang",
    "Kokang region",
    "Shan State",
    "northern Shan State",
    "Shwe Kokko",
    "Shwe Koko",
    "KK Park",
    "Tachileik",
    "Mae Sot",
    "Thailand",
    "China",
    "Myanmar",
    "Thai border",
    "China-Myanmar border",
    "the Thai-Myanmar border",
    "United Wa State Army",
    "Senior General Min Aung Hlaing",
    "Chinese",
    "Xinhua",
    "Wa",
    "缅北",
    "果敢",
    "老街",
    "妙瓦底",
    "大其力",
    "泰国",
    "中国",
    "边境",
    "3.1万名",
    "2023年11月18日",
    "移交",
    "แม่สอด",
    "อำเภอแม่สอด",
    "เมียวดี",
    "จังหวัดตาก",
    "52 คน",
    "จับกุมผู้ต้องหา",
    "18 พฤศจิกายน 2566",
    "မြဝတီ",
    "၃၀၀ ဦး",
    "ရွှေကုက္ကို",
    "yesterday",
    "last week",
    "November 18",
    "18 November 2023",
    "2024-01-05",
    "on Tuesday",
    "31,000 suspects",
    "more than 40,000",
    "were arrested",
    "handed over",
    "deported",
    "rescued",
    "about 1.2 million",
    "MYAWADDY",
    "THE",
    ".",
    ",",
    "\"",
    "(",
    ")",
    "-",
    "\u{301}",
    "\u{200d}",
    "\u{feff}",
    "\u{e0e}\u{e31}",
    "\u{1039}",
    "ǅ",
    "İ",
    "ß",
    "ﬃ",
    "\u{0}",
    "\r\n",
];

/// Pieces of HTML pages: tags that open, close, skip and break, entities,
/// comments, scripts, and text.
const HTML: &[&str] = &[
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<article>",
    "</article>",
    "<body>",
    "<br>",
    "<br/>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<nav>",
    "</nav>",
    "<!--",
    "-->",
    "<li>",
    "<h1>",
    "</h1>",
    "&amp;",
    "&#4096;",
    "&nbsp;",
    "<b>",
    "</i>",
    "<",
    ">",
    "</",
    "/>",
    "Police arrested 120 people in Myawaddy.",
    "မြဝတီ",
    "แม่สอด",
    " ",
    "\n",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn events_csv_never_panics_and_each_problem_names_the_file(
        text in prop_oneof![
            1 => input(CSV_VALUES, &[",", "\n", "\"", ";", ""], 40),
            3 => csv_table(),
        ],
    ) {
        let report = read_csv("in.csv", &text, &GAZETTEER, Rules::default());
        for p in report.problems.iter().chain(&report.warnings) {
            prop_assert!(p.location.starts_with("in.csv"), "{p:?}");
        }
    }

    #[test]
    fn events_geojson_never_panics_and_each_problem_names_the_file(
        text in prop_oneof![
            1 => input(&["{", "}", "[", "]", "\"type\"", ":", "\"Feature\"", "\"features\"",
                "\"FeatureCollection\"", "\"Point\"", "\"coordinates\"", "1e999", "null"],
                &["", ",", " "], 40),
            1 => json_value().prop_map(|v| v.to_string()),
            4 => geojson_collection(),
        ],
    ) {
        let report = read_geojson("in.geojson", &text, &GAZETTEER, Rules::default());
        for p in report.problems.iter().chain(&report.warnings) {
            prop_assert!(p.location.starts_with("in.geojson"), "{p:?}");
        }
    }

    #[test]
    fn any_bbox_text_parses_or_is_refused(text in input(NUMBERS, &[",", " ", ", ", ""], 6)) {
        if let Ok(b) = text.parse::<Bbox>() {
            prop_assert!(Bbox::new(b.west, b.south, b.east, b.north).is_ok(), "{b:?}");
        }
    }

    #[test]
    fn a_bbox_survives_display_and_parse(
        (west, east) in (-180.0..=180.0f64, -180.0..=180.0f64),
        (south, north) in (-90.0..=90.0f64, -90.0..=90.0f64),
    ) {
        let b = Bbox::new(west.min(east), south.min(north), west.max(east), north.max(south))
            .expect("a box on the globe");
        let shown = b.to_string();
        let parsed: Bbox = shown.parse().expect("its own text parses");
        prop_assert_eq!(parsed.to_string(), shown);
        for (a, z) in [(parsed.west, b.west), (parsed.south, b.south),
                       (parsed.east, b.east), (parsed.north, b.north)] {
            prop_assert!((a - z).abs() <= 0.5e-5, "{parsed:?} from {b:?}");
        }
    }

    #[test]
    fn any_time_range_text_parses_or_is_refused(text in input(DATES, &["/", "", " ", "T"], 4)) {
        if let Ok(range) = text.parse::<TimeRange>() {
            if let (Some(a), Some(b)) = (range.start, range.end) {
                prop_assert!(a <= b, "{range:?}");
            }
        }
    }

    #[test]
    fn a_day_or_a_range_of_days_survives_parsing(a in day(), b in day()) {
        let one: TimeRange = a.to_string().parse().expect("a day parses");
        prop_assert_eq!(one, TimeRange { start: Some(a), end: Some(a) });
        let instant: TimeRange = format!("{a}T12:00:00Z").parse().expect("an instant parses");
        prop_assert_eq!(instant, one);
        let (first, last) = (a.min(b), a.max(b));
        let range: TimeRange = format!("{first}/{last}").parse().expect("a range parses");
        prop_assert_eq!(range, TimeRange { start: Some(first), end: Some(last) });
        let open: TimeRange = format!("../{last}").parse().expect("an open range parses");
        prop_assert_eq!(open, TimeRange { start: None, end: Some(last) });
        if first < last {
            let backwards = format!("{last}/{first}");
            prop_assert!(backwards.parse::<TimeRange>().is_err(), "{}", backwards);
        }
    }

    #[test]
    fn any_event_date_text_parses_or_is_refused(
        date in input(DATES, &["", " "], 3),
        precision in proptest::option::of(proptest::sample::select(
            &[DatePrecision::Day, DatePrecision::Month, DatePrecision::Year][..])),
        end in proptest::option::of(input(DATES, &["", " "], 3)),
    ) {
        if let Ok(d) = EventDate::parse(&date, precision, end.as_deref()) {
            prop_assert!(d.first_day() <= d.last_day(), "{d:?}");
        }
    }

    #[test]
    fn an_event_date_survives_parsing(d in day()) {
        let parsed = EventDate::parse(&d.to_string(), None, None).expect("a day parses");
        prop_assert_eq!((parsed.first_day(), parsed.last_day()), (d, d));
        prop_assert_eq!(parsed.precision, DatePrecision::Day);
    }

    #[test]
    fn any_tile_path_parses_or_is_refused(
        path in prop_oneof![
            1 => any::<String>(),
            1 => any::<String>().prop_map(|s| format!("/tiles/{s}")),
            4 => text_of(&["events", "hubs", "countries", "nolayer", "0", "22", "23", "255",
                           "256", "-1", "+1", "01", "4294967295", "4294967296", ".mvt", ".png",
                           "/", "//", "%2F", "\u{0}"], &["/", "", "."], 8)
                .prop_map(|s| format!("/tiles/{s}")),
        ],
    ) {
        if let Ok((_, coord)) = tile_path(&path) {
            prop_assert!(TileCoord::new(coord.z, coord.x, coord.y).is_ok(), "{coord:?}");
        }
        if let Ok(coord) = path.trim_start_matches("/tiles/").parse::<TileCoord>() {
            prop_assert!(TileCoord::new(coord.z, coord.x, coord.y).is_ok(), "{coord:?}");
        }
    }

    #[test]
    fn a_tile_in_range_parses_to_its_coordinate(
        layer in proptest::sample::select(&LayerKind::ALL[..]),
        (z, x, y) in (0..=MAX_ZOOM).prop_flat_map(|z| {
            let side = 1u32 << z;
            (Just(z), 0..side, 0..side)
        }),
    ) {
        let coord = TileCoord::new(z, x, y).expect("a tile in range");
        let path = format!("/tiles/{}/{z}/{x}/{y}.mvt", layer.name());
        let parsed = tile_path(&path).map_err(|e| TestCaseError::fail(format!("{path}: {e:?}")))?;
        prop_assert_eq!(parsed, (layer, coord));
        prop_assert_eq!(coord.to_string().parse::<TileCoord>().ok(), Some(coord));
        // A tile one past the edge is refused.
        let past = format!("/tiles/{}/{z}/{}/{y}.mvt", layer.name(), 1u64 << z);
        prop_assert!(tile_path(&past).is_err(), "{}", past);
    }

    #[test]
    fn geoparsed_spans_slice_the_text(
        text in input(ARTICLE, &[" ", "  ", "\n", ", ", ". ", "", "-", "的", "ที่", "၊ "], 40),
        article_date in proptest::option::of(day()),
    ) {
        let doc = PARSER.parse(&text, &Options { article_date });
        let chars = |bytes: usize| text[..bytes].chars().count();
        let mut previous = 0;
        for m in &doc.mentions {
            prop_assert!(m.byte_start < m.byte_end && m.byte_end <= text.len(), "{m:?}");
            prop_assert_eq!(&text[m.byte_start..m.byte_end], m.text.as_str());
            prop_assert_eq!((m.start, m.end), (chars(m.byte_start), chars(m.byte_end)));
            prop_assert!((0.0..=1.0).contains(&m.confidence), "{m:?}");
            prop_assert!(m.byte_start >= previous, "mentions in order: {m:?}");
            previous = m.byte_start;
        }
        for d in &doc.dates {
            prop_assert!(d.byte_start <= d.byte_end && d.byte_end <= text.len(), "{d:?}");
            prop_assert_eq!(&text[d.byte_start..d.byte_end], d.text.as_str());
            prop_assert_eq!((d.start, d.end), (chars(d.byte_start), chars(d.byte_end)));
        }
        for c in &doc.counts {
            prop_assert!(c.byte_start <= c.byte_end && c.byte_end <= text.len(), "{c:?}");
            prop_assert_eq!(&text[c.byte_start..c.byte_end], c.text.as_str());
            prop_assert_eq!((c.start, c.end), (chars(c.byte_start), chars(c.byte_end)));
            for i in [c.place, c.destination].into_iter().flatten() {
                prop_assert!(i < doc.mentions.len(), "{c:?}");
            }
        }
        // Every count belongs to at most one proposal; evidence slices the text.
        let proposals = scamatlas::geoparse::proposals(&doc, &text);
        let mut seen = vec![false; doc.counts.len()];
        for p in &proposals {
            prop_assert!(p.members.iter().any(|m| m.count == p.total), "{p:?}");
            for m in &p.members {
                prop_assert!(!std::mem::replace(&mut seen[m.count], true), "{p:?}");
            }
            for e in &p.evidence {
                prop_assert!(e.byte_start <= e.byte_end && e.byte_end <= text.len(), "{e:?}");
                prop_assert_eq!((e.start, e.end), (chars(e.byte_start), chars(e.byte_end)));
            }
            for i in [p.place, p.destination].into_iter().flatten() {
                prop_assert!(i < doc.mentions.len(), "{p:?}");
            }
        }
    }

    #[test]
    fn any_page_gives_text_in_paragraphs_or_is_refused(
        page in input(HTML, &["", " ", "\n", "<div>", "</div>"], 60),
    ) {
        match article_text(&page) {
            Ok(text) => {
                prop_assert_eq!(text.trim(), text.as_str());
                prop_assert!(!text.contains("\n\n\n"), "{:?}", text);
                prop_assert!(!text.contains("  "), "{:?}", text);
            }
            Err(HtmlError::TooDeep { depth }) => prop_assert!(depth > MAX_DEPTH),
        }
    }

    #[test]
    fn corrected_spans_slice_the_text(
        text in input(ARTICLE, &[" ", "\n", ", ", ". ", "", "的", "ที่"], 30),
        fixes in proptest::collection::vec((0usize..400, 0usize..40, proptest::option::of(0usize..4)), 0..6),
    ) {
        let places = ["kk_park", "myawaddy", "laukkai", "mae_sot"];
        let corrections: Vec<Correction<'_>> = fixes
            .iter()
            .map(|&(start, len, place)| Correction {
                start,
                end: start + len,
                place: place.and_then(|i| GAZETTEER.get(places[i])),
            })
            .collect();
        let doc = PARSER.parse_corrected(&text, &Options::default(), &corrections);
        let chars = |bytes: usize| text[..bytes].chars().count();
        let mut previous = 0;
        for m in &doc.mentions {
            prop_assert!(m.byte_start < m.byte_end && m.byte_end <= text.len(), "{m:?}");
            prop_assert_eq!(&text[m.byte_start..m.byte_end], m.text.as_str());
            prop_assert_eq!((m.start, m.end), (chars(m.byte_start), chars(m.byte_end)));
            prop_assert!(m.byte_start >= previous, "mentions in order: {m:?}");
            previous = m.byte_start;
        }
        for c in &doc.counts {
            for i in [c.place, c.destination].into_iter().flatten() {
                prop_assert!(i < doc.mentions.len(), "{c:?}");
            }
        }
    }
}
