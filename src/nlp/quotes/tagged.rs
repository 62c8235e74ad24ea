//! Attributions from the attribution head: Content spans become quotes, the head's Cue and
//! Source spans beside them give the cue and the speaker mention.
//!
//! The rules stay first (they are exact at quotation marks and measured stronger there); the
//! head adds the contents the rules did not find, mostly indirect speech ("Officials in Ankara
//! told reporters the talks will fail"). A content span becomes a quote only when it is long
//! enough, a cue or a source stands beside it, and the head is confident: less so beside a verb
//! of speech the rules know, more beside any other cue (PolNeAR also marks beliefs and wishes,
//! "believes", "hopes"). See `QuoteOptions` for the thresholds and docs/measurements.md for what
//! each one measured.

use super::doc::Doc;
use super::lexicon::{is_possessive_pronoun, pronoun_kind, reports_speech};
use super::rules::{requests_anonymity, speaker_of_cue, Attribution};
use super::speakers::{Mention, MentionKind};
use super::wire;
use super::QuoteOptions;
use crate::nlp::ner::{Role, RoleSpan};
use crate::schema::QuoteKind;

/// Characters between a content span and the cue or source that belongs to it, at most.
const NEARBY: usize = 40;

/// Characters between two pieces of one Source span, at most: the head often leaves words of a
/// long apposition untagged ("Jorge Castañeda, a" ... "foreign minister who is a critic of
/// ..."), and the pieces are read as one mention (its head before the first comma).
const SOURCE_GAP: usize = 16;

/// Attributions for the head's content spans that no rule attribution overlaps (`taken`: code
/// point ranges of the rules' quotes).
pub fn tagged_attributions(doc: &Doc, roles: &[RoleSpan], taken: &[(usize, usize)], options: &QuoteOptions) -> Vec<Attribution> {
    let cues: Vec<&RoleSpan> = roles.iter().filter(|r| r.role == Role::Cue).collect();
    let sources = merged_sources(doc, roles);
    let sources: Vec<&RoleSpan> = sources.iter().collect();
    merged_contents(doc, roles)
        .into_iter()
        .filter(|c| c.tokens >= options.min_tag_tokens && c.score >= options.min_tag_score_reported.min(options.min_tag_score))
        .filter(|c| !taken.iter().any(|&(s, e)| s < c.end && c.start < e))
        .filter_map(|c| attribution_for(doc, &c, &cues, &sources))
        // a reporting verb the rules know beside it makes a less confident content speech; other
        // cues ("hopes", "believes", "cited") need the stricter score
        .filter(|a| a.confidence >= options.min_tag_score || a.cue.is_some_and(|(first, last)| reports(doc, first, last)))
        .collect()
}

/// True when tokens `[first, last)` hold a verb of speech the rules know ("said", "according
/// to"; not "believes").
fn reports(doc: &Doc, first: usize, last: usize) -> bool {
    (first..last).any(|k| doc.word(k) == "according" || reports_speech(doc.word(k)))
}

/// Content spans, with pieces split only by spaces or punctuation inside a sentence joined.
fn merged_contents(doc: &Doc, roles: &[RoleSpan]) -> Vec<RoleSpan> {
    let mut out: Vec<RoleSpan> = Vec::new();
    for r in roles.iter().filter(|r| r.role == Role::Content) {
        if let Some(last) = out.last_mut() {
            let gap = &doc.chars[last.end.min(r.start)..r.start];
            // never across a sentence end: "... cut 5,000 jobs. \"This is ...,\" Kain said"
            // holds two contents, and joined they would overlap the direct quote and be lost
            let sentence_end = gap.iter().any(|c| matches!(c, '.' | '!' | '?' | '\n'));
            if gap.len() <= 3 && !sentence_end && gap.iter().all(|c| !c.is_alphanumeric()) {
                let n = (last.tokens + r.tokens) as f32;
                last.score = (last.score * last.tokens as f32 + r.score * r.tokens as f32) / n;
                last.tokens += r.tokens;
                last.end = r.end;
                continue;
            }
        }
        out.push(r.clone());
    }
    out
}

/// Source spans that hold a word, pieces of one clause joined ("Mr." and "Kamin" when a window
/// boundary fell between them; see `SOURCE_GAP`).
fn merged_sources(doc: &Doc, roles: &[RoleSpan]) -> Vec<RoleSpan> {
    let mut out: Vec<RoleSpan> = Vec::new();
    for r in roles.iter().filter(|r| r.role == Role::Source) {
        if let Some(last) = out.last_mut() {
            let gap = &doc.chars[last.end.min(r.start)..r.start];
            if gap.len() <= SOURCE_GAP && gap.iter().all(|c| !matches!(c, '.' | ';' | '\n' | '"' | '“' | '”' | ':')) {
                last.end = r.end;
                last.tokens += r.tokens;
                continue;
            }
        }
        out.push(r.clone());
    }
    out.retain(|s| doc.chars[s.start..s.end].iter().filter(|c| c.is_alphabetic()).count() >= 2);
    out
}

fn attribution_for(doc: &Doc, content: &RoleSpan, cues: &[&RoleSpan], sources: &[&RoleSpan]) -> Option<Attribution> {
    // a dateline ("KYIV (Reuters) -") is never part of what was said, nor does its agency speak
    let line_start = doc.chars[..content.start].iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
    let dateline = wire::dateline_end(&doc.chars, line_start).unwrap_or(0);
    let (start, end) = trim(doc, content.start.max(dateline), content.end)?;
    // a source in a later sentence with a cue of its own ("... border. Two officials told
    // ...") speaks there (one that signs off a quote, '..." -- Ana Ruiz, 45', may not)
    let sentence = doc.sentence_at_char(start);
    let sources: Vec<&RoleSpan> = sources.iter().copied().filter(|s| s.start >= dateline && !(doc.sentence_at_char(s.start) > sentence && has_own_cue(doc, s, cues))).collect();
    let sources = sources.as_slice();
    let cue = nearest(doc, cues, start, end, NEARBY);
    let source = match cue {
        Some(c) => nearest(doc, sources, c.start, c.end, NEARBY).or_else(|| nearest(doc, sources, start, end, NEARBY)),
        None => nearest(doc, sources, start, end, NEARBY),
    };
    if cue.is_none() && source.is_none() {
        return None;
    }
    let kind = if (start..end).any(|i| doc.chars[i] == '"' || "“”«»„".contains(doc.chars[i])) {
        QuoteKind::Mixed
    } else {
        QuoteKind::Indirect
    };
    let cue_tokens = cue.and_then(|c| token_range(doc, c.start, c.end));
    // ("who asked not to be named, told ...": a request, nothing reported)
    if cue_tokens.is_some_and(|(first, last)| (first..last).any(|k| requests_anonymity(doc, k))) {
        return None;
    }
    // without a Source span, a reporting verb the rules know names the speaker
    let ruled = cue_tokens.and_then(|(first, last)| (first..last).find_map(|k| speaker_of_cue(doc, k, doc.tokens[k].start < start)));
    Some(Attribution {
        start,
        end,
        kind,
        cue: cue_tokens,
        speaker: source.and_then(|s| mention_in(doc, s.start, s.end)).or(ruled),
        confidence: content.score,
        from_head: true,
    })
}

/// Is a cue span within [`NEARBY`] after the source `s`, in its sentence?
fn has_own_cue(doc: &Doc, s: &RoleSpan, cues: &[&RoleSpan]) -> bool {
    let sentence = doc.sentence_at_char(s.start);
    cues.iter().any(|c| c.start >= s.end && c.start - s.end <= NEARBY && doc.sentence_at_char(c.start) == sentence)
}

/// The span without edge spaces and edge punctuation other than quotation marks (a closing
/// bracket only at its end), and without the closing mark of a quote before it or the opening
/// mark of one after it.
fn trim(doc: &Doc, mut start: usize, mut end: usize) -> Option<(usize, usize)> {
    let keep = |c: char| c.is_alphanumeric() || "\"“”«»„'’)".contains(c);
    let mark = |c: char| "\"“”«»„'’".contains(c);
    let space = |i: usize| doc.chars.get(i).is_some_and(|c| c.is_whitespace());
    while start < end && (!keep(doc.chars[start]) || doc.chars[start] == ')' || (mark(doc.chars[start]) && space(start + 1))) {
        start += 1;
    }
    while end > start && (!(keep(doc.chars[end - 1]) || doc.chars[end - 1] == '.') || (mark(doc.chars[end - 1]) && end >= 2 && space(end - 2))) {
        end -= 1;
    }
    (start < end).then_some((start, end))
}

/// The span of `spans` closest to `[start, end)` within `limit` characters outside it, in the
/// same stretch of text (no paragraph break between).
fn nearest<'a>(doc: &Doc, spans: &[&'a RoleSpan], start: usize, end: usize, limit: usize) -> Option<&'a RoleSpan> {
    spans
        .iter()
        .filter_map(|s| {
            let (distance, gap) = if s.end <= start {
                (start - s.end, s.end..start)
            } else if s.start >= end {
                (s.start - end, end..s.start)
            } else {
                return None;
            };
            let same_paragraph = !doc.chars[gap].contains(&'\n');
            (distance <= limit && same_paragraph).then_some((distance, *s))
        })
        .min_by_key(|&(d, _)| d)
        .map(|(_, s)| s)
}

/// Tokens `[start, end)` covering code points `[start, end)`.
fn token_range(doc: &Doc, start: usize, end: usize) -> Option<(usize, usize)> {
    let first = doc.tokens.partition_point(|t| t.end <= start);
    let last = doc.tokens.partition_point(|t| t.start < end);
    (first < last).then_some((first, last))
}

/// The speaker mention a Source span holds: a name, a pronoun or a description, as the rules
/// read them; a span the rules cannot read becomes a description of its own words.
fn mention_in(doc: &Doc, start: usize, end: usize) -> Option<Mention> {
    let (first, last) = token_range(doc, start, end)?;
    // "His promises to ...", "his best response was to say ...": the possessive pronoun the
    // head marks as the source stands for its owner
    if last == first + 1 && is_possessive_pronoun(doc.word(first)) {
        let kind = pronoun_kind(doc.word(first))?;
        return Some(Mention { start: first, end: last, kind: MentionKind::Pronoun(kind), appositive: false });
    }
    // an apposition ("Chad Bown, an expert at the Peterson Institute"): the speaker is the head
    // before the first comma, not a name inside the description
    if let Some(comma) = (first + 1..last).find(|&i| matches!(doc.word(i), "," | "--" | "—" | "–")) {
        let head = |m: &Mention| m.start >= first && m.end <= comma;
        if let Some(m) = doc.mention_ending_at(comma).filter(head).or_else(|| doc.mention_starting_at(first).filter(head)) {
            return Some(m);
        }
    }
    let inside = |m: &Mention| m.start >= first && m.end <= last;
    if let Some(m) = doc.mention_ending_at(last).filter(inside) {
        return Some(m);
    }
    // ("Brazil's largest meatpacker": a place in the possessive owns the speaker, it is not
    // it; a person's, "Jo Lee's campaign", speaks for the owner, as the rules read it)
    let owner = |m: &Mention| {
        let possessive = |w: &str| w.ends_with("'s") || w.ends_with("’s");
        matches!(m.kind, MentionKind::Name { label: "LOC" }) && m.end < last && (possessive(doc.word(m.end - 1)) || possessive(doc.word(m.end)))
    };
    if let Some(m) = doc.mention_starting_at(first).filter(|m| inside(m) && !owner(m)) {
        return Some(m);
    }
    let head = doc.word(last - 1);
    let plural = head.ends_with('s') && !head.ends_with("ss") && !head.ends_with("'s") && !head.ends_with("’s");
    Some(Mention { start: first, end: last, kind: MentionKind::Nominal { words: Vec::new(), plural }, appositive: false })
}
