//! BIO tags: the tag set a model is trained with, gold spans turned into tags over tokens,
//! and predicted tags turned back into spans.
//!
//! Spans become tags only when both of their ends fall on token boundaries of one sentence and
//! they overlap no span already placed; the others are counted and named in the training
//! summary, since a span the tagger cannot represent is one it can never learn. Tags become
//! spans as conlleval reads them: an `I-` after `O` or after another type starts a chunk.

use std::collections::BTreeSet;

use super::tokenize::Token;
use crate::model::Span;

/// The tags of a model: `O`, then `B-` and `I-` of every label, labels in sorted order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagSet {
    labels: Vec<String>,
}

/// The index of the `O` tag.
pub(crate) const OUTSIDE: usize = 0;

impl TagSet {
    pub(crate) fn new(labels: impl IntoIterator<Item = String>) -> Self {
        let labels: BTreeSet<String> = labels.into_iter().collect();
        TagSet { labels: labels.into_iter().collect() }
    }

    pub(crate) fn labels(&self) -> &[String] {
        &self.labels
    }

    pub(crate) fn len(&self) -> usize {
        1 + 2 * self.labels.len()
    }

    fn begin(label: usize) -> usize {
        1 + 2 * label
    }

    /// The label of a `B-`/`I-` tag; `None` for `O`.
    pub(crate) fn label_of(&self, tag: usize) -> Option<usize> {
        (tag != OUTSIDE).then(|| (tag - 1) / 2)
    }

    fn is_inside(tag: usize) -> bool {
        tag != OUTSIDE && (tag - 1) % 2 == 1
    }

    pub(crate) fn name(&self, tag: usize) -> String {
        match self.label_of(tag) {
            None => "O".into(),
            Some(label) => format!("{}-{}", if Self::is_inside(tag) { 'I' } else { 'B' }, self.labels[label]),
        }
    }

    /// Whether `tag` may follow `previous` (`None` at the start of a sentence): `I-X` only
    /// continues `B-X` or `I-X`. Decoding keeps to this, so every chunk it emits begins with
    /// `B-` and the tagger's output reads the same under any chunking convention.
    pub(crate) fn allowed(&self, previous: Option<usize>, tag: usize) -> bool {
        if !Self::is_inside(tag) {
            return true;
        }
        previous.is_some_and(|p| self.label_of(p) == self.label_of(tag))
    }
}

/// Gold spans laid onto tokens.
#[derive(Debug, Default)]
pub(crate) struct Alignment {
    /// One tag per token, per sentence.
    pub(crate) tags: Vec<Vec<usize>>,
    /// Spans placed as tags.
    pub(crate) aligned: usize,
    /// Spans whose ends are not token boundaries of one sentence, or that overlap another span.
    pub(crate) unaligned: Vec<Span>,
}

/// Tags `sentences` with `spans` (all of one article, labels all in `tags`).
pub(crate) fn align(tag_set: &TagSet, sentences: &[Vec<Token<'_>>], spans: &[&Span]) -> Alignment {
    let mut alignment = Alignment { tags: sentences.iter().map(|s| vec![OUTSIDE; s.len()]).collect(), ..Alignment::default() };
    for span in spans {
        let position = sentences.iter().enumerate().find_map(|(s, tokens)| {
            let first = tokens.iter().position(|t| t.start == span.start)?;
            let last = tokens.iter().position(|t| t.end == span.end)?;
            (first <= last).then_some((s, first, last))
        });
        let label = tag_set.labels.iter().position(|l| *l == span.label);
        let (Some((sentence, first, last)), Some(label)) = (position, label) else {
            alignment.unaligned.push((*span).clone());
            continue;
        };
        let row = &mut alignment.tags[sentence];
        if row[first..=last].iter().any(|&t| t != OUTSIDE) {
            alignment.unaligned.push((*span).clone());
            continue;
        }
        row[first] = TagSet::begin(label);
        for tag in &mut row[first + 1..=last] {
            *tag = TagSet::begin(label) + 1;
        }
        alignment.aligned += 1;
    }
    alignment
}

/// The chunks of a tag sequence as `(first token, last token, label index)`, read as
/// conlleval reads them.
pub(crate) fn chunks(tag_set: &TagSet, tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let mut open = false;
    for (i, &tag) in tags.iter().enumerate() {
        match tag_set.label_of(tag) {
            None => open = false,
            Some(label) => {
                let continues = open && TagSet::is_inside(tag) && found.last().is_some_and(|c| c.2 == label);
                match found.last_mut() {
                    Some(chunk) if continues => chunk.1 = i,
                    _ => found.push((i, i, label)),
                }
                open = true;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::perceptron::tokenize::tokenize;

    fn span(start: usize, end: usize, label: &str) -> Span {
        Span::new("a", start, end, label)
    }

    fn names(tag_set: &TagSet, tags: &[usize]) -> Vec<String> {
        tags.iter().map(|&t| tag_set.name(t)).collect()
    }

    #[test]
    fn aligns_spans_to_bio_and_counts_the_rest() {
        // قال سيرغي لافروف في موسكو، اليوم
        // 0   4     10    17 20   25 27
        let text = "قال سيرغي لافروف في موسكو، اليوم\nدمشق";
        let sentences = tokenize(text);
        let tag_set = TagSet::new(["PER".to_string(), "LOC".to_string()]);
        let spans = [
            span(4, 16, "PER"),
            span(20, 25, "LOC"),
            span(21, 25, "LOC"), // starts inside a token
            span(20, 26, "LOC"), // overlaps the span before
            span(27, 37, "LOC"), // crosses a line
            span(33, 37, "LOC"),
        ];
        let refs: Vec<&Span> = spans.iter().collect();
        let alignment = align(&tag_set, &sentences, &refs);
        assert_eq!(names(&tag_set, &alignment.tags[0]), ["O", "B-PER", "I-PER", "O", "B-LOC", "O", "O"]);
        assert_eq!(names(&tag_set, &alignment.tags[1]), ["B-LOC"]);
        assert_eq!(alignment.aligned, 3);
        let unaligned: Vec<(usize, usize)> = alignment.unaligned.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(unaligned, [(21, 25), (20, 26), (27, 37)]);
    }

    #[test]
    fn reads_chunks_as_conlleval() {
        let tag_set = TagSet::new(["LOC".to_string(), "PER".to_string()]);
        let (o, b_loc, i_loc, b_per, i_per) = (0, 1, 2, 3, 4);
        assert_eq!(tag_set.name(i_per), "I-PER");
        let tags = [b_per, i_per, o, i_loc, i_loc, i_per, b_loc, b_loc];
        assert_eq!(chunks(&tag_set, &tags), [(0, 1, 1), (3, 4, 0), (5, 5, 1), (6, 6, 0), (7, 7, 0)]);
        assert!(chunks(&tag_set, &[]).is_empty());
    }

    #[test]
    fn inside_tags_only_continue_their_own_label() {
        let tag_set = TagSet::new(["LOC".to_string(), "PER".to_string()]);
        assert!(tag_set.allowed(None, 1));
        assert!(!tag_set.allowed(None, 2));
        assert!(tag_set.allowed(Some(1), 2));
        assert!(tag_set.allowed(Some(2), 2));
        assert!(!tag_set.allowed(Some(3), 2));
        assert!(!tag_set.allowed(Some(0), 4));
    }
}
