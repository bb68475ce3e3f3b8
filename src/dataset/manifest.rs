//! `manifest.toml`: what a dataset is (name, language, source, licence), where its articles
//! are and in which format, its splits, the label schema of each layer, and its version: the
//! content fingerprint of what the folder holds and the command that wrote it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::load::LoadError;

/// A dataset's manifest. See `docs/datasets.md` for every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "license")]
    pub licence: Option<String>,
    pub articles: ArticleSource,
    /// Split name → article ids in it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub splits: BTreeMap<String, Vec<String>>,
    /// Layer name → its schema.
    #[serde(default)]
    pub layers: BTreeMap<String, LayerSchema>,
    /// What the folder holds and where it came from; written by every command that writes a
    /// dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<DatasetVersion>,
}

/// A dataset folder's version: `[version]` in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetVersion {
    /// `Dataset::fingerprint` of the articles and gold as written: the `dataset.fingerprint`
    /// that reports on this folder carry.
    pub fingerprint: String,
    /// The command line that wrote the folder.
    pub command: String,
    /// When, RFC 3339 (UTC).
    pub created: String,
    /// The fingerprint of the dataset the command read, when it read one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The mizan that wrote it, which says how its fingerprints are defined
    /// ([`crate::fingerprint::fingerprint_definition`]); absent before 0.2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mizan_version: Option<String>,
}

impl Manifest {
    /// Whether its `[version]` records a fingerprint of the definition before mizan 0.2.0,
    /// which only the whole dataset in memory can be checked against.
    pub fn records_old_fingerprint(&self) -> bool {
        self.version.as_ref().is_some_and(|v| v.fingerprint_definition() == 1)
    }
}

impl DatasetVersion {
    /// The definition of the fingerprints recorded here: 1 for versions written before mizan
    /// 0.2.0, which did not say who wrote them.
    pub fn fingerprint_definition(&self) -> u8 {
        self.mizan_version.as_deref().map_or(1, crate::fingerprint::fingerprint_definition)
    }
}

fn default_language() -> String {
    "ar".into()
}

/// Where the articles are, relative to the manifest's folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleSource {
    pub format: ArticleFormat,
    /// A folder for `txt`, a file for `jsonl`; defaults to the manifest's folder and
    /// `articles.jsonl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleFormat {
    /// A folder of `.txt` files, one article each, id = file stem.
    Txt,
    /// One `{"id", "text", ...}` object a line.
    Jsonl,
}

/// The labels (and attributes) a layer may use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSchema {
    pub labels: Vec<String>,
    /// Attributes every span of the layer carries (e.g. `speaker`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<String>,
    /// A flat layer has no nested or crossing spans.
    #[serde(default = "default_flat")]
    pub flat: bool,
}

fn default_flat() -> bool {
    true
}

impl Manifest {
    /// Reads and parses a manifest; a syntax error names its line.
    pub fn read(path: &Path) -> Result<Manifest, LoadError> {
        let text = crate::load::read_bounded_text(path)?;
        Self::parse(&text).map_err(|message| LoadError::Unusable { path: path.to_path_buf(), message })
    }

    pub fn parse(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|error| {
            let line = error.span().map(|span| 1 + text[..span.start].matches('\n').count());
            let message = error.message().to_string();
            match line {
                Some(line) => format!("line {line}: {message} (see docs/datasets.md for the manifest fields)"),
                None => format!("{message} (see docs/datasets.md for the manifest fields)"),
            }
        })
    }

    /// The manifest of a dataset made from `dataset` (normalised, deduplicated, split): its
    /// name, language, source, licence and layers, articles as `articles.jsonl`, the splits
    /// restricted to `articles`, no version yet (the writer stamps it). A dataset read from
    /// ad-hoc files gets a layer table listing the labels its gold uses.
    pub fn derived(dataset: &crate::Dataset, articles: &[crate::Article], description: String) -> Manifest {
        let ids: std::collections::HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        let mut manifest = dataset.manifest.clone().unwrap_or_else(|| Manifest {
            name: dataset.name.clone(),
            language: default_language(),
            description: None,
            source: None,
            licence: None,
            articles: ArticleSource { format: ArticleFormat::Jsonl, path: None },
            splits: BTreeMap::new(),
            layers: BTreeMap::new(),
            version: None,
        });
        let declared: Vec<String> = manifest.layers.keys().cloned().collect();
        for span in dataset.gold.iter().filter(|s| !declared.contains(&s.layer)) {
            let schema = manifest.layers.entry(span.layer.clone()).or_insert_with(|| LayerSchema { labels: vec![], attrs: vec![], flat: false });
            if !schema.labels.contains(&span.label) {
                schema.labels.push(span.label.clone());
                schema.labels.sort();
            }
        }
        manifest.description = Some(description);
        manifest.articles = ArticleSource { format: ArticleFormat::Jsonl, path: None };
        for members in manifest.splits.values_mut() {
            members.retain(|id| ids.contains(id.as_str()));
        }
        manifest.version = None;
        manifest
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_manifest() {
        let manifest = Manifest::parse(
            r#"
name = "sana"
language = "ar"
licence = "CC BY 4.0"
[articles]
format = "txt"
[splits]
test = ["a"]
[layers.quote]
labels = ["QUOTE"]
attrs = ["speaker"]
[version]
fingerprint = "8bba8eeb974e21c5443fac988c28c5a1"
command = "mizan normalize sana --out x"
created = "2026-01-01T00:00:00Z"
"#,
        )
        .unwrap();
        assert_eq!(manifest.articles.format, ArticleFormat::Txt);
        assert!(manifest.layers["quote"].flat);
        assert_eq!(manifest.splits["test"], vec!["a"]);
        assert_eq!(manifest.version.as_ref().map(|v| v.parent.is_none()), Some(true));
        assert_eq!(Manifest::parse(&manifest.to_toml()).unwrap(), manifest);
    }

    #[test]
    fn errors_name_the_line() {
        let error = Manifest::parse("name = \"x\"\n[articles]\nformat = \"xml\"\n").unwrap_err();
        assert!(error.starts_with("line 3:"), "{error}");
        let error = Manifest::parse("name = \"x\"\n[articles]\nformat = \"txt\"\ncolour = 1\n").unwrap_err();
        assert!(error.contains("colour"), "{error}");
    }
}
