//! Article text from HTML: what a reader of the page reads, in paragraphs,
//! without its scripts, styles, menus and forms.
//!
//! The page is parsed as a browser would (html5ever, via `scraper`), so
//! entities, unclosed paragraphs and stray tags read as they display. The
//! text comes from the page's `<article>` with the most text when it has
//! one, else from its `<body>`. Skipped whole: `script`, `style`,
//! `noscript`, `template`, `nav`, `aside`, `footer`, `form`, `button`,
//! `select`, `iframe`, `svg`, `canvas`, `object` and the `head`. Each block
//! (`p`, `div`, `h1`-`h6`, `li`, `blockquote`, `tr`, ...) becomes a
//! paragraph of its own, its white space collapsed; paragraphs are separated
//! by a blank line, and `<br>` ends a line.
//!
//! # Example
//! ```
//! use scamatlas::geoparse::html::article_text;
//!
//! let page = "<html><head><title>T</title><script>var x = 1;</script></head><body>\
//!             <nav><a href=/>Home</a></nav><article><h1>Raid in  Myawaddy</h1>\
//!             <p>Police arrested 120 people &amp; seized phones.<p>More later.</article></body></html>";
//! assert_eq!(
//!     article_text(page)?,
//!     "Raid in Myawaddy\n\nPolice arrested 120 people & seized phones.\n\nMore later."
//! );
//! # Ok::<(), scamatlas::geoparse::html::HtmlError>(())
//! ```
//!
//! # Runtime
//! A browser's parser looks through the elements open around each new one,
//! so a page nested deep costs the square of its depth: 100,000 nested
//! `<div>`s took over a minute (debug build). A page whose elements nest
//! deeper than [`MAX_DEPTH`] is therefore refused before it is parsed, by a
//! quick scan of its tags; then one parse, and one walk of the tree without
//! recursion. The worst page let through, 1 MiB of blocks nested 256 deep,
//! takes 2.5 s in a debug build.

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use scraper::{Html, Node};

/// Elements whose content is never article text.
const SKIPPED: [&str; 14] = [
    "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button",
    "select", "iframe", "svg", "canvas", "object",
];

/// Elements that begin and end a paragraph.
const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "main",
    "header",
    "figure",
    "figcaption",
    "hr",
];

/// Deepest nesting of elements taken (news pages nest far less deep).
pub const MAX_DEPTH: usize = 256;

/// Why a page gives no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    #[error("its elements nest {depth} deep or more (at most {MAX_DEPTH} are read); send the article's text instead")]
    TooDeep { depth: usize },
}

/// The text of the article in `html`, in paragraphs separated by a blank line.
///
/// # Errors
/// [`HtmlError::TooDeep`] for a page nested deeper than [`MAX_DEPTH`].
pub fn article_text(html: &str) -> Result<String, HtmlError> {
    let depth = nesting_depth(html, MAX_DEPTH + 1);
    if depth > MAX_DEPTH {
        return Err(HtmlError::TooDeep { depth });
    }
    let page = Html::parse_document(html);
    let root = page.tree.root();
    let articles = root
        .descendants()
        .filter(|n| element_name(*n) == Some("article"));
    let best = articles
        .map(|a| (text_of(a).chars().filter(|c| !c.is_whitespace()).count(), a))
        .fold(
            None,
            |best: Option<(usize, NodeRef<'_, Node>)>, (len, a)| match best {
                Some((most, _)) if most >= len => best,
                _ => Some((len, a)),
            },
        );
    match best {
        Some((len, article)) if len > 0 => Ok(text_of(article)),
        _ => {
            let body = root
                .descendants()
                .find(|n| element_name(*n) == Some("body"))
                .unwrap_or(root);
            Ok(text_of(body))
        }
    }
}

/// Elements without content, or whose end tag may be left out: they never
/// count towards the depth.
const FLAT: [&str; 32] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rp",
    "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head",
];

/// How deep the tags of `html` nest, as far as `stop`: each start tag of an
/// element that has content opens a level and each end tag closes one;
/// comments and the content of scripts and styles are passed over. An
/// estimate (a browser closes some elements by itself), quick and linear.
fn nesting_depth(html: &str, stop: usize) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = memchr::memchr(b'<', &bytes[i..]) {
        i += at + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find(bytes, i, b"-->");
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let from = i + usize::from(closing);
        let len = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 || !bytes[from].is_ascii_alphabetic() {
            continue;
        }
        let name = html[from..from + len].to_ascii_lowercase();
        let end = memchr::memchr(b'>', &bytes[from..]).map_or(bytes.len(), |e| from + e);
        i = end.min(bytes.len());
        if FLAT.contains(&name.as_str()) || name == "body" {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if end > 0 && bytes.get(end - 1) == Some(&b'/') {
            continue;
        }
        depth += 1;
        deepest = deepest.max(depth);
        if deepest >= stop {
            break;
        }
        if matches!(name.as_str(), "script" | "style") {
            let close = format!("</{name}");
            i = find_ignoring_case(html, i, &close);
            depth -= 1;
        }
    }
    deepest
}

/// Just after the first `needle` at or after `from`; the end when none.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> usize {
    memchr::memmem::find(&bytes[from..], needle).map_or(bytes.len(), |at| from + at + needle.len())
}

/// Where the first `needle` (lower case ASCII) is at or after `from`, in any
/// case; the end when none.
fn find_ignoring_case(html: &str, from: usize, needle: &str) -> usize {
    let bytes = html.as_bytes();
    let n = needle.len();
    (from..bytes.len().saturating_sub(n - 1))
        .find(|&k| bytes[k..k + n].eq_ignore_ascii_case(needle.as_bytes()))
        .unwrap_or(bytes.len())
}

fn element_name<'a>(node: NodeRef<'a, Node>) -> Option<&'a str> {
    match node.value() {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

/// The text under `node`, paragraph by paragraph.
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut out = Paragraphs::default();
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => {
                if skipping.is_some() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => out.push_text(t),
                    Node::Element(e) => {
                        let name = e.name();
                        if SKIPPED.contains(&name) || name == "head" {
                            skipping = Some(n.id());
                        } else if name == "br" {
                            out.line_break();
                        } else if BLOCKS.contains(&name) {
                            out.end_paragraph();
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skipping == Some(n.id()) {
                    skipping = None;
                } else if skipping.is_none() && element_name(n).is_some_and(|e| BLOCKS.contains(&e))
                {
                    out.end_paragraph();
                }
            }
        }
    }
    out.finish()
}

/// Text being gathered: white space collapsed, paragraphs apart.
#[derive(Default)]
struct Paragraphs {
    text: String,
    /// What goes before the next word: nothing, a space, a line break or a
    /// blank line.
    pending: &'static str,
}

impl Paragraphs {
    fn push_text(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 && self.pending.is_empty() {
                self.pending = " ";
            }
            if word.is_empty() {
                continue;
            }
            if !self.text.is_empty() {
                self.text.push_str(self.pending);
            }
            self.pending = "";
            self.text.push_str(word);
        }
    }

    fn line_break(&mut self) {
        if self.pending != "\n\n" {
            self.pending = "\n";
        }
    }

    fn end_paragraph(&mut self) {
        self.pending = "\n\n";
    }

    fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_menus_and_forms_are_left_out() {
        let page = "<body><header><h1>Crackdown</h1></header>\
            <nav>Home | World</nav><style>p{}</style>\
            <div>Police <b>detained</b> 40 people.<script>track()</script></div>\
            <aside>Most read</aside><form><input value=x>Subscribe</form>\
            <footer>(c) Outlet</footer></body>";
        assert_eq!(
            article_text(page).unwrap(),
            "Crackdown\n\nPolice detained 40 people."
        );
    }

    #[test]
    fn the_longest_article_wins_over_teasers() {
        let page = "<body><article><p>Short teaser.</p></article>\
            <article><p>The long report, with 300 people deported from Myawaddy.</p></article>\
            </body>";
        assert_eq!(
            article_text(page).unwrap(),
            "The long report, with 300 people deported from Myawaddy."
        );
    }

    #[test]
    fn line_breaks_and_scripts_other_than_latin_survive() {
        let page = "<p>YANGON, Nov 21<br>遣返 300 名 &mdash; ส่งกลับ</p>";
        assert_eq!(
            article_text(page).unwrap(),
            "YANGON, Nov 21\n遣返 300 名 — ส่งกลับ"
        );
    }

    #[test]
    fn pages_nested_too_deep_are_refused_before_parsing() {
        let nested = |depth| format!("{}deep{}", "<div>".repeat(depth), "</div>".repeat(depth));
        assert_eq!(article_text(&nested(MAX_DEPTH)).unwrap(), "deep");
        let started = std::time::Instant::now();
        assert_eq!(
            article_text(&nested(200_000)),
            Err(HtmlError::TooDeep {
                depth: MAX_DEPTH + 1
            })
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn the_depth_scan_passes_over_flat_elements_comments_and_scripts() {
        let page = "<html><body><p>a<p>b<br><img src=x><!-- <div><div> -->\
            <script>if (a <b) {}</script><div><span/></div></body></html>";
        assert_eq!(nesting_depth(page, 100), 1);
        assert_eq!(nesting_depth("<DIV><Div></div></DIV>", 100), 2);
    }

    #[test]
    fn a_page_without_text_gives_nothing() {
        assert_eq!(article_text("").unwrap(), "");
        assert_eq!(article_text("<script>x</script>").unwrap(), "");
    }
}
