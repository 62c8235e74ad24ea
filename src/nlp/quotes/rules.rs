//! Attribution rules: which cue and which speaker mention go with which content.
//!
//! Direct quotes look for a cue right after the closing mark (`,” said X` / `,” X said`), then
//! right before the opening mark (`X said: “`, `X told reporters, “`, `X: «`). Indirect quotes
//! come from cues outside quotes: `X said (that) CONTENT`, `CONTENT, X said`, `According to X,
//! CONTENT`, `In his words, CONTENT`, `X was quoted as saying CONTENT`. A content clause that
//! holds a quoted fragment is one `mixed` quote. Speakers are resolved afterwards, in text order.

use super::doc::Doc;
use super::lexicon::{cue_base, is_role, is_speech_verb, pronoun_kind, takes_addressee, HONORIFICS};
use super::speakers::{describes_an_institution, is_auxiliary, is_function_word, is_person_title, main_clause_start, Mention, MentionKind};
use crate::schema::QuoteKind;

/// A content span with its cue and speaker mention, before speaker resolution.
#[derive(Debug, Clone)]
pub struct Attribution {
    /// Content, code points `[start, end)`.
    pub start: usize,
    /// End of the content.
    pub end: usize,
    /// Direct, indirect or mixed.
    pub kind: QuoteKind,
    /// Cue tokens `[start, end)`.
    pub cue: Option<(usize, usize)>,
    /// The speaker mention, if one was found.
    pub speaker: Option<Mention>,
    /// Rule confidence.
    pub confidence: f32,
    /// Found by the attribution head rather than the rules.
    pub from_head: bool,
}

/// Longest distance, in tokens, between a quote's closing mark and its cue.
const AFTER_WINDOW: usize = 24;

/// Is token `i` a reporting verb outside any quote? Returns its base form.
fn cue_at(doc: &Doc, i: usize) -> Option<&'static str> {
    if doc.quote_of.get(i)?.is_some() || !doc.is_word(i) {
        return None;
    }
    // a word of a name: "The Washington Post", "former State policy director"
    if doc.entity_at[i].is_some() {
        return None;
    }
    // a noun after a determiner: "the states", "a report", "his claims"
    if i > 0 && matches!(doc.word(i - 1), "the" | "a" | "an" | "these" | "those" | "its" | "their" | "his" | "her" | "our" | "my" | "your") {
        return None;
    }
    // a compound noun: "a liberal think tank"; a noun before a title: "state Del. Jo Lee"
    if doc.word(i) == "think" && doc.word(i + 1).starts_with("tank") {
        return None;
    }
    // "on a conference call that", "in a blog post", "news reports said": a noun that a noun
    // before it qualifies
    let noun_like = matches!(doc.word(i), "call" | "calls" | "post" | "posts" | "report" | "reports" | "note" | "notes" | "tweet" | "tweets" | "comment" | "comments");
    if noun_like && i > 0 && doc.entity_at[i - 1].is_none() && matches!(doc.word(i - 1), "conference" | "phone" | "telephone" | "video" | "earnings" | "investor" | "analyst" | "press" | "media" | "news" | "radio" | "blog") {
        return None;
    }
    // "a swing state, said", "state Del. Jo Lee": the noun; the verb introduces what is stated
    if matches!(doc.word(i), "state" | "states") && !(doc.word(i + 1) == "that" || doc.is_punct(i + 1, ':')) {
        return None;
    }
    if requests_anonymity(doc, i) {
        return None;
    }
    cue_base(doc.word(i))
}

/// "who asked not to be named", "asked to remain anonymous": a source's request to the
/// reporter at token `i`, no report of speech.
pub fn requests_anonymity(doc: &Doc, i: usize) -> bool {
    matches!(doc.word(i), "asked" | "requested")
        && matches!(doc.word(i + 1), "not" | "to")
        && (i + 2..i + 6).any(|j| matches!(doc.word(j), "named" | "identified" | "anonymous"))
}

/// Where the subject of a cue at `k` ends: before a parenthesis ("McCaskill (D-Mo.) said"),
/// auxiliaries ("has also said") and "was quoted as".
fn subject_end(doc: &Doc, k: usize) -> usize {
    let mut end = doc.parenthesis_before(k).or_else(|| doc.dashes_before(k)).unwrap_or(k);
    // (not a name's last word: "Theresa May said")
    while end > 0 && doc.is_word(end - 1) && doc.entity_at[end - 1].is_none() && (is_auxiliary(doc.word(end - 1)) || doc.word(end - 1) == "as") && k - end < 4 {
        end -= 1;
    }
    // "David Axelrod on Wednesday called on ...", "Jo Lee last week said ..."
    for back in [2, 1] {
        if end > back && time_phrase_end(doc, end - back) == end && doc.sentence[end - back] == doc.sentence[k] {
            return end - back;
        }
    }
    end
}

/// "The agency quoted the president as saying ...", "state television cited him as saying
/// ...": relayed speech belongs to the one quoted, not to the outlet that relays it.
fn relayed_speaker(doc: &Doc, k: usize) -> Option<Mention> {
    if k < 3 || doc.word(k) != "saying" || doc.word(k - 1) != "as" {
        return None;
    }
    let verb = (k.saturating_sub(9)..k - 1).rev().find(|&i| matches!(doc.word(i), "quoted" | "cited") && doc.quote_of[i].is_none())?;
    let object = verb + 1;
    // "X was quoted as saying" has no object: the subject speaks, read as usual
    if doc.sentence[verb] != doc.sentence[k] || object >= k - 1 {
        return None;
    }
    // "He was quoted by the TASS news agency as saying": the passive's subject speaks, the
    // agent is the outlet relaying it
    if doc.word(object) == "by" && verb > 0 && matches!(doc.word(verb - 1), "was" | "were" | "is" | "are" | "been" | "being") {
        return subject_of(doc, verb);
    }
    if let Some(kind) = pronoun_kind(doc.word(object)).filter(|_| object + 1 == k - 1) {
        return Some(Mention { start: object, end: object + 1, kind: MentionKind::Pronoun(kind), appositive: false });
    }
    doc.mention_starting_at(object).filter(|m| m.end < k)
}

/// The subject of a cue at `k`: the mention ending at [`subject_end`], or the one quoted in
/// relayed speech ([`relayed_speaker`]).
fn subject_of(doc: &Doc, k: usize) -> Option<Mention> {
    if let Some(quoted) = relayed_speaker(doc, k) {
        return Some(quoted);
    }
    let end = subject_end(doc, k);
    if end > 1 && matches!(doc.word(end - 1), "who" | "which") && doc.is_punct(end - 2, ',') && doc.sentence[end - 2] == doc.sentence[k] {
        // "said Beck, who added that ...", "the AP, which first reported ...": the relative
        // pronoun stands for the name before it
        doc.name_before_comma(end - 2)
    } else if end > 1 && doc.word(end - 1) == "which" && doc.sentence[end - 2] == doc.sentence[k] {
        // "the city's police department which reported ..."
        doc.name_ending_at(end - 1)
    } else if end > 0 && doc.sentence[end - 1] == doc.sentence[k] {
        doc.mention_ending_at(end).or_else(|| doc.place_ending_at(end)).or_else(|| doc.name_in_dashes_before(end))
    } else {
        None
    }
}

/// "..., adding that ..." / "X unleashed tweets saying that ..." / "During a speech, Trump
/// attacked Clinton, saying, “...”": a participle cue continues the sentence's subject.
fn participle_subject(doc: &Doc, k: usize) -> Option<Mention> {
    // a participle that introduces speech, not an adjective ("draw continuing fire")
    // ("by telling them that ...": an addressee before "that")
    let addressed = matches!(doc.word(k + 1), "them" | "him" | "her" | "us" | "me" | "reporters" | "voters" | "supporters") && doc.word(k + 2) == "that";
    let introduces = (k > 0 && doc.is_punct(k - 1, ',')) || doc.word(k + 1) == "that" || addressed || doc.is_punct(k + 1, ',') || doc.is_punct(k + 1, ':') || doc.quote_of.get(k + 1).is_some_and(Option::is_some);
    // ("saying he would ...", "saying Trump was ..." introduce a clause too)
    let clause_follows = doc.is_capitalized(k + 1) || matches!(doc.word(k + 1), "he" | "she" | "they" | "it" | "we" | "i" | "the" | "his" | "her" | "their" | "there");
    if !doc.word(k).ends_with("ing") || !(introduces || clause_follows) {
        return None;
    }
    let (s_start, s_end) = doc.sentences[doc.sentence[k]];
    let clause = main_clause_start(doc, s_start, s_end).min(k);
    (clause..k)
        .rev()
        .find_map(|i| cue_at(doc, i).and_then(|_| subject_of(doc, i).or_else(|| inverted_speaker(doc, i, k))))
        // (a name NER found: "Chastened by the analyses, Trump ..." opens with no name)
        // or a singular description of a person ("The Florida senator sought to calm them,
        // saying ...")
        .or_else(|| {
            doc.mention_starting_at(clause).filter(|m| {
                // (and no name in the clause: "Republican presidential candidate Jo Lee took to
                // Twitter, writing" is Jo Lee's)
                let described = matches!(&m.kind, MentionKind::Nominal { plural: false, .. })
                    && is_role(doc.word(m.end - 1))
                    && !(m.end..k).any(|i| doc.entity_starting[i].is_some_and(|e| doc.entities[e].0.label == "PER"));
                m.end < k && (described || matches!(m.kind, MentionKind::Pronoun(_)) || (!matches!(m.kind, MentionKind::Nominal { .. }) && doc.entity_starting[m.start].is_some()))
            })
        })
}

/// '"...," said Ana Ruiz, adding that ...': the name right after an earlier cue at `i`, closed
/// by the comma before the participle at `k`.
fn inverted_speaker(doc: &Doc, i: usize, k: usize) -> Option<Mention> {
    // (inverted: the cue follows its content's comma or closing mark)
    if i == 0 || !(doc.is_punct(i - 1, ',') || doc.quote_of[i - 1].is_some()) {
        return None;
    }
    let m = doc.mention_starting_at(i + 1)?;
    let named = matches!(&m.kind, MentionKind::Name { label } if *label == "PER");
    (named && m.end + 1 == k && doc.is_punct(m.end, ',')).then_some(m)
}

/// The speaker a reporting verb at token `k` names, read the rules' way: its subject ("X said",
/// "X, who added"), the subject a participle continues ("..., adding"), or a name right after
/// it ("said X", only when the content comes before the cue). For content the attribution head
/// found around that cue.
pub fn speaker_of_cue(doc: &Doc, k: usize, content_after: bool) -> Option<Mention> {
    cue_at(doc, k)?;
    subject_of(doc, k).or_else(|| participle_subject(doc, k)).or_else(|| {
        // "..., said Jo Lee" names the speaker; "warned North Korea to ..." the addressee
        if content_after {
            return None;
        }
        doc.mention_starting_at(k + 1)
            .filter(|m| !matches!(m.kind, MentionKind::Nominal { .. }) && doc.sentence.get(m.start) == doc.sentence.get(k))
    })
}

/// The subject of a direct quote's cue: a mention, or failing that a description that names
/// no one ("the editorial said", "the lawyers wrote"). Indirect cues take mentions only, as a
/// description before a verb is as often a plain subject ("the euro crisis highlighted").
fn quote_subject_of(doc: &Doc, k: usize) -> Option<Mention> {
    subject_of(doc, k).or_else(|| {
        let end = subject_end(doc, k);
        (end > 0 && doc.sentence[end - 1] == doc.sentence[k]).then(|| doc.description_ending_at(end)).flatten()
    })
}

/// Speaker of a direct quote from a cue after its closing mark at token `close` (opening
/// mark at `open`).
fn cue_after(doc: &Doc, open: usize, close: usize) -> Option<(Option<usize>, Option<Mention>)> {
    let n = doc.tokens.len();
    // “..., ” he said / “...?” she asked: the quote ends a clause (titles like “Fox News Sunday” don't)
    // (past spaces and a nested quote's closing mark: `outreach,' "`)
    let mut inside = doc.tokens[close].start;
    while inside > 0 && (doc.chars[inside - 1].is_whitespace() || matches!(doc.chars[inside - 1], '\'' | '’' | '‘' | '"' | '”')) && doc.tokens[close].start - inside < 3 {
        inside -= 1;
    }
    let last_inside = doc.chars[inside.saturating_sub(1)];
    let clause = matches!(last_inside, ',' | '.' | '!' | '?' | '…' | '-' | '—') || doc.is_punct(close + 1, ',');
    // (or a sentence-long quote whose writer left out the comma: `"... of anonymity" said Jo Lee`)
    let opens_sentence = doc.sentences[doc.sentence[open]].0 == open && words_between(doc, open, close) >= 6 && doc.is_word(close + 1);
    if !(clause || opens_sentence) {
        return None;
    }
    let mut i = close + 1;
    while i < n && !doc.is_word(i) && matches!(doc.chars[doc.tokens[i].start], ',' | '—' | '–' | '-' | '―') {
        i += 1;
    }
    let first = i;
    // a byline after a dash: “...” ― Pamela Padilla
    let dashed = (close + 1..first).any(|d| matches!(doc.chars[doc.tokens[d].start], '—' | '–' | '―'));
    if dashed && first < n && doc.tokens[first].paragraph == doc.tokens[close].paragraph {
        if let Some(m) = doc.mention_starting_at(first).filter(|m| matches!(m.kind, MentionKind::Name { .. })) {
            let ends_there = doc.tokens.get(m.end).is_none_or(|t| t.paragraph != doc.tokens[close].paragraph || doc.is_punct(m.end, ',') || doc.is_punct(m.end, '.'));
            if ends_there {
                return Some((None, Some(m)));
            }
        }
    }
    if first >= n || doc.tokens[first].paragraph != doc.tokens[close].paragraph {
        return None;
    }
    // `“...,” according to the news outlet.`
    if doc.word(first) == "according" && doc.word(first + 1) == "to" {
        let speaker = doc.mention_starting_at(first + 2).or_else(|| institution_starting_at(doc, first + 2));
        return speaker.map(|m| (Some(first), Some(m)));
    }
    let sentence = doc.sentence[first];
    let mut k = first;
    let mut relative: Option<usize> = None;
    while k < n && k < first + AFTER_WINDOW && doc.sentence[k] == sentence && doc.quote_of[k].is_none() {
        // `,” a neighbour, who asked not to be named, told ...`: a relative clause's verb is
        // not the quote's cue; the one after the clause is
        if k > first && doc.word(k) == "who" && doc.is_punct(k - 1, ',') {
            if let Some(close) = (k + 1..n.min(k + 16)).take_while(|&i| doc.sentence[i] == sentence && doc.quote_of[i].is_none()).find(|&i| doc.is_punct(i, ',')) {
                relative = relative.or(Some(k));
                k = close + 1;
                continue;
            }
        }
        if cue_at(doc, k).is_some() {
            if k == first {
                // inversion: ,» said Mukhtar Tleuberdi
                return Some((Some(k), doc.mention_starting_at(k + 1).or_else(|| doc.description_starting_at(k + 1))));
            }
            // "“...,” when Clinton blasted him": a subordinate clause is not the quote's cue;
            // one inside the speaker's apposition is ("Jo Lee, who served as his chief of
            // staff, said")
            let apposed = named_before_apposition(doc, first, k);
            let apposed_at = apposed.as_ref().map(|a| a.start);
            let subordinate = |m: &Mention| {
                let checked = if apposed_at == Some(m.start) { first..first } else { first..k };
                checked.into_iter().any(|i| SUBORDINATORS.contains(&doc.word(i)))
            };
            // titles may sit between the mark and the name: `,” Sen. Claire McCaskill said`
            let title_gap = |m: &Mention| (first..m.start).all(|i| doc.is_word(i) || doc.is_punct(i, '.'));
            let subject = quote_subject_of(doc, k)
                // or a description then the name in commas: `,” X's chief of staff, Jo Lee, said`
                .filter(|m| m.start == first || (m.start > first && m.start - first <= 6 && title_gap(m)) || (m.appositive && m.start > first && m.start - first <= 12))
                .or(apposed)
                .filter(|m| !subordinate(m))
                // (the description the relative clause follows: `,” a neighbour, who gave only
                // her first name, Maria, told ...`; its name is read with the speaker)
                .or_else(|| relative.and_then(|who| doc.qualified_nominal_ending_at(who - 1).filter(|m| m.start == first)));
            return subject.map(|m| (Some(k), Some(m)));
        }
        // (a period inside the sentence is an abbreviation's: "Sen.", "(D-Mo.)")
        if doc.is_punct(k, ';') {
            break;
        }
        k += 1;
    }
    None
}

/// `“...,” Harry Bond, 30, of Raleigh, N.C., who was polled, said`: a name right after the
/// closing mark, followed by a comma, is the subject of a cue that ends its appositions.
fn named_before_apposition(doc: &Doc, first: usize, k: usize) -> Option<Mention> {
    let m = doc.mention_starting_at(first).filter(|m| matches!(m.kind, MentionKind::Name { .. }) && m.start == first)?;
    (doc.is_punct(m.end, ',') && m.end < k && doc.is_punct(k - 1, ',')).then_some(m)
}

/// `As Michael Dell said last week in Tel Aviv, “...”`, `As the site put it, “...”`: a clause
/// opened by "as", its speaker and its cue, ending at the comma or colon (`last`) before the
/// quote that opens at `open`.
fn as_clause_before(doc: &Doc, open: usize, last: usize) -> Option<(Option<usize>, Mention)> {
    let from = open.saturating_sub(16);
    let at = (from..last).rev().find(|&i| doc.word(i) == "as" && doc.quote_of[i].is_none())?;
    let heads_clause = at == doc.sentences[doc.sentence[at]].0 || (at > 0 && !doc.is_word(at - 1));
    if !heads_clause || (at..=last).any(|i| doc.quote_of[i].is_some() || doc.is_punct(i, '.') || doc.is_punct(i, ';')) {
        return None;
    }
    let m = doc.mention_starting_at(at + 1).or_else(|| doc.description_starting_at(at + 1))?;
    let k = m.end;
    let cue = cue_at(doc, k).is_some() || (doc.word(k) == "put" && doc.word(k + 1) == "it");
    (cue && k <= last).then_some((Some(k), m))
}

/// Speaker of a direct quote from a cue before its opening mark at token `open`:
/// `X said: “`, `X said, “`, `X told reporters “`, `X: “`.
fn cue_before(doc: &Doc, open: usize) -> Option<(Option<usize>, Mention)> {
    if open == 0 {
        return None;
    }
    let mut j = open - 1;
    let led_by_colon = doc.is_punct(j, ':');
    let led_by_comma = doc.is_punct(j, ',');
    if led_by_colon || led_by_comma {
        if j == 0 {
            return None;
        }
        j -= 1;
    }
    if doc.tokens[j].paragraph != doc.tokens[open].paragraph && !led_by_colon {
        // a quote paragraph after "X said:" at the end of the previous one
        if !doc.is_punct(j, ':') {
            return None;
        }
    }
    // As X put it, “...” / As X noted last week: “...”
    if led_by_comma || led_by_colon {
        if let Some(found) = as_clause_before(doc, open, j) {
            return Some(found);
        }
    }
    // According to X, “...”
    if led_by_comma {
        let from = open.saturating_sub(10);
        if let Some(k) = (from..j).find(|&i| doc.word(i) == "according" && doc.word(i + 1) == "to" && doc.quote_of[i].is_none()) {
            let m = doc.mention_starting_at(k + 2).or_else(|| doc.description_starting_at(k + 2));
            if let Some(m) = m.filter(|m| m.end == j + 1) {
                return Some((Some(k), m));
            }
        }
    }
    // X: «...»
    if led_by_colon {
        // (not the addressee of a cue: "Jo Lee told reporters: “...”")
        let addressed = |m: &Mention| (m.start.saturating_sub(2)..m.start).any(|i| cue_at(doc, i).is_some_and(takes_addressee));
        if let Some(m) = doc.mention_ending_at(j + 1).filter(|m| !addressed(m)) {
            if !matches!(m.kind, MentionKind::Pronoun(_)) || cue_at(doc, j).is_none() {
                return Some((None, m));
            }
        }
    }
    // the cue itself, possibly followed by an addressee or "that": walk back a few tokens
    // ("Trump told the Washington Post in a written statement, “...")
    let lowest = open.saturating_sub(12);
    let mut k = j;
    loop {
        if doc.quote_of[k].is_some() || (k < j && (doc.is_punct(k, '.') || doc.is_punct(k, ';'))) {
            return None;
        }
        if let Some(base) = cue_at(doc, k) {
            // "X said:", "X told reporters,", "X says of Clinton,", "X said that"
            let prepositional = matches!(doc.word(k + 1), "of" | "to" | "about" | "on" | "in" | "at" | "during" | "after" | "before" | "via" | "from");
            let gap_ok = k == j || takes_addressee(base) || doc.word(j) == "that" || led_by_colon || (j - k <= 5 && prepositional);
            if !gap_ok {
                // inverted at the head of a clause: Said Dorothy Poynter, “...”
                let heads_clause = k == doc.sentences[doc.sentence[k]].0 || (k > 0 && !doc.is_word(k - 1));
                if !(heads_clause && (led_by_comma || led_by_colon)) {
                    return None;
                }
                return doc.mention_starting_at(k + 1).filter(|m| m.end == j + 1 && !matches!(m.kind, MentionKind::Nominal { .. })).map(|m| (Some(k), m));
            }
            if let Some(m) = quote_subject_of(doc, k) {
                return Some((Some(k), m));
            }
            if k > 0 && doc.is_punct(k - 1, ',') {
                if let Some(m) = participle_subject(doc, k) {
                    return Some((Some(k), m));
                }
            }
            // inverted before the quote: said Lavrov: “...”
            return doc.mention_starting_at(k + 1).filter(|m| m.end <= j + 1).map(|m| (Some(k), m));
        }
        if k == 0 || k <= lowest {
            return None;
        }
        k -= 1;
    }
}

/// `On “Morning Roundup,” Senator Park said the bill would pass`: a short quoted title
/// followed by a cue that introduces a clause of its own; the cue belongs to the clause.
fn cue_heads_a_clause(doc: &Doc, open: usize, close: usize, cue: Option<usize>) -> bool {
    let Some(k) = cue else { return false };
    // a quote that opens its sentence is speech (“They'd be wrong,” Lee said in an interview)
    if doc.sentences[doc.sentence[open]].0 == open {
        return false;
    }
    let quoted_words = words_between(doc, open, close + 1);
    let s_end = doc.sentences[doc.sentence[k]].1;
    quoted_words < 4 && words_between(doc, k + 1, s_end) >= 5
}

/// Attributions for every direct quote that has an adjacent cue or a leading colon, and for
/// block quotes.
pub fn direct_attributions(doc: &Doc) -> Vec<Attribution> {
    let mut out = Vec::with_capacity(doc.quotes.len());
    out.extend(block_quotes(doc));
    for &(q, open, close) in &doc.quotes {
        let mut a = Attribution {
            start: q.content_start(),
            end: q.close,
            kind: QuoteKind::Direct,
            cue: None,
            speaker: None,
            confidence: 0.5,
            from_head: false,
        };
        // `but said "the question is the timing." Jo Lee said ...`: a quote a cue leads and that
        // closes its sentence leaves the next sentence's cue alone
        let led = open.checked_sub(if doc.is_punct(open.saturating_sub(1), ',') || doc.is_punct(open.saturating_sub(1), ':') { 2 } else { 1 });
        let led_by_cue = led.is_some_and(|j| doc.sentence[j] == doc.sentence[open] && cue_at(doc, j).is_some_and(is_speech_verb));
        let closes_sentence = doc.sentence.get(close + 1).is_some_and(|&s| s != doc.sentence[close]);
        let after = cue_after(doc, open, close).filter(|(k, _)| !cue_heads_a_clause(doc, open, close, *k)).filter(|_| !(led_by_cue && closes_sentence));
        if let Some((k, speaker)) = after {
            a.cue = k.map(|k| (k, k + 1));
            a.speaker = speaker;
            a.confidence = 0.9;
            // (the cue in the quote's own sentence, not the next one's: `condemning "...". He said`)
            let same_sentence = a.cue.is_some_and(|(k, _)| doc.sentence[k] == doc.sentence[open]);
            if let Some(start) = reported_lead(doc, open).filter(|_| same_sentence) {
                // a title in marks finishes no one's clause ('In his book, "Make Your Kid a Millionaire,"')
                if !super::marks::is_title(&doc.chars[a.start..a.end].iter().collect::<String>()) {
                    a.start = start;
                    a.kind = QuoteKind::Mixed;
                }
            }
        } else if let Some((k, speaker)) = cue_before(doc, open) {
            a.cue = k.map(|k| (k, k + 1));
            a.speaker = Some(speaker);
            a.confidence = 0.85;
        }
        out.push(a);
    }
    out
}

/// `The governor added:` closing a paragraph, then a paragraph without quotation marks: a
/// block quote, verbatim speech set off by its layout (the whole next paragraph).
fn block_quotes(doc: &Doc) -> Vec<Attribution> {
    let n = doc.tokens.len();
    let mut out = Vec::new();
    for colon in 1..n.saturating_sub(1) {
        let (here, next) = (&doc.tokens[colon], &doc.tokens[colon + 1]);
        if !doc.is_punct(colon, ':') || next.paragraph == here.paragraph || doc.quote_of[colon + 1].is_some() || !doc.is_word(colon + 1) {
            continue;
        }
        let k = colon - 1;
        if cue_at(doc, k).is_none_or(|b| !is_speech_verb(b)) {
            continue;
        }
        let Some(speaker) = quote_subject_of(doc, k) else { continue };
        let last = (colon + 1..n).take_while(|&i| doc.tokens[i].paragraph == next.paragraph).last().unwrap_or(colon + 1);
        // (a quote inside the paragraph makes it an ordinary one, read by the other rules)
        if (colon + 1..=last).any(|i| doc.quote_of[i].is_some()) || words_between(doc, colon + 1, last + 1) < 6 {
            continue;
        }
        let (start, end) = doc.char_span(colon + 1, last + 1);
        out.push(Attribution { start, end, kind: QuoteKind::Direct, cue: Some((k, k + 1)), speaker: Some(speaker), confidence: 0.8, from_head: false });
    }
    out
}

/// `Not paying taxes "makes me smart," Trump said.`: a quote that closes a sentence whose
/// attribution follows it, after unquoted words of the same sentence, finishes the speaker's
/// own clause; the quote is mixed and starts where the sentence does (code point).
fn reported_lead(doc: &Doc, open: usize) -> Option<usize> {
    let s_start = doc.sentences[doc.sentence[open]].0;
    let lead = s_start..open;
    // (a colon introduces the quote as one of its own: `my answer: "Of course I do,"`)
    let plain = lead.clone().all(|i| {
        doc.quote_of[i].is_none() && !doc.is_punct(i, ':') && doc.word(i) != "according" && cue_at(doc, i).is_none_or(|b| !is_speech_verb(b))
    });
    // an opening phrase set off by a comma ("As for his plans, \"I write them off,\"") leaves
    // the quote a clause of its own
    let set_off = open > s_start && (doc.is_punct(open - 1, ',') || doc.is_punct(open - 1, '('));
    (plain && !set_off && words_between(doc, s_start, open) >= 2).then(|| doc.tokens[s_start].start)
}

/// Indirect and mixed quotes from cues that no direct quote used.
pub fn indirect_attributions(doc: &Doc, used_cues: &[usize]) -> Vec<Attribution> {
    let mut out = Vec::new();
    for &(s_start, s_end) in &doc.sentences {
        let mut k = s_start;
        while k < s_end {
            let next = k + 1;
            if let Some(a) = according_to(doc, k, s_start, s_end).or_else(|| in_words(doc, k, s_start, s_end)).or_else(|| asked_question(doc, k, s_end)) {
                k = a.cue.map(|c| c.1).unwrap_or(next).max(next);
                out.push(a);
                continue;
            }
            if used_cues.contains(&k) {
                k = next;
                continue;
            }
            if let Some(base) = cue_at(doc, k).filter(|b| is_speech_verb(b)) {
                if let Some(a) = speaker_first(doc, k, base, s_end).or_else(|| content_first(doc, k, s_start, s_end)) {
                    out.push(a);
                }
            }
            k = next;
        }
    }
    out
}

/// Last content token of a sentence `[.., s_end)`: drops the final period and trailing commas.
fn content_end(doc: &Doc, s_end: usize, from: usize) -> usize {
    let mut end = s_end;
    while end > from && !doc.is_word(end - 1) && doc.quote_of[end - 1].is_none() {
        end -= 1;
    }
    end
}

fn words_between(doc: &Doc, start: usize, end: usize) -> usize {
    (start..end).filter(|&i| doc.is_word(i)).count()
}

fn build(doc: &Doc, start: usize, end: usize, cue: (usize, usize), speaker: Option<Mention>, confidence: f32) -> Option<Attribution> {
    build_from(doc, start, end, cue, speaker, confidence, 4)
}

/// [`build`] for contents of at least `min_words` words.
fn build_from(doc: &Doc, start: usize, end: usize, cue: (usize, usize), speaker: Option<Mention>, confidence: f32, min_words: usize) -> Option<Attribution> {
    if words_between(doc, start, end) < min_words || start >= end {
        return None;
    }
    let (char_start, char_end) = doc.char_span(start, end);
    let holds_quote = (start..end).any(|i| doc.quote_of[i].is_some());
    // a content that is entirely one direct quote belongs to the direct rules
    if doc.quote_of[start].is_some() && doc.quote_of[start] == doc.quote_of[end - 1] {
        return None;
    }
    Some(Attribution {
        start: char_start,
        end: char_end,
        kind: if holds_quote { QuoteKind::Mixed } else { QuoteKind::Indirect },
        cue: Some(cue),
        speaker,
        confidence,
        from_head: false,
    })
}

/// `X said (to Y) (that) CONTENT`.
fn speaker_first(doc: &Doc, k: usize, base: &str, s_end: usize) -> Option<Attribution> {
    let speaker = cue_subject(doc, k, base)?;
    let start = content_start(doc, k, base, s_end)?;
    let end = subordinate_clause_end(doc, k, s_end).unwrap_or_else(|| content_end(doc, s_end, start));
    let end = next_speaker_clause(doc, start, end).unwrap_or(end);
    let end = rebuttal_tail(doc, start, end).unwrap_or(end);
    // "She said she supported it": three words make a clause after "say" and "tell", and
    // after any verb of speech that introduces it with "that" ("He added that testing must
    // continue")
    // (right after the verb: a "that" further on may be an adverb, "don't think X matters
    // that much"; and a subject then its verb: "think that is his intent", "feel that way"
    // are no clause introduced)
    let introduced = start == k + 2
        && doc.word(k + 1) == "that"
        && !is_finite_verb(doc.word(start))
        && (start + 1..end.min(start + 3)).any(|i| is_finite_verb(doc.word(i)));
    let min_words = if matches!(base, "say" | "tell") || introduced { 3 } else { 4 };
    build_from(doc, start, end, (k, k + 1), Some(speaker), 0.75, min_words)
}

/// The subject of an indirect cue at `k`: a mention before it ("X said"), the subject a
/// participle or a coordinated verb continues ("..., adding", "... and said"), a description
/// when "that" follows ("the report said that ..."), or a group ("Most of them said").
fn cue_subject(doc: &Doc, k: usize, base: &str) -> Option<Mention> {
    let described = || (doc.word(k + 1) == "that").then(|| quote_subject_of(doc, k)).flatten();
    matches!(base, "say" | "tell")
        .then(|| role_with_phrase_subject(doc, k))
        .flatten()
        .or_else(|| subject_of(doc, k))
        .or_else(|| participle_subject(doc, k))
        .or_else(|| coordinated_subject(doc, k))
        .or_else(described)
        .or_else(|| group_subject(doc, k, base))
}

/// First token of the content reported by a cue at `k` with base form `base`: after "that" (and
/// an addressee or adverbial before it), after "called for", after a named addressee, or right
/// after the cue; None when what follows is no clause ("said in a statement").
fn content_start(doc: &Doc, k: usize, base: &str, s_end: usize) -> Option<usize> {
    let mut start = k + 1;
    // an addressee or a short adverbial before "that": "told reporters on Tuesday that"
    let complementizer = |w: &str| matches!(w, "that" | "how" | "why" | "whether" | "what" | "if");
    let after_complementizer = (start..(start + 12).min(s_end)).find(|&i| complementizer(doc.word(i)) && doc.quote_of[i].is_none()).and_then(|that| {
        // ... but not a "that" inside the content ("said officials are in possession of video
        // that shows ..."): a finite verb before it makes the words between a clause
        // (or a subject pronoun and its verb: "said he wants to attack provisions that ...")
        let pronoun_clause = matches!(doc.word(start), "he" | "she" | "they" | "we" | "i") && that > start + 1;
        // (or "and that", a second clause coordinated with one already begun: "said witnesses
        // saw a gun and that one was found")
        let coordinated = that > start + 1 && matches!(doc.word(that - 1), "and" | "or" | "but");
        let clause_between = pronoun_clause || coordinated || (start..that).any(|i| is_finite_verb(doc.word(i)));
        // ... nor a relative "that" ("called for contestants to wear dresses that showed ...")
        let next = doc.word(that + 1);
        // ("how surprised he is": only "that" is relative)
        let relative = that > start && doc.word(that) == "that" && (is_finite_verb(next) || (next.len() > 4 && next.ends_with("ed")));
        // (a show's title may stand in the addressee: 'told MSNBC's "Morning Joe" that')
        // (a cue's "-ing" form inside a noun phrase is a noun: "told a daily briefing that")
        // (the determiner at most three words before, only modifiers between: not "her son
        // before explaining", "the debt, saying")
        let determiner = |j: usize| matches!(doc.word(j), "a" | "an" | "the" | "its" | "their" | "his" | "her");
        let modifier = |j: usize| doc.is_word(j) && !matches!(doc.word(j), "before" | "after" | "while" | "by" | "without" | "when" | "since" | "for" | "of" | "in" | "on" | "to" | "and" | "or" | "but" | "then" | "also");
        let noun_phrase = |i: usize| {
            doc.word(i).ends_with("ing")
                && (i.saturating_sub(3).max(start)..i).rev().take_while(|&j| determiner(j) || modifier(j)).any(determiner)
        };
        let plain = (start..that).all(|i| match doc.quote_of[i] {
            Some(q) => is_title_in_marks(doc, q),
            None => (doc.is_word(i) || doc.is_punct(i, ',')) && (cue_at(doc, i).is_none() || noun_phrase(i)),
        });
        // "that" itself is not content; "how"/"why"/"whether" are; "He said that, if elected, ..."
        let first = if doc.word(that) == "that" { that + 1 } else { that };
        (!clause_between && !relative && plain).then(|| if doc.is_punct(first, ',') { first + 1 } else { first })
    });
    if let Some(first) = after_complementizer {
        start = first;
    } else if matches!(base, "call") {
        // "called for a moratorium", "called on Republicans to ...", "called the charges false"
        if matches!(doc.word(start), "for" | "on") {
            start += 1;
        }
    } else if matches!(base, "urge" | "ask" | "encourage") && (start + 1..(start + 6).min(s_end)).any(|i| doc.word(i) == "to") {
        // "urged Republicans to join ...": the addressee and the infinitive are the content
    } else if takes_addressee(base) {
        let addressee_end = (start..(start + 4).min(s_end)).find(|&i| !doc.is_word(i) || doc.quote_of[i].is_some());
        start = match addressee_end {
            // ("told reporters in Geneva, amid growing anger": the circumstances, no clause)
            Some(e) if doc.is_punct(e, ',') && circumstance_clause(doc, e, e + 1).is_some() => return None,
            Some(e) if doc.is_punct(e, ',') || doc.is_punct(e, ':') => e + 1,
            _ => clause_after_addressee(doc, start, s_end)?,
        };
    }
    // "said on Tuesday he would take the vaccine", "said in a statement the plant would
    // close": a time phrase or the medium, then the clause
    if start == k + 1 && is_speech_verb(base) {
        let after = circumstances_end(doc, start);
        if after > start && opens_clause(doc, after, s_end) {
            start = after;
        }
    }
    // "vowed to bring back lost jobs": a promise's infinitive is what was promised
    let promised = matches!(base, "promise" | "vow" | "pledge" | "threaten") && doc.word(start) == "to";
    // ("said about 20 people have ...": "about" before a number is a quantity)
    let quantity = doc.word(start) == "about" && is_number(doc.word(start + 1));
    let adverbial = !quantity && matches!(doc.word(start), "to" | "for" | "about" | "on" | "in" | "at" | "with" | "by" | "of" | "so" | "during" | "after" | "before" | "last" | "this" | "yesterday" | "today" | "earlier");
    if start >= s_end || !promised && adverbial && doc.word(k + 1) != "that" && start == k + 1 {
        return None;
    }
    if doc.is_punct(start, ',') || doc.is_punct(start, ':') || doc.is_punct(start, '.') {
        return None;
    }
    Some(start)
}

/// "Mr. Schultz supported Democrats during his time on MSNBC and said he did not support Mr.
/// Trump": a cue coordinated with an earlier verb by "and" has the sentence's subject.
fn coordinated_subject(doc: &Doc, k: usize) -> Option<Mention> {
    let mut j = k.checked_sub(1)?;
    // "and also said", "and then told"
    while j > 0 && is_auxiliary(doc.word(j)) && k - j < 3 {
        j -= 1;
    }
    if doc.word(j) != "and" || doc.quote_of[j].is_some() {
        return None;
    }
    let (s_start, s_end) = doc.sentences[doc.sentence[k]];
    let clause = main_clause_start(doc, s_start, s_end);
    // the subject opens the clause, and no other cue or quote sits between it and "and"
    let m = doc.mention_starting_at(clause).filter(|m| m.end < j)?;
    let clean = (m.end..j).all(|i| doc.quote_of[i].is_none() && cue_at(doc, i).is_none() && !doc.is_punct(i, ';'));
    clean.then_some(m)
}

/// Quote `q` of the doc is a short title in marks ("Morning Joe", "Meet the Press"): at most
/// five words, each capitalised or a short function word.
fn is_title_in_marks(doc: &Doc, q: usize) -> bool {
    let (_, open, close) = doc.quotes[q];
    let words = || (open + 1..close).filter(|&i| doc.is_word(i));
    (1..=5).contains(&words().count()) && words().all(|i| doc.is_capitalized(i) || matches!(doc.word(i), "the" | "of" | "and" | "a" | "in" | "on" | "for"))
}

/// A number word or numeral ("20", "1,500", "two", "dozens").
fn is_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        || matches!(word, "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten" | "half" | "dozens" | "hundreds" | "thousands" | "millions")
}

/// Past up to two rounds of medium and time phrases after a cue or its addressee ("in a
/// statement on Tuesday", "in an interview on Tuesday", "this weekend in a speech"): where
/// the reported clause may start.
fn circumstances_end(doc: &Doc, i: usize) -> usize {
    let once = time_phrase_end(doc, medium_phrase_end(doc, i));
    time_phrase_end(doc, medium_phrase_end(doc, once))
}

/// The token after a time phrase at `i` ("this weekend", "last week", "on Monday",
/// "yesterday"), or `i` when none starts there.
fn time_phrase_end(doc: &Doc, i: usize) -> usize {
    const UNITS: &[&str] = &["week", "weekend", "month", "year", "morning", "afternoon", "evening", "night", "spring", "summer", "fall", "autumn", "winter"];
    const DAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let w = doc.word(i);
    if matches!(w, "yesterday" | "today" | "tonight" | "recently" | "earlier" | "later") || DAYS.contains(&w) {
        return i + 1;
    }
    if matches!(w, "this" | "last" | "next") && UNITS.contains(&doc.word(i + 1)) {
        return i + 2;
    }
    if w == "on" && DAYS.contains(&doc.word(i + 1)) {
        return i + 2;
    }
    i
}

/// The token after the medium of a statement at `i` ("in a statement", "in an interview with
/// Reuters", "during a televised address", "on his Facebook page"), or `i` when none starts
/// there.
fn medium_phrase_end(doc: &Doc, i: usize) -> usize {
    const MEDIA: &[&str] = &[
        "statement", "interview", "speech", "post", "tweet", "email", "e-mail", "letter", "briefing", "conference", "call", "address", "video",
        "message", "broadcast", "op-ed", "column", "release", "podcast", "appearance", "hearing", "page", "account", "blog", "communique", "remarks",
    ];
    if !matches!(doc.word(i), "in" | "on" | "during" | "at" | "via" | "through") || doc.quote_of[i].is_some() {
        return i;
    }
    let determiner = matches!(doc.word(i + 1), "a" | "an" | "the" | "its" | "his" | "her" | "their" | "our");
    if !determiner {
        return i;
    }
    // the medium noun within four words, only plain words before it
    let Some(noun) = (i + 2..i + 6).take_while(|&j| doc.is_word(j) && doc.quote_of[j].is_none()).find(|&j| MEDIA.contains(&doc.word(j))) else {
        return i;
    };
    let mut end = noun + 1;
    // "with Reuters", "with the BBC"
    if doc.word(end) == "with" {
        let at = if doc.word(end + 1) == "the" { end + 2 } else { end + 1 };
        if let Some(e) = doc.entity_starting.get(at).copied().flatten() {
            end = doc.entities[e].2;
        }
    }
    end
}

/// "told POLITICO he planned to stay", "told reporters the plan would fail": where the clause
/// after a named or pronoun addressee starts, when one starts there.
fn clause_after_addressee(doc: &Doc, start: usize, s_end: usize) -> Option<usize> {
    let after = match doc.entity_starting.get(start).copied().flatten() {
        Some(e) => doc.entities[e].2,
        None if matches!(doc.word(start), "me" | "him" | "her" | "us" | "them" | "reporters" | "journalists") => start + 1,
        None => return None,
    };
    // "told voters this weekend he would ...", "told Reuters in an interview he would":
    // past a time phrase or the medium
    let after = circumstances_end(doc, after);
    opens_clause(doc, after, s_end).then_some(after)
}

/// Does a clause open at token `i`: a subject pronoun, "the", "there", a possessive, or a
/// capitalised word that is not a function word?
fn opens_clause(doc: &Doc, i: usize, s_end: usize) -> bool {
    i < s_end
        && doc.is_word(i)
        && doc.quote_of[i].is_none()
        && (matches!(doc.word(i), "he" | "she" | "they" | "it" | "we" | "i" | "the" | "there" | "his" | "her" | "their") || (doc.is_capitalized(i) && !is_function_word(doc.word(i))))
}

/// "Twenty-four percent said", "most of them said", "The organizers said": a share of a poll's
/// respondents or a group, a speaker the article does not name (for "say" and "tell" only,
/// where a plural subject is a speaker), or people by a plural role ("His advisers have
/// suggested"), for any cue.
fn group_subject(doc: &Doc, k: usize, base: &str) -> Option<Mention> {
    let end = subject_end(doc, k);
    let last = end.checked_sub(1)?;
    if !doc.is_word(last) || doc.quote_of[last].is_some() || doc.sentence[last] != doc.sentence[k] {
        return None;
    }
    let w = doc.word(last);
    let share = matches!(w, "percent" | "half" | "most" | "majority" | "many" | "some" | "both" | "all" | "others" | "few" | "them" | "respondents");
    let plural_noun = w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("'s") && !w.ends_with("’s") && !doc.is_capitalized(last) && !is_function_word(w) && !is_auxiliary(w) && doc.entity_at[last].is_none();
    let plural_role = plural_noun && is_role(&w[..w.len() - 1]);
    if !(plural_role || matches!(base, "say" | "tell") && (share || plural_noun)) {
        return None;
    }
    Some(group_mention(doc, last, end))
}

/// "Experts on North Korea and nuclear nonproliferation said", "Analysts at two Swiss banks
/// said": people by a plural role whose prepositional phrase runs up to "say" or "tell" are its
/// subject, not the place that ends the phrase (a phrase naming a person or an organisation is
/// left to the readers of names, who give the group to it). Only a group that opens its
/// sentence (or the clause after a comma), and no verb in the phrase: "arrived at a breakfast
/// with reporters and acknowledged that" keeps its own subject.
fn role_with_phrase_subject(doc: &Doc, k: usize) -> Option<Mention> {
    let end = subject_end(doc, k);
    let s_start = doc.sentences[doc.sentence[k]].0;
    let mut p = end;
    while p > s_start + 1 && end - p < 10 {
        p -= 1;
        let w = doc.word(p);
        let verb = !doc.is_capitalized(p) && (w.ends_with("ed") || is_finite_verb(w));
        // "Attorneys for Clinton said", "Officials at the Treasury said": the phrase names whom
        // the group speaks for, and the rules that read that name decide
        let names_speaker = doc.entity_at[p].is_some_and(|e| matches!(doc.entities[e].0.label.as_str(), "PER" | "ORG"));
        if names_speaker {
            return None;
        }
        if !doc.is_word(p) || doc.quote_of[p].is_some() || is_auxiliary(w) || verb || cue_at(doc, p).is_some() || matches!(w, "who" | "which" | "that") {
            return None;
        }
        if !matches!(w, "on" | "at" | "from" | "in" | "with" | "for" | "of") || p + 1 == end {
            continue;
        }
        let r = p - 1;
        let role = doc.word(r);
        // (capitalised only where it opens the sentence: "Experts on ...")
        let plural = role.len() > 3 && role.ends_with('s') && !role.ends_with("ss");
        let plural_role = plural && (!doc.is_capitalized(r) || r == s_start) && role.strip_suffix('s').is_some_and(is_role);
        if doc.is_word(r) && doc.entity_at[r].is_none() && plural_role {
            let group = group_mention(doc, r, r + 1);
            // (a comma between clauses, not inside "2,000")
            let opens = group.start == s_start || doc.is_punct(group.start - 1, ',') && doc.tokens[group.start - 1].end < doc.tokens[group.start].start;
            return opens.then_some(group);
        }
    }
    None
}

/// A group mention ending at `last` (its plural noun), reaching back over its modifiers to a
/// determiner ("the party's top strategists").
fn group_mention(doc: &Doc, last: usize, end: usize) -> Mention {
    let s_start = doc.sentences[doc.sentence[last]].0;
    let mut start = last;
    while start > s_start && last - start < 4 {
        let p = start - 1;
        let w = doc.word(p);
        if !doc.is_word(p) || doc.quote_of[p].is_some() || is_auxiliary(w) || cue_at(doc, p).is_some() || doc.entity_at[p].is_some() {
            break;
        }
        if is_function_word(w) && !matches!(w, "of" | "the" | "a" | "an" | "no") {
            break;
        }
        start = p;
        if matches!(w, "the" | "a" | "an") {
            break;
        }
    }
    Mention { start, end, kind: MentionKind::Nominal { words: Vec::new(), plural: true }, appositive: false }
}

/// "When Clinton noted that Trump paid no tax, Trump boasted, “...”": a cue in a sentence-initial
/// subordinate clause reports only up to the clause's comma; the main clause is not content.
fn subordinate_clause_end(doc: &Doc, k: usize, s_end: usize) -> Option<usize> {
    let s_start = doc.sentences[doc.sentence[k]].0;
    let first = (s_start..k).find(|&i| doc.is_word(i))?;
    if !SUBORDINATORS.contains(&doc.word(first)) {
        return None;
    }
    (k + 2..s_end.min(k + 60)).find(|&i| doc.is_punct(i, ',') && doc.quote_of[i].is_none())
}

/// "The company said output would fall, while analysts said the drop was overdone": a comma,
/// a conjunction and a clause with its own speaker and verb of speech end the first content
/// there (the second clause is the next speaker's quote). Where the first content ends: before
/// the comma, or after a closing mark that holds it ('... of Chicago," and he said he hoped').
fn next_speaker_clause(doc: &Doc, start: usize, end: usize) -> Option<usize> {
    let conjunction = (start + 2..end).find(|&c| {
        doc.quote_of[c].is_none()
            && matches!(doc.word(c), "while" | "but" | "whereas" | "and" | "although" | "though")
            && (doc.is_punct(c - 1, ',') || (doc.is_punct(c - 2, ',') && doc.quote_of[c - 2].is_some() && !doc.is_word(c - 1)))
            && (c + 2..end.min(c + 9)).any(|v| {
                cue_at(doc, v).is_some_and(|base| {
                    is_speech_verb(base)
                        && (c + 1..v).all(|i| doc.is_word(i) && doc.quote_of[i].is_none())
                        && cue_subject(doc, v, base).is_some_and(|m| m.start > c)
                })
            })
    });
    conjunction.map(|c| if doc.is_punct(c - 1, ',') { c - 1 } else { c }).or_else(|| relaying_tail(doc, start, end))
}

/// "... that talks were possible, the official news agency reported.": a comma, then a
/// mention and a cue that end the content, the outlet relaying the speech; the content ends
/// at the comma.
fn relaying_tail(doc: &Doc, start: usize, end: usize) -> Option<usize> {
    let k = end.checked_sub(1)?;
    if !cue_at(doc, k).is_some_and(is_speech_verb) {
        return None;
    }
    let subject = subject_of(doc, k).map(|m| m.start).or_else(|| outlet_ending_at(doc, subject_end(doc, k)))?;
    (subject > start + 3 && doc.is_punct(subject - 1, ',') && (subject..k).all(|i| doc.quote_of[i].is_none())).then_some(subject - 1)
}

/// "state media", "the official news agency", "local television": where an outlet that relays
/// the news, described by its medium and named by no entity, starts before `end` (at most four
/// lower-case words).
fn outlet_ending_at(doc: &Doc, end: usize) -> Option<usize> {
    const MEDIA: &[&str] = &["media", "television", "tv", "radio", "agency", "newspaper", "newspapers", "outlets", "broadcaster", "press", "daily"];
    let last = end.checked_sub(1)?;
    if !MEDIA.contains(&doc.word(last)) {
        return None;
    }
    let first = (last.saturating_sub(3)..=last).rev().take_while(|&i| doc.is_word(i) && !doc.is_capitalized(i) && doc.sentence[i] == doc.sentence[last]).last()?;
    Some(first)
}

/// "His allies say he was targeted for his work, a charge the Kremlin denied.": the comma
/// before an apposition that names what was said as a claim someone else disputes; the
/// dispute is the writer's, not the speaker's content.
fn rebuttal_tail(doc: &Doc, start: usize, end: usize) -> Option<usize> {
    (start + 3..end.saturating_sub(3)).find(|&c| {
        doc.is_punct(c, ',')
            && doc.quote_of[c].is_none()
            && matches!(doc.word(c + 1), "a" | "an" | "the")
            && matches!(doc.word(c + 2), "charge" | "claim" | "accusation" | "allegation" | "assertion" | "contention" | "characterization" | "characterisation")
            && (c + 3..end.min(c + 8)).any(|v| matches!(doc.word(v), "denied" | "denies" | "rejected" | "rejects" | "disputed" | "disputes" | "dismissed" | "dismisses"))
    })
}

/// Words that open a subordinate clause.
const SUBORDINATORS: &[&str] = &["when", "while", "as", "after", "before", "if", "because", "although", "though", "since", "once", "until", "unless", "whereas"];

/// `CONTENT, X said (on Tuesday).` or `CONTENT, said X.`
fn content_first(doc: &Doc, k: usize, s_start: usize, s_end: usize) -> Option<Attribution> {
    // "On the Republican stage, businessman Jo Lee continues to lead": a verb that takes an
    // infinitive reports nothing before it
    if doc.word(k + 1) == "to" && cue_at(doc, k).is_some_and(|b| matches!(b, "continue" | "hope" | "expect" | "promise" | "vow" | "pledge" | "threaten")) {
        return None;
    }
    let tail = content_end(doc, s_end, k);
    let (speaker, comma) = if k > 0 && doc.is_punct(k - 1, ',') {
        // "X's chief of staff, Omar Bell, told KTV": the comma closes the subject's apposition
        if subject_of(doc, k).is_some_and(|m| m.appositive) {
            return None;
        }
        // "..., told Wirepress": the one after "told" is told, never an inverted speaker
        if cue_at(doc, k).is_some_and(|b| matches!(b, "tell" | "inform" | "assure" | "reassure" | "remind" | "brief" | "notify")) {
            return None;
        }
        let m = doc.mention_starting_at(k + 1)?;
        // "China, its only ally, said it was opposed": a pronoun that a verb follows is the
        // subject of the reported clause, not an inverted speaker ("..., said he.")
        if matches!(m.kind, MentionKind::Pronoun(_)) && doc.is_word(m.end) {
            return None;
        }
        // ... nor a name an auxiliary follows ("A senior official, speaking on condition of
        // anonymity, said Washington was watching closely")
        let finite = matches!(doc.word(m.end), "was" | "is" | "were" | "are" | "had" | "has" | "have" | "would" | "will" | "could" | "can" | "should" | "may" | "might" | "must" | "did" | "does");
        if m.end < s_end && finite && doc.quote_of[m.end].is_none() {
            return None;
        }
        (m, k - 1)
    } else {
        // "..., the group said.": the comma before makes a description the speaker
        let m = quote_subject_of(doc, k)?;
        let lead = title_lead(doc, m.start, s_start);
        if lead == 0 || !doc.is_punct(lead - 1, ',') {
            return None;
        }
        (m.clone(), lead - 1)
    };
    // (a finite cue, "said" or "notes", not a noun that looks like one: "the most
    // delegate-rich state on the calendar, has become")
    let finite = doc.word(k).ends_with('d') || doc.word(k).ends_with('s');
    let after = (speaker.end <= k && finite)
        .then(|| adverbial_comma(doc, k + 1, tail))
        .flatten()
        .filter(|&c| matches!(doc.word(c + 1), "and" | "but" | "while") || predicate_resumes(doc, c + 1, tail))
        .unwrap_or(speaker.end.max(k + 1));
    // ("That's why, he argued, the party should be ready": too little before the cue to be all
    // the content, a clause after it)
    let opening_only = words_between(doc, s_start, comma) < 4 && words_between(doc, after + 1, tail) >= 3;
    if doc.is_punct(after, ',') && (words_between(doc, k + 1, tail) > 7 || predicate_resumes(doc, after + 1, tail) || opening_only) {
        // an apposition describes the speaker ("..., said Brian Baker, a longtime adviser to
        // the family"): the content is before the cue; else the cue is parenthetical ("But, he
        // said, local officials should ...") and the content follows it
        let described = matches!(doc.word(after + 1), "a" | "an" | "the") || is_person_title(doc.word(after + 1));
        // "Prices will rise, said Jane Doe, head of research at Acme Energy.": after a name the
        // cue leads, words without a verb are her apposition, however short the content
        let apposition_only = speaker.start > k && !(after + 1..tail).any(|i| is_finite_verb(doc.word(i)) || is_auxiliary(doc.word(i)));
        if !apposition_only && (!described || words_between(doc, s_start, comma) < 4) {
            // the content holds what comes before the cue too ("But to prevent problems, he
            // said, local officials should be vigilant"), the cue inside it
            let first = (s_start..comma).find(|&i| doc.is_word(i) && !matches!(doc.word(i), "but" | "and" | "so" | "still" | "yet")).unwrap_or(after + 1);
            return build(doc, first.min(after + 1), tail, (k, k + 1), Some(speaker), 0.7);
        }
    } else if words_between(doc, k + 1, circumstance_clause(doc, k + 1, tail).unwrap_or(tail)) > 7 {
        // only a short tail after the cue ("in a statement", "on Tuesday"), and perhaps a
        // clause of the circumstances after it
        return None;
    }
    // "The minister said on Sunday that talks were possible, the agency reported": the
    // reported speech inside is the minister's quote (its own rule reads it), not the agency's
    if relays_named_speech(doc, s_start, comma) {
        return None;
    }
    // "Prices will rise, said Jane Doe": three words make a clause before "said" and "told"
    let min_words = if matches!(doc.word(k), "said" | "says" | "told" | "tells") { 3 } else { 4 };
    build_from(doc, s_start, comma, (k, k + 1), Some(speaker), 0.7, min_words)
}

/// "..., the agency said in a June report, and ...": the comma that closes a short adverbial
/// right after a parenthetical cue (a preposition or a time word and at most five more
/// words), as if it followed the cue. Used after a speaker before its cue, when a clause
/// goes on after the comma ("and ...", or the sentence's own verb).
fn adverbial_comma(doc: &Doc, at: usize, tail: usize) -> Option<usize> {
    if !matches!(doc.word(at), "in" | "on" | "at" | "during" | "last" | "this" | "earlier" | "late" | "after" | "before") || doc.quote_of[at].is_some() {
        return None;
    }
    (at + 1..tail.min(at + 7)).take_while(|&i| doc.quote_of[i].is_none() && (doc.is_word(i) || doc.is_punct(i, ','))).find(|&i| doc.is_punct(i, ','))
}

/// "..., the minister said on Thursday, as infections rose across the country.": the comma
/// that opens a clause or phrase of the circumstances (a subordinator or "amid") after a
/// cue's short tail; what follows it tells when or why, not what was said.
fn circumstance_clause(doc: &Doc, at: usize, tail: usize) -> Option<usize> {
    (at..tail.min(at + 8))
        .take_while(|&i| doc.quote_of[i].is_none())
        .find(|&i| doc.is_punct(i, ',') && matches!(doc.word(i + 1), "as" | "after" | "when" | "before" | "amid" | "following" | "ahead"))
}

/// "The latest test, the agency said, was its biggest yet": after a parenthetical cue the
/// sentence's own verb resumes (an auxiliary, a copula or a modal) or its subordinate clause
/// goes on, so a short tail is the end of the content rather than an apposition ("..., said Jo
/// Lee, 45").
fn predicate_resumes(doc: &Doc, first: usize, tail: usize) -> bool {
    first < tail
        && words_between(doc, first, tail) >= 2
        && matches!(
            doc.word(first),
            "is" | "was" | "were" | "are" | "will" | "would" | "could" | "can" | "should" | "must" | "may" | "might" | "has" | "have" | "had"
                // or a subordinate clause of the content goes on ("Lenox thrived, he said, until
                // it went bankrupt"); not "before"/"as"/"when", which as often tell of the speaking
                | "until" | "since" | "because" | "although" | "though" | "unless" | "if"
        )
}

/// Start of the title words before a name: "Mr." / "The" / "Treasury Secretary" in
/// "..., Treasury Secretary Steven Mnuchin said", and the wire's lower-case roles: "Kremlin
/// spokesman", "foreign ministry spokeswoman", "Acme's spokesman" (at most five tokens,
/// within the sentence).
fn title_lead(doc: &Doc, start: usize, s_start: usize) -> usize {
    let mut lead = start;
    while lead > s_start && start - lead < 5 {
        let prev = lead - 1;
        let honorific = |i: usize| doc.is_word(i) && HONORIFICS.contains(&doc.word(i));
        let role = |i: usize| is_role(doc.word(i)) || matches!(doc.word(i), "'s" | "’s");
        let title_word = doc.is_word(prev) && doc.quote_of[prev].is_none() && (doc.is_capitalized(prev) || doc.word(prev) == "the" || honorific(prev) || role(prev));
        let honorific_dot = doc.is_punct(prev, '.') && prev > s_start && honorific(prev - 1);
        if title_word || honorific_dot {
            lead = prev;
        } else {
            break;
        }
    }
    lead
}

/// `According to X, CONTENT` and `CONTENT, according to X`.
fn according_to(doc: &Doc, k: usize, s_start: usize, s_end: usize) -> Option<Attribution> {
    if doc.word(k) != "according" || doc.word(k + 1) != "to" || doc.quote_of[k].is_some() {
        return None;
    }
    // (`“...,” according to X, an economist`: the quote before is the content, read with it)
    if k > s_start && doc.quote_of[k - 1].is_some() {
        return None;
    }
    let speaker = doc.mention_starting_at(k + 2).or_else(|| institution_starting_at(doc, k + 2)).or_else(|| doc.noun_phrase_starting_at(k + 2))?;
    let speaker = issuer_of_document(doc, k + 2, s_end).unwrap_or(speaker);
    let cue = (k, k + 2);
    if k == s_start || (k > s_start && !doc.is_punct(k - 1, ',')) {
        // According to X, CONTENT.
        let after = (speaker.end..s_end).find(|&i| doc.is_punct(i, ','))?;
        let end = content_end(doc, s_end, after + 1);
        return build(doc, after + 1, end, cue, Some(speaker), 0.8);
    }
    build(doc, s_start, k - 1, cue, Some(speaker), 0.8)
}

/// An institution's description at token `at` ("according to the news outlet"): a speaker
/// the speakers step resolves like a subject.
fn institution_starting_at(doc: &Doc, at: usize) -> Option<Mention> {
    doc.description_starting_at(at).filter(|m| describes_an_institution(&doc.span_text(m.start, m.end)))
}

/// Does `start..end` hold a speech cue whose subject is a named person ("... Jo Lee said on
/// Sunday that talks were possible") or people by their role ("Separatist leaders in the
/// region said ...")? Then a source after it only relays their speech ("..., the agency
/// reported").
fn relays_named_speech(doc: &Doc, start: usize, end: usize) -> bool {
    (start..end).any(|i| {
        let Some(base) = cue_at(doc, i).filter(|&b| is_speech_verb(b) && b != "report") else { return false };
        let named = subject_of(doc, i).is_some_and(|m| matches!(m.kind, MentionKind::Name { label: "PER" }));
        named || (matches!(base, "say" | "tell") && role_with_phrase_subject(doc, i).is_some())
    })
}

/// "according to a statement from the company", "according to a report by the Daily Star":
/// the one who issued the document (a name, or a description the speakers step resolves),
/// named after "by" or "from" right after a document noun in the phrase at `start` ("an
/// analysis of FEC data" names what was analysed, not who did).
fn issuer_of_document(doc: &Doc, start: usize, s_end: usize) -> Option<Mention> {
    const ISSUED: &[&str] = &[
        "report", "statement", "study", "poll", "survey", "analysis", "estimate", "estimates", "data", "figures", "count", "tally", "document",
        "documents", "filing", "release", "letter", "memo", "audit", "review", "investigation", "ruling", "assessment", "projections", "forecast",
        "records", "transcript", "account", "note", "notice", "announcement", "post", "tweet", "video", "email", "interview", "research",
    ];
    let phrase_end = (start..(start + 8).min(s_end)).find(|&i| !doc.is_word(i) || doc.quote_of[i].is_some()).unwrap_or((start + 8).min(s_end));
    let by = (start + 1..phrase_end).find(|&i| matches!(doc.word(i), "by" | "from") && ISSUED.contains(&doc.word(i - 1)))?;
    let at = by + 1;
    // the issuer is a name ("by the Daily Star", "from Acme") or a description ("from the company")
    let named = doc.mention_starting_at(at).or_else(|| (doc.word(at) == "the").then(|| doc.mention_starting_at(at + 1)).flatten());
    named.filter(|m| matches!(m.kind, MentionKind::Name { .. })).or_else(|| doc.description_starting_at(at))
}

/// `Asked whether he would run again, ...` / `..., asked by a reporter if ...`: the question
/// put to someone, up to the clause's comma. The asker is named only after "by"; the one asked
/// answers in the main clause, which the other rules read.
fn asked_question(doc: &Doc, k: usize, s_end: usize) -> Option<Attribution> {
    if doc.word(k) != "asked" || doc.quote_of[k].is_some() {
        return None;
    }
    let s_start = doc.sentences[doc.sentence[k]].0;
    let opens = k == s_start || doc.is_punct(k - 1, ',') || matches!(doc.word(k - 1), "when" | "and" | "was" | "were" | "being" | "after");
    if !opens {
        return None;
    }
    // a few words of time or the asker before the question: "Asked on Monday whether", "asked
    // by a reporter if"
    let question = (k + 1..(k + 8).min(s_end)).find(|&i| matches!(doc.word(i), "whether" | "if" | "what" | "why" | "how" | "who" | "whom" | "which" | "where" | "when") && doc.quote_of[i].is_none())?;
    if (k + 1..question).any(|i| !doc.is_word(i) || cue_at(doc, i).is_some()) {
        return None;
    }
    let speaker = (k + 1..question).find(|&i| doc.word(i) == "by").and_then(|by| doc.mention_starting_at(by + 1).or_else(|| doc.noun_phrase_starting_at(by + 1)));
    // (a comma inside a title's closing mark ends it too: `on "CBS This Morning," Sanders said`)
    let end = (question + 1..s_end).find(|&i| doc.is_punct(i, ',') || cue_at(doc, i).is_some()).unwrap_or_else(|| content_end(doc, s_end, question));
    // "When asked by moderator Gerard Baker whether ..., Rubio said ...": the main clause's cue
    // reports the answer, and the rules read that sentence from it
    if (end..s_end).any(|i| cue_at(doc, i).is_some_and(is_speech_verb)) {
        return None;
    }
    build(doc, question, end, (k, k + 1), speaker, 0.6)
}

/// `In his words, CONTENT` (also "In her words", "In the minister's words").
fn in_words(doc: &Doc, k: usize, s_start: usize, s_end: usize) -> Option<Attribution> {
    if k != s_start || doc.word(k) != "in" || !matches!(doc.word(k + 2), "words" | "view" | "opinion") || !doc.is_punct(k + 3, ',') {
        return None;
    }
    let owner = doc.word(k + 1);
    let kind = super::lexicon::pronoun_kind(owner)?;
    let speaker = Mention { start: k + 1, end: k + 2, kind: MentionKind::Pronoun(kind), appositive: false };
    let end = content_end(doc, s_end, k + 4);
    build(doc, k + 4, end, (k, k + 3), Some(speaker), 0.8)
}

/// Finite forms of "be", "have" and the modals: a word between a cue and a later "that" that
/// makes the words between a clause of their own.
fn is_finite_verb(word: &str) -> bool {
    matches!(word, "is" | "are" | "was" | "were" | "has" | "have" | "had" | "will" | "would" | "can" | "could" | "should" | "may" | "might" | "must" | "does" | "did" | "isn't" | "aren't" | "wasn't" | "weren't" | "won't" | "isn’t" | "aren’t" | "wasn’t" | "weren’t" | "won’t")
}
