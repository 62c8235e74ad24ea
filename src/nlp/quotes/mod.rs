//! Quotations and their speakers: direct, indirect and mixed, attributed to resolved people.
//!
//! Pure rules over the text and the NER entities (see the submodules for each step):
//! [`marks`] finds quoted spans, [`rules`] pairs contents with cues and speaker mentions,
//! [`speakers`] clusters names and resolves pronouns and descriptions. Runs in linear time in
//! the text length (bounded look-around windows only).

mod doc;
pub mod lexicon;
pub mod marks;
mod rules;
pub mod speaker_model;
mod speakers;
mod tagged;
mod wire;

use doc::Doc;
use rules::{direct_attributions, indirect_attributions, Attribution};
use lexicon::{pronoun_kind, PronounKind};
use speaker_model::{PronounChoice, SpeakerModel};
use speakers::{cluster_id, describes_an_institution, main_clause_start, resolution_of, Clusters, MentionKind};
use tagged::tagged_attributions;

use crate::nlp::ner::RoleSpan;

use crate::schema::{Entity, Quote, QuoteKind, Resolution, Speaker, SpeakerCluster, TextSpan};

/// Version of the rule set, reported in `event.pipeline.quotes` (2: the attribution head's
/// quotes beside the rules', with the two-head model as the default; 3: wire conventions,
/// organisations described by their trade, no outlet names; 5: reported clauses around short
/// quoted fragments and parenthetical cues, places and roles as speakers; 6: the head's quotes
/// at mean tag probability 0.9, or 0.8 beside a verb of speech, for the stage-2 head; titles in
/// quotation marks are no quotes; 7: a quotation interrupted by its attribution is one quote
/// with parts, a quote finishing its speaker's clause is mixed, indefinite role descriptions
/// are someone new; 8: people after role words, possessives and appositions, block quotes,
/// more reported clauses, names NER cuts at a month or tags MISC; 9: the head's quotes at 0.92,
/// or 0.82 beside a verb of speech, for the stage-3 head; a plural role and its phrase before
/// "said" are the speaking group, not the place ending the phrase; a parenthetical cue with a
/// short adverbial; "the agency" is a government body the article named; "its director
/// general" is nobody the article merely talked about; "the state's premier" is the one called
/// premier; "..., said Jane Doe, head of research at Acme" keeps its apposition out of the
/// content; 10: the head's content pieces are joined inside a sentence only; a second
/// speaker's clause (", while analysts said") ends a content; "said on Tuesday he would";
/// "He added that testing must continue"; "told a daily news briefing that"; "He was quoted by
/// the agency as saying"; "said one protester, Olga Ivanova"; "said X, adding that"; "the
/// turbine maker"; slash names in captions are credits; 11: "Jo Lee told reporters: “...”" is
/// Jo Lee's; "said in a statement the plant would close"; "according to a report by X" is X's;
/// relayed speech ("X said ..., the agency reported") is X's; a parenthesis in dashes or a
/// participle apposition between subject and cue; a subordinator inside the speaker's
/// apposition; a time phrase before the subject; a trade word is the last company named; 12:
/// wire copy read whole, from datelines to "Kremlin spokesman Dmitry Peskov said"; 13: a
/// dateline opens no clause; "the trade minister" is no minister of another portfolio; "a
/// neighbour, who asked not to be named, told Wirepress"; '"...," according to X'; a lede's
/// description is the official named next; "farmers in the Rift Valley say"; "the
/// government" is not its spokesman; 14: a dateline's place and agency are no speakers and no
/// content; "..., as infections rose" after a cue; "..., state media reported"; "her lawyer"
/// is not her; "The presidency said"; "Diplomats said" names no one; "Xinhua news agency";
/// "his office said" is the holder's; "Japan's biggest carmaker said" is the company named
/// next; "..., a charge the Kremlin denied" is no content).
pub const RULES_VERSION: &str = "quotes-rules-14";

/// Quotes of an article and the clusters their speakers belong to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteAnalysis {
    /// Quotes in text order.
    pub quotes: Vec<Quote>,
    /// People and organisations (ids `c0`, `c1`, ... as in `Speaker::entity`).
    pub speakers: Vec<SpeakerCluster>,
    /// How each pronoun speaker's referent was chosen, when [`QuoteOptions::record_choices`]
    /// asks (not part of the event).
    pub pronoun_choices: Vec<PronounChoice>,
}

/// Tunable thresholds of the rules.
#[derive(Debug, Clone, Copy)]
pub struct QuoteOptions {
    /// A direct quote with no speaker is kept only from this many words (shorter ones are
    /// mostly scare quotes and titles).
    pub min_words_unattributed: usize,
    /// A content span of the attribution head becomes a quote from this many wordpieces.
    pub min_tag_tokens: usize,
    /// ... and from this mean probability of its tags,
    pub min_tag_score: f32,
    /// ... or from this one when its cue is a verb of speech the rules know ("said", not
    /// "believes").
    pub min_tag_score_reported: f32,
    /// The learned scorer of pronoun referents; `None` (the default): the rules' choice alone.
    pub speaker_model: Option<&'static SpeakerModel>,
    /// Keep every pronoun choice in [`QuoteAnalysis::pronoun_choices`] (training and debugging).
    pub record_choices: bool,
}

impl Default for QuoteOptions {
    fn default() -> Self {
        Self {
            min_words_unattributed: 4,
            min_tag_tokens: 6,
            min_tag_score: 0.92,
            min_tag_score_reported: 0.82,
            speaker_model: None,
            record_choices: false,
        }
    }
}

/// Finds the quotes of `text` and their speakers, using `entities` (code-point spans) as names
/// and the attribution head's `roles` (empty for an NER-only model) for what the rules miss.
pub fn extract_quotes(text: &str, entities: &[Entity], roles: &[RoleSpan], options: &QuoteOptions) -> QuoteAnalysis {
    // a caption's photo credit names no speaker
    let credits = entities.iter().any(|e| e.text.contains('/'));
    let chars: Vec<char> = text.chars().collect();
    // in a cased article a word without a capital is no one's name ("according to the
    // nonpartisan Congressional Budget Office"); handles keep theirs ("@jo_lee")
    let cased = text.chars().any(char::is_uppercase);
    let named = |e: &Entity| !cased || e.text.chars().any(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_' || c == '@');
    let entities: Vec<Entity> = entities.iter().filter(|e| named(e) && !(credits && wire::is_photo_credit(&chars, &e.text, e.start))).cloned().collect();
    // a dateline's place and agency ("NAIROBI (Reuters) -") are no one the article quotes
    let in_dateline = |e: &Entity| {
        let line_start = chars[..e.start.min(chars.len())].iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
        wire::dateline_end(&chars, line_start).is_some_and(|end| e.end <= end)
    };
    let entities: Vec<Entity> = entities.into_iter().filter(|e| !in_dateline(e)).collect();
    let entities = people_tagged_misc(entities);
    let entities = people_in_role_apposition(&chars, entities);
    let entities = month_surnames(&chars, entities);
    let doc = Doc::new(text, &entities);
    let mut clusters = Clusters::from_doc(&doc);
    clusters.use_model(options.speaker_model);
    if options.record_choices {
        clusters.record_choices();
    }

    let direct = direct_attributions(&doc);
    // a cue whose direct quote is a short fragment ('said that "a bomb" had gone off') stays
    // free for the reported clause around it, which then holds the fragment
    let used: Vec<usize> = direct.iter().filter(|a| text_words(&doc, a) >= 4).filter_map(|a| a.cue.map(|c| c.0)).collect();
    let indirect = indirect_attributions(&doc, &used);

    // a direct quote inside a mixed content is part of it
    let mixed: Vec<(usize, usize)> = indirect.iter().filter(|a| a.kind == QuoteKind::Mixed).map(|a| (a.start, a.end)).collect();
    let mut all: Vec<Attribution> =
        direct.into_iter().filter(|d| !mixed.iter().any(|&(s, e)| s <= d.start && d.end <= e)).chain(indirect).collect();
    let taken: Vec<(usize, usize)> = all.iter().map(|a| (a.start, a.end)).collect();
    all.extend(tagged_attributions(&doc, roles, &taken, options));
    all.sort_by_key(|a| (a.start, a.end));
    all.dedup_by(|b, a| b.start < a.end && a.kind != QuoteKind::Direct && b.kind != QuoteKind::Direct);

    let mut quotes = Vec::with_capacity(all.len());
    let mut previous: Option<(Speaker, usize)> = None; // speaker and paragraph of the last quote
    // the last direct quote's speaker and paragraph, and its cue (token)
    let mut previous_direct: Option<(Speaker, usize, usize)> = None;
    // whether the last quote is reported speech in the clause of the last direct quote's cue
    let mut reported_in_attribution = false;
    let mut previous_end = 0; // where the last quote ended
    for a in &all {
        // a photo caption says what a picture shows, not what anyone said
        if wire::in_caption(&doc.chars, a.start) {
            continue;
        }
        // a show, a song or a book in quotation marks ('on MSNBC's "Morning Joe"')
        if a.kind == QuoteKind::Direct && marks::is_title(&doc.chars[a.start..a.end].iter().collect::<String>()) {
            continue;
        }
        let paragraph = doc.tokens[doc.tokens.partition_point(|t| t.end <= a.start).min(doc.tokens.len() - 1)].paragraph;
        let last_speaker = previous.as_ref().map(|(s, _)| s);
        let speaker = unnamed_institution_again(&doc, &clusters, a, last_speaker)
            .or_else(|| unnamed_source_again(&doc, a, last_speaker))
            .or_else(|| resolve(&doc, &mut clusters, a))
            .or_else(|| sentence_subject(&doc, &mut clusters, a, options.min_words_unattributed))
            .or_else(|| previous_sentence_subject(&doc, &mut clusters, a, previous_end, options.min_words_unattributed))
            .or_else(|| reported_subject(&doc, &mut clusters, a))
            .or_else(|| {
            // `"...," Jo Lee told the paper, after the mayor said he would end the deal. "..."`:
            // reported speech inside the last direct quote's attribution does not interrupt it
            let (prev, prev_paragraph) = match &previous_direct {
                Some((speaker, paragraph, _)) if reported_in_attribution => (speaker, paragraph),
                _ => previous.as_ref().map(|(s, p)| (s, p))?,
            };
            let continues = a.kind == QuoteKind::Direct && (paragraph == *prev_paragraph || paragraph == prev_paragraph + 1);
            continues.then(|| Speaker { resolution: Resolution::Continuation, ..prev.clone() })
        });
        // the head's content with nobody to say it is most often a belief or a plan, not speech
        if speaker.is_none() && a.from_head {
            continue;
        }
        if speaker.is_none() && a.kind == QuoteKind::Direct && text_words(&doc, a) < options.min_words_unattributed {
            continue;
        }
        if let Some(s) = &speaker {
            previous = Some((s.clone(), paragraph));
            let first = doc.tokens.partition_point(|t| t.end <= a.start).min(doc.tokens.len() - 1);
            reported_in_attribution = a.kind != QuoteKind::Direct
                && previous_direct.as_ref().is_some_and(|&(_, p, cue)| p == paragraph && first > cue && doc.sentence[first] == doc.sentence[cue]);
            if a.kind == QuoteKind::Direct {
                previous_direct = a.cue.map(|(cue, _)| (s.clone(), paragraph, cue));
            }
        }
        previous_end = a.end;
        let cue = a.cue.map(|(s, e)| {
            let (start, end) = doc.char_span(s, e);
            TextSpan { text: doc.span_text(s, e), start, end }
        });
        let confidence = if speaker.as_ref().is_some_and(|s| matches!(s.resolution, Resolution::Continuation | Resolution::Subject)) { 0.6 } else { a.confidence };
        // "OSLO (Reuters) - Norvik will close two units, the company said": the dateline is
        // no part of what was said
        let start = wire::dateline_end(&doc.chars, a.start).filter(|&s| s < a.end).unwrap_or(a.start);
        quotes.push(Quote {
            text: doc.chars[start..a.end].iter().collect(),
            start,
            end: a.end,
            kind: a.kind,
            cue,
            speaker,
            confidence,
            parts: Vec::new(),
        });
    }
    let quotes = join_interrupted(&doc.chars, quotes);
    QuoteAnalysis { quotes, speakers: clusters.to_schema(), pronoun_choices: clusters.take_choices() }
}

/// A name NER tagged MISC that ends in a person's name the article tags PER elsewhere ("the
/// Democratic candidate Hillary Clinton suggested ..." beside "Clinton said"; "Republican
/// Donald Trump") is that person: the quote rules read its tail as a PER name, one label per
/// person in a document, as readers take it.
fn people_tagged_misc(mut entities: Vec<Entity>) -> Vec<Entity> {
    let people: Vec<String> = entities.iter().filter(|e| e.label == "PER").map(|e| e.text.clone()).collect();
    for e in entities.iter_mut().filter(|e| e.label == "MISC") {
        // the longest tail of whole words that is a person's name
        let cuts = std::iter::once(0).chain(e.text.char_indices().filter(|&(_, c)| c == ' ').map(|(i, _)| i + 1));
        // (two words at least: "senior Trump adviser", "Never Trump" name no one)
        let Some(cut) = cuts.filter(|&i| e.text[i..].contains(' ') && people.iter().any(|p| *p == e.text[i..])).min() else { continue };
        e.start += e.text[..cut].chars().count();
        e.text = e.text[cut..].to_string();
        e.label = "PER".to_string();
    }
    entities
}

/// "The unit's head, Andile Zulu, said ...": a name in apposition to a person's role (a comma
/// before and after it) is a person's, whatever label NER gave it; without this a pronoun for
/// that person ("She declined ...") goes to someone else.
fn people_in_role_apposition(chars: &[char], mut entities: Vec<Entity>) -> Vec<Entity> {
    for e in entities.iter_mut().filter(|e| e.label == "ORG" || e.label == "MISC") {
        let words: Vec<&str> = e.text.split(' ').collect();
        // (a person's name: two or three capitalised words)
        if !(2..=3).contains(&words.len()) || !words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).all(char::is_lowercase)) {
            continue;
        }
        if chars.get(e.end) != Some(&',') || e.start < 3 || chars[e.start - 2] != ',' || chars[e.start - 1] != ' ' {
            continue;
        }
        let before: String = chars[e.start.saturating_sub(40)..e.start - 2].iter().collect();
        let role = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase();
        if lexicon::is_role(&role) {
            e.label = "PER".to_string();
        }
    }
    entities
}

/// "Prime Minister Theresa May said": NER often stops a person's name before a surname that
/// is also a month; a capitalised May, June, April or August right after a person's name, not
/// followed by a day's number, is part of the name.
fn month_surnames(chars: &[char], mut entities: Vec<Entity>) -> Vec<Entity> {
    for e in entities.iter_mut().filter(|e| e.label == "PER") {
        let rest: String = chars.get(e.end..(e.end + 12).min(chars.len())).map(|c| c.iter().collect()).unwrap_or_default();
        let Some(month) = ["May", "June", "April", "August"].into_iter().find(|m| rest.strip_prefix(' ').is_some_and(|r| r.starts_with(m))) else { continue };
        let after = &rest[1 + month.len()..];
        let ends_word = !after.starts_with(|c: char| c.is_alphanumeric());
        let dated = after.trim_start_matches([' ', ',']).starts_with(|c: char| c.is_ascii_digit());
        if ends_word && !dated {
            e.end += 1 + month.chars().count();
            e.text = chars[e.start..e.end].iter().collect();
        }
    }
    // (the month word NER may have tagged apart is now inside the name)
    let people: Vec<(usize, usize)> = entities.iter().filter(|e| e.label == "PER").map(|e| (e.start, e.end)).collect();
    entities.retain(|e| !people.iter().any(|&(s, end)| s < e.start && e.end <= end));
    entities
}

/// One quotation interrupted by its own attribution (`"A museum will not end poverty," he
/// said. "It won't end violence."`) is one quote, as the reader and the annotator read it:
/// its span runs from the first piece to the last and the pieces become its `parts`.
fn join_interrupted(chars: &[char], quotes: Vec<Quote>) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(quotes.len());
    for q in quotes {
        if let Some(last) = out.last_mut() {
            if interrupts(chars, last, &q) {
                if last.parts.is_empty() {
                    last.parts.push(TextSpan { text: last.text.clone(), start: last.start, end: last.end });
                }
                last.parts.push(TextSpan { text: q.text.clone(), start: q.start, end: q.end });
                last.end = q.end;
                last.text = chars[last.start..last.end].iter().collect();
                if last.kind != q.kind {
                    last.kind = QuoteKind::Mixed;
                }
                continue;
            }
        }
        out.push(q);
    }
    out
}

/// True when `next` continues `last`'s quotation across nothing but `last`'s cue and speaker
/// mention (and punctuation and quotation marks) within one paragraph.
fn interrupts(chars: &[char], last: &Quote, next: &Quote) -> bool {
    // the second piece has no cue of its own, or shares the first one's ("A," he said, "B.")
    let shares_cue = next.cue.is_some() && next.cue == last.cue;
    let continues = next.cue.is_none() && last.kind == QuoteKind::Direct && next.kind == QuoteKind::Direct;
    if !(shares_cue || continues) || next.start < last.end {
        return false;
    }
    let (Some(cue), Some(said), Some(again)) = (&last.cue, &last.speaker, &next.speaker) else { return false };
    if said.entity.is_none() || said.entity != again.entity || cue.start < last.end || cue.end > next.start {
        return false;
    }
    let gap = &chars[last.end..next.start];
    if gap.len() > 80 {
        return false;
    }
    let attribution = |at: usize| (cue.start..cue.end).contains(&at) || (said.start..said.end).contains(&at);
    gap.iter().enumerate().all(|(i, &c)| {
        attribution(last.end + i) || (c != '\n' && (c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '-' | '—' | '–' | '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»')))
    })
}

fn text_words(doc: &Doc, a: &Attribution) -> usize {
    doc.chars[a.start..a.end].iter().collect::<String>().split_whitespace().count()
}

/// A direct quote without a cue that sits inside a sentence about someone (`Santilli
/// expressed a desire to "try, convict and ..."`) is that person's: the first one the
/// sentence names before it, rather than the previous quote's speaker.
/// Short quotes ("called it \"shameful\"") are left alone: they are as often a phrase the
/// writer borrows as speech.
fn sentence_subject(doc: &Doc, clusters: &mut Clusters, a: &Attribution, min_words: usize) -> Option<Speaker> {
    if a.kind != QuoteKind::Direct || text_words(doc, a) < min_words {
        return None;
    }
    let open = doc.tokens.partition_point(|t| t.end <= a.start).checked_sub(1)?;
    let sentence = doc.sentence[open];
    // "He criticized the plan and said it \"cannot fix what it broke\"": the pronoun's referent
    let (s_start, s_end) = doc.sentences[sentence];
    let clause = main_clause_start(doc, s_start, s_end);
    if clause < open && doc.quote_of[clause].is_none() && matches!(doc.word(clause), "he" | "she") {
        let kind = pronoun_kind(doc.word(clause))?;
        let (start, end) = doc.char_span(clause, clause + 1);
        let id = clusters.resolve_pronoun(doc, kind, start, sentence)?;
        clusters.spoke(id, start);
        return Some(Speaker { name: clusters.all[id].name.clone(), text: doc.span_text(clause, clause + 1), start, end, entity: Some(cluster_id(id)), resolution: Resolution::Subject });
    }
    let id = clusters.subject_before(sentence, doc.tokens[open].start)?;
    let mention = clusters.all[id].mentions.iter().filter(|m| m.start < doc.tokens[open].start).max_by_key(|m| m.start)?.clone();
    // "He criticized Clinton's record": a pronoun before the name is the subject
    let named_at = doc.tokens.partition_point(|t| t.end <= mention.start);
    let pronoun_first = (doc.sentences[sentence].0..named_at).any(|i| doc.quote_of[i].is_none() && matches!(doc.word(i), "he" | "she" | "they" | "i" | "we" | "it"));
    if pronoun_first {
        return None;
    }
    Some(subject_speaker(clusters, id, mention))
}

/// A cueless direct quote that opens its sentence, right after a sentence about someone
/// introduced since the last quote ("Sen. Jo Lee, who lost the primary, urged voters to turn
/// out. \"They are sick and tired of ...\""), is that person's rather than the last speaker's.
fn previous_sentence_subject(doc: &Doc, clusters: &mut Clusters, a: &Attribution, previous_end: usize, min_words: usize) -> Option<Speaker> {
    if a.kind != QuoteKind::Direct || a.cue.is_some() || text_words(doc, a) < min_words {
        return None;
    }
    let open = doc.tokens.partition_point(|t| t.end <= a.start).checked_sub(1)?;
    let sentence = doc.sentence[open];
    if doc.sentences[sentence].0 != open || sentence == 0 {
        return None;
    }
    let before = sentence - 1;
    let (b_start, _) = doc.sentences[before];
    if doc.tokens[open].paragraph - doc.tokens[b_start].paragraph > 1 || doc.tokens[b_start].start < previous_end {
        return None;
    }
    let id = clusters.subject_before(before, a.start)?;
    let mention = clusters.all[id].mentions.iter().filter(|m| m.start >= doc.tokens[b_start].start && m.start < a.start).min_by_key(|m| m.start)?.clone();
    Some(subject_speaker(clusters, id, mention))
}

/// Reported speech without a speaker mention (the attribution head's content beside a cue
/// whose subject the rules cannot read: "Trump demands accountability, yet refuses to release
/// his tax records or explain how ...") belongs to the first person or organisation its
/// sentence names before the cue.
fn reported_subject(doc: &Doc, clusters: &mut Clusters, a: &Attribution) -> Option<Speaker> {
    if a.kind == QuoteKind::Direct {
        return None;
    }
    let at = a.cue.map_or(doc.tokens.partition_point(|t| t.end <= a.start), |(first, _)| first).min(doc.tokens.len() - 1);
    let sentence = doc.sentence[at];
    let id = clusters.subject_before(sentence, doc.tokens[at].start)?;
    let opens = doc.tokens[doc.sentences[sentence].0].start;
    let mention = clusters.all[id].mentions.iter().filter(|m| m.start >= opens && m.start < doc.tokens[at].start).min_by_key(|m| m.start)?.clone();
    Some(subject_speaker(clusters, id, mention))
}

/// Cluster `id`, found as the subject of a sentence at `mention`, as the quote's speaker.
fn subject_speaker(clusters: &mut Clusters, id: usize, mention: TextSpan) -> Speaker {
    clusters.spoke(id, mention.start);
    Speaker { name: clusters.all[id].name.clone(), text: mention.text, start: mention.start, end: mention.end, entity: Some(cluster_id(id)), resolution: Resolution::Subject }
}

/// True when cluster `id` is named in the description `[start, end)` (tokens): by a mention
/// there, or by a capitalised word of its name ("a senior Cruz adviser").
fn named_in_description(doc: &Doc, clusters: &Clusters, id: usize, start: usize, end: usize) -> bool {
    let (from, to) = doc.char_span(start, end);
    let c = &clusters.all[id];
    c.mentions.iter().any(|m| m.start >= from && m.start < to) || (start + 1..end).any(|i| doc.is_capitalized(i) && c.key.iter().any(|k| k == doc.word(i)))
}

/// The name an indefinite description speaks for: an organisation anywhere in it ("one
/// Acme Energy analyst"), a person it speaks for ("an analysis by Jo Lee", "a spokeswoman
/// for Jo Lee") but not one it merely advises ("an adviser to Jo Lee").
fn named_in_indefinite(doc: &Doc, start: usize, end: usize) -> Option<(usize, usize, &'static str)> {
    // the description goes on in a prepositional phrase ("a spokeswoman for the House
    // Armed Services Committee")
    let s_end = doc.sentences[doc.sentence[start]].1;
    let reach = if end < s_end && matches!(doc.word(end), "for" | "of" | "at" | "with" | "from") { (end + 8).min(s_end) } else { end };
    let (first, last, label) = doc.named_inside(start, end).or_else(|| {
        let found = doc.named_inside(end, reach)?;
        // (the first name after the preposition, reached through lowercase words only)
        (end + 1..found.0).all(|i| !doc.is_capitalized(i) || doc.entity_at[i].is_some()).then_some(found)
    })?;
    let serves = first > start && doc.word(first - 1) == "to";
    (label == "ORG" || !serves).then_some((first, last, label))
}

/// A wire lede describes before it names: "Russia's top diplomat on Friday accused the West
/// ... . Foreign Minister Sergei Orlov told reporters ...". A definite description of a person
/// (a role word its head) that speaks before the article names anyone is the person named
/// first in the two sentences after it, as (first token, end token).
fn named_next_in_lede(doc: &Doc, mention: &speakers::Mention, indefinite: bool, content: (usize, usize)) -> Option<(usize, usize)> {
    let head = lede_description_head(doc, mention, indefinite)?;
    if !lexicon::is_role(doc.word(head)) || describes_an_institution(&doc.span_text(mention.start, mention.end)) {
        return None;
    }
    let person = |(e, _, _): &&(crate::schema::Entity, usize, usize)| e.label == "PER";
    if doc.entities.iter().filter(person).any(|&(_, first, _)| first < mention.start) {
        return None;
    }
    let sentence = doc.sentence[mention.start];
    // (outside what was said, "SEIU chief says Trump can win", and outside quotation marks)
    let said = |first: usize| (content.0..content.1).contains(&doc.tokens[first].start) || doc.quote_of[first].is_some();
    let &(_, first, last) = doc.entities.iter().filter(person).find(|&&(_, first, _)| first >= mention.end && !said(first))?;
    // (introduced with an office, as the description promised: "Foreign Minister Sergei
    // Orlov", "Sergei Orlov, the foreign minister,")
    let titled = first > 0 && lexicon::is_role(doc.word(first - 1));
    let apposed = doc.is_punct(last, ',') && (last + 1..(last + 4).min(doc.tokens.len())).any(|i| lexicon::is_role(doc.word(i)));
    (doc.sentence[first] <= sentence + 2 && (titled || apposed)).then_some((first, last))
}

/// The head word of a singular definite description that may stand for someone the lede names
/// next; not an indefinite one (a newcomer) nor one owned by a pronoun ("his counterpart",
/// "her lawyer": someone of a person already there).
fn lede_description_head(doc: &Doc, mention: &speakers::Mention, indefinite: bool) -> Option<usize> {
    let MentionKind::Nominal { plural: false, .. } = mention.kind else { return None };
    let owned = matches!(doc.word(mention.start), "his" | "her" | "its" | "their");
    if indefinite || owned {
        return None;
    }
    (mention.start..mention.end).rev().find(|&i| doc.is_word(i))
}

/// The same for a business: "Japan's biggest carmaker said on Tuesday ... . Acme Motors said
/// ...": a definite description whose head is a trade ("carmaker", "lender", "the company")
/// that speaks before the article names any organisation is the organisation named first in
/// the two sentences after it as the subject of a verb of speech.
fn company_named_next_in_lede(doc: &Doc, mention: &speakers::Mention, indefinite: bool, content: (usize, usize)) -> Option<(usize, usize)> {
    let head = lede_description_head(doc, mention, indefinite)?;
    if !lexicon::is_company_noun(doc.word(head)) {
        return None;
    }
    let organisation = |(e, _, _): &&(crate::schema::Entity, usize, usize)| e.label == "ORG";
    if doc.entities.iter().filter(organisation).any(|&(_, first, _)| first < mention.end) {
        return None;
    }
    let sentence = doc.sentence[mention.start];
    let said = |first: usize| (content.0..content.1).contains(&doc.tokens[first].start) || doc.quote_of[first].is_some();
    let &(_, first, last) = doc.entities.iter().filter(organisation).find(|&&(_, first, _)| first >= mention.end && !said(first))?;
    let speaks = (last..(last + 2).min(doc.tokens.len())).any(|i| lexicon::reports_speech(doc.word(i)));
    (doc.sentence[first] <= sentence + 2 && speaks).then_some((first, last))
}

/// "The ministry said in a statement that ... . It added that ...": "it" right after an
/// institution the article never named (no cluster to resolve to) is that institution again,
/// not the organisation last named inside what it said. (When a named organisation spoke in
/// the last sentences, the description may well be that one, and the rules choose.)
fn unnamed_institution_again(doc: &Doc, clusters: &Clusters, a: &Attribution, previous: Option<&Speaker>) -> Option<Speaker> {
    let mention = a.speaker.as_ref()?;
    let previous = previous?;
    let institution = previous.entity.is_none() && previous.resolution == Resolution::Unresolved && !previous.name.is_empty();
    let sentence = doc.sentence[mention.start];
    let just_before = doc.sentence_at_char(previous.start) + 1 >= sentence;
    if !matches!(mention.kind, MentionKind::Pronoun(PronounKind::Thing)) || !institution || !just_before {
        return None;
    }
    let named_spoke = clusters.all.iter().any(|c| c.label == "ORG" && c.last_spoke.is_some_and(|p| doc.sentence_at_char(p) + 3 >= sentence));
    if named_spoke {
        return None;
    }
    let (start, end) = doc.char_span(mention.start, mention.end);
    Some(Speaker { text: doc.span_text(mention.start, mention.end), start, end, resolution: Resolution::Pronoun, ..previous.clone() })
}

/// "A senior official, speaking on condition of anonymity, said ... . The official said ...":
/// a definite description with the head of the unnamed source just heard (this sentence or
/// the two before) is that source again, not someone the article named.
fn unnamed_source_again(doc: &Doc, a: &Attribution, previous: Option<&Speaker>) -> Option<Speaker> {
    let mention = a.speaker.as_ref()?;
    let previous = previous.filter(|p| p.entity.is_none() && p.resolution == Resolution::Unresolved)?;
    let MentionKind::Nominal { plural: false, .. } = mention.kind else { return None };
    let head = (mention.start..mention.end).rev().find(|&i| doc.is_word(i))?;
    let same_head = previous.text.split_whitespace().last().is_some_and(|w| w.to_lowercase() == doc.word(head));
    let sentence = doc.sentence[mention.start];
    let recent = doc.sentence_at_char(previous.start) + 2 >= sentence;
    // (no more specific than it: "the official" after "a senior official", not "the
    // resources minister" after "the trade minister")
    let earlier: Vec<String> = previous.text.split_whitespace().map(str::to_lowercase).collect();
    let no_more = (mention.start + 1..head).filter(|&i| doc.is_word(i)).all(|i| earlier.iter().any(|w| w == doc.word(i)));
    if doc.word(mention.start) != "the" || !same_head || !recent || !no_more || !lexicon::is_role(doc.word(head)) {
        return None;
    }
    let (start, end) = doc.char_span(mention.start, mention.end);
    Some(Speaker { text: doc.span_text(mention.start, mention.end), start, end, ..previous.clone() })
}

/// Resolves an attribution's speaker mention to a cluster, recording that it spoke.
fn resolve(doc: &Doc, clusters: &mut Clusters, a: &Attribution) -> Option<Speaker> {
    let mention = a.speaker.as_ref()?;
    let (start, end) = doc.char_span(mention.start, mention.end);
    let text = doc.span_text(mention.start, mention.end);
    let anchor = a.cue.map(|c| doc.tokens[c.0].start).unwrap_or(start);
    // "said one protester, Olga Ivanova": the name in apposition says who the description is
    let appositive = matches!(mention.kind, MentionKind::Nominal { plural: false, .. }).then(|| doc.name_in_apposition(mention.end)).flatten();
    let id = match &mention.kind {
        _ if appositive.is_some() => appositive.map(|(first, last, label)| clusters.add_name(doc, first, last, label)),
        MentionKind::Name { label } => Some(clusters.add_name(doc, mention.start, mention.end, label)),
        MentionKind::Pronoun(kind) => clusters.resolve_pronoun(doc, *kind, start, doc.sentence[mention.start]),
        MentionKind::Nominal { words, plural } => {
            if *plural {
                // "according to the poll" after "a Bloomberg poll": the name put before the noun
                let piece = mention.end == mention.start + 2 && speakers::is_piece(doc.word(mention.start), doc.word(mention.start + 1));
                piece.then(|| clusters.named_with(doc, doc.word(mention.start + 1), start)).flatten()
            } else {
                // (an institution's description, "the council", is no person of the article; a
                // pollster may be either)
                let institution = describes_an_institution(&text) && doc.word(mention.end - 1) != "pollster";
                // "his office said", "her campaign said": the office speaks for its holder,
                // as "Ryan's office" does for Ryan
                // (not "his party" nor "her organization": those are bodies of their own)
                let staff = mention.end == mention.start + 2 && matches!(doc.word(mention.end - 1), "office" | "campaign" | "team" | "staff");
                let owner = pronoun_kind(doc.word(mention.start)).filter(|_| staff && matches!(doc.word(mention.start), "his" | "her"));
                match owner {
                    Some(kind) => clusters.resolve_pronoun(doc, kind, start, doc.sentence[mention.start]),
                    None => clusters.resolve_description(doc, mention.start, mention.end, start).or_else(|| (!institution).then(|| clusters.resolve_nominal(words, start)).flatten()),
                }
            }
        }
    };
    // "a Homeland Security official said": an indefinite description brings in someone new,
    // never a person met before; it speaks for a name it holds ("a report by Politico") or
    // stays unnamed
    let indefinite = matches!(mention.kind, MentionKind::Nominal { .. })
        && matches!(doc.word(mention.start), "a" | "an" | "one" | "another")
        && (mention.start..mention.end).rev().find(|&i| doc.is_word(i)).is_some_and(|i| lexicon::is_role(doc.word(i)));
    let id = id.filter(|&id| !indefinite || appositive.is_some() || named_in_description(doc, clusters, id, mention.start, mention.end));
    let id = id.or_else(|| {
        let MentionKind::Nominal { .. } = mention.kind else { return None };
        if indefinite {
            let (first, last, label) = named_in_indefinite(doc, mention.start, mention.end)?;
            return Some(clusters.add_name(doc, first, last, label));
        }
        let (first, last, label) = doc.named_inside(mention.start, mention.end)?;
        Some(clusters.add_name(doc, first, last, label))
    });
    let id = id.or_else(|| {
        let (first, last) = named_next_in_lede(doc, mention, indefinite, (a.start, a.end))?;
        Some(clusters.add_name(doc, first, last, "PER"))
    });
    let id = id.or_else(|| {
        let (first, last) = company_named_next_in_lede(doc, mention, indefinite, (a.start, a.end))?;
        Some(clusters.add_name(doc, first, last, "ORG"))
    });
    let mut resolution = resolution_of(mention);
    let name = match id {
        Some(id) => {
            clusters.spoke(id, anchor);
            let c = &mut clusters.all[id];
            if !c.mentions.iter().any(|m| m.start == start) {
                c.mentions.push(TextSpan { text: text.clone(), start, end });
            }
            c.name.clone()
        }
        None => {
            // an unnamed source ("a spokeswoman", "officials"): no name, the mention stays in
            // `text`; an institution nobody named ("the ministry") goes by its description
            resolution = Resolution::Unresolved;
            if describes_an_institution(&text) { text.clone() } else { String::new() }
        }
    };
    Some(Speaker { name, text, start, end, entity: id.map(cluster_id), resolution })
}
