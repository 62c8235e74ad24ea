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
use super::{NerError, TokenClassifier, TokenScores, WindowBatch};

/// File name of the ONNX Runtime shared library on this platform.
pub const ORT_LIBRARY: &str = "libonnxruntime.so";

/// A token classifier running an ONNX model with inputs `input_ids`, `attention_mask`,
/// `token_type_ids` and output `logits` (`[batch, sequence, labels]`).
pub struct OrtClassifier {
    /// `Session::run` needs `&mut`; one batch runs at a time and uses all intra-op threads.
    session: Mutex<Session>,
    labels: usize,
}

impl OrtClassifier {
    /// Loads ONNX Runtime from `library` (once per process) and the model from `model`.
    pub fn load(library: &Path, model: &Path, labels: usize, threads: usize) -> Result<Self, NerError> {
        let environment = init_runtime(library)?;
        let session = Session::builder(environment)
            .and_then(|b| b.with_optimization_level(GraphOptimizationLevel::Level3).map_err(Into::into))
            .and_then(|b| b.with_intra_threads(threads.max(1)).map_err(Into::into))
            .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
            .and_then(|mut b| b.commit_from_file(model))
            .map_err(|e| NerError::ModelFile { path: model.display().to_string(), message: e.to_string() })?;
        Ok(Self { session: Mutex::new(session), labels })
    }
}

impl TokenClassifier for OrtClassifier {
    fn classify(&self, batch: &WindowBatch) -> Result<TokenScores, NerError> {
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
        let (out_shape, logits) = outputs["logits"].try_extract_tensor::<f32>().map_err(|e| fail(&e))?;
        let expected = batch.rows * batch.seq_len * self.labels;
        if logits.len() != expected {
            return Err(fail(&format!("logits of shape {out_shape:?}, expected {expected} values")));
        }
        Ok(scores_from_logits(logits.to_vec(), batch.rows, batch.seq_len, self.labels))
    }

    fn num_labels(&self) -> usize {
        self.labels
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
