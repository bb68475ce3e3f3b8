//! A lexicon learnt from the training data: for each normalised word, how often it occurs and
//! how often under each tag. It gives the tagger features that generalise across words — "a
//! word seen as `B-PERS` in most of its occurrences", "a word never seen" — where word
//! features only remember single words.
//!
//! Counted over the very sentences it is trained on, the lexicon would make every training
//! word look known and every training entity certain, and the perceptron would learn to trust
//! it far more than it deserves on new text. So training uses it jackknifed: the training
//! articles are cut into [`FOLDS`] contiguous blocks (see `train` for why contiguous), and a
//! sentence sees counts from the other blocks only. Tagging uses the counts of the whole
//! training set.

use super::model::KeyMap;

/// Blocks of the jackknife unless told otherwise. Three (each sentence sees two thirds of the
/// data) left more words unseen in training than ten, closer to new text, and scored as well
/// or better on ANERcorp.
pub(crate) const FOLDS: usize = 3;

/// Counts per word: `1 + tags` numbers each (occurrences, then occurrences under each tag).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Lexicon {
    pub(crate) tags: usize,
    /// Word keys in the order they were added (in increasing order once loaded or finished).
    pub(crate) words: Vec<u64>,
    pub(crate) counts: Vec<u32>,
    rows: KeyMap<u32>,
}

impl Lexicon {
    pub(crate) fn new(tags: usize) -> Self {
        Lexicon { tags, ..Lexicon::default() }
    }

    /// A lexicon from stored words (strictly increasing) and counts.
    pub(crate) fn from_parts(tags: usize, words: Vec<u64>, counts: Vec<u32>) -> Self {
        let rows = words.iter().enumerate().map(|(r, &w)| (w, r as u32)).collect();
        Lexicon { tags, words, counts, rows }
    }

    fn row_mut(&mut self, word: u64) -> &mut [u32] {
        let width = self.tags + 1;
        let next = self.words.len() as u32;
        let row = *self.rows.entry(word).or_insert(next) as usize;
        if row == self.words.len() {
            self.words.push(word);
            self.counts.resize(self.counts.len() + width, 0);
        }
        &mut self.counts[row * width..(row + 1) * width]
    }

    /// Counts one occurrence of `word` under `tag`.
    pub(crate) fn add(&mut self, word: u64, tag: usize) {
        let row = self.row_mut(word);
        row[0] += 1;
        row[1 + tag] += 1;
    }

    /// Occurrences, then occurrences per tag; `None` for a word never seen.
    pub(crate) fn get(&self, word: u64) -> Option<&[u32]> {
        let width = self.tags + 1;
        self.rows.get(&word).map(|&r| &self.counts[r as usize * width..(r as usize + 1) * width])
    }

    /// The lexicon with its words in increasing order, as the model file stores it.
    pub(crate) fn sorted(self) -> Lexicon {
        let width = self.tags + 1;
        let mut order: Vec<usize> = (0..self.words.len()).collect();
        order.sort_by_key(|&r| self.words[r]);
        let words = order.iter().map(|&r| self.words[r]).collect();
        let counts = order.iter().flat_map(|&r| self.counts[r * width..(r + 1) * width].iter().copied()).collect();
        Lexicon::from_parts(self.tags, words, counts)
    }
}

/// The whole training lexicon and each fold's share of it, for jackknifed look-ups.
pub(crate) struct Jackknife {
    pub(crate) total: Lexicon,
    folds: Vec<Lexicon>,
}

impl Jackknife {
    pub(crate) fn new(tags: usize, folds: usize) -> Self {
        Jackknife { total: Lexicon::new(tags), folds: vec![Lexicon::new(tags); folds.max(1)] }
    }

    pub(crate) fn add(&mut self, fold: usize, word: u64, tag: usize) {
        self.total.add(word, tag);
        self.folds[fold].add(word, tag);
    }

    /// The counts of `word` outside `fold`; `None` when no other fold has it.
    pub(crate) fn without(&self, fold: usize, word: u64) -> Option<Vec<u32>> {
        let total = self.total.get(word)?;
        let counts: Vec<u32> = match self.folds[fold].get(word) {
            Some(own) => total.iter().zip(own).map(|(t, o)| t - o).collect(),
            None => total.to_vec(),
        };
        (counts[0] > 0).then_some(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_occurrences_per_tag() {
        let mut lexicon = Lexicon::new(3);
        lexicon.add(9, 1);
        lexicon.add(9, 0);
        lexicon.add(4, 2);
        assert_eq!(lexicon.get(9), Some(&[2, 1, 1, 0][..]));
        assert_eq!(lexicon.get(5), None);
        let sorted = lexicon.sorted();
        assert_eq!(sorted.words, [4, 9]);
        assert_eq!(sorted.get(4), Some(&[1, 0, 0, 1][..]));
    }

    #[test]
    fn a_fold_does_not_see_its_own_counts() {
        let mut jackknife = Jackknife::new(3, FOLDS);
        jackknife.add(0, 7, 1);
        jackknife.add(1, 7, 0);
        jackknife.add(0, 8, 2);
        assert_eq!(jackknife.without(0, 7), Some(vec![1, 1, 0, 0]));
        assert_eq!(jackknife.without(1, 7), Some(vec![1, 0, 1, 0]));
        assert_eq!(jackknife.without(0, 8), None);
        assert_eq!(jackknife.without(1, 8), Some(vec![1, 0, 0, 1]));
    }
}
