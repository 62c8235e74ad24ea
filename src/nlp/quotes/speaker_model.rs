//! A learned scorer for the referent of a pronoun speaker ("..., he said").
//!
//! The rules of [`super::speakers`] propose one referent; this model weighs every person or
//! organisation the article has made salient before the pronoun (the ten most recent that
//! the pronoun can name) by a few features of salience and agreement, and the cascade's own
//! choice is one of them, so the model learns where to overrule it. It is a conditional logit:
//! one weight per feature, the candidate with the highest sum wins.
//!
//! The weights are plain JSON (`models/speaker-model.json`, made by
//! `training/train_speaker_model.py` from PolNeAR train, 5-fold cross-validated there), compiled
//! into the binary (`quotes.speaker_model = "builtin"`) and checked when loaded: a file with
//! other features, a missing or non-finite weight is refused with the reason. Off by default:
//! with today's features it does not beat the rules (docs/measurements.md), and the features
//! and trainer are here for the next ones.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Format tag of the weights file.
pub const FORMAT: &str = "quotewire-speaker-model-1";

/// The features, in the order of the weights file (each documented in
/// [`super::speakers::Clusters::pronoun_candidates`]).
pub const FEATURES: &[&str] = &[
    "cascade",
    "latest_speaker",
    "has_spoken",
    "spoke_distance",
    "salience_rank",
    "salience_distance",
    "subject_within_reach",
    "latest_subject",
    "subject_this_sentence",
    "subject_previous_sentence",
    "gender_agrees",
    "gender_contradicts",
    "mentions",
    "first_person_named",
    "organisation",
    "named_in_paragraph",
    "named_in_previous_paragraph",
    "mention_share",
    "most_mentioned",
    "described_nearby",
];

/// The weights file as written by the trainer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerModelFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Feature names, equal to [`FEATURES`].
    pub features: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f32>,
    /// How the weights were made and measured (free text for people; not read).
    #[serde(default)]
    pub about: serde_json::Value,
}

/// Why a weights file was refused.
#[derive(Debug, thiserror::Error)]
pub enum SpeakerModelError {
    /// The file could not be read.
    #[error("reading speaker model {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a weights file this build understands.
    #[error("speaker model {origin}: {message}")]
    Invalid {
        /// Where the weights came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Feature weights of the pronoun referent scorer.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerModel {
    weights: Vec<f32>,
}

static BUILTIN: OnceLock<SpeakerModel> = OnceLock::new();

impl SpeakerModel {
    /// Parses and checks weights; `origin` names them in errors.
    pub fn from_json(raw: &str, origin: &str) -> Result<Self, SpeakerModelError> {
        let invalid = |message: String| SpeakerModelError::Invalid { origin: origin.to_string(), message };
        let file: SpeakerModelFile = serde_json::from_str(raw).map_err(|e| invalid(e.to_string()))?;
        if file.format != FORMAT {
            return Err(invalid(format!("format is {:?}, this build reads {FORMAT:?}", file.format)));
        }
        if file.features != FEATURES {
            return Err(invalid(format!("features are {:?}, this build computes {FEATURES:?}", file.features)));
        }
        if file.weights.len() != FEATURES.len() {
            return Err(invalid(format!("{} weights for {} features", file.weights.len(), FEATURES.len())));
        }
        if let Some(i) = file.weights.iter().position(|w| !w.is_finite()) {
            return Err(invalid(format!("weight of {} is not a finite number", FEATURES[i])));
        }
        Ok(Self { weights: file.weights })
    }

    /// Reads and checks a weights file.
    pub fn load(path: &Path) -> Result<Self, SpeakerModelError> {
        let raw = std::fs::read_to_string(path).map_err(|source| SpeakerModelError::Read { path: path.display().to_string(), source })?;
        Self::from_json(&raw, &path.display().to_string())
    }

    /// The weights shipped in `models/speaker-model.json`, compiled in (a unit test keeps
    /// them valid).
    pub fn builtin() -> &'static SpeakerModel {
        BUILTIN.get_or_init(|| {
            Self::from_json(include_str!("../../../models/speaker-model.json"), "built-in models/speaker-model.json")
                .expect("the built-in speaker model is checked by a unit test")
        })
    }

    /// The candidate's score: the weighted sum of its features.
    pub fn score(&self, features: &[f32]) -> f32 {
        self.weights.iter().zip(features).map(|(w, f)| w * f).sum()
    }
}

/// One candidate referent of a pronoun, as the model saw it (for training and debugging).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The cluster's name.
    pub name: String,
    /// Its label (PER or ORG).
    pub label: &'static str,
    /// Feature values in [`FEATURES`] order.
    pub features: Vec<f32>,
}

/// A pronoun speaker and how its referent was chosen (`quotewire speaker-features`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PronounChoice {
    /// Where the pronoun starts, code points.
    pub start: usize,
    /// Its kind (male, female, plural, thing, local).
    pub kind: &'static str,
    /// Candidates in order of salience, most recent first.
    pub candidates: Vec<Candidate>,
    /// Index of the rules' choice among the candidates.
    pub cascade: Option<usize>,
    /// Index of the chosen one.
    pub chosen: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(features: &[&str], weights: &[f32]) -> String {
        serde_json::json!({"format": FORMAT, "features": features, "weights": weights}).to_string()
    }

    #[test]
    fn the_shipped_weights_load() {
        let model = SpeakerModel::builtin();
        assert_eq!(model.weights.len(), FEATURES.len());
    }

    #[test]
    fn weights_of_other_features_are_refused_with_the_reason() {
        let err = SpeakerModel::from_json(&file(&["cascade"], &[1.0]), "test.json").unwrap_err().to_string();
        assert!(err.contains("test.json") && err.contains("features are"), "{err}");
        let mut names = FEATURES.to_vec();
        names.swap(0, 1);
        assert!(SpeakerModel::from_json(&file(&names, &vec![0.0; FEATURES.len()]), "x").is_err());
    }

    #[test]
    fn missing_or_non_finite_weights_are_refused() {
        let err = SpeakerModel::from_json(&file(FEATURES, &[1.0]), "x").unwrap_err().to_string();
        assert!(err.contains("1 weights for"), "{err}");
        let raw = file(FEATURES, &vec![0.5; FEATURES.len()]).replacen("0.5", "1e999", 1);
        assert!(SpeakerModel::from_json(&raw, "x").is_err());
        let err = SpeakerModel::from_json("{\"format\": \"other\", \"features\": [], \"weights\": []}", "x").unwrap_err().to_string();
        assert!(err.contains("format"), "{err}");
        assert!(SpeakerModel::from_json("not json", "x").is_err());
    }

    #[test]
    fn the_score_is_the_weighted_sum() {
        let mut weights = vec![0.0; FEATURES.len()];
        weights[0] = 2.0;
        weights[1] = -1.0;
        let model = SpeakerModel::from_json(&file(FEATURES, &weights), "x").unwrap();
        let mut features = vec![0.0; FEATURES.len()];
        features[0] = 1.0;
        features[1] = 1.0;
        assert_eq!(model.score(&features), 1.0);
    }
}
