//! Logs, Prometheus metrics and health endpoints.
//!
//! `/metrics` (Prometheus text format), `/healthz` (the poll loop ran recently) and `/readyz`
//! (model loaded and partitions assigned) are served on `observability.http_listen`. Metric
//! names carry the `quotewire_` prefix, `_total` for counters and `_seconds` for durations.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::config::ObservabilityConfig;

/// Label set naming a dead-letter reason.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// Stable snake_case reason (`not_json`, `missing_text`, ...).
    pub reason: String,
}

/// Label set naming a partition.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PartitionLabel {
    /// Topic.
    pub topic: String,
    /// Partition number.
    pub partition: String,
}

/// The worker's metrics.
pub struct Metrics {
    registry: Registry,
    /// Records read from the input topic.
    pub consumed: Counter,
    /// Events acknowledged by the broker on the output topic.
    pub produced: Counter,
    /// Records sent to the dead-letter topic, by reason.
    pub dead_lettered: Family<ReasonLabel, Counter>,
    /// Seconds from fetching a record to its event being acknowledged.
    pub processing_seconds: Histogram,
    /// Seconds the NLP stage took per batch.
    pub batch_seconds: Histogram,
    /// Articles per NLP batch.
    pub batch_size: Histogram,
    /// Records fetched and not yet committed.
    pub in_flight: Gauge,
    /// Consumer lag (high watermark minus position), per partition.
    pub consumer_lag: Family<PartitionLabel, Gauge>,
    /// Offsets committed.
    pub commits: Counter,
    /// Kafka transactions committed (exactly-once delivery).
    pub transactions_committed: Counter,
    /// Kafka transactions aborted and retried (exactly-once delivery).
    pub transactions_aborted: Counter,
    /// Times the transactional producer was replaced after a fatal error that another
    /// instance did not cause (exactly-once delivery).
    pub producer_restarts: Counter,
    /// Fetched records dropped because their partition was revoked before they were
    /// committed (exactly-once delivery; the partition's next owner processes them).
    pub revoked_dropped: Counter,
    /// Times every broker became unreachable after the worker had reached one.
    pub broker_outages: Counter,
    /// 1 while a broker answers, 0 during an outage or before the first connection.
    pub broker_reachable: Gauge,
    /// Seconds since the last successful commit (a transaction, or input offsets).
    pub seconds_since_last_commit: Gauge<f64, AtomicU64>,
    /// 1 while records have waited for a commit longer than `kafka.stall_timeout_ms`.
    pub commit_stalled: Gauge,
    /// Times the worker left and rejoined its consumer group because its group metadata was
    /// stale (exactly-once: transactions refused with "unknown member" or "illegal generation").
    pub group_rejoins: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("quotewire");
        let consumed = Counter::default();
        let produced = Counter::default();
        let dead_lettered = Family::<ReasonLabel, Counter>::default();
        let processing_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        let batch_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        let batch_size = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        let in_flight = Gauge::default();
        let consumer_lag = Family::<PartitionLabel, Gauge>::default();
        let commits = Counter::default();
        let transactions_committed = Counter::default();
        let transactions_aborted = Counter::default();
        let producer_restarts = Counter::default();
        let revoked_dropped = Counter::default();
        let broker_outages = Counter::default();
        let broker_reachable = Gauge::default();
        let seconds_since_last_commit = Gauge::<f64, AtomicU64>::default();
        let commit_stalled = Gauge::default();
        let group_rejoins = Counter::default();
        registry.register("consumed", "Records read from the input topic", consumed.clone());
        registry.register("produced", "Events acknowledged on the output topic", produced.clone());
        registry.register("dead_lettered", "Records sent to the dead-letter topic, by reason", dead_lettered.clone());
        registry.register("processing_seconds", "Fetch to acknowledged event, per record", processing_seconds.clone());
        registry.register("batch_seconds", "NLP time per batch", batch_seconds.clone());
        registry.register("batch_size", "Articles per NLP batch", batch_size.clone());
        registry.register("in_flight", "Records fetched and not yet committed", in_flight.clone());
        registry.register("consumer_lag", "High watermark minus position, per partition", consumer_lag.clone());
        registry.register("commits", "Offset commits", commits.clone());
        registry.register("transactions_committed", "Kafka transactions committed (exactly-once)", transactions_committed.clone());
        registry.register("transactions_aborted", "Kafka transactions aborted and retried (exactly-once)", transactions_aborted.clone());
        registry.register("producer_restarts", "Times the transactional producer was replaced after a fatal error not caused by another instance (exactly-once)", producer_restarts.clone());
        registry.register("broker_outages", "Times every broker became unreachable after one had answered", broker_outages.clone());
        registry.register("broker_reachable", "1 while a broker answers, else 0", broker_reachable.clone());
        registry.register("revoked_dropped", "Fetched records dropped because their partition was revoked first (exactly-once)", revoked_dropped.clone());
        registry.register("seconds_since_last_commit", "Seconds since the last successful commit (transaction or offsets)", seconds_since_last_commit.clone());
        registry.register("commit_stalled", "1 while records have waited for a commit longer than kafka.stall_timeout_ms", commit_stalled.clone());
        registry.register("group_rejoins", "Times the worker rejoined its consumer group after its group metadata went stale", group_rejoins.clone());
        Self {
            registry,
            consumed,
            produced,
            dead_lettered,
            processing_seconds,
            batch_seconds,
            batch_size,
            in_flight,
            consumer_lag,
            commits,
            transactions_committed,
            transactions_aborted,
            producer_restarts,
            revoked_dropped,
            broker_outages,
            broker_reachable,
            seconds_since_last_commit,
            commit_stalled,
            group_rejoins,
        }
    }

    /// Counts one dead-lettered record.
    pub fn dead_letter(&self, reason: &str) {
        self.dead_lettered.get_or_create(&ReasonLabel { reason: reason.to_string() }).inc();
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // writing into a String cannot fail
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Liveness and readiness, shared between the worker and the HTTP server.
#[derive(Default)]
pub struct Health {
    last_poll_ms: AtomicU64,
    model_loaded: AtomicBool,
    assigned_partitions: AtomicI64,
    broker_reachable: AtomicBool,
    commit_stalled: AtomicBool,
    stopping: AtomicBool,
}

impl Health {
    /// Marks that the poll loop just ran.
    pub fn polled(&self) {
        self.last_poll_ms.store(now_ms(), Ordering::Relaxed);
    }

    /// Marks the model as loaded (or NER disabled).
    pub fn set_model_loaded(&self) {
        self.model_loaded.store(true, Ordering::Relaxed);
    }

    /// Records how many partitions this worker holds.
    pub fn set_assigned(&self, partitions: usize) {
        self.assigned_partitions.store(partitions as i64, Ordering::Relaxed);
    }

    /// Records whether a broker answers (see `stream::link`).
    pub fn set_broker_reachable(&self, reachable: bool) {
        self.broker_reachable.store(reachable, Ordering::Relaxed);
    }

    /// Records whether records wait for a commit for too long (see `stream::stall`).
    pub fn set_stalled(&self, stalled: bool) {
        self.commit_stalled.store(stalled, Ordering::Relaxed);
    }

    /// Marks a shutdown in progress (no longer ready).
    pub fn set_stopping(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// Alive when the poll loop ran within `stale` (or has not started yet).
    pub fn alive(&self, stale: Duration) -> bool {
        let last = self.last_poll_ms.load(Ordering::Relaxed);
        last == 0 || now_ms().saturating_sub(last) <= stale.as_millis() as u64
    }

    /// Ready when the model is loaded, a broker answers, partitions are assigned, commits are
    /// not stalled and no shutdown is under way.
    pub fn ready(&self) -> bool {
        self.model_loaded.load(Ordering::Relaxed)
            && self.broker_reachable.load(Ordering::Relaxed)
            && !self.commit_stalled.load(Ordering::Relaxed)
            && self.assigned_partitions.load(Ordering::Relaxed) > 0
            && !self.stopping.load(Ordering::Relaxed)
    }

    fn describe(&self) -> String {
        format!(
            "model_loaded={} broker_reachable={} commit_stalled={} assigned_partitions={} stopping={}",
            self.model_loaded.load(Ordering::Relaxed),
            self.broker_reachable.load(Ordering::Relaxed),
            self.commit_stalled.load(Ordering::Relaxed),
            self.assigned_partitions.load(Ordering::Relaxed),
            self.stopping.load(Ordering::Relaxed),
        )
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Path of the metrics endpoint (the Kubernetes manifests and tests use these constants).
pub const METRICS_PATH: &str = "/metrics";
/// Path of the liveness endpoint.
pub const HEALTHZ_PATH: &str = "/healthz";
/// Path of the readiness endpoint.
pub const READYZ_PATH: &str = "/readyz";

/// Every path the HTTP server answers.
pub const ROUTES: [&str; 3] = [METRICS_PATH, HEALTHZ_PATH, READYZ_PATH];

#[derive(Clone)]
struct AppState {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

/// The HTTP router of `/metrics`, `/healthz` and `/readyz`.
pub fn router(metrics: Arc<Metrics>, health: Arc<Health>) -> Router {
    Router::new()
        .route(METRICS_PATH, get(|State(s): State<AppState>| async move { s.metrics.render() }))
        .route(
            HEALTHZ_PATH,
            get(|State(s): State<AppState>| async move {
                let code = if s.health.alive(Duration::from_secs(60)) { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
                (code, s.health.describe())
            }),
        )
        .route(
            READYZ_PATH,
            get(|State(s): State<AppState>| async move {
                let code = if s.health.ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
                (code, s.health.describe())
            }),
        )
        .with_state(AppState { metrics, health })
}

/// Serves the router on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, metrics: Arc<Metrics>, health: Arc<Health>) -> std::io::Result<()> {
    tracing::info!(address = %listener.local_addr()?, "serving /metrics, /healthz, /readyz");
    axum::serve(listener, router(metrics, health)).await
}

/// GETs `path` from a local health server and returns the HTTP status code: the container
/// health check (`quotewire health`), so the image needs no curl.
pub fn probe(address: &str, path: &str, timeout: Duration) -> std::io::Result<u16> {
    use std::io::{Error, ErrorKind, Read, Write};
    use std::net::ToSocketAddrs;
    let addr = address.to_socket_addrs()?.next().ok_or_else(|| Error::new(ErrorKind::InvalidInput, format!("{address} resolves to nothing")))?;
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head)?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace().nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| Error::new(ErrorKind::InvalidData, format!("not an HTTP response: {line:?}")))
}

/// Starts `tracing` with the configured format and level (`RUST_LOG` wins). Logs go to stderr.
pub fn init_logging(config: &ObservabilityConfig) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = if config.log_format == "json" { builder.json().try_init() } else { builder.try_init() };
    if let Err(e) = result {
        eprintln!("logging already initialised: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_render_with_prefix_and_reasons() {
        let m = Metrics::new();
        m.consumed.inc();
        m.dead_letter("not_json");
        let text = m.render();
        assert!(text.contains("quotewire_consumed_total 1"), "{text}");
        assert!(text.contains("quotewire_dead_lettered_total{reason=\"not_json\"} 1"), "{text}");
        assert!(text.contains("quotewire_processing_seconds_bucket"), "{text}");
    }

    #[test]
    fn readiness_needs_model_broker_and_partitions() {
        let h = Health::default();
        assert!(!h.ready());
        h.set_model_loaded();
        h.set_assigned(2);
        assert!(!h.ready(), "no broker answered yet");
        h.set_broker_reachable(true);
        assert!(h.ready());
        h.set_broker_reachable(false);
        assert!(!h.ready());
        h.set_broker_reachable(true);
        h.set_stopping();
        assert!(!h.ready());
        assert!(h.alive(Duration::from_secs(1)));
    }
}
