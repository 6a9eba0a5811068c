//! Query parameters, parsed one by one so that every error names its parameter.

use crate::events::{EventType, Filter, TimeRange};
use crate::geom::Bbox;

use super::error::ApiError;

/// The raw query parameters of a request, in order (a name may repeat).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Params(pub Vec<(String, String)>);

/// Largest page a client may ask for.
pub const MAX_LIMIT: usize = 100_000;

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn bbox(&self) -> Result<Option<Bbox>, ApiError> {
        self.get("bbox")
            .map(|v| {
                v.parse::<Bbox>()
                    .map_err(|e| ApiError::bad("bbox", format!("{v:?}: {e}")))
            })
            .transpose()
    }

    pub fn datetime(&self) -> Result<Option<TimeRange>, ApiError> {
        self.get("datetime")
            .map(|v| {
                v.parse::<TimeRange>()
                    .map_err(|e| ApiError::bad("datetime", e))
            })
            .transpose()
    }

    /// `type=raid,release` or `type=raid&type=release`.
    pub fn types(&self) -> Result<Vec<EventType>, ApiError> {
        self.0
            .iter()
            .filter(|(k, _)| k == "type")
            .flat_map(|(_, v)| v.split(','))
            .filter(|t| !t.trim().is_empty())
            .map(|t| t.parse::<EventType>().map_err(|e| ApiError::bad("type", e)))
            .collect()
    }

    /// The events' filter: `datetime` and `type`.
    pub fn filter(&self) -> Result<Filter, ApiError> {
        Ok(Filter {
            time: self.datetime()?,
            types: self.types()?,
        })
    }

    /// A whole number of at least `min`, or `default`.
    pub fn count(
        &self,
        name: &str,
        default: Option<usize>,
        min: usize,
        max: usize,
    ) -> Result<Option<usize>, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(ApiError::bad(
                    name,
                    format!("{v:?} must be a whole number from {min} to {max}"),
                )),
            },
        }
    }

    /// A non-negative number.
    pub fn distance(&self, name: &str) -> Result<Option<f64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.trim().parse::<f64>() {
                Ok(d) if d.is_finite() && d >= 0.0 => Ok(Some(d)),
                _ => Err(ApiError::bad(
                    name,
                    format!("{v:?} must be a distance of 0 or more"),
                )),
            },
        }
    }
}
