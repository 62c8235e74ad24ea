//! The article as the rules see it: code points, tokens, sentences, quote regions, entities.

use super::marks::{find_marked_quotes, MarkedQuote};
use crate::nlp::segment::{ends_sentence, tokenize, Token, TokenKind};
use crate::schema::Entity;
use std::collections::HashSet;

/// An article prepared for the rules. Every index is a token index unless named `char_*`.
pub struct Doc {
    /// The text as code points.
    pub chars: Vec<char>,
    /// Tokens in text order.
    pub tokens: Vec<Token>,
    /// Lowercase text of every token.
    pub lower: Vec<String>,
    /// Sentence number of every token.
    pub sentence: Vec<usize>,
    /// Token range `[start, end)` of every sentence.
    pub sentences: Vec<(usize, usize)>,
    /// Index into `quotes` of the direct quote a token sits in (marks included).
    pub quote_of: Vec<Option<usize>>,
    /// Direct quotes with their token ranges `[open mark, close mark]`.
    pub quotes: Vec<(MarkedQuote, usize, usize)>,
    /// Named entities (PER/ORG/LOC/MISC) with token ranges `[start, end)`.
    pub entities: Vec<(Entity, usize, usize)>,
    /// Entity index starting at a token.
    pub entity_starting: Vec<Option<usize>>,
    /// Entity index ending at a token (its last token).
    pub entity_ending: Vec<Option<usize>>,
    /// Entity index covering a token.
    pub entity_at: Vec<Option<usize>>,
    /// Words the article also writes in lower case ("instead", "hours"): a capitalised one
    /// is a sentence's first word, not a name.
    lowercase_words: HashSet<String>,
}

impl Doc {
    /// Prepares `text` with its entities (code-point spans).
    pub fn new(text: &str, entities: &[Entity]) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let tokens = tokenize(&chars);
        let lower = tokens.iter().map(|t| chars[t.start..t.end].iter().flat_map(|c| c.to_lowercase()).collect()).collect();
        let n = tokens.len();

        let marked = find_marked_quotes(&chars);
        let mut quote_of = vec![None; n];
        let mut quotes = Vec::with_capacity(marked.len());
        let mut t = 0;
        for q in marked {
            while t < n && tokens[t].start < q.open {
                t += 1;
            }
            let open_tok = t;
            let mut close_tok = t;
            while close_tok < n && tokens[close_tok].start < q.close {
                close_tok += 1;
            }
            // a two-character mark (`''`) is two tokens: the quote ends at its last
            if q.width == 2 && tokens.get(close_tok + 1).is_some_and(|t| t.start == q.close + 1) {
                close_tok += 1;
            }
            if open_tok >= n || close_tok >= n {
                continue;
            }
            let index = quotes.len();
            for slot in &mut quote_of[open_tok..=close_tok] {
                *slot = Some(index);
            }
            quotes.push((q, open_tok, close_tok));
            t = close_tok;
        }

        // sentences never end inside a quote; paragraphs always end them
        let mut sentence = vec![0; n];
        let mut sentences = Vec::new();
        let mut start = 0;
        for i in 0..n {
            let paragraph_ends = tokens.get(i + 1).is_none_or(|next| next.paragraph != tokens[i].paragraph);
            let ends = paragraph_ends || (quote_of[i].is_none() && ends_sentence(&chars, &tokens, i));
            // the token before the closing mark (two tokens back for a '' mark)
            let apostrophes = if i > 1 && chars[tokens[i].start] == '\'' && chars[tokens[i - 1].start] == '\'' { 2 } else { 1 };
            let closes_quote_sentence = quote_of[i].is_some()
                && quote_of.get(i + 1).is_some_and(|q| q.is_none())
                && i >= apostrophes
                && matches!(chars[tokens[i - apostrophes].start], '.' | '!' | '?')
                && tokens.get(i + 1).is_some_and(|next| chars[next.start].is_uppercase());
            if ends || closes_quote_sentence {
                for s in &mut sentence[start..=i] {
                    *s = sentences.len();
                }
                sentences.push((start, i + 1));
                start = i + 1;
            }
        }

        let mut ents = Vec::new();
        let mut entity_starting = vec![None; n];
        let mut entity_ending = vec![None; n];
        let mut entity_at = vec![None; n];
        for e in entities {
            let first = tokens.partition_point(|t| t.end <= e.start);
            let mut last = first;
            while last < n && tokens[last].start < e.end {
                last += 1;
            }
            if first >= last {
                continue;
            }
            let index = ents.len();
            entity_starting[first].get_or_insert(index);
            entity_ending[last - 1] = Some(index);
            for slot in &mut entity_at[first..last] {
                slot.get_or_insert(index);
            }
            ents.push((e.clone(), first, last));
        }

        let lowercase_words = tokens.iter().zip(&lower).filter(|(t, _)| t.kind == TokenKind::Word && chars[t.start].is_lowercase()).map(|(_, w): (&Token, &String)| w.clone()).collect();
        Self { chars, tokens, lower, sentence, sentences, quote_of, quotes, entities: ents, entity_starting, entity_ending, entity_at, lowercase_words }
    }

    /// Text of tokens `[start, end)`, as in the article.
    pub fn span_text(&self, start: usize, end: usize) -> String {
        if start >= end {
            return String::new();
        }
        self.chars[self.tokens[start].start..self.tokens[end - 1].end].iter().collect()
    }

    /// Code-point span of tokens `[start, end)`.
    pub fn char_span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.tokens[start].start, self.tokens[end - 1].end)
    }

    /// Is token `i` a word?
    pub fn is_word(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }

    /// Is token `i` the punctuation `c`?
    pub fn is_punct(&self, i: usize, c: char) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Punct && self.chars[t.start] == c)
    }

    /// Does token `i` start with an upper-case letter?
    pub fn is_capitalized(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word && self.chars[t.start].is_uppercase())
    }

    /// Is the word at `i` one the article also writes in lower case?
    pub fn is_common_word(&self, i: usize) -> bool {
        self.lowercase_words.contains(self.word(i))
    }

    /// Lowercase word at `i`, or "" past the end.
    pub fn word(&self, i: usize) -> &str {
        self.lower.get(i).map(String::as_str).unwrap_or("")
    }
}
