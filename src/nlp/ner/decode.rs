//! Word-level BIO decoding into entity spans.
//!
//! The model labels wordpieces; a word (the tokenizer's pre-token: punctuation is its own word)
//! takes the label of its first wordpiece. Decoding is lenient like conlleval: an `I-X` after
//! `O` or after another type starts a new entity.

use crate::nlp::text::CharIndex;
use crate::schema::Entity;

/// The prediction for one word: its byte span in the text and its label distribution's winner.
#[derive(Debug, Clone, PartialEq)]
pub struct WordPrediction {
    /// Byte offset of the word's first byte.
    pub byte_start: usize,
    /// Byte offset one past the word's last byte.
    pub byte_end: usize,
    /// Winning label, e.g. `B-PER` or `O`.
    pub label: String,
    /// Probability of the winning label.
    pub score: f32,
}

/// The most probable label sequence that is valid BIO: an `I-X` only after `B-X` or `I-X`
/// (Viterbi over the words' label distributions, `dists[word][label]`). Picking each word's
/// argmax alone lets one unsure word split a name ("B-ORG I-LOC I-ORG") or open one with an
/// `I-`; the whole sequence decides instead. Returns each word's label and its probability.
pub fn constrained_labels<D: AsRef<[f32]>>(labels: &[String], dists: &[D]) -> Vec<(usize, f32)> {
    let n = labels.len();
    if n == 0 || dists.is_empty() {
        return Vec::new();
    }
    let prob = |d: &D, c: usize| d.as_ref().get(c).copied().unwrap_or(0.0);
    // allowed[p][c]: label c may follow label p; `opens[c]`: c may start a sequence
    let inside = |l: &str| l.strip_prefix("I-").map(str::to_string);
    let opens: Vec<bool> = labels.iter().map(|l| inside(l).is_none()).collect();
    let allowed: Vec<Vec<bool>> = labels
        .iter()
        .map(|prev| {
            labels
                .iter()
                .map(|cur| match inside(cur) {
                    Some(kind) => prev.strip_prefix("B-").or_else(|| prev.strip_prefix("I-")) == Some(kind.as_str()),
                    None => true,
                })
                .collect()
        })
        .collect();
    let log = |p: f32| p.max(1e-12).ln();
    let mut score: Vec<f32> = (0..n).map(|c| if opens[c] { log(prob(&dists[0], c)) } else { f32::NEG_INFINITY }).collect();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(dists.len());
    for dist in dists.iter().skip(1) {
        let mut next = vec![f32::NEG_INFINITY; n];
        let mut from = vec![0; n];
        for c in 0..n {
            let emit = log(prob(dist, c));
            for p in 0..n {
                if allowed[p][c] && score[p] + emit > next[c] {
                    next[c] = score[p] + emit;
                    from[c] = p;
                }
            }
        }
        back.push(from);
        score = next;
    }
    let mut best = (0..n).fold(0, |b, c| if score[c] > score[b] { c } else { b });
    let mut path = vec![best; dists.len()];
    for (i, from) in back.iter().enumerate().rev() {
        best = from[best];
        path[i] = best;
    }
    path.iter().zip(dists).map(|(&c, d)| (c, prob(d, c))).collect()
}

/// Entities from word predictions in text order.
pub fn decode_entities(text: &str, index: &CharIndex, words: &[WordPrediction]) -> Vec<Entity> {
    let mut entities = Vec::new();
    let mut open: Option<(String, usize, usize, Vec<f32>)> = None; // type, byte start, byte end, scores
    for word in words {
        let (prefix, kind) = match word.label.split_once('-') {
            Some((p, k)) => (p, k),
            None => ("O", ""),
        };
        let continues = prefix == "I" && open.as_ref().is_some_and(|(t, ..)| t == kind);
        if continues {
            if let Some((_, _, end, scores)) = open.as_mut() {
                *end = word.byte_end;
                scores.push(word.score);
            }
            continue;
        }
        if let Some(done) = open.take() {
            entities.extend(finish(text, index, done));
        }
        if prefix == "B" || prefix == "I" {
            open = Some((kind.to_string(), word.byte_start, word.byte_end, vec![word.score]));
        }
    }
    if let Some(done) = open.take() {
        entities.extend(finish(text, index, done));
    }
    entities
}

fn finish(text: &str, index: &CharIndex, (label, byte_start, byte_end, scores): (String, usize, usize, Vec<f32>)) -> Option<Entity> {
    let start = index.char_at(byte_start);
    let end = index.char_end_at(byte_end);
    if start >= end {
        return None;
    }
    let surface = text.get(index.byte_at(start)..index.byte_at(end))?;
    if surface.trim().is_empty() {
        return None;
    }
    let score = scores.iter().sum::<f32>() / scores.len() as f32;
    Some(Entity { text: surface.to_string(), label, start, end, score })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, labels: &[&str]) -> Vec<WordPrediction> {
        let mut out = Vec::new();
        let mut search = 0;
        for (word, label) in text.split(' ').zip(labels) {
            let at = search + text[search..].find(word).expect("word in text");
            out.push(WordPrediction { byte_start: at, byte_end: at + word.len(), label: label.to_string(), score: 0.9 });
            search = at + word.len();
        }
        out
    }

    #[test]
    fn joins_b_and_i_of_one_type() {
        let text = "Sergey Lavrov met Mukhtar Tleuberdi";
        let ents = decode_entities(text, &CharIndex::new(text), &words(text, &["B-PER", "I-PER", "O", "B-PER", "I-PER"]));
        let names: Vec<_> = ents.iter().map(|e| (e.text.as_str(), e.label.as_str())).collect();
        assert_eq!(names, [("Sergey Lavrov", "PER"), ("Mukhtar Tleuberdi", "PER")]);
    }

    #[test]
    fn an_i_after_o_or_another_type_opens_an_entity() {
        let text = "in Omsk Regional Forum";
        let ents = decode_entities(text, &CharIndex::new(text), &words(text, &["O", "I-LOC", "I-ORG", "I-ORG"]));
        let names: Vec<_> = ents.iter().map(|e| (e.text.as_str(), e.label.as_str())).collect();
        assert_eq!(names, [("Omsk", "LOC"), ("Regional Forum", "ORG")]);
    }

    #[test]
    fn adjacent_b_tags_make_two_entities() {
        let text = "Kazakhstan Russia";
        let ents = decode_entities(text, &CharIndex::new(text), &words(text, &["B-LOC", "B-LOC"]));
        assert_eq!(ents.len(), 2);
    }

    fn labels() -> Vec<String> {
        ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn constrained_labels_never_open_with_i_or_switch_type_inside() {
        // argmax alone would read I-PER, then I-ORG after B-PER
        let dists = vec![
            vec![0.1, 0.35, 0.45, 0.05, 0.05],
            vec![0.05, 0.05, 0.4, 0.05, 0.45],
        ];
        let got: Vec<usize> = constrained_labels(&labels(), &dists).into_iter().map(|(l, _)| l).collect();
        assert_eq!(got, vec![1, 2]);
    }

    #[test]
    fn constrained_labels_keep_a_confident_valid_argmax() {
        let dists = vec![
            vec![0.9, 0.05, 0.02, 0.02, 0.01],
            vec![0.1, 0.05, 0.02, 0.8, 0.03],
            vec![0.1, 0.02, 0.02, 0.06, 0.8],
        ];
        let got: Vec<usize> = constrained_labels(&labels(), &dists).into_iter().map(|(l, _)| l).collect();
        assert_eq!(got, vec![0, 3, 4]);
        assert!(constrained_labels::<Vec<f32>>(&labels(), &[]).is_empty());
    }

    #[test]
    fn offsets_are_code_points() {
        let text = "«Ünal Öz» said";
        let ws = vec![
            WordPrediction { byte_start: 2, byte_end: 7, label: "B-PER".into(), score: 1.0 },
            WordPrediction { byte_start: 8, byte_end: 11, label: "I-PER".into(), score: 0.5 },
        ];
        let ents = decode_entities(text, &CharIndex::new(text), &ws);
        assert_eq!((ents[0].start, ents[0].end, ents[0].text.as_str()), (1, 8, "Ünal Öz"));
        assert!((ents[0].score - 0.75).abs() < 1e-6);
    }
}
