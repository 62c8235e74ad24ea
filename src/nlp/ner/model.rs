//! The NER pipeline around a [`TokenClassifier`]: from texts to entities.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tokenizers::Tokenizer;

use super::casing::casing_class;
use super::decode::{decode_entities, WordPrediction};
use super::windows::{owning_windows, plan_windows, Window};
use super::{NerError, TokenClassifier, TokenScores, WindowBatch};
use crate::nlp::text::CharIndex;
use crate::schema::Entity;

/// `config.json` of a model folder, as written by `training/train_ner.py`.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelConfig {
    /// Model name, reported in events.
    pub name: String,
    /// Label of every output index (`O`, `B-PER`, ...).
    pub labels: Vec<String>,
    /// Longest sequence the model was trained on, special tokens included.
    pub max_length: usize,
}

/// Knobs of the pipeline (see `[ner]` in `config/default.toml`).
#[derive(Debug, Clone, Copy)]
pub struct PipelineOptions {
    /// Tokens shared by consecutive windows of a long text.
    pub window_overlap: usize,
    /// Most tokens (padding included) in one batch sent to the model.
    pub max_batch_tokens: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        Self { window_overlap: 32, max_batch_tokens: 8192 }
    }
}

/// A loaded NER model: tokenizer, classifier and labels.
pub struct NerModel {
    tokenizer: Tokenizer,
    classifier: Box<dyn TokenClassifier>,
    config: ModelConfig,
    options: PipelineOptions,
    cls_id: i64,
    sep_id: i64,
}

/// One tokenized text.
struct Encoded {
    ids: Vec<i64>,
    casing: Vec<i64>,
    /// Byte span of every token.
    offsets: Vec<(usize, usize)>,
    /// Word index of every token (the tokenizer's pre-tokens).
    words: Vec<Option<u32>>,
}

/// A window of one text, queued for a batch.
struct Job {
    text: usize,
    window: usize,
    span: Window,
}

impl NerModel {
    /// Loads `tokenizer.json` and `config.json` from `dir` and puts `classifier` behind them.
    pub fn new(dir: &Path, classifier: Box<dyn TokenClassifier>, options: PipelineOptions) -> Result<Self, NerError> {
        let config_path = dir.join("config.json");
        let raw = std::fs::read_to_string(&config_path).map_err(|e| file_error(&config_path, e))?;
        let config: ModelConfig = serde_json::from_str(&raw).map_err(|e| file_error(&config_path, e))?;
        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| file_error(&tokenizer_path, e))?;
        tokenizer.with_truncation(None).map_err(|e| NerError::Tokenize(e.to_string()))?;
        tokenizer.with_padding(None);
        let id = |token: &str| {
            tokenizer
                .token_to_id(token)
                .map(i64::from)
                .ok_or_else(|| file_error(&tokenizer_path, format!("no {token} token")))
        };
        let (cls_id, sep_id) = (id("[CLS]")?, id("[SEP]")?);
        if classifier.num_labels() != config.labels.len() {
            return Err(file_error(
                &config_path,
                format!("{} labels, but the model emits {}", config.labels.len(), classifier.num_labels()),
            ));
        }
        Ok(Self { tokenizer, classifier, config, options, cls_id, sep_id })
    }

    /// The model's name (for `event.pipeline`).
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Entities of every text, in text order; windows of all texts share batches.
    pub fn recognize(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>, NerError> {
        let encoded = texts.iter().map(|t| self.encode(t)).collect::<Result<Vec<_>, _>>()?;
        let content_len = self.config.max_length.saturating_sub(2).max(1);
        let plans: Vec<Vec<Window>> =
            encoded.iter().map(|e| plan_windows(e.ids.len(), content_len, self.options.window_overlap)).collect();

        let mut jobs: Vec<Job> = plans
            .iter()
            .enumerate()
            .flat_map(|(text, windows)| windows.iter().enumerate().map(move |(window, &span)| Job { text, window, span }))
            .collect();
        // group windows of similar length so padding stays small
        jobs.sort_by_key(|j| std::cmp::Reverse(j.span.end - j.span.start));

        // probabilities per text, per window, per content token
        let mut probs: Vec<Vec<Vec<Vec<f32>>>> = plans.iter().map(|p| vec![Vec::new(); p.len()]).collect();
        let mut at = 0;
        while at < jobs.len() {
            let width = jobs[at].span.end - jobs[at].span.start + 2;
            let rows = (self.options.max_batch_tokens / width).max(1).min(jobs.len() - at);
            let batch_jobs = &jobs[at..at + rows];
            let scores = self.classifier.classify(&self.batch(&encoded, batch_jobs, width))?;
            for (row, job) in batch_jobs.iter().enumerate() {
                let n = job.span.end - job.span.start;
                probs[job.text][job.window] = (0..n).map(|i| scores.token(row, i + 1).to_vec()).collect();
            }
            at += rows;
        }

        Ok(texts
            .iter()
            .zip(&encoded)
            .zip(plans.iter().zip(&probs))
            .map(|((text, enc), (windows, window_probs))| self.entities(text, enc, windows, window_probs))
            .collect())
    }

    /// Wordpiece tokens of every text (for throughput figures).
    pub fn count_tokens(&self, texts: &[&str]) -> Result<usize, NerError> {
        texts.iter().map(|t| self.encode(t).map(|e| e.ids.len())).sum()
    }

    fn encode(&self, text: &str) -> Result<Encoded, NerError> {
        let encoding = self.tokenizer.encode(text, false).map_err(|e| NerError::Tokenize(e.to_string()))?;
        let chunks = whitespace_chunks(text);
        let offsets: Vec<(usize, usize)> = encoding.get_offsets().to_vec();
        let casing = offsets.iter().map(|&(start, _)| chunk_class(&chunks, start)).collect();
        Ok(Encoded {
            ids: encoding.get_ids().iter().map(|&i| i64::from(i)).collect(),
            casing,
            offsets,
            words: encoding.get_word_ids().to_vec(),
        })
    }

    fn batch(&self, encoded: &[Encoded], jobs: &[Job], width: usize) -> WindowBatch {
        let rows = jobs.len();
        let mut batch = WindowBatch {
            rows,
            seq_len: width,
            input_ids: vec![0; rows * width],
            attention_mask: vec![0; rows * width],
            token_type_ids: vec![0; rows * width],
        };
        for (row, job) in jobs.iter().enumerate() {
            let enc = &encoded[job.text];
            let base = row * width;
            let n = job.span.end - job.span.start;
            batch.input_ids[base] = self.cls_id;
            batch.input_ids[base + 1..base + 1 + n].copy_from_slice(&enc.ids[job.span.start..job.span.end]);
            batch.input_ids[base + 1 + n] = self.sep_id;
            batch.token_type_ids[base + 1..base + 1 + n].copy_from_slice(&enc.casing[job.span.start..job.span.end]);
            batch.attention_mask[base..base + n + 2].fill(1);
        }
        batch
    }

    fn entities(&self, text: &str, enc: &Encoded, windows: &[Window], probs: &[Vec<Vec<f32>>]) -> Vec<Entity> {
        let owner = owning_windows(enc.ids.len(), windows);
        let mut words: Vec<WordPrediction> = Vec::new();
        let mut last_word = None;
        for (token, &(byte_start, byte_end)) in enc.offsets.iter().enumerate() {
            let word = enc.words[token];
            if word.is_some() && word == last_word {
                if let Some(w) = words.last_mut() {
                    w.byte_end = w.byte_end.max(byte_end);
                }
                continue;
            }
            last_word = word;
            let window = owner[token];
            let dist = &probs[window][token - windows[window].start];
            let (label, score) = argmax(dist);
            words.push(WordPrediction {
                byte_start,
                byte_end,
                label: self.config.labels.get(label).cloned().unwrap_or_else(|| "O".into()),
                score,
            });
        }
        decode_entities(text, &CharIndex::new(text), &words)
    }
}

/// Byte spans and casing classes of the text's whitespace-delimited words.
fn whitespace_chunks(text: &str) -> Vec<(usize, usize, i64)> {
    let mut chunks = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                chunks.push((s, i, casing_class(&text[s..i])));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        chunks.push((s, text.len(), casing_class(&text[s..])));
    }
    chunks
}

/// Casing class of the chunk holding byte `at` (0 between chunks).
fn chunk_class(chunks: &[(usize, usize, i64)], at: usize) -> i64 {
    let i = chunks.partition_point(|&(_, end, _)| end <= at);
    match chunks.get(i) {
        Some(&(start, _, class)) if start <= at => class,
        _ => 0,
    }
}

fn argmax(dist: &[f32]) -> (usize, f32) {
    dist.iter()
        .copied()
        .enumerate()
        .fold((0, f32::MIN), |best, (i, p)| if p > best.1 { (i, p) } else { best })
}

fn file_error(path: &Path, e: impl ToString) -> NerError {
    NerError::ModelFile { path: path.display().to_string(), message: e.to_string() }
}

/// Softmax over the last axis of `[rows, seq_len, labels]` logits, in place.
pub fn softmax_rows(logits: &mut [f32], labels: usize) {
    for dist in logits.chunks_mut(labels.max(1)) {
        let max = dist.iter().copied().fold(f32::MIN, f32::max);
        let mut sum = 0.0;
        for p in dist.iter_mut() {
            *p = (*p - max).exp();
            sum += *p;
        }
        for p in dist.iter_mut() {
            *p /= sum.max(f32::MIN_POSITIVE);
        }
    }
}

/// Where to look for a model folder named in the config: as given, then beside the binary
/// (`<exe>/../../<dir>` for `target/release`, `<exe>/../<dir>` for an install prefix).
pub fn locate_model_dir(configured: &Path) -> Option<PathBuf> {
    if configured.join("config.json").is_file() {
        return Some(configured.to_path_buf());
    }
    if configured.is_absolute() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .skip(1)
        .take(4)
        .map(|dir| dir.join(configured))
        .find(|candidate| candidate.join("config.json").is_file())
}

/// Scores from raw model output, for classifiers that emit logits.
pub fn scores_from_logits(mut logits: Vec<f32>, rows: usize, seq_len: usize, labels: usize) -> TokenScores {
    softmax_rows(&mut logits, labels);
    TokenScores { rows, seq_len, labels, probs: logits }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_classes_follow_whitespace_words() {
        let text = "FM Lavrov, in 2019";
        let chunks = whitespace_chunks(text);
        assert_eq!(chunks, vec![(0, 2, 2), (3, 10, 1), (11, 13, 0), (14, 18, 3)]);
        assert_eq!(chunk_class(&chunks, 9), 1); // the comma after Lavrov
        assert_eq!(chunk_class(&chunks, 2), 0); // a space
    }

    #[test]
    fn softmax_rows_sum_to_one() {
        let mut v = vec![1.0, 2.0, 3.0, -1.0, 0.0, 1000.0];
        softmax_rows(&mut v, 3);
        assert!((v[0..3].iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!((v[5] - 1.0).abs() < 1e-5);
    }
}
