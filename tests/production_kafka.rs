//! Production behaviour against the real local broker: exactly-once delivery across a kill -9,
//! and scale-out under churn (workers joining and leaving while the stream flows), in both
//! delivery modes. Run with `--nocapture` to see the duplicate counts and hand-over stalls.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use common::*;

const LONG: Duration = Duration::from_secs(120);

fn exactly_once_env(transactional_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("QUOTEWIRE_KAFKA_DELIVERY", "exactly-once".to_string()),
        ("QUOTEWIRE_KAFKA_TRANSACTIONAL_ID", transactional_id.to_string()),
        // a killed instance that never comes back holds its open transaction this long
        ("QUOTEWIRE_KAFKA_PRODUCER__TRANSACTION_TIMEOUT_MS", "10000".to_string()),
    ]
}

fn start(topics: &Topics, env: &[(&'static str, String)]) -> Worker {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    start_worker(topics, &env)
}

#[test]
fn exactly_once_a_read_committed_reader_sees_each_id_once_after_a_kill_9() {
    let topics = Topics::new("eos", 4);
    let input = articles("eos", 600);
    produce_articles(&topics.input, &input);
    let txn_id = unique("eos-txn");
    let mut env = exactly_once_env(&txn_id);
    env.push(("QUOTEWIRE_WORKER_MAX_BATCH_ARTICLES", "4".to_string()));

    let first = start(&topics, &env);
    wait_for("some transactions before the crash", LONG, || first.metric("quotewire_transactions_committed_total") >= 10.0);
    first.kill_hard();

    // the restart (same transactional id) fences the dead instance and aborts its transaction
    let second = start(&topics, &env);
    wait_for("the restarted worker commits everything", LONG, || all_committed(&topics.group, &topics.input, 4));
    let log = second.log.clone();
    assert!(second.terminate().success(), "SIGTERM exits 0; log: {}", log.display());

    let committed = read_all(&topics.output, 4, "read_committed");
    let (ids, duplicates) = ids_and_duplicates(&committed);
    let expected: HashSet<String> = input.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, expected, "every id is in the committed output");
    assert_eq!(duplicates, 0, "read_committed: each id exactly once");
    assert_eq!(committed.len(), input.len());

    let everything = read_all(&topics.output, 4, "read_uncommitted");
    eprintln!(
        "exactly-once, kill -9 and restart: read_committed {} events for {} ids (0 duplicates); read_uncommitted {} records (aborted work included)",
        committed.len(),
        ids.len(),
        everything.len()
    );
}

#[test]
fn workers_joining_and_leaving_under_load_lose_nothing_at_least_once() {
    churn("churn-alo", &[]);
}

#[test]
fn workers_joining_and_leaving_under_load_lose_nothing_exactly_once() {
    let report = churn("churn-eos", &[("QUOTEWIRE_KAFKA_DELIVERY", "exactly-once".to_string())]);
    assert_eq!(report.duplicates, 0, "exactly-once under churn: no duplicates for read_committed readers");
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Hand-over stalls: the longest gap between consecutive events of one partition (input is
/// produced to every partition ~12 times a second, so a gap over a second is a stall), each
/// put down to the last schedule step before it began. Output partition = input partition
/// (same key, same partitioner, same count).
fn report_stalls(name: &str, outputs: &[Record], steps: &[(i64, Step)]) {
    let mut by_partition: HashMap<i32, Vec<i64>> = HashMap::new();
    let mut seen = HashSet::new();
    for r in outputs {
        if seen.insert(r.key_str()) {
            by_partition.entry(r.partition).or_default().push(r.timestamp_ms);
        }
    }
    let (mut after_term, mut after_kill, mut other) = (0i64, 0i64, 0i64);
    for times in by_partition.values_mut() {
        times.sort_unstable();
        for pair in times.windows(2) {
            let (from, gap) = (pair[0], pair[1] - pair[0]);
            let cause = steps.iter().rev().find(|(t, _)| *t <= from + 1000).map(|(_, s)| *s);
            let slot = match cause {
                Some(Step::Term(_)) => &mut after_term,
                Some(Step::Kill(_)) => &mut after_kill,
                _ => &mut other,
            };
            *slot = (*slot).max(gap);
        }
    }
    eprintln!("{name}: longest per-partition stall after a SIGTERM {after_term} ms, after a kill -9 {after_kill} ms, after a start {other} ms (session timeout 6000 ms)");
}

struct ChurnReport {
    duplicates: usize,
}

/// What happens to a worker slot at a step of the churn schedule.
#[derive(Clone, Copy, Debug)]
enum Step {
    Start(usize),
    Term(usize),
    Kill(usize),
}

/// 2,000 articles on 8 partitions, produced over ~20 s while workers start, stop with SIGTERM
/// and die with kill -9 every 2 s; then one worker finishes. Every id must be in the output.
fn churn(name: &str, mode_env: &[(&'static str, String)]) -> ChurnReport {
    const PARTITIONS: i32 = 8;
    const ARTICLES: usize = 2000;
    let topics = Topics::new(name, PARTITIONS);
    let input = articles(name, ARTICLES);

    // the stream flows while the group churns: 100 batches of 20, every 200 ms
    let feed = {
        let topic = topics.input.clone();
        let input = input.clone();
        std::thread::spawn(move || {
            for chunk in input.chunks(20) {
                produce_articles(&topic, chunk);
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };

    // each slot keeps its transactional id across restarts, as a StatefulSet pod would
    let slot_env = |slot: usize| {
        let mut env = mode_env.to_vec();
        env.push(("QUOTEWIRE_KAFKA_TRANSACTIONAL_ID", format!("{name}-{}-slot-{slot}", std::process::id())));
        env.push(("QUOTEWIRE_KAFKA_PRODUCER__TRANSACTION_TIMEOUT_MS", "10000".to_string()));
        env.push(("QUOTEWIRE_WORKER_MAX_BATCH_ARTICLES", "4".to_string()));
        env
    };
    let schedule = [
        Step::Start(0),
        Step::Start(1),
        Step::Start(2),
        Step::Term(0),
        Step::Start(3),
        Step::Kill(1),
        Step::Start(0),
        Step::Term(2),
        Step::Start(1),
        Step::Kill(3),
        Step::Term(0),
    ];
    let mut workers: HashMap<usize, Worker> = HashMap::new();
    let mut logs = Vec::new();
    let mut step_times: Vec<(i64, Step)> = Vec::new();
    for step in schedule {
        step_times.push((now_ms(), step));
        match step {
            Step::Start(slot) => {
                workers.insert(slot, start(&topics, &slot_env(slot)));
            }
            Step::Term(slot) => {
                if let Some(w) = workers.remove(&slot) {
                    logs.push(w.log.clone());
                    let status = w.terminate();
                    assert!(status.success(), "slot {slot} exits 0 on SIGTERM");
                }
            }
            Step::Kill(slot) => {
                if let Some(w) = workers.remove(&slot) {
                    logs.push(w.log.clone());
                    w.kill_hard();
                }
            }
        }
        eprintln!("{name}: {step:?}, {} workers running", workers.len());
        std::thread::sleep(Duration::from_secs(2));
    }
    feed.join().expect("feeder thread");
    assert!(!workers.is_empty(), "the schedule leaves a worker running");

    wait_for("the group commits everything", Duration::from_secs(180), || all_committed(&topics.group, &topics.input, PARTITIONS));
    for (_, w) in workers.drain() {
        assert!(w.terminate().success());
    }

    let inputs = read_all(&topics.input, PARTITIONS, "read_committed");
    let outputs = read_all(&topics.output, PARTITIONS, "read_committed");
    let (ids, duplicates) = ids_and_duplicates(&outputs);
    let expected: HashSet<String> = input.iter().map(|(id, _)| id.clone()).collect();
    let missing: Vec<&String> = expected.difference(&ids).take(10).collect();
    assert!(missing.is_empty(), "{name}: {} ids missing, e.g. {missing:?}; logs: {logs:?}", expected.len() - ids.len());

    // hand-over stalls: time from an article's production to its (first) event
    let produced_at: HashMap<String, i64> = inputs.iter().map(|r| (r.key_str(), r.timestamp_ms)).collect();
    let mut first_event: HashMap<String, i64> = HashMap::new();
    for r in &outputs {
        let t = first_event.entry(r.key_str()).or_insert(r.timestamp_ms);
        *t = (*t).min(r.timestamp_ms);
    }
    report_stalls(name, &outputs, &step_times);
    let mut latencies: Vec<i64> = first_event.iter().filter_map(|(id, t)| produced_at.get(id).map(|p| t - p)).collect();
    latencies.sort_unstable();
    let pct = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    eprintln!(
        "{name}: {} articles, {} events, {duplicates} duplicates; produce-to-event latency p50 {} ms, p99 {} ms, max {} ms (session timeout 6000 ms)",
        ARTICLES,
        outputs.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    ChurnReport { duplicates }
}

/// A member that joins the group, takes its share of the partitions for a moment without
/// committing anything, and leaves: the partitions go back to the worker.
fn visit_the_group(group: &str, topic: &str, stay: Duration) -> usize {
    use rdkafka::config::ClientConfig;
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let visitor: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers())
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("partition.assignment.strategy", "cooperative-sticky")
        .set("session.timeout.ms", "6000")
        .create()
        .expect("visiting consumer");
    visitor.subscribe(&[topic]).expect("subscribe");
    let mut taken = 0;
    wait_for("the visitor's share of the partitions", LONG, || {
        let _ = visitor.poll(Duration::from_millis(100));
        taken = visitor.assignment().map(|a| a.count()).unwrap_or(0);
        taken > 0
    });
    let until = std::time::Instant::now() + stay;
    while std::time::Instant::now() < until {
        // what it reads is not committed: the worker processes it when the partitions return
        let _ = visitor.poll(Duration::from_millis(100));
    }
    visitor.unsubscribe();
    drop(visitor);
    taken
}

/// librdkafka keeps a partition paused across its revocation and a later re-assignment. A
/// worker whose pipeline is full (fetching paused: the shipped model, one batch in flight at
/// most) loses half its partitions to a member that joins, resumes what it still holds once
/// the revoked records are gone, and gets the rest back when that member leaves: those
/// partitions must be fetched again (they once came back paused and stayed so forever).
#[test]
fn partitions_revoked_while_fetching_is_paused_are_fetched_again_when_they_come_back() {
    for delivery in ["at-least-once", "exactly-once"] {
        let topics = Topics::new(&format!("paused-{delivery}"), 4);
        let input = articles("paused", 240);
        produce_articles(&topics.input, &input);
        let mut env = vec![
            ("QUOTEWIRE_KAFKA_DELIVERY", delivery.to_string()),
            ("QUOTEWIRE_NER_ENABLED", "true".to_string()),
            ("QUOTEWIRE_WORKER_MAX_BATCH_ARTICLES", "16".to_string()),
            ("QUOTEWIRE_WORKER_MAX_IN_FLIGHT", "16".to_string()),
        ];
        if delivery == "exactly-once" {
            env.extend(exactly_once_env(&unique("paused-txn")));
        }
        let mut worker = start(&topics, &env);
        wait_for("the first events out", LONG, || read_all(&topics.output, 4, "read_uncommitted").len() >= 16);
        let mut visits = 0;
        // two visits: at least one lands while fetching is paused (it is paused but for the
        // moments between one batch's commit and the next fetch)
        while visits < 2 && !all_committed(&topics.group, &topics.input, 4) {
            let taken = visit_the_group(&topics.group, &topics.input, Duration::from_secs(3));
            assert!(taken > 0, "the visitor took partitions");
            visits += 1;
        }
        wait_for(&format!("{delivery}: every article committed after the visits (worker log: {})", worker.log.display()), LONG, || {
            assert!(worker.child.try_wait().expect("worker status").is_none(), "the worker is alive");
            all_committed(&topics.group, &topics.input, 4)
        });
        let isolation = if delivery == "exactly-once" { "read_committed" } else { "read_uncommitted" };
        let (ids, _) = ids_and_duplicates(&read_all(&topics.output, 4, isolation));
        let expected: HashSet<String> = input.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(ids, expected, "{delivery}: every id is out");
        assert!(worker.terminate().success());
    }
}
