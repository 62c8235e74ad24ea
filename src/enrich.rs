//! JSON lines in, events out: the offline front end of the NLP core (`quotewire enrich`).
//!
//! Same decoding and the same [`Enricher`] as the worker; events come out in input order. A
//! rejected line is reported with its 1-based line number and the run goes on.

use std::io::{self, BufRead, Write};

use crate::nlp::quotes::speaker_model::FEATURES;
use crate::nlp::{Enricher, Enrichment};
use crate::schema::Article;
use crate::schema::decode_article;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EnrichReport {
    /// Events written.
    pub enriched: usize,
    /// Lines rejected (not articles, or failed in processing).
    pub rejected: usize,
}

/// Enriches every article line of `input`, `batch_articles` at a time, writing one event per
/// line to `out` and one report per rejected line to `errors`.
pub fn enrich_lines(
    enricher: &Enricher,
    input: impl BufRead,
    out: impl Write,
    errors: impl Write,
    batch_articles: usize,
    limit_bytes: usize,
) -> io::Result<EnrichReport> {
    let write_event = |out: &mut dyn Write, article: &Article, enrichment: Enrichment| json_line(out, &enricher.event(article, enrichment, None));
    process_lines(enricher, input, out, errors, batch_articles, limit_bytes, &write_event)
}

/// Like [`enrich_lines`], but writes for each article how its pronoun speakers were resolved:
/// `{"id": ..., "features": [names], "choices": [...]}` with every candidate's features (`quotewire
/// speaker-features`, the speaker model's training data). The enricher must record choices
/// ([`crate::nlp::quotes::QuoteOptions::record_choices`]).
pub fn pronoun_choice_lines(
    enricher: &Enricher,
    input: impl BufRead,
    out: impl Write,
    errors: impl Write,
    batch_articles: usize,
    limit_bytes: usize,
) -> io::Result<EnrichReport> {
    let write_choices = |out: &mut dyn Write, article: &Article, enrichment: Enrichment| {
        json_line(out, &serde_json::json!({"id": article.id, "features": FEATURES, "choices": enrichment.pronoun_choices}))
    };
    process_lines(enricher, input, out, errors, batch_articles, limit_bytes, &write_choices)
}

/// Writes `value` as one JSON line.
fn json_line(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// What is written for each enriched article.
type WriteResult<'a> = dyn Fn(&mut dyn Write, &Article, Enrichment) -> io::Result<()> + 'a;

fn process_lines(
    enricher: &Enricher,
    input: impl BufRead,
    mut out: impl Write,
    mut errors: impl Write,
    batch_articles: usize,
    limit_bytes: usize,
    write: &WriteResult,
) -> io::Result<EnrichReport> {
    let mut report = EnrichReport::default();
    let mut batch: Vec<(usize, Article)> = Vec::with_capacity(batch_articles);
    for (index, line) in input.split(b'\n').enumerate() {
        let line = line?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode_article(Some(line), limit_bytes) {
            Ok(article) => batch.push((index + 1, article)),
            Err(e) => {
                writeln!(errors, "line {}: {}: {e}", index + 1, e.reason())?;
                report.rejected += 1;
            }
        }
        if batch.len() >= batch_articles.max(1) {
            flush(enricher, &mut batch, &mut out, &mut errors, &mut report, write)?;
        }
    }
    flush(enricher, &mut batch, &mut out, &mut errors, &mut report, write)?;
    out.flush()?;
    Ok(report)
}

fn flush(
    enricher: &Enricher,
    batch: &mut Vec<(usize, Article)>,
    out: &mut impl Write,
    errors: &mut impl Write,
    report: &mut EnrichReport,
    write: &WriteResult,
) -> io::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let articles: Vec<&Article> = batch.iter().map(|(_, a)| a).collect();
    let results = enricher.enrich_batch(&articles);
    for ((line, article), result) in batch.iter().zip(results) {
        match result {
            Ok(enrichment) => {
                write(out, article, enrichment)?;
                report.enriched += 1;
            }
            Err(e) => {
                writeln!(errors, "line {line}: {}: {e}", e.reason())?;
                report.rejected += 1;
            }
        }
    }
    batch.clear();
    Ok(())
}
