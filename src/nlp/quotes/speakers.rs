//! Speaker mentions and the people and organisations they resolve to.
//!
//! A mention is what a cue attaches to: a name (from NER, or a capitalised run when NER found
//! none), a pronoun, or a nominal ("the Minister", "the Russian FM"). Names are clustered (full
//! name, surname, "Mr. Lavrov" merge); titles seen with a name ("Foreign Minister Mukhtar
//! Tleuberdi", "his Russian counterpart Sergey Lavrov", "Lavrov, Russia's foreign minister")
//! become the cluster's role words, which nominal mentions are matched against.

use std::collections::HashMap;

use super::doc::Doc;
use super::wire;
use super::speaker_model::{Candidate, PronounChoice, SpeakerModel, FEATURES};
use super::lexicon::{expand_role, given_name_gender, is_company_noun, is_nationality, is_possessive_pronoun, is_role, pronoun_kind, PronounKind, HONORIFICS};
use crate::schema::{Resolution, SpeakerCluster, TextSpan};

/// What kind of mention a speaker is.
#[derive(Debug, Clone, PartialEq)]
pub enum MentionKind {
    /// A named entity (index into `doc.entities`) or a capitalised run taken as a name.
    Name { label: &'static str },
    /// A personal pronoun.
    Pronoun(PronounKind),
    /// A description: its lowercase role and modifier words, abbreviations expanded.
    Nominal { words: Vec<String>, plural: bool },
}

/// A speaker mention: tokens `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// What it is.
    pub kind: MentionKind,
    /// Found through an apposition ("Lavrov, Russia's foreign minister, said").
    pub appositive: bool,
}

/// Words skipped between a subject and its verb ("has also said", "later told").
pub fn is_auxiliary(word: &str) -> bool {
    matches!(
        word,
        "has" | "have" | "had" | "also" | "later" | "then" | "again" | "would" | "will" | "could" | "might" | "may"
            | "is" | "was" | "were" | "are" | "be" | "been" | "did" | "does" | "do" | "previously" | "recently"
            | "repeatedly" | "once" | "further" | "just" | "only" | "even" | "already" | "often" | "frequently"
            | "publicly" | "privately" | "reportedly" | "allegedly" | "simply" | "flatly" | "firmly" | "clearly"
            | "quickly" | "angrily" | "calmly" | "bluntly" | "openly" | "now" | "still" | "yet" | "not" | "never"
            | "hasn't" | "didn't" | "wouldn't" | "isn't" | "wasn't" | "doesn't" | "don't" | "hasn’t" | "didn’t"
            | "wouldn’t" | "isn’t" | "wasn’t" | "doesn’t" | "don’t" | "won’t" | "won't" | "emphatically" | "told" | "quoted"
    )
}

const DETERMINERS: &[&str] = &["the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "one", "another", "two", "three", "several", "some", "many", "other"];

/// Nouns that describe a person before the name without being an office: "9/11 widow Terry
/// Strada", "Del. Stacey Plaskett" (a delegate).
const DESCRIPTORS: &[&str] = &[
    "widow", "widower", "veteran", "mother", "father", "son", "daughter", "wife", "husband", "brother", "sister", "student",
    "teacher", "nurse", "actor", "actress", "singer", "comedian", "columnist", "commentator", "correspondent", "writer",
    "blogger", "historian", "economist", "survivor", "del.", "del", "fellow", "organizer", "organiser", "protester",
    "ally", "moderator", "constituent", "operative", "surrogate", "confidant", "friend", "consultant", "pundit",
    "nephew", "niece", "cousin", "uncle", "aunt", "grandson", "granddaughter", "grandfather", "grandmother", "neighbor",
    "neighbour", "girlfriend", "boyfriend", "fiancé", "fiancée",
];

/// A word that can stand for a person: a role ("senator"), a descriptor ("widow") or a person
/// noun ("nominee").
pub fn is_person_title(word: &str) -> bool {
    is_role(word) || DESCRIPTORS.contains(&word) || PERSON_NOUNS.contains(&word)
}

/// Words that open a description used as a speaker.
const DESCRIPTION_HEADS: &[&str] = &["the", "a", "an", "one", "another"];

/// Nouns that describe a person (beyond offices and roles) as a speaker.
const PERSON_NOUNS: &[&str] = &["businessman", "businesswoman", "billionaire", "mogul", "nominee", "candidate", "incumbent", "challenger", "frontrunner", "front-runner", "contender", "hopeful", "lawmaker", "politician", "star", "celebrity", "host", "magnate", "tycoon"];

/// Name words of the organisations a description word can stand for ("the newspaper" is a
/// Post, a Times or a Journal), or None when the word does not describe an organisation.
fn organisation_kind(head: &str) -> Option<&'static [&'static str]> {
    // the words newspapers and broadcasters are named with, never particular outlets
    const PRESS: &[&str] = &["post", "times", "journal", "news", "herald", "tribune", "gazette", "globe", "daily", "chronicle", "telegraph", "guardian", "examiner", "inquirer", "observer", "press", "magazine", "review", "courier", "ledger", "dispatch", "bulletin"];
    const BROADCAST: &[&str] = &["news", "tv", "television", "radio", "network", "broadcasting", "channel", "broadcast"];
    Some(match head {
        "newspaper" | "paper" | "daily" | "outlet" | "publication" | "magazine" | "tabloid" | "weekly" => PRESS,
        "network" | "channel" | "station" | "broadcaster" => BROADCAST,
        "bank" | "lender" => &["bank", "bancorp", "banking"],
        "union" => &["union", "workers", "federation", "association"],
        "police" => &["police", "pd", "sheriff", "constabulary"],
        _ if is_company_noun(head) => &["inc", "inc.", "corp", "corp.", "co", "co.", "company", "group", "llc", "ltd", "plc", "ag", "sa", "holdings"],
        // a government body named by what it is: "the Congressional Budget Office", "the
        // Transportation Security Administration", "the Census Bureau" are all "the agency"
        "agency" => &["agency", "office", "bureau", "administration", "service", "commission", "authority"],
        "department" | "ministry" | "commission" | "committee" | "council" | "court" | "board" | "bureau" | "office"
        | "authority" | "party" | "administration" | "government" | "presidency" | "cabinet" | "parliament" | "secretariat" | "embassy" | "campaign" | "organization" | "organisation" | "foundation" | "institute"
        | "university" | "pollster" | "coalition" | "alliance" | "association" | "league" | "fund" | "team" => &[],
        _ => return None,
    })
}

/// Does a description that resolved to nobody still denote an institution ("the ministry",
/// "police")? Then its words are the best name there is; a person or group left unnamed ("a
/// spokeswoman", "officials") gets none.
pub fn describes_an_institution(description: &str) -> bool {
    let head = description.split_whitespace().last().map(|w| without_possessive(&w.to_lowercase()).to_string()).unwrap_or_default();
    organisation_kind(&head).is_some()
}

/// What someone issued and that "says" for them ("the statement said", "the ad claims").
/// Only when the one last heard spoke just before (see `Clusters::issuer`).
const DOCUMENTS: &[&str] = &["statement", "ad", "advert", "advertisement", "clip", "release", "letter", "memo", "video", "post", "tweet", "website", "site", "email", "e-mail", "message"];

/// Pieces written by someone the article seldom names (an editorial board, a pollster, a
/// court): left unresolved rather than given to the last speaker.
const OPINION_PIECES: &[&str] = &["editorial", "report", "piece", "article", "story", "op-ed", "survey", "poll", "study", "ruling", "filing", "complaint", "lawsuit", "headline", "book", "document", "decision", "order", "opinion"];

/// "the poll", "the statement": a definite written or recorded piece.
pub fn is_piece(determiner: &str, noun: &str) -> bool {
    determiner == "the" && (OPINION_PIECES.contains(&noun) || DOCUMENTS.contains(&noun))
}

/// Offices that come with a portfolio ("trade minister", "health secretary").
const PORTFOLIO_OFFICES: &[&str] = &["minister", "secretary", "commissioner", "spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "director", "envoy"];

/// Words that rank, date or place an office rather than name its portfolio.
const OFFICE_RANKS: &[&str] = &[
    "former", "then", "current", "new", "top", "senior", "junior", "chief", "acting", "interim", "outgoing", "incoming", "longtime", "federal", "state",
    "national", "regional", "provincial", "local", "prime", "general", "executive", "managing", "first", "second", "cabinet", "shadow", "government",
];

/// Does a word before an office name its portfolio ("trade", "health"), not its rank or
/// place ("former", "federal", "Russian")?
fn is_portfolio(word: &str) -> bool {
    !OFFICE_RANKS.contains(&word) && !is_role(word) && !is_nationality(word) && demonym(word).is_none()
}

/// Does a description end in an office with its portfolio ("the trade minister")?
fn has_portfolio(words: &[String], head: &str) -> bool {
    PORTFOLIO_OFFICES.contains(&head) && words.len() >= 2 && is_portfolio(&words[words.len() - 2])
}

/// Offices one person seldom holds two of at once: a premier is not "the president".
const OFFICES: &[&str] = &["president", "premier", "chancellor", "governor", "mayor", "king", "queen", "pope"];

/// Plural or generic descriptions that name nobody in particular.
const GENERIC: &[&str] = &[
    "officials", "sources", "source", "experts", "analysts", "critics", "supporters", "residents", "voters", "witnesses", "aides", "observers",
    "people", "officers", "lawmakers", "workers", "employees", "democrats", "republicans", "leaders", "economists", "reporters", "members",
    "authorities", "prosecutors", "investigators", "researchers", "scientists", "doctors", "activists", "advocates", "protesters", "opponents",
    "conservatives", "liberals", "pollsters", "strategists", "diplomats",
];

impl Doc {
    /// The last person or organisation named inside tokens `[start, end)`, as (first token,
    /// end token, label): the one a description holds ("a new report by Politico", "the
    /// conservative-leaning Tax Foundation").
    pub fn named_inside(&self, start: usize, end: usize) -> Option<(usize, usize, &'static str)> {
        self.entities.iter().rev().find_map(|(e, first, last)| {
            let label = speaker_label(&e.label)?;
            (*first >= start && *last <= end).then_some((*first, *last, label))
        })
    }

    /// A person named in apposition right after a description ending at token `end`: "said
    /// one protester, Olga Ivanova." (the name closes the sentence or its own comma clause).
    pub fn name_in_apposition(&self, end: usize) -> Option<(usize, usize, &'static str)> {
        if !self.is_punct(end, ',') {
            return None;
        }
        // "one resident, who gave his name only as Manuel," / "a neighbour, who gave only her
        // first name, Maria,": the name the relative clause gives
        let at = if self.word(end + 1) == "who" {
            let s_end = self.sentences[self.sentence[end]].1;
            let named = (end + 2..(end + 10).min(s_end)).find(|&i| matches!(self.word(i), "name" | "names"))?;
            (named + 1..(named + 4).min(s_end)).find(|&i| self.entity_starting[i].is_some())?
        } else {
            end + 1
        };
        let e = self.entity_starting.get(at).copied().flatten()?;
        let (entity, first, last) = &self.entities[e];
        let (first, last) = (*first, *last);
        if speaker_label(&entity.label) != Some("PER") {
            return None;
        }
        let s_end = self.sentences[self.sentence[end]].1;
        (last >= s_end || self.is_punct(last, ',') || self.is_punct(last, '.')).then_some((first, last, "PER"))
    }

    /// The mention whose last token is `end - 1`, looking left from a cue. An organisation
    /// that only says where the speaker works gives way to the person ("Mr. Morgan of the
    /// Sierra Club said", "Ann Lee, president of the Harbour Trust, said").
    pub fn mention_ending_at(&self, end: usize) -> Option<Mention> {
        let m = self.mention_before(end)?;
        match m.kind {
            MentionKind::Name { label: "ORG" } => Some(self.member_of(m.start).map(|p| Mention { appositive: m.appositive, ..p }).unwrap_or(m)),
            _ => Some(m),
        }
    }

    /// A country or city as the subject of a speech verb ("North Korea said", "..., Japan
    /// warned"): it stands for its government. Not a place that locates someone ("officials in
    /// Beijing said", "a farmer from Salem, Oregon, said").
    pub fn place_ending_at(&self, end: usize) -> Option<Mention> {
        let last = end.checked_sub(1)?;
        let (entity, start, _) = &self.entities[self.entity_ending[last]?];
        if !is_place(&entity.label) {
            return None;
        }
        let start = *start;
        if let Some(before) = start.checked_sub(1).filter(|&b| self.sentence[b] == self.sentence[last]) {
            // (past an article: "farmers in the Rift Valley say")
            let preposition = if self.word(before) == "the" && before > 0 && self.sentence[before - 1] == self.sentence[last] { before - 1 } else { before };
            let locates = matches!(self.word(preposition), "in" | "of" | "from" | "at" | "near" | "for" | "to" | "across" | "outside" | "inside" | "around");
            let follows_place = self.is_punct(before, ',') && before > 0 && self.is_capitalized(before - 1);
            let possessive = is_possessive(self.word(before));
            // a capitalised word before it is part of a longer name, unless it only opens the
            // sentence ("Even China, its only ally, said"; but "The Washington" of "The
            // Washington Post" is no place that speaks)
            let opens_sentence = self.sentences[self.sentence[before]].0 == before && self.entity_at[before].is_none() && self.word(before) != "the";
            let named_before = self.is_capitalized(before) && !opens_sentence;
            if locates || follows_place || possessive || named_before {
                return None;
            }
        }
        Some(Mention { start, end, kind: MentionKind::Name { label: "ORG" }, appositive: false })
    }

    /// Tokens `[start, end)` are exactly one place NER found.
    fn place_between(&self, start: usize, end: usize) -> bool {
        self.entity_starting.get(start).copied().flatten().is_some_and(|e| {
            let (entity, _, e_end) = &self.entities[e];
            *e_end == end && is_place(&entity.label)
        })
    }

    /// The person named just before "of/at/for (the)" and the organisation starting at
    /// `org`, directly ("Jeffrey Lewis of the Center") or before a comma and a role ("Ann
    /// Lee, the president of the Trust").
    fn member_of(&self, org: usize) -> Option<Mention> {
        let mut i = org.checked_sub(1)?;
        if self.word(i) == "the" {
            i = i.checked_sub(1)?;
        }
        if !matches!(self.word(i), "of" | "at" | "for") || self.quote_of[i].is_some() {
            return None;
        }
        let person = |end: usize| self.name_ending_at(end).filter(|m| matches!(m.kind, MentionKind::Name { label: "PER" }));
        if let Some(p) = person(i) {
            return Some(p);
        }
        let mut j = i;
        // "Carla Mendes, executive vice president for policy at the Center": a role phrase of
        // lower-case words, its own "for"/"of" included
        while j > 0 && i - j < 8 && self.is_word(j - 1) && self.quote_of[j - 1].is_none() {
            let w = self.word(j - 1);
            if !(is_person_title(w) || matches!(w, "the" | "a" | "and" | "for" | "of") || self.chars[self.tokens[j - 1].start].is_lowercase() && !is_function_word(w)) {
                break;
            }
            j -= 1;
        }
        let described = (j..i).any(|k| is_person_title(self.word(k)));
        (described && j > 0 && self.is_punct(j - 1, ',')).then(|| person(j - 1)).flatten()
    }

    fn mention_before(&self, end: usize) -> Option<Mention> {
        if end == 0 {
            return None;
        }
        let last = end - 1;
        if self.quote_of[last].is_some() {
            return None;
        }
        // "Lavrov, Russia's foreign minister, said" -> the name before the apposition
        if self.is_punct(last, ',') {
            // "Lavrov, Russia's foreign minister, said" / "The chairman, Phil Lovas, said" /
            // "Trump, speaking to veterans in Virginia, said": the mention before the first comma
            let sentence = self.sentence[last];
            let comma_before = |at: usize| (at.saturating_sub(14)..at).rev().find(|&i| self.is_punct(i, ',') && self.sentence[i] == sentence);
            let mut open = comma_before(last)?;
            // "Dean Lee, a salesman from Sumter, South Carolina, said": the state after a town's
            // comma belongs to the description, whose comma is further back
            if self.place_between(open + 1, last) && open > 0 && self.is_capitalized(open - 1) {
                open = comma_before(open)?;
            }
            if (open + 1..last).any(|i| self.quote_of[i].is_some()) {
                return None;
            }
            // "Jo Lee, a spokeswoman for the Coalition, which is made up of investors, said": a
            // relative clause qualifies the phrase before it, whose own apposition may come first
            if matches!(self.word(open + 1), "who" | "which") {
                if let Some(outer) = comma_before(open).filter(|&c| DETERMINERS.contains(&self.word(c + 1)) || is_role(self.word(c + 1))) {
                    let clean = (outer + 1..open).all(|i| self.quote_of[i].is_none() && !self.is_punct(i, ';'));
                    if let Some(name) = self.name_before_comma(outer).filter(|_| clean) {
                        return Some(Mention { appositive: true, ..name });
                    }
                }
            }
            if let Some(name) = self.name_before_comma(open) {
                return Some(Mention { appositive: true, ..name });
            }
            // "The lender, which was bailed out in 2009, said", "The ministry, a body set up in
            // 1990, said", "A senior official, speaking on condition of anonymity, said": a
            // description, then a relative clause, an apposition or a participle
            let next = self.word(open + 1);
            let participle = next.len() > 5 && next.ends_with("ing") && self.entity_at[open + 1].is_none();
            let qualified = matches!(next, "who" | "which") || DETERMINERS.contains(&next) || participle;
            // (the whole description: "One former Podesta employee" is not the "employee" after a name)
            let whole = |m: &Mention| m.start == 0 || self.entity_ending[m.start - 1].is_none();
            if let Some(nominal) = self.nominal_ending_with(open, true).filter(|m| qualified && whole(m)) {
                return Some(Mention { appositive: true, ..nominal });
            }
            // "China, the North's only ally, said": a country described in apposition
            let described = |i: usize| {
                let w = self.word(i);
                DETERMINERS.contains(&w) || is_role(w) || is_possessive(w) || matches!(self.word(i + 1), "'s" | "’s")
            };
            if let Some(place) = self.place_ending_at(open).filter(|_| described(open + 1)) {
                return Some(Mention { appositive: true, ..place });
            }
            // two appositions: "Scott Pruitt, the attorney general of Oklahoma, one of the
            // states suing the EPA, said"
            if let Some(outer) = (open.saturating_sub(14)..open).rev().find(|&i| self.is_punct(i, ',') && self.sentence[i] == sentence) {
                let clean = (outer + 1..open).all(|i| self.quote_of[i].is_none() && !self.is_punct(i, ';'));
                if let Some(name) = self.name_before_comma(outer).filter(|_| clean) {
                    // (or a participle: "Sen. Jo Lee, facing a challenge in Iowa, a swing state, said")
                    let participle = self.word(outer + 1).len() > 5 && self.word(outer + 1).ends_with("ing");
                    let described = DETERMINERS.contains(&self.word(outer + 1)) || is_role(self.word(outer + 1)) || participle;
                    if described {
                        return Some(Mention { appositive: true, ..name });
                    }
                }
            }
            // (past a parenthesis: "Lee's nephew, state Del. Omar Fields (D-Norfolk), shouted")
            if let Some(inner) = self.name_before_comma(last) {
                // "The chairman, Phil Lovas, said", "A lawyer for the outlets, David Schulz, said"
                // the phrase before the first comma, back to a quote, a comma or the sentence start
                let phrase = (self.sentences[sentence].0.max(open.saturating_sub(9))..open).rev().take_while(|&i| self.quote_of[i].is_none() && !self.is_punct(i, ','));
                let titled_subject = phrase.clone().count() <= 8 && phrase.into_iter().any(|i| self.is_word(i) && is_person_title(self.word(i)));
                let described = titled_subject || self.nominal_ending_at(open).is_some();
                // (titles may stand before the name: "state Del.", "Rep.")
                let titles = |i: usize| self.is_punct(i, '.') || (self.is_word(i) && (!self.is_capitalized(i) || is_person_title(self.word(i)) || HONORIFICS.contains(&self.word(i))));
                let titled_name = inner.start > open && inner.start - open <= 4 && (open + 1..inner.start).all(titles);
                if titled_name && described {
                    return Some(Mention { appositive: true, ..inner });
                }
            }
            return None;
        }
        if let Some(kind) = pronoun_kind(strip_clitic(self.word(last))) {
            if matches!(strip_clitic(self.word(last)), "he" | "she" | "they" | "it" | "i" | "we") {
                return Some(Mention { start: last, end, kind: MentionKind::Pronoun(kind), appositive: false });
            }
            return None;
        }
        if let Some(name) = self.name_ending_at(end) {
            return Some(name);
        }
        self.nominal_ending_at(end)
    }

    /// The mention starting at `start`, looking right from a cue ("said Mukhtar Tleuberdi").
    pub fn mention_starting_at(&self, start: usize) -> Option<Mention> {
        if start >= self.tokens.len() || self.quote_of[start].is_some() || !self.is_word(start) {
            return None;
        }
        if let Some(person) = self.person_after_possessive_description(start) {
            return Some(person);
        }
        if let Some(kind) = pronoun_kind(strip_clitic(self.word(start))) {
            // "added his campaign manager Jo Lee": the person named after the possessive's role
            if is_possessive_pronoun(self.word(start)) {
                if let Some(person) = self.person_after_role(start + 1, false) {
                    return Some(person);
                }
            }
            return matches!(strip_clitic(self.word(start)), "he" | "she" | "they" | "it" | "i" | "we")
                .then_some(Mention { start, end: start + 1, kind: MentionKind::Pronoun(kind), appositive: false });
        }
        // skip a title run before a name: "said Foreign Minister Mukhtar Tleuberdi", "said Rep. Jo Lee"
        let mut i = start;
        while i < self.tokens.len() && i < start + 8 && self.sentence[i] == self.sentence[start] {
            // the period of an abbreviated title ("Del.") and the pieces of "9/11"
            if !self.is_word(i) {
                let glue = self.is_punct(i, '.') || self.is_punct(i, '/') || self.is_punct(i, '-');
                if glue && i > start && self.quote_of[i].is_none() {
                    i += 1;
                    continue;
                }
                break;
            }
            if let Some(e) = self.entity_starting[i].filter(|&e| !self.names_nobody(i, self.entities[e].2)) {
                let (_, _, e_end) = &self.entities[e];
                if let Some(label) = speaker_label(&self.entities[e].0.label) {
                    // "said MSNBC host Chris Matthews", "said Clinton campaign manager Robby
                    // Mook": the first name qualifies the person named after the role
                    if let Some(person) = self.person_after_role(*e_end, label == "ORG") {
                        return Some(person);
                    }
                    // "noted NBC’s Dante Chinni": the organisation says where the person works
                    if let Some(person) = self.person_after_possessive(*e_end, label == "ORG") {
                        return Some(person);
                    }
                    return Some(Mention { start: i, end: *e_end, kind: MentionKind::Name { label }, appositive: false });
                }
                // "said former Vermont governor Howard Dean": a place qualifies the title
                let title_follows = *e_end < self.tokens.len() && self.is_word(*e_end) && is_person_title(self.word(*e_end));
                if title_follows {
                    i = *e_end;
                    continue;
                }
            }
            let w = self.word(i);
            let titular = is_role(w) || is_nationality(w) || DETERMINERS.contains(&w) || HONORIFICS.contains(&w) || DESCRIPTORS.contains(&w) || w.starts_with(|c: char| c.is_ascii_digit());
            if self.is_capitalized(i) && !titular && !is_function_word(w) {
                // "said Senate Minority Whip Dick Durbin": capitalised title words before a
                // person's name
                let person = (i + 1..(i + 5).min(self.tokens.len())).find(|&k| self.entity_starting[k].is_some_and(|e| speaker_label(&self.entities[e].0.label) == Some("PER")));
                if let Some(k) = person.filter(|&k| (i..k).all(|j| self.is_capitalized(j) && self.sentence[j] == self.sentence[i])) {
                    let (_, _, end) = &self.entities[self.entity_starting[k]?];
                    return Some(Mention { start: k, end: *end, kind: MentionKind::Name { label: "PER" }, appositive: false });
                }
                // "said Republican party boss Jo Lee": a capitalised qualifier, then the role
                let run = self.capitalized_run(i);
                if let Some(person) = run.and_then(|end| self.person_after_role(end, true)) {
                    return Some(person);
                }
                return run.map(|end| Mention { start: i, end, kind: MentionKind::Name { label: "PER" }, appositive: false });
            }
            // "said Republican political consultant Jo Lee", "told longtime pollster Jo Lee":
            // lowercase modifiers of a role word that comes next
            let modifies_role = self.is_plain_word(i) && (i + 1..(i + 3).min(self.tokens.len())).any(|k| self.is_word(k) && is_role(self.word(k)));
            if !titular && !modifies_role {
                break;
            }
            i += 1;
        }
        // a nominal: "said the Minister", "said a spokesman for the ministry"
        let mut j = start;
        let modifier = |j: usize| {
            let w = self.word(j);
            DETERMINERS.contains(&w) || is_nationality(w) || is_role(w) || self.entity_at[j].is_some_and(|e| speaker_label(&self.entities[e].0.label).is_none())
        };
        while j < self.tokens.len() && j < start + 5 && self.is_word(j) && modifier(j) {
            j += 1;
        }
        // "said the 46-year-old"
        if j > start && j < self.tokens.len() && age_epithet(self.word(j)).is_some() {
            j += 1;
        }
        if j > start {
            if let Some(m) = self.nominal_ending_at(j) {
                if m.start >= start {
                    return Some(Mention { start, ..m });
                }
            }
        }
        None
    }

    /// "said Clinton's introducer, actress Jo Lee", "said the bureau's director, James Cole": a
    /// possessive description at `start`, set off by a comma, before the person's name.
    fn person_after_possessive_description(&self, start: usize) -> Option<Mention> {
        let sentence = self.sentence[start];
        let comma = (start + 1..(start + 8).min(self.tokens.len())).find(|&i| !self.is_word(i) && !self.is_punct(i, '.') && !self.is_punct(i, '-'))?;
        if !self.is_punct(comma, ',') || (start..comma).any(|i| self.quote_of[i].is_some() || self.sentence[i] != sentence) {
            return None;
        }
        let possessive = (start..comma).any(|i| matches!(self.word(i), "'s" | "’s") || is_possessive_pronoun(self.word(i)) || is_possessive(self.word(i)));
        let last = comma - 1;
        if !(possessive && self.is_plain_word(last)) {
            return None;
        }
        let person = self.mention_starting_at(comma + 1)?;
        matches!(person.kind, MentionKind::Name { label: "PER" }).then_some(Mention { appositive: true, ..person })
    }

    /// A short description that is no role ("the editorial", "the paper's editorial board",
    /// "one commenter") ending at `end`: a speaker that stays unresolved but is still named in
    /// the event, so the quote is not taken for the previous speaker's.
    pub fn description_ending_at(&self, end: usize) -> Option<Mention> {
        let last = end.checked_sub(1)?;
        if !self.is_plain_word(last) {
            return None;
        }
        let start = (last.saturating_sub(4)..last).rev().take_while(|&i| self.is_plain_word(i) || DESCRIPTION_HEADS.contains(&self.word(i))).find(|&i| DESCRIPTION_HEADS.contains(&self.word(i)))?;
        (self.sentence[start] == self.sentence[last]).then(|| self.description(start, end))
    }

    /// The same after an inverted cue: "wrote one commenter", "said the designer, who ...".
    pub fn description_starting_at(&self, start: usize) -> Option<Mention> {
        if !DESCRIPTION_HEADS.contains(&self.word(start)) || self.quote_of.get(start)?.is_some() {
            return None;
        }
        // (plain words exclude prepositions and "who": "said the designer, who ..." stops there)
        let end = (start + 1..(start + 5).min(self.tokens.len())).take_while(|&i| self.is_plain_word(i)).last()? + 1;
        Some(self.description(start, end))
    }

    fn description(&self, start: usize, end: usize) -> Mention {
        let head = self.word(end - 1);
        let plural = head.ends_with('s') && !head.ends_with("ss") && !head.ends_with("'s") && !head.ends_with("’s");
        Mention { start, end, kind: MentionKind::Nominal { words: Vec::new(), plural }, appositive: false }
    }

    /// A lowercase word outside quotes that is no pronoun, auxiliary or determiner.
    fn is_plain_word(&self, i: usize) -> bool {
        let w = self.word(i);
        self.is_word(i)
            && !self.is_capitalized(i)
            && self.quote_of[i].is_none()
            && pronoun_kind(strip_clitic(w)).is_none()
            && !is_auxiliary(w)
            && !DESCRIPTION_HEADS.contains(&w)
            && !w.ends_with("'s")
            && !w.ends_with("’s")
            && !matches!(
                w,
                "and" | "or" | "but" | "that" | "which" | "who" | "to" | "as" | "than" | "so" | "if" | "when" | "of" | "in" | "at" | "for" | "on"
                    | "with" | "by" | "from" | "about" | "into" | "after" | "before" | "during" | "not"
            )
    }

    /// The name ending just before the comma at `comma`, past a parenthesis: "Rep. Jim Jordan
    /// (R-Ohio), an oversight panel member, said".
    pub fn name_before_comma(&self, comma: usize) -> Option<Mention> {
        // (an unclosed ")" leaves the comma, where no name ends)
        self.name_ending_at(self.parenthesis_before(comma).unwrap_or(comma))
    }

    /// The opening `(` of a short parenthesis ending just before `end` ("(D-Mo.)"), if any.
    pub fn parenthesis_before(&self, end: usize) -> Option<usize> {
        if end == 0 || !self.is_punct(end - 1, ')') {
            return None;
        }
        (end.saturating_sub(8)..end - 1).rev().find(|&i| self.is_punct(i, '('))
    }

    /// A parenthesis in dashes ending just before `end` ("The judge -- who had sparred with
    /// him for days -- said"): its opening dash and its first word; at most 30 tokens of one
    /// sentence, no quotation mark inside.
    fn dashed_parenthesis(&self, end: usize) -> Option<(usize, usize)> {
        let dash = |i: usize| {
            self.is_punct(i, '—') || self.is_punct(i, '–') || self.is_punct(i, '―') || (self.is_punct(i, '-') && (self.is_punct(i + 1, '-') || (i > 0 && self.is_punct(i - 1, '-'))))
        };
        if end < 3 || !dash(end - 1) {
            return None;
        }
        let mut close = end - 1;
        while close > 0 && dash(close - 1) {
            close -= 1;
        }
        let sentence = self.sentence[close];
        let mut open = (close.saturating_sub(30)..close).rev().take_while(|&i| self.sentence[i] == sentence && self.quote_of[i].is_none()).find(|&i| dash(i))?;
        let first = (open + 1..close).find(|&i| !dash(i))?;
        while open > 0 && dash(open - 1) {
            open -= 1;
        }
        self.is_word(open.saturating_sub(1)).then_some((open, first))
    }

    /// Where the subject before a parenthesis in dashes ends: a relative clause, a participle
    /// or a description in dashes ("-- who ...", "-- mentioned by ...", "-- a former senator
    /// --") is skipped.
    pub fn dashes_before(&self, end: usize) -> Option<usize> {
        let (open, first) = self.dashed_parenthesis(end)?;
        let w = self.word(first);
        let participle = w.len() > 4 && (w.ends_with("ed") || w.ends_with("ing"));
        let opens = matches!(w, "who" | "whose" | "which" | "a" | "an" | "the") || (participle && self.entity_at[first].is_none());
        opens.then_some(open)
    }

    /// A person's name opening a parenthesis in dashes just before `end`: the subject itself,
    /// named after its description ("A former candidate -- Jo Lee, who lost in 2008 -- said").
    pub fn name_in_dashes_before(&self, end: usize) -> Option<Mention> {
        let (_, first) = self.dashed_parenthesis(end)?;
        let m = self.mention_starting_at(first).filter(|m| matches!(m.kind, MentionKind::Name { label: "PER" }))?;
        (self.is_punct(m.end, ',') || m.end + 1 >= end).then_some(Mention { appositive: true, ..m })
    }

    /// A person named right after role words at `start`: "host Chris Matthews" in "MSNBC host
    /// Chris Matthews".
    /// `after_organisation`: the words follow an organisation's name, where a lower-case noun
    /// is a role too ("Skyline co-host Tom Reyes", "party boss Lena Fisk"); elsewhere it may be
    /// a verb ("Lee said Park ...").
    fn person_after_role(&self, start: usize, after_organisation: bool) -> Option<Mention> {
        // "Clinton's top foreign policy aide Jake Sullivan": modifiers may come before the role,
        // capitalised ones too ("United Steelworkers Political Director Tim Waters"); the role
        // must be the word right before the name
        // ("Air Force 1st Lt. Sam Ortiz", "Skyline co-host Tom Reyes": the period of an
        // abbreviation and a hyphen hold the role together)
        let mut i = start;
        let mut last_word = None;
        while i < self.tokens.len() && i < start + 6 && self.quote_of[i].is_none() && self.entity_at[i].is_none() {
            if !self.is_word(i) {
                let glue = (self.is_punct(i, '.') || self.is_punct(i, '-')) && last_word.is_some();
                if !glue {
                    break;
                }
                i += 1;
                continue;
            }
            let w = self.word(i);
            if is_function_word(w) && !is_person_title(w) {
                break;
            }
            last_word = Some(i);
            i += 1;
        }
        // the word right before the name is a title ("director"), an abbreviated one ("Lt."),
        // or a lower-case noun NER leaves between an organisation and a person ("party boss
        // Lena Fisk")
        let l = last_word?;
        let dot_after = l + 2 == i && self.is_punct(l + 1, '.');
        let adjacent = l + 1 == i || dot_after;
        let abbreviated = dot_after || self.word(l).ends_with('.');
        // (the last part of a compound title counts: "Secretary-Treasurer")
        let titled = |w: &str| is_person_title(w) || w.rsplit('-').next().is_some_and(|last| last != w && is_person_title(last));
        let role = titled(self.word(l)) || (after_organisation && (abbreviated || self.chars[self.tokens[l].start].is_lowercase()));
        if !(adjacent && role) {
            return None;
        }
        self.person_named_at(i)
    }

    /// The person NER names starting at token `i`.
    fn person_named_at(&self, i: usize) -> Option<Mention> {
        let e = self.entity_starting.get(i).copied().flatten()?;
        let (entity, _, end) = &self.entities[e];
        (entity.label == "PER").then_some(Mention { start: i, end: *end, kind: MentionKind::Name { label: "PER" }, appositive: false })
    }

    /// A person named right after a possessive ending at `start` ("NBC’s Dante Chinni"), or
    /// after its role words ("the Ledger's senior politics editor Sam Ginz").
    fn person_after_possessive(&self, start: usize, after_organisation: bool) -> Option<Mention> {
        let before = self.word(start.checked_sub(1)?);
        let mut i = start;
        if i < self.tokens.len() && matches!(self.word(i), "'s" | "’s") {
            i += 1;
        } else if !(before.ends_with("'s") || before.ends_with("’s")) {
            return None;
        }
        self.person_named_at(i).or_else(|| self.person_after_role(i, after_organisation))
    }

    /// A name (PER/ORG entity, or a capitalised run when NER found nothing there) ending at `end`.
    pub fn name_ending_at(&self, end: usize) -> Option<Mention> {
        let last = end.checked_sub(1)?;
        if let Some(e) = self.entity_ending[last] {
            let (entity, start, _) = &self.entities[e];
            if !self.names_nobody(*start, end) {
                return speaker_label(&entity.label).map(|label| Mention { start: *start, end, kind: MentionKind::Name { label }, appositive: false });
            }
        }
        // "Mr. King", "Ms. Judge": after a personal honorific a role word is a surname
        if self.is_capitalized(last) && last > 0 && matches!(self.word(last - 1), "mr." | "mrs." | "ms." | "dr.") && self.quote_of[last].is_none() {
            return Some(Mention { start: last, end, kind: MentionKind::Name { label: "PER" }, appositive: false });
        }
        // possessive-free capitalised run, not sentence-initial function words
        if !self.is_capitalized(last) || is_role(self.word(last)) || is_nationality(self.word(last)) {
            return None;
        }
        if is_function_word(self.word(last)) {
            return None;
        }
        let mut start = last;
        while start > 0 && self.is_capitalized(start - 1) && self.sentence[start - 1] == self.sentence[last] && !is_role(self.word(start - 1)) && self.entity_ending[start - 1].is_none() && !is_function_word(self.word(start - 1)) {
            start -= 1;
        }
        let first_of_sentence = self.sentences[self.sentence[last]].0 == start;
        // ("Diplomats said ...", "Analysts said ...": a group word opening a sentence)
        let group = |w: &str| GENERIC.contains(&w) || w.strip_suffix('s').is_some_and(is_role);
        if end - start == 1 && ((first_of_sentence && (is_function_word(self.word(start)) || group(self.word(start)))) || self.is_common_word(start)) {
            return None;
        }
        if self.entities.iter().any(|(_, s, e)| *s <= last && last < *e) {
            return None; // inside a LOC/MISC entity
        }
        Some(Mention { start, end, kind: MentionKind::Name { label: "PER" }, appositive: false })
    }

    /// Any short noun phrase at `start` ("the poll", "show insiders"), up to a comma or the
    /// sentence end: a speaker that names nobody, for "according to".
    pub fn noun_phrase_starting_at(&self, start: usize) -> Option<Mention> {
        let sentence = *self.sentence.get(start)?;
        let mut end = start;
        while end < self.tokens.len() && end - start < 6 && self.is_word(end) && self.sentence[end] == sentence && self.quote_of[end].is_none() {
            end += 1;
        }
        (end > start).then_some(Mention { start, end, kind: MentionKind::Nominal { words: Vec::new(), plural: true }, appositive: false })
    }

    /// An "entity" made of role words only ("FM", "Minister") describes someone, it names nobody.
    pub fn names_nobody(&self, start: usize, end: usize) -> bool {
        (start..end).all(|i| {
            let w = self.word(i);
            !self.is_word(i) || is_role(w) || is_nationality(w) || DETERMINERS.contains(&w) || DESCRIPTORS.contains(&w)
        })
    }

    /// A description ending at `end` whose head is a role word: "the Minister", "the Russian
    /// FM", "a spokesman", "officials", "Russia's foreign minister".
    fn nominal_ending_at(&self, end: usize) -> Option<Mention> {
        self.nominal_ending_with(end, false)
    }

    /// A description ending at `end` that a relative clause follows ("a neighbour, who ..."),
    /// descriptors included (see [`Self::nominal_ending_with`]).
    pub fn qualified_nominal_ending_at(&self, end: usize) -> Option<Mention> {
        self.nominal_ending_with(end, true)
    }

    /// [`Self::nominal_ending_at`], taking a descriptor ("a neighbour", "a nurse") as a
    /// description too when `descriptors`: only where a relative clause or an apposition
    /// shows it is the subject ("a neighbour, who asked not to be named, said"); alone, "my
    /// father" or "her husband" is seldom the speaker the article names.
    fn nominal_ending_with(&self, end: usize, descriptors: bool) -> Option<Mention> {
        let last = end.checked_sub(1)?;
        let head = self.word(last);
        let person_noun = PERSON_NOUNS.contains(&head) || (descriptors && DESCRIPTORS.contains(&head)) || age_epithet(head).is_some();
        if !(is_role(head) || is_company_noun(head) || GENERIC.contains(&head) || person_noun) || !self.is_word(last) {
            return None;
        }
        let mut start = last;
        // "the Obama administration", "the Trump campaign": a name before an organisation word
        // belongs to the description
        // ... as does one before a lower-case word or two ("Xinhua news agency", "the Acme
        // oil company")
        if last > 0 && organisation_kind(head).is_some() {
            let plain = |i: usize| self.is_word(i) && !self.is_capitalized(i) && self.quote_of[i].is_none() && !is_function_word(self.word(i));
            let named = (last.saturating_sub(3)..last).rev().find_map(|i| {
                let e = self.entity_ending[i].filter(|&e| speaker_label(&self.entities[e].0.label).is_some())?;
                (i + 1..last).all(plain).then_some(self.entities[e].1)
            });
            if let Some(first) = named {
                start = first;
            }
        }
        while start > 0 && last - start < 6 {
            let w = self.word(start - 1);
            let prev_is_possessive = w == "'s" || w == "’s" || w.ends_with("'s") || w.ends_with("’s");
            // ("Brazil's largest meatpacker", "the country's top diplomat", "a state-run lender")
            let ranking = matches!(w.strip_prefix("second-").or_else(|| w.strip_prefix("third-")).unwrap_or(w), "largest" | "biggest" | "oldest" | "richest" | "top" | "leading" | "main")
                || matches!(w, "state-run" | "state-owned");
            if is_role(w) || is_nationality(w) || DETERMINERS.contains(&w) || prev_is_possessive || ranking || (self.is_capitalized(start - 1) && self.entity_ending[start - 1].is_none()) {
                if self.quote_of[start - 1].is_some() || !self.is_word(start - 1) {
                    break;
                }
                start -= 1;
                if DETERMINERS.contains(&w) {
                    break;
                }
            } else {
                break;
            }
        }
        let start = self.determiner_before(start, last).unwrap_or(start);
        let mut words = Vec::new();
        for i in start..end {
            let w = without_possessive(self.word(i)).to_string();
            if is_role(&w) {
                words.extend(expand_role(&w).into_iter().map(String::from));
            } else if is_nationality(&w) {
                words.push(w);
            } else if let Some(adj) = demonym(&w) {
                words.push(adj.to_string());
            }
        }
        let plural = GENERIC.contains(&head) || head.ends_with('s') && !head.ends_with("ss");
        Some(Mention { start, end, kind: MentionKind::Nominal { words, plural }, appositive: false })
    }

    /// The determiner opening a description whose words from `start` to `last` were read:
    /// "the Indiana governor", "the presumptive Republican presidential nominee". The words
    /// between may be anything but a person's name, a verb-like function word or punctuation
    /// other than a hyphen.
    fn determiner_before(&self, start: usize, last: usize) -> Option<usize> {
        if matches!(self.word(start), "the" | "a" | "an") {
            return None;
        }
        let mut i = start;
        while i > 0 && last + 1 - i < 8 {
            let p = i - 1;
            let hyphen = self.is_punct(p, '-');
            if (!self.is_word(p) && !hyphen) || self.quote_of[p].is_some() || self.sentence[p] != self.sentence[last] {
                return None;
            }
            let w = self.word(p);
            if matches!(w, "the" | "a" | "an" | "this" | "that") {
                return Some(p);
            }
            let person = self.entity_at[p].is_some_and(|e| self.entities[e].0.label == "PER");
            if person || (!hyphen && (is_function_word(w) || is_auxiliary(w) || pronoun_kind(strip_clitic(w)).is_some() || w.ends_with("'s") || w.ends_with("’s"))) {
                return None;
            }
            i = p;
        }
        None
    }

    /// End of a run of capitalised words starting at `start` (names after an inverted cue).
    fn capitalized_run(&self, start: usize) -> Option<usize> {
        let mut end = start;
        while end < self.tokens.len() && self.is_capitalized(end) && self.sentence[end] == self.sentence[start] && end - start < 4 {
            end += 1;
        }
        (end > start && !is_function_word(self.word(start)) && !(end - start == 1 && self.is_common_word(start))).then_some(end)
    }
}

/// The age of an epithet like "46-year-old" (the 46 of "the 46-year-old said"), if `head` is one.
fn age_epithet(head: &str) -> Option<&str> {
    let age = head.strip_suffix("-year-old")?;
    (!age.is_empty() && age.chars().all(|c| c.is_ascii_digit())).then_some(age)
}

/// "Ryan's", "Clinton’s" and the split-off "'s" itself.
fn is_possessive(word: &str) -> bool {
    word.ends_with("'s") || word.ends_with("’s")
}

/// "Ryan's" -> "Ryan", "Clinton’s" -> "Clinton".
fn without_possessive(word: &str) -> &str {
    word.trim_end_matches("'s").trim_end_matches("’s")
}

/// "he’s" -> "he", "they'll" -> "they".
fn strip_clitic(word: &str) -> &str {
    for clitic in ["'s", "’s", "'d", "’d", "'ll", "’ll", "'ve", "’ve", "'re", "’re", "'m", "’m"] {
        if let Some(stem) = word.strip_suffix(clitic) {
            return stem;
        }
    }
    word
}

pub fn is_function_word(w: &str) -> bool {
    let w = strip_clitic(w);
    matches!(w, "the" | "a" | "an" | "in" | "on" | "at" | "to" | "by" | "of" | "from" | "with" | "into" | "about" | "against" | "without" | "through" | "but" | "and" | "this" | "that" | "it" | "as" | "for" | "if" | "when" | "while" | "after" | "before" | "then" | "so" | "yet" | "there" | "here" | "what" | "we" | "i" | "they" | "you" | "he" | "she" | "our" | "my" | "no" | "yes" | "not" | "today" | "now" | "asked" | "still"
        | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday" | "january" | "february"
        | "march" | "april" | "june" | "july" | "august" | "september" | "october" | "november" | "december"
        | "tonight" | "yesterday" | "tomorrow" | "meanwhile" | "however" | "also" | "later" | "earlier"
        // subordinating conjunctions and sentence adverbs that open a sentence capitalised
        | "whenever" | "wherever" | "whatever" | "although" | "though" | "because" | "since" | "unless" | "until" | "whether"
        | "despite" | "instead" | "perhaps" | "indeed" | "overall" | "once")
}

/// Country name to nationality, for appositions like "Russia's foreign minister".
fn demonym(word: &str) -> Option<&'static str> {
    Some(match word {
        "russia" => "russian",
        "kazakhstan" => "kazakh",
        "america" | "u.s." | "us" | "united states" => "american",
        "britain" | "uk" | "u.k." => "british",
        "china" => "chinese",
        "france" => "french",
        "germany" => "german",
        "ukraine" => "ukrainian",
        "iran" => "iranian",
        "israel" => "israeli",
        "turkey" => "turkish",
        "japan" => "japanese",
        "india" => "indian",
        _ => return None,
    })
}

/// A place label of the NER models (CoNLL's LOC, OntoNotes' GPE).
fn is_place(label: &str) -> bool {
    matches!(label, "LOC" | "GPE")
}

/// Speaker-capable entity labels.
fn speaker_label(label: &str) -> Option<&'static str> {
    match label {
        "PER" | "PERSON" => Some("PER"),
        "ORG" | "ORGANIZATION" => Some("ORG"),
        _ => None,
    }
}

/// One person or organisation while the article is read.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Name words without honorifics, lowercase, of the fullest name.
    pub key: Vec<String>,
    /// Fullest name seen.
    pub name: String,
    /// PER or ORG.
    pub label: &'static str,
    /// Mentions (code points) in text order.
    pub mentions: Vec<TextSpan>,
    /// Titles as written.
    pub titles: Vec<String>,
    /// Role words with weights: 1.0 seen with the name, 0.5 inherited from a counterpart.
    pub roles: HashMap<String, f32>,
    /// Where the cluster was last salient (a name mention or a quote), in code points.
    pub last_salient: usize,
    /// Where it last spoke, in code points.
    pub last_spoke: Option<usize>,
    /// Grammatical gender inferred from the article (people only).
    pub gender: Gender,
}

/// A person's gender as the article shows it: honorifics and gendered role words next to the
/// name, and the he/she pronouns of sentences where the person is the only one named. Used
/// only to keep "she" from resolving to a man and "he" to a woman.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gender {
    /// No or conflicting evidence.
    #[default]
    Unknown,
    /// he/him/his.
    Male,
    /// she/her.
    Female,
}

/// The clusters of an article.
#[derive(Debug, Default)]
pub struct Clusters {
    /// All clusters, id = index.
    pub all: Vec<Cluster>,
    /// The first person named in each sentence outside quotes (most often its subject):
    /// (sentence, code point, cluster id), in text order.
    subjects: Vec<(usize, usize, usize)>,
    /// Per cluster, the lowercase words of the three tokens before each of its names
    /// ("indiana", "gov." of "Indiana Gov. Mike Pence"), for descriptions' modifiers, with
    /// where the name starts (only what the article said before a description explains it).
    context_words: Vec<Vec<(usize, String)>>,
    /// The learned pronoun referent scorer; `None`: the rules' choice.
    model: Option<&'static SpeakerModel>,
    /// Every pronoun choice made, when recording (see [`Clusters::record_choices`]).
    choices: Option<Vec<PronounChoice>>,
}

/// How many of the most recently salient clusters a pronoun's referent is chosen from.
const PRONOUN_CANDIDATES: usize = 10;

/// How far back (code points) the speaker of a "statement" or an "ad" may have spoken.
const ISSUER_REACH: usize = 400;

/// How many sentences back a named subject can be the referent of a pronoun.
const SUBJECT_REACH: usize = 3;
/// Code points back a person description that matched nobody looks for the person named
/// last (measured on PolNeAR train: 150 gained 1, 400 gained 8, 1,000 the same 8; none lost).
const DESCRIPTION_REACH: usize = 400;

impl Clusters {
    /// Builds clusters from the PER/ORG entities of `doc`, with their titles.
    pub fn from_doc(doc: &Doc) -> Self {
        let mut clusters = Clusters::default();
        for (entity, start, end) in &doc.entities {
            let Some(label) = speaker_label(&entity.label) else { continue };
            if !doc.names_nobody(*start, *end) {
                clusters.add_name(doc, *start, *end, label);
            }
        }
        clusters.merge_given_names();
        clusters.inherit_counterpart_roles(doc);
        clusters.infer_genders(doc);
        clusters.find_subjects(doc);
        clusters.collect_context_words(doc);
        clusters
    }

    fn collect_context_words(&mut self, doc: &Doc) {
        self.context_words = self
            .all
            .iter()
            .map(|c| {
                let mut words = Vec::new();
                let plain = |i: usize| without_possessive(doc.word(i)).to_string();
                for m in &c.mentions {
                    let t = doc.tokens.partition_point(|t| t.end <= m.start);
                    for i in t.saturating_sub(3)..t {
                        if doc.is_word(i) && doc.sentence[i] == doc.sentence[t.min(doc.tokens.len() - 1)] {
                            words.push((m.start, plain(i)));
                        }
                    }
                    // an apposition after the name: "Ben Carson, a retired neurosurgeon,"
                    let end = doc.tokens.partition_point(|t| t.end <= m.end.saturating_sub(1)) + 1;
                    if doc.is_punct(end, ',') {
                        let mut i = end + 1;
                        while i < doc.tokens.len() && i <= end + 8 && doc.is_word(i) && doc.quote_of[i].is_none() && doc.sentence[i] == doc.sentence[end] {
                            words.push((m.start, plain(i)));
                            i += 1;
                        }
                    }
                }
                words
            })
            .collect();
    }

    /// The first person named in each sentence outside quotes. (Measured on PolNeAR dev: any
    /// later name of the sentence is a worse referent for the next pronoun than the first.)
    ///
    /// A sentence that opens with an introductory phrase ("In an interview with Rusty
    /// Humphries, Ham said ...", "While he served under Obama, Ham ...") has its subject after
    /// the phrase's comma.
    fn find_subjects(&mut self, doc: &Doc) {
        let main_clause: Vec<usize> = doc.sentences.iter().map(|&(start, end)| main_clause_start(doc, start, end)).collect();
        let mut first: Vec<Option<(usize, usize)>> = vec![None; doc.sentences.len()];
        for (id, c) in self.all.iter().enumerate() {
            if c.label != "PER" {
                continue;
            }
            for m in &c.mentions {
                let t = doc.tokens.partition_point(|t| t.end <= m.start);
                if t >= doc.tokens.len() || doc.quote_of[t].is_some() {
                    continue;
                }
                let s = doc.sentence[t];
                if t < main_clause[s] {
                    continue;
                }
                // "Clinton spokeswoman Jennifer Palmieri criticized ...": a name before a role
                // only says whose spokeswoman; the subject is named after it
                let end = doc.tokens.partition_point(|t| t.start < m.end);
                if doc.person_after_role(end, false).is_some() {
                    continue;
                }
                if first[s].is_none_or(|(pos, _)| m.start < pos) {
                    first[s] = Some((m.start, id));
                }
            }
        }
        self.subjects = first.into_iter().enumerate().filter_map(|(s, f)| f.map(|(pos, id)| (s, pos, id))).collect();
    }

    /// Sets each person's [`Gender`] from the evidence of the whole article.
    fn infer_genders(&mut self, doc: &Doc) {
        let mut votes = vec![(0i32, 0i32); self.all.len()];
        // honorifics and gendered roles beside a mention
        for (id, c) in self.all.iter().enumerate() {
            if c.label != "PER" {
                continue;
            }
            for m in &c.mentions {
                let t = doc.tokens.partition_point(|t| t.end <= m.start);
                let before = if t > 0 { doc.word(t - 1) } else { "" };
                match gender_of_word(before) {
                    Gender::Male => votes[id].0 += 3,
                    Gender::Female => votes[id].1 += 3,
                    Gender::Unknown => {}
                }
            }
            // a given name ("Brian Fallon"): the first word of the longest mention; a lone
            // given name ("Melanie") counts less, as some are surnames too ("Scott")
            if let Some(first) = c.key.first() {
                let weight = if c.key.len() > 1 { 2 } else { 1 };
                match given_name_gender(first) {
                    Some(true) => votes[id].0 += weight,
                    Some(false) => votes[id].1 += weight,
                    None => {}
                }
            }
            for title in &c.titles {
                for w in title.split_whitespace() {
                    match gender_of_word(&w.to_lowercase()) {
                        Gender::Male => votes[id].0 += 3,
                        Gender::Female => votes[id].1 += 3,
                        Gender::Unknown => {}
                    }
                }
            }
        }
        // pronouns (outside quotes) of a sentence naming one person only, and of the next
        // sentence when it names nobody; only for people with no evidence in their names, as
        // an article about a woman is full of "she" beside the man she talks about
        let mut pronoun_votes = vec![(0i32, 0i32); self.all.len()];
        let mut people_in: Vec<Vec<usize>> = vec![Vec::new(); doc.sentences.len()];
        for (id, c) in self.all.iter().enumerate() {
            if c.label == "PER" {
                for m in &c.mentions {
                    let s = doc.sentence_at_char(m.start);
                    if !people_in[s].contains(&id) {
                        people_in[s].push(id);
                    }
                }
            }
        }
        for (s, people) in people_in.iter().enumerate() {
            let [id] = people.as_slice() else { continue };
            let mut range = doc.sentences[s].0..doc.sentences[s].1;
            if people_in.get(s + 1).is_some_and(Vec::is_empty) {
                range.end = doc.sentences[s + 1].1;
            }
            for t in range {
                if doc.quote_of[t].is_some() || !doc.is_word(t) {
                    continue;
                }
                match doc.word(t) {
                    "he" | "him" | "his" | "himself" => pronoun_votes[*id].0 += 1,
                    "she" | "her" | "hers" | "herself" => pronoun_votes[*id].1 += 1,
                    _ => {}
                }
            }
        }
        for (vote, pronouns) in votes.iter_mut().zip(pronoun_votes) {
            if *vote == (0, 0) {
                *vote = pronouns;
            }
        }
        for (c, (male, female)) in self.all.iter_mut().zip(votes) {
            c.gender = if male > female {
                Gender::Male
            } else if female > male {
                Gender::Female
            } else {
                Gender::Unknown
            };
        }
    }

    /// The cluster of a name mention, created if new; the mention is recorded.
    pub fn add_name(&mut self, doc: &Doc, start: usize, end: usize, label: &'static str) -> usize {
        let key = name_key(doc, start, end);
        let (char_start, char_end) = doc.char_span(start, end);
        let span = TextSpan { text: doc.span_text(start, end), start: char_start, end: char_end };
        let found = self.all.iter().position(|c| c.label == label && same_referent(&c.key, &key)).or_else(|| self.first_name_of(&key, label));
        let id = match found {
            Some(id) => id,
            None => {
                self.all.push(Cluster {
                    key: key.clone(),
                    name: String::new(),
                    label,
                    mentions: Vec::new(),
                    titles: Vec::new(),
                    roles: HashMap::new(),
                    last_salient: char_start,
                    last_spoke: None,
                    gender: Gender::Unknown,
                });
                self.all.len() - 1
            }
        };
        let c = &mut self.all[id];
        if key.len() > c.key.len() || c.name.is_empty() {
            c.key = key;
            c.name = strip_honorifics(&span.text);
        }
        if !c.mentions.iter().any(|m| m.start == span.start) {
            c.mentions.push(span);
            let (titles, roles) = titles_around(doc, start, end);
            for t in titles {
                if !c.titles.contains(&t) {
                    c.titles.push(t);
                }
            }
            for r in roles {
                c.roles.insert(r, 1.0);
            }
        }
        id
    }

    /// "his wife, Jane, ..." before "Jane Sanders": a given name met before the full name
    /// joins the full name's cluster, on the terms of [`Clusters::first_name_of`].
    fn merge_given_names(&mut self) {
        let mut i = 0;
        while i < self.all.len() {
            let target = match self.all[i].key.as_slice() {
                [word] if self.all[i].label == "PER" => self.full_name_starting_with(word, Some(i)),
                _ => None,
            };
            let Some(j) = target else {
                i += 1;
                continue;
            };
            let given = self.all.remove(i);
            let full = &mut self.all[if j > i { j - 1 } else { j }];
            full.mentions.extend(given.mentions);
            full.mentions.sort_by_key(|m| m.start);
            for t in given.titles {
                if !full.titles.contains(&t) {
                    full.titles.push(t);
                }
            }
            for (r, w) in given.roles {
                full.roles.entry(r).or_insert(w);
            }
            full.last_salient = full.last_salient.min(given.last_salient);
        }
    }

    /// "Hillary" after "Hillary Clinton": a person's given name alone refers to the one person
    /// of the article so named, unless it is also someone's surname ("Frank" beside "Thomas
    /// Frank" and "Frank Lowe" stays apart).
    fn first_name_of(&self, key: &[String], label: &str) -> Option<usize> {
        match key {
            [word] if label == "PER" => self.full_name_starting_with(word, None),
            _ => None,
        }
    }

    /// The one person cluster whose full name starts with `word`, if no cluster but `except`
    /// has `word` as its last name word and no other full name starts with it.
    fn full_name_starting_with(&self, word: &String, except: Option<usize>) -> Option<usize> {
        if self.all.iter().enumerate().any(|(j, c)| Some(j) != except && c.key.last() == Some(word)) {
            return None;
        }
        let mut named = self.all.iter().enumerate().filter(|(_, c)| c.label == "PER" && c.key.len() >= 2 && c.key.first() == Some(word));
        match (named.next(), named.next()) {
            (Some((id, _)), None) => Some(id),
            _ => None,
        }
    }

    /// "his Russian counterpart Sergey Lavrov": a counterpart holds the same office as the
    /// other person of the sentence, so it inherits that person's role words at half weight.
    fn inherit_counterpart_roles(&mut self, doc: &Doc) {
        let mut inherited: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, c) in self.all.iter().enumerate() {
            if !c.roles.contains_key("counterpart") {
                continue;
            }
            let sentences: Vec<usize> = c.mentions.iter().map(|m| doc.sentence_at_char(m.start)).collect();
            for (j, other) in self.all.iter().enumerate() {
                if i != j && other.mentions.iter().any(|m| sentences.contains(&doc.sentence_at_char(m.start))) {
                    let words = other.roles.iter().filter(|(w, &wt)| wt >= 1.0 && !is_nationality(w)).map(|(w, _)| w.clone()).collect();
                    inherited.push((i, words));
                }
            }
        }
        for (i, words) in inherited {
            for w in words {
                self.all[i].roles.entry(w).or_insert(0.5);
            }
        }
    }

    /// The best cluster for a nominal mention at `char_pos`, by role overlap, then recency.
    pub fn resolve_nominal(&self, words: &[String], char_pos: usize) -> Option<usize> {
        self.best_person(char_pos, true, |_, c| {
            let score: f32 = words.iter().filter_map(|w| c.role_weight(w)).sum();
            (score > 0.0).then_some(score)
        })
    }

    /// Among the people named before `char_pos` (or at it, when `at_too`), the one `score`
    /// rates highest, then the most recently salient; `score` returns None to pass one over.
    fn best_person(&self, char_pos: usize, at_too: bool, score: impl Fn(usize, &Cluster) -> Option<f32>) -> Option<usize> {
        let mut best: Option<(usize, f32, usize)> = None;
        for (id, c) in self.all.iter().enumerate() {
            let named_before = c.mentions.first().is_some_and(|m| m.start < char_pos || (at_too && m.start == char_pos));
            if c.label != "PER" || !named_before {
                continue;
            }
            let Some(score) = score(id, c) else { continue };
            let recency = c.last_salient.min(char_pos);
            if best.is_none_or(|(_, s, r)| score > s || (score == s && recency > r)) {
                best = Some((id, score, recency));
            }
        }
        best.map(|(id, ..)| id)
    }

    /// The referent of a description that names nobody ("the newspaper", "the Indiana
    /// governor", "The Republican nominee", "the commission"), from what the article says about
    /// its entities, in this order:
    /// 1. an organisation word ("commission", "bank", "newspaper") goes to an organisation
    ///    named before: one whose name holds the word ("the Commission on Presidential
    ///    Debates"), else one of the kind the word names ("The Washington Post" for "the
    ///    newspaper"), the most recently salient first;
    /// 2. a person's role goes to the person whose titles share it, weighed as
    ///    [`Self::resolve_nominal`] does, plus the modifiers seen right before the person's
    ///    names ("Indiana Gov. Mike Pence" for "the Indiana governor");
    /// 3. a singular person description that matched nobody goes to the article's most
    ///    mentioned person named before it (news describes its protagonist: "the New York
    ///    businessman" is the Trump of an article about Trump).
    pub fn resolve_description(&self, doc: &Doc, start: usize, end: usize, char_pos: usize) -> Option<usize> {
        // "Mr. King" is a name whose word is also a role
        let honorific = |i: usize| matches!(doc.word(i).trim_end_matches('.'), "mr" | "mrs" | "ms" | "dr" | "prof" | "sir" | "dame" | "lord" | "lady");
        if let Some(at) = (start..end).find(|&i| honorific(i)) {
            let surname = (at + 1..end).find(|&i| doc.is_word(i) && !doc.is_punct(i, '.')).map(|i| doc.word(i).to_string())?;
            return self.all.iter().position(|c| c.label == "PER" && c.key.contains(&surname));
        }
        let words: Vec<String> = (start..end)
            .filter(|&i| doc.is_word(i))
            .map(|i| without_possessive(doc.word(i)).to_string())
            .filter(|w| !DETERMINERS.contains(&w.as_str()) && !w.is_empty())
            .collect();
        let head = words.last()?.clone();
        if DOCUMENTS.contains(&head.as_str()) {
            return self.named_with(doc, &head, char_pos).or_else(|| self.issuer(char_pos)).or_else(|| self.author_just_before(doc, char_pos));
        }
        if OPINION_PIECES.contains(&head.as_str()) {
            return self.named_with(doc, &head, char_pos).or_else(|| self.author_just_before(doc, char_pos));
        }
        // "the editorial board", "the paper's editorial": a newspaper speaks
        let press = || organisation_kind("newspaper").unwrap_or(&[]);
        if words.iter().any(|w| w == "editorial") {
            return self.resolve_organisation("newspaper", press(), char_pos);
        }
        // "Ryan's office", "Clinton's campaign": an organisation word after a possessive name
        // speaks for the one named
        if head == "campaign" || organisation_kind(&head).is_some() {
            let possessor = (start..end).filter(|&i| doc.is_capitalized(i) && (doc.word(i).ends_with("'s") || doc.word(i).ends_with("’s") || doc.word(i + 1) == "'s" || doc.word(i + 1) == "’s")).find_map(|i| {
                let name = without_possessive(doc.word(i)).to_string();
                self.all.iter().position(|c| c.key.contains(&name))
            });
            if possessor.is_some() {
                return possessor;
            }
            // "the Obama administration", "the Jo Lee presidential campaign": the one named
            // right before the word, or before a lower-case word or two and the word
            let plain = |i: usize| doc.is_word(i) && !doc.is_capitalized(i) && doc.quote_of[i].is_none();
            let named = doc.named_inside(start, end).filter(|&(_, last, _)| last + 1 == end || (last + 3 >= end && (last..end - 1).all(plain))).and_then(|(first, last, _)| {
                let key = name_key(doc, first, last);
                self.all.iter().position(|c| same_referent(&c.key, &key))
            });
            if named.is_some() {
                return named;
            }
        }
        if head == "campaign" {
            // "the campaign" is an organisation named so, else the campaign of the candidate last heard
            return self.resolve_organisation(&head, &[], char_pos).or_else(|| self.latest(char_pos, &|c| c.label == "PER", &|c| c.last_salient_before(char_pos)).map(|(id, _)| id));
        }
        if let Some(kinds) = organisation_kind(&head) {
            // else, for a word any organisation may go by, the one last named ("Monsanto ...
            // the company said"); "the commission" or "the ministry" has a name of its own
            let generic = is_company_noun(&head) || matches!(head.as_str(), "organization" | "organisation" | "foundation" | "union" | "coalition" | "alliance" | "association");
            let latest_org = || self.latest(char_pos, &|c| c.label == "ORG" && !c.key.iter().any(|k| press().contains(&k.as_str())), &|c| c.last_salient_before(char_pos)).map(|(id, _)| id);
            // a trade ("the airline", "the automaker") says nothing of the legal form: the
            // last company named, not the last "Corp"; "the company" and "the firm" lean on it
            let trade = is_company_noun(&head) && !matches!(head.as_str(), "company" | "firm" | "group" | "corporation" | "giant" | "subsidiary" | "outlet" | "broadcaster" | "bank" | "lender");
            let kinds = if trade { &[] } else { kinds };
            // broadcasters mostly go by initials ("the network" after an "XTV" or a "KBC")
            let broadcaster = matches!(head.as_str(), "network" | "channel" | "station" | "broadcaster");
            let initials = |c: &Cluster| {
                let letters = c.name.chars().filter(|ch| ch.is_alphabetic()).count();
                c.label == "ORG" && (2..=5).contains(&letters) && !c.name.chars().any(char::is_lowercase) && !c.name.contains(' ')
            };
            let latest_initials = || self.latest(char_pos, &initials, &|c| c.last_salient_before(char_pos)).map(|(id, _)| id);
            return self
                .resolve_organisation(&head, kinds, char_pos)
                .or_else(|| generic.then(latest_org).flatten())
                .or_else(|| broadcaster.then(latest_initials).flatten());
        }
        if let Some(age) = age_epithet(&head) {
            // the one given that age in apposition, else the subject just talked about
            return self.aged(doc, age, char_pos).or_else(|| self.recent_subject(doc, char_pos));
        }
        if !(is_person_title(&head) || self.describes_someone(&head, char_pos)) {
            return None;
        }
        // no one the article calls a Democrat is "the Republican nominee"
        // ... and no one the article gave another head office is "the president" ("Alberta
        // Premier Jason Kenney" is not)
        let office_clash = |id: usize| OFFICES.contains(&head.as_str()) && !self.called(id, &head, char_pos) && OFFICES.iter().any(|o| *o != head && self.called(id, o, char_pos));
        // ... and "the trade minister" is someone the article called a minister, with no other
        // portfolio
        let portfolio_clash = |id: usize| has_portfolio(&words, &head) && (!self.called(id, &head, char_pos) || self.other_portfolio(id, &words, &head, char_pos));
        let fits = |id: usize| !contradicts(&words, |w| self.called(id, w, char_pos)) && !office_clash(id) && !portfolio_clash(id);
        if let Some(id) = self.resolve_person_description(&words, &head, char_pos) {
            // a title shared with the description's head but not its other words ("Sen. Joni
            // Ernst, R-Iowa" for "the Florida senator") gives way to the subject just before
            // ("the state's premier", "the country's president": a place or body in the
            // possessive only says whose office it is)
            let possessor = |w: &str| {
                matches!(w, "state" | "country" | "nation" | "city" | "province" | "region" | "territory" | "county" | "island" | "party" | "company" | "government")
                    && (start..end).any(|i| without_possessive(doc.word(i)) == w && (is_possessive(doc.word(i)) || matches!(doc.word(i + 1), "'s" | "’s")))
            };
            let partial = words.iter().any(|w| *w != head && !possessor(w) && !self.called(id, w, char_pos));
            if partial {
                if let Some(subject) = self.recent_subject(doc, char_pos).filter(|&s| s != id && fits(s)) {
                    return Some(subject);
                }
            }
            return Some(id);
        }
        // "its director general", "its chief executive": someone of an organisation, whom the
        // article did not call so; never the person it talked about last; nor is "her lawyer"
        // or "his spokesman" the one they work for
        if (start..end).find(|&i| doc.is_word(i)).is_some_and(|i| matches!(doc.word(i), "its" | "his" | "her" | "their")) {
            return None;
        }
        // the subject of this sentence or the one before: news varies the name of the person
        // it is talking about ("Donald Trump says ... . The Republican nominee noted ...")
        if let Some(id) = self.recent_subject(doc, char_pos).filter(|&id| fits(id)) {
            return Some(id);
        }
        let modifiers: Vec<&String> = words.iter().filter(|w| !is_role(w) && **w != head).collect();
        let named_before = |c: &Cluster| c.label == "PER" && c.mentions.first().is_some_and(|m| m.start < char_pos);
        let by_modifier = self
            .all
            .iter()
            .enumerate()
            .filter(|&(id, c)| named_before(c) && fits(id))
            .filter(|(id, _)| !modifiers.is_empty() && modifiers.iter().all(|m| self.said_before(*id, char_pos).any(|w| w == m.as_str())))
            .max_by_key(|(_, c)| c.last_salient_before(char_pos));
        if let Some((id, _)) = by_modifier {
            return Some(id);
        }
        // the protagonist: named at least twice as often as anyone else so far
        let mut counts: Vec<(usize, usize)> = self
            .all
            .iter()
            .enumerate()
            .filter(|&(id, c)| named_before(c) && fits(id))
            .map(|(id, c)| (c.mentions.iter().filter(|m| m.start < char_pos).count(), id))
            .collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let protagonist = match counts.as_slice() {
            [(_, id)] => Some(*id),
            [(top, id), (second, _), ..] if *top >= 2 * *second => Some(*id),
            _ => None,
        };
        // else the person named last, when just before: news varies a name it has just used
        // with a description ("... whether Sanders still senses anger, the Vermont senator
        // acknowledged")
        protagonist.or_else(|| {
            let (id, at) = self.latest(char_pos, &|c: &Cluster| c.label == "PER", &|c: &Cluster| c.last_salient_before(char_pos))?;
            (char_pos - at <= DESCRIPTION_REACH && fits(id)).then_some(id)
        })
    }

    /// The person the article gave `age` in apposition before `char_pos` ("Lena Fisk, 46,"),
    /// the most recently salient first.
    fn aged(&self, doc: &Doc, age: &str, char_pos: usize) -> Option<usize> {
        let given_age = |m: &TextSpan| {
            let after = doc.tokens.partition_point(|t| t.start < m.end);
            after + 1 < doc.tokens.len() && doc.is_punct(after, ',') && doc.word(after + 1) == age
        };
        self.latest(char_pos, &|c| c.label == "PER" && c.mentions.iter().any(|m| m.start < char_pos && given_age(m)), &|c| c.last_salient_before(char_pos)).map(|(id, _)| id)
    }

    /// Does the article call a person named before `char_pos` `head` ("investor Mark Cuban",
    /// "Ben Carson, a retired neurosurgeon,")?
    fn describes_someone(&self, head: &str, char_pos: usize) -> bool {
        self.all.iter().enumerate().any(|(id, c)| c.label == "PER" && c.mentions.first().is_some_and(|m| m.start < char_pos) && self.said_before(id, char_pos).any(|w| w == head))
    }

    /// The person a description fits best: one the article gave the description's head, as a
    /// role ("Gov. Chris Christie" for "the governor") or a word beside a name ("investor Mark
    /// Cuban" for "the investor"); among them, the one matching most of the other words
    /// ("Republican nominee Donald Trump" for "the Republican presidential nominee"), then
    /// the most recently salient.
    fn resolve_person_description(&self, words: &[String], head: &str, char_pos: usize) -> Option<usize> {
        let heads: Vec<&str> = expand_role(head);
        self.best_person(char_pos, false, |id, c| {
            let said_of = |w: &str| self.said_before(id, char_pos).any(|x| x == w);
            if !heads.iter().any(|h| self.called(id, h, char_pos)) {
                return None;
            }
            if contradicts(words, |w| self.called(id, w, char_pos)) {
                return None;
            }
            // a vice president is not "the president"
            let qualified = |q: &str| !words.iter().any(|w| w == q) && only_as_qualified(&c.titles, head, q);
            if ["vice", "deputy", "lieutenant", "assistant"].iter().any(|q| qualified(q)) {
                return None;
            }
            // the resources minister is not "the trade minister"
            if self.other_portfolio(id, words, head, char_pos) {
                return None;
            }
            let words = words.iter().flat_map(|w| expand_role(w));
            Some(words.map(|e| c.role_weight(e).unwrap_or(if said_of(e) { 1.0 } else { 0.0 })).sum())
        })
    }

    /// Does the article give cluster `id` the office `head` only with another portfolio than
    /// the description's ("the federal resources minister, Tom Walsh" for "the trade
    /// minister")? Words that rank or place an office ("former", "senior", "federal") are no
    /// portfolio, and a person the article ever calls by the description's word is not excluded.
    fn other_portfolio(&self, id: usize, words: &[String], head: &str, char_pos: usize) -> bool {
        if !has_portfolio(words, head) {
            return false;
        }
        let wanted = words[words.len() - 2].as_str();
        if self.called(id, wanted, char_pos) {
            return false;
        }
        // the word before each time the head was said of them, name by name
        let said: Vec<&(usize, String)> = self.context_words.get(id).into_iter().flatten().filter(|(at, _)| *at < char_pos).collect();
        let before_head: Vec<&str> = said.windows(2).filter(|w| w[0].0 == w[1].0 && w[1].1 == head).map(|w| w[0].1.as_str()).collect();
        !before_head.is_empty() && before_head.iter().all(|q| is_portfolio(q) && *q != wanted)
    }

    /// The person named first in the main clause of the sentence at `char_pos` (before it) or
    /// of the sentence before.
    fn recent_subject(&self, doc: &Doc, char_pos: usize) -> Option<usize> {
        let sentence = doc.sentence_at_char(char_pos);
        self.subjects
            .iter()
            .filter(|&&(s, pos, _)| pos < char_pos && s <= sentence && s + 1 >= sentence)
            .max_by_key(|&&(_, pos, _)| pos)
            .map(|&(_, _, id)| id)
    }

    /// "A Bloomberg poll shows ... according to the poll": the name the article last put
    /// before the same noun ("Bloomberg poll", "Jo Lee's book"), back to `DESCRIPTION_REACH`
    /// code points before `char_pos`.
    pub fn named_with(&self, doc: &Doc, noun: &str, char_pos: usize) -> Option<usize> {
        let here = doc.tokens.partition_point(|t| t.start < char_pos);
        (0..here).rev().take_while(|&i| char_pos - doc.tokens[i].start <= DESCRIPTION_REACH).find_map(|i| {
            if without_possessive(doc.word(i)) != noun || doc.quote_of[i].is_some() || i == 0 {
                return None;
            }
            // the name right before it, past a possessive ("Jo Lee's book")
            let last = if matches!(doc.word(i - 1), "'s" | "’s") { i.checked_sub(2)? } else { i - 1 };
            let e = doc.entity_ending[last]?;
            let (entity, start, _) = &doc.entities[e];
            speaker_label(&entity.label)?;
            let at = doc.tokens[*start].start;
            self.all.iter().position(|c| c.mentions.iter().any(|m| m.start == at))
        })
    }

    /// Who wrote a piece the sentence at `char_pos` quotes ("The Washington Post ran a feature
    /// on Saturday. The piece used ..."): the person or organisation the sentence before opens
    /// its main clause with, or this sentence before `char_pos`.
    fn author_just_before(&self, doc: &Doc, char_pos: usize) -> Option<usize> {
        let sentence = doc.sentence_at_char(char_pos);
        let opener = |s: usize| {
            let (start, end) = doc.sentences[s];
            let clause = main_clause_start(doc, start, end);
            let t = (clause..end).find(|&t| doc.is_word(t))?;
            // past a determiner, unless the name holds it ("The Washington Post")
            let t = if doc.entity_starting[t].is_none() && matches!(doc.word(t), "the" | "a" | "an") { t + 1 } else { t };
            let e = doc.entity_starting.get(t).copied().flatten().filter(|_| doc.quote_of[t].is_none())?;
            speaker_label(&doc.entities[e].0.label)?;
            // (a possessor opens no clause, "Jo Lee's views have taken their toll", unless
            // what it owns speaks for it: "Jo Lee's campaign sent an email")
            let last = doc.entities[e].2;
            let owned = if matches!(doc.word(last), "'s" | "’s") { Some(last + 1) } else { is_possessive(doc.word(last.saturating_sub(1))).then_some(last) };
            if owned.is_some_and(|o| { let w = doc.word(o); !(w == "campaign" || organisation_kind(w).is_some() || is_role(w)) }) {
                return None;
            }
            let at = doc.tokens[t].start;
            (at < char_pos).then(|| self.all.iter().position(|c| c.mentions.iter().any(|m| m.start == at))).flatten()
        };
        opener(sentence).or_else(|| sentence.checked_sub(1).and_then(opener))
    }

    /// Has the article called cluster `id` `word` before `char_pos`, in a title or role
    /// ("Gov. Chris Christie") or a word beside a name ("investor Mark Cuban")?
    fn called(&self, id: usize, word: &str, char_pos: usize) -> bool {
        self.all[id].roles.contains_key(word) || self.said_before(id, char_pos).any(|w| w == word)
    }

    /// The words seen around cluster `id`'s names before `char_pos` (see `context_words`).
    fn said_before(&self, id: usize, char_pos: usize) -> impl Iterator<Item = &str> {
        self.context_words.get(id).into_iter().flatten().filter(move |(at, _)| *at < char_pos).map(|(_, w)| w.as_str())
    }

    /// Who issued a document the text quotes ("the statement said"): the one last heard, when
    /// they spoke at most [`ISSUER_REACH`] code points before.
    fn issuer(&self, char_pos: usize) -> Option<usize> {
        let (id, spoke) = self.latest(char_pos, &|_| true, &|c| c.last_spoke)?;
        (char_pos - spoke <= ISSUER_REACH).then_some(id)
    }

    /// The cluster `wanted` accepts whose position `key` is latest at or before `char_pos`, with
    /// that position.
    fn latest(&self, char_pos: usize, wanted: &dyn Fn(&Cluster) -> bool, key: &dyn Fn(&Cluster) -> Option<usize>) -> Option<(usize, usize)> {
        self.all
            .iter()
            .enumerate()
            .filter(|(_, c)| wanted(c))
            .filter_map(|(id, c)| key(c).filter(|&p| p <= char_pos).map(|p| (id, p)))
            .max_by_key(|&(_, p)| p)
    }

    /// Organisation for the description word `head` of kind `kinds` (see [`organisation_kind`]).
    fn resolve_organisation(&self, head: &str, kinds: &[&str], char_pos: usize) -> Option<usize> {
        let candidates = || {
            self.all
                .iter()
                .enumerate()
                .filter(|(_, c)| c.label == "ORG")
                .filter_map(|(id, c)| c.last_salient_before(char_pos).map(|p| (id, c, p)))
        };
        let holds = |c: &Cluster, words: &[&str]| c.key.iter().any(|k| words.contains(&k.as_str()));
        candidates()
            .filter(|(_, c, _)| holds(c, &[head]))
            .max_by_key(|&(_, _, p)| p)
            .or_else(|| candidates().filter(|(_, c, _)| holds(c, kinds)).max_by_key(|&(_, _, p)| p))
            .map(|(id, ..)| id)
    }

    /// The referent of a pronoun at `char_pos`: the most recent speaker of a compatible kind
    /// (news reports chains of quotes by the same person), or failing that the most recently
    /// named one. "they" prefers organisations, then anyone; "it" is an organisation, the one
    /// last named or heard.
    ///
    /// he/she: a compatible person named first in one of the last sentences, after the last
    /// compatible speaker spoke, wins over that speaker ("Scott responded with logic. “You got
    /// a choice,” he said."). Gender comes from [`Gender`].
    ///
    /// With a learned model ([`Clusters::use_model`]) that choice is one feature among the
    /// candidates' ([`Clusters::pronoun_candidates`]) and the best-scored candidate wins.
    pub fn resolve_pronoun(&mut self, doc: &Doc, kind: PronounKind, char_pos: usize, sentence: usize) -> Option<usize> {
        let cascade = self.cascade_pronoun(doc, kind, char_pos, sentence);
        if self.model.is_none() && self.choices.is_none() {
            return cascade;
        }
        let candidates = self.pronoun_candidates(doc, kind, char_pos, sentence, cascade);
        let chosen = match self.model {
            Some(model) => candidates
                .iter()
                .enumerate()
                .map(|(i, (_, features))| (i, model.score(features)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(i, _)| i),
            None => candidates.iter().position(|(id, _)| Some(*id) == cascade),
        };
        let answer = chosen.map(|i| candidates[i].0);
        if let Some(choices) = self.choices.as_mut() {
            choices.push(PronounChoice {
                start: char_pos,
                kind: kind.name(),
                cascade: candidates.iter().position(|(id, _)| Some(*id) == cascade),
                chosen,
                candidates: candidates
                    .into_iter()
                    .map(|(id, features)| Candidate { name: self.all[id].name.clone(), label: self.all[id].label, features })
                    .collect(),
            });
        }
        answer
    }

    /// Uses `model` to choose pronoun referents (`None`: the rules' choice alone).
    pub fn use_model(&mut self, model: Option<&'static SpeakerModel>) {
        self.model = model;
    }

    /// Keeps every pronoun choice from now on, for [`Clusters::take_choices`].
    pub fn record_choices(&mut self) {
        self.choices = Some(Vec::new());
    }

    /// The pronoun choices recorded so far.
    pub fn take_choices(&mut self) -> Vec<PronounChoice> {
        self.choices.take().unwrap_or_default()
    }

    /// The clusters a pronoun at `char_pos` may name, most recently salient first (at most
    /// [`PRONOUN_CANDIDATES`], plus the rules' choice `cascade` if older), each with its
    /// features in [`FEATURES`] order:
    ///
    /// - `cascade`: the rules' choice ([`Clusters::resolve_pronoun`]'s cascade);
    /// - `latest_speaker`, `has_spoken`, `spoke_distance`: the candidate spoke last of all
    ///   candidates; spoke at all before; ln(1 + code points since it spoke / 100);
    /// - `salience_rank`, `salience_distance`: ln(1 + its rank by last mention or speech);
    ///   ln(1 + code points since / 100);
    /// - `subject_within_reach`, `latest_subject`, `subject_this_sentence`,
    ///   `subject_previous_sentence`: first person named in the main clause of one of the last
    ///   [`SUBJECT_REACH`] sentences; the latest such; of the pronoun's sentence (before it);
    ///   of the sentence before;
    /// - `gender_agrees`, `gender_contradicts`: the article's evidence of its gender ([`Gender`])
    ///   against he/she;
    /// - `mentions`: ln(1 + its mentions before the pronoun);
    /// - `first_person_named`: the article's first person named (often whom it is about);
    /// - `organisation`: an ORG;
    /// - `named_in_paragraph`, `named_in_previous_paragraph`: a mention in the pronoun's
    ///   paragraph, in the one before;
    /// - `mention_share`, `most_mentioned`: its share of the candidates' mentions so far; the
    ///   most mentioned (whom the article is about);
    /// - `described_nearby`: a role word the article gave it ("president") in this sentence or
    ///   the one before, outside quotes ("The president's roots ... he told ...").
    fn pronoun_candidates(&self, doc: &Doc, kind: PronounKind, char_pos: usize, sentence: usize, cascade: Option<usize>) -> Vec<(usize, Vec<f32>)> {
        let fits = |c: &Cluster| match kind {
            PronounKind::Male | PronounKind::Female | PronounKind::Local => c.label == "PER",
            PronounKind::Thing => c.label == "ORG",
            PronounKind::Plural => true,
        };
        let mut salient: Vec<(usize, usize)> =
            self.all.iter().enumerate().filter(|(_, c)| fits(c)).filter_map(|(id, c)| c.last_salient_before(char_pos).map(|p| (id, p))).collect();
        salient.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        salient.truncate(PRONOUN_CANDIDATES);
        if let Some(id) = cascade.filter(|id| !salient.iter().any(|(c, _)| c == id)) {
            salient.push((id, self.all[id].last_salient_before(char_pos).unwrap_or(0)));
        }
        let spoke = |id: usize| self.all[id].last_spoke.filter(|&p| p <= char_pos);
        let latest_speaker = salient.iter().filter_map(|&(id, _)| spoke(id).map(|p| (id, p))).max_by_key(|&(_, p)| p).map(|(id, _)| id);
        let subjects: Vec<(usize, usize, usize)> =
            self.subjects.iter().copied().filter(|&(s, pos, _)| pos < char_pos && s <= sentence && s + SUBJECT_REACH >= sentence).collect();
        let latest_subject = subjects.iter().max_by_key(|&&(_, pos, _)| pos).map(|&(_, _, id)| id);
        let first_person = self.all.iter().enumerate().filter(|(_, c)| c.label == "PER").filter_map(|(id, c)| c.mentions.iter().map(|m| m.start).min().map(|p| (id, p))).min_by_key(|&(_, p)| p).map(|(id, _)| id);
        let paragraph_at = |pos: usize| doc.tokens.get(doc.tokens.partition_point(|t| t.end <= pos).min(doc.tokens.len().saturating_sub(1))).map_or(0, |t| t.paragraph);
        let paragraph = paragraph_at(char_pos);
        let mentions_before = |id: usize| self.all[id].mentions.iter().filter(|m| m.start < char_pos).count();
        let all_mentions: usize = salient.iter().map(|&(id, _)| mentions_before(id)).sum();
        let most_mentions = salient.iter().map(|&(id, _)| mentions_before(id)).max().unwrap_or(0);
        // role words of this sentence and the one before, outside quotes and before the pronoun
        let pronoun_token = doc.tokens.partition_point(|t| t.end <= char_pos);
        let from = doc.sentences[sentence.saturating_sub(1).min(doc.sentences.len() - 1)].0;
        let nearby_roles: Vec<&str> = (from..pronoun_token.min(doc.tokens.len()))
            .filter(|&i| doc.quote_of[i].is_none() && doc.is_word(i) && is_role(doc.word(i)))
            .map(|i| doc.word(i))
            .collect();
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let distance = |from: usize| ((char_pos.saturating_sub(from)) as f32 / 100.0).ln_1p();
        salient
            .iter()
            .enumerate()
            .map(|(rank, &(id, last))| {
                let c = &self.all[id];
                let before: Vec<usize> = c.mentions.iter().map(|m| m.start).filter(|&p| p < char_pos).collect();
                let is_subject_in = |wanted: &dyn Fn(usize) -> bool| subjects.iter().any(|&(s, _, sid)| sid == id && wanted(s));
                let paragraphs: Vec<usize> = before.iter().map(|&p| paragraph_at(p)).collect();
                let agrees = matches!((kind, c.gender), (PronounKind::Male, Gender::Male) | (PronounKind::Female, Gender::Female));
                let contradicts = matches!((kind, c.gender), (PronounKind::Male, Gender::Female) | (PronounKind::Female, Gender::Male));
                let features = vec![
                    flag(Some(id) == cascade),
                    flag(Some(id) == latest_speaker),
                    flag(spoke(id).is_some()),
                    spoke(id).map_or(0.0, distance),
                    (rank as f32).ln_1p(),
                    distance(last),
                    flag(is_subject_in(&|_| true)),
                    flag(Some(id) == latest_subject),
                    flag(is_subject_in(&|s| s == sentence)),
                    flag(is_subject_in(&|s| s + 1 == sentence)),
                    flag(agrees),
                    flag(contradicts),
                    (before.len() as f32).ln_1p(),
                    flag(Some(id) == first_person),
                    flag(c.label == "ORG"),
                    flag(paragraphs.contains(&paragraph)),
                    flag(paragraph > 0 && paragraphs.contains(&(paragraph - 1))),
                    if all_mentions > 0 { before.len() as f32 / all_mentions as f32 } else { 0.0 },
                    flag(before.len() == most_mentions && most_mentions > 0),
                    flag(nearby_roles.iter().any(|w| c.roles.get(*w).is_some_and(|&weight| weight >= 1.0))),
                ];
                debug_assert_eq!(features.len(), FEATURES.len());
                (id, features)
            })
            .collect()
    }

    /// The rules' referent of a pronoun (see [`Clusters::resolve_pronoun`]).
    fn cascade_pronoun(&self, doc: &Doc, kind: PronounKind, char_pos: usize, sentence: usize) -> Option<usize> {
        // a person whose gender does not contradict the pronoun's
        let agrees = |c: &Cluster| {
            c.label == "PER"
                && match kind {
                    PronounKind::Male => c.gender != Gender::Female,
                    PronounKind::Female => c.gender != Gender::Male,
                    _ => true,
                }
        };
        if matches!(kind, PronounKind::Male | PronounKind::Female) {
            let subject = self
                .subjects
                .iter()
                .filter(|&&(s, pos, id)| pos < char_pos && s + SUBJECT_REACH >= sentence && s <= sentence && agrees(&self.all[id]))
                .max_by_key(|&&(_, pos, _)| pos);
            if let Some(&(_, pos, id)) = subject {
                let speaker_after = self.all.iter().filter(|c| agrees(c)).filter_map(|c| c.last_spoke).filter(|&p| p <= char_pos).any(|p| p > pos);
                if !speaker_after {
                    return Some(id);
                }
            }
        }
        let latest = |wanted: &dyn Fn(&Cluster) -> bool, key: &dyn Fn(&Cluster) -> Option<usize>| {
            self.latest(char_pos, wanted, key).map(|(id, _)| id)
        };
        let person = |c: &Cluster| c.label == "PER";
        let org = |c: &Cluster| c.label == "ORG";
        let anyone = |_: &Cluster| true;
        let spoke = |c: &Cluster| c.last_spoke;
        let named = |c: &Cluster| c.last_salient_before(char_pos);
        match kind {
            PronounKind::Male | PronounKind::Female => latest(&agrees, &spoke).or_else(|| latest(&agrees, &named)).or_else(|| latest(&person, &spoke)),
            PronounKind::Local => latest(&person, &spoke).or_else(|| latest(&person, &named)),
            PronounKind::Plural => {
                latest(&org, &spoke).or_else(|| latest(&anyone, &spoke)).or_else(|| latest(&org, &named)).or_else(|| latest(&anyone, &named))
            }
            // "it" is never a person: the organisation that spoke in this sentence or the one
            // before ("The ministry said it had secured doses from Covax. It added ..."), else
            // the one last named or heard
            PronounKind::Thing => {
                let spoke_just_before = |c: &Cluster| c.last_spoke.filter(|&p| p < char_pos && doc.sentence_at_char(p) + 1 >= sentence);
                latest(&org, &spoke_just_before).or_else(|| latest(&org, &named))
            }
        }
    }

    /// The person a sentence is about: the first one named in its main clause, outside quotes,
    /// before `char_pos` (for a quote the sentence embeds without a cue: `Clinton supports
    /// "appropriate pay raises"`).
    pub fn subject_before(&self, sentence: usize, char_pos: usize) -> Option<usize> {
        self.subjects.iter().find(|&&(s, pos, _)| s == sentence && pos < char_pos).map(|&(_, _, id)| id)
    }

    /// Records that cluster `id` spoke at `char_pos`.
    pub fn spoke(&mut self, id: usize, char_pos: usize) {
        let c = &mut self.all[id];
        c.last_spoke = Some(char_pos);
        c.last_salient = c.last_salient.max(char_pos);
    }

    /// The event's view of the clusters that speak or are named.
    pub fn to_schema(&self) -> Vec<SpeakerCluster> {
        self.all
            .iter()
            .enumerate()
            .map(|(id, c)| {
                let mut mentions = c.mentions.clone();
                mentions.sort_by_key(|m| m.start);
                SpeakerCluster { id: cluster_id(id), name: c.name.clone(), label: c.label.to_string(), mentions, titles: c.titles.clone() }
            })
            .collect()
    }
}

impl Cluster {
    /// How much role word `word` ties a description to the cluster: its weight in `roles`,
    /// doubled for a nationality ("the Russian FM"), or None when the cluster lacks it.
    fn role_weight(&self, word: &str) -> Option<f32> {
        self.roles.get(word).map(|weight| if is_nationality(word) { 2.0 * weight } else { *weight })
    }

    /// Latest position before `char_pos` where the cluster was named or spoke.
    fn last_salient_before(&self, char_pos: usize) -> Option<usize> {
        let named = self.mentions.iter().filter(|m| m.start < char_pos).map(|m| m.start).max();
        let spoke = self.last_spoke.filter(|&p| p <= char_pos);
        named.max(spoke)
    }
}

/// Do `titles` hold `head` ("president") and always right after `qualifier` ("Vice President")?
fn only_as_qualified(titles: &[String], head: &str, qualifier: &str) -> bool {
    let mut seen = false;
    for title in titles {
        let words: Vec<String> = title.split(|c: char| c.is_whitespace() || c == '-').map(|w| w.trim_end_matches('.').to_lowercase()).collect();
        for (i, w) in words.iter().enumerate() {
            if w == head {
                if i == 0 || words[i - 1] != qualifier {
                    return false;
                }
                seen = true;
            }
        }
    }
    seen
}

/// Modifiers that exclude each other: "the Republican nominee" is not the one the article
/// calls the Democratic nominee.
const RIVAL_MODIFIERS: &[(&[&str], &[&str])] = &[(&["republican", "gop"], &["democratic", "democrat"])];

/// Does a description holding `words` contradict a person the article describes with the words
/// `has` accepts (one side of a rival pair and not the other)?
fn contradicts(words: &[String], has: impl Fn(&str) -> bool) -> bool {
    let holds = |side: &[&str]| words.iter().any(|w| side.contains(&w.as_str()));
    let said = |side: &[&str]| side.iter().any(|w| has(w));
    RIVAL_MODIFIERS.iter().any(|(a, b)| (holds(a) && said(b) && !said(a)) || (holds(b) && said(a) && !said(b)))
}

/// The gender an honorific or role word implies.
fn gender_of_word(word: &str) -> Gender {
    match word.trim_end_matches('.') {
        "mr" | "sir" | "lord" | "king" | "prince" | "congressman" | "chairman" | "spokesman" | "businessman" | "councilman" | "assemblyman"
        | "husband" | "father" | "son" | "brother" | "uncle" | "grandfather" | "boyfriend" => Gender::Male,
        "mrs" | "ms" | "miss" | "madam" | "dame" | "lady" | "queen" | "princess" | "congresswoman" | "chairwoman" | "spokeswoman"
        | "businesswoman" | "councilwoman" | "assemblywoman" | "wife" | "mother" | "daughter" | "sister" | "aunt" | "grandmother"
        | "girlfriend" | "widow" => Gender::Female,
        _ => Gender::Unknown,
    }
}

/// First token of a sentence's main clause: past an introductory phrase that opens with a
/// preposition or subordinator and ends at the first comma; the sentence start otherwise.
pub fn main_clause_start(doc: &Doc, start: usize, end: usize) -> usize {
    // "SYDNEY (Wire) - Premier Anna Cole ordered ...": the dateline is no part of the clause
    let start = after_dateline(doc, start, end);
    let opens_phrase = (start..end).find(|&t| doc.is_word(t)).is_some_and(|t| {
        let w = doc.word(t);
        // or a participle: "Chastened by the analyses, Trump revised his plan"
        let participle = w.len() > 5 && (w.ends_with("ed") || w.ends_with("ing")) && w != "according" && doc.entity_at[t].is_none();
        (INTRODUCTORY.contains(&w) || participle || opens_time_phrase(doc, t)) && doc.quote_of[t].is_none()
    });
    if !opens_phrase {
        return start;
    }
    // (the comma may close a short title in marks: 'On "Face the Nation," Sen. Jo Lee said')
    let closes_title = |t: usize| {
        doc.quote_of[t].is_some_and(|q| {
            let (_, open, close) = doc.quotes[q];
            close == t + 1 && (open + 1..t).filter(|&i| doc.is_word(i)).count() <= 5
        })
    };
    (start..end.min(start + 30))
        .find(|&t| doc.is_punct(t, ',') && (doc.quote_of[t].is_none() || closes_title(t)))
        .map_or(start, |comma| if doc.quote_of[comma].is_some() { comma + 2 } else { comma + 1 })
}

/// The first token of a sentence opening at token `start` past the dateline that opens its
/// line, if one does ("OSLO (Reuters) - "); `start` otherwise.
fn after_dateline(doc: &Doc, start: usize, end: usize) -> usize {
    let Some(first) = doc.tokens.get(start) else { return start };
    match wire::dateline_end(&doc.chars, first.start) {
        Some(past) => (start..end).find(|&t| doc.tokens[t].start >= past).unwrap_or(start),
        None => start,
    }
}

/// Does a time phrase open at token `t` and lead into the clause ("One month after ...,",
/// "Two days later,", "Hours before the vote,", "Last week,")?
fn opens_time_phrase(doc: &Doc, t: usize) -> bool {
    const UNITS: &[&str] = &["minute", "hour", "day", "week", "weekend", "month", "year", "decade", "morning", "afternoon", "evening", "night"];
    const QUANTITIES: &[&str] =
        &["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a", "several", "few", "many", "last", "this", "earlier", "late"];
    let w = doc.word(t);
    let unit_at = if QUANTITIES.contains(&w) || w.chars().all(|c| c.is_ascii_digit()) { t + 1 } else { t };
    let unit = doc.word(unit_at);
    let is_unit = UNITS.contains(&unit) || unit.strip_suffix('s').is_some_and(|u| UNITS.contains(&u));
    is_unit && (matches!(doc.word(unit_at + 1), "after" | "before" | "later" | "ago" | "earlier" | "into") || doc.is_punct(unit_at + 1, ','))
}

/// Words that open an introductory phrase before a sentence's subject.
const INTRODUCTORY: &[&str] = &[
    "in", "with", "after", "before", "during", "while", "when", "although", "though", "despite", "since", "as", "at", "on",
    "unlike", "like", "for", "following", "speaking", "asked", "if", "because", "whereas", "from", "under", "over", "once",
    "to", "by", "against", "without", "through", "among", "amid", "beyond", "besides", "throughout", "meanwhile",
    "however", "instead", "still", "now", "later", "then", "also", "yet", "indeed", "again", "separately", "earlier",
];

/// The id of cluster `index` in events.
pub fn cluster_id(index: usize) -> String {
    format!("c{index}")
}

impl Doc {
    /// Sentence number of the token at a code point.
    pub fn sentence_at_char(&self, char_pos: usize) -> usize {
        let t = self.tokens.partition_point(|t| t.end <= char_pos).min(self.tokens.len().saturating_sub(1));
        self.sentence.get(t).copied().unwrap_or(0)
    }
}

/// Lowercase name words without honorifics and possessive endings.
fn name_key(doc: &Doc, start: usize, end: usize) -> Vec<String> {
    (start..end)
        .filter(|&i| doc.is_word(i))
        .map(|i| without_possessive(doc.word(i)).to_string())
        .filter(|w| !HONORIFICS.contains(&w.as_str()))
        .collect()
}

/// "Tleuberdi" and "Mr. Tleuberdi" refer to "Mukhtar Tleuberdi": one key's words end the other.
fn same_referent(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.ends_with(short) || (short.len() == 1 && long.last() == short.last())
}

fn strip_honorifics(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let skip = words.iter().take_while(|w| HONORIFICS.contains(&w.to_lowercase().as_str()) && words.len() > 1).count();
    let kept = words[skip.min(words.len().saturating_sub(1))..].join(" ");
    without_possessive(&kept).to_string()
}

/// Titles written next to a name: before it ("Foreign Minister", "his Russian counterpart")
/// and in an apposition after it (", Russia's foreign minister,").
fn titles_around(doc: &Doc, start: usize, end: usize) -> (Vec<String>, Vec<String>) {
    let mut titles = Vec::new();
    let mut roles = Vec::new();
    let mut first = start;
    while first > 0 && start - first < 5 {
        let w = doc.word(first - 1);
        if doc.is_word(first - 1) && doc.quote_of[first - 1].is_none() && (is_role(w) || is_nationality(w) || demonym(without_possessive(w)).is_some()) {
            first -= 1;
        } else {
            break;
        }
    }
    if first < start {
        titles.push(doc.span_text(first, start));
        roles.extend(role_words(doc, first, start));
    }
    if doc.is_punct(end, ',') {
        let mut last = end + 1;
        while last < doc.tokens.len() && last - end < 8 && doc.is_word(last) && doc.quote_of[last].is_none() {
            last += 1;
        }
        let words = role_words(doc, end + 1, last);
        if words.iter().any(|w| is_role(w)) && (last >= doc.tokens.len() || doc.is_punct(last, ',') || doc.is_punct(last, '.')) {
            titles.push(doc.span_text(end + 1, last));
            roles.extend(words);
        }
    }
    (titles, roles)
}

fn role_words(doc: &Doc, start: usize, end: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in start..end {
        let w = without_possessive(doc.word(i));
        if is_role(w) {
            out.extend(expand_role(w).into_iter().map(String::from));
        } else if is_nationality(w) {
            out.push(w.to_string());
        } else if let Some(adj) = demonym(w) {
            out.push(adj.to_string());
        }
    }
    out
}

/// How a mention was resolved, for the event.
pub fn resolution_of(m: &Mention) -> Resolution {
    match (&m.kind, m.appositive) {
        (_, true) => Resolution::Apposition,
        (MentionKind::Name { .. }, _) => Resolution::Explicit,
        (MentionKind::Pronoun(_), _) => Resolution::Pronoun,
        (MentionKind::Nominal { .. }, _) => Resolution::Nominal,
    }
}
