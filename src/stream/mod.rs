//! Kafka in, Kafka out: the consumer, the publish strategies, the dead-letter topic, offset
//! tracking and broker reachability.
//!
//! The only module that talks to Kafka. The NLP stage it drives ([`crate::nlp::Enricher`])
//! knows nothing of it. Dependencies point one way: [`worker`] uses [`consumer`] and
//! [`publish`]; both of those use the shared types of [`batch`], and none uses the worker.

pub mod batch;
pub mod consumer;
pub mod fence;
pub mod kafka_log;
pub mod link;
pub mod offsets;
pub mod produce;
pub mod publish;
pub mod stall;
pub mod stop;
pub mod sync;
pub mod tail;
pub mod worker;

pub use batch::{dlq_headers, WorkerError};
pub use publish::tool_producer;
pub use worker::run;
