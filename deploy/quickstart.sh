#!/usr/bin/env bash
# Quick start: builds everything, starts a local Kafka, loads the example article, runs the
# worker until its event is out, prints the event, and stops the worker (Kafka keeps running;
# `deploy/local/kafka.sh stop` stops it). Each step says what it does as it starts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
step() { printf '\n==> [%s] %s\n' "$1" "$2" >&2; }
started=$SECONDS

step "1/5" "setup: system packages if missing, ONNX Runtime from its PyPI wheel (deploy/setup.sh)"
bash deploy/setup.sh
echo "setup done" >&2

step "2/5" "build: cargo build --release (a few minutes the first time)"
cargo build --release --locked
bin=target/release/quotewire

step "3/5" "broker: local Apache Kafka on 127.0.0.1:9092 (deploy/local/kafka.sh start; the jars come from Maven Central the first time)"
bash deploy/local/kafka.sh start
bash deploy/local/kafka.sh status >&2

step "4/5" "worker: loading examples/articles.jsonl into topic 'articles' and starting 'quotewire run' (metrics on 127.0.0.1:9464)"
"$bin" produce --topic articles examples/articles.jsonl
QUOTEWIRE_OBSERVABILITY_HTTP_LISTEN=127.0.0.1:9464 RUST_LOG=warn "$bin" run &
worker=$!
trap 'kill -TERM $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT
id="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' examples/articles.jsonl)"

step "5/5" "waiting for the enriched event of article '$id' on 'articles.enriched'"
"$bin" tail --topic articles.enriched --key "$id" --count 1 --timeout-secs 120 | python3 -m json.tool --no-ensure-ascii
printf '\n==> done in %d s; the broker keeps running (deploy/local/kafka.sh stop stops it)\n' "$((SECONDS - started))" >&2
