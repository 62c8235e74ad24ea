//! Kafka in, Kafka out: the consumer, the producer, the dead-letter topic and offset tracking.
//!
//! The only module that talks to Kafka. The NLP stage it drives ([`crate::nlp::Enricher`])
//! knows nothing of it.

pub mod bench;
pub mod decode;
pub mod offsets;
pub mod produce;
pub mod tail;
mod transactional;
pub mod worker;

pub use decode::{decode_article, DecodeError};
pub use worker::{dlq_headers, run, WorkerError};
