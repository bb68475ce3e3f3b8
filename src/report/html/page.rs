//! The frame every mizan page shares — report.html, the comparison page and the history page:
//! the Content-Security-Policy that forbids every load and admits only the page's own script,
//! the shared styles (plus a page's own), the header, the tooltip element, and the JSON data
//! block the script reads. A page supplies its parts already escaped; the frame adds nothing
//! from the data but the title, which it escapes.

use std::fmt::Write;

use crate::report::html::csp;
use crate::report::html::escape::html;

/// The styles every page starts with.
pub(crate) const STYLE: &str = include_str!("page.css");

/// One page's parts.
pub(crate) struct Page<'a> {
    /// The `<title>`, as text.
    pub title: &'a str,
    /// The mizan version, for the generator tag.
    pub generator: &'a str,
    /// Styles after the shared ones.
    pub style: &'a str,
    /// The inside of `<header>`, as HTML.
    pub header: &'a str,
    /// The inside of `<main>`, as HTML.
    pub main: &'a str,
    /// The data block's JSON, escaped with [`crate::report::html::escape::script_json`];
    /// empty for a page without one.
    pub data: &'a str,
    /// The page's script; empty for none.
    pub script: &'a str,
}

/// The whole document.
pub(crate) fn document(page: &Page<'_>) -> String {
    let mut out = String::with_capacity(page.data.len() + page.main.len() + STYLE.len() + page.script.len() + 4096);
    out.push_str(&opening(page));
    if !page.data.is_empty() {
        let _ = write!(out, "{DATA_OPEN}{}{DATA_CLOSE}", page.data);
    }
    out.push_str(&closing(page));
    out
}

/// What opens and closes the data block.
pub(crate) const DATA_OPEN: &str = "<script type=\"application/json\" id=\"mizan-data\">";
pub(crate) const DATA_CLOSE: &str = "</script>\n";

/// The document up to its data block, for a page that writes the block itself.
pub(crate) fn opening(page: &Page<'_>) -> String {
    let scripts: Vec<&str> = [page.script].into_iter().filter(|s| !s.is_empty()).collect();
    let mut out = String::with_capacity(page.main.len() + STYLE.len() + 4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&csp::meta(&scripts));
    let _ = write!(
        out,
        "\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"mizan {}\">\n<title>{}</title>\n<style>\n{STYLE}{}</style>\n</head>\n<body>\n",
        html(page.generator),
        html(page.title),
        page.style
    );
    let _ = write!(out, "<header>{}</header>\n<main>\n{}</main>\n<div id=\"tip\" role=\"tooltip\" hidden></div>\n", page.header, page.main);
    out
}

/// The document after its data block: the script and the end.
pub(crate) fn closing(page: &Page<'_>) -> String {
    let mut out = String::with_capacity(page.script.len() + 64);
    if !page.script.is_empty() {
        let _ = writeln!(out, "<script>{}</script>", page.script);
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_escapes_the_title_and_hashes_the_script() {
        let page = document(&Page { title: "a <b>", generator: "0.1", style: ".x{}", header: "<h1>h</h1>", main: "<p>m</p>", data: "{}", script: "go()" });
        assert!(page.contains("<title>a &lt;b&gt;</title>"));
        assert!(page.contains(".x{}</style>"));
        assert!(page.contains("<header><h1>h</h1></header>\n<main>\n<p>m</p></main>"));
        let hash = csp::base64(&csp::sha256(b"go()"));
        assert!(page.contains(&format!("'sha256-{hash}'")));
        assert!(page.contains("<script type=\"application/json\" id=\"mizan-data\">{}</script>\n<script>go()</script>\n</body>"));
        let bare = document(&Page { title: "t", generator: "0", style: "", header: "", main: "", data: "", script: "" });
        assert!(!bare.contains("<script"));
        assert!(bare.contains("default-src 'none'"));
    }
}
