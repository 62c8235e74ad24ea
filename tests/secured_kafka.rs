//! A secured cluster: the worker through a SASL_SSL listener (SCRAM-SHA-512 over TLS with a
//! throwaway CA, `deploy/local/kafka.sh` with `KAFKA_SASL_PORT`), configured through
//! `[kafka.client]` env vars as an operator would.
//!
//! Articles in, events out; a wrong password stops the worker with a clear error and a
//! non-zero exit; the password never appears in the worker's logs (at debug level) or metrics.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;

const LONG: Duration = Duration::from_secs(120);

fn secured_env<'a>(ca: &'a str, password: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("QUOTEWIRE_KAFKA_CLIENT__SECURITY_PROTOCOL", "SASL_SSL"),
        ("QUOTEWIRE_KAFKA_CLIENT__SASL_MECHANISM", "SCRAM-SHA-512"),
        ("QUOTEWIRE_KAFKA_CLIENT__SASL_USERNAME", "quotewire"),
        ("QUOTEWIRE_KAFKA_CLIENT__SASL_PASSWORD", password),
        ("QUOTEWIRE_KAFKA_CLIENT__SSL_CA_LOCATION", ca),
        ("RUST_LOG", "debug"),
    ]
}

#[test]
fn the_worker_runs_through_sasl_ssl_and_a_wrong_password_is_refused_clearly() {
    let password = unique("pw-right");
    let broker = OwnBroker::start_secured(&password);
    let secured = broker.sasl_address();
    let ca = broker.ca_file().to_string_lossy().to_string();
    assert!(broker.ca_file().exists(), "kafka.sh made the CA at {ca}");

    // the helpers (topics, input, reading back) use the plaintext listener; the worker only the secured one
    let topics = Topics::new("sasl", 2);
    let input = articles("sasl", 20);
    produce_articles(&topics.input, &input);
    let worker = start_worker_at(&secured, &topics, &secured_env(&ca, &password));
    wait_for("every article committed through SASL_SSL", LONG, || all_committed(&topics.group, &topics.input, 2));
    let metrics = worker.http_get("/metrics").map(|(_, body)| body).unwrap_or_default();
    assert!(metrics.contains("quotewire_produced_total 20"), "20 events produced; metrics:\n{metrics}");
    assert!(!metrics.contains(&password), "the password is not in the metrics");
    let log = worker.log.clone();
    assert!(worker.terminate().success(), "SIGTERM exits 0; log: {}", log.display());
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!text.contains(&password), "the password is not in the worker's debug log");
    let (ids, _) = ids_and_duplicates(&read_all(&topics.output, 2, "read_uncommitted"));
    assert_eq!(ids, input.iter().map(|(id, _)| id.clone()).collect::<HashSet<_>>());

    // a wrong password: a clear error and a non-zero exit, not an endless retry
    let wrong = unique("pw-wrong");
    let bad_topics = Topics::new("sasl-bad", 1);
    let mut bad = start_worker_at(&secured, &bad_topics, &secured_env(&ca, &wrong));
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = bad.child.try_wait() {
            break status;
        }
        assert!(started.elapsed() < LONG, "a worker with a wrong password still runs after {} s; log:\n{}", LONG.as_secs(), bad.log_text());
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = bad.log_text();
    assert!(!status.success(), "a refused worker exits non-zero");
    assert!(text.contains("refuse") && text.to_lowercase().contains("authentication"), "the error says the brokers refused the credentials; log:\n{text}");
    assert!(!text.contains(&wrong), "the wrong password is not in the log either");
    eprintln!("SASL_SSL: 20/20 events through SCRAM-SHA-512 over TLS; a wrong password exits {status} after {:.1} s", started.elapsed().as_secs_f64());
}
