//! `quotewire produce`: loads article JSON lines into a topic, keyed by `id`.
//!
//! For backfills and the quick start. Lines that are not articles are reported with their line
//! number and skipped; every produced record is acknowledged before the command returns.

use std::io::BufRead;
use std::time::Duration;

use rdkafka::producer::{FutureRecord, Producer};


use super::kafka_log::KafkaProducer;
use crate::schema::decode_article;

/// What a load did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProduceReport {
    /// Records acknowledged by the broker.
    pub produced: usize,
    /// Lines skipped, with their 1-based number and why.
    pub rejected: Vec<(usize, String)>,
}

/// Produces every article line of `input` to `topic`, keyed by the article id.
pub async fn produce_lines(producer: &KafkaProducer, topic: &str, input: impl BufRead, limit_bytes: usize) -> Result<ProduceReport, String> {
    let mut report = ProduceReport::default();
    let mut pending = std::collections::VecDeque::new();
    for (index, line) in input.split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("reading input: {e}"))?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line).to_vec();
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode_article(Some(&line), limit_bytes) {
            Ok(article) => {
                let record = FutureRecord::to(topic).key(article.id.as_bytes()).payload(line.as_slice());
                // enqueue without waiting for the broker; keep a bounded window of acks pending
                let delivery = producer.send_result(record).map_err(|(e, _)| format!("line {}: enqueueing failed: {e}", index + 1))?;
                pending.push_back(delivery);
                while pending.len() > 1000 {
                    if let Some(delivery) = pending.pop_front() {
                        acknowledged(delivery).await?;
                        report.produced += 1;
                    }
                }
            }
            Err(e) => report.rejected.push((index + 1, format!("{}: {e}", e.reason()))),
        }
    }
    for delivery in pending {
        acknowledged(delivery).await?;
        report.produced += 1;
    }
    producer.flush(Duration::from_secs(30)).map_err(|e| format!("flushing: {e}"))?;
    Ok(report)
}

async fn acknowledged(delivery: rdkafka::producer::DeliveryFuture) -> Result<(), String> {
    match delivery.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err((e, _))) => Err(format!("delivery failed: {e}")),
        Err(_) => Err("delivery cancelled".to_string()),
    }
}
