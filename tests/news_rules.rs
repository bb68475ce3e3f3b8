//! The `news-rules` extractor on the shipped SANA sample and on the SANA-style stories of
//! datasets/news-sample, scored against their gold layer by layer. The floors below are the
//! scores measured when the rules were written (stated in docs/extractors/news-rules.md); a
//! change that lowers one fails here.

use mizan::extract::news_rules::NewsRules;
use mizan::extract::Extractor;
use mizan::progress::NoProgress;
use mizan::score::{metrics, score_layer, LayerScore, Scheme};
use mizan::{Dataset, DatasetSpec, Span};

struct Floor {
    layer: &'static str,
    strict_f1: f64,
    partial_f1: f64,
    /// Attribute name and the lowest accepted accuracy.
    attrs: &'static [(&'static str, f64)],
}

const FLOORS: [Floor; 3] = [
    Floor { layer: "dateline", strict_f1: 1.0, partial_f1: 1.0, attrs: &[("place", 1.0), ("agency", 1.0)] },
    Floor { layer: "quote", strict_f1: 1.0, partial_f1: 1.0, attrs: &[("speaker", 1.0)] },
    Floor { layer: "date", strict_f1: 1.0, partial_f1: 1.0, attrs: &[("value", 1.0)] },
];

/// The news-sample stories hold quotations and datelines only.
const NEWS_SAMPLE_FLOORS: [Floor; 2] = [
    Floor { layer: "dateline", strict_f1: 1.0, partial_f1: 1.0, attrs: &[("place", 1.0), ("agency", 1.0)] },
    Floor { layer: "quote", strict_f1: 1.0, partial_f1: 1.0, attrs: &[("speaker", 1.0)] },
];

fn load(name: &str) -> Dataset {
    let (dataset, diagnostics) = Dataset::load(&DatasetSpec::Named(name.into()), &NoProgress).expect("the dataset loads");
    assert_eq!(diagnostics.error_count(), 0, "{name} is valid");
    dataset
}

fn sana() -> Dataset {
    load("sana")
}

fn predict(dataset: &Dataset) -> Vec<Span> {
    let extractor = NewsRules::new("news-rules");
    dataset.articles.iter().flat_map(|a| extractor.extract(a).expect("news-rules never fails")).collect()
}

fn describe(score: &LayerScore) -> String {
    let f1 = |scheme| metrics(scheme, &score.overall[scheme]).f1;
    let attrs: Vec<String> = score.attributes.iter().map(|(k, c)| format!("{k} {}/{}", c.correct, c.compared)).collect();
    format!("{}: strict {:.3}, partial {:.3}, {}", score.layer, f1(Scheme::Strict), f1(Scheme::Partial), attrs.join(", "))
}

#[test]
fn scores_on_the_sana_sample_stay_above_their_floors() {
    check_floors(&sana(), &FLOORS);
}

#[test]
fn scores_on_the_news_sample_stay_above_their_floors() {
    check_floors(&load("news-sample"), &NEWS_SAMPLE_FLOORS);
}

fn check_floors(dataset: &Dataset, floors: &[Floor]) {
    let pred = predict(dataset);
    let ids: Vec<String> = dataset.articles.iter().map(|a| a.id.clone()).collect();
    for floor in floors {
        let score = score_layer(floor.layer, &ids, &dataset.gold, &pred);
        let summary = describe(&score);
        println!("{summary}");
        assert!(score.gold_spans > 0, "{}: the gold has spans", floor.layer);
        assert!(metrics(Scheme::Strict, &score.overall[Scheme::Strict]).f1 >= floor.strict_f1, "{summary}");
        assert!(metrics(Scheme::Partial, &score.overall[Scheme::Partial]).f1 >= floor.partial_f1, "{summary}");
        for &(attr, accuracy) in floor.attrs {
            let counts = score.attributes.get(attr).copied().unwrap_or_default();
            assert!(counts.compared > 0 && counts.accuracy() >= accuracy, "{summary}");
        }
    }
}

#[test]
fn output_is_sorted_and_every_span_fits_its_article() {
    let dataset = sana();
    let extractor = NewsRules::new("news-rules");
    assert_eq!(extractor.layers(), ["dateline", "quote", "date"]);
    for article in &dataset.articles {
        let spans = extractor.extract(article).expect("news-rules never fails");
        let keys: Vec<_> = spans.iter().map(|s| (s.layer.clone(), s.start, s.end, s.label.clone())).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        for span in &spans {
            assert_eq!(span.text.as_deref(), article.slice(span.start, span.end), "{span:?}");
            assert_eq!(span.article_id, article.id);
        }
    }
}

#[test]
fn arabic_indic_digits_give_the_same_dates() {
    use mizan::extract::news_rules::find_dates;
    let dataset = sana();
    for article in &dataset.articles {
        let indic: String = article.text.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(0x0660 + d).unwrap_or(c))).collect();
        let variant = mizan::Article::new(article.id.clone(), indic, article.metadata.clone());
        let key = |spans: Vec<Span>| -> Vec<(usize, usize, String)> { spans.into_iter().map(|s| (s.start, s.end, s.attrs["value"].clone())).collect() };
        assert_eq!(key(find_dates(&variant)), key(find_dates(article)));
    }
}
