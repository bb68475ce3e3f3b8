//! `gazetteer`: the [`Extractor`] face of the lists. It labels every listed name it finds in
//! the `ner` layer, and reports which lists it used and a hash of their compiled contents, so
//! that a report says exactly which names were behind its numbers.

use std::path::PathBuf;

use serde_json::json;

use super::lists::GazetteerError;
use super::matcher::Gazetteer;
use crate::extract::{ExtractError, Extractor};
use crate::model::{Article, Span};

/// The lists an extractor searches with.
enum Lists {
    Builtin(&'static Gazetteer),
    Files { paths: Vec<PathBuf>, gazetteer: Gazetteer },
}

/// The dictionary extractor for the `ner` layer.
pub struct GazetteerExtractor {
    name: String,
    lists: Lists,
    /// Hash of the compiled names and labels: the same lists give the same hash whatever
    /// their file order, spelling variants or comments.
    content_hash: String,
}

impl GazetteerExtractor {
    /// An extractor named `name` over the shipped lists (`None`) or the given list files.
    pub fn new(name: &str, lists: Option<&[PathBuf]>) -> Result<Self, GazetteerError> {
        let lists = match lists {
            None => Lists::Builtin(Gazetteer::builtin()),
            Some(paths) => Lists::Files { paths: paths.to_vec(), gazetteer: Gazetteer::from_files(paths)? },
        };
        let content_hash = content_hash(lists.gazetteer());
        Ok(GazetteerExtractor { name: name.to_string(), lists, content_hash })
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        self.lists.gazetteer()
    }
}

impl Lists {
    fn gazetteer(&self) -> &Gazetteer {
        match self {
            Lists::Builtin(gazetteer) => gazetteer,
            Lists::Files { gazetteer, .. } => gazetteer,
        }
    }
}

impl Extractor for GazetteerExtractor {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> &str {
        "1"
    }

    fn layers(&self) -> Vec<String> {
        vec!["ner".to_string()]
    }

    fn parameters(&self) -> serde_json::Value {
        let lists: Vec<String> = match &self.lists {
            Lists::Builtin(_) => vec!["builtin".to_string()],
            Lists::Files { paths, .. } => paths.iter().map(|p| p.display().to_string()).collect(),
        };
        json!({ "lists": lists, "entries": self.gazetteer().len(), "content_hash": self.content_hash })
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        let mut spans = Vec::new();
        for found in self.gazetteer().find(&article.text) {
            let text = article
                .slice(found.start, found.end)
                .ok_or_else(|| ExtractError::InvalidSpan(format!("match {}..{} runs past the article", found.start, found.end)))?;
            spans.push(Span::new(article.id.clone(), found.start, found.end, found.label).with_text(text.to_string()));
        }
        Ok(spans)
    }
}

fn content_hash(gazetteer: &Gazetteer) -> String {
    gazetteer.fingerprint()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::gazetteer::Entry;
    use std::collections::BTreeMap;

    #[test]
    fn extracts_sorted_ner_spans_with_their_text() {
        let extractor = GazetteerExtractor::new("gazetteer", None).unwrap();
        let article = Article::new("a", "موسكو-سانا\nأكد سيرغي لافروف أن روسيا وبريطانيا", BTreeMap::new());
        let spans = extractor.extract(&article).unwrap();
        let got: Vec<(usize, usize, &str, Option<&str>)> = spans.iter().map(|s| (s.start, s.end, s.label.as_str(), s.text.as_deref())).collect();
        assert_eq!(
            got,
            [
                (0, 5, "LOC", Some("موسكو")),
                (6, 10, "ORG", Some("سانا")),
                (15, 27, "PER", Some("سيرغي لافروف")),
                (31, 36, "LOC", Some("روسيا")),
                (38, 46, "LOC", Some("بريطانيا")),
            ]
        );
        assert!(spans.iter().all(|s| s.layer == "ner"));
        assert!(spans.windows(2).all(|w| (w[0].start, w[0].end, &w[0].label) < (w[1].start, w[1].end, &w[1].label)));
        assert!(extractor.extract(&Article::new("b", "", BTreeMap::new())).unwrap().is_empty());
    }

    #[test]
    fn parameters_name_the_lists_and_their_contents() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("LOC.txt"), dir.path().join("LOC-b.txt"));
        std::fs::write(&one, "# a\nروسيا\nلندن\n").unwrap();
        std::fs::write(&two, "# b\nلندن\nرُوسيا\n").unwrap();
        let a = GazetteerExtractor::new("g", Some(std::slice::from_ref(&one))).unwrap();
        let b = GazetteerExtractor::new("g", Some(std::slice::from_ref(&two))).unwrap();
        assert_eq!(a.parameters()["content_hash"], b.parameters()["content_hash"]);
        assert_eq!(a.parameters()["lists"], json!([one.display().to_string()]));
        let builtin = GazetteerExtractor::new("g", None).unwrap();
        assert_ne!(builtin.parameters()["content_hash"], a.parameters()["content_hash"]);
        assert_eq!(builtin.parameters()["lists"], json!(["builtin"]));
        let empty = Gazetteer::new(Vec::<Entry>::new());
        assert_eq!(content_hash(&empty), "cbf29ce484222325");
    }
}
