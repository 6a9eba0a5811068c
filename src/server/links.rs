//! Links in answers: the base URL from the request's `Host` header (absolute
//! links in OGC API pages, TileJSON and the style), and percent-encoded query
//! pairs and path segments.

use axum::http::{header, HeaderMap};

/// `http://{host}` from the request's `Host` header, or `""` (relative links)
/// when the header is missing or is not a plain `host[:port]`.
pub fn base_url(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(is_host_byte))
        .map_or_else(String::new, |h| format!("http://{h}"))
}

/// Letters, digits and the punctuation of names, IPv4/IPv6 addresses and ports.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b)
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
    use axum::http::HeaderValue;

    #[test]
    fn base_url_comes_from_a_plain_host_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(base_url(&headers), "");
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert_eq!(base_url(&headers), "http://127.0.0.1:8080");
        headers.insert(header::HOST, HeaderValue::from_static("[::1]:3000"));
        assert_eq!(base_url(&headers), "http://[::1]:3000");
        headers.insert(header::HOST, HeaderValue::from_static("evil/path?x"));
        assert_eq!(base_url(&headers), "");
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
