//! Which country a point lies in, from OpenStreetMap-derived boundaries (crate
//! `country-boundaries`, data ODbL, © OpenStreetMap contributors).
//!
//! Natural Earth polygons are never used for this: at 1:10m they put Myawaddy,
//! Shwe Kokko and Pangkham in the neighbouring country.

use std::sync::OnceLock;

use country_boundaries::{CountryBoundaries, LatLon, BOUNDARIES_ODBL_360X180};

use crate::geom::LonLat;

fn boundaries() -> Option<&'static CountryBoundaries> {
    static BOUNDARIES: OnceLock<Option<CountryBoundaries>> = OnceLock::new();
    BOUNDARIES
        .get_or_init(|| CountryBoundaries::from_reader(BOUNDARIES_ODBL_360X180).ok())
        .as_ref()
}

/// The ISO 3166-1 alpha-2 code of the country containing `p`, or `None` at sea
/// or outside every country.
///
/// # Example
/// ```
/// use scamatlas::{geom::LonLat, gazetteer::country_at};
/// let myawaddy = LonLat { lon: 98.50893, lat: 16.68911 };
/// assert_eq!(country_at(myawaddy).as_deref(), Some("MM"));
/// ```
#[must_use]
pub fn country_at(p: LonLat) -> Option<String> {
    let position = LatLon::new(p.lat, p.lon).ok()?;
    boundaries()?
        .ids(position)
        .into_iter()
        .find(|id| id.len() == 2)
        .map(str::to_string)
}
