//! The input side: the consumer's configuration and its callbacks (rebalances, statistics).
//!
//! What happens to a revoked partition depends on the delivery mode, so the callbacks carry
//! a [`Revocation`] chosen at start-up: at least once, commit what was processed; exactly
//! once, fence the partition (offsets move only inside transactions).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::statistics::Statistics;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::error::KafkaResult;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientContext;

use super::sync::lock;
use super::fence::Fence;
use super::kafka_log;
use super::link::BrokerLink;
use super::offsets::{OffsetTracker, TopicPartition};
use super::stall::CommitWatch;
use crate::config::{Config, Delivery};
use crate::observability::{Health, Metrics, PartitionLabel};

/// The worker's consumer.
pub type WorkerConsumer = StreamConsumer<ConsumerCallbacks>;

/// What a revocation does to the revoked partitions' processed records.
pub enum Revocation {
    /// Commit their processed positions now, synchronously (at least once).
    CommitProcessed,
    /// Invalidate their records still in the pipeline; the next owner redoes them (exactly once).
    Fence(Arc<Fence>),
}

/// Consumer callbacks: commit or fence on revocation, readiness on assignment, lag and broker
/// state from statistics.
pub struct ConsumerCallbacks {
    /// Records in flight and processed positions.
    pub tracker: Arc<Mutex<OffsetTracker>>,
    /// Readiness.
    pub health: Arc<Health>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Broker reachability.
    pub link: Arc<BrokerLink>,
    /// Told of every offset commit that succeeds (stall detection).
    pub watch: Arc<CommitWatch>,
    /// What revocation does.
    pub revocation: Revocation,
    /// Set while commits fail (one warning per failing stretch, not one per commit).
    pub commits_failing: AtomicBool,
    /// Statistics snapshots in a row without a broker connection up.
    pub down_snapshots: AtomicU32,
    /// Whether the poll loop holds fetching back (backpressure); applied to every assignment.
    pub fetch_paused: Arc<AtomicBool>,
}

impl ClientContext for ConsumerCallbacks {
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        kafka_log::forward(level, fac, message);
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        match error.rdkafka_error_code() {
            Some(code) if kafka_log::is_refusal_code(code) => self.link.refused(&format!("{error}: {reason}")),
            Some(code) if kafka_log::is_connection_code(code) => tracing::debug!(error = %error, reason, "kafka connection error (librdkafka retries)"),
            _ => tracing::warn!(error = %error, reason, "kafka consumer error"),
        }
    }

    fn stats(&self, statistics: Statistics) {
        for (topic, t) in &statistics.topics {
            for (partition, p) in &t.partitions {
                if *partition >= 0 && p.consumer_lag >= 0 {
                    let label = PartitionLabel { topic: topic.clone(), partition: partition.to_string() };
                    self.metrics.consumer_lag.get_or_create(&label).set(p.consumer_lag);
                }
            }
        }
        if statistics.brokers.values().any(|b| b.state == "UP") {
            self.down_snapshots.store(0, Ordering::Relaxed);
            self.link.up();
        } else if !statistics.brokers.is_empty() && self.down_snapshots.fetch_add(1, Ordering::Relaxed) >= 1 {
            // two snapshots in a row (4 s): a connection being re-established is no outage
            self.link.lost("no broker connection is up");
        }
    }
}

impl ConsumerContext for ConsumerCallbacks {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(revoked) = rebalance else { return };
        let tps: Vec<TopicPartition> = revoked.elements().iter().map(|el| (el.topic().to_string(), el.partition())).collect();
        match &self.revocation {
            Revocation::Fence(fence) => {
                // no commit here: offsets move only inside transactions
                fence.revoke(&tps);
                let mut tracker = lock(&self.tracker);
                for tp in &tps {
                    tracker.forget(tp);
                }
                tracing::info!(revoked = tps.len(), "partitions revoked (their uncommitted records go to the next owner)");
            }
            Revocation::CommitProcessed => {
                let mut tracker = lock(&self.tracker);
                let mut tpl = TopicPartitionList::new();
                for tp in &tps {
                    if let Some(position) = tracker.committable(tp) {
                        let _ = tpl.add_partition_offset(&tp.0, tp.1, Offset::Offset(position));
                    }
                    tracker.forget(tp);
                }
                // a lost assignment (the session expired, e.g. during a broker outage) cannot be
                // committed for, and a synchronous commit with no broker would block the poll
                // loop (and with it SIGTERM) until librdkafka gives up
                if tpl.count() > 0 && (consumer.assignment_lost() || self.link.is_down()) {
                    tracing::info!(partitions = tpl.count(), "revoked partitions were lost (no broker or an expired session); their processed offsets stay uncommitted and may be redone");
                } else if tpl.count() > 0 {
                    match consumer.commit(&tpl, CommitMode::Sync) {
                        Ok(()) => tracing::info!(partitions = tpl.count(), "committed processed offsets of revoked partitions"),
                        Err(e) if self.link.is_down() => tracing::debug!(error = %e, "commit at revocation failed during a broker outage"),
                        Err(e) => tracing::warn!(error = %e, "commit at revocation failed; the next owner may reprocess some records"),
                    }
                    self.metrics.commits.inc();
                }
                tracing::info!(revoked = tps.len(), "partitions revoked");
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            // an auto-commit with nothing new to commit
            Err(e) if e.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
            Ok(()) => {
                self.metrics.commits.inc();
                self.watch.committed();
                if self.commits_failing.swap(false, Ordering::Relaxed) {
                    tracing::info!("offset commits succeed again");
                }
            }
            Err(e) => {
                let mut tracker = lock(&self.tracker);
                for el in offsets.elements() {
                    if let Offset::Offset(position) = el.offset() {
                        tracker.commit_failed(&(el.topic().to_string(), el.partition()), position);
                    }
                }
                if !self.commits_failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "offset commit failed; retried with the next commits until one succeeds");
                } else {
                    tracing::debug!(error = %e, "offset commit failed again");
                }
            }
        }
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let assigned = consumer.assignment().map(|a| a.count()).unwrap_or(0);
        self.health.set_assigned(assigned);
        if let Rebalance::Assign(tpl) = rebalance {
            // an assignment comes from the group coordinator: a broker answers
            self.link.up();
            apply_fetch_pause(consumer, tpl, self.fetch_paused.load(Ordering::SeqCst));
            tracing::info!(added = tpl.count(), assigned, "partitions assigned");
        }
    }
}

/// Gives newly assigned partitions the poll loop's current pause state. librdkafka keeps a
/// partition's pause across a revocation and a later re-assignment (unlike the Java client),
/// while the poll loop only pauses and resumes what is assigned at the time: a partition
/// revoked while paused (a full pipeline when the session expired in a broker outage) would
/// come back paused with the loop believing it resumed, and never be fetched again.
fn apply_fetch_pause(consumer: &BaseConsumer<ConsumerCallbacks>, added: &TopicPartitionList, paused: bool) {
    if added.count() == 0 {
        return;
    }
    let result = if paused { consumer.pause(added) } else { consumer.resume(added) };
    if let Err(e) = result {
        tracing::warn!(error = %e, paused, "setting the pause state of newly assigned partitions failed");
    }
}

/// A request to leave the consumer group and join it again.
///
/// After a broker restart the group coordinator may no longer know this member (its member id
/// or generation died with the broker). The consumer notices that by itself on its next
/// heartbeat, as long as it is polled; but a transaction can keep being refused with "unknown
/// member" or "illegal generation" while it carries stale group metadata, and retrying the same
/// transaction cannot cure that. The transactional strategy then raises this request and the
/// poll loop (the only place that may touch the subscription) leaves and rejoins the group.
#[derive(Default)]
pub struct Rejoin {
    reason: Mutex<Option<String>>,
}

impl Rejoin {
    /// Asks for a rejoin (requests made before the loop takes one count once).
    pub fn request(&self, why: &str) {
        let mut reason = lock(&self.reason);
        if reason.is_none() {
            *reason = Some(why.to_string());
        }
    }

    /// The pending request, if any, now taken.
    pub fn take(&self) -> Option<String> {
        lock(&self.reason).take()
    }
}

/// Is this the broker saying that the group metadata sent with a commit is stale (this member
/// or its generation is unknown to the coordinator)? Rejoining the group cures it.
pub fn is_stale_group_metadata(code: rdkafka::types::RDKafkaErrorCode) -> bool {
    use rdkafka::types::RDKafkaErrorCode as C;
    matches!(code, C::UnknownMemberId | C::IllegalGeneration | C::FencedInstanceId)
}

/// The consumer, subscribed to the input topic (no broker needs to answer yet).
pub fn subscribe(config: &Config, callbacks: ConsumerCallbacks) -> Result<Arc<WorkerConsumer>, rdkafka::error::KafkaError> {
    let consumer: WorkerConsumer = consumer_config(config).create_with_context(callbacks)?;
    consumer.subscribe(&[&config.kafka.input_topic])?;
    Ok(Arc::new(consumer))
}

fn consumer_config(config: &Config) -> ClientConfig {
    let k = &config.kafka;
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        .set("group.id", &k.group_id)
        // offsets are stored only once processed (see publish::at_least_once); exactly once
        // commits them inside transactions instead
        .set("enable.auto.commit", (k.delivery == Delivery::AtLeastOnce).to_string())
        .set("auto.commit.interval.ms", k.commit_interval_ms.max(10).to_string())
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", &k.auto_offset_reset)
        .set("partition.assignment.strategy", "cooperative-sticky")
        .set("session.timeout.ms", k.session_timeout_ms.to_string())
        // members rejoin a rebalance on their next heartbeat: a tenth of the session timeout
        // (at most librdkafka's 3 s default) keeps hand-overs short
        .set("heartbeat.interval.ms", (k.session_timeout_ms / 10).clamp(100, 3000).to_string())
        // lag metrics and broker reachability (readiness) come from the statistics
        .set("statistics.interval.ms", "2000")
        .set("client.id", format!("quotewire-{}", std::process::id()));
    if k.delivery == Delivery::ExactlyOnce {
        // input written by transactional producers: never read aborted records
        c.set("isolation.level", "read_committed");
    }
    for (key, value) in k.client.iter().chain(&k.consumer) {
        c.set(key, value);
    }
    c
}

#[cfg(test)]
mod tests {
    use rdkafka::types::RDKafkaErrorCode as C;

    use super::*;

    #[test]
    fn a_rejoin_request_is_taken_once_and_keeps_its_first_reason() {
        let rejoin = Rejoin::default();
        assert_eq!(rejoin.take(), None);
        rejoin.request("unknown member");
        rejoin.request("illegal generation");
        assert_eq!(rejoin.take().as_deref(), Some("unknown member"));
        assert_eq!(rejoin.take(), None, "taken: the loop rejoins once");
    }

    #[test]
    fn only_refused_group_metadata_calls_for_a_rejoin() {
        for code in [C::UnknownMemberId, C::IllegalGeneration, C::FencedInstanceId] {
            assert!(is_stale_group_metadata(code), "{code:?}");
        }
        for code in [C::RebalanceInProgress, C::RequestTimedOut, C::NotCoordinator, C::CoordinatorLoadInProgress] {
            assert!(!is_stale_group_metadata(code), "{code:?}: cured by retrying");
        }
    }
}
