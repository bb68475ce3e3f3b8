//! Viterbi decoding: the best tag sequence of a sentence given each token's score for each tag
//! and a score for each pair of neighbouring tags.
//!
//! A first-order model scores a sequence as Σ emission(token, tag) + transition(previous tag,
//! tag); Viterbi finds its maximum exactly, in time linear in the sentence. Training and
//! tagging share this function, which is what makes the perceptron's updates match what the
//! tagger will later do. Ties go to the lower tag index, so decoding is deterministic.

use super::tags::TagSet;

/// Transition scores: `(tags + 1) × tags`, row `p` for previous tag `p`, and the last row for
/// the start of a sentence.
pub(crate) fn start_row(tags: usize) -> usize {
    tags
}

/// The best sequence for `emissions` (`tokens × tags`, row-major), keeping to
/// [`TagSet::allowed`].
pub(crate) fn viterbi(tag_set: &TagSet, emissions: &[f32], transitions: &[f32]) -> Vec<usize> {
    let tags = tag_set.len();
    let n = emissions.len() / tags;
    if n == 0 {
        return Vec::new();
    }
    let allowed: Vec<bool> = (0..=tags).flat_map(|p| (0..tags).map(move |t| (p, t))).map(|(p, t)| tag_set.allowed((p < tags).then_some(p), t)).collect();
    let mut score = vec![f32::NEG_INFINITY; n * tags];
    let mut back = vec![0usize; n * tags];
    let start = start_row(tags) * tags;
    for t in 0..tags {
        if allowed[start + t] {
            score[t] = transitions[start + t] + emissions[t];
        }
    }
    for i in 1..n {
        let (done, rest) = score.split_at_mut(i * tags);
        let previous = &done[(i - 1) * tags..];
        for t in 0..tags {
            let mut best = f32::NEG_INFINITY;
            let mut best_p = 0;
            for (p, &before) in previous.iter().enumerate() {
                if !allowed[p * tags + t] || before == f32::NEG_INFINITY {
                    continue;
                }
                let candidate = before + transitions[p * tags + t];
                if candidate > best {
                    best = candidate;
                    best_p = p;
                }
            }
            rest[t] = best + emissions[i * tags + t];
            back[i * tags + t] = best_p;
        }
    }
    let last = &score[(n - 1) * tags..];
    let mut tag = (0..tags).fold(0, |best, t| if last[t] > last[best] { t } else { best });
    let mut path = vec![0; n];
    for i in (0..n).rev() {
        path[i] = tag;
        tag = back[i * tags + tag];
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_emissions_and_transitions() {
        let tag_set = TagSet::new(["PER".to_string()]); // O, B-PER, I-PER
        let transitions = vec![0.0; 4 * 3];
        // Token 1 prefers I-PER, but I-PER cannot follow O: the decoder picks B-PER I-PER.
        let emissions = [1.0, 0.9, 0.0, /**/ 0.0, 0.0, 2.0];
        assert_eq!(viterbi(&tag_set, &emissions, &transitions), [1, 2]);
        // A strong O → O transition outweighs the emissions.
        let mut transitions = transitions;
        transitions[0] = 5.0;
        assert_eq!(viterbi(&tag_set, &emissions, &transitions), [0, 0]);
        assert!(viterbi(&tag_set, &[], &transitions).is_empty());
    }

    #[test]
    fn never_starts_with_an_inside_tag() {
        let tag_set = TagSet::new(["PER".to_string()]);
        let transitions = vec![0.0; 4 * 3];
        assert_eq!(viterbi(&tag_set, &[0.0, 0.0, 9.0], &transitions), [0]);
    }
}
