//! What flows between the worker's stages: fetched records, what to publish for each, the
//! errors that stop the worker, and the one way an outcome is sent to Kafka.
//!
//! Shared by the poll loop ([`super::worker`]) and both publish strategies
//! ([`super::publish`]), so neither imports the other.

use std::future::Future;
use std::time::Instant;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::FutureRecord;
use thiserror::Error;

use super::kafka_log::KafkaProducer;
use super::offsets::TopicPartition;
use crate::config::Config;
use crate::observability::Metrics;
use crate::schema::{decode_article, Article, DecodeError};

/// Header names of dead-letter records.
pub mod dlq_headers {
    /// Stable snake_case reason (`not_json`, `too_large`, `processing_failed`, ...).
    pub const ERROR_KIND: &str = "quotewire.error.kind";
    /// Human-readable message.
    pub const ERROR_MESSAGE: &str = "quotewire.error.message";
    /// Topic the record was read from.
    pub const SOURCE_TOPIC: &str = "quotewire.source.topic";
    /// Partition it was read from.
    pub const SOURCE_PARTITION: &str = "quotewire.source.partition";
    /// Offset it was read at.
    pub const SOURCE_OFFSET: &str = "quotewire.source.offset";
}

/// Errors that stop the worker (without committing what was not delivered).
#[derive(Debug, Error)]
pub enum WorkerError {
    /// Creating or configuring a Kafka client failed.
    #[error("kafka client setup: {0}")]
    Setup(#[source] KafkaError),
    /// A record could be neither published nor dead-lettered.
    #[error("record {topic}/{partition}@{offset} could not be published nor dead-lettered: {message}")]
    Undeliverable {
        /// Input topic.
        topic: String,
        /// Input partition.
        partition: i32,
        /// Input offset.
        offset: i64,
        /// The last error.
        message: String,
    },
    /// A stage ended unexpectedly.
    #[error("pipeline stage failed: {0}")]
    Stage(String),
    /// The transactional producer is fenced (another instance uses its transactional id) or
    /// in a fatal state.
    #[error("transactional producer: {0}")]
    Transaction(String),
    /// The brokers refuse this client (credentials, TLS, permissions).
    #[error("the Kafka brokers refuse this client: {0} (check security.protocol, sasl.*, ssl.* in [kafka.consumer] and [kafka.producer], and the ACLs)")]
    Refused(String),
    /// Publishing kept failing for longer than `kafka.retry_timeout_ms`.
    #[error("gave up after {seconds} s of failed attempts: {last}")]
    RetriesExhausted {
        /// How long it kept trying.
        seconds: u64,
        /// The last failure.
        last: String,
    },
}

/// A fetched record and what decoding made of it.
pub struct Fetched {
    /// Where it was read.
    pub tp: TopicPartition,
    /// Its offset.
    pub offset: i64,
    /// The partition's assignment epoch when fetched (exactly-once drops stale records).
    pub epoch: u64,
    key: Option<Vec<u8>>,
    payload: Option<Vec<u8>>,
    /// The decoded article, or why the record is not one.
    pub article: Result<Article, DecodeError>,
    fetched_at: Instant,
}

impl Fetched {
    /// Copies a consumed record and decodes its value (at most `limit` bytes).
    pub fn from_message<M: Message>(message: &M, limit: usize) -> Self {
        Fetched {
            tp: (message.topic().to_string(), message.partition()),
            offset: message.offset(),
            epoch: 0,
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().map(<[u8]>::to_vec),
            article: decode_article(message.payload(), limit),
            fetched_at: Instant::now(),
        }
    }

    /// A record that is not an article, for unit tests of the publish strategies.
    #[cfg(test)]
    pub fn for_test(topic: &str, partition: i32, offset: i64) -> Self {
        Fetched { tp: (topic.to_string(), partition), offset, epoch: 0, key: None, payload: None, article: Err(DecodeError::Empty), fetched_at: Instant::now() }
    }
}

/// What to publish for one record.
pub enum Outcome {
    /// The enriched event (JSON), keyed by article id.
    Event { key: String, json: Vec<u8> },
    /// The original record goes to the dead-letter topic with the reason.
    DeadLetter { reason: &'static str, message: String },
}

/// One batch: every record with its outcome, in input order.
pub type BatchResult = Vec<(Fetched, Outcome)>;

/// Counts a delivered outcome in the metrics.
pub fn record_outcome(metrics: &Metrics, f: &Fetched, outcome: &Outcome) {
    match outcome {
        Outcome::Event { .. } => {
            metrics.produced.inc();
        }
        Outcome::DeadLetter { reason, .. } => metrics.dead_letter(reason),
    }
    metrics.processing_seconds.observe(f.fetched_at.elapsed().as_secs_f64());
}

/// Is this a failure of the record itself (retrying cannot help), rather than of the broker
/// or the network (retrying will)?
pub fn is_permanent(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessage | RDKafkaErrorCode::InvalidRecord | RDKafkaErrorCode::MessageBatchTooLarge)
    )
}

/// Sends one outcome; resolves when the broker acknowledges it.
pub fn send<'a>(producer: &'a KafkaProducer, config: &'a Config, f: &'a Fetched, outcome: &'a Outcome) -> impl Future<Output = Result<(), KafkaError>> + 'a {
    let record = match outcome {
        Outcome::Event { key, json } => FutureRecord::to(&config.kafka.output_topic).key(key.as_bytes()).payload(json.as_slice()),
        Outcome::DeadLetter { reason, message } => {
            let partition = f.tp.1.to_string();
            let offset = f.offset.to_string();
            let headers = OwnedHeaders::new()
                .insert(Header { key: dlq_headers::ERROR_KIND, value: Some(*reason) })
                .insert(Header { key: dlq_headers::ERROR_MESSAGE, value: Some(message.as_str()) })
                .insert(Header { key: dlq_headers::SOURCE_TOPIC, value: Some(f.tp.0.as_str()) })
                .insert(Header { key: dlq_headers::SOURCE_PARTITION, value: Some(partition.as_str()) })
                .insert(Header { key: dlq_headers::SOURCE_OFFSET, value: Some(offset.as_str()) });
            let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(&config.kafka.dlq_topic).headers(headers);
            if let Some(key) = &f.key {
                record = record.key(key.as_slice());
            }
            if let Some(payload) = &f.payload {
                record = record.payload(payload.as_slice());
            }
            record
        }
    };
    let delivery = producer.send_result(record);
    async move {
        match delivery {
            Ok(future) => match future.await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err((e, _))) => Err(e),
                Err(_) => Err(KafkaError::Canceled),
            },
            Err((e, _)) => Err(e),
        }
    }
}
