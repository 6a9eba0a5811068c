//! Events as tile features: the flat, filterable subset of an event's GeoJSON
//! properties, cheap enough to build for every event of every tile.
//!
//! # Units
//! Positions are degrees; `radius_m` is metres, rounded.

use super::encode::{TileFeature, TileGeometry, TileValue};
use crate::events::Event;

/// One event as a tile feature with MVT id `index` (MVT ids are numbers; the
/// event's own string id is the `id` property).
///
/// The geometry is a Point for one place and a MultiPoint for several. The
/// properties, named and typed as in
/// [`event_to_feature`](crate::events::event_to_feature) so that one MapLibre
/// style fits both, are:
/// `id`, `type`, `date` (`2024-02-23`, `2024-02` or `2024`, as precisely as
/// it is known), `start` and `end` (`YYYY-MM-DD`, the first and last day it
/// may have happened on), `date_precision`, `persons_best` (Int), `radius_m`
/// (Int), `place_ids` (`;`-separated), `aggregate` (Bool), `source_count`
/// (Int) and `first_source` (a URL, empty when there is none).
///
/// The feature's MVT id is `index`; servers pass [`event_feature_id`].
///
/// # Example
/// ```
/// use scamatlas::tiles::{event_tile_feature, TileGeometry, TileValue};
/// let event = &scamatlas::events::synthetic::events(1, 7)[0];
/// let feature = event_tile_feature(event, 0);
/// assert_eq!(feature.id, Some(0));
/// assert_eq!(feature.property("id"), Some(&TileValue::String(event.id.to_string())));
/// ```
#[must_use]
pub fn event_tile_feature(event: &Event, index: u64) -> TileFeature {
    let geometry = match event.places.as_slice() {
        [one] => TileGeometry::Point(one.point),
        [] => TileGeometry::Point(event.point()),
        many => TileGeometry::MultiPoint(many.iter().map(|p| p.point).collect()),
    };
    let place_ids = event
        .places
        .iter()
        .map(|p| p.id.as_deref().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(";");
    let int = |v: u64| TileValue::Int(i64::try_from(v).unwrap_or(i64::MAX));
    let properties = vec![
        ("id".into(), TileValue::String(event.id.to_string())),
        ("type".into(), event.event_type.as_str().into()),
        ("date".into(), event.date.to_string().into()),
        ("start".into(), event.date.first_day().to_string().into()),
        ("end".into(), event.date.last_day().to_string().into()),
        (
            "date_precision".into(),
            event.date.precision.as_str().into(),
        ),
        ("persons_best".into(), int(event.persons_best())),
        (
            "radius_m".into(),
            TileValue::Int(event.radius_m().round() as i64),
        ),
        ("place_ids".into(), place_ids.into()),
        ("aggregate".into(), event.aggregate.into()),
        ("source_count".into(), int(event.sources.len() as u64)),
        (
            "first_source".into(),
            event.sources.first().map_or("", |s| s.url.as_str()).into(),
        ),
    ];
    TileFeature {
        id: Some(index),
        geometry,
        properties,
    }
}

/// The MVT feature id of the event with id `id`: a 53-bit FNV-1a hash of
/// it, so that an event has the same feature id in every tile and every
/// catalog (a position in the dataset moves when events are added to a
/// served workspace, and a tile cached before would then name another
/// event), and the id is exact as a JavaScript number (MapLibre's
/// `feature.id`).
#[must_use]
pub fn event_feature_id(id: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let hash = id
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    hash & ((1 << 53) - 1)
}

#[cfg(test)]
mod tests {
    use mvt_reader::feature::Value;

    use super::*;
    use crate::events::synthetic;
    use crate::tiles::{encode_tile, tile_of};

    #[test]
    fn event_properties_are_flat_and_typed() {
        let events = synthetic::events(50, 3);
        let single = events.iter().find(|e| e.places.len() == 1).unwrap();
        let f = event_tile_feature(single, 9);
        assert_eq!(f.id, Some(9));
        assert!(matches!(f.geometry, TileGeometry::Point(p) if p == single.point()));
        let keys: Vec<&str> = f.properties.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(
            keys,
            [
                "id",
                "type",
                "date",
                "start",
                "end",
                "date_precision",
                "persons_best",
                "radius_m",
                "place_ids",
                "aggregate",
                "source_count",
                "first_source"
            ]
        );
        assert_eq!(
            f.property("persons_best"),
            Some(&TileValue::Int(single.persons_best() as i64))
        );
        assert_eq!(
            f.property("start"),
            Some(&TileValue::String(single.date.first_day().to_string()))
        );
        let several = events.iter().find(|e| e.places.len() > 1).unwrap();
        match event_tile_feature(several, 1).geometry {
            TileGeometry::MultiPoint(ps) => assert_eq!(ps.len(), several.places.len()),
            other => panic!("expected a multipoint, got {other:?}"),
        }
    }

    #[test]
    fn an_event_tile_decodes_to_its_properties() {
        let event = &synthetic::events(1, 5)[0];
        let coord = tile_of(event.point(), 8).unwrap();
        let features = [event_tile_feature(event, 77)];
        let reader =
            mvt_reader::Reader::new(encode_tile(coord, &[("events", &features)]).unwrap()).unwrap();
        let decoded = reader.get_features(0).unwrap();
        assert_eq!(decoded.len(), 1);
        assert_eq!(decoded[0].id, Some(77));
        let props = decoded[0].properties.as_ref().unwrap();
        assert_eq!(props["id"], Value::String(event.id.to_string()));
        assert_eq!(props["type"], Value::String(event.event_type.to_string()));
        assert_eq!(props["aggregate"], Value::Bool(event.aggregate));
        assert_eq!(
            props["source_count"],
            Value::Int(event.sources.len() as i64)
        );
        assert_eq!(
            props["first_source"],
            Value::String(event.sources[0].url.clone())
        );
    }

    #[test]
    fn feature_ids_are_stable_and_fit_a_javascript_number() {
        assert_eq!(event_feature_id("E042"), event_feature_id("E042"));
        assert_ne!(event_feature_id("E042"), event_feature_id("E043"));
        let ids: std::collections::HashSet<u64> = (0..100_000)
            .map(|i| event_feature_id(&format!("S{i:07}")))
            .collect();
        assert_eq!(ids.len(), 100_000);
        assert!(ids.iter().all(|id| *id < 1 << 53));
    }
}
