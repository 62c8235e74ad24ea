//! Record bytes to [`Article`], or the reason it cannot be one.
//!
//! Shared by the worker (Kafka record values) and `quotewire enrich` (JSON lines), so both
//! accept and reject exactly the same input. Every rejection has a stable snake_case
//! [`DecodeError::reason`], used as the dead-letter header and metric label.

use serde_json::Value;
use thiserror::Error;

use super::Article;

/// Why a record is not an article.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The record has no value (a tombstone).
    #[error("record has no value")]
    Empty,
    /// Larger than `worker.max_article_bytes`.
    #[error("record of {size_bytes} bytes exceeds the limit of {limit_bytes} bytes")]
    TooLarge {
        /// Size of the value.
        size_bytes: usize,
        /// The configured limit.
        limit_bytes: usize,
    },
    /// Not valid UTF-8.
    #[error("value is not UTF-8: {0}")]
    NotUtf8(String),
    /// Not valid JSON.
    #[error("value is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error("value is JSON {0}, not an object")]
    NotObject(&'static str),
    /// No `id`, or an empty one.
    #[error("field `id` is missing, empty or not a string")]
    MissingId,
    /// No `text`.
    #[error("field `text` is missing or not a string")]
    MissingText,
    /// A known field has the wrong type or format.
    #[error("field `{field}` is invalid: {message}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl DecodeError {
    /// Stable snake_case reason for headers and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::Empty => "empty",
            DecodeError::TooLarge { .. } => "too_large",
            DecodeError::NotUtf8(_) => "not_utf8",
            DecodeError::NotJson(_) => "not_json",
            DecodeError::NotObject(_) => "not_object",
            DecodeError::MissingId => "missing_id",
            DecodeError::MissingText => "missing_text",
            DecodeError::InvalidField { .. } => "invalid_field",
        }
    }
}

/// Decodes one record value into an article.
pub fn decode_article(bytes: Option<&[u8]>, limit_bytes: usize) -> Result<Article, DecodeError> {
    let bytes = bytes.ok_or(DecodeError::Empty)?;
    if bytes.len() > limit_bytes {
        return Err(DecodeError::TooLarge { size_bytes: bytes.len(), limit_bytes });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| DecodeError::NotUtf8(e.to_string()))?;
    let value: Value = serde_json::from_str(text).map_err(|e| DecodeError::NotJson(e.to_string()))?;
    let Value::Object(mut object) = value else {
        return Err(DecodeError::NotObject(json_kind(&value)));
    };
    match object.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => {}
        _ => return Err(DecodeError::MissingId),
    }
    if !matches!(object.get("text"), Some(Value::String(_))) {
        return Err(DecodeError::MissingText);
    }
    for field in ["title", "url", "source", "published_at", "language"] {
        match object.get(field) {
            None | Some(Value::String(_)) => {}
            Some(Value::Null) => {
                object.remove(field);
            }
            Some(other) => {
                return Err(DecodeError::InvalidField { field: static_name(field), message: format!("expected a string, got {}", json_kind(other)) })
            }
        }
    }
    if let Some(Value::String(ts)) = object.get("published_at") {
        chrono::DateTime::parse_from_rfc3339(ts)
            .map_err(|e| DecodeError::InvalidField { field: "published_at", message: format!("{ts:?} is not RFC 3339: {e}") })?;
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| DecodeError::InvalidField { field: "article", message: e.to_string() })
}

fn static_name(field: &str) -> &'static str {
    match field {
        "title" => "title",
        "url" => "url",
        "source" => "source",
        "published_at" => "published_at",
        _ => "language",
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(bytes: &[u8]) -> &'static str {
        decode_article(Some(bytes), 100).err().map(|e| e.reason()).unwrap_or("ok")
    }

    #[test]
    fn accepts_articles_and_keeps_unknown_fields() {
        let a = decode_article(Some(br#"{"id":"a1","text":"Hi.","desk":"politics","published_at":"2019-10-09T10:00:00+06:00"}"#), 1000).expect("valid");
        assert_eq!(a.id, "a1");
        assert_eq!(a.extra.get("desk"), Some(&Value::String("politics".into())));
        assert_eq!(a.metadata().get("published_at").and_then(Value::as_str), Some("2019-10-09T10:00:00+06:00"));
    }

    #[test]
    fn every_kind_of_bad_record_has_its_reason() {
        assert_eq!(decode_article(None, 10).err().map(|e| e.reason()), Some("empty"));
        assert_eq!(reason(&[b'{'; 101]), "too_large");
        assert_eq!(reason(&[0xff, 0xfe]), "not_utf8");
        assert_eq!(reason(b"{not json"), "not_json");
        assert_eq!(reason(b"[1,2]"), "not_object");
        assert_eq!(reason(br#"{"text":"x"}"#), "missing_id");
        assert_eq!(reason(br#"{"id":"","text":"x"}"#), "missing_id");
        assert_eq!(reason(br#"{"id":"a"}"#), "missing_text");
        assert_eq!(reason(br#"{"id":"a","text":5}"#), "missing_text");
        assert_eq!(reason(br#"{"id":"a","text":"x","title":3}"#), "invalid_field");
        assert_eq!(reason(br#"{"id":"a","text":"x","published_at":"yesterday"}"#), "invalid_field");
    }
}
