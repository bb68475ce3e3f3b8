//! Distributional word classes: words that occur between the same neighbours end up in one
//! class, learnt from the training text alone (its words, not its tags), so that what the
//! tagger learns about `موسكو` carries over to a city seen only a few times beside the same
//! words.
//!
//! The classes are those of a class bigram model, found by the exchange algorithm (Kneser and
//! Ney 1993; Martin, Liermann and Ney 1998), the flat counterpart of Brown clustering: every
//! word starts in a class, then each word in turn moves to the class that most raises
//! `Σ F(N(c,d)) − Σ F(N(c,·)) − Σ F(N(·,d))`, `F(x) = x ln x`, over the counts `N` of class
//! bigrams — the likelihood of the text under the class model, up to constants. Moving a word
//! changes only the rows and columns of its old and new classes, and only in the cells of its
//! neighbours' classes, so one pass costs about (classes × distinct neighbour pairs).
//!
//! Deterministic: words are visited in order of decreasing frequency (ties by key), start in
//! class `rank mod classes`, and a word moves only when another class is strictly better. Words
//! seen fewer than [`MIN_COUNT`] times share one pseudo-word while counting and get no class.
//! The objective uses `f64::ln`, the platform's own: the classes are the same on every run,
//! build profile and thread count of one platform; a C library whose `ln` rounds differently
//! could break a near tie elsewhere (the default families do not include the classes, so the
//! shipped model does not depend on it).

use super::model::KeyMap;

/// Occurrences a word needs to get a class of its own.
pub(crate) const MIN_COUNT: u32 = 2;

/// Passes over the vocabulary.
const PASSES: usize = 8;

/// The class of each word key (see `features::word_key`) that has one.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct WordClasses {
    /// Word keys, strictly increasing, and their classes.
    pub(crate) words: Vec<u64>,
    pub(crate) classes: Vec<u16>,
    rows: KeyMap<u16>,
}

impl WordClasses {
    pub(crate) fn from_parts(words: Vec<u64>, classes: Vec<u16>) -> Self {
        let rows = words.iter().copied().zip(classes.iter().copied()).collect();
        WordClasses { words, classes, rows }
    }

    pub(crate) fn get(&self, word: u64) -> Option<u16> {
        self.rows.get(&word).copied()
    }

    /// Learns `count` classes from sentences of word keys.
    pub(crate) fn learn(sentences: &[Vec<u64>], count: usize) -> WordClasses {
        let count = count.clamp(1, usize::from(u16::MAX));
        // Vocabulary: 0 = sentence boundary, 1 = rare words, then the words with a class.
        let mut frequency: KeyMap<u32> = KeyMap::default();
        for &word in sentences.iter().flatten() {
            *frequency.entry(word).or_insert(0) += 1;
        }
        let mut vocabulary: Vec<(u64, u32)> = frequency.iter().filter(|(_, &n)| n >= MIN_COUNT).map(|(&w, &n)| (w, n)).collect();
        vocabulary.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let ids: KeyMap<usize> = vocabulary.iter().enumerate().map(|(i, &(w, _))| (w, i + 2)).collect();
        let size = vocabulary.len() + 2;
        let mut pairs: KeyMap<u32> = KeyMap::default();
        for sentence in sentences {
            let mut previous = 0usize;
            for word in sentence.iter().map(|w| ids.get(w).copied().unwrap_or(1)).chain([0]) {
                *pairs.entry((previous as u64) << 32 | word as u64).or_insert(0) += 1;
                previous = word;
            }
        }
        let mut exchange = Exchange::new(size, count, &pairs);
        exchange.run();
        let mut learnt: Vec<(u64, u16)> = vocabulary.iter().enumerate().map(|(i, &(w, _))| (w, exchange.class[i + 2] as u16)).collect();
        learnt.sort_by_key(|&(w, _)| w);
        let (words, classes) = learnt.into_iter().unzip();
        WordClasses::from_parts(words, classes)
    }
}

/// The state of the exchange algorithm.
struct Exchange {
    classes: usize,
    class: Vec<usize>,
    /// Successors and predecessors of each word, with bigram counts.
    after: Vec<Vec<(usize, i64)>>,
    before: Vec<Vec<(usize, i64)>>,
    /// Class bigram counts (`classes × classes`), and their row and column sums.
    pair: Vec<i64>,
    left: Vec<i64>,
    right: Vec<i64>,
    /// `F(x)` for every count that can occur.
    f: Vec<f64>,
}

impl Exchange {
    fn new(size: usize, classes: usize, pairs: &KeyMap<u32>) -> Self {
        let mut sorted: Vec<(u64, u32)> = pairs.iter().map(|(&k, &n)| (k, n)).collect();
        sorted.sort_unstable();
        let (mut after, mut before) = (vec![Vec::new(); size], vec![Vec::new(); size]);
        let mut total = 0i64;
        for (key, n) in sorted {
            let (u, v) = ((key >> 32) as usize, (key & 0xFFFF_FFFF) as usize);
            after[u].push((v, i64::from(n)));
            before[v].push((u, i64::from(n)));
            total += i64::from(n);
        }
        let class: Vec<usize> = (0..size).map(|w| w % classes).collect();
        let mut exchange = Exchange {
            classes,
            class,
            after,
            before,
            pair: vec![0; classes * classes],
            left: vec![0; classes],
            right: vec![0; classes],
            f: (0..=total as usize + 1).map(|x| if x == 0 { 0.0 } else { x as f64 * (x as f64).ln() }).collect(),
        };
        for u in 0..size {
            for &(v, n) in &exchange.after[u] {
                let (c, d) = (exchange.class[u], exchange.class[v]);
                exchange.pair[c * classes + d] += n;
                exchange.left[c] += n;
                exchange.right[d] += n;
            }
        }
        exchange
    }

    fn f(&self, x: i64) -> f64 {
        self.f[x as usize]
    }

    fn run(&mut self) {
        let size = self.class.len();
        let c = self.classes;
        // Per word: counts to successors' and predecessors' classes (self-pairs apart).
        let (mut to, mut from) = (vec![0i64; c], vec![0i64; c]);
        let (mut to_list, mut from_list): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        for _ in 0..PASSES {
            let mut moved = 0;
            for w in 0..size {
                let (mut own, mut out, mut into) = (0i64, 0i64, 0i64);
                for &(v, n) in &self.after[w] {
                    out += n;
                    if v == w {
                        own += n;
                        continue;
                    }
                    let d = self.class[v];
                    if to[d] == 0 {
                        to_list.push(d);
                    }
                    to[d] += n;
                }
                for &(u, n) in &self.before[w] {
                    into += n;
                    if u == w {
                        continue;
                    }
                    let d = self.class[u];
                    if from[d] == 0 {
                        from_list.push(d);
                    }
                    from[d] += n;
                }
                let old = self.class[w];
                self.shift(old, &to, &to_list, &from, &from_list, own, out, into, -1);
                let gain = |b: usize| self.gain(b, &to, &to_list, &from, &from_list, own, out, into);
                let mut best = (old, gain(old));
                for b in (0..c).filter(|&b| b != old) {
                    let g = gain(b);
                    if g > best.1 + 1e-9 {
                        best = (b, g);
                    }
                }
                self.shift(best.0, &to, &to_list, &from, &from_list, own, out, into, 1);
                if best.0 != old {
                    self.class[w] = best.0;
                    moved += 1;
                }
                to_list.drain(..).for_each(|d| to[d] = 0);
                from_list.drain(..).for_each(|d| from[d] = 0);
            }
            if moved == 0 {
                break;
            }
        }
    }

    /// Adds (`sign` 1) or removes (−1) a word with these neighbour counts to class `b`.
    #[allow(clippy::too_many_arguments)]
    fn shift(&mut self, b: usize, to: &[i64], to_list: &[usize], from: &[i64], from_list: &[usize], own: i64, out: i64, into: i64, sign: i64) {
        let c = self.classes;
        for &d in to_list {
            self.pair[b * c + d] += sign * to[d];
        }
        for &d in from_list {
            self.pair[d * c + b] += sign * from[d];
        }
        self.pair[b * c + b] += sign * own;
        self.left[b] += sign * out;
        self.right[b] += sign * into;
    }

    /// The change in the objective if the word (already removed) joined class `b`.
    #[allow(clippy::too_many_arguments)]
    fn gain(&self, b: usize, to: &[i64], to_list: &[usize], from: &[i64], from_list: &[usize], own: i64, out: i64, into: i64) -> f64 {
        let c = self.classes;
        let cell = |x: i64, add: i64| self.f(x + add) - self.f(x);
        let mut gain = 0.0;
        for &d in to_list.iter().filter(|&&d| d != b) {
            gain += cell(self.pair[b * c + d], to[d]);
        }
        for &d in from_list.iter().filter(|&&d| d != b) {
            gain += cell(self.pair[d * c + b], from[d]);
        }
        gain += cell(self.pair[b * c + b], to[b] + from[b] + own);
        gain - cell(self.left[b], out) - cell(self.right[b], into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_a_class() {
        // Cities after "in", people after "said": two classes are enough to tell them apart.
        let (said, visited, city_a, city_b, city_c, person_a, person_b, person_c) = (1, 2, 10, 11, 12, 20, 21, 22);
        let mut sentences = Vec::new();
        for round in 0..6 {
            for (i, &city) in [city_a, city_b, city_c].iter().enumerate() {
                let person = [person_a, person_b, person_c][(i + round) % 3];
                sentences.push(vec![said, person, visited, city]);
            }
        }
        let classes = WordClasses::learn(&sentences, 4);
        let class = |w| classes.get(w).unwrap();
        assert_eq!(class(city_a), class(city_b));
        assert_eq!(class(city_b), class(city_c));
        assert_eq!(class(person_a), class(person_c));
        assert_ne!(class(city_a), class(person_a));
        assert_eq!(classes.get(99), None);
        assert_eq!(WordClasses::learn(&sentences, 4), classes);
    }

    #[test]
    fn rare_words_get_no_class() {
        let classes = WordClasses::learn(&[vec![1, 2, 3], vec![1, 2]], 8);
        assert!(classes.get(1).is_some() && classes.get(2).is_some());
        assert_eq!(classes.get(3), None);
        assert!(WordClasses::learn(&[], 8).words.is_empty());
    }
}
