//! Direct quotations: spans between quotation marks, in every mark style news uses.
//!
//! One linear pass. A quote never runs past its paragraph unless the next paragraph reopens
//! the same mark (the convention for quotes over several paragraphs); a mark left open is
//! dropped at the paragraph's end, so an unbalanced mark never swallows the rest of the
//! article. Marks of another style inside an open quote are nested quotes and stay inside it.
//! `’` between letters is an apostrophe, never a closing mark. Two straight apostrophes
//! (`''It's anti-reform,'' he said`, the typewriter double quote of some newsrooms' feeds) are
//! one mark.

use std::borrow::Cow;

/// A quotation found between marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkedQuote {
    /// Code point of the opening mark.
    pub open: usize,
    /// Code point of the closing mark (exclusive end of the content).
    pub close: usize,
    /// Index of the paragraph where the quote opens.
    pub first_paragraph: usize,
    /// Number of paragraphs the quote spans (1 for most).
    pub paragraphs: usize,
    /// Code points of each mark: 1, or 2 for `''`.
    pub width: usize,
}

impl MarkedQuote {
    /// First code point of the content.
    pub fn content_start(&self) -> usize {
        self.open + self.width
    }
}

/// Stands for a `''` pair in the scan: its first apostrophe becomes this mark, the second
/// [`PAIRED`], which the scan steps over (private-use code points, never in the view's output).
const DOUBLE_APOSTROPHE: char = '\u{E000}';
const PAIRED: char = '\u{E001}';

/// The text as the scan sees it: every `''` (not part of a longer run) as one mark. Most
/// texts have none and are scanned as they are.
fn scan_view(chars: &[char]) -> Cow<'_, [char]> {
    if !chars.windows(2).any(|w| w == ['\'', '\'']) {
        return Cow::Borrowed(chars);
    }
    let mut view = chars.to_vec();
    let mut i = 0;
    while i + 1 < view.len() {
        let pair = chars[i] == '\'' && chars[i + 1] == '\'';
        let run = chars.get(i + 2) == Some(&'\'') || (i > 0 && chars[i - 1] == '\'');
        if pair && !run {
            view[i] = DOUBLE_APOSTROPHE;
            view[i + 1] = PAIRED;
            i += 2;
        } else {
            i += 1;
        }
    }
    Cow::Owned(view)
}

fn width_at(chars: &[char], i: usize) -> usize {
    if chars[i] == DOUBLE_APOSTROPHE { 2 } else { 1 }
}

/// The closing mark that matches an opening one, if `c` can open a quote.
fn closer_of(c: char) -> Option<&'static [char]> {
    Some(match c {
        // a quote opened in one double-mark style and closed in the other (`"…”`, `“…"`) is
        // one quote: copy desks mix the two when straight and curly text are joined
        '“' => &['”', '“', '"'],
        '"' => &['"', '”'],
        DOUBLE_APOSTROPHE => &[DOUBLE_APOSTROPHE],
        '«' => &['»'],
        '„' => &['“', '”'],
        '‚' => &['‘', '’'],
        '‘' => &['’'],
        '‹' => &['›'],
        '「' => &['」'],
        '『' => &['』'],
        '»' => &['«'], // Danish/Swedish style »…«
        _ => return None,
    })
}

/// Can `chars[i]` open a quote here? Straight and curly single marks need a word-start position.
fn can_open(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let before = if i == 0 { ' ' } else { chars[i - 1] };
    let after = chars.get(i + width_at(chars, i)).copied().unwrap_or(' ');
    if after.is_whitespace() {
        return false;
    }
    match c {
        '"' | '‘' | '‚' | '»' | DOUBLE_APOSTROPHE => before.is_whitespace() || matches!(before, '(' | '[' | '—' | '–' | '-' | ':' | '“' | '«' | '"'),
        _ => true,
    }
}

/// Can `chars[i]` close the quote opened by `opener`?
fn can_close(chars: &[char], i: usize, opener: char) -> bool {
    let c = chars[i];
    let before = if i == 0 { ' ' } else { chars[i - 1] };
    let after = chars.get(i + width_at(chars, i)).copied().unwrap_or(' ');
    if c == '’' || c == '‘' && opener == '‚' {
        // an apostrophe sits between letters (don’t) or ends a plural possessive (countries’ ties):
        // accept a closing single mark only before a non-letter, after a non-space
        return !after.is_alphanumeric() && !before.is_whitespace();
    }
    if c == '"' || c == DOUBLE_APOSTROPHE {
        return !before.is_whitespace() || after.is_whitespace() || after.is_ascii_punctuation();
    }
    true
}

/// Direct quotations in `chars`, in text order (paragraphs end at `\n`).
pub fn find_marked_quotes(text: &[char]) -> Vec<MarkedQuote> {
    let view = scan_view(text);
    let chars: &[char] = &view;
    let mut quotes = Vec::new();
    let mut paragraph = 0;
    // the open outer quote: (opener char, position, first paragraph, paragraphs)
    let mut open: Option<(char, usize, usize, usize)> = None;
    let mut nested: Option<char> = None;
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        if c == PAIRED {
            i += 1;
            continue;
        }
        if c == '\n' {
            if let Some((opener, pos, first, paras)) = open {
                // does the next paragraph reopen the same mark?
                let mut j = i;
                while j < n && chars[j].is_whitespace() {
                    j += 1;
                }
                if j < n && chars[j] == opener {
                    open = Some((opener, pos, first, paras + 1));
                    paragraph += chars[i..j].iter().filter(|&&c| c == '\n').count();
                    nested = None;
                    i = j + 1;
                    continue;
                }
                open = None;
                nested = None;
            }
            paragraph += 1;
            i += 1;
            continue;
        }
        match open {
            Some((opener, pos, first, paras)) => {
                if let Some(inner) = nested {
                    if closer_of(inner).is_some_and(|cl| cl.contains(&c)) && can_close(chars, i, inner) {
                        nested = None;
                    }
                } else if closer_of(opener).is_some_and(|cl| cl.contains(&c)) && can_close(chars, i, opener) {
                    let width = width_at(chars, pos);
                    if i > pos + width {
                        quotes.push(MarkedQuote { open: pos, close: i, first_paragraph: first, paragraphs: paras, width });
                    }
                    open = None;
                } else if c != opener && closer_of(c).is_some() && can_open(chars, i) && c != '’' {
                    nested = Some(c);
                }
            }
            None => {
                if closer_of(c).is_some() && can_open(chars, i) {
                    open = Some((c, i, paragraph, 1));
                }
            }
        }
        i += 1;
    }
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        find_marked_quotes(&chars).iter().map(|q| chars[q.content_start()..q.close].iter().collect()).collect()
    }

    #[test]
    fn every_mark_style() {
        for (text, inner) in [
            ("He said \"we will win the vote\" today.", "we will win the vote"),
            ("He said “we will win the vote” today.", "we will win the vote"),
            ("He said «we will win the vote» today.", "we will win the vote"),
            ("Er sagte „wir werden gewinnen“ heute.", "wir werden gewinnen"),
            ("Er sagte ‚wir werden gewinnen‘ heute.", "wir werden gewinnen"),
            ("He said ‘we will win the vote’ today.", "we will win the vote"),
            ("Il a dit ‹nous gagnerons› hier.", "nous gagnerons"),
            ("彼は「勝つ」と言った。", "勝つ"),
        ] {
            assert_eq!(contents(text), vec![inner.to_string()], "{text}");
        }
    }

    #[test]
    fn two_apostrophes_are_one_double_mark() {
        assert_eq!(contents("''It's anti-reform. She's layering it on,'' Ms. Vane said."), ["It's anti-reform. She's layering it on,"]);
        assert_eq!(contents("He called it ''smart'' and ''It won't last the year,'' he said."), ["smart", "It won't last the year,"]);
        assert!(contents("The runners' and the walkers' '' results").is_empty());
    }

    #[test]
    fn a_quote_may_open_and_close_in_different_double_mark_styles() {
        let text = "\"We will build it,” said Ann Lee, a spokeswoman. \"It opens next year.\"";
        assert_eq!(contents(text), ["We will build it,", "It opens next year."]);
        assert_eq!(contents("“We will build it,\" she said."), ["We will build it,"]);
        // a curly pair inside a straight quote is still nested
        assert_eq!(contents("\"They called it “the plan” then,\" he said."), ["They called it “the plan” then,"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(contents("The two countries’ ties and Kazakhstan’s role don’t change.").is_empty());
        assert_eq!(contents("He called it ‘the people’s choice’ again."), ["the people’s choice"]);
    }

    #[test]
    fn nested_quotes_stay_inside_their_parent() {
        assert_eq!(contents("“She told me ‘never again’ and left,” he said."), ["She told me ‘never again’ and left,"]);
    }

    #[test]
    fn a_quote_over_several_paragraphs_is_one_quote() {
        let text = "“First part of the speech.\n\n“Second part of it.\n\n“Third and last.” he said.";
        let found = contents(text);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("First") && found[0].ends_with("last."));
    }

    #[test]
    fn unbalanced_marks_never_swallow_the_article() {
        let text = "He said “this never closes.\n\nNext paragraph says “a real quote” here.";
        assert_eq!(contents(text), ["a real quote"]);
    }
}

/// Words a title leaves in lower case ("Keeping Up with the Joneses", "A Change Is Gonna Come").
const TITLE_SMALL_WORDS: [&str; 16] = ["a", "an", "the", "of", "in", "on", "and", "to", "for", "at", "by", "with", "or", "from", "as", "but"];

/// Is the text between quotation marks a title ("Morning Joe", "A Change Is Gonna Come,",
/// "Make Your Kid a Millionaire") rather than speech: two to eight words, each capitalised
/// (or a digit, or a small word inside), none ending a sentence? A show, a song or a book
/// named in quotation marks says nothing anyone said.
pub fn is_title(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=8).contains(&words.len()) {
        return false;
    }
    let last = words[words.len() - 1];
    if last.ends_with(['.', '!', '?', ':', ';']) || words.iter().any(|w| w.chars().filter(|c| c.is_alphabetic()).count() == 0) {
        return false;
    }
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let all_caps = words.iter().all(|w| !w.chars().any(char::is_lowercase));
    !all_caps
        && words.iter().enumerate().all(|(i, w)| {
            let w = bare(w);
            w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) || (i > 0 && TITLE_SMALL_WORDS.contains(&w.as_str()))
        })
}

#[cfg(test)]
mod title_tests {
    use super::is_title;

    #[test]
    fn titles_in_quotation_marks_are_told_from_speech() {
        for title in ["Morning Joe", "A Change Is Gonna Come,", "Make Your Kid a Millionaire,", "Larry King Now", "The 13th Floor"] {
            assert!(is_title(title), "{title}");
        }
        for speech in ["We Will Win.", "we will win", "Yes", "The plan is dead,", "NO WAY OUT", "Go Home Now!", "I Love It, And I Mean It: Every Word Of It Today"] {
            assert!(!is_title(speech), "{speech}");
        }
    }
}
