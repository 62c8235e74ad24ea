//! Is work waiting for a commit that does not come?
//!
//! A worker whose commits keep failing while a broker answers (a transaction refused for stale
//! group metadata, offsets the coordinator will not take) looks healthy to every other check:
//! the broker link is up and the poll loop runs. What is wrong is that nothing gets committed.
//! The poll loop reports, on its commit timer, whether records are waiting for a commit; once
//! they have waited longer than `kafka.stall_timeout_ms` since the last commit the worker warns
//! (once per stretch), `/readyz` answers false and `quotewire_commit_stalled` is 1 until a
//! commit succeeds again. `quotewire_seconds_since_last_commit` is kept current either way.
//! An idle worker (nothing waiting) is never stalled, however long ago its last commit was.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::sync::lock;
use crate::observability::{Health, Metrics};

struct State {
    last_commit: Instant,
    /// Since when records have been waiting without a break (None: nothing waits).
    waiting_since: Option<Instant>,
    stalled: bool,
}

/// Watches the time since the last successful commit while records wait for one.
pub struct CommitWatch {
    limit: Duration,
    state: Mutex<State>,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
}

impl CommitWatch {
    /// A watch that calls a stretch longer than `limit` a stall.
    pub fn new(limit: Duration, health: Arc<Health>, metrics: Arc<Metrics>) -> Self {
        let state = State { last_commit: Instant::now(), waiting_since: None, stalled: false };
        CommitWatch { limit, state: Mutex::new(state), health, metrics }
    }

    /// A commit (a transaction, or input offsets) succeeded.
    pub fn committed(&self) {
        self.committed_at(Instant::now());
    }

    /// The poll loop's regular report: do records wait for a commit?
    pub fn check(&self, waiting: bool) {
        self.check_at(Instant::now(), waiting);
    }

    /// Is the worker stalled now?
    pub fn stalled(&self) -> bool {
        lock(&self.state).stalled
    }

    fn committed_at(&self, now: Instant) {
        let mut state = lock(&self.state);
        state.last_commit = now;
        self.metrics.seconds_since_last_commit.set(0.0);
        if state.stalled {
            tracing::info!("commits succeed again; the stall is over");
            self.end_stall(&mut state);
        }
    }

    fn check_at(&self, now: Instant, waiting: bool) {
        let mut state = lock(&self.state);
        self.metrics.seconds_since_last_commit.set(now.saturating_duration_since(state.last_commit).as_secs_f64());
        if !waiting {
            state.waiting_since = None;
            self.end_stall(&mut state);
            return;
        }
        let since = *state.waiting_since.get_or_insert(now);
        let waited = now.saturating_duration_since(since.max(state.last_commit));
        if waited > self.limit && !state.stalled {
            tracing::warn!(
                waited_s = waited.as_secs_f64(),
                limit_s = self.limit.as_secs_f64(),
                "records have waited for a commit longer than kafka.stall_timeout_ms; not ready until a commit succeeds"
            );
            self.set_stalled(&mut state, true);
        }
    }

    fn end_stall(&self, state: &mut State) {
        if state.stalled {
            self.set_stalled(state, false);
        }
    }

    fn set_stalled(&self, state: &mut State, stalled: bool) {
        state.stalled = stalled;
        self.health.set_stalled(stalled);
        self.metrics.commit_stalled.set(i64::from(stalled));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(limit_s: u64) -> (CommitWatch, Arc<Health>, Arc<Metrics>) {
        let health = Arc::new(Health::default());
        health.set_model_loaded();
        health.set_broker_reachable(true);
        health.set_assigned(1);
        let metrics = Arc::new(Metrics::new());
        (CommitWatch::new(Duration::from_secs(limit_s), health.clone(), metrics.clone()), health, metrics)
    }

    #[test]
    fn waiting_past_the_limit_without_a_commit_is_a_stall_until_the_next_commit() {
        let (watch, health, metrics) = watch(60);
        let t0 = Instant::now();
        watch.committed_at(t0);
        watch.check_at(t0 + Duration::from_secs(1), true);
        watch.check_at(t0 + Duration::from_secs(60), true);
        assert!(!watch.stalled() && health.ready(), "59 s of waiting is within the limit");
        watch.check_at(t0 + Duration::from_secs(62), true);
        assert!(watch.stalled() && !health.ready(), "61 s without a commit is a stall");
        assert_eq!(metrics.commit_stalled.get(), 1);
        assert!((metrics.seconds_since_last_commit.get() - 62.0).abs() < 1e-6);
        watch.committed_at(t0 + Duration::from_secs(70));
        assert!(!watch.stalled() && health.ready(), "a commit ends the stall");
        assert_eq!(metrics.commit_stalled.get(), 0);
    }

    #[test]
    fn an_idle_worker_is_never_stalled_and_waiting_counts_from_when_it_began() {
        let (watch, health, _) = watch(60);
        let t0 = Instant::now();
        watch.committed_at(t0);
        watch.check_at(t0 + Duration::from_secs(3600), false);
        assert!(!watch.stalled() && health.ready(), "nothing waits: no stall an hour after the last commit");
        // records arrive an hour later: the limit counts from then, not from the last commit
        watch.check_at(t0 + Duration::from_secs(3601), true);
        watch.check_at(t0 + Duration::from_secs(3650), true);
        assert!(!watch.stalled());
        watch.check_at(t0 + Duration::from_secs(3700), true);
        assert!(watch.stalled());
        // the backlog is gone (e.g. the partitions were revoked): no longer stalled
        watch.check_at(t0 + Duration::from_secs(3701), false);
        assert!(!watch.stalled() && health.ready());
    }
}
