//! `quotewire bench-kafka`: end-to-end speed through a real broker, beside offline enrichment.
//!
//! A benchmark, not a test: it prints a Markdown table and asserts nothing. In one run, on the
//! same article JSON lines:
//!
//! 1. **offline**: `quotewire enrich FILE` as a child process (the same binary);
//! 2. **kafka, N workers** for each N of `--workers`: fresh topics, N `quotewire run`
//!    processes in one consumer group, started and ready (model loaded, partitions assigned);
//!    then the whole input is produced at once (saturation) and the output read back until
//!    every id is there;
//! 3. optionally the same with `delivery = "exactly-once"` (one worker);
//! 4. **latency**: one worker fed at `--paced-fraction` of its measured throughput; the
//!    produce-to-event latency of each article from the records' broker timestamps.
//!
//! Process start-up is left out of every figure alike: the Kafka clock starts when the ready
//! workers get the backlog and stops at the last event; the offline time is the enrich run's
//! wall time minus that of an enrich run of one short article (start-up: model load). Peak
//! RSS (VmHWM) and CPU time (utime + stime) come from `/proc` per process.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};

use crate::nlp::{Enricher, NerSettings};
use crate::schema::decode_article;

/// Flags of `quotewire bench-kafka`.
#[derive(Debug, Args)]
pub struct KafkaBenchArgs {
    /// Article JSON lines (e.g. the PolNeAR train texts).
    pub file: PathBuf,
    /// Bootstrap servers of the broker to measure through.
    #[arg(long, default_value = "127.0.0.1:9092")]
    pub brokers: String,
    /// Worker counts to measure (each worker a separate process).
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub workers: Vec<usize>,
    /// ONNX Runtime threads per worker (and for the offline run).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Partitions of the input and output topics.
    #[arg(long, default_value_t = 8)]
    pub partitions: i32,
    /// Also measure one worker with delivery = "exactly-once".
    #[arg(long)]
    pub exactly_once: bool,
    /// Use only the first N articles.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Articles of the paced latency run (0 skips it).
    #[arg(long, default_value_t = 120)]
    pub paced_articles: usize,
    /// Feed rate of the latency run, as a fraction of one worker's measured throughput.
    #[arg(long, default_value_t = 0.5)]
    pub paced_fraction: f64,
}

/// What one run measured.
struct Measured {
    label: String,
    articles: usize,
    /// Seconds of processing, start-up excluded.
    busy_secs: f64,
    wall_secs: f64,
    peak_rss_mib: Vec<f64>,
    cpu_secs: f64,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.articles as f64 / self.busy_secs.max(1e-9)
    }
}

/// Runs the benchmark and prints a Markdown table.
pub fn run(args: &KafkaBenchArgs, ner: &NerSettings) -> Result<()> {
    let exe = std::env::current_exe().context("locating the quotewire binary")?;
    let lines = read_articles(&args.file, args.limit)?;
    let ids: Vec<String> = lines.iter().map(|(id, _, _)| id.clone()).collect();
    let texts: Vec<&str> = lines.iter().map(|(_, text, _)| text.as_str()).collect();
    let tokens = match Enricher::load_ner(ner) {
        Ok(model) => model.count_tokens(&texts)?,
        Err(_) => texts.iter().map(|t| t.split_whitespace().count()).sum(),
    };
    let input = std::env::temp_dir().join(format!("quotewire-bench-{}.jsonl", std::process::id()));
    {
        let mut f = std::fs::File::create(&input)?;
        for (_, _, raw) in &lines {
            writeln!(f, "{raw}")?;
        }
    }
    eprintln!("bench-kafka: {} articles, {tokens} model tokens, {} threads per process", ids.len(), args.threads);

    let mut results = vec![offline(&exe, &input, args.threads, ids.len())?];
    eprintln!("offline: {:.2} articles/s", results[0].rate());
    for &n in &args.workers {
        let m = through_kafka(&exe, args, &lines, n, "at-least-once")?;
        eprintln!("{}: {:.2} articles/s", m.label, m.rate());
        results.push(m);
    }
    if args.exactly_once {
        let m = through_kafka(&exe, args, &lines, 1, "exactly-once")?;
        eprintln!("{}: {:.2} articles/s", m.label, m.rate());
        results.push(m);
    }
    let _ = std::fs::remove_file(&input);

    let per_token = tokens as f64 / ids.len() as f64;
    println!("| run | articles/s | tokens/s | vs offline | peak RSS MiB per process | CPU s per article | wall s |");
    println!("|---|---|---|---|---|---|---|");
    let base = results[0].rate();
    for m in &results {
        let rss: Vec<String> = m.peak_rss_mib.iter().map(|r| format!("{r:.0}")).collect();
        println!(
            "| {} | {:.2} | {:.0} | {:+.1} % | {} | {:.3} | {:.1} |",
            m.label,
            m.rate(),
            m.rate() * per_token,
            (m.rate() / base - 1.0) * 100.0,
            rss.join(", "),
            m.cpu_secs / m.articles as f64,
            m.wall_secs
        );
    }
    let one = results.iter().find(|m| m.label == "kafka, 1 worker");
    let two = results.iter().find(|m| m.label == "kafka, 2 workers");
    if let (Some(one), Some(two)) = (one, two) {
        println!("\nscaling: 2 workers / 1 worker = {:.2}x", two.rate() / one.rate());
    }
    if let Some(one) = one {
        println!("Kafka overhead at saturation (1 worker vs offline, same threads): {:.1} %", (1.0 - one.rate() / base) * 100.0);
        if args.paced_articles > 0 {
            let rate = one.rate() * args.paced_fraction;
            let (p50, p99, max) = paced_latency(&exe, args, &lines, rate)?;
            println!(
                "latency, 1 worker fed {rate:.2} articles/s ({:.0} % of its throughput), {} articles: produce-to-event p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms",
                args.paced_fraction * 100.0,
                args.paced_articles.min(lines.len())
            );
        }
    }
    Ok(())
}

/// (id, text, raw line) of each valid article line.
fn read_articles(path: &Path, limit: Option<usize>) -> Result<Vec<(String, String, String)>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        if let Ok(a) = decode_article(Some(line.as_bytes()), usize::MAX) {
            out.push((a.id, a.text, line));
        }
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    if out.is_empty() {
        bail!("no articles in {}", path.display());
    }
    Ok(out)
}

/// Samples a process's peak RSS and CPU time from /proc until it exits.
struct Sampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<(f64, f64)>,
}

impl Sampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let (mut rss, mut cpu) = (0.0, 0.0);
            let ticks = 100.0; // USER_HZ on Linux
            while !flag.load(Ordering::Relaxed) {
                if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                    if let Some(kb) = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok()) {
                        rss = kb / 1024.0;
                    }
                }
                if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                    // fields after the ")" of the command name: utime is the 12th, stime the 13th
                    if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
                        let f: Vec<&str> = rest.split_whitespace().collect();
                        if let (Some(u), Some(s)) = (f.get(11).and_then(|v| v.parse::<f64>().ok()), f.get(12).and_then(|v| v.parse::<f64>().ok())) {
                            cpu = (u + s) / ticks;
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            (rss, cpu)
        });
        Sampler { stop, handle }
    }

    fn finish(self) -> (f64, f64) {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or((0.0, 0.0))
    }
}

fn offline(exe: &Path, input: &Path, threads: usize, count: usize) -> Result<Measured> {
    // start-up: the same command on one short article
    let startup = {
        let t = Instant::now();
        let mut child = Command::new(exe).arg("enrich").env("QUOTEWIRE_NER_THREADS", threads.to_string()).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, r#"{{"id": "warm-up", "text": "Ada Brennan said it."}}"#)?;
        }
        child.wait()?;
        t.elapsed().as_secs_f64()
    };
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["enrich"])
        .arg(input)
        .env("QUOTEWIRE_NER_THREADS", threads.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting quotewire enrich")?;
    let sampler = Sampler::start(child.id());
    let stdout = child.stdout.take().context("enrich stdout")?;
    let mut events = 0;
    for line in BufReader::new(stdout).lines() {
        line?;
        events += 1;
    }
    let wall = started.elapsed().as_secs_f64();
    // the last /proc sample must precede the exit
    let (rss, cpu) = sampler.finish();
    let status = child.wait()?;
    if !status.success() || events != count {
        bail!("quotewire enrich: {status}, {events} of {count} events");
    }
    Ok(Measured { label: "offline (quotewire enrich)".into(), articles: count, busy_secs: wall - startup, wall_secs: wall, peak_rss_mib: vec![rss], cpu_secs: cpu })
}

struct Topics {
    input: String,
    output: String,
    dlq: String,
    group: String,
}

fn topics(brokers: &str, partitions: i32, tag: &str) -> Result<Topics> {
    let stamp = format!("{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0));
    let t = Topics {
        input: format!("bench-{tag}-in-{stamp}"),
        output: format!("bench-{tag}-out-{stamp}"),
        dlq: format!("bench-{tag}-dlq-{stamp}"),
        group: format!("bench-{tag}-group-{stamp}"),
    };
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new().set("bootstrap.servers", brokers).create()?;
    let new = [
        NewTopic::new(&t.input, partitions, TopicReplication::Fixed(1)),
        NewTopic::new(&t.output, partitions, TopicReplication::Fixed(1)),
        NewTopic::new(&t.dlq, 1, TopicReplication::Fixed(1)),
    ];
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    for r in runtime.block_on(admin.create_topics(&new, &AdminOptions::new()))? {
        r.map_err(|(topic, e)| anyhow::anyhow!("creating {topic}: {e}"))?;
    }
    Ok(t)
}

fn producer(brokers: &str) -> Result<ThreadedProducer<DefaultProducerContext>> {
    Ok(ClientConfig::new().set("bootstrap.servers", brokers).set("linger.ms", "5").set("enable.idempotence", "true").create()?)
}

fn send(producer: &ThreadedProducer<DefaultProducerContext>, topic: &str, id: &str, raw: &str) {
    let mut record = BaseRecord::to(topic).key(id).payload(raw);
    loop {
        match producer.send(record) {
            Ok(()) => return,
            Err((_, back)) => {
                record = back;
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// A worker process and its health port.
struct Spawned {
    child: Child,
    port: u16,
}

fn spawn_worker(exe: &Path, args: &KafkaBenchArgs, t: &Topics, delivery: &str, slot: usize) -> Result<Spawned> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new(exe)
        .args(["run", "--brokers", &args.brokers, "--input-topic", &t.input, "--output-topic", &t.output, "--dlq-topic", &t.dlq, "--group-id", &t.group])
        .env("QUOTEWIRE_NER_THREADS", args.threads.to_string())
        .env("QUOTEWIRE_KAFKA_DELIVERY", delivery)
        .env("QUOTEWIRE_KAFKA_TRANSACTIONAL_ID", format!("{}-{slot}", t.group))
        .env("QUOTEWIRE_OBSERVABILITY_HTTP_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting quotewire run")?;
    Ok(Spawned { child, port })
}

/// Waits until every worker answers 200 on /readyz (model loaded, partitions assigned), then
/// a little longer for the group's last rebalance to settle.
fn wait_ready(workers: &[Spawned]) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let ready = |w: &Spawned| crate::observability::probe(&format!("127.0.0.1:{}", w.port), crate::observability::READYZ_PATH, Duration::from_secs(2)).is_ok_and(|code| code == 200);
    while !workers.iter().all(ready) {
        if Instant::now() > deadline {
            bail!("workers not ready within 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    Ok(())
}

fn stop(workers: Vec<Spawned>) {
    for mut w in workers {
        let _ = Command::new("kill").args(["-TERM", &w.child.id().to_string()]).status();
        let _ = w.child.wait();
    }
}

/// Reads the output topic until `count` distinct ids are there; returns each id with its
/// first event's create time (ms), which the caller pairs with when it produced the article.
fn read_output(brokers: &str, topic: &str, count: usize, timeout: Duration) -> Result<Vec<(String, i64)>> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("{topic}-reader"))
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .create()?;
    consumer.subscribe(&[topic])?;
    let mut seen = HashSet::new();
    let mut events = Vec::with_capacity(count);
    let deadline = Instant::now() + timeout;
    while seen.len() < count {
        if Instant::now() > deadline {
            bail!("{} of {count} events within {timeout:?}", seen.len());
        }
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            let id = String::from_utf8_lossy(m.key().unwrap_or_default()).to_string();
            if seen.insert(id.clone()) {
                events.push((id, m.timestamp().to_millis().unwrap_or(0)));
            }
        }
    }
    Ok(events)
}

fn through_kafka(exe: &Path, args: &KafkaBenchArgs, lines: &[(String, String, String)], workers: usize, delivery: &str) -> Result<Measured> {
    let t = topics(&args.brokers, args.partitions, &format!("w{workers}"))?;
    let spawned_at = Instant::now();
    let children: Vec<Spawned> = (0..workers).map(|slot| spawn_worker(exe, args, &t, delivery, slot)).collect::<Result<_>>()?;
    let samplers: Vec<Sampler> = children.iter().map(|w| Sampler::start(w.child.id())).collect();
    if let Err(e) = wait_ready(&children) {
        stop(children);
        return Err(e);
    }
    let started = Instant::now();
    let p = producer(&args.brokers)?;
    for (id, _, raw) in lines {
        send(&p, &t.input, id, raw);
    }
    p.flush(Duration::from_secs(60))?;
    let read = read_output(&args.brokers, &t.output, lines.len(), Duration::from_secs(3600));
    let busy = started.elapsed().as_secs_f64();
    let wall = spawned_at.elapsed().as_secs_f64();
    let sampled: Vec<(f64, f64)> = samplers.into_iter().map(Sampler::finish).collect();
    stop(children);
    read?;
    let label = match (workers, delivery) {
        (1, "at-least-once") => "kafka, 1 worker".to_string(),
        (n, "at-least-once") => format!("kafka, {n} workers"),
        (1, d) => format!("kafka, 1 worker, {d}"),
        (n, d) => format!("kafka, {n} workers, {d}"),
    };
    Ok(Measured {
        label,
        articles: lines.len(),
        busy_secs: busy,
        wall_secs: wall,
        peak_rss_mib: sampled.iter().map(|s| s.0).collect(),
        cpu_secs: sampled.iter().map(|s| s.1).sum(),
    })
}

/// One worker fed at `rate` articles/s: produce-to-event latency percentiles (ms).
fn paced_latency(exe: &Path, args: &KafkaBenchArgs, lines: &[(String, String, String)], rate: f64) -> Result<(f64, f64, f64)> {
    let lines = &lines[..args.paced_articles.min(lines.len())];
    let t = topics(&args.brokers, args.partitions, "paced")?;
    let worker = spawn_worker(exe, args, &t, "at-least-once", 0)?;
    let workers = vec![worker];
    if let Err(e) = wait_ready(&workers) {
        stop(workers);
        return Err(e);
    }
    let reader = {
        let (brokers, topic, n) = (args.brokers.clone(), t.output.clone(), lines.len());
        std::thread::spawn(move || read_output(&brokers, &topic, n, Duration::from_secs(3600)))
    };
    let p = producer(&args.brokers)?;
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.01));
    let mut produced_at = std::collections::HashMap::new();
    let start = Instant::now();
    for (i, (id, _, raw)) in lines.iter().enumerate() {
        let due = start + gap * i as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        produced_at.insert(id.clone(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0));
        send(&p, &t.input, id, raw);
        p.poll(Duration::ZERO);
    }
    p.flush(Duration::from_secs(60))?;
    let read = reader.join().map_err(|_| anyhow::anyhow!("reader thread panicked"))?;
    stop(workers);
    let events = read?;
    let mut latencies: Vec<f64> = events.iter().filter_map(|(id, out_ts)| produced_at.get(id).map(|p| (out_ts - p) as f64)).collect();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    Ok((at(0.5), at(0.99), at(1.0)))
}
