//! A dataset folder as bytes: what `import`, and every command that writes a dataset, puts on
//! disk — `manifest.toml`, `articles.jsonl` and one `gold/<layer>.jsonl` per layer. The library
//! only renders the files; the CLI writes them (atomically) and refuses to overwrite a dataset
//! without `--force`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::dataset::manifest::Manifest;
use crate::model::{spans_jsonl, Article, Span};

/// The contents of a dataset folder.
pub struct DatasetFolder<'a> {
    /// Written as `manifest.toml`.
    pub manifest: &'a Manifest,
    /// Written as `articles.jsonl`.
    pub articles: &'a [Article],
    /// Gold spans of every layer, in the order they are to be written.
    pub gold: &'a [Span],
}

impl DatasetFolder<'_> {
    /// Every file, as a path relative to the folder and its bytes. The manifest comes last, so
    /// a writer that stops half way never leaves a manifest that names missing files. A layer
    /// the manifest declares without gold still gets its (empty) file.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut layers: BTreeMap<&str, Vec<Span>> = self.manifest.layers.keys().map(|l| (l.as_str(), Vec::new())).collect();
        for span in self.gold {
            layers.entry(span.layer.as_str()).or_default().push(span.clone());
        }
        let mut files = vec![(PathBuf::from("articles.jsonl"), articles_jsonl(self.articles))];
        for (layer, spans) in layers {
            files.push((PathBuf::from("gold").join(format!("{layer}.jsonl")), spans_jsonl(&spans)));
        }
        files.push((PathBuf::from("manifest.toml"), self.manifest.to_toml().into_bytes()));
        files
    }
}

/// Articles as JSON Lines: `id`, `text`, then the metadata fields.
pub fn articles_jsonl(articles: &[Article]) -> Vec<u8> {
    let mut out = Vec::new();
    for article in articles {
        out.extend(serde_json::Value::Object(article.to_json()).to_string().into_bytes());
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::manifest::{ArticleFormat, ArticleSource, LayerSchema};

    #[test]
    fn one_gold_file_per_layer_and_the_manifest_last() {
        let manifest = Manifest {
            name: "t".into(),
            language: "ar".into(),
            description: None,
            source: None,
            licence: None,
            articles: ArticleSource { format: ArticleFormat::Jsonl, path: None },
            splits: BTreeMap::new(),
            layers: BTreeMap::from([
                ("ner".to_string(), LayerSchema { labels: vec!["LOC".into()], attrs: vec![], flat: true }),
                ("date".to_string(), LayerSchema { labels: vec!["DATE".into()], attrs: vec![], flat: true }),
            ]),
            version: None,
        };
        let articles = [Article::new("a", "دمشق", BTreeMap::new())];
        let span = Span::new("a", 0, 4, "LOC").with_text("دمشق");
        let folder = DatasetFolder { manifest: &manifest, articles: &articles, gold: &[span] };
        let files = folder.files();
        let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
        assert_eq!(names, ["articles.jsonl", "gold/date.jsonl", "gold/ner.jsonl", "manifest.toml"]);
        assert!(files[1].1.is_empty());
        assert!(String::from_utf8(files[2].1.clone()).unwrap().contains("\"label\":\"LOC\""));
        assert!(String::from_utf8(files[0].1.clone()).unwrap().contains("\"id\":\"a\""));
    }
}
