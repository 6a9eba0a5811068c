//! Reading the gazetteer files: curated places and aliases, the GeoNames layer
//! and the border lines, into one list of [`Place`]s.
//!
//! Every problem stops the load with the file, the line and what is wrong; a
//! gazetteer is never half-loaded.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use csv::StringRecord;

use super::normalize::normalize;
use super::{Alias, GazetteerError, Kind, Layer, Place, PlaceId};
use crate::geom::{nearest_on_lines, LonLat};

/// Longest name, in bytes, that is looked up or loaded. Longer input is refused
/// before any work is done on it.
pub const MAX_NAME_BYTES: usize = 512;

/// A GeoNames row and a curated point with the same name closer than this are
/// one place.
const SAME_PLACE_M: f64 = 5_000.0;

const PLACES_HEADER: &[&str] = &[
    "id",
    "name",
    "kind",
    "class",
    "country",
    "admin1",
    "parent",
    "lat",
    "lon",
    "radius_m",
    "geometry",
    "geonames_id",
    "coord_source",
    "estimate",
    "note",
];
const ALIASES_HEADER: &[&str] = &["place_id", "alias", "lang", "source"];
const CORRECTIONS_HEADER: &[&str] = &["geonames_id", "alternate_name", "reason"];
const GEONAMES_HEADER: &[&str] = &[
    "geonames_id",
    "name",
    "lat",
    "lon",
    "country",
    "admin1",
    "admin1_name",
    "population",
    "alternatenames",
];

/// One input file: the path shown in errors and its text.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: String,
    pub text: Cow<'static, str>,
}

/// The files a gazetteer is built from.
#[derive(Debug, Clone)]
pub struct Sources {
    pub places: SourceText,
    pub aliases: SourceText,
    pub geonames: SourceText,
    /// Alternate names that GeoNames gives a row by mistake; dropped on load.
    pub corrections: SourceText,
    pub borders: SourceText,
}

macro_rules! bundled {
    ($path:literal) => {
        SourceText {
            path: $path.to_string(),
            text: Cow::Borrowed(include_str!(concat!("../../", $path))),
        }
    };
}

impl Sources {
    /// The repository's data files, compiled into the binary.
    #[must_use]
    pub fn bundled() -> Self {
        Self {
            places: bundled!("gazetteer/places.tsv"),
            aliases: bundled!("gazetteer/aliases.tsv"),
            geonames: bundled!("gazetteer/geonames-region.tsv"),
            corrections: bundled!("gazetteer/geonames-corrections.tsv"),
            borders: bundled!("geojson/borders.geojson"),
        }
    }

    /// Reads the same files from a folder laid out like the repository.
    pub fn read_dir(dir: &Path) -> Result<Self, GazetteerError> {
        let read = |rel: &str| {
            let path = dir.join(rel);
            let shown = path.display().to_string();
            let bytes = std::fs::read(&path).map_err(|source| GazetteerError::Io {
                path: shown.clone(),
                source,
            })?;
            let text = crate::error::utf8_text(&shown, bytes).map_err(|e| GazetteerError::Row {
                path: shown.clone(),
                line: e.line as u64,
                message: format!(
                    "not UTF-8 text: byte {} of the line is 0x{:02X}",
                    e.byte, e.value
                ),
            })?;
            Ok(SourceText {
                path: shown,
                text: Cow::Owned(text),
            })
        };
        Ok(Self {
            places: read("gazetteer/places.tsv")?,
            aliases: read("gazetteer/aliases.tsv")?,
            geonames: read("gazetteer/geonames-region.tsv")?,
            corrections: read("gazetteer/geonames-corrections.tsv")?,
            borders: read("geojson/borders.geojson")?,
        })
    }
}

/// Builds the list of places from all sources.
pub(super) fn load_places(sources: &Sources) -> Result<Vec<Place>, GazetteerError> {
    let lines = read_lines(&sources.borders)?;
    let mut places = read_curated(&sources.places, &lines)?;
    read_aliases(&sources.aliases, &mut places)?;
    let mut corrections = read_corrections(&sources.corrections)?;
    merge_geonames(&sources.geonames, &mut corrections, &mut places)?;
    if let Some(((gid, name), line)) = corrections
        .into_iter()
        .find(|(_, (_, used))| !used)
        .map(|(k, (l, _))| (k, l))
    {
        return Err(GazetteerError::Row {
            path: sources.corrections.path.clone(),
            line,
            message: format!("GeoNames {gid} has no alternate name {name:?} to drop"),
        });
    }
    Ok(places)
}

/// (GeoNames id, alternate name) -> (line, used yet).
type Corrections = HashMap<(u32, String), (u64, bool)>;

fn read_corrections(source: &SourceText) -> Result<Corrections, GazetteerError> {
    let mut corrections = Corrections::new();
    for_each_row(source, CORRECTIONS_HEADER, |ctx, r| {
        let gid: u32 = ctx.number("geonames_id", &r[0])?;
        let name = ctx.name("alternate_name", &r[1])?;
        if r[2].trim().is_empty() {
            return Err(ctx.err("column reason is empty: say why the name is wrong"));
        }
        corrections.insert((gid, name), (ctx.line, false));
        Ok(())
    })?;
    Ok(corrections)
}

/// Row-level error helper: the file and line of a record.
struct RowCtx<'a> {
    path: &'a str,
    line: u64,
}

impl RowCtx<'_> {
    fn err(&self, message: impl Into<String>) -> GazetteerError {
        GazetteerError::Row {
            path: self.path.to_string(),
            line: self.line,
            message: message.into(),
        }
    }

    fn name(&self, column: &str, value: &str) -> Result<String, GazetteerError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(self.err(format!("column {column} is empty")));
        }
        if trimmed.len() > MAX_NAME_BYTES {
            return Err(self.err(format!(
                "column {column} is {} bytes long (at most {MAX_NAME_BYTES})",
                trimmed.len()
            )));
        }
        if normalize(trimmed).is_empty() {
            return Err(self.err(format!("column {column} {trimmed:?} has no letters")));
        }
        Ok(trimmed.to_string())
    }

    fn number<T: std::str::FromStr>(&self, column: &str, value: &str) -> Result<T, GazetteerError> {
        value
            .trim()
            .parse()
            .map_err(|_| self.err(format!("column {column}: {value:?} is not a valid number")))
    }

    fn point(&self, lon: &str, lat: &str) -> Result<LonLat, GazetteerError> {
        let lon = self.number("lon", lon)?;
        let lat = self.number("lat", lat)?;
        LonLat::new(lon, lat).map_err(|e| self.err(e.to_string()))
    }

    /// ISO2 codes joined with `;`; empty for places in no one country (Asia).
    fn countries(&self, value: &str) -> Result<Vec<String>, GazetteerError> {
        if value.trim().is_empty() {
            return Ok(Vec::new());
        }
        let codes: Vec<String> = value.split(';').map(|c| c.trim().to_string()).collect();
        for code in &codes {
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(self.err(format!(
                    "column country: {code:?} is not an ISO 3166-1 alpha-2 code (two capitals; several joined with ';')"
                )));
            }
        }
        Ok(codes)
    }
}

/// Reads a TSV file, checks its header, and hands each record with its context.
fn for_each_row(
    source: &SourceText,
    header: &[&str],
    mut f: impl FnMut(&RowCtx<'_>, &StringRecord) -> Result<(), GazetteerError>,
) -> Result<(), GazetteerError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .flexible(true)
        .has_headers(true)
        .from_reader(source.text.as_bytes());
    let found = reader.headers().map_err(|e| GazetteerError::Row {
        path: source.path.clone(),
        line: 1,
        message: e.to_string(),
    })?;
    if found.iter().collect::<Vec<_>>() != header {
        return Err(GazetteerError::Row {
            path: source.path.clone(),
            line: 1,
            message: format!(
                "header must be {:?}, found {:?}",
                header.join("\t"),
                found.iter().collect::<Vec<_>>().join("\t")
            ),
        });
    }
    let mut record = StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| GazetteerError::Row {
                path: source.path.clone(),
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
        if !more {
            return Ok(());
        }
        let ctx = RowCtx {
            path: &source.path,
            line: record.position().map_or(0, |p| p.line()),
        };
        if record.len() != header.len() {
            return Err(ctx.err(format!(
                "expected {} tab-separated columns, found {}",
                header.len(),
                record.len()
            )));
        }
        f(&ctx, &record)?;
    }
}

/// Border and river lines by feature id.
fn read_lines(source: &SourceText) -> Result<HashMap<String, Vec<Vec<LonLat>>>, GazetteerError> {
    let collection: geojson::FeatureCollection =
        serde_json::from_str(&source.text).map_err(|e| match e.line() {
            // A GeoJSON shape error has no line: never `path:0`.
            0 => GazetteerError::File {
                path: source.path.clone(),
                message: e.to_string(),
            },
            line => GazetteerError::Row {
                path: source.path.clone(),
                line: line as u64,
                message: e.to_string(),
            },
        })?;
    let mut lines = HashMap::new();
    for (index, feature) in collection.features.into_iter().enumerate() {
        let file_err = |message: String| GazetteerError::File {
            path: source.path.clone(),
            message: format!("feature {index}: {message}"),
        };
        let id = match &feature.id {
            Some(geojson::feature::Id::String(s)) => s.clone(),
            _ => return Err(file_err("has no string id".into())),
        };
        let parts: Vec<Vec<Vec<f64>>> = match feature.geometry.map(|g| g.value) {
            Some(geojson::Value::LineString(line)) => vec![line],
            Some(geojson::Value::MultiLineString(lines)) => lines,
            _ => {
                return Err(file_err(format!(
                    "{id:?} is not a LineString or MultiLineString"
                )))
            }
        };
        let mut converted = Vec::with_capacity(parts.len());
        for part in parts {
            let mut line = Vec::with_capacity(part.len());
            for position in part {
                let point = match position.as_slice() {
                    [lon, lat, ..] => {
                        LonLat::new(*lon, *lat).map_err(|e| file_err(format!("{id:?}: {e}")))?
                    }
                    _ => {
                        return Err(file_err(format!(
                            "{id:?}: a position has fewer than 2 numbers"
                        )))
                    }
                };
                line.push(point);
            }
            converted.push(line);
        }
        lines.insert(id, converted);
    }
    Ok(lines)
}

fn read_curated(
    source: &SourceText,
    lines: &HashMap<String, Vec<Vec<LonLat>>>,
) -> Result<Vec<Place>, GazetteerError> {
    let mut places: Vec<Place> = Vec::new();
    let mut parents: Vec<(usize, String, u64)> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut geonames_seen: HashMap<u32, u64> = HashMap::new();

    for_each_row(source, PLACES_HEADER, |ctx, r| {
        let id = ctx.id(&r[0], &mut seen)?;
        let name = ctx.name("name", &r[1])?;
        let kind: Kind = r[2]
            .trim()
            .parse()
            .map_err(|e: crate::error::UnknownName| ctx.err(format!("column kind: {e}")))?;
        let class = r[3].trim();
        if class.is_empty() {
            return Err(ctx.err("column class is empty"));
        }
        let countries = ctx.countries(&r[4])?;
        let anchor = ctx.point(&r[8], &r[7])?;
        let line = ctx.geometry(kind, r[10].trim(), lines)?;
        // A line's point is the point of the line nearest to its anchor.
        let point = nearest_on_lines(anchor, &line).map_or(anchor, |(p, _)| p);
        let radius_m = ctx.radius(r[9].trim(), kind, point, &line)?;
        let geonames_id = ctx.geonames_id(r[11].trim(), &mut geonames_seen)?;
        let coord_source = r[12].trim();
        if coord_source.is_empty() {
            return Err(ctx.err("column coord_source is empty: every coordinate needs its source"));
        }
        let estimate = match r[13].trim() {
            "yes" => true,
            "no" => false,
            v => return Err(ctx.err(format!("column estimate: {v:?} must be yes or no"))),
        };
        let parent = r[6].trim();
        if !parent.is_empty() {
            parents.push((places.len(), parent.to_string(), ctx.line));
        }
        places.push(Place {
            id,
            name,
            kind,
            class: class.to_string(),
            countries,
            admin1: r[5].trim().to_string(),
            parent: None,
            point,
            radius_m,
            line,
            geonames_id,
            population: None,
            layer: Layer::Curated,
            coord_source: coord_source.to_string(),
            estimate,
            note: r[14].trim().to_string(),
            aliases: Vec::new(),
        });
        Ok(())
    })?;

    set_parents(&mut places, &parents, &source.path)?;
    check_no_parent_cycle(&places, &source.path)?;
    Ok(places)
}

/// The checks of the columns of `places.tsv` that take more than a line.
impl RowCtx<'_> {
    /// Column id: a slug of `[a-z0-9_]` that no earlier line used.
    fn id(&self, value: &str, seen: &mut HashMap<String, u64>) -> Result<String, GazetteerError> {
        let id = value.trim().to_string();
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(self.err(format!(
                "column id: {id:?} must be a non-empty slug of [a-z0-9_]"
            )));
        }
        if let Some(first) = seen.insert(id.clone(), self.line) {
            return Err(self.err(format!("id {id:?} already used on line {first}")));
        }
        Ok(id)
    }

    /// Column geometry: a line's `borders:<feature id>`, looked up in
    /// `lines`; empty for points and areas.
    fn geometry(
        &self,
        kind: Kind,
        geometry: &str,
        lines: &HashMap<String, Vec<Vec<LonLat>>>,
    ) -> Result<Vec<Vec<LonLat>>, GazetteerError> {
        match (kind, geometry) {
            (Kind::Line, "") => Err(self.err("a line needs column geometry, e.g. borders:MM-TH")),
            (Kind::Line, g) => {
                let key = g.strip_prefix("borders:").ok_or_else(|| {
                    self.err(format!(
                        "column geometry: {g:?} must look like borders:<feature id>"
                    ))
                })?;
                lines.get(key).cloned().ok_or_else(|| {
                    self.err(format!(
                        "column geometry: no feature {key:?} in geojson/borders.geojson"
                    ))
                })
            }
            (_, "") => Ok(Vec::new()),
            (_, g) => Err(self.err(format!("column geometry: {g:?} is only allowed on lines"))),
        }
    }

    /// Column radius_m, in metres. A line may leave it empty: then it reaches
    /// from `point` to the line's farthest vertex, rounded up.
    fn radius(
        &self,
        value: &str,
        kind: Kind,
        point: LonLat,
        line: &[Vec<LonLat>],
    ) -> Result<f64, GazetteerError> {
        match value {
            "" if kind == Kind::Line => Ok(line
                .iter()
                .flatten()
                .map(|v| point.distance_m(*v))
                .fold(0.0, f64::max)
                .ceil()),
            "" => Err(self.err("column radius_m is empty (only lines may leave it empty)")),
            v => {
                let radius: f64 = self.number("radius_m", v)?;
                if !(radius > 0.0 && radius.is_finite()) {
                    return Err(self.err(format!(
                        "column radius_m: {v:?} must be a positive number of metres"
                    )));
                }
                Ok(radius)
            }
        }
    }

    /// Column geonames_id: empty, or an id no earlier line claimed.
    fn geonames_id(
        &self,
        value: &str,
        seen: &mut HashMap<u32, u64>,
    ) -> Result<Option<u32>, GazetteerError> {
        if value.is_empty() {
            return Ok(None);
        }
        let gid: u32 = self.number("geonames_id", value)?;
        if let Some(first) = seen.insert(gid, self.line) {
            return Err(self.err(format!("GeoNames id {gid} already claimed on line {first}")));
        }
        Ok(Some(gid))
    }
}

/// Sets each place's parent from `(place index, parent id, line)`; every
/// parent id must name another place of the file.
fn set_parents(
    places: &mut [Place],
    parents: &[(usize, String, u64)],
    path: &str,
) -> Result<(), GazetteerError> {
    let index: HashMap<&str, usize> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut resolved = Vec::with_capacity(parents.len());
    for (child, parent, line) in parents {
        let Some(&pi) = index.get(parent.as_str()) else {
            return Err(GazetteerError::Row {
                path: path.to_string(),
                line: *line,
                message: format!("column parent: no place with id {parent:?}"),
            });
        };
        if pi == *child {
            return Err(GazetteerError::Row {
                path: path.to_string(),
                line: *line,
                message: "a place cannot be its own parent".into(),
            });
        }
        resolved.push((*child, PlaceId(pi as u32)));
    }
    for (child, parent) in resolved {
        places[child].parent = Some(parent);
    }
    Ok(())
}

fn check_no_parent_cycle(places: &[Place], path: &str) -> Result<(), GazetteerError> {
    for start in places {
        let mut steps = 0;
        let mut at = start.parent;
        while let Some(p) = at {
            steps += 1;
            if steps > places.len() {
                return Err(GazetteerError::File {
                    path: path.to_string(),
                    message: format!("the parents of {:?} form a cycle", start.id),
                });
            }
            at = places[p.0 as usize].parent;
        }
    }
    Ok(())
}

fn read_aliases(source: &SourceText, places: &mut [Place]) -> Result<(), GazetteerError> {
    let index: HashMap<String, usize> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    for_each_row(source, ALIASES_HEADER, |ctx, r| {
        let place_id = r[0].trim();
        let &pi = index.get(place_id).ok_or_else(|| {
            ctx.err(format!(
                "column place_id: no place with id {place_id:?} in places.tsv"
            ))
        })?;
        let name = ctx.name("alias", &r[1])?;
        let source = r[3].trim();
        if source.is_empty() {
            return Err(ctx.err("column source is empty: every alias needs its source"));
        }
        let place = &mut places[pi];
        if place.aliases.iter().any(|a| a.name == name) {
            return Err(ctx.err(format!("alias {name:?} of {place_id:?} is listed twice")));
        }
        place.aliases.push(Alias {
            name,
            lang: r[2].trim().to_string(),
            source: source.to_string(),
        });
        Ok(())
    })
}

/// Adds the GeoNames rows: a row that is a curated place lends it its names;
/// every other row becomes a place of its own.
fn merge_geonames(
    source: &SourceText,
    corrections: &mut Corrections,
    places: &mut Vec<Place>,
) -> Result<(), GazetteerError> {
    let curated = CuratedLookup::new(places);
    let mut seen_ids = HashSet::new();
    for_each_row(source, GEONAMES_HEADER, |ctx, r| {
        let row = GeoNamesRow::read(ctx, r, corrections, &mut seen_ids)?;
        match curated.same(places, &row) {
            Some(i) => row.merge_into(&mut places[i]),
            None => places.push(row.into_place()),
        }
        Ok(())
    })?;
    Ok(())
}

/// The curated places a GeoNames row may be, by GeoNames id and (points
/// only) by every normalised name they carry.
struct CuratedLookup {
    by_geonames: HashMap<u32, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl CuratedLookup {
    fn new(places: &[Place]) -> Self {
        let by_geonames: HashMap<u32, usize> = places
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.geonames_id.map(|g| (g, i)))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == Kind::Point)
        {
            let keys: HashSet<String> = std::iter::once(&p.name)
                .chain(p.aliases.iter().map(|a| &a.name))
                .map(|n| normalize(n))
                .collect();
            for key in keys {
                by_name.entry(key).or_default().push(i);
            }
        }
        Self {
            by_geonames,
            by_name,
        }
    }

    /// The curated place `row` is: the one with its GeoNames id, else the
    /// nearest point of the same name within [`SAME_PLACE_M`] or its radius.
    fn same(&self, places: &[Place], row: &GeoNamesRow<'_>) -> Option<usize> {
        let point = row.point;
        self.by_geonames.get(&row.gid).copied().or_else(|| {
            self.by_name.get(&normalize(&row.name)).and_then(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&i| {
                        places[i].point.distance_m(point) <= SAME_PLACE_M.max(places[i].radius_m)
                    })
                    .min_by(|&a, &b| {
                        places[a]
                            .point
                            .distance_m(point)
                            .total_cmp(&places[b].point.distance_m(point))
                    })
            })
        })
    }
}

/// One checked row of `geonames.tsv`.
struct GeoNamesRow<'r> {
    gid: u32,
    name: String,
    point: LonLat,
    countries: Vec<String>,
    admin1: &'r str,
    population: u64,
    /// Its alternate names, less those `corrections.tsv` takes away.
    alternates: Vec<&'r str>,
}

impl<'r> GeoNamesRow<'r> {
    fn read(
        ctx: &RowCtx<'_>,
        r: &'r StringRecord,
        corrections: &mut Corrections,
        seen_ids: &mut HashSet<u32>,
    ) -> Result<Self, GazetteerError> {
        let gid: u32 = ctx.number("geonames_id", &r[0])?;
        if !seen_ids.insert(gid) {
            return Err(ctx.err(format!("GeoNames id {gid} appears twice")));
        }
        let name = ctx.name("name", &r[1])?;
        let point = ctx.point(&r[3], &r[2])?;
        let countries = ctx.countries(&r[4])?;
        let population: u64 = match r[7].trim() {
            "" => 0,
            v => ctx.number("population", v)?,
        };
        let alternates: Vec<&str> = r[8]
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .filter(|a| match corrections.get_mut(&(gid, (*a).to_string())) {
                Some((_, used)) => {
                    *used = true;
                    false
                }
                None => true,
            })
            .collect();
        let admin1 = match r[6].trim() {
            "" => r[5].trim(),
            named => named,
        };
        Ok(Self {
            gid,
            name,
            point,
            countries,
            admin1,
            population,
            alternates,
        })
    }

    fn source_label(&self) -> String {
        format!("GeoNames {}", self.gid)
    }

    /// Adds the row's population (if the place has none) and its names as
    /// aliases to the curated place it is.
    fn merge_into(self, place: &mut Place) {
        let source_label = self.source_label();
        place.population = place
            .population
            .or(Some(self.population).filter(|&p| p > 0));
        for alt in std::iter::once(self.name.as_str()).chain(self.alternates.iter().copied()) {
            if alt.len() <= MAX_NAME_BYTES
                && alt != place.name
                && !place.aliases.iter().any(|a| a.name == alt)
            {
                place.aliases.push(Alias {
                    name: alt.to_string(),
                    lang: String::new(),
                    source: format!("{source_label} alternatenames"),
                });
            }
        }
    }

    /// The row as a place of its own, in the GeoNames layer.
    fn into_place(self) -> Place {
        let source_label = self.source_label();
        let mut aliases: Vec<Alias> = Vec::new();
        for alt in self.alternates {
            if alt.len() <= MAX_NAME_BYTES
                && alt != self.name
                && !aliases.iter().any(|a| a.name == alt)
            {
                aliases.push(Alias {
                    name: alt.to_string(),
                    lang: String::new(),
                    source: format!("{source_label} alternatenames"),
                });
            }
        }
        Place {
            id: format!("gn:{}", self.gid),
            name: self.name,
            kind: Kind::Point,
            class: "populated_place".into(),
            countries: self.countries,
            admin1: self.admin1.to_string(),
            parent: None,
            point: self.point,
            radius_m: radius_from_population(self.population),
            line: Vec::new(),
            geonames_id: Some(self.gid),
            population: Some(self.population).filter(|&p| p > 0),
            layer: Layer::GeoNames,
            coord_source: source_label,
            estimate: true,
            note: "radius estimated from population".into(),
            aliases,
        }
    }
}

/// A GeoNames point is a town centre; how far the town reaches is estimated
/// from its population.
fn radius_from_population(population: u64) -> f64 {
    match population {
        0..=9_999 => 2_000.0,
        10_000..=99_999 => 5_000.0,
        100_000..=999_999 => 10_000.0,
        _ => 20_000.0,
    }
}
