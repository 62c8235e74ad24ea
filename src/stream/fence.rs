//! Partition epochs: which fetched records this instance may still commit (exactly-once).
//!
//! A partition revoked while its records are still in the pipeline must not have them
//! committed by this instance: its next owner starts from the last committed offset. The
//! revocation callback ([`super::consumer`]) waits, through the gate, for the transaction in
//! progress to end, then bumps the partition's epoch; the transactional publisher
//! ([`super::publish`]) drops records fetched under an older epoch before its next transaction.
//! A record is therefore committed by exactly one owner.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::sync::lock;
use super::offsets::TopicPartition;

/// Assignment epochs of partitions, and the gate a transaction holds while it runs.
#[derive(Default)]
pub struct Fence {
    gate: Mutex<()>,
    epochs: Mutex<HashMap<TopicPartition, u64>>,
}

impl Fence {
    /// The partition's current epoch (recorded with every fetched record).
    pub fn epoch(&self, tp: &TopicPartition) -> u64 {
        lock(&self.epochs).get(tp).copied().unwrap_or(0)
    }

    /// Held by a transaction from its first record to its commit: no revocation completes
    /// meanwhile.
    pub fn hold(&self) -> MutexGuard<'_, ()> {
        lock(&self.gate)
    }

    /// Called at revocation: waits for the transaction in progress, then invalidates every
    /// record of these partitions fetched so far.
    pub fn revoke<'a>(&self, partitions: impl IntoIterator<Item = &'a TopicPartition>) {
        let _gate = lock(&self.gate);
        let mut epochs = lock(&self.epochs);
        for tp in partitions {
            *epochs.entry(tp.clone()).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[test]
    fn revoking_a_partition_bumps_only_its_epoch() {
        let fence = Fence::default();
        let a = ("in".to_string(), 0);
        let b = ("in".to_string(), 1);
        assert_eq!(fence.epoch(&a), 0);
        fence.revoke([&a]);
        assert_eq!(fence.epoch(&a), 1);
        assert_eq!(fence.epoch(&b), 0);
    }

    #[test]
    fn revocation_waits_for_the_transaction_in_progress() {
        let fence = Arc::new(Fence::default());
        let tp = ("in".to_string(), 3);
        let gate = fence.hold();
        let f = fence.clone();
        let t = tp.clone();
        let revoker = std::thread::spawn(move || f.revoke([&t]));
        std::thread::sleep(Duration::from_millis(50));
        // the transaction still sees the old epoch while it holds the gate
        assert_eq!(fence.epoch(&tp), 0);
        drop(gate);
        revoker.join().expect("revoker thread");
        assert_eq!(fence.epoch(&tp), 1);
    }
}
