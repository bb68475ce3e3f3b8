//! The prediction cache (`--cache DIR`): an extractor's spans for an article, stored under a
//! key made of the extractor's name, version and parameters and the article's id, metadata and
//! text — everything an extractor is given — so that a rerun skips the articles whose answer
//! cannot have changed. Only successes are cached.

use std::path::PathBuf;

use serde_json::Value;

use crate::extract::Extractor;
use crate::fingerprint::Fingerprint;
use crate::load::parse_span;
use crate::model::{Article, Span};

/// A cache folder.
#[derive(Debug, Clone)]
pub struct PredictionCache {
    dir: PathBuf,
}

impl PredictionCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        PredictionCache { dir: dir.into() }
    }

    fn path(&self, extractor: &dyn Extractor, article: &Article) -> PathBuf {
        let key = Fingerprint::new()
            .add_str(extractor.name())
            .add_str(extractor.version())
            .add_str(&extractor.parameters().to_string())
            .add_str(&article.id)
            .add_str(&article.metadata_json())
            .add_str(&article.text)
            .hex();
        let name: String = extractor.name().chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
        self.dir.join(name).join(&key[..2]).join(format!("{key}.json"))
    }

    /// The cached spans, if any; an unreadable entry counts as a miss.
    pub fn get(&self, extractor: &dyn Extractor, article: &Article) -> Option<Vec<Span>> {
        let text = std::fs::read_to_string(self.path(extractor, article)).ok()?;
        let Value::Array(items) = serde_json::from_str(&text).ok()? else { return None };
        items
            .into_iter()
            .map(|mut item| {
                item.as_object_mut()?.insert("article_id".into(), Value::String(article.id.clone()));
                parse_span(&item.to_string(), crate::model::DEFAULT_LAYER, None).ok().map(|(span, _)| span)
            })
            .collect()
    }

    /// Stores spans; failures to write are ignored (the cache is an optimisation).
    pub fn put(&self, extractor: &dyn Extractor, article: &Article, spans: &[Span]) {
        let path = self.path(extractor, article);
        let items: Vec<Value> = spans
            .iter()
            .map(|span| {
                let mut value = span.to_json();
                if let Some(object) = value.as_object_mut() {
                    object.remove("article_id");
                }
                value
            })
            .collect();
        let _ = crate::atomic::write_atomic(&path, Value::Array(items).to_string().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::oracle::Oracle;
    use std::collections::BTreeMap;

    #[test]
    fn stores_and_returns_spans_keyed_by_text() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PredictionCache::new(dir.path());
        let span = Span {
            article_id: "a".into(),
            layer: "quote".into(),
            start: 1,
            end: 3,
            label: "QUOTE".into(),
            text: Some("ال".into()),
            attrs: BTreeMap::from([("speaker".into(), "لافروف".into())]),
        };
        let oracle = Oracle::new("o", std::slice::from_ref(&span));
        let article = Article::new("a", "قال", BTreeMap::new());
        assert_eq!(cache.get(&oracle, &article), None);
        cache.put(&oracle, &article, std::slice::from_ref(&span));
        assert_eq!(cache.get(&oracle, &article), Some(vec![span]));
        // Another text, or another id, is another key.
        assert_eq!(cache.get(&oracle, &Article::new("b", "قال", BTreeMap::new())), None);
        assert_eq!(cache.get(&oracle, &Article::new("a", "قالت", BTreeMap::new())), None);
    }
}
