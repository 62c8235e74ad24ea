//! Overlapping windows over a long token sequence, and which window owns each token.
//!
//! A model sees at most `max_len` tokens; an article of 20,000 characters holds thousands. Cutting
//! it into windows that overlap by `overlap` tokens, and letting each token take the prediction of
//! the window where it has the most context on both sides, keeps accuracy at the seams.

/// A window over content tokens `[start, end)` (special tokens not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First content token.
    pub start: usize,
    /// One past the last content token.
    pub end: usize,
}

/// Windows of at most `content_len` tokens covering `n_tokens`, consecutive ones overlapping by
/// `overlap` tokens. No window for an empty sequence.
pub fn plan_windows(n_tokens: usize, content_len: usize, overlap: usize) -> Vec<Window> {
    let content_len = content_len.max(1);
    let stride = content_len.saturating_sub(overlap).max(1);
    let mut windows = Vec::new();
    let mut start = 0;
    while start < n_tokens {
        let end = (start + content_len).min(n_tokens);
        windows.push(Window { start, end });
        if end == n_tokens {
            break;
        }
        start += stride;
    }
    windows
}

/// For every token, the index of the window in which it is most central (ties go to the
/// earlier window). `windows` must come from [`plan_windows`].
pub fn owning_windows(n_tokens: usize, windows: &[Window]) -> Vec<usize> {
    let mut owner = vec![0usize; n_tokens];
    let mut best: Vec<Option<usize>> = vec![None; n_tokens];
    for (w, window) in windows.iter().enumerate() {
        for token in window.start..window.end.min(n_tokens) {
            // a window edge that is also the text's edge loses no context
            let left = if window.start == 0 { usize::MAX } else { token - window.start };
            let right = if window.end == n_tokens { usize::MAX } else { window.end - 1 - token };
            let margin = left.min(right);
            if best[token].is_none_or(|b| margin > b) {
                best[token] = Some(margin);
                owner[token] = w;
            }
        }
    }
    owner
}

/// Windows of whole sentences, each read with the sentences around it (`"windows":
/// "context"`): consecutive sentences are grouped into *cores* of at most `content_len - 2 *
/// context` tokens, and each core's window grows by whole sentences on both sides (left first,
/// then right, one at a time) while a side holds fewer than `context` tokens and the window
/// stays within `content_len`. Every token is owned by the window of its core, so its
/// prediction comes from where it sits most centrally and windows are cut between sentences
/// only: an entity inside a sentence is never split at a window edge. A quote's source in the
/// sentence before its content, or a content over two sentences, is in sight.
///
/// `sentences` are contiguous token ranges covering the text from token 0 in order (as
/// `plan_sentences` finds them). A sentence longer than `content_len` cannot be read whole: it
/// is cut into windows overlapping by `overlap` tokens, as [`plan_windows`] does. Returns the
/// windows and the window that owns each token.
pub fn plan_context_windows(sentences: &[Window], content_len: usize, context: usize, overlap: usize) -> (Vec<Window>, Vec<usize>) {
    let content_len = content_len.max(1);
    let n = sentences.last().map_or(0, |s| s.end);
    let core_budget = content_len.saturating_sub(2 * context).max(1);
    let len = |s: &Window| s.end - s.start;
    let mut windows = Vec::new();
    let mut owner = vec![0usize; n];
    let mut i = 0;
    while i < sentences.len() {
        let first = sentences[i];
        if len(&first) > content_len {
            let local = plan_windows(len(&first), content_len, overlap);
            for (t, w) in owning_windows(len(&first), &local).into_iter().enumerate() {
                owner[first.start + t] = windows.len() + w;
            }
            windows.extend(local.into_iter().map(|w| Window { start: first.start + w.start, end: first.start + w.end }));
            i += 1;
            continue;
        }
        // the core: this sentence and the next ones that fit the budget
        let mut j = i + 1;
        while j < sentences.len() && sentences[j].end - first.start <= core_budget {
            j += 1;
        }
        let core = Window { start: first.start, end: sentences[j - 1].end };
        owner[core.start..core.end].fill(windows.len());
        // context: whole sentences, alternately before and after
        let (mut before, mut after) = (i, j);
        let mut window = core;
        loop {
            let mut grew = false;
            if before > 0 && core.start - window.start < context && window.end - sentences[before - 1].start <= content_len {
                before -= 1;
                window.start = sentences[before].start;
                grew = true;
            }
            if after < sentences.len() && window.end - core.end < context && sentences[after].end - window.start <= content_len {
                window.end = sentences[after].end;
                after += 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        windows.push(window);
        i = j;
    }
    (windows, owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sentences_of(lengths: &[usize]) -> Vec<Window> {
        let mut start = 0;
        lengths
            .iter()
            .map(|&l| {
                let w = Window { start, end: start + l };
                start += l;
                w
            })
            .collect()
    }

    #[test]
    fn a_core_sentence_is_read_with_its_neighbours() {
        // five sentences of 30 tokens, windows of 100 with 30 tokens of context a side
        let sentences = sentences_of(&[30, 30, 30, 30, 30]);
        let (windows, owner) = plan_context_windows(&sentences, 100, 30, 10);
        // cores of 40 tokens hold one sentence each; each reads the one before and after
        assert_eq!(windows.len(), 5);
        assert_eq!(windows[0], Window { start: 0, end: 60 });
        assert_eq!(windows[2], Window { start: 30, end: 120 });
        assert_eq!(windows[4], Window { start: 90, end: 150 });
        assert_eq!(owner[75], 2);
        assert_eq!(owner[149], 4);
    }

    #[test]
    fn short_sentences_share_a_core_and_a_long_one_is_cut_with_overlap() {
        let sentences = sentences_of(&[5, 5, 5, 300, 5]);
        let (windows, owner) = plan_context_windows(&sentences, 100, 20, 10);
        assert_eq!(windows[0].start, 0);
        assert_eq!(owner[0], owner[14], "three short sentences, one core");
        let long: Vec<&Window> = windows.iter().filter(|w| w.start >= 15 && w.end <= 315).collect();
        assert!(long.len() >= 4, "{windows:?}");
        assert!(long.iter().all(|w| w.end - w.start <= 100));
    }

    proptest! {
        #[test]
        fn windows_are_cut_between_sentences_and_own_whole_sentences(
            lengths in proptest::collection::vec(1usize..140, 1..40),
            content_len in 16usize..254,
            context in 0usize..80,
        ) {
            let sentences = sentences_of(&lengths);
            let (windows, owner) = plan_context_windows(&sentences, content_len, context, 8);
            let n = sentences.last().map_or(0, |s| s.end);
            prop_assert_eq!(owner.len(), n);
            for (token, &w) in owner.iter().enumerate() {
                prop_assert!(windows[w].start <= token && token < windows[w].end, "token {} window {:?}", token, windows[w]);
            }
            for w in &windows {
                prop_assert!(w.end - w.start <= content_len.max(1));
            }
            for s in &sentences {
                if s.end - s.start <= content_len {
                    // a sentence that fits a window is owned by one window that holds it whole:
                    // an entity inside it is never split
                    let w = owner[s.start];
                    prop_assert!(owner[s.start..s.end].iter().all(|&o| o == w));
                }
            }
            // every window edge is a sentence edge, but inside a sentence too long for a window
            let edges: std::collections::HashSet<usize> = sentences.iter().map(|s| s.start).chain([n]).collect();
            for w in &windows {
                let inside_long = sentences.iter().any(|s| s.end - s.start > content_len && s.start <= w.start && w.end <= s.end);
                prop_assert!(inside_long || (edges.contains(&w.start) && edges.contains(&w.end)), "{:?}", w);
            }
        }
    }

    #[test]
    fn short_sequences_get_one_window() {
        assert_eq!(plan_windows(10, 126, 32), vec![Window { start: 0, end: 10 }]);
        assert!(plan_windows(0, 126, 32).is_empty());
    }

    #[test]
    fn long_sequences_are_covered_with_overlap() {
        let windows = plan_windows(300, 100, 20);
        assert_eq!(windows.first().map(|w| w.start), Some(0));
        assert_eq!(windows.last().map(|w| w.end), Some(300));
        for pair in windows.windows(2) {
            assert_eq!(pair[0].end - pair[1].start, 20, "{pair:?}");
        }
    }

    #[test]
    fn every_token_is_owned_by_a_window_that_contains_it() {
        for n in [1, 99, 100, 101, 250, 1000] {
            let windows = plan_windows(n, 100, 30);
            let owner = owning_windows(n, &windows);
            for (token, &w) in owner.iter().enumerate() {
                assert!(windows[w].start <= token && token < windows[w].end, "token {token} window {w}");
            }
        }
    }

    #[test]
    fn tokens_in_an_overlap_go_to_the_window_where_they_are_central() {
        let windows = plan_windows(200, 100, 40);
        let owner = owning_windows(200, &windows);
        // token 95 sits 4 from the end of window 0 and 35 into window 1
        assert_eq!(owner[95], 1);
        // token 65 sits 34 from window 0's end and 5 into window 1
        assert_eq!(owner[65], 0);
    }
}
