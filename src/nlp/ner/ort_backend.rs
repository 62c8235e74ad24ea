//! ONNX Runtime behind [`TokenClassifier`].
//!
//! quotewire loads `libonnxruntime` at run time (ort's `load-dynamic`): nothing is downloaded at
//! build time, and the library comes from the pinned `onnxruntime` PyPI wheel that
//! `deploy/setup.sh` unpacks into `.runtime/lib/` (the container image puts it in
//! `/opt/quotewire/lib/`). One session per process; its intra-op threads are configurable.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::session::builder::GraphOptimizationLevel;
use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;

use super::model::scores_from_logits;
use super::{HeadScores, NerError, TokenClassifier, WindowBatch};

/// File name of the ONNX Runtime shared library on this platform.
pub const ORT_LIBRARY: &str = "libonnxruntime.so";

/// Name of the NER head's output.
pub const NER_OUTPUT: &str = "logits";
/// Name of the attribution head's output (two-head models).
pub const ATTRIBUTION_OUTPUT: &str = "attribution_logits";

/// A token classifier running an ONNX model with inputs `input_ids`, `attention_mask`,
/// `token_type_ids` and output `logits` (`[batch, sequence, labels]`), plus
/// `attribution_logits` (`[batch, sequence, roles]`) for a two-head model.
pub struct OrtClassifier {
    /// `Session::run` needs `&mut`; one batch runs at a time and uses all intra-op threads.
    session: Mutex<Session>,
    labels: usize,
    attribution_labels: Option<usize>,
}

impl OrtClassifier {
    /// Loads ONNX Runtime from `library` (once per process) and the model from `model`.
    /// `attribution_labels` is `Some` when the model's config declares an attribution head: the
    /// graph must then have both outputs, each `[batch, sequence, labels]` with the declared
    /// number of labels, or loading fails with an error that says which.
    pub fn load(
        library: &Path,
        model: &Path,
        labels: usize,
        attribution_labels: Option<usize>,
        threads: usize,
    ) -> Result<Self, NerError> {
        let environment = init_runtime(library)?;
        let session = Session::builder(environment)
            .and_then(|b| b.with_optimization_level(GraphOptimizationLevel::Level3).map_err(Into::into))
            .and_then(|b| b.with_intra_threads(threads.max(1)).map_err(Into::into))
            .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
            .and_then(|mut b| b.commit_from_file(model))
            .map_err(|e| NerError::ModelFile { path: model.display().to_string(), message: e.to_string() })?;
        check_outputs(&session, labels, attribution_labels)
            .map_err(|message| NerError::ModelFile { path: model.display().to_string(), message })?;
        Ok(Self { session: Mutex::new(session), labels, attribution_labels })
    }
}

/// The graph's outputs must match what the config declares.
fn check_outputs(session: &Session, labels: usize, attribution_labels: Option<usize>) -> Result<(), String> {
    let outputs: Vec<(String, Option<Vec<i64>>)> = session
        .outputs()
        .iter()
        .map(|o| (o.name().to_string(), o.dtype().tensor_shape().map(|s| s.iter().copied().collect())))
        .collect();
    let names: Vec<&str> = outputs.iter().map(|(n, _)| n.as_str()).collect();
    let mut wanted = vec![(NER_OUTPUT, labels)];
    if let Some(n) = attribution_labels {
        wanted.push((ATTRIBUTION_OUTPUT, n));
    }
    for (name, n) in wanted {
        let Some((_, shape)) = outputs.iter().find(|(o, _)| o == name) else {
            let hint = if name == ATTRIBUTION_OUTPUT {
                " (config.json declares attribution_labels, but this is a one-head model: use a two-head model \
                 such as models/minilm-news-twohead, or remove attribution_labels to run NER with rule-based quotes)"
            } else {
                ""
            };
            return Err(format!("the ONNX graph has no output `{name}` (outputs: {}){hint}", names.join(", ")));
        };
        if let Some(shape) = shape {
            let ok = shape.len() == 3 && (shape[2] < 0 || shape[2] as usize == n);
            if !ok {
                return Err(format!("output `{name}` has shape {shape:?}, expected [batch, sequence, {n}]"));
            }
        }
    }
    Ok(())
}

impl TokenClassifier for OrtClassifier {
    fn classify(&self, batch: &WindowBatch) -> Result<HeadScores, NerError> {
        let fail = |e: &dyn std::fmt::Display| NerError::Inference {
            rows: batch.rows,
            seq_len: batch.seq_len,
            message: e.to_string(),
        };
        let shape = [batch.rows, batch.seq_len];
        let ids = Tensor::from_array((shape, batch.input_ids.clone())).map_err(|e| fail(&e))?;
        let mask = Tensor::from_array((shape, batch.attention_mask.clone())).map_err(|e| fail(&e))?;
        let types = Tensor::from_array((shape, batch.token_type_ids.clone())).map_err(|e| fail(&e))?;
        let mut session = self.session.lock().map_err(|_| fail(&"session lock poisoned"))?;
        let outputs = session
            .run(ort::inputs!["input_ids" => ids, "attention_mask" => mask, "token_type_ids" => types])
            .map_err(|e| fail(&e))?;
        let head = |name: &str, labels: usize| {
            let (out_shape, logits) = outputs[name].try_extract_tensor::<f32>().map_err(|e| fail(&e))?;
            let expected = batch.rows * batch.seq_len * labels;
            if logits.len() != expected {
                return Err(fail(&format!("{name} of shape {out_shape:?}, expected {expected} values")));
            }
            Ok(scores_from_logits(logits.to_vec(), batch.rows, batch.seq_len, labels))
        };
        let ner = head(NER_OUTPUT, self.labels)?;
        let attribution = self.attribution_labels.map(|n| head(ATTRIBUTION_OUTPUT, n)).transpose()?;
        Ok(HeadScores { ner, attribution })
    }

    fn num_labels(&self) -> usize {
        self.labels
    }

    fn num_attribution_labels(&self) -> Option<usize> {
        self.attribution_labels
    }
}

/// The process's ONNX Runtime environment; the library can be loaded once per process.
static RUNTIME: OnceLock<Result<Environment, String>> = OnceLock::new();

fn init_runtime(library: &Path) -> Result<&'static Environment, NerError> {
    RUNTIME
        .get_or_init(|| {
            let builder = ort::init_from(library).map_err(|e| format!("{}: {e}", library.display()))?;
            builder.with_name("quotewire").build().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| NerError::Runtime(e.clone()))
}

/// Finds `libonnxruntime`: the configured path if any, then `ORT_DYLIB_PATH`, then the
/// well-known places: `.runtime/lib/` in the working directory or above the binary (a checkout's
/// `target/release/quotewire`), `lib/` beside or above the binary, `/opt/quotewire/lib/`.
pub fn find_onnxruntime(configured: Option<&Path>) -> Result<PathBuf, NerError> {
    if let Some(path) = configured {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(NerError::Runtime(format!("configured library {} does not exist", path.display())))
        };
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(env) = std::env::var_os("ORT_DYLIB_PATH") {
        candidates.push(PathBuf::from(env));
    }
    if let Ok(cwd) = std::env::current_dir() {
        candidates.push(cwd.join(".runtime/lib").join(ORT_LIBRARY));
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            candidates.push(dir.join(".runtime/lib").join(ORT_LIBRARY));
            candidates.push(dir.join("lib").join(ORT_LIBRARY));
        }
    }
    candidates.push(PathBuf::from("/opt/quotewire/lib").join(ORT_LIBRARY));
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        NerError::Runtime(format!(
            "{ORT_LIBRARY} not found (looked in {}); run deploy/setup.sh or set ner.onnxruntime_path",
            candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ))
    })
}
