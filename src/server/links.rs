//! Links in answers: the one [`PublicUrl`] that absolute links start with,
//! and percent-encoded query pairs and path segments.
//!
//! # Absolute or relative
//! TileJSON 3.0 requires absolute `tiles` URLs, MapLibre resolves a relative
//! vector source URL against the page rather than the style, and GDAL follows
//! OGC API links from wherever it is. So TileJSON, the style, OGC API and its
//! OpenAPI document link absolutely, on the [`PublicUrl`] set at start:
//! `--public-url`, or the address the server listens on. Without one (a
//! wildcard bind such as `0.0.0.0`, and no `--public-url`) links are
//! root-relative (`/tiles/...`): the map viewer served from this server
//! resolves them, GDAL (and so QGIS) does not follow them, which is why a
//! wildcard bind needs `--public-url`. The request's `Host` header is never
//! used: a
//! client that sends another host cannot have it written into an answer that
//! others may be served from a cache.

use std::fmt;
use std::net::SocketAddr;

use axum::http::Uri;

/// Where clients reach this server: the start of every absolute link, such
/// as `http://127.0.0.1:8080` or `https://atlas.example/maps` (no trailing
/// slash), or nothing, for root-relative links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicUrl(String);

/// Why a `--public-url` cannot start links.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url:?} is not a public URL: {why} (expected http://HOST[:PORT][/PATH] or https://...)")]
pub struct PublicUrlError {
    url: String,
    why: &'static str,
}

impl PublicUrl {
    /// Root-relative links (`/tiles/...`).
    #[must_use]
    pub fn relative() -> Self {
        Self::default()
    }

    /// `http://{address}` for a server listening on `address`; relative
    /// links when it is a wildcard address (`0.0.0.0`, `[::]`), which names
    /// no host a client could use, or a scoped IPv6 address.
    #[must_use]
    pub fn listening_on(address: SocketAddr) -> Self {
        let usable = !address.ip().is_unspecified()
            && !matches!(address, SocketAddr::V6(a) if a.scope_id() != 0);
        if usable {
            Self(format!("http://{address}"))
        } else {
            Self::relative()
        }
    }

    /// The start of links, `""` when they are relative.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.0
    }

    /// `path` (starting with `/`) under this URL.
    #[must_use]
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = PublicUrlError;

    /// An `http` or `https` URL with a host, and perhaps a port and a path;
    /// no user, query or fragment. A trailing `/` is dropped.
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let refuse = |why| PublicUrlError {
            url: url.chars().take(200).collect(),
            why,
        };
        if url.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(refuse("only printable ASCII without spaces"));
        }
        if url.contains(['?', '#']) {
            return Err(refuse("no query or fragment"));
        }
        let uri: Uri = url.parse().map_err(|_| refuse("not a URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(refuse("the scheme must be http or https"));
        }
        let authority = uri.authority().ok_or_else(|| refuse("no host"))?;
        if authority.as_str().contains('@') {
            return Err(refuse("no user name or password"));
        }
        if authority.host().is_empty() {
            return Err(refuse("no host"));
        }
        Ok(Self(url.trim_end_matches('/').to_string()))
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(relative links)"
        } else {
            &self.0
        })
    }
}

/// One `name=value` pair of a query string, the value percent-encoded.
/// Commas, colons and slashes stay readable (`bbox=1,2,3,4`,
/// `datetime=2024-01-01/..`); they are allowed in a query (RFC 3986).
pub fn pair(name: &str, value: &str) -> String {
    format!("{name}={}", encode(value, b"-._~,:/"))
}

/// `value` with every byte but ASCII letters, digits and `keep` as `%XX`.
fn encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path segment (a feature id), percent-encoded.
pub fn path_segment(value: &str) -> String {
    encode(value, b"-._~")
}

/// A link object.
pub fn link(rel: &str, media_type: &str, title: &str, href: String) -> serde_json::Value {
    serde_json::json!({ "href": href, "rel": rel, "type": media_type, "title": title })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_a_plain_http_url() {
        let ok = |url: &str| url.parse::<PublicUrl>().map(|u| u.base().to_string());
        assert_eq!(
            ok("http://127.0.0.1:8080").as_deref(),
            Ok("http://127.0.0.1:8080")
        );
        assert_eq!(
            ok("https://atlas.example/maps/").as_deref(),
            Ok("https://atlas.example/maps")
        );
        assert_eq!(ok("http://[::1]:3000").as_deref(), Ok("http://[::1]:3000"));
        for bad in [
            "",
            "atlas.example",
            "/maps",
            "ftp://atlas.example",
            "http://",
            "http://user:secret@atlas.example",
            "http://a.example/x?y",
            "http://a.example/x#y",
            "http://a example",
            "http://ä.example",
        ] {
            assert!(ok(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_wildcard_address_gives_relative_links() {
        let at = |a: &str| PublicUrl::listening_on(a.parse().expect("address"));
        assert_eq!(at("127.0.0.1:8080").at("/ogc"), "http://127.0.0.1:8080/ogc");
        assert_eq!(at("[::1]:8080").at("/ogc"), "http://[::1]:8080/ogc");
        assert_eq!(at("0.0.0.0:8080").at("/ogc"), "/ogc");
        assert_eq!(at("[::]:8080").at("/ogc"), "/ogc");
    }

    #[test]
    fn pairs_encode_what_a_query_cannot_hold() {
        assert_eq!(pair("bbox", "97.5,16,99,17.2"), "bbox=97.5,16,99,17.2");
        assert_eq!(
            pair("datetime", "2024-01-01T00:00:00+07:00/.."),
            "datetime=2024-01-01T00:00:00%2B07:00/.."
        );
        assert_eq!(pair("type", "a b&c"), "type=a%20b%26c");
    }
}
