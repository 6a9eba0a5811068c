//! Strong ETags and `If-None-Match`, one rule for every answer that may be
//! revalidated: tiles (`tiles.rs`) and the viewer's files (`web.rs`).

use std::hash::{Hash, Hasher};

use axum::http::{header, HeaderMap, HeaderValue};

/// A strong ETag of `body`: `"{hash}-{length}"`, both in hexadecimal. The
/// hash is SipHash with fixed keys, so a restarted server gives the same tags.
pub fn strong(body: &[u8]) -> HeaderValue {
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    let tag = format!("\"{:016x}-{:x}\"", hasher.finish(), body.len());
    HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""))
}

/// The tag of another form of the same body (its gzip form, say): `etag`
/// with `-{suffix}` before the closing quote.
pub fn variant(etag: &HeaderValue, suffix: &str) -> HeaderValue {
    let plain = etag.to_str().unwrap_or("\"\"");
    let tag = format!("{}-{suffix}\"", &plain[..plain.len().saturating_sub(1)]);
    HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""))
}

/// Whether the client's copy is current: `If-None-Match` lists `etag` or `*`.
pub fn is_fresh(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t.as_bytes() == etag.as_bytes() || t == "*")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_the_body_and_its_forms() {
        let etag = strong(b"tile");
        assert_eq!(etag, strong(b"tile"));
        assert_ne!(etag, strong(b"tilf"));
        let text = etag.to_str().expect("ascii");
        assert!(text.starts_with('"') && text.ends_with("-4\""), "{text}");
        let gz = variant(&etag, "gz");
        assert_eq!(
            gz.to_str().expect("ascii"),
            format!("{}-gz\"", &text[..text.len() - 1])
        );
    }

    #[test]
    fn if_none_match_lists_the_tag_or_a_star() {
        let etag = strong(b"file");
        let mut headers = HeaderMap::new();
        assert!(!is_fresh(&headers, &etag));
        let ask = |v: String| HeaderValue::from_str(&v).expect("header");
        headers.insert(
            header::IF_NONE_MATCH,
            ask(format!("\"x\", {}", etag.to_str().expect("ascii"))),
        );
        assert!(is_fresh(&headers, &etag));
        headers.insert(header::IF_NONE_MATCH, ask("\"x\"".into()));
        assert!(!is_fresh(&headers, &etag));
        headers.insert(header::IF_NONE_MATCH, ask("*".into()));
        assert!(is_fresh(&headers, &etag));
    }
}
