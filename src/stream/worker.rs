//! The worker: fetch → decode → batch → enrich → publish → commit.
//!
//! Three stages joined by bounded channels (so a slow stage pushes back on the one before):
//!
//! 1. **fetch** (this task): polls the consumer, decodes records, closes batches at
//!    `max_batch_articles` or `max_batch_wait_ms`, and pauses its partitions while
//!    `max_in_flight` records are unfinished. It keeps polling while paused: rebalances,
//!    rejoining the group after a broker restart and statistics are all served by the poll.
//! 2. **enrich**: runs each batch on the blocking pool, up to `parallelism` at once, and hands
//!    the pending results on *in batch order*, so output order per partition is input order.
//! 3. **publish**: hands each batch to the [`Publish`] strategy chosen at start-up from
//!    `kafka.delivery` ([`AtLeastOnce`] or [`Transactional`]) and marks what it reports done.
//!
//! The worker knows the strategy only through that interface. Broker outages make it not
//! ready (see [`super::link`]) but do not stop it: it waits for a broker at start and rides
//! out restarts.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::Consumer;
use rdkafka::error::KafkaError;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::batch::{record_outcome, BatchResult, Fetched, Outcome, WorkerError};
use super::sync::lock;
use super::consumer::{self, ConsumerCallbacks, Revocation, WorkerConsumer};
use super::fence::Fence;
use super::kafka_log;
use super::link::BrokerLink;
use super::offsets::OffsetTracker;
use super::publish::{self, AtLeastOnce, Publish, Transactional};
use crate::config::{Config, Delivery};
use crate::nlp::{Enricher, Enrichment, NlpError};
use crate::observability::{Health, Metrics};
use crate::schema::{Article, SourcePosition};

/// Runs the worker until `shutdown` resolves (then drains, flushes, commits and returns Ok) or a
/// fatal error occurs.
pub async fn run(
    config: &Config,
    enricher: Arc<Enricher>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    tokio::pin!(shutdown);
    let tracker = Arc::new(Mutex::new(OffsetTracker::default()));
    let link = Arc::new(BrokerLink::new(&config.kafka.brokers, health.clone(), metrics.clone()));
    let exactly_once = config.kafka.delivery == Delivery::ExactlyOnce;
    let fence = exactly_once.then(|| Arc::new(Fence::default()));
    let callbacks = ConsumerCallbacks {
        tracker: tracker.clone(),
        health: health.clone(),
        metrics: metrics.clone(),
        link: link.clone(),
        revocation: match &fence {
            Some(fence) => Revocation::Fence(fence.clone()),
            None => Revocation::CommitProcessed,
        },
        commits_failing: AtomicBool::new(false),
        down_snapshots: AtomicU32::new(0),
    };
    let consumer = consumer::subscribe(config, callbacks).map_err(WorkerError::Setup)?;
    let producer = publish::producer(config, link.clone()).map_err(WorkerError::Setup)?;
    let publisher: Arc<dyn Publish> = match &fence {
        None => Arc::new(AtLeastOnce::new(producer.clone(), consumer.clone(), tracker.clone(), config.clone(), metrics.clone())),
        Some(fence) => {
            let transactional = Transactional::new(producer.clone(), consumer.clone(), fence.clone(), config.clone(), metrics.clone());
            tokio::select! {
                initialised = transactional.init(&link) => initialised?,
                _ = &mut shutdown => {
                    tracing::info!("shutdown requested before the transaction coordinator answered; nothing was fetched");
                    return Ok(());
                }
            }
            Arc::new(transactional)
        }
    };
    health.set_model_loaded();
    tracing::info!(topic = %config.kafka.input_topic, group = %config.kafka.group_id, brokers = %config.kafka.brokers, delivery = ?config.kafka.delivery, "worker started");

    let worker = &config.worker;
    let (batch_tx, batch_rx) = mpsc::channel::<Vec<Fetched>>(1);
    let (ordered_tx, ordered_rx) = mpsc::channel::<JoinHandle<BatchResult>>(worker.parallelism);
    let progress = Arc::new(Notify::new());
    let (fatal_tx, mut fatal_rx) = oneshot::channel::<WorkerError>();

    let enrich_stage = tokio::spawn(enrich_stage(batch_rx, ordered_tx, enricher, metrics.clone()));
    let publish_stage = tokio::spawn(publish_stage(ordered_rx, publisher.clone(), tracker.clone(), metrics.clone(), progress.clone(), fatal_tx));

    let mut batch: Vec<Fetched> = Vec::with_capacity(worker.max_batch_articles);
    let mut batch_deadline: Option<tokio::time::Instant> = None;
    let mut commit_tick = tokio::time::interval(Duration::from_millis(config.kafka.commit_interval_ms.max(10)));
    let mut fatal: Option<WorkerError> = None;
    let mut paused = false;

    loop {
        if let Some(why) = link.refusal() {
            fatal = Some(WorkerError::Refused(why));
            break;
        }
        health.polled();
        let in_flight = lock(&tracker).in_flight();
        metrics.in_flight.set(in_flight as i64);
        let may_fetch = in_flight < worker.max_in_flight;
        if may_fetch == paused {
            paused = !may_fetch;
            set_paused(&consumer, paused);
        }
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
            _ = commit_tick.tick() => publisher.tick(),
            _ = sleep_until(batch_deadline), if batch_deadline.is_some() => {
                if dispatch(&mut batch, &batch_tx, &metrics).await.is_err() { break; }
                batch_deadline = None;
            }
            _ = progress.notified(), if paused => {}
            // polled even while paused: that serves rebalances and statistics
            received = consumer.recv() => match received {
                Ok(message) => {
                    link.up();
                    let mut fetched = Fetched::from_message(&message, worker.max_article_bytes);
                    if let Some(fence) = &fence {
                        fetched.epoch = fence.epoch(&fetched.tp);
                    }
                    if paused {
                        // fetched before the pause, or from a partition assigned since
                        set_paused(&consumer, true);
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
                    consumer_error(&link, &e);
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
    let _ = rdkafka::producer::Producer::flush(&producer, Duration::from_millis(worker.shutdown_timeout_ms.min(10_000)));
    if let Some(e) = fatal {
        tracing::error!(error = %e, "worker stopping on a fatal error; undelivered records stay uncommitted");
        return Err(e);
    }
    publisher.close();
    consumer.unsubscribe();
    close_consumer(consumer);
    tracing::info!("worker stopped cleanly");
    Ok(())
}

/// Pauses (or resumes) fetching from every assigned partition; the consumer is still polled.
fn set_paused(consumer: &WorkerConsumer, paused: bool) {
    let Ok(assignment) = consumer.assignment() else { return };
    if assignment.count() == 0 {
        return;
    }
    let result = if paused { consumer.pause(&assignment) } else { consumer.resume(&assignment) };
    if let Err(e) = result {
        tracing::debug!(error = %e, paused, "pausing or resuming partitions failed; retried on the next loop");
    }
}

/// A consumer error: refusals stop the worker; librdkafka retries connections by itself, so
/// those are logged at debug (the broker link follows the statistics, see [`super::link`]).
fn consumer_error(link: &BrokerLink, error: &KafkaError) {
    match error.rdkafka_error_code() {
        Some(code) if kafka_log::is_refusal_code(code) => link.refused(&error.to_string()),
        Some(code) if kafka_log::is_connection_code(code) => tracing::debug!(error = %error, "consumer connection error (librdkafka reconnects)"),
        _ if link.is_down() => tracing::debug!(error = %error, "consumer error during a broker outage"),
        _ => tracing::warn!(error = %error, "consumer error"),
    }
}

/// Stage 3: hand each batch (in order) to the publish strategy, then mark its records done.
async fn publish_stage(
    mut rx: mpsc::Receiver<JoinHandle<BatchResult>>,
    publisher: Arc<dyn Publish>,
    tracker: Arc<Mutex<OffsetTracker>>,
    metrics: Arc<Metrics>,
    progress: Arc<Notify>,
    fatal: oneshot::Sender<WorkerError>,
) -> Result<(), WorkerError> {
    while let Some(handle) = rx.recv().await {
        let results = handle.await.map_err(|e| WorkerError::Stage(format!("enrichment task: {e}")))?;
        match publisher.clone().publish(results).await {
            Ok(done) => {
                let mut tracker = lock(&tracker);
                for (f, outcome) in &done {
                    record_outcome(&metrics, f, outcome);
                    tracker.finish(&f.tp, f.offset);
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

/// Closes the consumer (leaving the group) on a thread of its own, waiting at most 10 s.
///
/// librdkafka's close can hang when the group is rebalancing at that moment (seen with the
/// cooperative assignor while other members join and leave). Everything processed is committed
/// by now, so a close that does not finish in time is abandoned: the process exits and the
/// broker drops the member at its session timeout.
fn close_consumer(consumer: Arc<WorkerConsumer>) {
    let (closed_tx, closed_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("consumer-close".into()).spawn(move || {
        drop(consumer);
        let _ = closed_tx.send(());
    });
    if spawned.is_ok() && closed_rx.recv_timeout(Duration::from_secs(10)).is_err() {
        tracing::warn!("the consumer did not leave the group within 10 s; exiting anyway (offsets are committed)");
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

async fn dispatch(batch: &mut Vec<Fetched>, tx: &mpsc::Sender<Vec<Fetched>>, metrics: &Metrics) -> Result<(), ()> {
    if batch.is_empty() {
        return Ok(());
    }
    metrics.batch_size.observe(batch.len() as f64);
    tx.send(std::mem::take(batch)).await.map_err(|_| ())
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

