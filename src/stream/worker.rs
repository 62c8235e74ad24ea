//! The worker: fetch → decode → batch → enrich → publish → commit, at least once.
//!
//! Three stages joined by bounded channels (so a slow stage pushes back on the one before):
//!
//! 1. **fetch** (this task): polls the consumer, decodes records, closes batches at
//!    `max_batch_articles` or `max_batch_wait_ms`, and stops fetching while
//!    `max_in_flight` records are unfinished.
//! 2. **enrich**: runs each batch on the blocking pool, up to `parallelism` at once, and hands
//!    the pending results on *in batch order*, so output order per partition is input order.
//! 3. **publish**: sends each batch's events (and dead-letter records) and waits for the
//!    broker's acknowledgements; only then are the offsets marked done.
//!
//! At least once (the default): offsets are committed from the [`OffsetTracker`] on a timer,
//! at revocation (for the revoked partitions, synchronously, inside the rebalance callback) and
//! at shutdown. Nothing is committed past a record whose event has not been acknowledged.
//!
//! Exactly once (`kafka.delivery = "exactly-once"`): stage 3 is
//! [`super::transactional::publish_stage`], which commits each batch's records and input
//! offsets in one Kafka transaction; the tracker then only counts records in flight.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::statistics::Statistics;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::ClientContext;
use thiserror::Error;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::decode::{decode_article, DecodeError};
use super::offsets::{OffsetTracker, TopicPartition};
use super::transactional::{self, Fence, Transactions};
use crate::config::{Config, Delivery};
use crate::nlp::{Enricher, Enrichment, NlpError};
use crate::observability::{Health, Metrics, PartitionLabel};
use crate::schema::{Article, SourcePosition};

/// Header names of dead-letter records.
pub mod dlq_headers {
    /// Stable snake_case reason (`not_json`, `too_large`, `processing_failed`, ...).
    pub const ERROR_KIND: &str = "quotewire.error.kind";
    /// Human-readable message.
    pub const ERROR_MESSAGE: &str = "quotewire.error.message";
    /// Topic the record was read from.
    pub const SOURCE_TOPIC: &str = "quotewire.source.topic";
    /// Partition it was read from.
    pub const SOURCE_PARTITION: &str = "quotewire.source.partition";
    /// Offset it was read at.
    pub const SOURCE_OFFSET: &str = "quotewire.source.offset";
}

/// Errors that stop the worker (without committing what was not delivered).
#[derive(Debug, Error)]
pub enum WorkerError {
    /// Creating or configuring a Kafka client failed.
    #[error("kafka client setup: {0}")]
    Setup(#[source] KafkaError),
    /// A record could be neither published nor dead-lettered.
    #[error("record {topic}/{partition}@{offset} could not be published nor dead-lettered: {message}")]
    Undeliverable {
        /// Input topic.
        topic: String,
        /// Input partition.
        partition: i32,
        /// Input offset.
        offset: i64,
        /// The last error.
        message: String,
    },
    /// A stage ended unexpectedly.
    #[error("pipeline stage failed: {0}")]
    Stage(String),
    /// The transactional producer is fenced (another instance uses its transactional id) or
    /// in a fatal state.
    #[error("transactional producer: {0}")]
    Transaction(String),
}

/// A fetched record and what decoding made of it.
pub(super) struct Fetched {
    pub(super) tp: TopicPartition,
    pub(super) offset: i64,
    /// The partition's assignment epoch when fetched (exactly-once drops stale records).
    pub(super) epoch: u64,
    key: Option<Vec<u8>>,
    payload: Option<Vec<u8>>,
    article: Result<Article, DecodeError>,
    fetched_at: Instant,
}

#[cfg(test)]
impl Fetched {
    /// A decoded-looking record for unit tests of the publish stages.
    pub(super) fn for_test(topic: &str, partition: i32, offset: i64) -> Self {
        Fetched {
            tp: (topic.to_string(), partition),
            offset,
            epoch: 0,
            key: None,
            payload: None,
            article: Err(DecodeError::Empty),
            fetched_at: Instant::now(),
        }
    }
}

/// What to publish for one record.
pub(super) enum Outcome {
    Event { key: String, json: Vec<u8> },
    DeadLetter { reason: &'static str, message: String },
}

pub(super) type BatchResult = Vec<(Fetched, Outcome)>;

/// Consumer callbacks: commit (or fence, in exactly-once mode) on revocation, readiness on
/// assignment, lag from statistics.
pub(super) struct WorkerContext {
    tracker: Arc<Mutex<OffsetTracker>>,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
    /// Present in exactly-once mode.
    fence: Option<Arc<Fence>>,
}

impl ClientContext for WorkerContext {
    fn stats(&self, statistics: Statistics) {
        for (topic, t) in &statistics.topics {
            for (partition, p) in &t.partitions {
                if *partition >= 0 && p.consumer_lag >= 0 {
                    let label = PartitionLabel { topic: topic.clone(), partition: partition.to_string() };
                    self.metrics.consumer_lag.get_or_create(&label).set(p.consumer_lag);
                }
            }
        }
    }
}

impl ConsumerContext for WorkerContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(revoked) = rebalance else { return };
        if let Some(fence) = &self.fence {
            // no commit here: offsets move only inside transactions
            let tps: Vec<TopicPartition> = revoked.elements().iter().map(|el| (el.topic().to_string(), el.partition())).collect();
            fence.revoke(&tps);
            let mut tracker = lock(&self.tracker);
            for tp in &tps {
                tracker.forget(tp);
            }
            tracing::info!(revoked = tps.len(), "partitions revoked (their uncommitted records go to the next owner)");
            return;
        }
        let mut tracker = lock(&self.tracker);
        let mut tpl = TopicPartitionList::new();
        for el in revoked.elements() {
            let tp = (el.topic().to_string(), el.partition());
            if let Some(position) = tracker.committable(&tp) {
                let _ = tpl.add_partition_offset(el.topic(), el.partition(), Offset::Offset(position));
            }
            tracker.forget(&tp);
        }
        if tpl.count() > 0 {
            match consumer.commit(&tpl, CommitMode::Sync) {
                Ok(()) => tracing::info!(partitions = tpl.count(), "committed processed offsets of revoked partitions"),
                Err(e) => tracing::warn!(error = %e, "commit at revocation failed; the next owner may reprocess some records"),
            }
            self.metrics.commits.inc();
        }
        tracing::info!(revoked = revoked.count(), "partitions revoked");
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let assigned = consumer.assignment().map(|a| a.count()).unwrap_or(0);
        self.health.set_assigned(assigned);
        if let Rebalance::Assign(tpl) = rebalance {
            tracing::info!(added = tpl.count(), assigned, "partitions assigned");
        }
    }
}

/// Runs the worker until `shutdown` resolves (then drains, flushes, commits and returns Ok) or a
/// fatal error occurs.
pub async fn run(
    config: &Config,
    enricher: Arc<Enricher>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    let tracker = Arc::new(Mutex::new(OffsetTracker::default()));
    let exactly_once = config.kafka.delivery == Delivery::ExactlyOnce;
    let fence = exactly_once.then(|| Arc::new(Fence::default()));
    let context = WorkerContext { tracker: tracker.clone(), health: health.clone(), metrics: metrics.clone(), fence: fence.clone() };
    let consumer: Arc<StreamConsumer<WorkerContext>> = Arc::new(consumer_config(config).create_with_context(context).map_err(WorkerError::Setup)?);
    let producer: FutureProducer = producer_config(config).create().map_err(WorkerError::Setup)?;
    if exactly_once {
        // fences any earlier instance with this transactional id and aborts its open transaction
        let p = producer.clone();
        tokio::task::spawn_blocking(move || p.init_transactions(Duration::from_secs(60)))
            .await
            .map_err(|e| WorkerError::Stage(e.to_string()))?
            .map_err(|e| WorkerError::Transaction(format!("init_transactions: {e}")))?;
    }
    consumer.subscribe(&[&config.kafka.input_topic]).map_err(WorkerError::Setup)?;
    health.set_model_loaded();
    tracing::info!(topic = %config.kafka.input_topic, group = %config.kafka.group_id, brokers = %config.kafka.brokers, delivery = ?config.kafka.delivery, "worker started");

    let worker = &config.worker;
    let (batch_tx, batch_rx) = mpsc::channel::<Vec<Fetched>>(1);
    let (ordered_tx, ordered_rx) = mpsc::channel::<JoinHandle<BatchResult>>(worker.parallelism);
    let progress = Arc::new(Notify::new());
    let (fatal_tx, mut fatal_rx) = oneshot::channel::<WorkerError>();

    let enrich_stage = tokio::spawn(enrich_stage(batch_rx, ordered_tx, enricher, metrics.clone()));
    let publish_stage = match &fence {
        Some(fence) => {
            let txn = Transactions {
                producer: producer.clone(),
                consumer: consumer.clone(),
                fence: fence.clone(),
                config: config.clone(),
                tracker: tracker.clone(),
                metrics: metrics.clone(),
            };
            tokio::spawn(transactional::publish_stage(ordered_rx, Arc::new(txn), progress.clone(), fatal_tx))
        }
        None => tokio::spawn(publish_stage(ordered_rx, producer.clone(), config.clone(), tracker.clone(), metrics.clone(), progress.clone(), fatal_tx)),
    };

    tokio::pin!(shutdown);
    let mut batch: Vec<Fetched> = Vec::with_capacity(worker.max_batch_articles);
    let mut batch_deadline: Option<tokio::time::Instant> = None;
    let mut commit_tick = tokio::time::interval(Duration::from_millis(config.kafka.commit_interval_ms.max(10)));
    let mut fatal: Option<WorkerError> = None;

    loop {
        health.polled();
        let in_flight = lock(&tracker).in_flight();
        metrics.in_flight.set(in_flight as i64);
        let may_fetch = in_flight < worker.max_in_flight;
        tokio::select! {
            biased;
            _ = &mut shutdown => {
                tracing::info!("shutdown requested: draining");
                break;
            }
            error = &mut fatal_rx => {
                fatal = error.ok();
                break;
            }
            _ = commit_tick.tick(), if !exactly_once => commit(&consumer, &tracker, &metrics, CommitMode::Async),
            _ = sleep_until(batch_deadline), if batch_deadline.is_some() => {
                if dispatch(&mut batch, &batch_tx, &metrics).await.is_err() { break; }
                batch_deadline = None;
            }
            _ = progress.notified(), if !may_fetch => {}
            received = consumer.recv(), if may_fetch => match received {
                Ok(message) => {
                    let mut fetched = fetched(&message, worker.max_article_bytes);
                    if let Some(fence) = &fence {
                        fetched.epoch = fence.epoch(&fetched.tp);
                    }
                    metrics.consumed.inc();
                    lock(&tracker).start(&fetched.tp, fetched.offset);
                    batch.push(fetched);
                    if batch.len() >= worker.max_batch_articles {
                        if dispatch(&mut batch, &batch_tx, &metrics).await.is_err() { break; }
                        batch_deadline = None;
                    } else if batch_deadline.is_none() {
                        batch_deadline = Some(tokio::time::Instant::now() + Duration::from_millis(worker.max_batch_wait_ms));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "consumer error");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }

    // drain: finish what was fetched, publish it, commit it
    health.set_stopping();
    if fatal.is_none() {
        let _ = dispatch(&mut batch, &batch_tx, &metrics).await;
    }
    drop(batch_tx);
    let drain = async {
        let _ = enrich_stage.await;
        publish_stage.await
    };
    let timeout = Duration::from_millis(worker.shutdown_timeout_ms);
    match tokio::time::timeout(timeout, drain).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => fatal = fatal.or(Some(e)),
        Ok(Err(join)) => fatal = fatal.or(Some(WorkerError::Stage(join.to_string()))),
        Err(_) => tracing::warn!(timeout_ms = worker.shutdown_timeout_ms, "drain timed out; unfinished records stay uncommitted"),
    }
    if let Ok(Some(e)) = fatal_rx.try_recv().map(Some) {
        fatal = fatal.or(Some(e));
    }
    let _ = producer.flush(Duration::from_millis(worker.shutdown_timeout_ms.min(10_000)));
    if let Some(e) = fatal {
        tracing::error!(error = %e, "worker stopping on a fatal error; undelivered records stay uncommitted");
        return Err(e);
    }
    if !exactly_once {
        commit(&consumer, &tracker, &metrics, CommitMode::Sync);
    }
    consumer.unsubscribe();
    close_consumer(consumer);
    tracing::info!("worker stopped cleanly");
    Ok(())
}

/// Closes the consumer (leaving the group) on a thread of its own, waiting at most 10 s.
///
/// librdkafka's close can hang when the group is rebalancing at that moment (seen with the
/// cooperative assignor while other members join and leave). Everything processed is committed
/// by now, so a close that does not finish in time is abandoned: the process exits and the
/// broker drops the member at its session timeout.
fn close_consumer(consumer: Arc<StreamConsumer<WorkerContext>>) {
    let (closed_tx, closed_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("consumer-close".into()).spawn(move || {
        drop(consumer);
        let _ = closed_tx.send(());
    });
    if spawned.is_ok() && closed_rx.recv_timeout(Duration::from_secs(10)).is_err() {
        tracing::warn!("the consumer did not leave the group within 10 s; exiting anyway (offsets are committed)");
    }
}

/// Locks a mutex, taking over a poisoned one (a panicked holder leaves plain data behind).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(t) => t,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn fetched<M: Message>(message: &M, limit: usize) -> Fetched {
    Fetched {
        tp: (message.topic().to_string(), message.partition()),
        offset: message.offset(),
        epoch: 0,
        key: message.key().map(<[u8]>::to_vec),
        payload: message.payload().map(<[u8]>::to_vec),
        article: decode_article(message.payload(), limit),
        fetched_at: Instant::now(),
    }
}

async fn dispatch(batch: &mut Vec<Fetched>, tx: &mpsc::Sender<Vec<Fetched>>, metrics: &Metrics) -> Result<(), ()> {
    if batch.is_empty() {
        return Ok(());
    }
    metrics.batch_size.observe(batch.len() as f64);
    tx.send(std::mem::take(batch)).await.map_err(|_| ())
}

/// Commits every partition's processed position that moved.
fn commit(consumer: &StreamConsumer<WorkerContext>, tracker: &Mutex<OffsetTracker>, metrics: &Metrics, mode: CommitMode) {
    let positions = lock(tracker).take_commits();
    if positions.is_empty() {
        return;
    }
    let mut tpl = TopicPartitionList::new();
    for ((topic, partition), offset) in &positions {
        let _ = tpl.add_partition_offset(topic, *partition, Offset::Offset(*offset));
    }
    match consumer.commit(&tpl, mode) {
        Ok(()) => {
            metrics.commits.inc();
        }
        Err(e) => tracing::warn!(error = %e, "offset commit failed; it is retried with the next commit"),
    }
}

/// Stage 2: enrich batches on the blocking pool, handing results on in order.
async fn enrich_stage(mut rx: mpsc::Receiver<Vec<Fetched>>, tx: mpsc::Sender<JoinHandle<BatchResult>>, enricher: Arc<Enricher>, metrics: Arc<Metrics>) {
    while let Some(batch) = rx.recv().await {
        let enricher = enricher.clone();
        let metrics = metrics.clone();
        let span = tracing::Span::current();
        let handle = tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let started = Instant::now();
            let result = enrich(&enricher, batch);
            metrics.batch_seconds.observe(started.elapsed().as_secs_f64());
            result
        });
        if tx.send(handle).await.is_err() {
            return;
        }
    }
}

/// Enriches a batch; a panic in the NLP stage (a bug met by some input) costs only the article
/// that caused it, which is dead-lettered, instead of stalling its partition forever.
fn enrich_guarded(enricher: &Enricher, articles: &[&Article]) -> Vec<Result<Enrichment, String>> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let run = |batch: &[&Article]| catch_unwind(AssertUnwindSafe(|| enricher.enrich_batch(batch)));
    match run(articles) {
        Ok(results) => results.into_iter().map(|r| r.map_err(|e| e.to_string())).collect(),
        Err(_) => articles
            .iter()
            .map(|a| match run(std::slice::from_ref(a)) {
                Ok(mut one) => one.pop().unwrap_or(Err(NlpError::Empty)).map_err(|e| e.to_string()),
                Err(_) => {
                    tracing::error!(id = %a.id, "the NLP stage panicked on this article; dead-lettering it");
                    Err("the NLP stage panicked on this article".to_string())
                }
            })
            .collect(),
    }
}

fn enrich(enricher: &Enricher, batch: Vec<Fetched>) -> BatchResult {
    let articles: Vec<&Article> = batch.iter().filter_map(|f| f.article.as_ref().ok()).collect();
    let mut enriched = enrich_guarded(enricher, &articles).into_iter();
    let mut out = Vec::with_capacity(batch.len());
    for f in batch {
        let outcome = match &f.article {
            Err(e) => Outcome::DeadLetter { reason: e.reason(), message: e.to_string() },
            Ok(article) => match enriched.next() {
                Some(Ok(enrichment)) => {
                    let source = SourcePosition { topic: f.tp.0.clone(), partition: f.tp.1, offset: f.offset };
                    let event = enricher.event(article, enrichment, Some(source));
                    match serde_json::to_vec(&event) {
                        Ok(json) => Outcome::Event { key: article.id.clone(), json },
                        Err(e) => Outcome::DeadLetter { reason: "processing_failed", message: format!("encoding the event: {e}") },
                    }
                }
                Some(Err(message)) => Outcome::DeadLetter { reason: "processing_failed", message },
                None => Outcome::DeadLetter { reason: "processing_failed", message: "the NLP stage returned no result".into() },
            },
        };
        out.push((f, outcome));
    }
    out
}

/// Stage 3: publish each batch's outcomes, wait for acknowledgements, mark offsets done.
async fn publish_stage(
    mut rx: mpsc::Receiver<JoinHandle<BatchResult>>,
    producer: FutureProducer,
    config: Config,
    tracker: Arc<Mutex<OffsetTracker>>,
    metrics: Arc<Metrics>,
    progress: Arc<Notify>,
    fatal: oneshot::Sender<WorkerError>,
) -> Result<(), WorkerError> {
    while let Some(handle) = rx.recv().await {
        let results = handle.await.map_err(|e| WorkerError::Stage(format!("enrichment task: {e}")))?;
        // send everything first (librdkafka batches them), then await acknowledgements in order
        let mut deliveries = Vec::with_capacity(results.len());
        for (f, outcome) in &results {
            deliveries.push(send(&producer, &config, f, outcome));
        }
        for ((f, outcome), delivery) in results.iter().zip(deliveries) {
            let result = match delivery.await {
                Ok(()) => Ok(()),
                Err(error) if matches!(outcome, Outcome::Event { .. }) => {
                    tracing::warn!(topic = %f.tp.0, partition = f.tp.1, offset = f.offset, error = %error, "event not delivered; dead-lettering the record");
                    let fallback = Outcome::DeadLetter { reason: "produce_failed", message: error.to_string() };
                    send(&producer, &config, f, &fallback).await.map(|_| metrics.dead_letter("produce_failed")).map_err(|e| e.to_string())
                }
                Err(error) => Err(error.to_string()),
            };
            if let Err(message) = result {
                let error = WorkerError::Undeliverable { topic: f.tp.0.clone(), partition: f.tp.1, offset: f.offset, message };
                let _ = fatal.send(WorkerError::Stage(error.to_string()));
                return Err(error);
            }
            record_outcome(&metrics, f, outcome);
            lock(&tracker).finish(&f.tp, f.offset);
        }
        progress.notify_one();
    }
    Ok(())
}

/// Counts a delivered outcome in the metrics.
pub(super) fn record_outcome(metrics: &Metrics, f: &Fetched, outcome: &Outcome) {
    match outcome {
        Outcome::Event { .. } => {
            metrics.produced.inc();
        }
        Outcome::DeadLetter { reason, .. } => metrics.dead_letter(reason),
    }
    metrics.processing_seconds.observe(f.fetched_at.elapsed().as_secs_f64());
}

/// Sends one outcome; resolves when the broker acknowledges it.
pub(super) fn send<'a>(producer: &'a FutureProducer, config: &'a Config, f: &'a Fetched, outcome: &'a Outcome) -> impl Future<Output = Result<(), KafkaError>> + 'a {
    let record = match outcome {
        Outcome::Event { key, json } => FutureRecord::to(&config.kafka.output_topic).key(key.as_bytes()).payload(json.as_slice()),
        Outcome::DeadLetter { reason, message } => {
            let partition = f.tp.1.to_string();
            let offset = f.offset.to_string();
            let headers = OwnedHeaders::new()
                .insert(Header { key: dlq_headers::ERROR_KIND, value: Some(*reason) })
                .insert(Header { key: dlq_headers::ERROR_MESSAGE, value: Some(message.as_str()) })
                .insert(Header { key: dlq_headers::SOURCE_TOPIC, value: Some(f.tp.0.as_str()) })
                .insert(Header { key: dlq_headers::SOURCE_PARTITION, value: Some(partition.as_str()) })
                .insert(Header { key: dlq_headers::SOURCE_OFFSET, value: Some(offset.as_str()) });
            let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(&config.kafka.dlq_topic).headers(headers);
            if let Some(key) = &f.key {
                record = record.key(key.as_slice());
            }
            if let Some(payload) = &f.payload {
                record = record.payload(payload.as_slice());
            }
            record
        }
    };
    let delivery = producer.send_result(record);
    async move {
        match delivery {
            Ok(future) => match future.await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err((e, _))) => Err(e),
                Err(_) => Err(KafkaError::Canceled),
            },
            Err((e, _)) => Err(e),
        }
    }
}

fn consumer_config(config: &Config) -> ClientConfig {
    let k = &config.kafka;
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &k.brokers)
        .set("group.id", &k.group_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", &k.auto_offset_reset)
        .set("partition.assignment.strategy", "cooperative-sticky")
        .set("session.timeout.ms", k.session_timeout_ms.to_string())
        // members rejoin a rebalance on their next heartbeat: a tenth of the session timeout
        // (at most librdkafka's 3 s default) keeps hand-overs short
        .set("heartbeat.interval.ms", (k.session_timeout_ms / 10).clamp(100, 3000).to_string())
        .set("statistics.interval.ms", "5000")
        .set("client.id", format!("quotewire-{}", std::process::id()));
    if k.delivery == Delivery::ExactlyOnce {
        // input written by transactional producers: never read aborted records
        c.set("isolation.level", "read_committed");
    }
    for (key, value) in &k.consumer {
        c.set(key, value);
    }
    c
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
    for (key, value) in &k.producer {
        c.set(key, value);
    }
    c
}

/// A producer for tools (`quotewire produce`) with the configured brokers and pass-through.
pub fn tool_producer(config: &Config) -> Result<FutureProducer, KafkaError> {
    // tools write plain records even when the worker is configured for transactions
    let mut plain = config.clone();
    plain.kafka.delivery = Delivery::AtLeastOnce;
    producer_config(&plain).create()
}
