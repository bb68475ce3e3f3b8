//! Label Studio JSON out: the list of tasks a current Label Studio exports and imports, one
//! task per line inside the array. `data` holds `text`, the mizan `article_id` and the
//! article's metadata; each article's gold is one annotation whose results are `labels`
//! regions with code-point offsets (as Label Studio ≥ 1.0 counts them) and `value.text`;
//! `from_name` is the span's layer. A dataset folder's `predictions/<model>.jsonl` become each
//! task's `predictions` with that `model_version`. Span attrs have no place in a `labels` region
//! and are counted by the caller as not written.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::{Article, Span};

/// The regions of one article's spans.
fn regions(article: &Article, spans: Option<&Vec<&Span>>, id_prefix: &str) -> Vec<Value> {
    spans
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(n, span)| {
            json!({
                "id": format!("{id_prefix}-{}", n + 1),
                "from_name": span.layer,
                "to_name": "text",
                "type": "labels",
                "origin": if id_prefix.starts_with('p') { "prediction" } else { "manual" },
                "value": {"start": span.start, "end": span.end, "text": article.slice(span.start, span.end).unwrap_or_default(), "labels": [span.label]},
            })
        })
        .collect()
}

/// The export file's bytes; `predictions` (model name → spans) become each task's
/// `predictions`, one per model with its `model_version`.
pub fn write_label_studio(articles: &[Article], spans: &[Span], predictions: &BTreeMap<String, Vec<Span>>) -> Vec<u8> {
    let mut by_article: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        by_article.entry(&span.article_id).or_default().push(span);
    }
    let mut predicted: BTreeMap<(&str, &str), Vec<&Span>> = BTreeMap::new();
    for (model, spans) in predictions {
        for span in spans {
            predicted.entry((model.as_str(), span.article_id.as_str())).or_default().push(span);
        }
    }
    let mut out = b"[\n".to_vec();
    for (k, article) in articles.iter().enumerate() {
        let mut data = serde_json::Map::new();
        data.insert("text".into(), article.text.clone().into());
        data.insert("article_id".into(), article.id.clone().into());
        for (key, value) in &article.metadata {
            if key != "text" && key != "article_id" {
                data.insert(key.clone(), value.clone().into());
            }
        }
        let results = regions(article, by_article.get(article.id.as_str()), &format!("r{}", k + 1));
        let models: Vec<Value> = predictions
            .keys()
            .enumerate()
            .map(|(m, model)| {
                let result = regions(article, predicted.get(&(model.as_str(), article.id.as_str())), &format!("p{}-{}", k + 1, m + 1));
                json!({"model_version": model, "result": result})
            })
            .collect();
        let task = json!({
            "id": k + 1,
            "data": Value::Object(data),
            "annotations": [{"id": k + 1, "result": results, "was_cancelled": false, "ground_truth": false}],
            "predictions": models,
        });
        if k > 0 {
            out.extend(b",\n");
        }
        out.extend(task.to_string().into_bytes());
    }
    out.extend(b"\n]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_carry_the_text_the_id_and_code_point_regions() {
        let article = Article::new("sana-1", "😀 قال لافروف", BTreeMap::new());
        let predictions = BTreeMap::from([("m1".to_string(), vec![Span::new("sana-1", 2, 5, "X")])]);
        let bytes = write_label_studio(std::slice::from_ref(&article), &[Span::new("sana-1", 6, 12, "PER")], &predictions);
        let tasks: Value = serde_json::from_slice(&bytes).unwrap();
        let value = &tasks[0]["annotations"][0]["result"][0]["value"];
        assert_eq!((value["start"].as_u64(), value["end"].as_u64(), value["text"].as_str()), (Some(6), Some(12), Some("لافروف")));
        assert_eq!(tasks[0]["data"]["article_id"], "sana-1");
        assert_eq!(tasks[0]["predictions"][0]["model_version"], "m1");
        assert_eq!(tasks[0]["predictions"][0]["result"][0]["value"]["text"], "قال");
        assert_eq!(write_label_studio(&[], &[], &BTreeMap::new()), b"[\n\n]\n");
    }
}
