//! At least once: events acknowledged first, offsets committed after, from the tracker.
//!
//! Nothing is committed past a record whose event (or dead-letter record) the broker has not
//! acknowledged, so a crash loses nothing and redoes at most the unacknowledged tail. The
//! processed positions are stored in librdkafka, whose auto-commit commits them (see
//! [`AtLeastOnce::store`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaErrorCode;

use super::{Publish, PublishFuture, RetryBudget, Shared};
use crate::stream::batch::{is_permanent, send, BatchResult, Outcome, WorkerError};
use crate::stream::sync::lock;
use crate::stream::consumer::WorkerConsumer;
use crate::stream::kafka_log::KafkaProducer;
use crate::stream::offsets::OffsetTracker;

/// The at-least-once strategy.
pub struct AtLeastOnce {
    producer: KafkaProducer,
    consumer: Arc<WorkerConsumer>,
    tracker: Arc<Mutex<OffsetTracker>>,
    shared: Shared,
}

impl AtLeastOnce {
    /// Publishes with `producer`; commits `tracker`'s positions through `consumer`.
    pub fn new(producer: KafkaProducer, consumer: Arc<WorkerConsumer>, tracker: Arc<Mutex<OffsetTracker>>, shared: Shared) -> Self {
        AtLeastOnce { producer, consumer, tracker, shared }
    }

    /// Hands every partition's processed position that moved to librdkafka, which commits it
    /// on its auto-commit timer (`kafka.commit_interval_ms`), at a revocation and at close, and
    /// commits it again after a failure. Its commits report back through the consumer's commit
    /// callback (successes feed the stall watch); a manual asynchronous commit would not:
    /// librdkafka only logs its outcome.
    fn store(&self) {
        let positions = lock(&self.tracker).take_commits();
        if positions.is_empty() {
            return;
        }
        let mut tpl = TopicPartitionList::new();
        for ((topic, partition), offset) in &positions {
            let _ = tpl.add_partition_offset(topic, *partition, Offset::Offset(*offset));
        }
        tracing::trace!(?positions, "storing processed positions for the next commit");
        if let Err(e) = self.consumer.store_offsets(&tpl) {
            // a partition revoked meanwhile: its next owner starts from the last commit
            tracing::debug!(error = %e, "storing processed positions failed (partition no longer assigned)");
        }
    }

    /// Sends the batch, then waits for each acknowledgement in order. A record the broker
    /// rejects as such is dead-lettered; a transient failure (broker down, timeout) is sent
    /// again, with backoff, until `kafka.retry_timeout_ms` runs out. When the shutdown gives
    /// up, the records acknowledged so far (in order) are done and the rest are not.
    async fn publish_batch(&self, mut results: BatchResult) -> Result<BatchResult, WorkerError> {
        let (config, stop) = (&self.shared.config, &self.shared.stop);
        let limit = std::time::Duration::from_millis(config.kafka.retry_timeout_ms);
        let deliveries: Vec<_> = results.iter().map(|(f, outcome)| send(&self.producer, config, f, outcome)).collect();
        let mut first = Vec::with_capacity(deliveries.len());
        for delivery in deliveries {
            match stop.unless_stopped(delivery).await {
                Some(result) => first.push(result),
                None => break,
            }
        }
        let mut warned = false;
        let mut done = 0;
        'records: for ((f, outcome), result) in results.iter_mut().zip(first) {
            let mut budget = RetryBudget::new(limit);
            let mut result = Some(result);
            while let Some(Err(error)) = result {
                if is_permanent(&error) {
                    match outcome {
                        Outcome::Event { .. } => {
                            tracing::warn!(topic = %f.tp.0, partition = f.tp.1, offset = f.offset, error = %error, "the broker rejects the event; dead-lettering the record");
                            *outcome = Outcome::DeadLetter { reason: "produce_failed", message: error.to_string() };
                        }
                        Outcome::DeadLetter { .. } => {
                            return Err(WorkerError::Undeliverable { topic: f.tp.0.clone(), partition: f.tp.1, offset: f.offset, message: error.to_string() })
                        }
                    }
                } else {
                    let wait = budget.next_wait(&error.to_string())?;
                    if !warned {
                        warned = true;
                        tracing::warn!(topic = %f.tp.0, partition = f.tp.1, offset = f.offset, error = %error, "not delivered; sending again until the broker takes it");
                    }
                    if stop.unless_stopped(tokio::time::sleep(wait)).await.is_none() {
                        break 'records;
                    }
                }
                result = stop.unless_stopped(send(&self.producer, config, f, outcome)).await;
            }
            if result.is_none() {
                break;
            }
            if budget.attempts() > 0 {
                tracing::info!(attempts = budget.attempts(), seconds = budget.elapsed().as_secs_f64(), "delivered after retrying");
            }
            done += 1;
        }
        if done < results.len() {
            tracing::info!(abandoned = results.len() - done, "shutdown: records not acknowledged yet are left uncommitted");
            results.truncate(done);
        }
        Ok(results)
    }
}

impl Publish for AtLeastOnce {
    fn publish(self: Arc<Self>, batch: BatchResult) -> PublishFuture {
        Box::pin(async move { self.publish_batch(batch).await })
    }

    fn tick(&self) {
        self.store();
    }

    /// The last commit before leaving: what was processed is stored and committed now.
    fn close(&self) {
        self.store();
        match self.consumer.commit_consumer_state(CommitMode::Sync) {
            Ok(()) => {
                self.shared.metrics.commits.inc();
                self.shared.watch.committed();
            }
            // nothing stored since the last commit
            Err(e) if e.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
            Err(e) => tracing::warn!(error = %e, "the last offset commit failed; the next owner may redo some records"),
        }
    }

    fn flush(&self, timeout: Duration) {
        let _ = rdkafka::producer::Producer::flush(&self.producer, timeout);
    }

    fn awaits_commit(&self) -> bool {
        lock(&self.tracker).awaits_commit()
    }
}
