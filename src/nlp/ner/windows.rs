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

#[cfg(test)]
mod tests {
    use super::*;

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
