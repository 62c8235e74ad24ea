//! Is a broker reachable? Readiness, one warning per outage, and an outage counter.
//!
//! librdkafka reconnects by itself; what the worker must do is say so (readiness false, so a
//! load balancer or an operator sees it), keep retrying without flooding the log, and count
//! outages. The consumer's statistics (every 2 s) say whether any broker connection is up
//! (two snapshots in a row without one make an outage);
//! a fetched record or an assignment also mark the link up, a failed attempt to reach the
//! transaction coordinator at start marks it lost. librdkafka's "all brokers are down" events
//! are not used: they also arrive, stale, while connections are up again.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::sync::lock;
use crate::observability::{Health, Metrics};

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    /// Not connected yet since start; `warned` once a "no broker yet" warning is out.
    Starting { since: Instant, warned: bool },
    Up,
    Down { since: Instant },
}

/// The worker's view of its brokers.
pub struct BrokerLink {
    state: Mutex<State>,
    /// Set when the brokers refuse this client (authentication, TLS, authorization): retrying
    /// cannot help, the worker stops with this message.
    refusal: Mutex<Option<String>>,
    brokers: String,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
}

impl BrokerLink {
    /// Starts as "not connected yet" (not ready).
    pub fn new(brokers: &str, health: Arc<Health>, metrics: Arc<Metrics>) -> Self {
        health.set_broker_reachable(false);
        BrokerLink { state: Mutex::new(State::Starting { since: Instant::now(), warned: false }), refusal: Mutex::new(None), brokers: brokers.to_string(), health, metrics }
    }

    /// No broker answers: warns once per outage (and once at start-up), not per attempt.
    pub fn lost(&self, why: &str) {
        let mut state = lock(&self.state);
        match *state {
            State::Starting { since, warned: false } => {
                tracing::warn!(brokers = %self.brokers, reason = why, "no Kafka broker answers yet; waiting for one (not ready meanwhile)");
                *state = State::Starting { since, warned: true };
            }
            State::Up => {
                tracing::warn!(brokers = %self.brokers, reason = why, "lost every Kafka broker; retrying until one answers (not ready meanwhile, nothing is committed that was not published)");
                self.metrics.broker_outages.inc();
                *state = State::Down { since: Instant::now() };
            }
            State::Starting { .. } | State::Down { .. } => tracing::debug!(reason = why, "brokers still unreachable"),
        }
        self.health.set_broker_reachable(false);
        self.metrics.broker_reachable.set(0);
    }

    /// A broker answered.
    pub fn up(&self) {
        let mut state = lock(&self.state);
        match *state {
            State::Up => return,
            State::Starting { since, warned } => {
                if warned {
                    tracing::info!(brokers = %self.brokers, waited_s = since.elapsed().as_secs_f64(), "a Kafka broker answers now");
                }
            }
            State::Down { since } => tracing::info!(brokers = %self.brokers, outage_s = since.elapsed().as_secs_f64(), "the Kafka brokers answer again"),
        }
        *state = State::Up;
        self.health.set_broker_reachable(true);
        self.metrics.broker_reachable.set(1);
    }

    /// The brokers refuse this client: records the first reason (the worker then stops).
    pub fn refused(&self, why: &str) {
        let mut refusal = lock(&self.refusal);
        if refusal.is_none() {
            *refusal = Some(why.to_string());
        }
    }

    /// Why the brokers refuse this client, if they do.
    pub fn refusal(&self) -> Option<String> {
        lock(&self.refusal).clone()
    }

    /// True between a [`BrokerLink::lost`] and the next [`BrokerLink::up`].
    pub fn is_down(&self) -> bool {
        !matches!(*lock(&self.state), State::Up)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> (BrokerLink, Arc<Health>, Arc<Metrics>) {
        let health = Arc::new(Health::default());
        let metrics = Arc::new(Metrics::new());
        (BrokerLink::new("b:9092", health.clone(), metrics.clone()), health, metrics)
    }

    #[test]
    fn an_outage_is_counted_once_and_readiness_follows_the_link() {
        let (link, health, metrics) = link();
        health.set_model_loaded();
        health.set_assigned(2);
        assert!(!health.ready(), "not ready before any broker answered");
        link.lost("all brokers down");
        assert_eq!(metrics.broker_outages.get(), 0, "not reaching a broker at start is no outage");
        link.up();
        assert!(health.ready());
        link.lost("all brokers down");
        link.lost("all brokers down");
        assert!(!health.ready() && link.is_down());
        assert_eq!(metrics.broker_outages.get(), 1);
        link.up();
        link.up();
        assert!(health.ready() && !link.is_down());
        assert_eq!(metrics.broker_outages.get(), 1);
    }
}
