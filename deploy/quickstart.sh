#!/usr/bin/env bash
# Quick start: builds everything, starts a local Kafka, loads the example article, runs the
# worker until its event is out, prints the event, and stops the worker (Kafka keeps running;
# `deploy/local/kafka.sh stop` stops it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash deploy/setup.sh
cargo build --release --locked --quiet
bash deploy/local/kafka.sh start
bin=target/release/quotewire

"$bin" produce --topic articles examples/articles.jsonl
QUOTEWIRE_OBSERVABILITY_HTTP_LISTEN=127.0.0.1:9464 RUST_LOG=warn "$bin" run &
worker=$!
trap 'kill -TERM $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT
id="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' examples/articles.jsonl)"
"$bin" tail --topic articles.enriched --key "$id" --count 1 --timeout-secs 120 | python3 -m json.tool --no-ensure-ascii
