//! `quotewire tail`: prints record values of a topic, one per line (to look at events).
//!
//! Reads with a throw-away consumer group and commits nothing, so it never disturbs workers.

use std::io::Write;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;

/// What to read.
#[derive(Debug, Clone)]
pub struct TailOptions {
    /// Bootstrap servers.
    pub brokers: String,
    /// Topic to read.
    pub topic: String,
    /// Only records with this key.
    pub key: Option<String>,
    /// Stop after this many records.
    pub count: usize,
    /// Stop after this long without reaching `count`.
    pub timeout: Duration,
    /// librdkafka properties (`kafka.client`: security settings).
    pub client: std::collections::BTreeMap<String, String>,
}

/// Reads from the beginning of the topic; returns how many records were printed.
pub fn tail(options: &TailOptions, mut out: impl Write) -> Result<usize, String> {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let group = format!("quotewire-tail-{}-{nanos}", std::process::id());
    let mut config = ClientConfig::new();
    for (key, value) in &options.client {
        config.set(key, value);
    }
    let consumer: BaseConsumer = config
        .set("bootstrap.servers", &options.brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .map_err(|e| format!("creating the consumer: {e}"))?;
    consumer.subscribe(&[&options.topic]).map_err(|e| format!("subscribing to {}: {e}", options.topic))?;
    let deadline = Instant::now() + options.timeout;
    let mut printed = 0;
    while printed < options.count && Instant::now() < deadline {
        let Some(result) = consumer.poll(Duration::from_millis(200)) else { continue };
        let message = match result {
            Ok(m) => m,
            // the topic may not exist until the worker writes its first event
            Err(KafkaError::MessageConsumption(RDKafkaErrorCode::UnknownTopicOrPartition)) => {
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
            Err(e) => return Err(format!("reading {}: {e}", options.topic)),
        };
        if let Some(key) = &options.key {
            if message.key() != Some(key.as_bytes()) {
                continue;
            }
        }
        out.write_all(message.payload().unwrap_or_default()).and_then(|_| out.write_all(b"\n")).map_err(|e| e.to_string())?;
        printed += 1;
    }
    Ok(printed)
}
