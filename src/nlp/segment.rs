//! Text segmentation for the rules: paragraphs, word tokens and sentence ends, in code points.
//!
//! The quote rules work on a `Vec<char>` of the article so that every index is already a code
//! point offset (the unit of the event schema). Tokens are runs of letters/digits (keeping
//! inner apostrophes, hyphens and the dots of abbreviations like `U.S.`) or single punctuation
//! characters; whitespace is dropped.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, digits and inner `'’-.`.
    Word,
    /// One punctuation or symbol character.
    Punct,
}

/// A token: `[start, end)` in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Word or punctuation.
    pub kind: TokenKind,
    /// Index of the paragraph the token is in.
    pub paragraph: usize,
}

/// Abbreviations whose final dot does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "maj", "adm", "st", "jr",
    "sr", "rev", "hon", "pres", "supt", "cmdr", "corp", "inc", "ltd", "co", "vs", "no", "jan", "feb", "mar", "apr",
    "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "etc", "a.m", "p.m", "d.c", "fig",
    "mt", "ft", "gov't", "atty", "sen.", "messrs", "del", "sec", "amb", "det", "insp", "sens", "reps", "govs",
];

/// Tokens of `chars`, with paragraph numbers (a paragraph ends at a line break).
pub fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(chars.len() / 5);
    let mut paragraph = 0;
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        if c == '\n' {
            // blank lines and single line breaks both end a paragraph
            if tokens.last().is_some_and(|t: &Token| t.paragraph == paragraph) {
                paragraph += 1;
            }
            i += 1;
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            i += 1;
            while i < n {
                let d = chars[i];
                if d.is_alphanumeric() || is_mark(d) {
                    i += 1;
                } else if matches!(d, '\'' | '’' | '-' | '.' | '&') && i + 1 < n && chars[i + 1].is_alphanumeric() {
                    // don't, O’Neill, Kazakh-Russian, U.S, AT&T
                    i += 1;
                } else {
                    break;
                }
            }
            // keep the final dot of initialisms (U.S.) and short abbreviations (Mr.)
            if i < n && chars[i] == '.' {
                let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
                if word.contains('.') || ABBREVIATIONS.contains(&word.as_str()) || (i - start == 1 && chars[start].is_uppercase()) {
                    i += 1;
                }
            }
            tokens.push(Token { start, end: i, kind: TokenKind::Word, paragraph });
            continue;
        }
        tokens.push(Token { start: i, end: i + 1, kind: TokenKind::Punct, paragraph });
        i += 1;
    }
    tokens
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

/// True where a token at `i` ends a sentence: `.`, `!`, `?` (or `…`) followed by a token that
/// starts a new paragraph, a capitalised word, a digit or an opening quote.
pub fn ends_sentence(chars: &[char], tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    if t.kind != TokenKind::Punct || !matches!(chars[t.start], '.' | '!' | '?' | '…') {
        return false;
    }
    let Some(next) = tokens.get(i + 1) else { return true };
    if next.paragraph != t.paragraph {
        return true;
    }
    let c = chars[next.start];
    // two straight apostrophes open a quotation in some newspapers' copy (''Yes,'' he said)
    let double_apostrophe = c == '\'' && chars.get(next.start + 1) == Some(&'\'');
    c.is_uppercase() || c.is_ascii_digit() || is_quote_char(c) || c == '(' || double_apostrophe
}

/// Characters that can open or close a quotation.
pub fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '«' | '»' | '„' | '‚' | '‘' | '’' | '‹' | '›' | '「' | '」' | '『' | '』')
}

/// The token's text.
pub fn token_text(chars: &[char], t: &Token) -> String {
    chars[t.start..t.end].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(&chars).iter().map(|t| token_text(&chars, t)).collect()
    }

    #[test]
    fn keeps_abbreviations_and_inner_punctuation_in_words() {
        assert_eq!(words("Mr. O’Neill of the U.S. didn't go."), ["Mr.", "O’Neill", "of", "the", "U.S.", "didn't", "go", "."]);
        assert_eq!(words("Kazakh-Russian ties, 2019-2021."), ["Kazakh-Russian", "ties", ",", "2019-2021", "."]);
    }

    #[test]
    fn paragraphs_follow_line_breaks() {
        let chars: Vec<char> = "One.\n\nTwo\nThree".chars().collect();
        let paragraphs: Vec<usize> = tokenize(&chars).iter().map(|t| t.paragraph).collect();
        assert_eq!(paragraphs, [0, 0, 1, 2]);
    }

    #[test]
    fn sentence_ends_need_a_capital_or_a_new_paragraph_after() {
        let chars: Vec<char> = "It rose 2.5 percent. Then it fell. ok".chars().collect();
        let tokens = tokenize(&chars);
        let ends: Vec<String> =
            (0..tokens.len()).filter(|&i| ends_sentence(&chars, &tokens, i)).map(|i| tokens[i - 1].start.to_string()).collect();
        assert_eq!(ends.len(), 1);
    }
}
