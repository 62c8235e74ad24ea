//! Word lists of the quote rules: reporting verbs (with inflections), titles and roles, their
//! abbreviations, nationalities, pronouns.
//!
//! Lists are data, kept here so the rules read as rules. Lookups are on lowercase words.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Reporting verbs, base forms. Regular inflections are generated; irregular ones follow.
const VERBS: &[&str] = &[
    "say", "tell", "add", "note", "stress", "highlight", "emphasize", "emphasise", "underline", "underscore", "warn",
    "explain", "argue", "claim", "insist", "announce", "declare", "state", "suggest", "reply", "respond", "acknowledge",
    "admit", "confirm", "deny", "urge", "predict", "describe", "mention", "comment", "remark", "report", "testify",
    "tweet", "post", "write", "recall", "continue", "conclude", "promise", "vow", "complain", "charge", "accuse", "ask",
    "assert", "maintain", "contend", "observe", "reiterate", "repeat", "recount", "inform", "caution", "concede",
    "allege", "boast", "brag", "cry", "shout", "yell", "whisper", "joke", "quip", "muse", "reckon", "estimate",
    "forecast", "agree", "object", "protest", "propose", "recommend", "demand", "advise", "assure", "reassure",
    "pledge", "threaten", "indicate", "hint", "reveal", "disclose", "specify", "clarify", "elaborate", "counter",
    "retort", "dispute", "question", "wonder", "speculate", "affirm", "attest", "swear", "guarantee", "confess",
    "lament", "grumble", "criticize", "criticise", "condemn", "denounce", "slam", "blast", "praise", "hail", "welcome",
    "thank", "brief", "notify", "remind", "outline", "detail", "cite", "quote", "point", "signal", "imply", "stress",
    "believe", "think", "feel", "fear", "hope", "expect", "recognize", "recognise", "summarize", "summarise", "emphasis",
    "tout", "insinuate", "scoff", "snap", "sigh", "exclaim", "proclaim", "pronounce", "announce", "rule", "find",
    "conclude", "tell", "speak", "declare", "suggest", "opine", "posit", "theorize", "add", "sing", "chant",
    "mock", "dismiss", "joke", "insist", "plead", "beg", "scream", "tweet", "blame", "challenge", "call", "encourage",
    "bark", "fume", "gush", "rant", "rail", "chide", "marvel", "crow", "sneer", "growl", "thunder", "interject",
    "concur", "reflect", "exult", "reason", "jest", "rave", "bellow", "mutter", "murmur", "stammer", "taunt", "scold",
    "answer", "echo",
];

/// Irregular and consonant-doubling forms, mapped to their base.
const IRREGULAR: &[(&str, &str)] = &[
    ("said", "say"), ("told", "tell"), ("wrote", "write"), ("written", "write"), ("writing", "write"),
    ("swore", "swear"), ("sworn", "swear"), ("spoke", "speak"), ("spoken", "speak"), ("thought", "think"),
    ("felt", "feel"), ("found", "find"), ("admitted", "admit"), ("admitting", "admit"), ("quipped", "quip"),
    ("quipping", "quip"), ("slammed", "slam"), ("slamming", "slam"), ("snapped", "snap"), ("bragged", "brag"),
    ("regretted", "regret"), ("committed", "commit"), ("cried", "cry"), ("cries", "cry"), ("replied", "reply"),
    ("replies", "reply"), ("denied", "deny"), ("denies", "deny"), ("testified", "testify"), ("testifies", "testify"),
    ("clarified", "clarify"), ("specified", "specify"), ("implied", "imply"), ("implies", "imply"),
];

/// Verbs whose object is the addressee before the content ("told reporters that ...").
const ADDRESSEE_VERBS: &[&str] = &["tell", "inform", "assure", "reassure", "remind", "brief", "warn", "urge", "ask", "advise", "notify"];

/// Verbs strong enough to introduce indirect speech by themselves.
const SPEECH_VERBS: &[&str] = &[
    "say", "tell", "add", "note", "stress", "highlight", "emphasize", "emphasise", "underline", "underscore", "warn",
    "explain", "argue", "claim", "insist", "announce", "declare", "state", "suggest", "reply", "respond", "acknowledge",
    "admit", "confirm", "deny", "predict", "mention", "comment", "remark", "report", "testify", "tweet", "write",
    "recall", "conclude", "promise", "vow", "complain", "charge", "assert", "maintain", "contend", "observe",
    "reiterate", "inform", "caution", "concede", "allege", "boast", "reveal", "disclose", "point", "indicate",
    "assure", "pledge", "hint", "believe", "think", "estimate", "reckon", "agree", "speculate", "wonder", "ask",
    "post", "continue", "counter", "retort", "recount", "describe", "urge", "fear", "expect", "hope", "feel", "find", "call", "encourage",
];

/// Titles and roles that name a person by office.
const ROLES: &[&str] = &[
    "minister", "president", "prime", "premier", "chancellor", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "ambassador", "diplomat", "envoy", "senator", "congressman", "congresswoman", "representative", "governor",
    "mayor", "chairman", "chairwoman", "chair", "director", "chief", "executive", "ceo", "cfo", "official",
    "officials", "head", "leader", "candidate", "nominee", "king", "queen", "prince", "general", "commander",
    "officer", "judge", "justice", "attorney", "lawyer", "prosecutor", "economist", "analyst", "professor",
    "expert", "founder", "manager", "adviser", "advisor", "aide", "strategist", "counterpart", "deputy", "speaker",
    "mp", "mep", "pm", "fm", "ambassador", "foreign", "defense", "defence", "finance", "interior", "justice",
    "police", "sheriff", "coach", "player", "author", "researcher", "scientist", "doctor", "dr", "mr", "mrs", "ms",
    "sen", "rep", "gov", "gen", "campaign", "manager", "pollster", "host", "anchor", "reporter", "editor", "activist",
    "owner", "employee", "worker", "resident", "voter", "supporter", "critic", "source", "sources", "witness",
    "colleague", "partner", "chairperson", "secretary-general", "vice", "vice-president", "businessman", "billionaire",
    "republican", "democrat", "lawmaker", "legislator", "statesman", "delegate", "commissioner", "administrator",
    "superintendent", "inspector", "detective", "investigator", "cardinal", "pope", "bishop", "rabbi", "imam",
    "consultant", "operative", "lobbyist", "columnist", "commentator", "correspondent", "historian", "scholar",
    "counsel", "treasurer", "organizer", "organiser", "physician", "pastor", "boss",
    // organisations named by what they are ("the ministry said")
    "ministry", "government", "company", "agency", "department", "committee", "embassy", "office", "court",
    "administration", "commission", "council", "firm", "bank", "union", "party", "campaign", "spokesperson",
    "network", "newspaper", "group", "organization", "organisation", "foundation", "board", "bureau", "institute",
    "coalition", "association", "fund", "corporation", "channel", "station", "magazine", "authority",
    "presidency", "cabinet", "parliament", "secretariat",
];

/// Nouns that describe a business or a public body by what it does ("the lender said", "the
/// planemaker said", "the regulator said"): generic categories, no names. Any "-maker"
/// ("carmaker", "chipmaker") is one too, as is "the iPhone maker".
const COMPANY_NOUNS: &[&str] = &[
    "lender", "consultancy", "insurer", "reinsurer", "retailer", "manufacturer", "miner", "airline", "carrier", "utility",
    "conglomerate", "startup", "start-up", "brokerage", "refiner", "regulator", "watchdog", "distributor",
    "shipper", "shipbuilder", "operator", "supplier", "exporter", "publisher", "broadcaster", "outlet",
    "subsidiary", "giant", "bank", "company", "firm", "group", "corporation", "maker", "provider", "chain", "meatpacker",
];

/// "-makers" that are people, not businesses ("the lawmaker said" is a legislator).
const PERSON_MAKERS: &[&str] = &[
    "lawmaker", "policymaker", "policy-maker", "decision-maker", "decisionmaker", "filmmaker", "film-maker", "moviemaker",
    "peacemaker", "kingmaker", "troublemaker", "rainmaker", "matchmaker", "homemaker", "dressmaker", "merrymaker",
];

/// A word that describes an organisation by its trade (see [`COMPANY_NOUNS`]).
pub fn is_company_noun(word: &str) -> bool {
    COMPANY_NOUNS.contains(&word) || (word.len() > 6 && word.ends_with("maker") && !PERSON_MAKERS.contains(&word))
}

/// Abbreviated roles and what they stand for.
const ROLE_ABBREVIATIONS: &[(&str, &[&str])] = &[
    ("fm", &["foreign", "minister"]),
    ("pm", &["prime", "minister"]),
    ("ceo", &["chief", "executive"]),
    ("cfo", &["chief", "financial", "officer"]),
    ("coo", &["chief", "operating", "officer"]),
    ("mp", &["member", "parliament"]),
    ("mep", &["member", "european", "parliament"]),
    ("sen", &["senator"]),
    ("sen.", &["senator"]),
    ("rep", &["representative"]),
    ("rep.", &["representative"]),
    ("gov", &["governor"]),
    ("gov.", &["governor"]),
    ("gen", &["general"]),
    ("gen.", &["general"]),
    ("amb", &["ambassador"]),
    ("sg", &["secretary", "general"]),
    ("vp", &["vice", "president"]),
    ("potus", &["president"]),
];

/// Courtesy titles dropped when comparing names.
pub const HONORIFICS: &[&str] = &[
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof.", "sir", "dame", "lord", "lady", "sen.", "sen",
    "rep.", "rep", "gov.", "gov", "gen.", "gen", "president", "minister", "senator", "governor", "secretary", "judge",
];

/// Nationality and place adjectives, mapped to a normal form.
const NATIONALITIES: &[&str] = &[
    "russian", "kazakh", "kazakhstani", "american", "british", "chinese", "french", "german", "italian", "spanish",
    "japanese", "korean", "indian", "iranian", "iraqi", "israeli", "palestinian", "syrian", "turkish", "ukrainian",
    "polish", "mexican", "canadian", "australian", "brazilian", "egyptian", "saudi", "afghan", "pakistani", "uzbek",
    "kyrgyz", "tajik", "turkmen", "belarusian", "georgian", "armenian", "azerbaijani", "european", "african", "asian",
    "cuban", "venezuelan", "dutch", "swedish", "norwegian", "danish", "finnish", "greek", "irish", "scottish", "welsh",
    "swiss", "austrian", "belgian", "hungarian", "czech", "romanian", "bulgarian", "serbian", "croatian", "nigerian",
    "kenyan", "south", "north", "democratic", "republican", "federal", "state", "local", "white", "senior", "top",
    "former", "u.s.", "us", "u.n.", "un", "eu", "nato", "chilean", "peruvian", "argentine", "argentinian",
    "colombian", "bolivian", "ecuadorian", "uruguayan", "paraguayan", "thai", "vietnamese", "indonesian",
    "malaysian", "filipino", "mongolian", "nepali", "bangladeshi", "lankan", "qatari", "emirati", "kuwaiti",
    "jordanian", "lebanese", "libyan", "tunisian", "moroccan", "algerian", "ethiopian", "ghanaian", "portuguese",
    "slovak", "slovenian", "estonian", "latvian", "lithuanian", "icelandic", "moldovan", "albanian", "bosnian",
    "macedonian", "montenegrin", "cypriot", "maltese", "singaporean", "taiwanese", "somali", "sudanese",
    "yemeni", "omani", "bahraini", "haitian", "jamaican", "dominican", "honduran", "guatemalan", "nicaraguan",
    "panamanian", "salvadoran", "zimbabwean", "zambian", "ugandan", "tanzanian", "rwandan", "senegalese",
    "malian", "nigerien", "congolese", "angolan", "mozambican", "namibian", "botswanan", "chinese", "hong",
];

/// Personal pronouns that can be speakers, by what they may refer to.
pub fn pronoun_kind(word: &str) -> Option<PronounKind> {
    Some(match word {
        "he" | "him" | "his" => PronounKind::Male,
        "she" | "her" | "hers" => PronounKind::Female,
        "they" | "them" | "their" => PronounKind::Plural,
        "it" | "its" => PronounKind::Thing,
        "i" | "we" | "you" | "me" | "us" => PronounKind::Local,
        _ => return None,
    })
}

/// "his", "her", "their", "its": a possessive that stands for its owner.
pub fn is_possessive_pronoun(word: &str) -> bool {
    matches!(word, "his" | "her" | "their" | "its")
}

/// What a pronoun may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PronounKind {
    /// he/him/his.
    Male,
    /// she/her.
    Female,
    /// they/them/their: people or an organisation.
    Plural,
    /// it/its: an organisation.
    Thing,
    /// I/we/you: speaker-relative, resolved like he/she to the current speaker.
    Local,
}

impl PronounKind {
    /// Lowercase name, for debugging output.
    pub fn name(self) -> &'static str {
        match self {
            PronounKind::Male => "male",
            PronounKind::Female => "female",
            PronounKind::Plural => "plural",
            PronounKind::Thing => "thing",
            PronounKind::Local => "local",
        }
    }
}

struct Tables {
    cues: HashMap<String, &'static str>,
    speech: HashSet<&'static str>,
    addressee: HashSet<&'static str>,
    roles: HashSet<&'static str>,
    abbreviations: HashMap<&'static str, &'static [&'static str]>,
    nationalities: HashSet<&'static str>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut cues = HashMap::new();
        for &base in VERBS {
            for form in inflections(base) {
                cues.entry(form).or_insert(base);
            }
        }
        for &(form, base) in IRREGULAR {
            cues.insert(form.to_string(), base);
        }
        Tables {
            cues,
            speech: SPEECH_VERBS.iter().copied().collect(),
            addressee: ADDRESSEE_VERBS.iter().copied().collect(),
            roles: ROLES.iter().copied().collect(),
            abbreviations: ROLE_ABBREVIATIONS.iter().copied().collect(),
            nationalities: NATIONALITIES.iter().copied().collect(),
        }
    })
}

/// Regular inflections of a verb: base, -s, -ed, -ing.
fn inflections(base: &str) -> Vec<String> {
    let mut forms = vec![base.to_string()];
    let stem_y = base.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'o', 'u']));
    match stem_y {
        Some(stem) => {
            forms.push(format!("{stem}ies"));
            forms.push(format!("{stem}ied"));
        }
        None if base.ends_with(['s', 'x', 'z']) || base.ends_with("sh") || base.ends_with("ch") => {
            forms.push(format!("{base}es"));
            forms.push(format!("{base}ed"));
        }
        None if base.ends_with('e') => {
            forms.push(format!("{base}s"));
            forms.push(format!("{base}d"));
        }
        None => {
            forms.push(format!("{base}s"));
            forms.push(format!("{base}ed"));
        }
    }
    let ing = match base.strip_suffix('e') {
        Some(stem) if !base.ends_with("ee") => format!("{stem}ing"),
        _ => format!("{base}ing"),
    };
    forms.push(ing);
    forms
}

/// The base form of a reporting verb, if `word` (lowercase) is one.
pub fn cue_base(word: &str) -> Option<&'static str> {
    tables().cues.get(word).copied()
}

/// Number of distinct reporting verbs known (for tests and docs).
pub fn cue_verb_count() -> usize {
    tables().cues.values().collect::<HashSet<_>>().len()
}

/// True for verbs that introduce indirect speech by themselves.
pub fn is_speech_verb(base: &str) -> bool {
    tables().speech.contains(base)
}

/// Verbs of thought and feeling among the cues ("believes", "hopes"): what follows them is
/// often a belief or a wish rather than speech.
const THOUGHT_VERBS: &[&str] = &["believe", "think", "hope", "fear", "expect", "feel", "wonder", "reckon", "estimate", "speculate", "find", "agree"];

/// True for a reporting verb of speech, not of thought ("said", "told", not "hopes").
pub fn reports_speech(word: &str) -> bool {
    cue_base(word).is_some_and(|base| !THOUGHT_VERBS.contains(&base))
}

/// True for verbs whose object is an addressee ("told reporters").
pub fn takes_addressee(base: &str) -> bool {
    tables().addressee.contains(base)
}

/// True for a role or title word (lowercase).
pub fn is_role(word: &str) -> bool {
    tables().roles.contains(word) || tables().abbreviations.contains_key(word)
}

/// A role word expanded: abbreviations to their words, others to themselves.
pub fn expand_role(word: &str) -> Vec<&str> {
    match tables().abbreviations.get(word) {
        Some(words) => words.to_vec(),
        None => vec![word],
    }
}

/// True for a nationality or similar modifier (lowercase).
pub fn is_nationality(word: &str) -> bool {
    tables().nationalities.contains(word)
}

/// Common English given names read as male, for pronoun agreement only ("she" never resolves
/// to a "Brian"). A name missing here simply has no gender evidence.
const MALE_GIVEN_NAMES: &[&str] = &[
    "aaron", "adam", "alan", "albert", "alex", "alexander", "andrew", "anthony", "arthur", "barack", "ben", "benjamin", "bernie",
    "bill", "bob", "brad", "brandon", "brian", "bruce", "carl", "charles", "charlie", "chris", "christopher", "chuck", "craig",
    "dan", "daniel", "david", "dennis", "dick", "don", "donald", "doug", "douglas", "ed", "edward", "eric", "frank", "fred",
    "gary", "george", "gerald", "greg", "gregory", "harry", "henry", "howard", "ian", "jack", "jacob", "james", "jason", "jeb",
    "jeff", "jeffrey", "jeremy", "jerry", "jim", "jimmy", "joe", "john", "jon", "jonathan", "joseph", "josh", "joshua", "juan",
    "justin", "keith", "ken", "kenneth", "kevin", "larry", "lawrence", "len", "leon", "louis", "marco", "mark", "martin",
    "matt", "matthew", "michael", "mike", "mitch", "mitt", "nathan", "neil", "nicholas", "nick", "patrick", "paul", "pete",
    "peter", "phil", "philip", "ralph", "randy", "ray", "raymond", "reince", "richard", "rick", "rob", "robert", "roger",
    "ron", "ronald", "roy", "rudy", "russell", "ryan", "sam", "samuel", "scott", "sean", "sergey", "stephen", "steve",
    "steven", "ted", "terry", "thomas", "tim", "timothy", "todd", "tom", "tony", "vladimir", "walter", "wayne", "william",
    "willie", "kofi", "francois", "françois", "jean-marc", "matteo", "mukhtar", "lars", "hans", "xi", "narendra", "recep",
];

/// Common English given names read as female, for pronoun agreement only.
const FEMALE_GIVEN_NAMES: &[&str] = &[
    "abigail", "alice", "alicia", "amanda", "amy", "andrea", "angela", "ann", "anna", "anne", "barbara", "betsy", "betty",
    "beverly", "brenda", "carly", "carol", "caroline", "catherine", "cathy", "christine", "claire", "cynthia", "dana",
    "debbie", "deborah", "denise", "diana", "diane", "dianne", "donna", "doris", "dorothy", "elaine", "elizabeth", "ellen",
    "emily", "emma", "erin", "evelyn", "frances", "gloria", "grace", "gwen", "heather", "heidi", "helen", "hillary", "ivanka",
    "jane", "janet", "janice", "jean", "jennifer", "jessica", "jill", "joan", "joyce", "judith", "judy", "julia", "julie",
    "kamala", "karen", "kate", "katherine", "kathleen", "kathy", "kelly", "kellyanne", "kimberly", "kirsten", "laura",
    "lauren", "linda", "lisa", "lori", "loretta", "lynn", "madeleine", "margaret", "maria", "marie", "marilyn", "martha",
    "mary", "megan", "melania", "melanie", "melissa", "michelle", "nancy", "nicole", "nikki", "olivia", "pamela", "patricia",
    "patty", "paula", "rachel", "rebecca", "rosa", "ruth", "sandra", "sara", "sarah", "sharon", "shirley", "stephanie",
    "susan", "susana", "suzanne", "tammy", "teresa", "theresa", "tina", "tulsi", "valerie", "virginia", "wendy", "ada",
    "nora", "greta", "olive",
];

/// Gender a given name suggests: Some(true) male, Some(false) female, None unknown.
pub fn given_name_gender(word: &str) -> Option<bool> {
    if MALE_GIVEN_NAMES.contains(&word) {
        Some(true)
    } else if FEMALE_GIVEN_NAMES.contains(&word) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_are_recognised() {
        for (form, base) in [
            ("said", "say"), ("says", "say"), ("saying", "say"), ("noted", "note"), ("notes", "note"),
            ("stressed", "stress"), ("stresses", "stress"), ("highlighted", "highlight"), ("told", "tell"),
            ("replied", "reply"), ("admitted", "admit"), ("warning", "warn"), ("argues", "argue"),
        ] {
            assert_eq!(cue_base(form), Some(base), "{form}");
        }
        assert_eq!(cue_base("table"), None);
    }

    #[test]
    fn the_lexicon_has_over_a_hundred_verbs() {
        assert!(cue_verb_count() >= 100, "{}", cue_verb_count());
    }

    #[test]
    fn abbreviations_expand() {
        assert_eq!(expand_role("fm"), ["foreign", "minister"]);
        assert_eq!(expand_role("minister"), ["minister"]);
        assert!(is_role("ceo") && is_nationality("russian") && !is_role("table"));
    }
}
