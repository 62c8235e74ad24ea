#!/usr/bin/env bash
# The whole test suite: unit tests, and integration tests against a real local Kafka broker
# (started here if none answers) with the shipped NER model. This is the README's test command
# and what .ci/run calls.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash deploy/setup.sh
bash deploy/local/kafka.sh start
cargo test --release --locked "$@"
