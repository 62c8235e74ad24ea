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
//!
//! The fetch loop never blocks: a closed batch waits in a queue until the enrich stage takes
//! it, so the consumer keeps being polled (rejoining its group, serving rebalances, hearing
//! SIGTERM) even when a stalled publish has filled the pipeline. A strategy whose commits are
//! refused for stale group metadata asks the loop to rejoin the group ([`Rejoin`]); commits
//! that do not come for `kafka.stall_timeout_ms` make the worker not ready ([`CommitWatch`]).
//! Shutdown is bounded by `worker.shutdown_timeout_ms`: the pipeline drains while it can, then
//! the strategy is told to give up ([`Stop`]) and what is uncommitted is left to the next owner.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::Consumer;
use rdkafka::error::KafkaError;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio::task::JoinHandle;

use super::batch::{record_outcome, BatchResult, Fetched, Outcome, WorkerError};
use super::sync::lock;
use super::consumer::{self, ConsumerCallbacks, Rejoin, Revocation, WorkerConsumer};
use super::fence::Fence;
use super::kafka_log;
use super::link::BrokerLink;
use super::offsets::OffsetTracker;
use super::publish::{self, AtLeastOnce, Publish, Transactional};
use super::stall::CommitWatch;
use super::stop::Stop;
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
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let tracker = Arc::new(Mutex::new(OffsetTracker::default()));
    let link = Arc::new(BrokerLink::new(&config.kafka.brokers, health.clone(), metrics.clone()));
    let exactly_once = config.kafka.delivery == Delivery::ExactlyOnce;
    let fence = exactly_once.then(|| Arc::new(Fence::default()));
    let watch = Arc::new(CommitWatch::new(Duration::from_millis(config.kafka.stall_timeout_ms), health.clone(), metrics.clone()));
    let rejoin = Arc::new(Rejoin::default());
    let stop = Arc::new(Stop::default());
    let shutdown = watch_for_shutdown(shutdown, link.clone(), stop.clone());
    tokio::pin!(shutdown);
    // the poll loop's backpressure, read by the rebalance callback for new assignments
    let fetch_paused = Arc::new(AtomicBool::new(false));
    let callbacks = ConsumerCallbacks {
        tracker: tracker.clone(),
        health: health.clone(),
        metrics: metrics.clone(),
        link: link.clone(),
        watch: watch.clone(),
        revocation: match &fence {
            Some(fence) => Revocation::Fence(fence.clone()),
            None => Revocation::CommitProcessed,
        },
        commits_failing: AtomicBool::new(false),
        down_snapshots: AtomicU32::new(0),
        fetch_paused: fetch_paused.clone(),
    };
    let consumer = consumer::subscribe(config, callbacks).map_err(WorkerError::Setup)?;
    let producer = publish::producer(config, link.clone()).map_err(WorkerError::Setup)?;
    let shared = publish::Shared { config: config.clone(), metrics: metrics.clone(), watch: watch.clone(), stop: stop.clone() };
    let publisher: Arc<dyn Publish> = match &fence {
        None => Arc::new(AtLeastOnce::new(producer, consumer.clone(), tracker.clone(), shared)),
        Some(fence) => {
            let transactional = Transactional::new(producer, consumer.clone(), fence.clone(), rejoin.clone(), link.clone(), shared);
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
    // closed batches the enrich stage has not taken yet (bounded by max_in_flight)
    let mut closed: VecDeque<Vec<Fetched>> = VecDeque::new();
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
        if let Some(why) = rejoin.take() {
            rejoin_group(&consumer, &config.kafka.input_topic, &why, &metrics);
        }
        let in_flight = lock(&tracker).in_flight();
        metrics.in_flight.set(in_flight as i64);
        let may_fetch = in_flight < worker.max_in_flight;
        if may_fetch == paused {
            paused = !may_fetch;
            fetch_paused.store(paused, Ordering::SeqCst);
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
            _ = commit_tick.tick() => {
                publisher.tick();
                watch.check(in_flight > 0 || publisher.awaits_commit());
            }
            permit = batch_tx.reserve(), if !closed.is_empty() => match (permit, closed.pop_front()) {
                (Ok(permit), Some(next)) => permit.send(next),
                // the enrich stage is gone: only a fatal error ends it
                _ => break,
            },
            _ = sleep_until(batch_deadline), if batch_deadline.is_some() => {
                close_batch(&mut batch, &mut closed, &metrics);
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
                        close_batch(&mut batch, &mut closed, &metrics);
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

    // drain: what is in the pipeline may finish; what was fetched but not started is left
    // uncommitted (the partitions' next owner, maybe this worker restarted, processes it)
    let stopping_since = Instant::now();
    let budget = Duration::from_millis(worker.shutdown_timeout_ms);
    health.set_stopping();
    let unstarted: usize = batch.len() + closed.iter().map(Vec::len).sum::<usize>();
    if unstarted > 0 {
        tracing::info!(records = unstarted, "fetched records not yet enriched are left uncommitted for the next owner");
    }
    drop((batch, closed));
    drop(batch_tx);
    let drain = async {
        let _ = enrich_stage.await;
        publish_stage.await
    };
    tokio::pin!(drain);
    // most of the budget for the pipeline to finish; then the strategy gives up (aborting an
    // open transaction) and gets the rest but a reserve for flushing and leaving the group
    let drained = match tokio::time::timeout(budget.mul_f64(0.6), &mut drain).await {
        Ok(done) => Some(done),
        Err(_) => {
            tracing::warn!(timeout_ms = worker.shutdown_timeout_ms, "the pipeline did not drain in time; abandoning its uncommitted batches (aborting any open transaction)");
            stop.request();
            tokio::time::timeout(budget.mul_f64(0.25), &mut drain).await.ok()
        }
    };
    match drained {
        Some(Ok(Ok(()))) => {}
        Some(Ok(Err(e))) => fatal = fatal.or(Some(e)),
        Some(Err(join)) => fatal = fatal.or(Some(WorkerError::Stage(join.to_string()))),
        None => tracing::warn!("the publish stage is still busy; leaving it (nothing it has not committed counts as done)"),
    }
    if let Ok(Some(e)) = fatal_rx.try_recv().map(Some) {
        fatal = fatal.or(Some(e));
    }
    // what is left of the budget at `share` of it; once the strategy gave up (the brokers are
    // most likely unreachable) flushing and leaving the group get a moment only: what they
    // would finish is uncommitted anyway
    let gave_up = stop.requested();
    let left = |share: f64, cap: Duration| {
        let left = budget.mul_f64(share).saturating_sub(stopping_since.elapsed()).max(Duration::from_millis(200));
        if gave_up { left.min(cap) } else { left }
    };
    publisher.flush(left(0.9, Duration::from_millis(200)));
    if let Some(e) = fatal {
        tracing::error!(error = %e, "worker stopping on a fatal error; undelivered records stay uncommitted");
        return Err(e);
    }
    if !gave_up {
        // the last commit before leaving (at least once); skipped when the drain gave up, as
        // the brokers are then most likely unreachable and it could not finish in time
        publisher.close();
    }
    consumer.unsubscribe();
    close_consumer(consumer, left(1.0, Duration::from_secs(1)));
    tracing::info!(seconds = stopping_since.elapsed().as_secs_f64(), "worker stopped cleanly");
    Ok(())
}

/// Hears the shutdown signal on a task of its own, so that it is heard even while the poll loop
/// waits in a librdkafka callback (a revocation waits for the transaction in progress). With
/// no broker reachable there is nothing to drain: the strategy is told to give up at once,
/// which also ends any wait the loop may be in. The returned future resolves with the signal.
fn watch_for_shutdown(shutdown: impl Future<Output = ()> + Send + 'static, link: Arc<BrokerLink>, stop: Arc<Stop>) -> impl Future<Output = ()> {
    let (heard_tx, heard_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        shutdown.await;
        if link.is_down() {
            tracing::info!("shutdown requested while no broker answers: giving up on uncommitted batches at once");
            stop.request();
        }
        let _ = heard_tx.send(());
    });
    async move {
        let _ = heard_rx.await;
    }
}

/// Leaves the consumer group and joins it again, with a new member id: the cure for group
/// metadata the coordinator no longer knows (see [`Rejoin`]). The revocation this causes
/// fences the partitions' records still in the pipeline; the new assignment fetches them again
/// from the last committed offsets.
fn rejoin_group(consumer: &WorkerConsumer, topic: &str, why: &str, metrics: &Metrics) {
    tracing::warn!(reason = why, "the consumer group no longer knows this member; leaving and rejoining it");
    metrics.group_rejoins.inc();
    consumer.unsubscribe();
    if let Err(e) = consumer.subscribe(&[topic]) {
        // subscribe only fails on an invalid topic name, which was accepted at start
        tracing::error!(error = %e, topic, "subscribing again failed");
    }
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

/// Closes the consumer (leaving the group) on a thread of its own, waiting at most `wait`.
///
/// librdkafka's close can hang when the group is rebalancing at that moment (seen with the
/// cooperative assignor while other members join and leave). Everything processed is committed
/// by now, so a close that does not finish in time is abandoned: the process exits and the
/// broker drops the member at its session timeout.
fn close_consumer(consumer: Arc<WorkerConsumer>, wait: Duration) {
    let (closed_tx, closed_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("consumer-close".into()).spawn(move || {
        drop(consumer);
        let _ = closed_tx.send(());
    });
    if spawned.is_ok() && closed_rx.recv_timeout(wait).is_err() {
        tracing::warn!(wait_s = wait.as_secs_f64(), "the consumer did not leave the group in time; exiting anyway (what is committed stays committed)");
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Closes the batch being filled: it queues for the enrich stage.
fn close_batch(batch: &mut Vec<Fetched>, closed: &mut VecDeque<Vec<Fetched>>, metrics: &Metrics) {
    if batch.is_empty() {
        return;
    }
    metrics.batch_size.observe(batch.len() as f64);
    closed.push_back(std::mem::take(batch));
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

