//! The NLP core: named entities and attributed quotations for a batch of articles.
//!
//! Pure: texts in, spans out. No Kafka, no async, no metrics and no file reads after the model
//! has loaded, so `quotewire enrich` and the worker run exactly the same code.

pub mod ner;
pub mod quotes;
pub mod segment;
pub mod text;

use std::path::PathBuf;

use thiserror::Error;

use crate::schema::{Article, Entity, Event, Pipeline, Quote, SourcePosition, SpeakerCluster, SCHEMA_VERSION};
use ner::{find_onnxruntime, NerError, NerModel, OrtClassifier, TextAnalysis};
use quotes::{extract_quotes, QuoteOptions, RULES_VERSION};

/// Errors of the NLP stage.
#[derive(Debug, Error)]
pub enum NlpError {
    /// The NER model failed.
    #[error(transparent)]
    Ner(#[from] NerError),
    /// The stage returned no result for an article.
    #[error("the NLP stage returned no result")]
    Empty,
}

impl NlpError {
    /// Stable snake_case reason, for dead-letter headers and metric labels.
    pub fn reason(&self) -> &'static str {
        "processing_failed"
    }
}

/// What the NLP stage found in one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrichment {
    /// Named entities in text order.
    pub entities: Vec<Entity>,
    /// Quotes in text order.
    pub quotes: Vec<Quote>,
    /// Speaker clusters.
    pub speakers: Vec<SpeakerCluster>,
    /// How pronoun speakers were resolved, when the quote options record it (not in the event).
    pub pronoun_choices: Vec<quotes::speaker_model::PronounChoice>,
}

/// Where the NER model comes from and how it runs.
#[derive(Debug, Clone)]
pub struct NerSettings {
    /// Model folder (`model.onnx`, `tokenizer.json`, `config.json`).
    pub model_dir: PathBuf,
    /// `libonnxruntime.so`; found in the well-known places when `None`.
    pub onnxruntime_path: Option<PathBuf>,
    /// ONNX Runtime intra-op threads.
    pub threads: usize,
    /// Tokens shared by consecutive windows of a long article.
    pub window_overlap: usize,
    /// Most tokens, padding included, in one model batch.
    pub max_batch_tokens: usize,
    /// How articles are cut into windows; `None`: as the model's `config.json` says.
    pub windows: Option<ner::model::WindowMode>,
    /// Tokens of neighbouring sentences read on each side with context windows.
    pub window_context: usize,
}

/// Runs NER then quote attribution over batches of articles.
pub struct Enricher {
    ner: Option<NerModel>,
    quote_options: QuoteOptions,
    pipeline: Pipeline,
}

impl Enricher {
    /// An enricher with an optional NER model (without one, speakers come from capitalised
    /// names only and `entities` stays empty).
    pub fn new(ner: Option<NerModel>, quote_options: QuoteOptions) -> Self {
        let pipeline = Pipeline {
            version: env!("CARGO_PKG_VERSION").to_string(),
            ner_model: ner.as_ref().map(|m| m.name().to_string()),
            quotes: RULES_VERSION.to_string(),
        };
        Self { ner, quote_options, pipeline }
    }

    /// Loads the ONNX NER model described by `settings`.
    pub fn load_ner(settings: &NerSettings) -> Result<NerModel, NerError> {
        let dir = ner::model::locate_model_dir(&settings.model_dir).ok_or_else(|| NerError::ModelFile {
            path: settings.model_dir.display().to_string(),
            message: "no model folder (config.json) there or beside the binary".into(),
        })?;
        let config_raw = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| NerError::ModelFile { path: dir.join("config.json").display().to_string(), message: e.to_string() })?;
        let config = serde_json::from_str::<ner::ModelConfig>(&config_raw)
            .map_err(|e| NerError::ModelFile { path: dir.join("config.json").display().to_string(), message: e.to_string() })?;
        let library = find_onnxruntime(settings.onnxruntime_path.as_deref())?;
        let attribution_labels = config.attribution_labels.as_ref().map(Vec::len);
        let classifier =
            OrtClassifier::load(&library, &dir.join("model.onnx"), config.labels.len(), attribution_labels, settings.threads)?;
        let options = ner::model::PipelineOptions {
            window_overlap: settings.window_overlap,
            max_batch_tokens: settings.max_batch_tokens,
            windows: settings.windows,
            window_context: settings.window_context,
        };
        NerModel::new(&dir, Box::new(classifier), options)
    }

    /// Versions reported in every event.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Enriches a batch. NER runs once over all articles' windows; if that fails, each article
    /// is retried alone so that one bad article fails alone.
    pub fn enrich_batch(&self, articles: &[&Article]) -> Vec<Result<Enrichment, NlpError>> {
        let texts: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
        let analyses: Vec<Result<TextAnalysis, NlpError>> = match &self.ner {
            None => texts.iter().map(|_| Ok(TextAnalysis::default())).collect(),
            Some(model) => match model.analyze(&texts) {
                Ok(all) => all.into_iter().map(Ok).collect(),
                Err(_) if texts.len() > 1 => texts
                    .iter()
                    .map(|t| model.analyze(&[t]).map(|mut v| v.pop().unwrap_or_default()).map_err(NlpError::from))
                    .collect(),
                Err(e) => vec![Err(e.into())],
            },
        };
        texts
            .iter()
            .zip(analyses)
            .map(|(text, analysis)| {
                let TextAnalysis { entities, roles } = analysis?;
                let quotes = extract_quotes(text, &entities, &roles, &self.quote_options);
                Ok(Enrichment { entities, quotes: quotes.quotes, speakers: quotes.speakers, pronoun_choices: quotes.pronoun_choices })
            })
            .collect()
    }

    /// The event for an article and its enrichment.
    pub fn event(&self, article: &Article, enrichment: Enrichment, source: Option<SourcePosition>) -> Event {
        Event {
            id: article.id.clone(),
            schema_version: SCHEMA_VERSION,
            article: article.metadata(),
            entities: enrichment.entities,
            quotes: enrichment.quotes,
            speakers: enrichment.speakers,
            source,
            processed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            pipeline: self.pipeline.clone(),
        }
    }
}
