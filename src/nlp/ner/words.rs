//! Words as CoNLL-2003 tokenizes them, the unit the NER model was trained on.
//!
//! The model saw one casing class and one label per CoNLL token: whitespace-delimited, with
//! punctuation at a word's edges split off (`Asia ,`, `( Reuters )`, `Russia 's`) but inner
//! punctuation kept (`U.S.`, `Nur-Sultan`, `1996-08-22`). Raw articles are cut the same way
//! here, so that `Asia,` gives the comma the class of a comma, and `Nur-Sultan` is one word with
//! one label.

/// Byte spans of the words of `text`, in order.
pub fn conll_words(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut chunk_start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_whitespace(), chunk_start) {
            (true, Some(s)) => {
                split_chunk(text, s, i, &mut words);
                chunk_start = None;
            }
            (false, None) => chunk_start = Some(i),
            _ => {}
        }
    }
    words
}

/// Splits one whitespace chunk `text[start..end]` into edge punctuation, clitics and a core.
fn split_chunk(text: &str, start: usize, end: usize, words: &mut Vec<(usize, usize)>) {
    let chunk = &text[start..end];
    // leading punctuation, one word per character
    let mut core_start = start;
    for (i, c) in chunk.char_indices() {
        if c.is_alphanumeric() {
            break;
        }
        words.push((start + i, start + i + c.len_utf8()));
        core_start = start + i + c.len_utf8();
    }
    if core_start == end {
        return;
    }
    // trailing punctuation, kept back to front
    let core = &text[core_start..end];
    let mut core_end = end;
    let mut trailing = Vec::new();
    for (i, c) in core.char_indices().rev() {
        if c.is_alphanumeric() {
            break;
        }
        let at = core_start + i;
        let keeps_dot = c == '.' && is_abbreviation(&text[core_start..at + 1]);
        if keeps_dot {
            break;
        }
        trailing.push((at, at + c.len_utf8()));
        core_end = at;
    }
    // clitics: Russia's -> Russia 's
    let core = &text[core_start..core_end];
    let lower = core.to_lowercase();
    let clitic = ["'s", "’s", "n't", "n’t", "'re", "’re", "'ll", "’ll", "'ve", "’ve", "'m", "’m", "'d", "’d"]
        .iter()
        .find(|c| lower.ends_with(*c) && core.len() > c.len());
    match clitic {
        Some(c) => {
            let split = core_end - c.len();
            words.push((core_start, split));
            words.push((split, core_end));
        }
        None => words.push((core_start, core_end)),
    }
    words.extend(trailing.into_iter().rev());
}

/// `U.S.`, `J.`, `Jr.`-style words whose final dot belongs to them.
fn is_abbreviation(word: &str) -> bool {
    let inner = &word[..word.len() - 1];
    let letters = inner.chars().filter(|c| c.is_alphabetic()).count();
    inner.contains('.') || (letters == 1 && inner.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        conll_words(text).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn edge_punctuation_is_split_inner_punctuation_kept() {
        assert_eq!(split("in Central Asia, Ukraine."), ["in", "Central", "Asia", ",", "Ukraine", "."]);
        assert_eq!(split("«Today (Reuters) NUR-SULTAN."), ["«", "Today", "(", "Reuters", ")", "NUR-SULTAN", "."]);
        assert_eq!(split("the U.S. and J. Smith on 1996-08-22"), ["the", "U.S.", "and", "J.", "Smith", "on", "1996-08-22"]);
        assert_eq!(split("Russia's view, isn't it?"), ["Russia", "'s", "view", ",", "is", "n't", "it", "?"]);
        assert_eq!(split(" ... \u{200B} "), [".", ".", ".", "\u{200B}"]);
    }
}
