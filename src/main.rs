//! The `quotewire` command line: parses flags, loads the configuration, starts logging and
//! calls the library. No logic of its own.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use quotewire::config::Config;
use quotewire::enrich::{enrich_lines, pronoun_choice_lines};
use quotewire::nlp::ner::model::WindowMode;
use quotewire::nlp::quotes::speaker_model::SpeakerModel;
use quotewire::nlp::quotes::QuoteOptions;
use quotewire::nlp::ner::NerModel;
use quotewire::nlp::{Enricher, NerSettings};
use quotewire::observability::{init_logging, serve, Health, Metrics};
use quotewire::schema::json_schemas;
use quotewire::stream;

#[derive(Parser)]
#[command(name = "quotewire", version, about = "Streaming NLP worker for news: named entities and attributed quotes, Kafka in, enriched events out.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the worker: consume articles, publish enriched events, commit after acknowledgement.
    Run(RunArgs),
    /// Enrich article JSON lines from FILE (or stdin) and print one event per line.
    Enrich(EnrichArgs),
    /// Print how each article's pronoun speakers were resolved, with every candidate's features
    /// (the speaker model's training data; see training/train_speaker_model.py).
    SpeakerFeatures(EnrichArgs),
    /// Load article JSON lines from FILE (or stdin) into a topic, keyed by id.
    Produce(ProduceArgs),
    /// Print record values of a topic from its beginning (e.g. the enriched events).
    Tail(TailArgs),
    /// Print the JSON Schema of the input article and of the event (or write them to a folder).
    Schema(SchemaArgs),
    /// Measure NER and quote throughput and latency on article JSON lines.
    Bench(quotewire::bench::nlp::BenchArgs),
    /// Measure end-to-end speed through a real broker beside `quotewire enrich` (a benchmark).
    BenchKafka(quotewire::bench::kafka::KafkaBenchArgs),
    /// Probe a running worker's health endpoint; exit 0 when it answers 200 (container health check).
    Health(HealthArgs),
}

#[derive(Args)]
struct HealthArgs {
    /// Address of the worker's HTTP server (port of observability.http_listen).
    #[arg(long, default_value = "127.0.0.1:9464")]
    address: String,
    /// Endpoint to probe: /healthz (alive) or /readyz (ready).
    #[arg(long, default_value = "/healthz")]
    path: String,
}

#[derive(Args)]
struct ConfigArgs {
    /// TOML configuration file (see config/default.toml).
    #[arg(long, env = "QUOTEWIRE_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Bootstrap servers (kafka.brokers).
    #[arg(long)]
    brokers: Option<String>,
    /// Topic of raw articles (kafka.input_topic).
    #[arg(long)]
    input_topic: Option<String>,
    /// Topic of enriched events (kafka.output_topic).
    #[arg(long)]
    output_topic: Option<String>,
    /// Dead-letter topic (kafka.dlq_topic).
    #[arg(long)]
    dlq_topic: Option<String>,
    /// Consumer group (kafka.group_id).
    #[arg(long)]
    group_id: Option<String>,
}

#[derive(Args)]
struct EnrichArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Article JSON lines; stdin when absent.
    file: Option<PathBuf>,
    /// Skip NER (quotes still run, with capitalised names as speakers).
    #[arg(long)]
    no_ner: bool,
}

#[derive(Args)]
struct TailArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Topic to read (default: kafka.output_topic).
    #[arg(long)]
    topic: Option<String>,
    /// Bootstrap servers (kafka.brokers).
    #[arg(long)]
    brokers: Option<String>,
    /// Only records with this key (an article id).
    #[arg(long)]
    key: Option<String>,
    /// Stop after this many records.
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 60)]
    timeout_secs: u64,
}

#[derive(Args)]
struct SchemaArgs {
    /// Write `article.schema.json` and `event.schema.json` into this folder instead of printing.
    #[arg(long)]
    out_dir: Option<PathBuf>,
}

#[derive(Args)]
struct ProduceArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Topic to write to.
    #[arg(long)]
    topic: String,
    /// Bootstrap servers (kafka.brokers).
    #[arg(long)]
    brokers: Option<String>,
    /// Article JSON lines; stdin when absent.
    file: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("quotewire: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Enrich(args) => enrich(args),
        Command::SpeakerFeatures(args) => speaker_features(args),
        Command::Produce(args) => produce(args),
        Command::Tail(args) => tail(args),
        Command::Schema(args) => {
            let schemas = json_schemas();
            match args.out_dir {
                None => println!("{}", serde_json::to_string_pretty(&schemas)?),
                Some(dir) => {
                    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                    for key in ["article", "event"] {
                        let path = dir.join(format!("{key}.schema.json"));
                        std::fs::write(&path, serde_json::to_string_pretty(&schemas[key])? + "\n")
                            .with_context(|| format!("writing {}", path.display()))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchKafka(args) => {
            let config = load_config(None)?;
            init_logging(&config.observability);
            quotewire::bench::kafka::run(&args, &NerSettings { threads: args.threads, ..ner_settings(&config) })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Health(args) => {
            let code = quotewire::observability::probe(&args.address, &args.path, std::time::Duration::from_secs(3))
                .with_context(|| format!("probing http://{}{}", args.address, args.path))?;
            println!("{code}");
            Ok(if code == 200 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Bench(args) => {
            let config = load_config(None)?;
            init_logging(&config.observability);
            quotewire::bench::nlp::run(&args, &ner_settings(&config), quote_options(&config)?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_config(file: Option<&Path>) -> Result<Config> {
    Config::load(file, std::env::vars()).context("loading configuration")
}

fn ner_settings(config: &Config) -> NerSettings {
    let ner = &config.ner;
    NerSettings {
        model_dir: ner.model_dir.clone(),
        onnxruntime_path: (!ner.onnxruntime_path.is_empty()).then(|| PathBuf::from(&ner.onnxruntime_path)),
        threads: ner.threads,
        window_overlap: ner.window_overlap,
        max_batch_tokens: ner.max_batch_tokens,
        // validated with the configuration: "model" and nothing else parses to None
        windows: WindowMode::parse(&ner.windows),
        window_context: ner.window_context,
    }
}

fn quote_options(config: &Config) -> Result<QuoteOptions> {
    let speaker_model = match config.quotes.speaker_model.as_str() {
        "none" => None,
        "builtin" => Some(SpeakerModel::builtin()),
        // read once at start and kept for the life of the process
        path => Some(&*Box::leak(Box::new(SpeakerModel::load(Path::new(path)).context("loading quotes.speaker_model")?))),
    };
    Ok(QuoteOptions {
        min_words_unattributed: config.quotes.min_words_unattributed,
        min_tag_tokens: config.quotes.min_tag_tokens,
        min_tag_score: config.quotes.min_tag_score,
        min_tag_score_reported: config.quotes.min_tag_score_reported,
        speaker_model,
        record_choices: false,
    })
}

fn build_enricher(config: &Config, with_ner: bool) -> Result<Enricher> {
    Ok(Enricher::new(load_ner(config, with_ner)?, quote_options(config)?))
}

fn load_ner(config: &Config, with_ner: bool) -> Result<Option<NerModel>> {
    if !(with_ner && config.ner.enabled) {
        return Ok(None);
    }
    Ok(Some(Enricher::load_ner(&ner_settings(config)).context("loading the NER model")?))
}

fn input(file: Option<&Path>) -> Result<Box<dyn Read>> {
    Ok(match file {
        Some(path) => Box::new(File::open(path).with_context(|| format!("opening {}", path.display()))?),
        None => Box::new(io::stdin()),
    })
}

fn enrich(args: EnrichArgs) -> Result<ExitCode> {
    let config = load_config(args.config.config.as_deref())?;
    init_logging(&config.observability);
    let enricher = build_enricher(&config, !args.no_ner)?;
    let reader = BufReader::new(input(args.file.as_deref())?);
    let stdout = io::stdout().lock();
    let report = enrich_lines(&enricher, reader, io::BufWriter::new(stdout), io::stderr(), config.worker.max_batch_articles, config.worker.max_article_bytes)
        .context("enriching")?;
    tracing::debug!(enriched = report.enriched, rejected = report.rejected, "done");
    Ok(if report.rejected == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn speaker_features(args: EnrichArgs) -> Result<ExitCode> {
    let config = load_config(args.config.config.as_deref())?;
    init_logging(&config.observability);
    let options = QuoteOptions { record_choices: true, ..quote_options(&config)? };
    let enricher = Enricher::new(load_ner(&config, !args.no_ner)?, options);
    let reader = BufReader::new(input(args.file.as_deref())?);
    let stdout = io::stdout().lock();
    let report = pronoun_choice_lines(&enricher, reader, io::BufWriter::new(stdout), io::stderr(), config.worker.max_batch_articles, config.worker.max_article_bytes)
        .context("enriching")?;
    Ok(if report.rejected == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn produce(args: ProduceArgs) -> Result<ExitCode> {
    let mut config = load_config(args.config.config.as_deref())?;
    if let Some(brokers) = args.brokers {
        config.kafka.brokers = brokers;
    }
    init_logging(&config.observability);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let producer = stream::tool_producer(&config).context("creating the producer")?;
        let reader = BufReader::new(input(args.file.as_deref())?);
        stream::produce::produce_lines(&producer, &args.topic, reader, config.worker.max_article_bytes)
            .await
            .map_err(anyhow::Error::msg)
    })?;
    for (line, why) in &report.rejected {
        eprintln!("line {line}: {why}");
    }
    eprintln!("produced {} records to {}", report.produced, args.topic);
    Ok(if report.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

fn tail(args: TailArgs) -> Result<ExitCode> {
    let config = load_config(args.config.config.as_deref())?;
    let options = stream::tail::TailOptions {
        brokers: args.brokers.unwrap_or(config.kafka.brokers),
        topic: args.topic.unwrap_or(config.kafka.output_topic),
        key: args.key,
        count: args.count,
        timeout: std::time::Duration::from_secs(args.timeout_secs),
        client: config.kafka.client.clone(),
    };
    let printed = stream::tail::tail(&options, io::stdout().lock()).map_err(anyhow::Error::msg)?;
    if printed < options.count {
        eprintln!("quotewire tail: {printed} of {} records within {} s", options.count, args.timeout_secs);
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn run(args: RunArgs) -> Result<ExitCode> {
    let mut config = load_config(args.config.config.as_deref())?;
    let k = &mut config.kafka;
    for (flag, slot) in [
        (args.brokers, &mut k.brokers),
        (args.input_topic, &mut k.input_topic),
        (args.output_topic, &mut k.output_topic),
        (args.dlq_topic, &mut k.dlq_topic),
        (args.group_id, &mut k.group_id),
    ] {
        if let Some(value) = flag {
            *slot = value;
        }
    }
    config.validate().context("checking flags")?;
    init_logging(&config.observability);

    let metrics = Arc::new(Metrics::new());
    let health = Arc::new(Health::default());
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let result = runtime.block_on(async {
        if !config.observability.http_listen.is_empty() {
            let listener = tokio::net::TcpListener::bind(&config.observability.http_listen)
                .await
                .with_context(|| format!("binding {}", config.observability.http_listen))?;
            let (m, h) = (metrics.clone(), health.clone());
            tokio::spawn(async move {
                if let Err(e) = serve(listener, m, h).await {
                    tracing::error!(error = %e, "HTTP server stopped");
                }
            });
        }
        let enricher = Arc::new(build_enricher(&config, true)?);
        // the worker awaits this on a task of its own, so the deadline starts as soon as the
        // signal comes, even while its loop is busy
        let deadline = Duration::from_millis(config.worker.shutdown_timeout_ms) + Duration::from_secs(1);
        let shutdown = async move {
            shutdown_signal().await;
            exit_at_the_latest_after(deadline);
        };
        stream::run(&config, enricher, metrics, health, shutdown).await.context("worker failed")
    });
    // a blocking call of the publish stage that the shutdown left behind ends within seconds;
    // it is not waited for
    runtime.shutdown_timeout(Duration::from_millis(500));
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Ends the process with status 0 once `deadline` has passed, should the shutdown not have
/// finished by then (a librdkafka call that does not return, say). What was committed stays
/// committed and what was not is processed again by the partitions' next owner, so exiting
/// loses nothing; a shutdown must never hang until the orchestrator kills the process.
fn exit_at_the_latest_after(deadline: Duration) {
    let spawned = std::thread::Builder::new().name("shutdown-deadline".into()).spawn(move || {
        std::thread::sleep(deadline);
        tracing::warn!(deadline_s = deadline.as_secs_f64(), "the shutdown did not finish in time; exiting now (uncommitted records go to the next owner)");
        std::process::exit(0);
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the shutdown deadline thread");
    }
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the worker");
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
