//! The output side: one interface, two strategies, chosen at start-up from `kafka.delivery`.
//!
//! The worker hands each enriched batch (in input order) to a [`Publish`] and learns which
//! records are done. It never talks to the producer itself.
//!
//! - [`AtLeastOnce`]: send the batch's events and dead-letter records, wait for the broker's
//!   acknowledgements; offsets are committed later, from the tracker, on a timer
//!   ([`Publish::tick`]) and at the end ([`Publish::close`]).
//! - [`Transactional`]: the batch's records and its input offsets in one Kafka transaction.
//!
//! Both ride out broker outages and group rebalances: failures that retrying can cure are
//! retried with backoff for up to `kafka.retry_timeout_ms`; only a record that can be neither
//! published nor dead-lettered, a fenced producer or an exhausted budget stop the worker (its
//! uncommitted records are then redone by whoever owns the partitions next). At shutdown, once
//! the drain has run out of time, both give up at once ([`Shared::stop`]).

mod at_least_once;
mod transactional;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::error::KafkaError;

pub use at_least_once::AtLeastOnce;
pub use transactional::Transactional;

use super::batch::{BatchResult, WorkerError};
use super::kafka_log::{KafkaLog, KafkaProducer};
use super::link::BrokerLink;
use super::stall::CommitWatch;
use super::stop::Stop;
use crate::config::{Config, Delivery};
use crate::observability::Metrics;

/// A future a strategy returns (boxed so the strategy can be chosen at run time).
pub type PublishFuture = Pin<Box<dyn Future<Output = Result<BatchResult, WorkerError>> + Send>>;

/// A publish strategy.
pub trait Publish: Send + Sync {
    /// Makes one batch's outcomes durable and returns the records now done. Records left out
    /// belong to partitions revoked meanwhile; their next owner processes them.
    fn publish(self: Arc<Self>, batch: BatchResult) -> PublishFuture;

    /// The poll loop's commit timer fired (at least once commits processed offsets here).
    fn tick(&self) {}

    /// Everything fetched is published or abandoned: the last commit before leaving.
    fn close(&self) {}

    /// Waits up to `timeout` for the producer's queued records before the worker exits.
    fn flush(&self, timeout: Duration);

    /// Do processed records wait for a commit the strategy makes later (stall detection)?
    /// Records still in flight count anyway; this is for what is done but not committed.
    fn awaits_commit(&self) -> bool {
        false
    }
}

/// What both strategies share: the configuration, metrics, the stall watch (told of every
/// commit) and the shutdown flag (when raised: no new attempt, no more waiting; see
/// [`crate::stream::stop`]).
pub struct Shared {
    /// The worker's configuration.
    pub config: Config,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Told of every commit that succeeds.
    pub watch: Arc<CommitWatch>,
    /// Raised when a shutdown has run out of time to drain.
    pub stop: Arc<Stop>,
}

/// How long a failing batch keeps being retried, and how long to wait between attempts.
pub(crate) struct RetryBudget {
    started: Instant,
    limit: Duration,
    backoff: Duration,
    attempts: u32,
}

impl RetryBudget {
    /// A budget of `limit` for one batch.
    pub(crate) fn new(limit: Duration) -> Self {
        RetryBudget { started: Instant::now(), limit, backoff: Duration::from_millis(100), attempts: 0 }
    }

    /// After a failed attempt: the wait before the next one (100 ms doubling up to 5 s), or
    /// the error to stop with once the budget is spent.
    pub(crate) fn next_wait(&mut self, last: &str) -> Result<Duration, WorkerError> {
        self.attempts += 1;
        if self.started.elapsed() >= self.limit {
            return Err(WorkerError::RetriesExhausted { seconds: self.started.elapsed().as_secs(), last: last.to_string() });
        }
        let wait = self.backoff;
        self.backoff = (self.backoff * 2).min(Duration::from_secs(5));
        Ok(wait)
    }

    /// Failed attempts so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Time since the first attempt.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// The worker's producer: idempotent, `acks=all`, transactional in exactly-once mode.
pub(crate) fn producer(config: &Config, link: Arc<BrokerLink>) -> Result<KafkaProducer, KafkaError> {
    producer_config(config).create_with_context(KafkaLog::reporting_to(link))
}

fn producer_config(config: &Config) -> ClientConfig {
    let k = &config.kafka;
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("compression.type", "lz4")
        .set("message.max.bytes", "8388608")
        .set("client.id", format!("quotewire-{}", std::process::id()));
    if k.delivery == Delivery::ExactlyOnce {
        c.set("transactional.id", k.effective_transactional_id());
    }
    for (key, value) in k.client.iter().chain(&k.producer) {
        c.set(key, value);
    }
    c
}

/// A producer for tools (`quotewire produce`) with the configured brokers and pass-through.
pub fn tool_producer(config: &Config) -> Result<KafkaProducer, KafkaError> {
    // tools write plain records even when the worker is configured for transactions
    let mut plain = config.clone();
    plain.kafka.delivery = Delivery::AtLeastOnce;
    producer_config(&plain).create_with_context(KafkaLog::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_budget_backs_off_and_ends_at_its_time_limit() {
        let mut budget = RetryBudget::new(Duration::from_secs(3600));
        let waits: Vec<u128> = (0..8).map(|_| budget.next_wait("x").map(|d| d.as_millis()).unwrap_or(0)).collect();
        assert_eq!(waits, vec![100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        assert_eq!(budget.attempts(), 8);
        let mut spent = RetryBudget::new(Duration::ZERO);
        assert!(matches!(spent.next_wait("broker down"), Err(WorkerError::RetriesExhausted { last, .. }) if last == "broker down"));
    }
}
