//! Benchmarks, outside the production path: they measure speed and assert nothing.
//!
//! - [`nlp`]: `quotewire bench`, NER and quote throughput and latency, beside Python ONNX Runtime.
//! - [`kafka`]: `quotewire bench-kafka`, end-to-end speed through a real broker beside
//!   `quotewire enrich`.

pub mod kafka;
pub mod nlp;
