//! Shared helpers of the integration tests: the real local broker, topics, workers, readers.
//!
//! Every test uses its own topics and consumer groups (unique names), so tests run in parallel
//! against one broker. The broker is `QUOTEWIRE_TEST_BROKERS` (default 127.0.0.1:9092); when
//! nothing answers there, `deploy/local/kafka.sh start` is run, and a failure to start it fails
//! the test with what to do.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use serde_json::Value;

thread_local! {
    /// A broker of the current test's own ([`OwnBroker`]), used instead of the shared one.
    static OWN_BROKER: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The broker the current test talks to: its own ([`OwnBroker`]) if it started one, else the
/// shared one.
pub fn brokers() -> String {
    if let Some(own) = OWN_BROKER.with(|b| b.borrow().clone()) {
        return own;
    }
    std::env::var("QUOTEWIRE_TEST_BROKERS").unwrap_or_else(|_| "127.0.0.1:9092".to_string())
}

/// A broker of one test's own, on free ports (`deploy/local/kafka.sh` with `KAFKA_PORT`), for
/// fault tests that kill and restart it without disturbing the other tests. Every helper
/// called from the test's thread talks to it; it is stopped and its data removed on drop.
pub struct OwnBroker {
    pub port: u16,
    controller_port: u16,
    /// Port of the SASL_SSL listener, when there is one.
    pub sasl_port: Option<u16>,
    sasl_password: String,
    /// Broker properties added to the script's (`KAFKA_EXTRA_PROPERTIES`).
    extra_properties: String,
}

impl OwnBroker {
    /// Formats and starts a fresh broker and makes it this thread's broker.
    pub fn start() -> Self {
        Self::launch(None, String::new(), String::new())
    }

    /// Same, with broker `properties` (one `key=value` per line) added to the script's.
    pub fn start_with(properties: &str) -> Self {
        Self::launch(None, String::new(), properties.to_string())
    }

    /// Same, with a SASL_SSL listener (SCRAM-SHA-512 user `quotewire` with `password`, a
    /// throwaway CA) beside the plaintext one the helpers use.
    pub fn start_secured(password: &str) -> Self {
        Self::launch(Some(free_port()), password.to_string(), String::new())
    }

    fn launch(sasl_port: Option<u16>, sasl_password: String, extra_properties: String) -> Self {
        let broker = OwnBroker { port: free_port(), controller_port: free_port(), sasl_port, sasl_password, extra_properties };
        broker.script("start");
        OWN_BROKER.with(|b| *b.borrow_mut() = Some(broker.address()));
        broker
    }

    /// The SASL_SSL listener's address.
    pub fn sasl_address(&self) -> String {
        format!("127.0.0.1:{}", self.sasl_port.expect("a broker started with start_secured"))
    }

    /// The throwaway CA that signed the broker's certificate.
    pub fn ca_file(&self) -> PathBuf {
        repo_root().join(format!("deploy/local/.kafka/sasl-{}/ca.pem", self.port))
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// kill -9, keeping the data.
    pub fn kill(&self) {
        self.script("kill");
    }

    /// Graceful stop, keeping the data.
    pub fn halt(&self) {
        self.script("halt");
    }

    /// Starts again on the kept data; returns when it answers.
    pub fn resume(&self) {
        self.script("resume");
    }

    pub fn answers(&self) -> bool {
        TcpStream::connect(self.address()).is_ok()
    }

    fn command(&self, action: &str) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(repo_root().join("deploy/local/kafka.sh"))
            .arg(action)
            .env("KAFKA_PORT", self.port.to_string())
            .env("KAFKA_CONTROLLER_PORT", self.controller_port.to_string())
            .env("KAFKA_EXTRA_PROPERTIES", &self.extra_properties);
        if let Some(sasl_port) = self.sasl_port {
            cmd.env("KAFKA_SASL_PORT", sasl_port.to_string()).env("KAFKA_SASL_PASSWORD", &self.sasl_password);
        }
        cmd
    }

    fn script(&self, action: &str) {
        let status = self.command(action).status();
        assert!(matches!(status, Ok(s) if s.success()), "deploy/local/kafka.sh {action} on port {} failed: {status:?}", self.port);
    }
}

impl Drop for OwnBroker {
    fn drop(&mut self) {
        let _ = self.command("stop").status();
        OWN_BROKER.with(|b| *b.borrow_mut() = None);
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Makes sure a broker answers, starting the local one if needed.
pub fn ensure_broker() {
    static START: Once = Once::new();
    START.call_once(|| {
        let addr = brokers();
        if TcpStream::connect(&addr).is_ok() {
            return;
        }
        let script = repo_root().join("deploy/local/kafka.sh");
        let status = Command::new("bash").arg(&script).arg("start").status();
        match status {
            Ok(s) if s.success() => {}
            other => panic!(
                "no Kafka broker at {addr} and `{} start` failed ({other:?}); start one (deploy/local/kafka.sh start) or set QUOTEWIRE_TEST_BROKERS",
                script.display()
            ),
        }
    });
}

/// A name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("qw-{prefix}-{}-{nanos}", std::process::id())
}

/// Creates topics with the given partition counts.
pub fn create_topics(topics: &[(&str, i32)]) {
    ensure_broker();
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", brokers()).create().expect("admin client");
    let new: Vec<NewTopic> = topics.iter().map(|(name, p)| NewTopic::new(name, *p, TopicReplication::Fixed(1))).collect();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let results = runtime.block_on(admin.create_topics(&new, &AdminOptions::new())).expect("create topics");
    for r in results {
        r.expect("topic created");
    }
}

/// Topic names of one test: input (with `partitions`), output and dead-letter.
pub struct Topics {
    pub input: String,
    pub output: String,
    pub dlq: String,
    pub group: String,
}

impl Topics {
    pub fn new(name: &str, partitions: i32) -> Self {
        let t = Topics { input: unique(&format!("{name}-in")), output: unique(&format!("{name}-out")), dlq: unique(&format!("{name}-dlq")), group: unique(&format!("{name}-group")) };
        create_topics(&[(&t.input, partitions), (&t.output, partitions), (&t.dlq, 1)]);
        t
    }
}

/// A producer for test input.
pub fn producer() -> ThreadedProducer<DefaultProducerContext> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("linger.ms", "5")
        .set("enable.idempotence", "true")
        .create()
        .expect("producer")
}

/// Produces `(key, value)` records and waits for every acknowledgement.
pub fn produce(topic: &str, records: &[(Option<Vec<u8>>, Option<Vec<u8>>)]) {
    let producer = producer();
    for (key, value) in records {
        let mut record: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(topic);
        if let Some(k) = key {
            record = record.key(k.as_slice());
        }
        if let Some(v) = value {
            record = record.payload(v.as_slice());
        }
        let mut record = record;
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((_, back)) => {
                    producer.poll(Duration::from_millis(50));
                    record = back;
                }
            }
        }
    }
    producer.flush(Duration::from_secs(30)).expect("flush");
}

/// Articles `{prefix}-{i}` with short texts of our own, one quote each.
pub fn articles(prefix: &str, count: usize) -> Vec<(String, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let id = format!("{prefix}-{i}");
            let text = format!(
                "Mayor Ada Brennan opened bridge number {i} on Monday. “This crossing will cut every commute in half,” Brennan said. She added that the city would build two more."
            );
            let value = serde_json::json!({ "id": id, "text": text, "source": "test" }).to_string().into_bytes();
            (id, value)
        })
        .collect()
}

pub fn produce_articles(topic: &str, articles: &[(String, Vec<u8>)]) {
    let records: Vec<_> = articles.iter().map(|(id, v)| (Some(id.clone().into_bytes()), Some(v.clone()))).collect();
    produce(topic, &records);
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A running `quotewire run` process.
pub struct Worker {
    pub child: Child,
    pub http_port: u16,
    pub log: PathBuf,
}

/// Starts a worker on the topics with NER off (these tests are about delivery; NER has its own
/// tests), small batches and a short commit interval.
pub fn start_worker(topics: &Topics, extra_env: &[(&str, &str)]) -> Worker {
    start_worker_at(&brokers(), topics, extra_env)
}

/// [`start_worker`] against the given bootstrap servers (e.g. a secured listener).
pub fn start_worker_at(bootstrap: &str, topics: &Topics, extra_env: &[(&str, &str)]) -> Worker {
    let http_port = free_port();
    let log = std::env::temp_dir().join(format!("{}.log", unique("worker")));
    let log_file = std::fs::File::create(&log).expect("log file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quotewire"));
    cmd.args(["run", "--brokers", bootstrap, "--input-topic", &topics.input, "--output-topic", &topics.output, "--dlq-topic", &topics.dlq, "--group-id", &topics.group])
        .env("QUOTEWIRE_NER_ENABLED", "false")
        .env("QUOTEWIRE_KAFKA_COMMIT_INTERVAL_MS", "200")
        .env("QUOTEWIRE_KAFKA_SESSION_TIMEOUT_MS", "6000")
        .env("QUOTEWIRE_WORKER_MAX_BATCH_ARTICLES", "8")
        .env("QUOTEWIRE_WORKER_MAX_BATCH_WAIT_MS", "20")
        .env("QUOTEWIRE_WORKER_SHUTDOWN_TIMEOUT_MS", "20000")
        .env("QUOTEWIRE_OBSERVABILITY_HTTP_LISTEN", format!("127.0.0.1:{http_port}"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log_file);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("start quotewire run");
    Worker { child, http_port, log }
}

impl Worker {
    /// SIGTERM, then waits for the exit status.
    pub fn terminate(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("worker did not stop within 40 s of SIGTERM; log: {}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then waits for the exit status; also returns how long the exit took.
    pub fn terminate_timed(self) -> (ExitStatus, Duration) {
        let started = Instant::now();
        let status = self.terminate();
        (status, started.elapsed())
    }

    /// kill -9.
    pub fn kill_hard(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GET a path on the worker's HTTP port: (status code, body).
    pub fn http_get(&self, path: &str) -> Option<(u16, String)> {
        use std::io::{Read, Write};
        let mut stream = TcpStream::connect(("127.0.0.1", self.http_port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        let code = response.split_whitespace().nth(1)?.parse().ok()?;
        let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
        Some((code, body))
    }

    /// A counter's value from /metrics.
    pub fn metric(&self, name: &str) -> f64 {
        self.http_get("/metrics")
            .and_then(|(_, body)| body.lines().find(|l| l.starts_with(name) && !l.starts_with('#')).and_then(|l| l.split_whitespace().last()?.parse().ok()))
            .unwrap_or(0.0)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One record read back from a topic.
#[derive(Debug, Clone)]
pub struct Record {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub partition: i32,
    pub offset: i64,
    pub headers: HashMap<String, String>,
    /// The record's timestamp (CreateTime: when its producer made it), milliseconds.
    pub timestamp_ms: i64,
}

impl Record {
    pub fn json(&self) -> Value {
        serde_json::from_slice(self.value.as_deref().unwrap_or(b"null")).expect("JSON value")
    }
    pub fn key_str(&self) -> String {
        String::from_utf8_lossy(self.key.as_deref().unwrap_or_default()).to_string()
    }
}

/// Reads a topic from the beginning until `done(records)` holds or `timeout` passes.
pub fn read_until(topic: &str, timeout: Duration, done: impl Fn(&[Record]) -> bool) -> Vec<Record> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", unique("reader"))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("reader");
    consumer.subscribe(&[topic]).expect("subscribe");
    let deadline = Instant::now() + timeout;
    let mut records = Vec::new();
    while Instant::now() < deadline && !done(&records) {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            records.push(to_record(&m));
        }
    }
    records
}

fn to_record<M: Message>(m: &M) -> Record {
    let headers = m
        .headers()
        .map(|h| h.iter().map(|x| (x.key.to_string(), String::from_utf8_lossy(x.value.unwrap_or_default()).to_string())).collect())
        .unwrap_or_default();
    Record {
        key: m.key().map(<[u8]>::to_vec),
        value: m.payload().map(<[u8]>::to_vec),
        partition: m.partition(),
        offset: m.offset(),
        headers,
        timestamp_ms: m.timestamp().to_millis().unwrap_or(-1),
    }
}

/// Reads a whole (no longer written) topic: every partition to its end. `read_committed`
/// skips records of aborted transactions and stops at open ones; `read_uncommitted` sees all.
pub fn read_all(topic: &str, partitions: i32, isolation: &str) -> Vec<Record> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", unique("reader-all"))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "true")
        .set("isolation.level", isolation)
        .create()
        .expect("reader");
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition_offset(topic, p, Offset::Beginning).expect("partition");
    }
    consumer.assign(&tpl).expect("assign");
    let mut at_end = std::collections::HashSet::new();
    let mut records = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while at_end.len() < partitions as usize {
        assert!(Instant::now() < deadline, "reading {topic} to its end took over 120 s");
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => records.push(to_record(&m)),
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                at_end.insert(p);
            }
            Some(Err(e)) => panic!("reading {topic}: {e}"),
            None => {}
        }
    }
    records
}

/// Distinct event ids seen, and how many events were duplicates.
pub fn ids_and_duplicates(records: &[Record]) -> (std::collections::HashSet<String>, usize) {
    let mut seen = std::collections::HashSet::new();
    let mut duplicates = 0;
    for r in records {
        if !seen.insert(r.key_str()) {
            duplicates += 1;
        }
    }
    (seen, duplicates)
}

/// The group's committed offsets on `topic`, by partition.
pub fn committed(group: &str, topic: &str, partitions: i32) -> HashMap<i32, i64> {
    let consumer: BaseConsumer = ClientConfig::new().set("bootstrap.servers", brokers()).set("group.id", group).create().expect("consumer");
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    // a broker that has just started may answer "not coordinator" while the group coordinator
    // loads: ask again for a while, then fail with the last error
    let mut attempts = 0;
    let committed = loop {
        match consumer.committed_offsets(tpl.clone(), Duration::from_secs(10)) {
            Ok(committed) => break committed,
            Err(e) if attempts < 20 => {
                attempts += 1;
                eprintln!("committed offsets: {e}; asking again");
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => panic!("committed offsets of group {group}: {e}"),
        }
    };
    committed
        .elements()
        .iter()
        .map(|e| (e.partition(), if let Offset::Offset(o) = e.offset() { o } else { -1 }))
        .collect()
}

/// Has the group committed every partition of `topic` to its end?
pub fn all_committed(group: &str, topic: &str, partitions: i32) -> bool {
    let done = committed(group, topic, partitions);
    end_offsets(topic, partitions).iter().all(|(p, end)| done.get(p).is_some_and(|c| c >= end))
}

/// End offsets (high watermarks) of a topic, by partition.
pub fn end_offsets(topic: &str, partitions: i32) -> HashMap<i32, i64> {
    let consumer: BaseConsumer = ClientConfig::new().set("bootstrap.servers", brokers()).set("group.id", unique("watermarks")).create().expect("consumer");
    (0..partitions).map(|p| (p, consumer.fetch_watermarks(topic, p, Duration::from_secs(10)).map(|(_, hi)| hi).expect("watermarks"))).collect()
}

/// Waits until `check` holds, polling; panics with `what` after `timeout`.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The event JSON Schema generated from the Rust types.
pub fn event_validator() -> jsonschema::Validator {
    let schema = quotewire::schema::json_schemas()["event"].clone();
    jsonschema::validator_for(&schema).expect("event schema compiles")
}
