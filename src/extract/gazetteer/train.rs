//! Training a list from gold: every distinct surface form of a layer's gold spans, normalised,
//! with the label it carries most often. It is the "memorise the training set" baseline, and a
//! quick way to start a list for a new domain from annotated data.

use std::collections::BTreeMap;

use super::matcher::normalize_name;
use crate::dataset::Dataset;

/// A list file (format in [`super::lists`]) of the surface forms of `dataset`'s gold spans in
/// `layer`, normalised, each with its most frequent label (ties go to the label first in
/// sorted order). Sections by label, names sorted, so the same gold gives the same file.
pub fn train(dataset: &Dataset, layer: &str) -> String {
    let index = dataset.article_index();
    let mut counts: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut spans = 0;
    for span in dataset.gold.iter().filter(|s| s.layer == layer) {
        let surface = match &span.text {
            Some(text) => Some(text.as_str()),
            None => index.get(span.article_id.as_str()).and_then(|&i| dataset.articles[i].slice(span.start, span.end)),
        };
        let Some(name) = surface.map(normalize_name).filter(|n| !n.is_empty()) else {
            continue;
        };
        spans += 1;
        *counts.entry(name).or_default().entry(span.label.as_str()).or_default() += 1;
    }
    let mut by_label: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, labels) in &counts {
        // The most frequent label; among equals, max_by_key keeps the last, so reverse.
        let best = labels.iter().rev().max_by_key(|(_, &n)| n).map(|(&label, _)| label);
        if let Some(label) = best {
            by_label.entry(label).or_default().push(name);
        }
    }
    let mut out = format!(
        "# mizan gazetteer list trained from the gold `{layer}` spans of dataset `{}`\n\
         # ({spans} spans, {} distinct normalised forms): each form with its most frequent label.\n\
         # Source and licence: those of the dataset's annotations.\n",
        dataset.name,
        counts.len()
    );
    for (label, names) in by_label {
        out.push_str(&format!("\n# label: {label}\n"));
        for name in names {
            out.push_str(name);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::gazetteer::lists::parse_list;
    use crate::progress::NoProgress;
    use crate::DatasetSpec;
    use std::path::{Path, PathBuf};

    fn sana() -> Dataset {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let spec =
            DatasetSpec::Files { articles: root.join("datasets/sana"), gold: vec![root.join("gold/sana/ner.jsonl"), root.join("gold/sana/quote.jsonl")] };
        Dataset::load(&spec, &NoProgress).unwrap().0
    }

    #[test]
    fn trains_a_list_from_the_sana_gold() {
        let list = train(&sana(), "ner");
        let entries = parse_list(&list, &PathBuf::from("trained.txt")).unwrap();
        let find = |name: &str| entries.iter().find(|e| e.name == name).map(|e| e.label.as_str());
        assert_eq!(find("روسيا"), Some("LOC"));
        assert_eq!(find("سيرغي لافروف"), Some("PER"));
        assert_eq!(find("مجلس الامن الدولي"), Some("ORG"));
        assert_eq!(find("سوريه"), Some("LOC"));
        assert_eq!(find("بطوله كاس العالم بكره القدم"), Some("MISC"));
        // Each form once, whatever the number of mentions.
        assert_eq!(entries.iter().filter(|e| e.name == "لافروف").count(), 1);
        assert!(list.contains("dataset `sana`"), "{list}");
        assert!(train(&sana(), "quote").contains("# label: QUOTE"));
        assert_eq!(list, train(&sana(), "ner"));
    }

    #[test]
    fn the_most_frequent_label_wins() {
        let article = crate::model::Article::new("a", "عمان عمان عمان", BTreeMap::new());
        let span = |start: usize, label: &str| crate::model::Span {
            article_id: "a".into(),
            layer: "ner".into(),
            start,
            end: start + 4,
            label: label.into(),
            text: None,
            attrs: BTreeMap::new(),
        };
        let mut dataset = sana();
        dataset.articles = vec![article];
        dataset.gold = vec![span(0, "ORG"), span(5, "LOC"), span(10, "ORG")];
        assert!(train(&dataset, "ner").ends_with("# label: ORG\nعمان\n"));
        dataset.gold.truncate(2);
        assert!(train(&dataset, "ner").ends_with("# label: LOC\nعمان\n"));
    }
}
