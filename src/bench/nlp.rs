//! `quotewire bench`: NER and quote throughput and latency, beside Python ONNX Runtime.
//!
//! A benchmark, not a test: it prints figures and asserts nothing. For each thread count it
//! loads the model, warms up, then measures (a) throughput over the whole input in batches and
//! (b) per-article latency (one article per call). The same texts then go through
//! `training/bench_ort.py`, which times bare `InferenceSession.run` calls of the same model file
//! on the same windows, so the Rust figure (tokenize + window + run + decode) can be compared
//! with Python's model calls alone.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use crate::nlp::quotes::{extract_quotes, QuoteOptions};
use crate::nlp::{Enricher, NerSettings};
use crate::schema::decode_article;

/// Flags of `quotewire bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Article JSON lines to measure on.
    pub file: PathBuf,
    /// Thread counts to measure NER at.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub threads: Vec<usize>,
    /// Articles per batch in the throughput run.
    #[arg(long, default_value_t = 16)]
    pub batch_articles: usize,
    /// Python interpreter with onnxruntime and tokenizers for the comparison; "" skips it.
    #[arg(long, default_value = "python3")]
    pub python: String,
}

/// Runs the benchmark and prints a Markdown table.
pub fn run(args: &BenchArgs, settings: &NerSettings, quote_options: QuoteOptions) -> Result<()> {
    let file = std::fs::File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let mut articles = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if let Ok(a) = decode_article(Some(line.as_bytes()), usize::MAX) {
            articles.push(a);
        }
    }
    anyhow::ensure!(!articles.is_empty(), "no articles in {}", args.file.display());
    let texts: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();

    println!("| engine | threads | articles/s | tokens/s | p50 ms/article | p99 ms/article |");
    println!("|---|---|---|---|---|---|");
    for &threads in &args.threads {
        let model = Enricher::load_ner(&NerSettings { threads, ..settings.clone() }).context("loading the NER model")?;
        let tokens = model.count_tokens(&texts)?;
        model.recognize(&texts[..texts.len().min(8)])?; // warm-up
        let started = Instant::now();
        for chunk in texts.chunks(args.batch_articles.max(1)) {
            model.recognize(chunk)?;
        }
        let secs = started.elapsed().as_secs_f64();
        let mut latencies = Vec::with_capacity(texts.len());
        for text in &texts {
            let t = Instant::now();
            model.recognize(&[text])?;
            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (p50, p99) = percentiles(&mut latencies);
        println!(
            "| quotewire (Rust, end to end) | {threads} | {:.1} | {:.0} | {p50:.1} | {p99:.1} |",
            texts.len() as f64 / secs,
            tokens as f64 / secs
        );
        if !args.python.is_empty() {
            python_row(args, settings, threads)?;
        }
    }

    let started = Instant::now();
    let mut quotes = 0;
    for text in &texts {
        quotes += extract_quotes(text, &[], &[], &quote_options).quotes.len();
    }
    let secs = started.elapsed().as_secs_f64();
    println!();
    println!(
        "quote attribution alone: {} articles, {:.2} MB, {quotes} quotes in {:.3} s = {:.2} MB/s on one core",
        texts.len(),
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs
    );
    Ok(())
}

fn python_row(args: &BenchArgs, settings: &NerSettings, threads: usize) -> Result<()> {
    let dir = crate::nlp::ner::model::locate_model_dir(&settings.model_dir).context("model folder")?;
    let script = ["training/bench_ort.py", "../../training/bench_ort.py"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .context("training/bench_ort.py not found (run from the repository root)")?;
    let output = Command::new(&args.python)
        .arg(&script)
        .arg("--model")
        .arg(&dir)
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--batch-articles")
        .arg(args.batch_articles.to_string())
        .arg(&args.file)
        .output()
        .with_context(|| format!("running {}", args.python))?;
    if output.status.success() {
        print!("{}", String::from_utf8_lossy(&output.stdout));
    } else {
        println!("| python onnxruntime | {threads} | failed: {} | | | |", String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or(""));
    }
    Ok(())
}

fn percentiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| values[((values.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}
