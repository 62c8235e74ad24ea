//! The contract with producers and analytics: the input [`Article`] and the output [`Event`].
//!
//! Everything that crosses the Kafka boundary is defined here and nowhere else. The JSON Schema of
//! both types is generated from these definitions (`quotewire schema`), committed under
//! `schema/`, and a test fails when the committed copy is stale.
//!
//! **Offsets.** Every `start`/`end` in an event counts Unicode code points into the article's
//! `text`, end exclusive: in Python `text[start:end]` is the span, in Rust use
//! [`crate::nlp::text::CharIndex`]. They are never byte offsets.

pub mod decode;

pub use decode::{decode_article, DecodeError};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version of the event layout. Bumped on any incompatible change.
///
/// 2: `speaker.name` is empty for an unnamed source ("a spokeswoman", "officials"; resolution
/// `unresolved`), where version 1 repeated the mention.
pub const SCHEMA_VERSION: u32 = 2;

/// One raw news article, as producers write it to the input topic (JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Article {
    /// Stable, non-empty identifier. Used as the output event's Kafka key.
    pub id: String,
    /// The article body, plain text. All event offsets are code points into this string.
    pub text: String,
    /// Headline, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Canonical URL, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publisher or feed name, carried through untouched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Publication time, RFC 3339 (for example `2019-10-09T12:00:00Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// BCP 47 language tag as given by the producer (quotewire's models are English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Any other field: carried through to `event.article` unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The enriched event published for one article (JSON object, keyed by the article id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    /// The article's id.
    pub id: String,
    /// Layout version, currently 1.
    pub schema_version: u32,
    /// The input's metadata: every field but `id` and `text`, unknown ones included.
    pub article: Map<String, Value>,
    /// Named entities in text order.
    pub entities: Vec<Entity>,
    /// Quotations in text order, each with its cue and speaker.
    pub quotes: Vec<Quote>,
    /// People and organisations that speak or are mentioned, one cluster per referent.
    pub speakers: Vec<SpeakerCluster>,
    /// Where the article was read from; null for `quotewire enrich`.
    pub source: Option<SourcePosition>,
    /// When the event was made, RFC 3339 UTC.
    pub processed_at: String,
    /// What made the event.
    pub pipeline: Pipeline,
}

/// A half-open span of code points into the article text, with the text it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TextSpan {
    /// The covered text, equal to `text[start:end]`.
    pub text: String,
    /// First code point (inclusive).
    pub start: usize,
    /// Last code point (exclusive).
    pub end: usize,
}

/// A named entity mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entity {
    /// The mention, equal to `text[start:end]`.
    pub text: String,
    /// `PER`, `ORG`, `LOC` or `MISC` (CoNLL-2003 types).
    pub label: String,
    /// First code point (inclusive).
    pub start: usize,
    /// Last code point (exclusive).
    pub end: usize,
    /// Mean probability of the mention's word labels, 0..1.
    pub score: f32,
}

/// How a quotation is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Verbatim, inside quotation marks.
    Direct,
    /// Reported speech without quotation marks ("X said that ...").
    Indirect,
    /// Reported speech that contains a quoted fragment.
    Mixed,
}

/// A quotation with its cue and speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// The quoted content (without the outer marks for direct quotes).
    pub text: String,
    /// First code point (inclusive).
    pub start: usize,
    /// Last code point (exclusive).
    pub end: usize,
    /// Direct, indirect or mixed.
    pub kind: QuoteKind,
    /// The reporting expression ("said", "according to", "In his words"), if any.
    pub cue: Option<TextSpan>,
    /// Who said it, if it could be found.
    pub speaker: Option<Speaker>,
    /// Rule confidence, 0..1.
    pub confidence: f32,
    /// The quoted pieces of a quotation interrupted by its own attribution (`"A," he said,
    /// "B."`): then `start`..`end` (and `text`) run from the first piece to the last, the
    /// attribution between them included. Empty (and absent from the JSON) for a quote in one
    /// piece.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<TextSpan>,
}

/// How a quote's speaker was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// A name next to the cue.
    Explicit,
    /// A name in apposition to a title or role ("Sergey Lavrov, Russia's foreign minister").
    Apposition,
    /// A pronoun resolved to an earlier person.
    Pronoun,
    /// A title, role or nationality ("the Minister", "the Russian FM") resolved to a person.
    Nominal,
    /// A quote paragraph without a cue continuing the previous speaker.
    Continuation,
    /// A quote without a cue inside a sentence about someone: the person the sentence names
    /// first ("Clinton supports \"appropriate pay raises\"").
    Subject,
    /// A speaker mention that names nobody resolved ("officials").
    Unresolved,
}

/// The speaker of one quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Speaker {
    /// Canonical name of the speaker's cluster (the fullest name seen). Empty for an unnamed
    /// source ("a spokeswoman", "officials": resolution `unresolved`, the words in `text`),
    /// except an institution nobody named ("the ministry", "police"), which goes by its words.
    pub name: String,
    /// The mention the cue attaches to ("he", "the Minister", "Lavrov"), equal to `text[start:end]`.
    pub text: String,
    /// First code point of that mention (inclusive).
    pub start: usize,
    /// Last code point of that mention (exclusive).
    pub end: usize,
    /// Id of the cluster in `event.speakers`, when resolved.
    pub entity: Option<String>,
    /// How the mention was resolved.
    pub resolution: Resolution,
}

/// One person or organisation: all its mentions merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SpeakerCluster {
    /// Cluster id, unique within the event (`c0`, `c1`, ...).
    pub id: String,
    /// Canonical (fullest) name.
    pub name: String,
    /// `PER` or `ORG`.
    pub label: String,
    /// Every mention resolved to this cluster, in text order.
    pub mentions: Vec<TextSpan>,
    /// Titles and roles seen with the name ("Foreign Minister", "Russian counterpart").
    pub titles: Vec<String>,
}

/// Kafka coordinates of the input record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourcePosition {
    /// Input topic.
    pub topic: String,
    /// Input partition.
    pub partition: i32,
    /// Input offset.
    pub offset: i64,
}

/// Versions of what produced an event, for reproducibility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pipeline {
    /// quotewire's version.
    pub version: String,
    /// NER model name, or null when NER is off.
    pub ner_model: Option<String>,
    /// Quote rule-set version.
    pub quotes: String,
}

impl Article {
    /// The article's metadata for `event.article`: every field but `id` and `text`.
    pub fn metadata(&self) -> Map<String, Value> {
        let mut meta = Map::new();
        let named = [
            ("title", &self.title),
            ("url", &self.url),
            ("source", &self.source),
            ("published_at", &self.published_at),
            ("language", &self.language),
        ];
        for (key, value) in named {
            if let Some(v) = value {
                meta.insert(key.to_string(), Value::String(v.clone()));
            }
        }
        for (key, value) in &self.extra {
            meta.insert(key.clone(), value.clone());
        }
        meta
    }
}

/// JSON Schemas of the article and the event, as one pretty-printed document.
pub fn json_schemas() -> Value {
    serde_json::json!({
        "article": schemars::schema_for!(Article),
        "event": schemars::schema_for!(Event),
    })
}
