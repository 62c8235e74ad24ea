//! Named-entity recognition: tokenize, window, batch, classify, merge, decode.
//!
//! The model sits behind [`TokenClassifier`] (ONNX Runtime in production, a fake in unit tests),
//! in the manner of text-embeddings-inference's backend trait. Everything else here is pure:
//! texts in, [`crate::schema::Entity`] spans (code points) out. Long texts are never truncated:
//! they are cut into overlapping windows, every token keeps the prediction of the window in
//! which it sits most centrally, and windows of many articles share batches grouped by length.

pub mod attribution;
pub mod casing;
mod decode;
pub mod model;
mod ort_backend;
mod windows;
pub mod words;

pub use attribution::{decode_roles, Role, RoleSpan};
pub use decode::{decode_entities, WordPrediction};
pub use model::{ModelConfig, NerModel, TextAnalysis, WindowMode};
pub use ort_backend::{find_onnxruntime, OrtClassifier};
pub use windows::{plan_context_windows, plan_windows, Window};

use thiserror::Error;

/// One padded batch of windows, row-major `[batch, sequence]`.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowBatch {
    /// Rows in the batch.
    pub rows: usize,
    /// Padded length of every row.
    pub seq_len: usize,
    /// Wordpiece ids, `rows * seq_len`.
    pub input_ids: Vec<i64>,
    /// 1 for real tokens, 0 for padding.
    pub attention_mask: Vec<i64>,
    /// Casing class of every token (see [`casing`]).
    pub token_type_ids: Vec<i64>,
}

/// Label probabilities for every token of a batch, row-major `[batch, sequence, labels]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenScores {
    /// Rows, as in the batch.
    pub rows: usize,
    /// Sequence length, as in the batch.
    pub seq_len: usize,
    /// Number of labels.
    pub labels: usize,
    /// Probabilities (softmax over labels), `rows * seq_len * labels`.
    pub probs: Vec<f32>,
}

impl TokenScores {
    /// The label distribution of one token.
    pub fn token(&self, row: usize, position: usize) -> &[f32] {
        let at = (row * self.seq_len + position) * self.labels;
        &self.probs[at..at + self.labels]
    }
}

/// What one forward pass gives: the NER head's scores and, for a two-head model, the
/// attribution head's (Source / Cue / Content roles) over the same tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadScores {
    /// NER labels (`logits` output).
    pub ner: TokenScores,
    /// Attribution roles (`attribution_logits` output), when the model has that head.
    pub attribution: Option<TokenScores>,
}

/// A token classifier: the model runtime behind the NER pipeline.
pub trait TokenClassifier: Send + Sync {
    /// Label probabilities of every head for every token of the batch.
    fn classify(&self, batch: &WindowBatch) -> Result<HeadScores, NerError>;
    /// Number of NER labels the classifier emits.
    fn num_labels(&self) -> usize;
    /// Number of attribution labels, for a two-head model.
    fn num_attribution_labels(&self) -> Option<usize> {
        None
    }
}

/// What can go wrong loading or running the NER model.
#[derive(Debug, Error)]
pub enum NerError {
    /// A model file is missing or unreadable.
    #[error("reading model file {path}: {message}")]
    ModelFile {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The ONNX Runtime library could not be found or loaded.
    #[error("loading ONNX Runtime: {0}")]
    Runtime(String),
    /// Tokenization failed.
    #[error("tokenizing: {0}")]
    Tokenize(String),
    /// The model failed on a batch.
    #[error("running the model on a batch of {rows}x{seq_len}: {message}")]
    Inference {
        /// Rows in the batch.
        rows: usize,
        /// Padded length.
        seq_len: usize,
        /// Why.
        message: String,
    },
}
