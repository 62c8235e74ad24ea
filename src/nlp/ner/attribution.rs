//! The attribution head's tags back to code-point spans: who spoke (Source), the reporting
//! expression (Cue) and what was said (Content).
//!
//! The head tags every wordpiece with BIO over three roles (`training/train_twohead.py`,
//! `ATTR_LABELS`). Decoding is lenient like conlleval: an `I-X` after `O` or after another role
//! opens a new span. A span runs from its first token's first byte to its last token's last byte,
//! so it never cuts a word the tokenizer kept whole.

use crate::nlp::text::CharIndex;

/// The part a span plays in an attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Who is reported ("Tleuberdi", "the newspaper", "he").
    Source,
    /// The reporting expression ("said", "according to").
    Cue,
    /// What is reported, quoted or paraphrased.
    Content,
}

impl Role {
    /// The role of a label such as `B-CONTENT`, and whether it begins a span.
    fn of_label(label: &str) -> Option<(Role, bool)> {
        let (prefix, role) = label.split_once('-')?;
        let role = match role {
            "SOURCE" => Role::Source,
            "CUE" => Role::Cue,
            "CONTENT" => Role::Content,
            _ => return None,
        };
        Some((role, prefix == "B"))
    }
}

/// One decoded span, in code points `[start, end)` of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSpan {
    /// Its role.
    pub role: Role,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Mean probability of its tokens' labels.
    pub score: f32,
    /// Number of tokens (wordpieces) in it.
    pub tokens: usize,
}

/// One token's tag: its byte span in the text and the winning label.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenTag<'a> {
    /// First byte of the token.
    pub byte_start: usize,
    /// One past its last byte.
    pub byte_end: usize,
    /// Winning label (`O`, `B-SOURCE`, ...).
    pub label: &'a str,
    /// Its probability.
    pub score: f32,
}

/// Spans of every role from the tags of a text's tokens (in text order).
pub fn decode_roles(index: &CharIndex, tags: &[TokenTag<'_>]) -> Vec<RoleSpan> {
    let mut spans = Vec::new();
    let mut open: Option<(Role, usize, usize, f32, usize)> = None; // role, bytes, score sum, tokens
    for tag in tags {
        let parsed = Role::of_label(tag.label);
        let continues = matches!((parsed, &open), (Some((role, false)), Some((r, ..))) if role == *r);
        if continues {
            if let Some((_, _, end, sum, n)) = open.as_mut() {
                *end = tag.byte_end;
                *sum += tag.score;
                *n += 1;
            }
            continue;
        }
        if let Some(done) = open.take() {
            spans.push(finish(index, done));
        }
        if let Some((role, _)) = parsed {
            open = Some((role, tag.byte_start, tag.byte_end, tag.score, 1));
        }
    }
    if let Some(done) = open.take() {
        spans.push(finish(index, done));
    }
    spans
}

fn finish(index: &CharIndex, (role, start, end, sum, n): (Role, usize, usize, f32, usize)) -> RoleSpan {
    RoleSpan { role, start: index.char_at(start), end: index.char_end_at(end), score: sum / n as f32, tokens: n }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Tags one token per whitespace word of `text` with the given labels.
    fn tags<'a>(text: &str, labels: &[&'a str]) -> Vec<TokenTag<'a>> {
        let mut out = Vec::new();
        let mut at = 0;
        for (word, label) in text.split(' ').zip(labels) {
            out.push(TokenTag { byte_start: at, byte_end: at + word.len(), label, score: 0.9 });
            at += word.len() + 1;
        }
        out
    }

    fn texts(text: &str, spans: &[RoleSpan]) -> Vec<(Role, String)> {
        let chars: Vec<char> = text.chars().collect();
        spans.iter().map(|s| (s.role, chars[s.start..s.end].iter().collect())).collect()
    }

    #[test]
    fn roles_decode_to_code_point_spans() {
        let text = "Ministerin Šimková sagte, «die Brücke öffnet» heute.";
        let labels = ["B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "O"];
        let spans = decode_roles(&CharIndex::new(text), &tags(text, &labels));
        assert_eq!(
            texts(text, &spans),
            [
                (Role::Source, "Ministerin Šimková".to_string()),
                (Role::Cue, "sagte,".to_string()),
                (Role::Content, "«die Brücke öffnet»".to_string())
            ]
        );
        assert_eq!((spans[0].start, spans[0].end), (0, 18));
    }

    #[test]
    fn an_inside_tag_after_another_role_opens_a_span() {
        let text = "she said it was over";
        let spans = decode_roles(&CharIndex::new(text), &tags(text, &["I-SOURCE", "I-CUE", "I-CONTENT", "I-CONTENT", "B-CONTENT"]));
        assert_eq!(texts(text, &spans).len(), 4);
        assert_eq!(spans[2].tokens, 2);
    }

    proptest! {
        /// Spans are ordered, disjoint, inside the text, on char boundaries, and a B tag always
        /// opens one.
        #[test]
        fn spans_are_ordered_disjoint_and_in_bounds(words in proptest::collection::vec("[a-zé«»“”]{1,6}", 1..40),
                                                     picks in proptest::collection::vec(0usize..7, 40)) {
            const LABELS: [&str; 7] = ["O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT"];
            let text = words.join(" ");
            let labels: Vec<&str> = picks.iter().take(words.len()).map(|&i| LABELS[i]).collect();
            let index = CharIndex::new(&text);
            let spans = decode_roles(&index, &tags(&text, &labels));
            let n_chars = text.chars().count();
            for pair in spans.windows(2) {
                prop_assert!(pair[0].end <= pair[1].start);
            }
            for s in &spans {
                prop_assert!(s.start < s.end && s.end <= n_chars);
            }
            let begins = labels.iter().filter(|l| l.starts_with("B-")).count();
            prop_assert!(spans.len() >= begins);
        }
    }
}
