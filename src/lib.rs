//! quotewire: a streaming NLP worker for news.
//!
//! Raw articles come from Kafka; each gets its named entities and its quotations (direct,
//! indirect, mixed) attributed to resolved speakers; one enriched event per article goes to a
//! downstream topic. Data flows one way:
//!
//! ```text
//! stream::worker (consume) -> schema::decode (Article) -> batch -> nlp::Enricher (ner, quotes)
//!     -> schema::Event (JSON) -> produce -> commit
//! ```
//!
//! - [`config`]: defaults < file < env < flags, every key documented.
//! - [`schema`]: the Article and Event contract (offsets are Unicode code points).
//! - [`nlp`]: segmentation, NER (ONNX Runtime behind a trait), quotes; pure, no I/O.
//! - [`stream`]: Kafka consumer/producer, dead-letter topic, offset tracking.
//! - [`observability`]: logs, Prometheus metrics, health endpoints.
//! - [`enrich`]: the JSON-lines front end shared by `quotewire enrich` and the benchmarks.
//! - [`bench`]: the benchmarks (`quotewire bench`, `quotewire bench-kafka`); not on the
//!   production path.

pub mod bench;
pub mod config;
pub mod enrich;
pub mod nlp;
pub mod observability;
pub mod schema;
pub mod stream;
