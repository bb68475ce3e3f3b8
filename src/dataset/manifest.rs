//! `manifest.toml`: what a dataset is (name, language, source, licence), where its articles
//! are and in which format, its splits, and the label schema of each layer.

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
"#,
        )
        .unwrap();
        assert_eq!(manifest.articles.format, ArticleFormat::Txt);
        assert!(manifest.layers["quote"].flat);
        assert_eq!(manifest.splits["test"], vec!["a"]);
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
