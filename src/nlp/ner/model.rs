//! The NER pipeline around a [`TokenClassifier`]: from texts to entities.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tokenizers::Tokenizer;

use super::attribution::{decode_roles, RoleSpan, TokenTag};
use super::casing::casing_class;
use super::words::conll_words;
use super::decode::{constrained_labels, decode_entities, WordPrediction};
use super::windows::{owning_windows, plan_context_windows, plan_windows, Window};
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
    /// Labels of the attribution head (`O`, `B-SOURCE`, ..., `I-CONTENT`), for a two-head
    /// model (`training/train_twohead.py`); absent for an NER-only model.
    #[serde(default)]
    pub attribution_labels: Option<Vec<String>>,
    /// How texts are cut into the model's windows: `"sentences"` (one sentence per window, as
    /// CoNLL-2003 NER is trained and scored), `"packed"` (consecutive whole sentences share
    /// a window up to `max_length`) or `"context"` (whole sentences read with their neighbours;
    /// see [`WindowMode`]). Absent: packed for a two-head model, sentences otherwise.
    #[serde(default)]
    pub windows: Option<String>,
}

/// What the model found in one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextAnalysis {
    /// Named entities in text order.
    pub entities: Vec<Entity>,
    /// Source, Cue and Content spans of the attribution head in text order (empty for an
    /// NER-only model).
    pub roles: Vec<RoleSpan>,
}

/// Knobs of the pipeline (see `[ner]` in `config/default.toml`).
#[derive(Debug, Clone, Copy)]
pub struct PipelineOptions {
    /// Tokens shared by consecutive windows of a long text.
    pub window_overlap: usize,
    /// Most tokens (padding included) in one batch sent to the model.
    pub max_batch_tokens: usize,
    /// How texts are cut into windows; `None`: as the model's `config.json` says.
    pub windows: Option<WindowMode>,
    /// With [`WindowMode::Context`], tokens of neighbouring sentences read on each side.
    pub window_context: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        Self { window_overlap: 32, max_batch_tokens: 2048, windows: None, window_context: 64 }
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
    /// Index into `words` of the word every token starts in (None between words).
    word_of: Vec<Option<usize>>,
    /// Byte span of every token.
    offsets: Vec<(usize, usize)>,
    /// Byte spans of the text's words (see [`super::words`]).
    words: Vec<(usize, usize)>,
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
        let declared = config.attribution_labels.as_ref().map(Vec::len);
        if classifier.num_attribution_labels() != declared {
            return Err(file_error(
                &config_path,
                format!(
                    "{} attribution labels declared, but the model's attribution head emits {}",
                    declared.map_or("no".to_string(), |n| n.to_string()),
                    classifier.num_attribution_labels().map_or("none".to_string(), |n| n.to_string())
                ),
            ));
        }
        if let Some(mode) = config.windows.as_deref().filter(|m| WindowMode::parse(m).is_none()) {
            return Err(file_error(&config_path, format!("windows must be \"sentences\", \"packed\" or \"context\", not {mode:?}")));
        }
        Ok(Self { tokenizer, classifier, config, options, cls_id, sep_id })
    }

    /// The model's name (for `event.pipeline`).
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// How texts are cut into windows: the pipeline's override, else the model's
    /// [`ModelConfig::windows`].
    pub fn window_mode(&self) -> WindowMode {
        if let Some(mode) = self.options.windows {
            return mode;
        }
        match self.config.windows.as_deref().and_then(WindowMode::parse) {
            Some(mode) => mode,
            None if self.has_attribution_head() => WindowMode::Packed,
            None => WindowMode::Sentences,
        }
    }

    /// Does the model have the attribution head?
    pub fn has_attribution_head(&self) -> bool {
        self.config.attribution_labels.is_some()
    }

    /// Entities of every text, in text order; windows of all texts share batches.
    pub fn recognize(&self, texts: &[&str]) -> Result<Vec<Vec<Entity>>, NerError> {
        Ok(self.analyze(texts)?.into_iter().map(|a| a.entities).collect())
    }

    /// Entities and attribution roles of every text from one forward pass per window; windows
    /// of all texts share batches.
    pub fn analyze(&self, texts: &[&str]) -> Result<Vec<TextAnalysis>, NerError> {
        let encoded = texts.iter().map(|t| self.encode(t)).collect::<Result<Vec<_>, _>>()?;
        let content_len = self.config.max_length.saturating_sub(2).max(1);
        let mode = self.window_mode();
        let plans: Vec<(Vec<Window>, Vec<usize>)> = texts
            .iter()
            .zip(&encoded)
            .map(|(t, e)| plan_sentences(t, e, content_len, &self.options, mode))
            .collect();

        let mut jobs: Vec<Job> = plans
            .iter()
            .enumerate()
            .flat_map(|(text, (windows, _))| windows.iter().enumerate().map(move |(window, &span)| Job { text, window, span }))
            .collect();
        // group windows of similar length so padding stays small
        jobs.sort_by_key(|j| std::cmp::Reverse(j.span.end - j.span.start));

        // probabilities per text, per window, per content token, of each head
        let mut probs: Vec<Vec<Vec<Vec<f32>>>> = plans.iter().map(|(p, _)| vec![Vec::new(); p.len()]).collect();
        let mut role_probs: Vec<Vec<Vec<Vec<f32>>>> = probs.clone();
        let mut at = 0;
        while at < jobs.len() {
            // jobs are sorted longest first: a batch takes windows while the token budget lasts
            // and their length stays within 3/4 of the batch's width, so padding stays small
            let width = jobs[at].span.end - jobs[at].span.start + 2;
            let budget_rows = (self.options.max_batch_tokens / width).max(1);
            let rows = jobs[at..]
                .iter()
                .take(budget_rows)
                .take_while(|j| (j.span.end - j.span.start + 2) * 4 >= width * 3)
                .count()
                .max(1);
            let batch_jobs = &jobs[at..at + rows];
            let scores = self.classifier.classify(&self.batch(&encoded, batch_jobs, width))?;
            for (row, job) in batch_jobs.iter().enumerate() {
                let n = job.span.end - job.span.start;
                probs[job.text][job.window] = (0..n).map(|i| scores.ner.token(row, i + 1).to_vec()).collect();
                if let Some(roles) = &scores.attribution {
                    role_probs[job.text][job.window] = (0..n).map(|i| roles.token(row, i + 1).to_vec()).collect();
                }
            }
            at += rows;
        }

        Ok(texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let (enc, (windows, owner)) = (&encoded[i], &plans[i]);
                TextAnalysis {
                    entities: self.entities(text, enc, windows, owner, &probs[i]),
                    roles: self.roles(text, enc, windows, owner, &role_probs[i]),
                }
            })
            .collect())
    }

    /// Attribution spans of one text from its windows' role probabilities.
    fn roles(&self, text: &str, enc: &Encoded, windows: &[Window], owner: &[usize], probs: &[Vec<Vec<f32>>]) -> Vec<RoleSpan> {
        let Some(labels) = &self.config.attribution_labels else { return Vec::new() };
        let tags: Vec<TokenTag<'_>> = (0..enc.ids.len())
            .filter_map(|token| {
                let window = owner[token];
                let dist = probs.get(window)?.get(token - windows[window].start)?;
                let (label, score) = argmax(dist);
                let (byte_start, byte_end) = enc.offsets[token];
                Some(TokenTag { byte_start, byte_end, label: labels.get(label).map_or("O", String::as_str), score })
            })
            .collect();
        decode_roles(&CharIndex::new(text), &tags)
    }

    /// Wordpiece tokens of every text (for throughput figures).
    pub fn count_tokens(&self, texts: &[&str]) -> Result<usize, NerError> {
        texts.iter().map(|t| self.encode(t).map(|e| e.ids.len())).sum()
    }

    fn encode(&self, text: &str) -> Result<Encoded, NerError> {
        let encoding = self.tokenizer.encode(text, false).map_err(|e| NerError::Tokenize(e.to_string()))?;
        let words = conll_words(text);
        let classes: Vec<i64> = words.iter().map(|&(s, e)| casing_class(&text[s..e])).collect();
        let offsets: Vec<(usize, usize)> = encoding.get_offsets().to_vec();
        let word_of: Vec<Option<usize>> = offsets.iter().map(|&(start, _)| word_at(&words, start)).collect();
        let casing = word_of.iter().map(|w| w.map_or(0, |w| classes[w])).collect();
        Ok(Encoded { ids: encoding.get_ids().iter().map(|&i| i64::from(i)).collect(), casing, word_of, words, offsets })
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

    fn entities(&self, text: &str, enc: &Encoded, windows: &[Window], owner: &[usize], probs: &[Vec<Vec<f32>>]) -> Vec<Entity> {
        // a word takes the distribution of its first wordpiece, as in training
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut dists: Vec<&[f32]> = Vec::new();
        let mut last_word = None;
        for token in 0..enc.ids.len() {
            let Some(word) = enc.word_of[token] else { continue };
            if last_word == Some(word) {
                continue;
            }
            last_word = Some(word);
            let window = owner[token];
            spans.push(enc.words[word]);
            dists.push(&probs[window][token - windows[window].start]);
        }
        let words: Vec<WordPrediction> = constrained_labels(&self.config.labels, &dists)
            .into_iter()
            .zip(spans)
            .map(|((label, score), (byte_start, byte_end))| WordPrediction {
                byte_start,
                byte_end,
                label: self.config.labels.get(label).cloned().unwrap_or_else(|| "O".into()),
                score,
            })
            .collect();
        let mut entities = decode_entities(text, &CharIndex::new(text), &words);
        apply_news_priors(text, &mut entities);
        split_event_venues(&mut entities);
        strip_leading_titles(&mut entities);
        entities
    }
}

/// Two corrections where the sentence-level model is blind to news conventions, both measured
/// on CoNLL-2003 train: a one-word name right after "in" is a place (LOC 579, ORG 18, MISC 44,
/// PER 13), and an all-caps word opening the article before `.`, `(` or `—` is its dateline
/// ("NUR-SULTAN. KAZINFORM ...", "WASHINGTON (AP) —"), a place (it is LOC in 643 of the 869
/// CoNLL train sentences that open with an all-caps word and a date).
fn apply_news_priors(text: &str, entities: &mut [Entity]) {
    let index = CharIndex::new(text);
    for e in entities.iter_mut() {
        let (byte_start, byte_end) = (index.byte_at(e.start), index.byte_at(e.end));
        let one_word = !e.text.contains(char::is_whitespace);
        let before = &text[..byte_start];
        let after_in = before.ends_with(' ') && before.trim_end().rsplit(char::is_whitespace).next() == Some("in");
        if one_word && after_in && e.label == "ORG" {
            e.label = "LOC".to_string();
        }
        // nothing capitalised before it (a date may precede: "9 October 2019 NUR-SULTAN.")
        let dateline = e.start < 40
            && !before.chars().any(char::is_uppercase)
            && one_word
            && e.text.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !e.text.chars().any(char::is_lowercase)
            && text[byte_end..].trim_start_matches(' ').starts_with(['.', '(', '—']);
        if dateline {
            e.label = "LOC".to_string();
        }
    }
}

/// Events named with their venue: the model sometimes runs an event's name on over "in" and the
/// place ("Cooperation Forum in Petropavlovsk" as one organisation). CoNLL-2003 never does:
/// in train, each of the three event names before "in" and a capitalised word ("the Democratic
/// Convention in Chicago", "the 2000 Games in Sydney") ends there and the place is LOC.
const EVENT_NOUNS: [&str; 16] = [
    "Forum", "Summit", "Conference", "Congress", "Festival", "Games", "Olympics", "Championship", "Championships", "Tournament",
    "Meeting", "Talks", "Expo", "Exhibition", "Convention", "Fair",
];

/// Splits "<event> in <Place>" (an organisation or miscellaneous name whose last words are an
/// event noun, "in" and one capitalised word) into the event and a LOC.
fn split_event_venues(entities: &mut Vec<Entity>) {
    let mut venues = Vec::new();
    for e in entities.iter_mut().filter(|e| e.label == "ORG" || e.label == "MISC") {
        let words: Vec<&str> = e.text.split(' ').collect();
        let n = words.len();
        if n < 3 || words[n - 2] != "in" || !EVENT_NOUNS.contains(&words[n - 3]) || !words[n - 1].starts_with(char::is_uppercase) {
            continue;
        }
        let place = words[n - 1];
        let place_len = place.chars().count();
        let event_len = e.text.chars().count() - place_len - " in ".len();
        venues.push(Entity { text: place.to_string(), label: "LOC".to_string(), start: e.end - place_len, end: e.end, score: e.score });
        e.text = e.text.chars().take(event_len).collect();
        e.end = e.start + event_len;
    }
    if !venues.is_empty() {
        entities.extend(venues);
        entities.sort_by_key(|e| e.start);
    }
}

/// Titles that CoNLL-2003 leaves outside a person's name: in train, 325 times a word of this
/// kind stands tagged O right before a person ("President", "Minister", "Dr.") against 11 times
/// inside one, and those 11 are mostly royalty ("Prince"), which is not in the list. The model
/// sometimes takes a capitalised title at a sentence start into the name ("Mayor Ada Brennan").
const TITLE_WORDS: [&str; 40] = [
    "Mayor", "President", "Senator", "Governor", "Minister", "Chancellor", "Premier", "Judge", "General", "Secretary",
    "Chairman", "Chairwoman", "Director", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sen.", "Gov.", "Rep.",
    "Gen.", "Prof.", "Professor", "Coach", "Captain", "Ambassador", "Cardinal", "Bishop", "Archbishop", "Speaker",
    "Commissioner", "Colonel", "Sergeant", "Councillor", "Councilman", "Councilwoman",
];

/// Words that qualify a title before it ("Prime Minister", "Foreign Minister", "Vice President").
const TITLE_MODIFIERS: [&str; 8] = ["Prime", "Vice", "Deputy", "Foreign", "Finance", "Defence", "Defense", "Interior"];

/// Takes leading titles off person names ("Mayor Ada Brennan" -> "Ada Brennan", "Foreign
/// Minister Jo Lee" -> "Jo Lee"), keeping at least one word.
fn strip_leading_titles(entities: &mut [Entity]) {
    for e in entities.iter_mut().filter(|e| e.label == "PER") {
        let words: Vec<&str> = e.text.split(' ').collect();
        let mut titled = 0; // words up to and including the last title of the leading run
        for (i, w) in words.iter().enumerate().take(words.len() - 1) {
            if TITLE_WORDS.contains(w) {
                titled = i + 1;
            } else if !TITLE_MODIFIERS.contains(w) {
                break;
            }
        }
        if titled == 0 {
            continue;
        }
        let cut = words[..titled].iter().map(|w| w.chars().count() + 1).sum::<usize>();
        e.text = e.text.chars().skip(cut).collect();
        e.start += cut;
    }
}

/// How a text is cut into the model's windows (`windows` in a model's `config.json`, or
/// `ner.windows` to override it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowMode {
    /// One sentence per window, as CoNLL-2003 NER is trained and scored: a window that runs
    /// across sentences can drift (a place after a long organisation name turns into one).
    Sentences,
    /// Consecutive whole sentences share a window while they fit, without overlap.
    Packed,
    /// Whole sentences with their neighbours as context on both sides; each token keeps the
    /// prediction of the window whose core holds it ([`plan_context_windows`]).
    Context,
}

impl WindowMode {
    /// Parses `"sentences"`, `"packed"` or `"context"`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "sentences" => Some(Self::Sentences),
            "packed" => Some(Self::Packed),
            "context" => Some(Self::Context),
            _ => None,
        }
    }
}

/// The model's windows over a text, cut between sentences as `mode` says (see [`WindowMode`]).
/// Sentences longer than a window are cut into overlapping windows. Returns the windows
/// (absolute token ranges) and the window that owns each token.
fn plan_sentences(text: &str, enc: &Encoded, content_len: usize, options: &PipelineOptions, mode: WindowMode) -> (Vec<Window>, Vec<usize>) {
    let sentences = sentence_ranges(text, enc);
    if mode == WindowMode::Context {
        return plan_context_windows(&sentences, content_len, options.window_context, options.window_overlap);
    }
    let n = enc.ids.len();
    let mut windows = Vec::new();
    let mut owner = vec![0; n];
    for sentence in sentences {
        let (start, end) = (sentence.start, sentence.end);
        if mode == WindowMode::Packed && end - start < content_len {
            // extend the last window when the sentence fits in it, else open a new one
            let fits = windows.last().is_some_and(|w: &Window| w.end == start && end - w.start <= content_len);
            match windows.last_mut() {
                Some(w) if fits => w.end = end,
                _ => windows.push(Window { start, end }),
            }
            owner[start..end].fill(windows.len() - 1);
            continue;
        }
        let local = plan_windows(end - start, content_len, options.window_overlap);
        let local_owner = owning_windows(end - start, &local);
        for (i, w) in local_owner.into_iter().enumerate() {
            owner[start + i] = windows.len() + w;
        }
        windows.extend(local.into_iter().map(|w| Window { start: start + w.start, end: start + w.end }));
    }
    (windows, owner)
}

/// The token ranges of a text's sentences, contiguous and in order (see [`sentence_break`]).
fn sentence_ranges(text: &str, enc: &Encoded) -> Vec<Window> {
    let n = enc.ids.len();
    let mut sentences = Vec::new();
    let mut start = 0;
    for token in 0..n {
        if token + 1 == n || sentence_break(text, enc, token) {
            sentences.push(Window { start, end: token + 1 });
            start = token + 1;
        }
    }
    sentences
}

/// Titles whose dot does not end a sentence ("Mr. Kamin said"): the word cutting splits the dot
/// off, as CoNLL does, so without this a window would end between the title and the name.
const TITLES: [&str; 22] =
    ["Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Maj", "Sgt", "Capt", "Cmdr", "Adm", "Rev", "Hon", "St", "Mt", "Ft"];

/// Does a sentence end after token `i`? At a line break, or after a word `.`/`!`/`?` (not the
/// dot of a title) followed by a word that starts with a capital, a digit or an opening mark.
fn sentence_break(text: &str, enc: &Encoded, i: usize) -> bool {
    let (Some(w), Some(next)) = (enc.word_of[i], enc.word_of.get(i + 1).copied().flatten()) else { return false };
    if w == next {
        return false;
    }
    let (ws, we) = enc.words[w];
    let (ns, ne) = enc.words[next];
    if text[we..ns].contains('\n') {
        return true;
    }
    let word = &text[ws..we];
    if word == "." && w > 0 && enc.words[w - 1].1 == ws && TITLES.contains(&&text[enc.words[w - 1].0..ws]) {
        return false;
    }
    let first = text[ns..ne].chars().next().unwrap_or(' ');
    matches!(word, "." | "!" | "?" | "…") && (first.is_uppercase() || first.is_ascii_digit() || "«“\"„‘(".contains(first))
}

/// Index of the word holding byte `at`.
fn word_at(words: &[(usize, usize)], at: usize) -> Option<usize> {
    let i = words.partition_point(|&(_, end)| end <= at);
    words.get(i).filter(|&&(start, _)| start <= at).map(|_| i)
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
    fn tokens_map_to_the_word_they_start_in() {
        let words = conll_words("FM Lavrov, in 2019");
        assert_eq!(word_at(&words, 3), Some(1));
        assert_eq!(word_at(&words, 9), Some(2)); // the comma is a word of its own
        assert_eq!(word_at(&words, 2), None); // a space
    }

    /// An entity over `text` from code point `start`.
    fn entity(text: &str, label: &str, start: usize) -> Entity {
        Entity { text: text.into(), label: label.into(), start, end: start + text.chars().count(), score: 0.9 }
    }

    #[test]
    fn an_event_run_on_into_its_venue_is_split_at_in() {
        // "The Trade Forum in Záhřeb opened." with the model's one organisation
        let mut entities = vec![entity("Trade Forum in Záhřeb", "ORG", 4)];
        split_event_venues(&mut entities);
        assert_eq!(entities, vec![entity("Trade Forum", "ORG", 4), entity("Záhřeb", "LOC", 19)]);
        // a name that holds "in" itself is left alone
        let mut names = vec![entity("Human Rights in China", "ORG", 0), entity("Council in Exile", "ORG", 30)];
        let before = names.clone();
        split_event_venues(&mut names);
        assert_eq!(names, before);
    }

    #[test]
    fn leading_titles_are_not_part_of_a_name() {
        let mut entities = vec![entity("Mayor Ada Brennan", "PER", 0), entity("Foreign Minister Jo Lee", "PER", 30), entity("Vice Ólafsson", "PER", 60)];
        strip_leading_titles(&mut entities);
        assert_eq!(entities, vec![entity("Ada Brennan", "PER", 6), entity("Jo Lee", "PER", 47), entity("Vice Ólafsson", "PER", 60)]);
        // a title alone, or an organisation, stays as it is
        let mut others = vec![entity("President", "PER", 0), entity("Mayor Office", "ORG", 20)];
        let before = others.clone();
        strip_leading_titles(&mut others);
        assert_eq!(others, before);
    }

    /// One token per word, for the sentence splitter.
    fn word_tokens(text: &str) -> Encoded {
        let words = conll_words(text);
        let n = words.len();
        Encoded { ids: vec![1; n], casing: vec![0; n], word_of: (0..n).map(Some).collect(), offsets: words.clone(), words }
    }

    #[test]
    fn a_title_dot_does_not_end_a_sentence_but_a_full_stop_does() {
        let text = "Mr. Kamin agreed. Dr. Lee did not. It rained.";
        let enc = word_tokens(text);
        let breaks: Vec<&str> = (0..enc.words.len())
            .filter(|&i| sentence_break(text, &enc, i))
            .map(|i| &text[enc.words[i + 1].0..enc.words[i + 1].1])
            .collect();
        assert_eq!(breaks, ["Dr", "It"], "sentences start at Dr and It only");
    }

    #[test]
    fn softmax_rows_sum_to_one() {
        let mut v = vec![1.0, 2.0, 3.0, -1.0, 0.0, 1000.0];
        softmax_rows(&mut v, 3);
        assert!((v[0..3].iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!((v[5] - 1.0).abs() < 1e-5);
    }
}
