//! Broker faults against real brokers: each test starts a broker of its own
//! (`deploy/local/kafka.sh` on free ports), so killing it disturbs no other test.
//!
//! - The broker is killed with SIGKILL mid-stream, left down 15 s, and started again on the
//!   same data: the worker stays alive, is not ready during the outage and ready after, counts
//!   the outage, and every id comes out (exactly once for a `read_committed` reader in
//!   exactly-once mode).
//! - A worker started while no broker answers waits (not ready, alive) and processes once the
//!   broker comes.
//!
//! Both in both delivery modes. Run with `--nocapture` to see the measured outage and recovery.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;

const LONG: Duration = Duration::from_secs(180);
const OUTAGE: Duration = Duration::from_secs(15);

fn mode_env(delivery: &str, name: &str) -> Vec<(&'static str, String)> {
    let mut env = vec![("QUOTEWIRE_KAFKA_DELIVERY", delivery.to_string()), ("QUOTEWIRE_WORKER_MAX_BATCH_ARTICLES", "4".to_string())];
    if delivery == "exactly-once" {
        env.push(("QUOTEWIRE_KAFKA_TRANSACTIONAL_ID", unique(&format!("{name}-txn"))));
    }
    env
}

fn start(topics: &Topics, env: &[(&'static str, String)]) -> Worker {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    start_worker(topics, &env)
}

fn ready(worker: &Worker) -> Option<bool> {
    worker.http_get("/readyz").map(|(code, _)| code == 200)
}

fn assert_alive(worker: &mut Worker, when: &str) {
    if let Ok(Some(status)) = worker.child.try_wait() {
        panic!("the worker exited ({status}) {when}; log:\n{}", worker.log_text());
    }
}

/// Watches the worker for `how_long` while no broker answers: it must stay alive; returns
/// whether `/readyz` answered false at least once.
fn seen_not_ready_while_down(worker: &mut Worker, how_long: Duration, when: &str) -> bool {
    let since = Instant::now();
    let mut seen_not_ready = false;
    while since.elapsed() < how_long {
        assert_alive(worker, when);
        seen_not_ready |= ready(worker) == Some(false);
        std::thread::sleep(Duration::from_millis(250));
    }
    seen_not_ready
}

/// Distinct output ids seen so far (any isolation level; for progress checks).
fn ids_out(topic: &str, partitions: i32) -> HashSet<String> {
    read_all(topic, partitions, "read_uncommitted").iter().map(Record::key_str).collect()
}

/// Produces `records` one every `pace` from a thread of its own (an upstream that keeps
/// writing through the outage: librdkafka holds the records until the broker is back).
fn produce_paced(brokers: String, topic: String, records: Vec<(String, Vec<u8>)>, pace: Duration) -> std::thread::JoinHandle<()> {
    use rdkafka::config::ClientConfig;
    use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
    std::thread::spawn(move || {
        let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
            .set("bootstrap.servers", &brokers)
            .set("enable.idempotence", "true")
            .set("message.timeout.ms", "300000")
            .create()
            .expect("paced producer");
        for (id, value) in &records {
            producer.send(BaseRecord::to(&topic).key(id.as_bytes()).payload(value.as_slice())).expect("enqueue");
            std::thread::sleep(pace);
        }
        producer.flush(Duration::from_secs(240)).expect("every paced record delivered");
    })
}

fn broker_killed_mid_stream(delivery: &str) {
    let name = if delivery == "exactly-once" { "restart-eos" } else { "restart-alo" };
    let broker = OwnBroker::start();
    let topics = Topics::new(name, 4);
    let input = articles(name, 300);
    let mut worker = start(&topics, &mode_env(delivery, name));
    wait_for("the worker ready", LONG, || ready(&worker) == Some(true));
    // 300 articles over about 30 s: the broker dies with records in flight and more coming
    let upstream = produce_paced(broker.address(), topics.input.clone(), input.clone(), Duration::from_millis(100));
    wait_for("50 events out before the crash", LONG, || ids_out(&topics.output, 4).len() >= 50);

    broker.kill();
    assert!(seen_not_ready_while_down(&mut worker, OUTAGE, "during the outage"), "/readyz is false while no broker answers");
    broker.resume();
    let resumed = Instant::now();
    wait_for("the worker ready again", LONG, || {
        assert_alive(&mut worker, "after the broker came back");
        ready(&worker) == Some(true)
    });
    let ready_after = resumed.elapsed();
    upstream.join().expect("the upstream producer delivered everything");
    wait_for("every article committed", LONG, || {
        assert_alive(&mut worker, "while catching up");
        all_committed(&topics.group, &topics.input, 4)
    });
    let recovered = resumed.elapsed();
    assert!(worker.metric("quotewire_broker_outages_total") >= 1.0, "the outage is counted");
    assert!(!worker.log_text().contains("fatal error"), "no fatal error; log:\n{}", worker.log_text());
    let warnings = worker.log_text().lines().filter(|l| l.contains("WARN")).count();
    let log = worker.log.clone();
    assert!(worker.terminate().success(), "SIGTERM exits 0; log: {}", log.display());

    let expected: HashSet<String> = input.iter().map(|(id, _)| id.clone()).collect();
    let isolation = if delivery == "exactly-once" { "read_committed" } else { "read_uncommitted" };
    let events = read_all(&topics.output, 4, isolation);
    let (ids, duplicates) = ids_and_duplicates(&events);
    assert_eq!(ids, expected, "every id is in the output");
    if delivery == "exactly-once" {
        assert_eq!(duplicates, 0, "read_committed: each id exactly once across the broker restart");
    }
    eprintln!(
        "{delivery}: broker killed -9 after >= 50 events, down {} s, restarted on its data: {}/{} ids, {duplicates} duplicates; ready again {:.1} s after the restart, everything committed {:.1} s after it; {warnings} WARN lines",
        OUTAGE.as_secs(),
        ids.len(),
        expected.len(),
        ready_after.as_secs_f64(),
        recovered.as_secs_f64(),
    );
}

fn worker_started_before_its_broker(delivery: &str) {
    let name = if delivery == "exactly-once" { "early-eos" } else { "early-alo" };
    let broker = OwnBroker::start();
    let topics = Topics::new(name, 2);
    broker.halt();
    assert!(!broker.answers());

    let mut worker = start(&topics, &mode_env(delivery, name));
    assert!(seen_not_ready_while_down(&mut worker, OUTAGE, "while no broker answered"), "/readyz answers false while no broker answers");
    assert!(worker.log_text().contains("no Kafka broker answers yet"), "one clear warning; log:\n{}", worker.log_text());

    broker.resume();
    let input = articles(name, 40);
    produce_articles(&topics.input, &input);
    wait_for("every article committed", LONG, || {
        assert_alive(&mut worker, "after the broker came");
        all_committed(&topics.group, &topics.input, 2)
    });
    wait_for("the worker ready", LONG, || ready(&worker) == Some(true));
    let log = worker.log.clone();
    assert!(worker.terminate().success(), "SIGTERM exits 0; log: {}", log.display());
    let isolation = if delivery == "exactly-once" { "read_committed" } else { "read_uncommitted" };
    let (ids, _) = ids_and_duplicates(&read_all(&topics.output, 2, isolation));
    assert_eq!(ids, input.iter().map(|(id, _)| id.clone()).collect::<HashSet<_>>(), "every id is in the output");
    eprintln!("{delivery}: worker started {} s before its broker: alive, not ready meanwhile, all {} ids out once it came", OUTAGE.as_secs(), ids.len());
}

#[test]
fn at_least_once_rides_out_a_broker_killed_and_restarted_mid_stream() {
    broker_killed_mid_stream("at-least-once");
}

#[test]
fn exactly_once_rides_out_a_broker_killed_and_restarted_mid_stream() {
    broker_killed_mid_stream("exactly-once");
}

#[test]
fn at_least_once_worker_started_before_its_broker_waits_for_it() {
    worker_started_before_its_broker("at-least-once");
}

#[test]
fn exactly_once_worker_started_before_its_broker_waits_for_it() {
    worker_started_before_its_broker("exactly-once");
}
