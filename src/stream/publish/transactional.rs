//! Exactly once: each batch's events and its input offsets in one Kafka transaction.
//!
//! For every batch (in input order): `begin_transaction`, send the events and dead-letter
//! records, wait for their delivery, `send_offsets_to_transaction` (one past each partition's
//! last record, with the consumer's group metadata so the broker fences a member of an older
//! generation), `commit_transaction`. An aborted transaction leaves nothing visible to
//! `read_committed` readers and commits no offset, so its batch is simply tried again.
//!
//! Broker restarts and rebalances: while the group moves under the worker (unknown member,
//! illegal generation, coordinator loading or moved, timeouts) every attempt is aborted and
//! retried with backoff, the consumer keeps being polled so it rejoins, the [`Fence`] drops
//! records of partitions this instance lost, and the next attempt carries fresh group
//! metadata. Group metadata the coordinator keeps refusing (the member id died with a
//! restarted broker) is not retried as it is: after [`STALE_ATTEMPTS`] such refusals in a row
//! the poll loop is asked to rejoin the group ([`Rejoin`]), which revokes the partitions, so
//! the batch is dropped and fetched again under the new membership. The bound is time
//! (`kafka.retry_timeout_ms`); only a fenced or fatal producer, or a record that cannot be
//! written even as a dead letter, stops the worker at once.
//!
//! Every blocking call has a short timeout ([`CALL_TIMEOUT`]) and every wait watches the
//! shutdown flag, so a SIGTERM never waits long for a broker that is down: the open
//! transaction is aborted and its batch left uncommitted for the next owner.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::Consumer;
use rdkafka::error::KafkaError;
use rdkafka::producer::Producer;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};

use super::{Publish, PublishFuture, RetryBudget, Shared};
use crate::stream::batch::{is_permanent, send, BatchResult, Outcome, WorkerError};
use crate::stream::consumer::{is_stale_group_metadata, Rejoin, WorkerConsumer};
use crate::stream::kafka_log::KafkaProducer;
use crate::stream::fence::Fence;
use crate::stream::link::BrokerLink;
use crate::stream::offsets::TopicPartition;

/// Timeout of each blocking transaction call. Short, so that a shutdown is never stuck behind
/// one for long; a call that times out is simply made again (a commit whose outcome is unknown
/// is committed again, anything else aborts and retries the batch).
const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// Timeout of the abort made when a shutdown gives up on the open transaction.
const ABORT_AT_SHUTDOWN: Duration = Duration::from_secs(1);

/// Refusals for stale group metadata in a row after which the consumer group is rejoined.
/// The consumer usually notices a lost membership by itself on its next heartbeat, so the first
/// refusals are simply retried (100, 200, 400 ms apart).
pub const STALE_ATTEMPTS: u32 = 3;

/// Why a transaction attempt failed.
enum Failure {
    /// Aborted (or never begun); the batch may be tried again.
    Retry {
        /// What failed.
        why: String,
        /// The coordinator refused the group metadata (this member or generation is unknown).
        stale_group: bool,
    },
    /// The shutdown gave up on the batch: aborted, nothing of it committed.
    Stopped,
    /// The producer is fenced or broken, or a record cannot be written at all.
    Fatal(WorkerError),
}

impl Failure {
    fn retry(why: String) -> Self {
        Failure::Retry { why, stale_group: false }
    }
}

/// The exactly-once strategy.
pub struct Transactional {
    producer: KafkaProducer,
    consumer: Arc<WorkerConsumer>,
    fence: Arc<Fence>,
    rejoin: Arc<Rejoin>,
    shared: Shared,
}

impl Transactional {
    /// A strategy over a transactional `producer` (see [`Transactional::init`]).
    pub fn new(producer: KafkaProducer, consumer: Arc<WorkerConsumer>, fence: Arc<Fence>, rejoin: Arc<Rejoin>, shared: Shared) -> Self {
        Transactional { producer, consumer, fence, rejoin, shared }
    }

    /// Registers the transactional id with its coordinator, which fences any earlier instance
    /// with the same id and aborts its open transaction. Waits for a broker as long as it
    /// takes (the caller races it against shutdown); fails only on a fatal error.
    pub async fn init(&self, link: &BrokerLink) -> Result<(), WorkerError> {
        // no time limit: the worker waits for its broker, not ready, until shutdown
        let mut backoff = RetryBudget::new(Duration::MAX);
        loop {
            let producer = self.producer.clone();
            // a short timeout per attempt, so a missing broker is reported (and retried) promptly
            let result = tokio::task::spawn_blocking(move || producer.init_transactions(Duration::from_secs(5)))
                .await
                .map_err(|e| WorkerError::Stage(format!("init_transactions task: {e}")))?;
            match result {
                Ok(()) => return Ok(()),
                Err(KafkaError::Transaction(e)) if e.is_fatal() => return Err(WorkerError::Transaction(format!("init_transactions: {e}"))),
                Err(e) => {
                    if let Some(why) = link.refusal() {
                        return Err(WorkerError::Refused(why));
                    }
                    let why = format!("init_transactions: {e}");
                    link.lost(&why);
                    tokio::time::sleep(backoff.next_wait(&why)?).await;
                }
            }
        }
    }

    /// Commits one batch in a transaction, retrying aborted attempts; returns what was
    /// committed (records of partitions revoked meanwhile are left out; nothing when the
    /// shutdown gave up on the batch).
    fn commit_batch(&self, mut results: BatchResult) -> Result<BatchResult, WorkerError> {
        let runtime = tokio::runtime::Handle::current();
        let (config, metrics, stop) = (&self.shared.config, &self.shared.metrics, &self.shared.stop);
        let mut budget = RetryBudget::new(Duration::from_millis(config.kafka.retry_timeout_ms));
        let mut stale_in_a_row = 0;
        loop {
            let wait = {
                let _gate = self.fence.hold();
                let before = results.len();
                results.retain(|(f, _)| self.fence.epoch(&f.tp) == f.epoch);
                if results.len() < before {
                    let dropped = before - results.len();
                    metrics.revoked_dropped.inc_by(dropped as u64);
                    tracing::info!(dropped, "records of revoked partitions dropped; their next owner processes them");
                }
                if results.is_empty() {
                    return Ok(results);
                }
                if stop.requested() {
                    return Ok(Vec::new());
                }
                match self.try_transaction(&mut results, &runtime, &mut budget) {
                    Ok(()) => {
                        metrics.transactions_committed.inc();
                        metrics.commits.inc();
                        self.shared.watch.committed();
                        if budget.attempts() > 0 {
                            tracing::info!(attempts = budget.attempts() + 1, seconds = budget.elapsed().as_secs_f64(), "batch committed after retrying");
                        }
                        return Ok(results);
                    }
                    Err(Failure::Fatal(error)) => return Err(error),
                    Err(Failure::Stopped) => {
                        metrics.transactions_aborted.inc();
                        tracing::info!(records = results.len(), "shutdown: the open transaction is aborted; its records are left to the next owner");
                        return Ok(Vec::new());
                    }
                    Err(Failure::Retry { why, stale_group }) => {
                        metrics.transactions_aborted.inc();
                        stale_in_a_row = if stale_group { stale_in_a_row + 1 } else { 0 };
                        if stale_in_a_row == STALE_ATTEMPTS {
                            // the poll loop rejoins; the revocation then drops this batch
                            self.rejoin.request(&why);
                        }
                        if budget.attempts() == 0 {
                            tracing::warn!(error = %why, "transaction aborted; retrying the batch until it commits (one warning per stretch of failures)");
                        } else {
                            tracing::debug!(attempt = budget.attempts() + 1, error = %why, "transaction aborted again");
                        }
                        budget.next_wait(&why)?
                    }
                }
            };
            // the gate is released while waiting, so a rebalance can go on
            stop.sleep_blocking(wait);
        }
    }

    fn try_transaction(&self, results: &mut BatchResult, runtime: &tokio::runtime::Handle, budget: &mut RetryBudget) -> Result<(), Failure> {
        let (producer, config, stop) = (&self.producer, &self.shared.config, &self.shared.stop);
        producer.begin_transaction().map_err(|e| classify(producer, e))?;
        let deliveries: Vec<_> = results.iter().map(|(f, outcome)| send(producer, config, f, outcome)).collect();
        let mut undelivered = Vec::new();
        for (i, delivery) in deliveries.into_iter().enumerate() {
            match runtime.block_on(stop.unless_stopped(delivery)) {
                Some(Ok(_)) => {}
                Some(Err(e)) => undelivered.push((i, e)),
                None => return Err(abort_at_shutdown(producer)),
            }
        }
        if !undelivered.is_empty() {
            let _ = producer.abort_transaction(CALL_TIMEOUT);
            return Err(dead_letter_unwritable(results, undelivered));
        }
        if stop.requested() {
            return Err(abort_at_shutdown(producer));
        }
        let metadata = self.consumer.group_metadata().ok_or_else(|| abort(producer, "no consumer group metadata yet".into()))?;
        producer.send_offsets_to_transaction(&next_offsets(results), &metadata, CALL_TIMEOUT).map_err(|e| classify(producer, e))?;
        loop {
            match producer.commit_transaction(CALL_TIMEOUT) {
                Ok(()) => return Ok(()),
                // the outcome is unknown (timed out): only committing again may settle it; at
                // shutdown it is left unsettled: the transaction then commits or aborts as a
                // whole (the broker ends it; a successor with this transactional id aborts it)
                Err(KafkaError::Transaction(e)) if e.is_retriable() && !e.txn_requires_abort() && !e.is_fatal() => {
                    let wait = budget.next_wait(&e.to_string()).map_err(Failure::Fatal)?;
                    tracing::debug!(error = %e, "commit_transaction timed out; committing again");
                    if !stop.sleep_blocking(wait) {
                        return Err(Failure::Stopped);
                    }
                }
                Err(e) => return Err(classify(producer, e)),
            }
        }
    }
}

impl Publish for Transactional {
    fn publish(self: Arc<Self>, batch: BatchResult) -> PublishFuture {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || self.commit_batch(batch)).await.map_err(|e| WorkerError::Stage(format!("transaction task: {e}")))?
        })
    }
}

/// One past the last record of each partition in the batch: the position to commit.
fn next_offsets(results: &BatchResult) -> TopicPartitionList {
    let mut next: BTreeMap<&TopicPartition, i64> = BTreeMap::new();
    for (f, _) in results {
        let slot = next.entry(&f.tp).or_insert(f.offset + 1);
        *slot = (*slot).max(f.offset + 1);
    }
    let mut tpl = TopicPartitionList::new();
    for ((topic, partition), offset) in next {
        let _ = tpl.add_partition_offset(topic, *partition, Offset::Offset(offset));
    }
    tpl
}

/// After failed deliveries: an event the broker rejects as such (too large, invalid) becomes a
/// dead-letter record for the next attempt; a dead-letter record that cannot be written is
/// fatal; anything else (a transient failure) is retried as it is.
fn dead_letter_unwritable(results: &mut BatchResult, undelivered: Vec<(usize, KafkaError)>) -> Failure {
    let mut summary = String::new();
    for (i, error) in undelivered {
        let (f, outcome) = &mut results[i];
        if is_permanent(&error) {
            match outcome {
                Outcome::Event { .. } => *outcome = Outcome::DeadLetter { reason: "produce_failed", message: error.to_string() },
                Outcome::DeadLetter { .. } => {
                    return Failure::Fatal(WorkerError::Undeliverable { topic: f.tp.0.clone(), partition: f.tp.1, offset: f.offset, message: error.to_string() })
                }
            }
        }
        if summary.is_empty() {
            summary = format!("record {}/{}@{} not delivered: {error}", f.tp.0, f.tp.1, f.offset);
        }
    }
    Failure::retry(summary)
}

/// Aborts the transaction after an error, telling a retry from a fatal state, and a refusal
/// of stale group metadata from other retries.
fn classify(producer: &KafkaProducer, error: KafkaError) -> Failure {
    if let KafkaError::Transaction(e) = &error {
        if e.is_fatal() {
            return Failure::Fatal(WorkerError::Transaction(error.to_string()));
        }
    }
    let stale_group = error.rdkafka_error_code().is_some_and(is_stale_group_metadata);
    match abort(producer, error.to_string()) {
        Failure::Retry { why, .. } => Failure::Retry { why, stale_group },
        other => other,
    }
}

fn abort(producer: &KafkaProducer, why: String) -> Failure {
    match producer.abort_transaction(CALL_TIMEOUT) {
        Ok(()) => Failure::retry(why),
        Err(KafkaError::Transaction(e)) if e.is_fatal() => Failure::Fatal(WorkerError::Transaction(format!("{why}; abort: {e}"))),
        // "no transaction in progress" and transient abort errors: the next begin tells
        Err(_) => Failure::retry(why),
    }
}

/// The shutdown gave up while the transaction is open: abort it (briefly: the broker may be
/// down, and then the transaction times out there or the next instance with this
/// transactional id aborts it).
fn abort_at_shutdown(producer: &KafkaProducer) -> Failure {
    if let Err(e) = producer.abort_transaction(ABORT_AT_SHUTDOWN) {
        tracing::debug!(error = %e, "abort at shutdown did not complete; the broker ends the transaction");
    }
    Failure::Stopped
}

#[cfg(test)]
mod tests {
    use rdkafka::error::RDKafkaErrorCode;

    use super::*;
    use crate::stream::batch::Fetched;

    fn event() -> Outcome {
        Outcome::Event { key: "k".into(), json: b"{}".to_vec() }
    }

    #[test]
    fn the_committed_position_is_one_past_each_partitions_last_record() {
        let batch: BatchResult = vec![
            (Fetched::for_test("in", 0, 7), event()),
            (Fetched::for_test("in", 1, 3), event()),
            (Fetched::for_test("in", 0, 9), event()),
            (Fetched::for_test("in", 0, 8), Outcome::DeadLetter { reason: "not_json", message: "x".into() }),
        ];
        let tpl = next_offsets(&batch);
        let got: Vec<(i32, Offset)> = tpl.elements().iter().map(|e| (e.partition(), e.offset())).collect();
        assert_eq!(got, vec![(0, Offset::Offset(10)), (1, Offset::Offset(4))]);
    }

    #[test]
    fn an_event_the_broker_rejects_becomes_a_dead_letter_and_transient_failures_retry_as_they_are() {
        let mut batch: BatchResult = vec![(Fetched::for_test("in", 0, 1), event()), (Fetched::for_test("in", 0, 2), event())];
        let failure = dead_letter_unwritable(
            &mut batch,
            vec![(0, KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge)), (1, KafkaError::MessageProduction(RDKafkaErrorCode::RequestTimedOut))],
        );
        assert!(matches!(failure, Failure::Retry { stale_group: false, .. }));
        assert!(matches!(batch[0].1, Outcome::DeadLetter { reason: "produce_failed", .. }), "too large: dead-lettered next time");
        assert!(matches!(batch[1].1, Outcome::Event { .. }), "a timeout is retried unchanged");

        // a dead-letter record that cannot be written at all is fatal
        let mut batch: BatchResult = vec![(Fetched::for_test("in", 0, 5), Outcome::DeadLetter { reason: "too_large", message: "x".into() })];
        let failure = dead_letter_unwritable(&mut batch, vec![(0, KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge))]);
        assert!(matches!(failure, Failure::Fatal(WorkerError::Undeliverable { offset: 5, .. })));
    }
}
