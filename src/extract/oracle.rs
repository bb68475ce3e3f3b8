//! `oracle`: returns the gold spans of each article. It makes the whole path — run, score,
//! report — testable with known answers: every score is 1.0.

use std::collections::HashMap;

use crate::extract::{ExtractError, Extractor};
use crate::model::{Article, Span};

/// Answers with the gold spans of the article: every score is 1.0, which tests the whole path.
pub struct Oracle {
    name: String,
    layers: Vec<String>,
    gold: HashMap<String, Vec<Span>>,
}

impl Oracle {
    /// An oracle over `gold`, answering in every layer the gold has.
    pub fn new(name: impl Into<String>, gold: &[Span]) -> Self {
        let mut by_article: HashMap<String, Vec<Span>> = HashMap::new();
        let mut layers: Vec<String> = Vec::new();
        for span in gold {
            by_article.entry(span.article_id.clone()).or_default().push(span.clone());
            if !layers.contains(&span.layer) {
                layers.push(span.layer.clone());
            }
        }
        layers.sort();
        Oracle { name: name.into(), layers, gold: by_article }
    }
}

impl Extractor for Oracle {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> &str {
        "1"
    }

    fn layers(&self) -> Vec<String> {
        self.layers.clone()
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        Ok(self.gold.get(&article.id).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn answers_with_the_gold_of_each_article() {
        let span = |id: &str, layer: &str| Span::new(id, 0, 1, "X").with_layer(layer);
        let oracle = Oracle::new("oracle", &[span("a", "quote"), span("a", "ner"), span("b", "ner")]);
        assert_eq!(oracle.layers(), ["ner", "quote"]);
        let article = Article::new("a", "x", BTreeMap::new());
        assert_eq!(oracle.extract(&article).unwrap().len(), 2);
        assert!(oracle.extract(&Article::new("c", "x", BTreeMap::new())).unwrap().is_empty());
    }
}
