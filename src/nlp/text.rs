//! Byte offsets to code-point offsets, in one place.
//!
//! Rust slices strings by byte; events count Unicode code points (so that Python's
//! `text[start:end]` is the span). Every conversion goes through [`CharIndex`]; nothing else in
//! the crate does offset arithmetic across the two units.

/// Maps byte offsets of one text to code-point offsets, in O(log n) per lookup.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every char start, plus the text length at the end.
    byte_starts: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text` once (O(n)).
    pub fn new(text: &str) -> Self {
        let mut byte_starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        byte_starts.push(text.len());
        Self { byte_starts }
    }

    /// Number of code points in the text.
    pub fn char_len(&self) -> usize {
        self.byte_starts.len() - 1
    }

    /// Code-point offset of a byte offset. A byte inside a multi-byte char maps to that char's
    /// start, so the result is always a valid boundary.
    pub fn char_at(&self, byte: usize) -> usize {
        match self.byte_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Code-point offset of a byte end offset: a byte inside a char rounds up to its end.
    pub fn char_end_at(&self, byte: usize) -> usize {
        match self.byte_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.min(self.char_len()),
        }
    }

    /// Byte offset of a code-point offset (clamped to the text's end).
    pub fn byte_at(&self, char_offset: usize) -> usize {
        self.byte_starts[char_offset.min(self.char_len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_multibyte_text_both_ways() {
        let text = "«Ça» 日本 ok";
        let index = CharIndex::new(text);
        assert_eq!(index.char_len(), text.chars().count());
        for (chars, (bytes, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_at(bytes), chars);
            assert_eq!(index.byte_at(chars), bytes);
        }
        assert_eq!(index.byte_at(index.char_len()), text.len());
    }

    #[test]
    fn bytes_inside_a_char_round_to_its_boundaries() {
        let index = CharIndex::new("a日b");
        assert_eq!(index.char_at(2), 1);
        assert_eq!(index.char_end_at(2), 2);
    }
}
