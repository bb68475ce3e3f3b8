//! BIO (or BIOES) tags: the tag set a model is trained with, gold spans turned into tags over
//! tokens, and predicted tags turned back into spans.
//!
//! Spans become tags only when both of their ends fall on token boundaries of one sentence and
//! they overlap no span already placed; the others are counted and named in the training
//! summary, since a span the tagger cannot represent is one it can never learn. Tags become
//! spans as conlleval reads them: an `I-` after `O` or after another type starts a chunk.
//! BIOES (`E-` ends a chunk of two tokens or more, `S-` is a chunk of one) gives the
//! transitions more to say about where a name ends; chunks then end at `E-` or `S-`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::tokenize::Token;
use crate::model::Span;

/// How spans are written as tags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagScheme {
    /// `B-` begins a chunk, `I-` continues it.
    #[default]
    Bio,
    /// `B-` begins a chunk of two or more tokens, `I-` continues it, `E-` ends it, `S-` is a
    /// chunk of one token.
    Bioes,
}

impl TagScheme {
    /// Tags per label, in their column order.
    fn roles(self) -> &'static [Role] {
        match self {
            TagScheme::Bio => &[Role::Begin, Role::Inside],
            TagScheme::Bioes => &[Role::Begin, Role::Inside, Role::End, Role::Single],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Begin,
    Inside,
    End,
    Single,
}

impl Role {
    fn letter(self) -> char {
        match self {
            Role::Begin => 'B',
            Role::Inside => 'I',
            Role::End => 'E',
            Role::Single => 'S',
        }
    }

    /// Whether the tag continues a chunk opened before it.
    fn continues(self) -> bool {
        matches!(self, Role::Inside | Role::End)
    }

    /// Whether the chunk is still open after the tag.
    fn leaves_open(self) -> bool {
        matches!(self, Role::Begin | Role::Inside)
    }
}

/// The tags of a model: `O`, then the tags of every label (`B-`, `I-`, and with BIOES `E-`,
/// `S-`), labels in sorted order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagSet {
    labels: Vec<String>,
    scheme: TagScheme,
}

/// The index of the `O` tag.
pub(crate) const OUTSIDE: usize = 0;

impl TagSet {
    /// A BIO tag set.
    #[cfg(test)]
    pub(crate) fn new(labels: impl IntoIterator<Item = String>) -> Self {
        Self::with_scheme(labels, TagScheme::Bio)
    }

    pub(crate) fn with_scheme(labels: impl IntoIterator<Item = String>, scheme: TagScheme) -> Self {
        let labels: BTreeSet<String> = labels.into_iter().collect();
        TagSet { labels: labels.into_iter().collect(), scheme }
    }

    pub(crate) fn labels(&self) -> &[String] {
        &self.labels
    }

    pub(crate) fn len(&self) -> usize {
        1 + self.scheme.roles().len() * self.labels.len()
    }

    fn tag(&self, label: usize, role: Role) -> usize {
        let roles = self.scheme.roles();
        1 + roles.len() * label + roles.iter().position(|&r| r == role).unwrap_or(0)
    }

    /// The label of a tag; `None` for `O`.
    pub(crate) fn label_of(&self, tag: usize) -> Option<usize> {
        (tag != OUTSIDE).then(|| (tag - 1) / self.scheme.roles().len())
    }

    fn role(&self, tag: usize) -> Option<Role> {
        let roles = self.scheme.roles();
        (tag != OUTSIDE).then(|| roles[(tag - 1) % roles.len()])
    }

    pub(crate) fn name(&self, tag: usize) -> String {
        match (self.label_of(tag), self.role(tag)) {
            (Some(label), Some(role)) => format!("{}-{}", role.letter(), self.labels[label]),
            _ => "O".into(),
        }
    }

    /// Whether `tag` may follow `previous` (`None` at the start of a sentence): `I-X` (and
    /// `E-X`) only continue `B-X` or `I-X`; with BIOES, a chunk left open by `B-` or `I-`
    /// must be continued. Decoding keeps to this, so every chunk it emits begins with `B-` (or
    /// is an `S-`) and the tagger's output reads the same under any chunking convention.
    pub(crate) fn allowed(&self, previous: Option<usize>, tag: usize) -> bool {
        let open = previous.and_then(|p| self.role(p)).is_some_and(Role::leaves_open);
        let continues = self.role(tag).is_some_and(Role::continues);
        match self.scheme {
            TagScheme::Bio => !continues || (open && previous.and_then(|p| self.label_of(p)) == self.label_of(tag)),
            TagScheme::Bioes => {
                if continues {
                    open && previous.and_then(|p| self.label_of(p)) == self.label_of(tag)
                } else {
                    !open
                }
            }
        }
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
        let single = tag_set.scheme == TagScheme::Bioes && first == last;
        row[first] = tag_set.tag(label, if single { Role::Single } else { Role::Begin });
        for tag in &mut row[first + 1..=last] {
            *tag = tag_set.tag(label, Role::Inside);
        }
        if tag_set.scheme == TagScheme::Bioes && first < last {
            row[last] = tag_set.tag(label, Role::End);
        }
        alignment.aligned += 1;
    }
    alignment
}

/// The chunks of a tag sequence as `(first token, last token, label index)`, read as
/// conlleval reads them (with BIOES, a chunk also ends at `E-` or `S-`).
pub(crate) fn chunks(tag_set: &TagSet, tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let mut open = false;
    for (i, &tag) in tags.iter().enumerate() {
        match (tag_set.label_of(tag), tag_set.role(tag)) {
            (Some(label), Some(role)) => {
                let continues = open && role.continues() && found.last().is_some_and(|c| c.2 == label);
                match found.last_mut() {
                    Some(chunk) if continues => chunk.1 = i,
                    _ => found.push((i, i, label)),
                }
                open = role.leaves_open();
            }
            _ => open = false,
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
    fn bioes_marks_ends_and_single_tokens_and_reads_them_back() {
        // قال سيرغي لافروف في موسكو، اليوم
        let text = "قال سيرغي لافروف في موسكو، اليوم";
        let sentences = tokenize(text);
        let tag_set = TagSet::with_scheme(["PER".to_string(), "LOC".to_string()], TagScheme::Bioes);
        assert_eq!(tag_set.len(), 9);
        let spans = [span(4, 16, "PER"), span(20, 25, "LOC")];
        let refs: Vec<&Span> = spans.iter().collect();
        let alignment = align(&tag_set, &sentences, &refs);
        assert_eq!(names(&tag_set, &alignment.tags[0]), ["O", "B-PER", "E-PER", "O", "S-LOC", "O", "O"]);
        assert_eq!(chunks(&tag_set, &alignment.tags[0]), [(1, 2, 1), (4, 4, 0)]);
        // B I I E, then S S: two chunks and two more; an E after O starts a chunk of its own.
        let (o, b_per, i_per, e_per, s_per, s_loc) = (0, 5, 6, 7, 8, 4);
        let tags = [b_per, i_per, i_per, e_per, s_per, s_loc, o, e_per];
        assert_eq!(chunks(&tag_set, &tags), [(0, 3, 1), (4, 4, 1), (5, 5, 0), (7, 7, 1)]);
        // An open chunk must go on; after E or S, anything but a continuation may come.
        assert!(tag_set.allowed(None, s_per) && tag_set.allowed(None, b_per) && !tag_set.allowed(None, e_per));
        assert!(tag_set.allowed(Some(b_per), e_per) && tag_set.allowed(Some(b_per), i_per));
        assert!(!tag_set.allowed(Some(b_per), o) && !tag_set.allowed(Some(i_per), s_per) && !tag_set.allowed(Some(b_per), 3));
        assert!(tag_set.allowed(Some(e_per), o) && tag_set.allowed(Some(s_loc), b_per) && !tag_set.allowed(Some(e_per), i_per));
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
