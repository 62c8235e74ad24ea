//! Wire-service conventions around an article's text that are not reported speech.
//!
//! - A **dateline** opens a story or a paragraph: "OSLO (Reuters) - ", "TRENTON, N.J. (AP) —",
//!   "WASHINGTON, June 24 (UPI) — ", "MEXICO CITY - ". It is where and by whom, never part of a
//!   content ("OSLO (Reuters) - Norvik will close two units, the company said" reports only
//!   "Norvik will close two units").
//! - A **photo caption** describes a picture and credits its photographer ("FILE PHOTO: A
//!   minister speaks in Dublin, May 5, 2019. REUTERS/Jane Doe", "Crowds gather on Sunday.
//!   Photo: Jane Doe/AFP"). What a caption says someone does is no quote, and the agency or
//!   photographer it credits is no speaker.
//!
//! Both are read from the characters alone: generic shapes, no list of outlets.

/// The code point just past a dateline that opens the line at `start`, if one does: an
/// upper-case place (at least two letters, no lower case), an optional short addition after a
/// comma (a state or a date), an optional agency in parentheses, then a dash.
pub fn dateline_end(chars: &[char], start: usize) -> Option<usize> {
    if start > 0 && chars.get(start - 1) != Some(&'\n') {
        return None;
    }
    let limit = chars.len().min(start + 90);
    let mut i = start;
    // the place: upper-case words ("MEXICO CITY", "ST. LOUIS", "N'DJAMENA")
    let mut letters = 0;
    while i < limit && (chars[i].is_uppercase() || matches!(chars[i], ' ' | '.' | '\'' | '’' | '-')) {
        if chars[i] == '-' && chars.get(i + 1) == Some(&' ') {
            break; // "MEXICO CITY - " : the dash that ends the dateline
        }
        letters += usize::from(chars[i].is_uppercase());
        i += 1;
    }
    if letters < 2 {
        return None;
    }
    // ", N.J." or ", June 24": short, before any parenthesis or dash
    if chars.get(i) == Some(&',') {
        let stop = (i + 1..limit.min(i + 32)).find(|&j| matches!(chars[j], '(' | '-' | '—' | '–' | '\n'))?;
        i = stop;
    }
    while i < limit && chars[i] == ' ' {
        i += 1;
    }
    // "(Reuters)", "(AP)"
    if chars.get(i) == Some(&'(') {
        let close = (i + 1..limit.min(i + 42)).find(|&j| chars[j] == ')' || chars[j] == '\n')?;
        if chars[close] != ')' {
            return None;
        }
        i = close + 1;
        while i < limit && chars[i] == ' ' {
            i += 1;
        }
    }
    if !matches!(chars.get(i), Some('-' | '—' | '–')) {
        return None;
    }
    while i < limit && matches!(chars[i], '-' | '—' | '–') {
        i += 1;
    }
    if chars.get(i) != Some(&' ') {
        return None;
    }
    while i < limit && chars[i] == ' ' {
        i += 1;
    }
    (i < chars.len() && chars[i] != '\n').then_some(i)
}

/// Is the paragraph holding code point `at` a photo caption? It opens with "PHOTO:" or "FILE
/// PHOTO:" (any case), or it carries a photo credit: "REUTERS/Jane Doe", "Jane Doe/AFP",
/// "(AP Photo/Jane Doe)", "Photo: …", "Photograph: …", "Picture: …".
pub fn in_caption(chars: &[char], at: usize) -> bool {
    let at = at.min(chars.len());
    let start = chars[..at].iter().rposition(|&c| c == '\n').map_or(0, |p| p + 1);
    let end = chars[at..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| at + p);
    let paragraph: String = chars[start..end].iter().collect();
    is_caption(&paragraph)
}

/// See [`in_caption`]: one paragraph's text.
pub fn is_caption(paragraph: &str) -> bool {
    let text = paragraph.trim();
    let lower = text.to_lowercase();
    let opens = ["photo:", "file photo:", "file photo -", "photo -", "picture:", "photograph:", "caption:"];
    if opens.iter().any(|o| lower.starts_with(o)) {
        return true;
    }
    if ["photo:", "photograph:", "picture:", "photo credit", "ap photo/", "(photo by", "photo by "].iter().any(|m| lower.contains(m)) {
        // a credit, not a sentence that mentions a photo: the paragraph ends with it
        let tail_start = lower.rfind(['.', '(']).map_or(0, |p| p + 1);
        let tail = &lower[tail_start..];
        if ["photo", "picture", "credit"].iter().any(|m| tail.contains(m)) && tail.split_whitespace().count() <= 8 {
            return true;
        }
    }
    // "REUTERS/Jane Doe", "Jane Doe/AFP", "REUTERS/Jane Doe/File Photo": the paragraph ends
    // with a credit alone, an agency in capitals and a name joined by a slash
    let last = text.rsplit(['.', ')']).find(|s| !s.trim().is_empty()).unwrap_or("");
    let words: Vec<&str> = last.split_whitespace().collect();
    words.len() <= 4 && words.iter().take(2).any(|w| is_credit_word(w))
}

/// Is an entity at code point `start` a caption's photo credit ("REUTERS/Jane Doe")? The
/// photographer or agency it names is never a speaker. (A slash name outside a caption, a
/// poll's "AFP/Ipsos", stays a name.)
pub fn is_photo_credit(chars: &[char], entity_text: &str, start: usize) -> bool {
    // (inside a caption any slash name is a credit: "(Photo by Jane Doe/Getty Images)")
    (entity_text.split_whitespace().any(is_credit_word) || entity_text.contains('/')) && in_caption(chars, start)
}

/// "REUTERS/Jane", "Doe/AFP", "Doe/Getty": one side all capitals (two letters or more), the
/// other a capitalised word.
fn is_credit_word(word: &str) -> bool {
    let parts: Vec<&str> = word.trim_matches(|c: char| !c.is_alphanumeric()).split('/').collect();
    if parts.len() < 2 {
        return false;
    }
    let capitals = |p: &str| p.chars().filter(|c| c.is_alphabetic()).count() >= 2 && p.chars().all(|c| !c.is_lowercase());
    let capitalised = |p: &str| p.chars().next().is_some_and(char::is_uppercase) && p.chars().skip(1).any(char::is_lowercase);
    parts.windows(2).any(|w| (capitals(w[0]) && capitalised(w[1])) || (capitalised(w[0]) && capitals(w[1])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dateline(text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        dateline_end(&chars, 0).map(|e| chars[..e].iter().collect())
    }

    #[test]
    fn datelines_of_every_shape_are_found() {
        assert_eq!(dateline("OSLO (Reuters) - Norvik will close."), Some("OSLO (Reuters) - ".into()));
        assert_eq!(dateline("PORT LOUIS, Mauritius (AP) — The island voted."), Some("PORT LOUIS, Mauritius (AP) — ".into()));
        assert_eq!(dateline("VALMORA, March 3 (Wire) – Crowds marched."), Some("VALMORA, March 3 (Wire) – ".into()));
        assert_eq!(dateline("SAN TOMAS - Rain fell."), Some("SAN TOMAS - ".into()));
        assert_eq!(dateline("ST. KILDA — Ferries stopped."), Some("ST. KILDA — ".into()));
    }

    #[test]
    fn ordinary_sentences_have_no_dateline() {
        assert_eq!(dateline("Oslo will close two units - the company said."), None);
        assert_eq!(dateline("NATO said the talks would go on."), None);
        assert_eq!(dateline("A - B"), None);
        assert_eq!(dateline("OSLO (Reuters) -\nNext"), None);
        let chars: Vec<char> = "Rain. OSLO (Reuters) - Text".chars().collect();
        assert_eq!(dateline_end(&chars, 6), None, "a dateline opens a line");
    }

    #[test]
    fn a_credit_is_a_credit_only_inside_a_caption() {
        let text = "Crowds in the square. WIRE/Ana Lopes\n\nThe AFP/Ipsos poll said turnout fell.";
        let chars: Vec<char> = text.chars().collect();
        assert!(is_photo_credit(&chars, "WIRE/Ana Lopes", 22));
        let poll = text.chars().count() - "AFP/Ipsos poll said turnout fell.".chars().count();
        assert!(!is_photo_credit(&chars, "AFP/Ipsos", poll));
        assert!(!is_photo_credit(&chars, "Ana Lopes", 27));
        let text = "Crowds march on Sunday. (Photo by Ana Lopes/Getty Images)\n\nThe AFP/Ipsos poll said turnout fell.";
        let chars: Vec<char> = text.chars().collect();
        assert!(is_photo_credit(&chars, "Ana Lopes/Getty", 33));
    }

    #[test]
    fn captions_and_credits_are_recognised() {
        assert!(is_caption("FILE PHOTO: A minister speaks in Dublin, May 5, 2019. REUTERS/Tom Keane/File Photo"));
        assert!(is_caption("Protesters gather outside parliament on Sunday. Photo: Ines Duarte/AFP"));
        assert!(is_caption("The mayor opens the bridge. (AP Photo/Rui Matos)"));
        assert!(is_caption("Crowds in the square on Sunday. KEYSTONE/Ana Lopes"));
        assert!(!is_caption("\"We will not go home,\" said student leader Rui Matos."));
        assert!(!is_caption("The photo showed the minister at the border, the agency said."));
        assert!(!is_caption("Sales rose 4/5 of a point, the AFP/Ipsos poll said on Monday, citing its figures and more words."));
    }
}
