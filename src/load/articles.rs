//! Article readers: a folder of plain-text files (one article each, id = file stem) and
//! articles JSONL (`{"id", "text", ...metadata}`). Both fill `dateline_place` and
//! `dateline_agency` when the first line is a dateline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::arabic::parse_dateline;
use crate::load::fields::{parse_object, required_string, required_text, scalar_string};
use crate::load::lines::{read_records, read_text};
use crate::load::{Diagnostics, LoadError, Progress};
use crate::model::Article;

/// Where an article came from, so a problem found later can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    pub line: Option<usize>,
}

/// Articles in input order, each with its origin.
#[derive(Debug, Default)]
pub struct LoadedArticles {
    pub articles: Vec<Article>,
    pub origins: Vec<Origin>,
}

impl LoadedArticles {
    fn push(&mut self, article: Article, origin: Origin) {
        self.articles.push(article);
        self.origins.push(origin);
    }
}

/// Builds an article, adding dateline metadata unless the source already gave it.
pub fn make_article(id: String, text: String, metadata: BTreeMap<String, String>) -> Article {
    ArticleFields::new(id, text, metadata).into_article()
}

/// An article's fields as a reader gives them (dateline metadata added), before the [`Article`]
/// and its offsets index are built: all that a reader that counts and hashes articles needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFields {
    pub id: String,
    pub text: String,
    pub metadata: BTreeMap<String, String>,
}

impl ArticleFields {
    /// The fields, with dateline metadata added unless the source already gave it.
    pub fn new(id: String, text: String, mut metadata: BTreeMap<String, String>) -> Self {
        // The first line, found by `memchr` (`str::lines` looks for it a byte at a time).
        let first = memchr::memchr(b'\n', text.as_bytes()).map_or(text.as_str(), |end| &text[..end]);
        if let Some(dateline) = parse_dateline(first.strip_suffix('\r').unwrap_or(first)) {
            metadata.entry("dateline_place".into()).or_insert(dateline.place);
            metadata.entry("dateline_agency".into()).or_insert(dateline.agency);
        }
        ArticleFields { id, text, metadata }
    }

    pub fn into_article(self) -> Article {
        Article::new(self.id, self.text, self.metadata)
    }
}

/// Reads every `*.txt` file directly in `dir`, in file-name order.
pub fn load_text_folder(dir: &Path, diagnostics: &mut Diagnostics) -> Result<LoadedArticles, LoadError> {
    let io = |source| LoadError::Io { path: dir.to_path_buf(), source };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_none_or(|ext| ext != "txt") {
            continue;
        }
        if path.is_file() {
            paths.push(path);
            continue;
        }
        // Named like an article but not one: say so rather than skip it unseen (and never open
        // a FIFO, which would block).
        let what = match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => "a folder".to_string(),
            Ok(_) => "not a regular file (a FIFO, socket or device)".to_string(),
            Err(_) => crate::load::missing_path_message(&path),
        };
        diagnostics.warning(&path, None, format!("is {what}, not an article file; it is skipped"));
    }
    paths.sort();
    let mut loaded = LoadedArticles::default();
    for path in &paths {
        let path = path.clone();
        let Some(id) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            diagnostics.error(&path, None, "file name is not UTF-8; rename the file (its stem is the article id)");
            continue;
        };
        match read_text(&path)? {
            Ok(text) => {
                if text.trim().is_empty() {
                    diagnostics.warning(&path, None, "article text is empty");
                }
                loaded.push(make_article(id, text, BTreeMap::new()), Origin { path, line: None });
            }
            Err(line) => diagnostics.error(&path, Some(line), "invalid UTF-8; re-encode the file as UTF-8 (e.g. `iconv -f WINDOWS-1256 -t UTF-8`)"),
        }
    }
    if paths.is_empty() {
        diagnostics.error(dir, None, "no `.txt` articles in this folder");
    }
    Ok(loaded)
}

/// Reads articles JSONL: one `{"id", "text", ...}` object per line; other scalar fields become
/// metadata.
pub fn load_articles_jsonl(path: &Path, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<LoadedArticles, LoadError> {
    let mut loaded = LoadedArticles::default();
    read_articles_jsonl(path, diagnostics, progress, |article, line| {
        loaded.push(article, Origin { path: path.to_path_buf(), line: Some(line) });
    })?;
    Ok(loaded)
}

/// Reads articles JSONL one article at a time, handing each to `each` with its line, so that a
/// caller that does not keep them reads in bounded memory. A file without articles (and without
/// errors that would explain it) is an error.
pub fn read_articles_jsonl(path: &Path, diagnostics: &mut Diagnostics, progress: &dyn Progress, mut each: impl FnMut(Article, usize)) -> Result<(), LoadError> {
    read_article_fields(path, diagnostics, progress, |fields, line| each(fields.into_article(), line))
}

/// [`read_articles_jsonl`] giving each article's fields, for a caller that does not need the
/// [`Article`] (the streaming `validate` and `stats`).
pub fn read_article_fields(
    path: &Path,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
    mut each: impl FnMut(ArticleFields, usize),
) -> Result<(), LoadError> {
    let mut any = false;
    read_records(path, diagnostics, progress, parse_article, |fields, line| {
        any = true;
        each(fields, line);
    })?;
    if !any && diagnostics.error_count() == 0 {
        diagnostics.error(path, None, "no articles in this file");
    }
    Ok(())
}

fn parse_article(line: &str) -> Result<(ArticleFields, Vec<String>), String> {
    match parse_clean_article(line) {
        Some(article) => Ok((article, Vec::new())),
        None => parse_article_generally(line),
    }
}

/// The fast path: a clean article line — `id`, `text` and string metadata, each key once, with
/// nothing to warn about — read by the span scanner without a JSON tree. `None` sends the line
/// to the general reader, which gives it its usual messages.
fn parse_clean_article(line: &str) -> Option<ArticleFields> {
    let (mut id, mut text, mut metadata) = (None, None, BTreeMap::new());
    crate::load::spans::fast::string_object(line, |key, value| {
        let value = value?;
        let slot = match key {
            "id" => &mut id,
            "text" => &mut text,
            _ => return metadata.insert(key.to_owned(), value.into_owned()).is_none().then_some(()),
        };
        slot.is_none().then(|| *slot = Some(value))
    })?;
    let (id, text) = (id?, text?);
    if id.is_empty() || text.trim().is_empty() {
        return None;
    }
    Some(ArticleFields::new(id.into_owned(), text.into_owned(), metadata))
}

/// The general reader: any JSON, every check, every message.
fn parse_article_generally(line: &str) -> Result<(ArticleFields, Vec<String>), String> {
    let object = parse_object(line)?;
    let id = required_string(&object, "id")?;
    let text = required_text(&object, "text")?;
    let mut warnings = Vec::new();
    if text.trim().is_empty() {
        warnings.push(format!("article `{}` has empty text", crate::model::shown(&id)));
    }
    let mut metadata = BTreeMap::new();
    for (key, value) in &object {
        if key == "id" || key == "text" || value.is_null() {
            continue;
        }
        match scalar_string(value) {
            Some(text) if value.is_string() => {
                metadata.insert(key.clone(), text);
            }
            Some(text) => {
                // serde_json reads `-0` as the float -0.0; keep it as written.
                let text = if value.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) { "-0".to_string() } else { text };
                warnings.push(format!(
                    "metadata field `{}` is {} and is kept as the string {}; metadata values are strings, so write it in quotes",
                    crate::model::shown(key),
                    if value.is_boolean() { "a boolean" } else { "a number" },
                    crate::model::quote(&text)
                ));
                metadata.insert(key.clone(), text);
            }
            None => warnings.push(format!(
                "metadata field `{}` is {} and is ignored; metadata values must be strings",
                crate::model::shown(key),
                crate::load::fields::kind(value)
            )),
        }
    }
    Ok((ArticleFields::new(id, text, metadata), warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_articles_carry_metadata_and_datelines() {
        let (article, warnings) = parse_article(r#"{"id": "a1", "text": "دمشق-سانا\nنص", "split": "test", "year": 2018}"#).unwrap();
        assert_eq!(warnings, ["metadata field `year` is a number and is kept as the string \"2018\"; metadata values are strings, so write it in quotes"]);
        assert_eq!(article.metadata["split"], "test");
        assert_eq!(article.metadata["year"], "2018");
        assert_eq!(article.metadata["dateline_place"], "دمشق");
        assert_eq!(article.metadata["dateline_agency"], "سانا");
    }

    #[test]
    fn text_folders_give_one_article_per_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "\u{FEFF}دمشق-سانا\r\nنص الخبر").unwrap();
        std::fs::write(dir.path().join("a.txt"), "خبر").unwrap();
        std::fs::write(dir.path().join("notes.md"), "not an article").unwrap();
        let mut diagnostics = Diagnostics::default();
        let loaded = load_text_folder(dir.path(), &mut diagnostics).unwrap();
        assert!(diagnostics.is_empty());
        let ids: Vec<&str> = loaded.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        // The BOM is dropped; CRLF stays part of the text, so offsets match the file.
        assert_eq!(loaded.articles[1].text, "دمشق-سانا\r\nنص الخبر");
        assert_eq!(loaded.articles[1].metadata["dateline_agency"], "سانا");
    }

    #[test]
    fn articles_jsonl_skips_blank_lines_and_reports_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, "{\"id\": \"a\", \"text\": \"x\"}\n\n{\"id\": \"b\"}\n").unwrap();
        let mut diagnostics = Diagnostics::default();
        let loaded = load_articles_jsonl(&path, &mut diagnostics, &crate::progress::NoProgress).unwrap();
        assert_eq!(loaded.articles.len(), 1);
        assert_eq!(loaded.origins[0].line, Some(1));
        assert_eq!(diagnostics.problems()[0].line, Some(3));
    }

    /// The fast path and the general reader agree on every line the fast path accepts, and it
    /// accepts the common ones.
    #[test]
    fn clean_and_general_readers_agree() {
        let lines = [
            r#"{"id": "a", "text": "دمشق-سانا\nنص \"مقتبس\" 😀", "split": "test", "source": "sana"}"#,
            r#"{"id":"a","text":"x"}"#,
            r#" { "text" : "x" , "id" : "a\/b" } "#,
            r#"{"id": "a", "text": "x", "id": "b"}"#,
            r#"{"id": "a", "text": "x", "s": "1", "s": "2"}"#,
            r#"{"id": "a", "text": "x", "s": null}"#,
            r#"{"id": "a", "text": "x", "n": 3}"#,
            r#"{"id": "", "text": "x"}"#,
            r#"{"id": "a", "text": "  "}"#,
            r#"{"id": "a", "text": null}"#,
            r#"{"id": "a", "text": "x"} {}"#,
            r#"{"id": "a", "text": "x",}"#,
            r#"{"id": "a", "text": "\ud83d"}"#,
            r#"{"text": "x"}"#,
        ];
        for line in lines {
            if let Some(article) = parse_clean_article(line) {
                assert_eq!(Ok((article, Vec::new())), parse_article_generally(line), "{line}");
            }
        }
        assert!(parse_clean_article(lines[0]).is_some() && parse_clean_article(lines[1]).is_some() && parse_clean_article(lines[2]).is_some());
        for bad in &lines[3..] {
            assert!(parse_clean_article(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bad_article_lines_say_why() {
        let cases = [
            (r#"{"text": "x"}"#, "missing field `id`"),
            (r#"{"id": 7, "text": "x"}"#, "write it as \"7\""),
            (r#"{"id": "a"}"#, "missing field `text`"),
            (r#"{"id": "a", "text": 3}"#, "`text` must be a string"),
            (r#"[{"id": "a", "text": "x"}]"#, "JSON array"),
        ];
        for (line, fragment) in cases {
            let message = parse_article(line).unwrap_err();
            assert!(message.contains(fragment), "{line}: {message}");
        }
        let (_, warnings) = parse_article(r#"{"id": "a", "text": "x", "tags": ["a"]}"#).unwrap();
        assert!(warnings[0].contains("`tags` is an array and is ignored"));
        let (article, warnings) = parse_article(r#"{"id": "a", "text": "x", "zero": -0, "flag": true}"#).unwrap();
        assert_eq!((article.metadata["zero"].as_str(), article.metadata["flag"].as_str()), ("-0", "true"));
        assert_eq!(warnings.len(), 2);
    }
}
