//! Which input offsets may be committed: only those below every record still in flight.
//!
//! Records complete out of order (a dead-lettered record is acknowledged before the batch
//! ahead of it); the commit position of a partition is the lowest offset still in flight, or
//! one past the highest completed offset when nothing is. Arroyo's "commit only what has been
//! processed", per partition.

use std::collections::{BTreeSet, HashMap};

/// A topic partition.
pub type TopicPartition = (String, i32);

#[derive(Debug, Default)]
struct PartitionState {
    in_flight: BTreeSet<i64>,
    next_after_done: Option<i64>,
    committed: Option<i64>,
}

/// In-flight and completed offsets of every assigned partition.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    partitions: HashMap<TopicPartition, PartitionState>,
}

impl OffsetTracker {
    /// A record was fetched and is now in flight.
    pub fn start(&mut self, tp: &TopicPartition, offset: i64) {
        self.partitions.entry(tp.clone()).or_default().in_flight.insert(offset);
    }

    /// A record's event (or dead-letter record) was acknowledged. Ignored for partitions no
    /// longer assigned (their work was abandoned at revocation).
    pub fn finish(&mut self, tp: &TopicPartition, offset: i64) {
        if let Some(state) = self.partitions.get_mut(tp) {
            if state.in_flight.remove(&offset) {
                state.next_after_done = Some(state.next_after_done.map_or(offset + 1, |n| n.max(offset + 1)));
            }
        }
    }

    /// Records in flight over all partitions.
    pub fn in_flight(&self) -> usize {
        self.partitions.values().map(|s| s.in_flight.len()).sum()
    }

    /// The commit position of a partition: everything below it has been processed.
    pub fn committable(&self, tp: &TopicPartition) -> Option<i64> {
        let state = self.partitions.get(tp)?;
        match state.in_flight.first() {
            // everything below the lowest record in flight is done (or was never ours)
            Some(&lowest) => state.next_after_done.map(|_| lowest),
            None => state.next_after_done,
        }
    }

    /// Commit positions that moved since they were last taken, marked as taken.
    pub fn take_commits(&mut self) -> Vec<(TopicPartition, i64)> {
        let keys: Vec<TopicPartition> = self.partitions.keys().cloned().collect();
        let mut out = Vec::new();
        for tp in keys {
            if let Some(position) = self.committable(&tp) {
                if let Some(state) = self.partitions.get_mut(&tp) {
                    if state.committed.is_none_or(|c| position > c) {
                        state.committed = Some(position);
                        out.push((tp, position));
                    }
                }
            }
        }
        out.sort();
        out
    }

    /// Has any partition a processed position not committed yet (at least once)?
    pub fn awaits_commit(&self) -> bool {
        self.partitions.iter().any(|(tp, state)| match self.committable(tp) {
            Some(position) => state.committed.is_none_or(|c| position > c),
            None => false,
        })
    }

    /// Forgets a partition (revoked or lost): results that arrive later are ignored.
    pub fn forget(&mut self, tp: &TopicPartition) {
        self.partitions.remove(tp);
    }

    /// A commit of `position` failed: the next [`OffsetTracker::take_commits`] offers the
    /// partition's position again, even if nothing moved meanwhile.
    pub fn commit_failed(&mut self, tp: &TopicPartition, position: i64) {
        if let Some(state) = self.partitions.get_mut(tp) {
            if state.committed == Some(position) {
                state.committed = None;
            }
        }
    }

    /// Is the partition tracked?
    pub fn holds(&self, tp: &TopicPartition) -> bool {
        self.partitions.contains_key(tp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp() -> TopicPartition {
        ("articles".into(), 0)
    }

    #[test]
    fn commits_only_below_the_lowest_record_in_flight() {
        let mut t = OffsetTracker::default();
        for o in 10..15 {
            t.start(&tp(), o);
        }
        t.finish(&tp(), 12);
        assert_eq!(t.committable(&tp()), Some(10), "10 and 11 are still in flight");
        t.finish(&tp(), 10);
        t.finish(&tp(), 11);
        assert_eq!(t.committable(&tp()), Some(13));
        t.finish(&tp(), 13);
        t.finish(&tp(), 14);
        assert_eq!(t.committable(&tp()), Some(15));
        assert_eq!(t.in_flight(), 0);
    }

    #[test]
    fn a_processed_position_awaits_its_commit_until_it_is_taken() {
        let mut t = OffsetTracker::default();
        t.start(&tp(), 0);
        assert!(!t.awaits_commit(), "nothing processed yet");
        t.finish(&tp(), 0);
        assert!(t.awaits_commit());
        assert_eq!(t.take_commits(), vec![(tp(), 1)]);
        assert!(!t.awaits_commit(), "taken for a commit");
        t.commit_failed(&tp(), 1);
        assert!(t.awaits_commit(), "a failed commit is waited for again");
    }

    #[test]
    fn nothing_is_committable_before_the_first_completion() {
        let mut t = OffsetTracker::default();
        t.start(&tp(), 0);
        assert_eq!(t.committable(&tp()), None);
        assert!(t.take_commits().is_empty());
    }

    #[test]
    fn take_commits_reports_each_position_once() {
        let mut t = OffsetTracker::default();
        t.start(&tp(), 0);
        t.finish(&tp(), 0);
        assert_eq!(t.take_commits(), vec![(tp(), 1)]);
        assert!(t.take_commits().is_empty());
    }

    #[test]
    fn a_failed_commit_is_offered_again() {
        let mut t = OffsetTracker::default();
        t.start(&tp(), 0);
        t.finish(&tp(), 0);
        assert_eq!(t.take_commits(), vec![(tp(), 1)]);
        t.commit_failed(&tp(), 1);
        assert_eq!(t.take_commits(), vec![(tp(), 1)], "retried although nothing moved");
        t.start(&tp(), 1);
        t.finish(&tp(), 1);
        assert_eq!(t.take_commits(), vec![(tp(), 2)]);
        t.commit_failed(&tp(), 1);
        assert!(t.take_commits().is_empty(), "a late failure of an older commit changes nothing");
    }

    #[test]
    fn forgotten_partitions_ignore_late_results() {
        let mut t = OffsetTracker::default();
        t.start(&tp(), 5);
        t.forget(&tp());
        t.finish(&tp(), 5);
        assert_eq!(t.committable(&tp()), None);
        assert!(!t.holds(&tp()));
    }
}
