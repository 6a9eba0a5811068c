//! Invariants of the curated layer: aliases find their own place, countries
//! agree with OpenStreetMap boundaries, GeoNames duplicates are merged.

use scamatlas::gazetteer::{country_at, Hints, Kind, Layer, Reason};

use crate::gazetteer;

/// Every curated name and alias resolves to its own place first. A name that
/// other places carry too (老街 is also Lào Cai; "Golden Triangle" is the SEZ
/// and the region; "Meng La" is also Mengla in Yunnan) must still be listed
/// without hints, and come first once a hint points at the place: its own
/// point and kind, as a reader's context would.
#[test]
fn every_curated_alias_resolves_to_its_own_place_first() {
    let g = gazetteer();
    let mut failures = Vec::new();
    let mut checked = 0;
    for p in g.places().iter().filter(|p| p.layer == Layer::Curated) {
        for name in std::iter::once(&p.name).chain(p.aliases.iter().map(|a| &a.name)) {
            checked += 1;
            let ranked = g.resolve(name, &Hints::default()).expect("a valid name");
            let first = ranked.first().map(|c| c.place.id.as_str());
            if first == Some(p.id.as_str()) {
                continue;
            }
            let listed = ranked.iter().any(|c| c.place.id == p.id);
            let shared = ranked.first().is_some_and(|c| c.reason != Reason::Fuzzy);
            if listed && shared {
                let hints = Hints {
                    near: Some(p.point),
                    kind: Some(p.kind),
                    ..Hints::default()
                };
                let hinted = g.resolve(name, &hints).expect("a valid name");
                if hinted.first().map(|c| c.place.id.as_str()) == Some(p.id.as_str()) {
                    continue;
                }
            }
            failures.push(format!(
                "{name:?} -> {first:?} before {} (listed: {listed})",
                p.id
            ));
        }
    }
    assert!(checked > 300, "only {checked} names checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} names:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn curated_points_lie_in_their_country_by_osm_boundaries() {
    let g = gazetteer();
    let borders: Vec<_> = g.places().iter().filter(|p| p.class == "border").collect();
    assert!(borders.len() >= 4);
    let mut wrong = Vec::new();
    for p in g
        .places()
        .iter()
        .filter(|p| p.layer == Layer::Curated && p.kind == Kind::Point)
    {
        if p.countries.len() != 1 {
            continue; // crossings and bridges sit on the line between two countries
        }
        let found = country_at(p.point);
        // Closer to a border than the boundary data resolves (KK Park lies 175 m
        // from the Moei): either side of that border is accepted.
        let on_border = borders.iter().any(|b| {
            b.in_country(&p.countries[0])
                && found.as_deref().is_some_and(|f| b.in_country(f))
                && b.distance_from_m(p.point) < 500.0
        });
        if found.as_deref() != Some(p.countries[0].as_str()) && !on_border {
            wrong.push(format!(
                "{} {:?}: listed {}, boundaries say {found:?}",
                p.id, p.point, p.countries[0]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn natural_earth_trap_points_are_in_the_right_country() {
    // Natural Earth 1:10m puts these in the neighbour (research/data-sources.md).
    for (id, country) in [
        ("myawaddy", "MM"),
        ("shwe_kokko", "MM"),
        ("pangkham", "MM"),
        ("golden_triangle_sez", "LA"),
        ("ruili", "CN"),
        ("o_smach", "KH"),
    ] {
        let p = gazetteer()
            .get(id)
            .unwrap_or_else(|| panic!("{id} is curated"));
        assert_eq!(country_at(p.point).as_deref(), Some(country), "{id}");
        assert!(p.in_country(country), "{id}");
    }
}

#[test]
fn a_geonames_row_that_is_curated_is_one_place_not_two() {
    let g = gazetteer();
    for p in g.places().iter().filter(|p| p.layer == Layer::Curated) {
        if let Some(gid) = p.geonames_id {
            assert!(
                g.get(&format!("gn:{gid}")).is_none(),
                "{} is also gn:{gid}",
                p.id
            );
        }
    }
    // The merged place carries the GeoNames names with their source.
    let lao_cai = g.get("lao_cai").expect("Lào Cai is curated");
    assert!(lao_cai
        .aliases
        .iter()
        .any(|a| a.name == "Laokai" && a.source.contains("GeoNames")));
    // ...but not the ones listed as GeoNames errors.
    assert!(!lao_cai.aliases.iter().any(|a| a.name == "Laos"));
    let rangun = g.resolve("Rangun", &Hints::default()).expect("valid");
    assert_eq!(rangun.len(), 1, "Pyinmana lost its wrong alternate name");
    assert_eq!(rangun[0].place.id, "yangon");
    // Kengtung's wrong GeoNames point (about 50 km off) is replaced by the curated one.
    let kengtung = g.resolve("Keng Tung", &Hints::default()).expect("valid");
    assert_eq!(kengtung[0].place.id, "kengtung");
    assert!(kengtung.iter().all(|c| c.place.id != "gn:1319364"));
}

#[test]
fn every_place_has_sources_and_an_honest_radius() {
    for p in gazetteer().places() {
        assert!(!p.coord_source.is_empty(), "{}", p.id);
        assert!(p.radius_m > 0.0, "{}", p.id);
        for a in &p.aliases {
            assert!(!a.source.is_empty(), "{} alias {}", p.id, a.name);
        }
    }
    let g = gazetteer();
    // Areas cover what they contain.
    for (area, inside) in [
        ("kokang", "laukkai"),
        ("kokang", "chinshwehaw"),
        ("wa", "pangkham"),
        ("wa", "hopang"),
        ("northern_myanmar", "laukkai"),
        ("golden_triangle", "golden_triangle_sez"),
        ("golden_triangle", "tachileik"),
    ] {
        let (a, p) = (g.get(area).expect("area"), g.get(inside).expect("place"));
        assert!(
            a.point.distance_m(p.point) <= a.radius_m,
            "{area} radius does not reach {inside}"
        );
        assert!(a.estimate, "{area} is a representative point: an estimate");
    }
    // A border's radius covers the whole line.
    let border = g.get("border_mm_th").expect("MM-TH border");
    assert!(border.radius_m > 500_000.0, "{}", border.radius_m);
}

#[test]
fn border_lines_have_the_lengths_of_the_real_borders() {
    let length_km = |id: &str| {
        gazetteer()
            .get(id)
            .expect("border")
            .line
            .iter()
            .map(|part| part.windows(2).map(|w| w[0].distance_m(w[1])).sum::<f64>())
            .sum::<f64>()
            / 1000.0
    };
    // Official lengths: MM-TH about 2,416 km, MM-CN about 2,129 km, MM-LA about 238 km.
    let mm_th = length_km("border_mm_th");
    assert!((2_200.0..2_600.0).contains(&mm_th), "MM-TH {mm_th} km");
    let cn_mm = length_km("border_cn_mm");
    assert!((1_900.0..2_300.0).contains(&cn_mm), "CN-MM {cn_mm} km");
    let la_mm = length_km("border_la_mm");
    assert!((180.0..300.0).contains(&la_mm), "LA-MM {la_mm} km");
    let moei = length_km("moei");
    assert!(moei > 100.0 && moei < mm_th, "Moei {moei} km");
}

#[test]
fn a_line_resolves_to_its_nearest_stretch() {
    let g = gazetteer();
    let near_mae_sai = Hints {
        near: Some(g.get("mae_sai").expect("Mae Sai").point),
        ..Hints::default()
    };
    let c = &g.resolve("the Thai border", &near_mae_sai).expect("valid")[0];
    assert_eq!(c.place.id, "border_mm_th");
    assert_eq!(c.reason, Reason::Alias);
    assert!(
        c.near_distance_m.expect("distance") < 5_000.0,
        "{:?}",
        c.near_distance_m
    );
    let tachileik = g.get("tachileik").expect("Tachileik").point;
    assert!(c.point.distance_m(tachileik) < 10_000.0, "{:?}", c.point);
}
