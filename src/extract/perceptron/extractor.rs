//! `perceptron-ner`: a trained [`PerceptronModel`] behind the [`Extractor`] trait, producing
//! spans in the `ner` layer.

use std::path::{Path, PathBuf};

use super::families::Family;
use super::model::PerceptronModel;
use super::names;
use super::train::gazetteer_fingerprint;
use super::PerceptronError;
use crate::extract::{ExtractError, Extractor};
use crate::model::{Article, Span};

/// A perceptron model as an extractor.
pub struct PerceptronNer {
    name: String,
    /// Where the model was read from; `None` for a model handed over in memory.
    path: Option<PathBuf>,
    model: PerceptronModel,
}

impl PerceptronNer {
    /// Reads the model at `model`.
    pub fn load(name: &str, model: &Path) -> Result<PerceptronNer, PerceptronError> {
        let loaded = PerceptronModel::load(model)?;
        Ok(PerceptronNer { name: name.to_string(), path: Some(model.to_path_buf()), model: loaded })
    }

    /// Wraps a model already in memory (just trained, say).
    pub fn from_model(name: &str, model: PerceptronModel) -> PerceptronNer {
        PerceptronNer { name: name.to_string(), path: None, model }
    }

    pub fn model(&self) -> &PerceptronModel {
        &self.model
    }
}

impl Extractor for PerceptronNer {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> &str {
        "1"
    }

    fn layers(&self) -> Vec<String> {
        vec![self.model.summary().layer.clone()]
    }

    /// The model's path and content hash, and the fingerprints of the built-in gazetteer and
    /// of the name lists when the model uses them: together they decide the output; the path
    /// says where it came from.
    fn parameters(&self) -> serde_json::Value {
        let gazetteer = self.model.summary().gazetteer.as_ref().map(|_| gazetteer_fingerprint());
        let mut parameters = serde_json::json!({
            "model": self.path.as_ref().map(|p| p.display().to_string()),
            "hash": self.model.content_hash(),
            "gazetteer": gazetteer,
        });
        if self.model.summary().families.contains(Family::Names) {
            parameters["names"] = names::fingerprint().into();
        }
        parameters
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        let layer = &self.model.summary().layer;
        self.model
            .tag(&article.text)
            .into_iter()
            .map(|entity| {
                let text = article
                    .slice(entity.start, entity.end)
                    .ok_or_else(|| ExtractError::InvalidSpan(format!("{}..{} is outside the article", entity.start, entity.end)))?;
                Ok(Span::new("", entity.start, entity.end, entity.label).with_layer(layer.clone()).with_text(text.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::extract::perceptron::train::tests::toy_data;
    use crate::extract::perceptron::train::{train_articles, TrainOptions};
    use crate::progress::NoProgress;

    #[test]
    fn extracts_sorted_spans_with_their_text() {
        let (articles, gold) = toy_data();
        let model = train_articles(&articles, &gold, &TrainOptions::default(), &NoProgress).unwrap();
        let hash = model.content_hash();
        let ner = PerceptronNer::from_model("toy", model);
        assert_eq!((ner.name(), ner.version(), ner.layers()), ("toy", "1", vec!["ner".to_string()]));
        assert_eq!(ner.parameters()["hash"], hash.as_str());
        assert_eq!(ner.parameters()["model"], serde_json::Value::Null);

        let article = Article::new("x", "غادر أحمد علي القاهرة، ثم زار دمشق", BTreeMap::new());
        let spans = ner.extract(&article).unwrap();
        let found: Vec<(usize, usize, &str, Option<&str>)> = spans.iter().map(|s| (s.start, s.end, s.label.as_str(), s.text.as_deref())).collect();
        assert_eq!(found, [(5, 13, "PER", Some("أحمد علي")), (14, 21, "LOC", Some("القاهرة")), (30, 34, "LOC", Some("دمشق"))]);
        assert!(spans.iter().all(|s| s.layer == "ner" && s.article_id.is_empty()));
        assert!(ner.extract(&Article::new("e", "", BTreeMap::new())).unwrap().is_empty());
    }
}
