//! Scores as JSON: the shape `mizan score --json` prints and reports embed. Every scheme's
//! figures carry all ten fields (`correct, incorrect, partial, missed, spurious, possible,
//! actual, precision, recall, f1`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::score::evaluate::LayerScore;
use crate::score::scheme::{macro_average, metrics, weighted_average, Counts, Scheme, SchemeCounts};
use crate::score::slices::Slice;

/// `{"strict": {...}, "exact": {...}, "partial": {...}, "type": {...}}`.
pub fn schemes_json(counts: &SchemeCounts) -> Value {
    let mut out = Map::new();
    for scheme in Scheme::ALL {
        out.insert(scheme.name().into(), metrics_json(scheme, &counts[scheme]));
    }
    Value::Object(out)
}

fn metrics_json(scheme: Scheme, counts: &Counts) -> Value {
    serde_json::to_value(metrics(scheme, counts)).unwrap_or(Value::Null)
}

fn counts_json(counts: &SchemeCounts) -> Value {
    let mut out = Map::new();
    for scheme in Scheme::ALL {
        out.insert(scheme.name().into(), serde_json::to_value(counts[scheme]).unwrap_or(Value::Null));
    }
    Value::Object(out)
}

/// Micro, macro and support-weighted precision, recall and F1 per scheme.
pub fn averages_json(score: &LayerScore) -> Value {
    let mut micro = Map::new();
    let mut macro_ = Map::new();
    let mut weighted = Map::new();
    for scheme in Scheme::ALL {
        let m = metrics(scheme, &score.overall[scheme]);
        micro.insert(scheme.name().into(), json!({"precision": m.precision, "recall": m.recall, "f1": m.f1}));
        let (p, r, f) = macro_average(&score.per_label, scheme);
        macro_.insert(scheme.name().into(), json!({"precision": p, "recall": r, "f1": f}));
        let (p, r, f) = weighted_average(&score.per_label, scheme);
        weighted.insert(scheme.name().into(), json!({"precision": p, "recall": r, "f1": f}));
    }
    json!({"micro": micro, "macro": macro_, "weighted": weighted})
}

/// One layer's scores; `slices` maps a metadata column to its groups.
pub fn layer_json(score: &LayerScore, slices: &BTreeMap<String, BTreeMap<String, Slice>>) -> Value {
    let mut overall = schemes_json(&score.overall);
    if score.has_attributes() {
        overall["strict+attrs"] = metrics_json(Scheme::Strict, &score.strict_attrs);
    }
    let per_label: Map<String, Value> =
        score.per_label.iter().map(|(label, counts)| (label.clone(), schemes_json(counts))).collect();
    let per_article: Map<String, Value> =
        score.per_article.iter().map(|a| (a.article_id.clone(), counts_json(&a.counts))).collect();
    let mut confusion: Map<String, Value> = Map::new();
    for ((gold, pred), n) in &score.confusion {
        let row = confusion.entry(gold.clone()).or_insert_with(|| Value::Object(Map::new()));
        row[pred] = json!(n);
    }
    let attributes: Map<String, Value> = score
        .attributes
        .iter()
        .map(|(name, c)| (name.clone(), json!({"compared": c.compared, "correct": c.correct, "accuracy": c.accuracy()})))
        .collect();
    let slices: Map<String, Value> = slices
        .iter()
        .map(|(column, groups)| {
            let groups: Map<String, Value> = groups
                .iter()
                .map(|(name, slice)| {
                    let mut value = schemes_json(&slice.counts);
                    value["articles"] = json!(slice.articles);
                    (name.clone(), value)
                })
                .collect();
            (column.clone(), Value::Object(groups))
        })
        .collect();
    json!({
        "layer": score.layer,
        "gold_spans": score.gold_spans,
        "predicted_spans": score.predicted_spans,
        "articles": score.per_article.len(),
        "overall": overall,
        "per_label": per_label,
        "averages": averages_json(score),
        "attributes": attributes,
        "confusion": confusion,
        "slices": slices,
        "per_article": per_article,
    })
}
