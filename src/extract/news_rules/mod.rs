//! `news-rules`: a rule-based extractor for the conventions of Arabic wire copy — the
//! dateline that opens a story, quotations with their speakers, and dates — written to the
//! same guidelines as the gold (docs/annotation-guidelines.md), so that its errors point at
//! the rules and not at a different reading of the task. docs/extractors/news-rules.md lists
//! the rules with examples and their known limits.
//!
//! Each part is usable alone: [`find_dateline`], [`find_quotes`], [`find_dates`].

mod calendar;
mod date;
mod dateline;
mod lexicon;
mod marks;
mod people;
mod quote;
mod speaker;
mod subject;
mod words;

pub use date::find_dates;
pub use dateline::find_dateline;
pub use quote::find_quotes;

use crate::extract::{ExtractError, Extractor};
use crate::model::{Article, Span};

/// The layers [`NewsRules`] produces.
const LAYERS: [&str; 3] = ["dateline", "quote", "date"];

/// Datelines, quotations and dates by rule.
#[derive(Debug, Clone)]
pub struct NewsRules {
    name: String,
}

impl NewsRules {
    /// The extractor under the instance name `name` (`news-rules` in the registry).
    pub fn new(name: &str) -> NewsRules {
        NewsRules { name: name.to_string() }
    }
}

impl Extractor for NewsRules {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> &str {
        "2"
    }

    fn layers(&self) -> Vec<String> {
        LAYERS.iter().map(|l| l.to_string()).collect()
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        let mut spans: Vec<Span> = find_dateline(article).into_iter().collect();
        spans.extend(find_quotes(article));
        spans.extend(find_dates(article));
        for span in &mut spans {
            span.article_id = article.id.clone();
        }
        spans.sort_by(|a, b| (&a.layer, a.start, a.end, &a.label).cmp(&(&b.layer, b.start, b.end, &b.label)));
        Ok(spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn extracts_every_layer_sorted_and_owned_by_the_article() {
        let text = "دمشق-سانا\nقال لافروف اليوم “نحن مستعدون للحوار مع لندن” عام 2018.";
        let article = Article::new("a1", text, BTreeMap::new());
        let extractor = NewsRules::new("news-rules");
        assert_eq!((extractor.name(), extractor.version()), ("news-rules", "2"));
        let spans = extractor.extract(&article).expect("rules do not fail");
        let got: Vec<(&str, &str, &str)> = spans.iter().map(|s| (s.layer.as_str(), s.text.as_deref().unwrap_or(""), s.article_id.as_str())).collect();
        assert_eq!(got, [("date", "اليوم", "a1"), ("date", "عام 2018", "a1"), ("dateline", "دمشق-سانا", "a1"), ("quote", "نحن مستعدون للحوار مع لندن", "a1"),]);
        assert_eq!(extractor.extract(&article), Ok(spans));
    }

    #[test]
    fn an_empty_article_has_no_spans() {
        let article = Article::new("a", "", BTreeMap::new());
        assert_eq!(NewsRules::new("n").extract(&article), Ok(Vec::new()));
    }
}
