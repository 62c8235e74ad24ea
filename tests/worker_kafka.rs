//! The worker against a real Kafka broker: delivery, dead letters, crashes, rebalances, restarts.
//!
//! Needs a broker (started by `.ci/run`, or by the tests themselves through
//! `deploy/local/kafka.sh`). Each test has its own topics and groups.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use common::*;

const LONG: Duration = Duration::from_secs(90);

#[test]
fn two_hundred_articles_in_two_hundred_valid_events_out_in_partition_order() {
    let topics = Topics::new("basic", 3);
    let input = articles("basic", 200);
    produce_articles(&topics.input, &input);
    let worker = start_worker(&topics, &[]);

    let events = read_until(&topics.output, LONG, |r| ids_and_duplicates(r).0.len() >= 200);
    let (ids, _) = ids_and_duplicates(&events);
    let expected: HashSet<String> = input.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, expected, "every article id comes out once; worker log:\n{}", worker.log_text());

    let validator = event_validator();
    // input partition -> last source offset seen, per output partition (order within a partition)
    let mut last: HashMap<(i32, i64), i64> = HashMap::new();
    for record in &events {
        let event = record.json();
        if let Err(e) = validator.validate(&event) {
            panic!("event does not match the schema: {e}\n{event}");
        }
        assert_eq!(record.key_str(), event["id"].as_str().unwrap_or_default(), "events are keyed by article id");
        let source_partition = event["source"]["partition"].as_i64().unwrap_or(-1);
        let offset = event["source"]["offset"].as_i64().unwrap_or(-1);
        let slot = last.entry((record.partition, source_partition)).or_insert(-1);
        assert!(offset > *slot, "events of input partition {source_partition} out of order in output partition {}", record.partition);
        *slot = offset;
        // NER is off in these tests: the speaker is the surname the cue attaches to
        assert_eq!(event["quotes"][0]["speaker"]["name"], "Brennan", "{event}");
    }

    let status = worker.terminate();
    assert!(status.success(), "SIGTERM exits 0, got {status:?}");
    assert_eq!(committed(&topics.group, &topics.input, 3), end_offsets(&topics.input, 3), "everything processed is committed");
}

#[test]
fn bad_records_go_to_the_dead_letter_topic_with_their_reason_and_the_rest_is_enriched() {
    let topics = Topics::new("dlq", 1);
    let good = articles("dlq-good", 4);
    let big = serde_json::json!({"id": "too-big", "text": "x".repeat(3000)}).to_string().into_bytes();
    let bad: Vec<(&str, Option<Vec<u8>>, Option<Vec<u8>>)> = vec![
        ("not_utf8", Some(b"k1".to_vec()), Some(vec![0xff, 0xfe, 0x00, 0x41])),
        ("not_json", Some(b"k2".to_vec()), Some(b"{this is not json".to_vec())),
        ("not_object", Some(b"k3".to_vec()), Some(b"[1, 2, 3]".to_vec())),
        ("missing_id", None, Some(br#"{"text": "No id here."}"#.to_vec())),
        ("missing_text", Some(b"k5".to_vec()), Some(br#"{"id": "no-text"}"#.to_vec())),
        ("too_large", Some(b"k6".to_vec()), Some(big)),
        ("invalid_field", Some(b"k7".to_vec()), Some(br#"{"id": "bad-date", "text": "Hi.", "published_at": "last week"}"#.to_vec())),
        ("empty", Some(b"k8".to_vec()), None),
    ];
    // good and bad interleaved
    let mut records = Vec::new();
    for (i, (_, key, value)) in bad.iter().enumerate() {
        if let Some((id, v)) = good.get(i / 2) {
            if i % 2 == 0 {
                records.push((Some(id.clone().into_bytes()), Some(v.clone())));
            }
        }
        records.push((key.clone(), value.clone()));
    }
    produce(&topics.input, &records);
    let worker = start_worker(&topics, &[("QUOTEWIRE_WORKER_MAX_ARTICLE_BYTES", "2000")]);

    let dead = read_until(&topics.dlq, LONG, |r| r.len() >= bad.len());
    assert_eq!(dead.len(), bad.len(), "worker log:\n{}", worker.log_text());
    let offsets_of_input: Vec<i64> = (0..records.len() as i64).collect();
    for (reason, key, value) in &bad {
        let record = dead
            .iter()
            .find(|r| r.headers.get("quotewire.error.kind").map(String::as_str) == Some(*reason))
            .unwrap_or_else(|| panic!("no dead letter with reason {reason}: {dead:?}"));
        assert_eq!(&record.key, key, "{reason}: key unchanged");
        assert_eq!(&record.value, value, "{reason}: value unchanged");
        assert!(!record.headers["quotewire.error.message"].is_empty());
        assert_eq!(record.headers["quotewire.source.topic"], topics.input);
        assert_eq!(record.headers["quotewire.source.partition"], "0");
        let offset: i64 = record.headers["quotewire.source.offset"].parse().expect("offset header");
        assert!(offsets_of_input.contains(&offset));
    }

    let events = read_until(&topics.output, LONG, |r| r.len() >= good.len());
    let ids: HashSet<String> = events.iter().map(Record::key_str).collect();
    assert_eq!(ids, good.iter().map(|(id, _)| id.clone()).collect::<HashSet<_>>());

    // still running: a new article after the poison is enriched too
    produce_articles(&topics.input, &articles("dlq-after", 1));
    let later = read_until(&topics.output, LONG, |r| r.iter().any(|x| x.key_str() == "dlq-after-0"));
    assert!(later.iter().any(|x| x.key_str() == "dlq-after-0"), "the worker keeps going after bad records");
    assert!(worker.metric("quotewire_dead_lettered_total") >= 1.0);
    let status = worker.terminate();
    assert!(status.success());
    assert_eq!(committed(&topics.group, &topics.input, 1), end_offsets(&topics.input, 1), "dead-lettered offsets are committed");
}

#[test]
fn a_worker_killed_with_sigkill_loses_nothing_after_restart() {
    let topics = Topics::new("crash", 2);
    let input = articles("crash", 400);
    produce_articles(&topics.input, &input);
    let first = start_worker(&topics, &[("QUOTEWIRE_WORKER_MAX_BATCH_ARTICLES", "4")]);
    wait_for("some events before the crash", LONG, || first.metric("quotewire_produced_total") >= 40.0);
    first.kill_hard();

    let second = start_worker(&topics, &[]);
    let events = read_until(&topics.output, LONG, |r| ids_and_duplicates(r).0.len() >= input.len());
    let (ids, duplicates) = ids_and_duplicates(&events);
    let expected: HashSet<String> = input.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, expected, "every id reaches the output; log:\n{}", second.log_text());
    eprintln!("kill -9 and restart: {} events for {} ids, {duplicates} duplicates", events.len(), ids.len());
    assert!(second.terminate().success());
}

#[test]
fn two_workers_split_partitions_and_the_survivor_takes_over_after_sigterm() {
    let topics = Topics::new("group", 4);
    let a = start_worker(&topics, &[]);
    let b = start_worker(&topics, &[]);
    wait_for("both workers ready", LONG, || {
        a.http_get("/readyz").is_some_and(|(code, _)| code == 200) && b.http_get("/readyz").is_some_and(|(code, _)| code == 200)
    });
    // the container health check: `quotewire health` exits 0 on 200
    for path in ["/healthz", "/readyz"] {
        let probe = std::process::Command::new(env!("CARGO_BIN_EXE_quotewire"))
            .args(["health", "--address", &format!("127.0.0.1:{}", a.http_port), "--path", path])
            .output()
            .expect("quotewire health");
        assert!(probe.status.success(), "quotewire health {path}: {}", String::from_utf8_lossy(&probe.stderr));
    }
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_quotewire")).args(["health", "--address", &format!("127.0.0.1:{}", free_port())]).output().expect("quotewire health");
    assert!(!refused.status.success(), "no server: the health check fails");
    let first = articles("group-a", 200);
    produce_articles(&topics.input, &first);
    wait_for("both workers consuming", LONG, || a.metric("quotewire_consumed_total") > 0.0 && b.metric("quotewire_consumed_total") > 0.0);
    wait_for("first wave enriched", LONG, || a.metric("quotewire_produced_total") + b.metric("quotewire_produced_total") >= 200.0);

    let status = a.terminate();
    assert!(status.success(), "SIGTERM exits 0");
    let second = articles("group-b", 200);
    produce_articles(&topics.input, &second);

    let all: HashSet<String> = first.iter().chain(&second).map(|(id, _)| id.clone()).collect();
    let events = read_until(&topics.output, LONG, |r| ids_and_duplicates(r).0.len() >= all.len());
    let (ids, duplicates) = ids_and_duplicates(&events);
    assert_eq!(ids, all, "nothing lost after the hand-over; survivor log:\n{}", b.log_text());
    eprintln!("rebalance after SIGTERM: {duplicates} duplicates");
    assert!(b.terminate().success());
    assert_eq!(committed(&topics.group, &topics.input, 4), end_offsets(&topics.input, 4));
}

#[test]
fn after_a_graceful_stop_nothing_already_published_is_processed_again() {
    let topics = Topics::new("restart", 2);
    let first = articles("restart-a", 100);
    produce_articles(&topics.input, &first);
    let worker = start_worker(&topics, &[]);
    wait_for("first wave", LONG, || worker.metric("quotewire_produced_total") >= 100.0);
    assert!(worker.terminate().success());

    let second = articles("restart-b", 50);
    produce_articles(&topics.input, &second);
    let worker = start_worker(&topics, &[]);
    wait_for("second wave", LONG, || worker.metric("quotewire_produced_total") >= 50.0);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(worker.metric("quotewire_consumed_total"), 50.0, "the restarted worker reads only new records");
    assert!(worker.terminate().success());

    let events = read_until(&topics.output, LONG, |r| r.len() >= 150);
    std::thread::sleep(Duration::from_millis(200));
    let (ids, duplicates) = ids_and_duplicates(&events);
    assert_eq!(ids.len(), 150);
    assert_eq!(duplicates, 0, "no event published twice");
}
