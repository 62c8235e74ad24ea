//! Configuration: built-in defaults < config file (TOML) < `QUOTEWIRE_*` env vars < CLI flags.
//!
//! Every field is documented here and in `config/default.toml`, which a test keeps equal to
//! the built-in defaults. Units are in the names. Unknown keys are errors, so a typo never
//! silently falls back to a default. librdkafka properties pass through untouched in
//! `[kafka.client]` (both clients: TLS, SASL), `[kafka.consumer]` and `[kafka.producer]` (tuning).
//!
//! Env vars name a section and a key: `QUOTEWIRE_KAFKA_BROKERS`, `QUOTEWIRE_WORKER_PARALLELISM`,
//! `QUOTEWIRE_NER_THREADS`; librdkafka properties: `QUOTEWIRE_KAFKA_CLIENT__SASL_USERNAME`
//! (double underscore, dots written as single underscores).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Errors reading the configuration.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("reading config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file or an env var is not valid.
    #[error("invalid configuration ({origin}): {message}")]
    Invalid {
        /// Where the bad value came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Brokers, topics, consumer group and librdkafka pass-through.
    pub kafka: KafkaConfig,
    /// Batching, limits, parallelism and shutdown of the worker.
    pub worker: WorkerConfig,
    /// The NER model.
    pub ner: NerConfig,
    /// Quote rules.
    pub quotes: QuotesConfig,
    /// Logs, metrics and health endpoints.
    pub observability: ObservabilityConfig,
}

/// Kafka settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// Bootstrap servers, comma separated. Default: `127.0.0.1:9092`.
    pub brokers: String,
    /// Topic of raw articles. Default: `articles`.
    pub input_topic: String,
    /// Topic of enriched events. Default: `articles.enriched`.
    pub output_topic: String,
    /// Dead-letter topic for records that cannot be enriched. Default: `articles.dlq`.
    pub dlq_topic: String,
    /// Consumer group; replicas with the same group share the partitions. Default: `quotewire`.
    pub group_id: String,
    /// Where a new group starts: `earliest` (nothing produced before the first start is
    /// skipped) or `latest`. Default: `earliest`.
    pub auto_offset_reset: String,
    /// Consumer session timeout. Default: 30000.
    pub session_timeout_ms: u64,
    /// How often processed offsets are committed (at least once: librdkafka's
    /// `auto.commit.interval.ms` over offsets stored once processed). Default: 1000.
    pub commit_interval_ms: u64,
    /// How long one batch may keep failing to publish or commit (broker down or restarting,
    /// group rebalancing) before the worker gives up and exits without committing it. Retries
    /// back off from 100 ms to 5 s. The worker never exits for a broker that is not there yet at
    /// start: it waits, not ready. Default: 600000 (10 minutes).
    pub retry_timeout_ms: u64,
    /// How long records may wait for a commit before the worker calls it a stall: a warning,
    /// `/readyz` false and `quotewire_commit_stalled` 1 until a commit succeeds. Catches commits
    /// that keep failing while a broker answers, which no reachability check sees. An idle
    /// worker is never stalled. Default: 60000.
    pub stall_timeout_ms: u64,
    /// Delivery guarantee: `at-least-once` (events acknowledged, then offsets committed; a crash
    /// can repeat some events) or `exactly-once` (each batch's events and its input offsets in one
    /// Kafka transaction; `read_committed` readers see every article once). Default: `at-least-once`.
    pub delivery: Delivery,
    /// Transactional id of this instance (exactly-once only). Must be unique per running
    /// instance and stable across its restarts, so a restarted instance fences its dead
    /// predecessor and aborts its open transaction. Empty: `quotewire-` + `$HOSTNAME` (the pod
    /// name in Kubernetes). Default: empty.
    pub transactional_id: String,
    /// librdkafka properties of every client, consumer and producers alike: security
    /// (`security.protocol`, `sasl.mechanism`, `sasl.username`, `sasl.password`,
    /// `ssl.ca.location`). Applied before `consumer` and `producer`, which may override them.
    pub client: BTreeMap<String, String>,
    /// Extra librdkafka consumer properties (e.g. `fetch.max.bytes`).
    pub consumer: BTreeMap<String, String>,
    /// Extra librdkafka producer properties (e.g. `compression.type`, `linger.ms`).
    pub producer: BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        Self {
            brokers: "127.0.0.1:9092".into(),
            input_topic: "articles".into(),
            output_topic: "articles.enriched".into(),
            dlq_topic: "articles.dlq".into(),
            group_id: "quotewire".into(),
            auto_offset_reset: "earliest".into(),
            session_timeout_ms: 30_000,
            commit_interval_ms: 1_000,
            retry_timeout_ms: 600_000,
            stall_timeout_ms: 60_000,
            delivery: Delivery::AtLeastOnce,
            transactional_id: String::new(),
            client: BTreeMap::new(),
            consumer: BTreeMap::new(),
            producer: BTreeMap::new(),
        }
    }
}

/// Delivery guarantee of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Offsets are committed after the events are acknowledged.
    AtLeastOnce,
    /// Events and input offsets are committed in one Kafka transaction per batch.
    ExactlyOnce,
}

impl KafkaConfig {
    /// The transactional id of this instance: the configured one, else `quotewire-$HOSTNAME`,
    /// else `quotewire-<pid>` (unique but not stable across restarts).
    pub fn effective_transactional_id(&self) -> String {
        if !self.transactional_id.is_empty() {
            return self.transactional_id.clone();
        }
        match std::env::var("HOSTNAME") {
            Ok(host) if !host.is_empty() => format!("quotewire-{host}"),
            _ => format!("quotewire-{}", std::process::id()),
        }
    }
}

/// Worker settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerConfig {
    /// Most articles in one NLP batch. Default: 16.
    pub max_batch_articles: usize,
    /// Longest a partial batch waits for more articles before it is enriched anyway. Default: 50.
    pub max_batch_wait_ms: u64,
    /// Largest accepted record value; larger ones are dead-lettered. Default: 1048576 (1 MiB).
    pub max_article_bytes: usize,
    /// NLP batches enriched at once, each on its own thread. Default: 1.
    pub parallelism: usize,
    /// Records fetched but not yet enriched, per worker; the consumer pauses beyond. Default: 256.
    pub max_in_flight: usize,
    /// How long a shutdown (SIGTERM, SIGINT) may take, whatever the worker is doing: the
    /// pipeline drains for up to 60% of it, then an open transaction is aborted and retries stop
    /// (what is uncommitted goes to the partitions' next owner), the rest flushes and leaves
    /// the group. The process exits (status 0) at the latest one second after it. Default: 8000
    /// (Kubernetes waits 30 s by default before it kills a pod).
    pub shutdown_timeout_ms: u64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            max_batch_articles: 16,
            max_batch_wait_ms: 50,
            max_article_bytes: 1 << 20,
            parallelism: 1,
            max_in_flight: 256,
            shutdown_timeout_ms: 8_000,
        }
    }
}

/// NER model settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NerConfig {
    /// Run NER. Without it, speakers come from capitalised names only. Default: true.
    pub enabled: bool,
    /// Model folder, relative to the working directory or to the binary's ancestors.
    /// Default: `models/minilm-news-twohead` (named entities and attribution roles in one pass;
    /// `models/minilm-conll-cased` is the NER-only model).
    pub model_dir: PathBuf,
    /// Path of `libonnxruntime.so`; empty: `ORT_DYLIB_PATH`, `.runtime/lib/`, `lib/` beside the
    /// binary, `/opt/quotewire/lib/`. Default: empty.
    pub onnxruntime_path: String,
    /// ONNX Runtime intra-op threads per model session. Default: 2.
    pub threads: usize,
    /// Tokens shared by consecutive windows of a long article. Default: 32.
    pub window_overlap: usize,
    /// Most tokens (padding included) in one model batch. Default: 2048 (peak RSS of `enrich`
    /// 149 MiB with the two-head model on PolNeAR dev; 8192 held about 600 MiB and was no faster).
    pub max_batch_tokens: usize,
    /// How articles are cut into the model's windows: `"model"` (as the model folder's
    /// `config.json` says), `"sentences"` (one sentence each), `"packed"` (whole sentences
    /// share a window) or `"context"` (whole sentences read with their neighbours, each token
    /// predicted where it sits most centrally). Default: `"model"`.
    pub windows: String,
    /// With `"context"` windows: tokens of neighbouring sentences read on each side (whole
    /// sentences, up to about this many). Default: 64.
    pub window_context: usize,
}

impl Default for NerConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            model_dir: PathBuf::from("models/minilm-news-twohead"),
            onnxruntime_path: String::new(),
            threads: 2,
            window_overlap: 32,
            max_batch_tokens: 2048,
            windows: "model".into(),
            window_context: 64,
        }
    }
}

/// Quote rule settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuotesConfig {
    /// A direct quote without a speaker is reported only from this many words. Default: 4.
    pub min_words_unattributed: usize,
    /// A content span of the model's attribution head becomes a quote from this many
    /// wordpieces. Default: 6.
    pub min_tag_tokens: usize,
    /// ... and from this mean tag probability (0..1). Default: 0.92 (measured on PolNeAR dev
    /// with `models/minilm-news-twohead` of 2026-12-07: precision over all quotes 0.927,
    /// indirect recall 0.875; 0.9 / 0.8 find 0.878 at precision 0.923).
    pub min_tag_score: f32,
    /// ... or from this one when the head's cue beside it is a verb of speech the rules know
    /// ("said", "told", "according to"; not "believes", "hopes"). Default: 0.82.
    pub min_tag_score_reported: f32,
    /// The learned pronoun referent scorer: `"none"` for the rules' choice alone, `"builtin"`
    /// for the compiled-in `models/speaker-model.json`, or a path to weights made by
    /// `training/train_speaker_model.py` (checked at start). Default: `"none"` (the shipped
    /// weights do not beat the rules yet: 5-fold cross-validated on PolNeAR train 0.877 against
    /// 0.875, on dev 0.926 against 0.935; docs/measurements.md).
    pub speaker_model: String,
}

impl Default for QuotesConfig {
    fn default() -> Self {
        let d = crate::nlp::quotes::QuoteOptions::default();
        Self {
            min_words_unattributed: d.min_words_unattributed,
            min_tag_tokens: d.min_tag_tokens,
            min_tag_score: d.min_tag_score,
            min_tag_score_reported: d.min_tag_score_reported,
            speaker_model: "none".into(),
        }
    }
}

/// Logging, metrics and health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObservabilityConfig {
    /// Address of the HTTP server for `/metrics`, `/healthz`, `/readyz`; empty disables it.
    /// Default: `0.0.0.0:9464`.
    pub http_listen: String,
    /// `text` or `json`. Default: `text`.
    pub log_format: String,
    /// Filter in `RUST_LOG` syntax; `RUST_LOG` wins when set. Default: `info`.
    pub log_level: String,
}

impl Default for ObservabilityConfig {
    fn default() -> Self {
        Self { http_listen: "0.0.0.0:9464".into(), log_format: "text".into(), log_level: "info".into() }
    }
}

const SECTIONS: &[&str] = &["kafka", "worker", "ner", "quotes", "observability"];

impl Config {
    /// Defaults, then `file` if given, then `QUOTEWIRE_*` variables from `env`.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut tree = toml::Table::new();
        if let Some(path) = file {
            let raw = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
            tree = raw.parse::<toml::Table>().map_err(|e| invalid(path.display(), e))?;
        }
        for (name, value) in env {
            apply_env(&mut tree, &name, &value)?;
        }
        let config: Config = toml::Value::Table(tree).try_into().map_err(|e| invalid("merged configuration", e))?;
        config.validate()?;
        Ok(config)
    }

    /// Rejects values that would make the worker misbehave.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let check = |ok: bool, what: &str| if ok { Ok(()) } else { Err(invalid("values", what)) };
        check(!self.kafka.brokers.trim().is_empty(), "kafka.brokers is empty")?;
        check(!self.kafka.input_topic.is_empty() && !self.kafka.output_topic.is_empty() && !self.kafka.dlq_topic.is_empty(), "topics must be named")?;
        check(self.kafka.input_topic != self.kafka.output_topic, "input_topic and output_topic must differ")?;
        check(matches!(self.kafka.auto_offset_reset.as_str(), "earliest" | "latest"), "kafka.auto_offset_reset must be earliest or latest")?;
        check(self.worker.max_batch_articles > 0, "worker.max_batch_articles must be at least 1")?;
        check(self.worker.parallelism > 0, "worker.parallelism must be at least 1")?;
        check(self.worker.max_in_flight >= self.worker.max_batch_articles, "worker.max_in_flight must be at least max_batch_articles")?;
        check(self.ner.threads > 0, "ner.threads must be at least 1")?;
        check(
            self.ner.windows == "model" || crate::nlp::ner::WindowMode::parse(&self.ner.windows).is_some(),
            "ner.windows must be model, sentences, packed or context",
        )?;
        check(matches!(self.observability.log_format.as_str(), "text" | "json"), "observability.log_format must be text or json")?;
        Ok(())
    }
}

fn invalid(origin: impl std::fmt::Display, message: impl std::fmt::Display) -> ConfigError {
    ConfigError::Invalid { origin: origin.to_string(), message: message.to_string() }
}

/// Applies one `QUOTEWIRE_SECTION_KEY` (or `QUOTEWIRE_KAFKA_CONSUMER__PROP`) variable.
fn apply_env(tree: &mut toml::Table, name: &str, value: &str) -> Result<(), ConfigError> {
    let Some(rest) = name.strip_prefix("QUOTEWIRE_") else { return Ok(()) };
    let rest = rest.to_ascii_lowercase();
    let Some(section) = SECTIONS.iter().find(|s| rest.starts_with(&format!("{s}_"))) else {
        return Ok(()); // QUOTEWIRE_CONFIG and friends are not config keys
    };
    let key = &rest[section.len() + 1..];
    let table = tree.entry(section.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let table = table.as_table_mut().ok_or_else(|| invalid(name, format!("[{section}] is not a table")))?;
    if let Some((client, property)) = key.split_once("__") {
        let sub = table.entry(client.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let sub = sub.as_table_mut().ok_or_else(|| invalid(name, format!("{section}.{client} is not a table")))?;
        sub.insert(property.replace('_', "."), toml::Value::String(value.to_string()));
    } else {
        table.insert(key.to_string(), scalar(value));
    }
    Ok(())
}

/// An env value as a TOML scalar: integer, float or boolean when it parses as one, else string.
fn scalar(value: &str) -> toml::Value {
    if let Ok(i) = value.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(b) = value.parse::<bool>() {
        toml::Value::Boolean(b)
    } else if let Ok(f) = value.parse::<f64>() {
        toml::Value::Float(f)
    } else {
        toml::Value::String(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_defaults_file_equals_the_built_in_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
        let loaded = Config::load(Some(&path), Vec::new()).expect("config/default.toml loads");
        assert_eq!(loaded, Config::default());
    }

    #[test]
    fn env_overrides_file_and_passes_librdkafka_properties_through() {
        let env = vec![
            ("QUOTEWIRE_KAFKA_BROKERS".to_string(), "k1:9092,k2:9092".to_string()),
            ("QUOTEWIRE_WORKER_PARALLELISM".to_string(), "3".to_string()),
            ("QUOTEWIRE_KAFKA_CONSUMER__SECURITY_PROTOCOL".to_string(), "SASL_SSL".to_string()),
            ("QUOTEWIRE_CONFIG".to_string(), "ignored".to_string()),
            ("HOME".to_string(), "/root".to_string()),
        ];
        let config = Config::load(None, env).expect("loads");
        assert_eq!(config.kafka.brokers, "k1:9092,k2:9092");
        assert_eq!(config.worker.parallelism, 3);
        assert_eq!(config.kafka.consumer.get("security.protocol").map(String::as_str), Some("SASL_SSL"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let env = vec![("QUOTEWIRE_WORKER_MAX_BATCH".to_string(), "3".to_string())];
        assert!(Config::load(None, env).is_err());
        let env = vec![("QUOTEWIRE_WORKER_PARALLELISM".to_string(), "0".to_string())];
        assert!(Config::load(None, env).is_err());
    }
}
