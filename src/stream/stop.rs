//! Shutdown as the publish strategies see it: stop retrying, abandon what cannot finish now.
//!
//! A SIGTERM must end the worker within `worker.shutdown_timeout_ms`, whatever it is doing:
//! waiting for a broker that is down, retrying a transaction, or inside one. The worker first
//! lets the pipeline drain; when the drain runs out of time it raises this flag. From then on a
//! strategy makes no new attempt, stops waiting for deliveries, and aborts its open transaction.
//! Whatever it leaves uncommitted is processed again by the partitions' next owner, so giving up
//! loses nothing and commits nothing twice.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The "give up now" flag of a shutting-down worker.
#[derive(Default)]
pub struct Stop {
    requested: AtomicBool,
    notify: Notify,
}

impl Stop {
    /// Raises the flag and wakes every waiter.
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Was the flag raised?
    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Resolves once the flag is raised.
    pub async fn wait(&self) {
        loop {
            // registered before the check, so a request between the two is not missed
            let notified = self.notify.notified();
            if self.requested() {
                return;
            }
            notified.await;
        }
    }

    /// Runs `work` to its end, or until the flag is raised (`None`).
    pub async fn unless_stopped<T>(&self, work: impl Future<Output = T>) -> Option<T> {
        tokio::select! {
            biased;
            _ = self.wait() => None,
            done = work => Some(done),
        }
    }

    /// Sleeps on a blocking thread for `wait`, waking early when the flag is raised; true when
    /// the whole wait passed.
    pub fn sleep_blocking(&self, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        while !self.requested() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            std::thread::sleep(left.min(Duration::from_millis(50)));
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_request_ends_waits_and_sleeps_at_once() {
        let stop = Arc::new(Stop::default());
        let waiting = tokio::spawn({
            let stop = stop.clone();
            async move { stop.unless_stopped(std::future::pending::<()>()).await }
        });
        let sleeping = std::thread::spawn({
            let stop = stop.clone();
            move || stop.sleep_blocking(Duration::from_secs(3600))
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.request();
        assert_eq!(waiting.await.expect("task"), None, "the pending work is abandoned");
        assert!(!sleeping.join().expect("thread"), "the sleep ends early");
        assert_eq!(stop.unless_stopped(async { 7 }).await, None, "nothing starts once stopped");
    }

    #[test]
    fn without_a_request_work_finishes_and_sleeps_run_out() {
        let stop = Stop::default();
        assert!(stop.sleep_blocking(Duration::from_millis(20)));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        assert_eq!(runtime.block_on(stop.unless_stopped(async { 7 })), Some(7));
    }
}
