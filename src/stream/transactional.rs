//! Exactly-once delivery: each batch's events and its input offsets in one Kafka transaction.
//!
//! The publish stage of `delivery = "exactly-once"`. For every batch (in input order):
//! `begin_transaction`, send the events and dead-letter records, wait for their delivery,
//! `send_offsets_to_transaction` (one past each partition's last record, with the consumer's
//! group metadata so the broker fences a member of an older generation), `commit_transaction`.
//! An aborted transaction leaves nothing visible to `read_committed` readers and commits no
//! offset, so its batch is simply tried again.
//!
//! Rebalances: a partition revoked while its records are still in the pipeline must not have
//! them committed by this instance (its next owner starts from the last committed offset). The
//! revocation callback waits, through [`Fence`], for the transaction in progress to end, then
//! bumps the partition's epoch; records fetched under an older epoch are dropped before the
//! next transaction. A record is therefore committed by exactly one owner.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::offsets::{OffsetTracker, TopicPartition};
use super::worker::{lock, record_outcome, send, BatchResult, Outcome, WorkerContext, WorkerError};
use crate::config::Config;
use crate::observability::Metrics;

/// Attempts per batch before the worker gives up (and exits, so its restart fences it).
const MAX_ATTEMPTS: u32 = 8;
/// Timeout of each blocking transaction call.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Assignment epochs of partitions, and the gate a transaction holds while it runs.
#[derive(Default)]
pub struct Fence {
    gate: Mutex<()>,
    epochs: Mutex<HashMap<TopicPartition, u64>>,
}

impl Fence {
    /// The partition's current epoch (recorded with every fetched record).
    pub fn epoch(&self, tp: &TopicPartition) -> u64 {
        lock(&self.epochs).get(tp).copied().unwrap_or(0)
    }

    /// Called at revocation: waits for the transaction in progress, then invalidates every
    /// record of these partitions fetched so far.
    pub fn revoke<'a>(&self, partitions: impl IntoIterator<Item = &'a TopicPartition>) {
        let _gate = lock(&self.gate);
        let mut epochs = lock(&self.epochs);
        for tp in partitions {
            *epochs.entry(tp.clone()).or_default() += 1;
        }
    }
}

/// Why a transaction attempt failed.
enum Failure {
    /// Aborted (or never begun); the batch may be tried again.
    Retry(String),
    /// The producer is fenced or broken, or a record cannot be written at all.
    Fatal(WorkerError),
}

/// Everything the transactional publish stage shares with the rest of the worker.
pub struct Transactions {
    /// The transactional producer (`init_transactions` already done).
    pub producer: FutureProducer,
    /// The consumer, for its group metadata.
    pub consumer: Arc<StreamConsumer<WorkerContext>>,
    /// Partition epochs and the transaction gate.
    pub fence: Arc<Fence>,
    /// The worker's configuration.
    pub config: Config,
    /// In-flight accounting (backpressure); offsets are committed by the transactions.
    pub tracker: Arc<Mutex<OffsetTracker>>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
}

/// Stage 3 in exactly-once mode: one transaction per batch, in order.
pub async fn publish_stage(
    mut rx: mpsc::Receiver<JoinHandle<BatchResult>>,
    txn: Arc<Transactions>,
    progress: Arc<Notify>,
    fatal: oneshot::Sender<WorkerError>,
) -> Result<(), WorkerError> {
    while let Some(handle) = rx.recv().await {
        let results = handle.await.map_err(|e| WorkerError::Stage(format!("enrichment task: {e}")))?;
        let t = txn.clone();
        let committed = tokio::task::spawn_blocking(move || commit_batch(&t, results))
            .await
            .map_err(|e| WorkerError::Stage(format!("transaction task: {e}")))
            .and_then(|r| r);
        match committed {
            Ok(results) => {
                for (f, outcome) in &results {
                    record_outcome(&txn.metrics, f, outcome);
                    lock(&txn.tracker).finish(&f.tp, f.offset);
                }
            }
            Err(error) => {
                let _ = fatal.send(WorkerError::Stage(error.to_string()));
                return Err(error);
            }
        }
        progress.notify_one();
    }
    Ok(())
}

/// Commits one batch in a transaction, retrying aborted attempts; returns what was committed
/// (records of partitions revoked meanwhile are left out).
fn commit_batch(txn: &Transactions, mut results: BatchResult) -> Result<BatchResult, WorkerError> {
    let runtime = tokio::runtime::Handle::current();
    let mut backoff = Duration::from_millis(100);
    for attempt in 1..=MAX_ATTEMPTS {
        {
            let _gate = lock(&txn.fence.gate);
            let before = results.len();
            results.retain(|(f, _)| txn.fence.epoch(&f.tp) == f.epoch);
            if results.len() < before {
                let dropped = before - results.len();
                txn.metrics.revoked_dropped.inc_by(dropped as u64);
                tracing::info!(dropped, "records of revoked partitions dropped; their next owner processes them");
            }
            if results.is_empty() {
                return Ok(results);
            }
            match try_transaction(txn, &mut results, &runtime) {
                Ok(()) => {
                    txn.metrics.transactions_committed.inc();
                    txn.metrics.commits.inc();
                    return Ok(results);
                }
                Err(Failure::Fatal(error)) => return Err(error),
                Err(Failure::Retry(why)) => {
                    txn.metrics.transactions_aborted.inc();
                    tracing::warn!(attempt, error = %why, "transaction aborted; retrying the batch");
                }
            }
        }
        // the gate is released while waiting, so a rebalance can go on
        std::thread::sleep(backoff);
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
    Err(WorkerError::Stage(format!("a batch could not be committed in {MAX_ATTEMPTS} transactions")))
}

fn try_transaction(txn: &Transactions, results: &mut BatchResult, runtime: &tokio::runtime::Handle) -> Result<(), Failure> {
    let producer = &txn.producer;
    producer.begin_transaction().map_err(|e| classify(producer, e))?;
    let deliveries: Vec<_> = results.iter().map(|(f, outcome)| send(producer, &txn.config, f, outcome)).collect();
    let mut undelivered = Vec::new();
    for (i, delivery) in deliveries.into_iter().enumerate() {
        if let Err(e) = runtime.block_on(delivery) {
            undelivered.push((i, e));
        }
    }
    if !undelivered.is_empty() {
        let _ = producer.abort_transaction(CALL_TIMEOUT);
        return Err(dead_letter_unwritable(results, undelivered));
    }
    let metadata = txn.consumer.group_metadata().ok_or_else(|| abort(producer, "no consumer group metadata yet".into()))?;
    producer.send_offsets_to_transaction(&next_offsets(results), &metadata, CALL_TIMEOUT).map_err(|e| classify(producer, e))?;
    producer.commit_transaction(CALL_TIMEOUT).map_err(|e| classify(producer, e))
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
        let permanent = matches!(
            error.rdkafka_error_code(),
            Some(RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessage | RDKafkaErrorCode::InvalidRecord | RDKafkaErrorCode::MessageBatchTooLarge)
        );
        let (f, outcome) = &mut results[i];
        if permanent {
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
    Failure::Retry(summary)
}

/// Aborts the transaction after an error, telling a retry from a fatal state.
fn classify(producer: &FutureProducer, error: KafkaError) -> Failure {
    if let KafkaError::Transaction(e) = &error {
        if e.is_fatal() {
            return Failure::Fatal(WorkerError::Transaction(error.to_string()));
        }
    }
    abort(producer, error.to_string())
}

fn abort(producer: &FutureProducer, why: String) -> Failure {
    match producer.abort_transaction(CALL_TIMEOUT) {
        Ok(()) => Failure::Retry(why),
        Err(KafkaError::Transaction(e)) if e.is_fatal() => Failure::Fatal(WorkerError::Transaction(format!("{why}; abort: {e}"))),
        // "no transaction in progress" and transient abort errors: the next begin tells
        Err(_) => Failure::Retry(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::worker::Fetched;

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
        assert!(matches!(failure, Failure::Retry(_)));
        assert!(matches!(batch[0].1, Outcome::DeadLetter { reason: "produce_failed", .. }), "too large: dead-lettered next time");
        assert!(matches!(batch[1].1, Outcome::Event { .. }), "a timeout is retried unchanged");

        // a dead-letter record that cannot be written at all is fatal
        let mut batch: BatchResult = vec![(Fetched::for_test("in", 0, 5), Outcome::DeadLetter { reason: "too_large", message: "x".into() })];
        let failure = dead_letter_unwritable(&mut batch, vec![(0, KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge))]);
        assert!(matches!(failure, Failure::Fatal(WorkerError::Undeliverable { offset: 5, .. })));
    }

    #[test]
    fn revoking_a_partition_bumps_only_its_epoch() {
        let fence = Fence::default();
        let a = ("in".to_string(), 0);
        let b = ("in".to_string(), 1);
        assert_eq!(fence.epoch(&a), 0);
        fence.revoke([&a]);
        assert_eq!(fence.epoch(&a), 1);
        assert_eq!(fence.epoch(&b), 0);
    }

    #[test]
    fn revocation_waits_for_the_transaction_in_progress() {
        let fence = Arc::new(Fence::default());
        let tp = ("in".to_string(), 3);
        let gate = lock(&fence.gate);
        let f = fence.clone();
        let t = tp.clone();
        let revoker = std::thread::spawn(move || f.revoke([&t]));
        std::thread::sleep(Duration::from_millis(50));
        // the transaction still sees the old epoch while it holds the gate
        assert_eq!(fence.epoch(&tp), 0);
        drop(gate);
        revoker.join().expect("revoker thread");
        assert_eq!(fence.epoch(&tp), 1);
    }
}
