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
//! the batch is dropped and fetched again under the new membership.
//!
//! A producer librdkafka declares fatally failed is replaced, unless another instance fenced
//! it. A broker that comes back after an outage longer than `transaction.timeout.ms` has
//! aborted the open transaction itself, and ending it then fails fatally ("invalid
//! transactional state", or a fence by the coordinator's epoch bump): a new producer with the
//! same transactional id is registered, which settles the old transaction, and the group's
//! committed offsets tell whether the batch was committed before the failure; if not, it is
//! tried again. The bound is time (`kafka.retry_timeout_ms`); only a fence by another
//! instance, or a record that cannot be written even as a dead letter, stops the worker at
//! once.
//!
//! Every blocking call has a short timeout ([`CALL_TIMEOUT`]) and every wait watches the
//! shutdown flag, so a SIGTERM never waits long for a broker that is down: the open
//! transaction is aborted and its batch left uncommitted for the next owner.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::Consumer;
use rdkafka::error::{KafkaError, RDKafkaError};
use rdkafka::producer::Producer;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaErrorCode;

use super::{Publish, PublishFuture, RetryBudget, Shared};
use crate::config::Config;
use crate::stream::batch::{is_permanent, send, BatchResult, Outcome, WorkerError};
use crate::stream::consumer::{is_stale_group_metadata, Rejoin, WorkerConsumer};
use crate::stream::fence::Fence;
use crate::stream::kafka_log::KafkaProducer;
use crate::stream::link::BrokerLink;
use crate::stream::offsets::TopicPartition;
use crate::stream::sync::lock;

/// Timeout of each blocking transaction call. Short, so that a shutdown is never stuck behind
/// one for long; a call that times out is simply made again (a commit whose outcome is unknown
/// is committed again, an abort is completed before anything else, anything else aborts and
/// retries the batch).
const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// Timeout of the abort made when a shutdown gives up on the open transaction.
const ABORT_AT_SHUTDOWN: Duration = Duration::from_secs(1);

/// librdkafka's default `transaction.timeout.ms`, used when the configuration leaves it out.
const DEFAULT_TRANSACTION_TIMEOUT: Duration = Duration::from_secs(60);

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
    /// Another instance took over the transactional id, a new producer cannot be made, or a
    /// record cannot be written at all.
    Fatal(WorkerError),
}

impl Failure {
    fn retry(why: String) -> Self {
        Failure::Retry { why, stale_group: false }
    }
}

/// What the producer needs before the next transaction can begin. Each attempt first brings
/// it to [`ProducerState::Ready`], one step per attempt, so every step gets the retry loop's
/// backoff, shutdown checks and time budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProducerState {
    /// Nothing: begin the next transaction.
    Ready,
    /// An abort timed out (the broker is down). librdkafka goes on with it, and any other
    /// transactional call fails ("conflicting abort_transaction call in progress") until the
    /// abort is called again and completes.
    AbortUnfinished,
    /// The producer hit a fatal error that no other instance caused: librdkafka refuses every
    /// further call on it. It is replaced by a new one with the same transactional id.
    Broken,
    /// A replacement whose transactional id is not registered yet (`init_transactions`, which
    /// also makes the coordinator settle the predecessor's open transaction).
    Uninitialised,
    /// A registered replacement: the batch may already be committed (the lost producer may
    /// have failed after its commit reached the coordinator). The group's committed offsets
    /// tell, now that the predecessor's transaction is settled.
    Unverified,
}

/// The producer the transactions go through, and what it needs next.
struct Slot {
    producer: KafkaProducer,
    state: ProducerState,
    /// When the open transaction began (none between transactions).
    open_since: Option<Instant>,
}

/// The exactly-once strategy.
pub struct Transactional {
    slot: Mutex<Slot>,
    consumer: Arc<WorkerConsumer>,
    fence: Arc<Fence>,
    rejoin: Arc<Rejoin>,
    link: Arc<BrokerLink>,
    shared: Shared,
}

impl Transactional {
    /// A strategy over a transactional `producer` (see [`Transactional::init`]); replacements
    /// are made from the configuration and report to `link`.
    pub fn new(producer: KafkaProducer, consumer: Arc<WorkerConsumer>, fence: Arc<Fence>, rejoin: Arc<Rejoin>, link: Arc<BrokerLink>, shared: Shared) -> Self {
        let slot = Mutex::new(Slot { producer, state: ProducerState::Ready, open_since: None });
        Transactional { slot, consumer, fence, rejoin, link, shared }
    }

    fn producer(&self) -> KafkaProducer {
        lock(&self.slot).producer.clone()
    }

    /// Registers the transactional id with its coordinator, which fences any earlier instance
    /// with the same id and aborts its open transaction. Waits for a broker as long as it
    /// takes (the caller races it against shutdown); fails only on a fatal error.
    pub async fn init(&self, link: &BrokerLink) -> Result<(), WorkerError> {
        // no time limit: the worker waits for its broker, not ready, until shutdown
        let mut backoff = RetryBudget::new(Duration::MAX);
        loop {
            let producer = self.producer();
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
                let mut slot = lock(&self.slot);
                match self.attempt(&mut slot, &mut results, &runtime, &mut budget) {
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
                            tracing::debug!(attempt = budget.attempts() + 1, error = %why, producer = ?slot.state, "transaction aborted again");
                        }
                        budget.next_wait(&why)?
                    }
                }
            };
            // the gate is released while waiting, so a rebalance can go on
            stop.sleep_blocking(wait);
        }
    }

    /// One attempt: the producer's next step towards ready if it needs one, else the batch's
    /// transaction.
    fn attempt(&self, slot: &mut Slot, results: &mut BatchResult, runtime: &tokio::runtime::Handle, budget: &mut RetryBudget) -> Result<(), Failure> {
        match slot.state {
            ProducerState::Ready => self.try_transaction(slot, results, runtime, budget),
            ProducerState::AbortUnfinished => Err(slot.abort("completing an abort that timed out".into(), &self.shared.config)),
            ProducerState::Broken => Err(self.replace(slot)),
            ProducerState::Uninitialised => Err(slot.register()),
            ProducerState::Unverified => self.verify(slot, results),
        }
    }

    /// Replaces a producer librdkafka gave up on (a fatal error another instance did not
    /// cause, such as a coordinator that lost the transaction in a broker restart).
    fn replace(&self, slot: &mut Slot) -> Failure {
        match super::producer(&self.shared.config, self.link.clone()) {
            Ok(producer) => {
                // the old instance is destroyed here, its queues purged (nothing of the
                // transaction it had open is visible or committed)
                slot.producer = producer;
                slot.state = ProducerState::Uninitialised;
                slot.open_since = None;
                self.shared.metrics.producer_restarts.inc();
                tracing::warn!("the transactional producer failed; replaced by a new one with the same transactional id (the batch is tried again)");
                Failure::retry("transactional producer replaced".into())
            }
            Err(e) => Failure::Fatal(WorkerError::Transaction(format!("replacing the failed transactional producer: {e}"))),
        }
    }

    /// After a replacement: was the batch committed by the lost producer? Its transaction is
    /// settled (registering the new producer made the coordinator end it), so the group's
    /// committed offsets say. All of the batch or none of it is committed (one transaction).
    fn verify(&self, slot: &mut Slot, results: &BatchResult) -> Result<(), Failure> {
        let wanted = next_offsets(results);
        let mut asked = TopicPartitionList::new();
        for element in wanted.elements() {
            let _ = asked.add_partition(element.topic(), element.partition());
        }
        let committed = self.consumer.committed_offsets(asked, CALL_TIMEOUT).map_err(|e| Failure::retry(format!("reading committed offsets after replacing the producer: {e}")))?;
        slot.state = ProducerState::Ready;
        let done = wanted.elements().iter().all(|want| {
            let got = committed.find_partition(want.topic(), want.partition()).map(|e| e.offset());
            matches!((got, want.offset()), (Some(Offset::Offset(got)), Offset::Offset(want)) if got >= want)
        });
        if done {
            tracing::info!(records = results.len(), "the failed producer had committed the batch before failing; not committed again");
            return Ok(());
        }
        Err(Failure::retry("the failed producer had not committed the batch; trying it again".into()))
    }

    fn try_transaction(&self, slot: &mut Slot, results: &mut BatchResult, runtime: &tokio::runtime::Handle, budget: &mut RetryBudget) -> Result<(), Failure> {
        let (config, stop) = (&self.shared.config, &self.shared.stop);
        let producer = slot.producer.clone();
        producer.begin_transaction().map_err(|e| slot.classify(e, config))?;
        slot.open_since = Some(Instant::now());
        let deliveries: Vec<_> = results.iter().map(|(f, outcome)| send(&producer, config, f, outcome)).collect();
        let mut undelivered = Vec::new();
        for (i, delivery) in deliveries.into_iter().enumerate() {
            match runtime.block_on(stop.unless_stopped(delivery)) {
                Some(Ok(_)) => {}
                Some(Err(e)) => undelivered.push((i, e)),
                None => return Err(slot.abort_at_shutdown()),
            }
        }
        if !undelivered.is_empty() {
            let failure = dead_letter_unwritable(results, undelivered);
            return Err(match slot.abort(String::new(), config) {
                Failure::Retry { .. } | Failure::Stopped => failure,
                fatal => fatal,
            });
        }
        if stop.requested() {
            return Err(slot.abort_at_shutdown());
        }
        let Some(metadata) = self.consumer.group_metadata() else {
            return Err(slot.abort("no consumer group metadata yet".into(), config));
        };
        producer.send_offsets_to_transaction(&next_offsets(results), &metadata, CALL_TIMEOUT).map_err(|e| slot.classify(e, config))?;
        loop {
            match producer.commit_transaction(CALL_TIMEOUT) {
                Ok(()) => {
                    slot.open_since = None;
                    return Ok(());
                }
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
                Err(e) => return Err(slot.classify(e, config)),
            }
        }
    }
}

impl Slot {
    /// After a failed call: aborts the transaction and tells a retry (a refusal of stale
    /// group metadata apart) from a fatal state.
    fn classify(&mut self, error: KafkaError, config: &Config) -> Failure {
        if let KafkaError::Transaction(e) = &error {
            if e.is_fatal() {
                return self.fatal(e, error.to_string(), config);
            }
        }
        let stale_group = error.rdkafka_error_code().is_some_and(is_stale_group_metadata);
        match self.abort(error.to_string(), config) {
            Failure::Retry { why, .. } => Failure::Retry { why, stale_group },
            other => other,
        }
    }

    /// Aborts the open transaction. An abort that times out is left for the next attempt to
    /// complete; one that finds no transaction open leaves the producer ready.
    fn abort(&mut self, why: String, config: &Config) -> Failure {
        match self.producer.abort_transaction(CALL_TIMEOUT) {
            Ok(()) => {
                self.settled();
                Failure::retry(why)
            }
            Err(KafkaError::Transaction(e)) if e.is_fatal() => {
                let what = if why.is_empty() { format!("abort: {e}") } else { format!("{why}; abort: {e}") };
                self.fatal(&e, what, config)
            }
            // no transaction open (a begin that failed): nothing to complete
            Err(KafkaError::Transaction(e)) if e.code() == RDKafkaErrorCode::State => {
                self.settled();
                Failure::retry(why)
            }
            Err(e) => {
                self.state = ProducerState::AbortUnfinished;
                Failure::retry(if why.is_empty() { format!("abort: {e}") } else { why })
            }
        }
    }

    /// No transaction open any more: ready for the next.
    fn settled(&mut self) {
        self.state = ProducerState::Ready;
        self.open_since = None;
    }

    /// A fatal error: the worker stops if another instance took over the transactional id;
    /// otherwise the producer is replaced and the batch retried.
    fn fatal(&mut self, error: &RDKafkaError, why: String, config: &Config) -> Failure {
        let open_for = self.open_since.map(|since| since.elapsed());
        if is_fenced(error.code()) && !outlived_its_timeout(open_for, transaction_timeout(config)) {
            return Failure::Fatal(WorkerError::Transaction(format!("{why} (another instance uses transactional id {})", config.kafka.effective_transactional_id())));
        }
        self.state = ProducerState::Broken;
        Failure::retry(why)
    }

    /// Registers a replacement's transactional id (one short try per attempt).
    fn register(&mut self) -> Failure {
        match self.producer.init_transactions(CALL_TIMEOUT) {
            Ok(()) => {
                self.state = ProducerState::Unverified;
                Failure::retry("transactional producer replaced and registered".into())
            }
            Err(KafkaError::Transaction(e)) if e.is_fatal() => Failure::Fatal(WorkerError::Transaction(format!("init_transactions of the replacement producer: {e}"))),
            Err(e) => Failure::retry(format!("init_transactions of the replacement producer: {e}")),
        }
    }

    /// The shutdown gave up while the transaction is open: abort it (briefly: the broker may be
    /// down, and then the transaction times out there or the next instance with this
    /// transactional id aborts it).
    fn abort_at_shutdown(&mut self) -> Failure {
        if let Err(e) = self.producer.abort_transaction(ABORT_AT_SHUTDOWN) {
            tracing::debug!(error = %e, "abort at shutdown did not complete; the broker ends the transaction");
        }
        Failure::Stopped
    }
}

/// Errors saying that a newer producer epoch exists for the transactional id.
fn is_fenced(code: RDKafkaErrorCode) -> bool {
    matches!(code, RDKafkaErrorCode::Fenced | RDKafkaErrorCode::ProducerFenced | RDKafkaErrorCode::InvalidProducerEpoch)
}

/// A transaction open longer than `transaction.timeout.ms` may have been aborted by its
/// coordinator, which then bumps the producer epoch: the fence is the coordinator's own, not
/// another instance's (typically after an outage longer than the timeout).
fn outlived_its_timeout(open_for: Option<Duration>, timeout: Duration) -> bool {
    open_for.is_some_and(|open_for| open_for >= timeout)
}

/// The producer's `transaction.timeout.ms` (pass-through configuration or librdkafka's default).
fn transaction_timeout(config: &Config) -> Duration {
    let k = &config.kafka;
    let key = "transaction.timeout.ms";
    // the producer's own properties override the shared ones, as when the producer is made
    k.producer
        .get(key)
        .or_else(|| k.client.get(key))
        .and_then(|value| value.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_TRANSACTION_TIMEOUT)
}

impl Publish for Transactional {
    fn publish(self: Arc<Self>, batch: BatchResult) -> PublishFuture {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || self.commit_batch(batch)).await.map_err(|e| WorkerError::Stage(format!("transaction task: {e}")))?
        })
    }

    /// Transactions flush themselves on commit; this only waits for stray records, and never
    /// behind a transaction call still in progress (a shutdown that gave up must not wait).
    fn flush(&self, timeout: Duration) {
        if let Ok(slot) = self.slot.try_lock() {
            let _ = slot.producer.flush(timeout);
        }
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

#[cfg(test)]
mod tests {
    use rdkafka::error::RDKafkaErrorCode;

    use super::*;
    use crate::stream::batch::Fetched;

    fn event() -> Outcome {
        Outcome::Event { key: "k".into(), json: b"{}".to_vec() }
    }

    #[test]
    fn a_fence_is_another_instances_unless_the_transaction_outlived_its_timeout() {
        let timeout = Duration::from_secs(5);
        assert!(is_fenced(RDKafkaErrorCode::Fenced) && is_fenced(RDKafkaErrorCode::ProducerFenced) && is_fenced(RDKafkaErrorCode::InvalidProducerEpoch));
        assert!(!is_fenced(RDKafkaErrorCode::InvalidTransactionalState), "invalid state: the producer is replaced");
        assert!(outlived_its_timeout(Some(Duration::from_secs(20)), timeout), "open through a long outage: the coordinator aborted it");
        assert!(!outlived_its_timeout(Some(Duration::from_secs(1)), timeout), "a fresh transaction fenced: another instance");
        assert!(!outlived_its_timeout(None, timeout), "no transaction open: another instance");
    }

    #[test]
    fn the_transaction_timeout_is_the_configured_one_or_librdkafkas_default() {
        let mut config = Config::default();
        assert_eq!(transaction_timeout(&config), Duration::from_secs(60));
        config.kafka.producer.insert("transaction.timeout.ms".into(), "5000".into());
        assert_eq!(transaction_timeout(&config), Duration::from_secs(5));
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
