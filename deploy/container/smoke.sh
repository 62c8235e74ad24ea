#!/usr/bin/env bash
# Runs the image (default quotewire:dev, from deploy/container/build.sh) against the local
# broker on the host network and checks what an operator relies on. Exits 0 only when all hold:
#   - an article produced to a fresh input topic comes out enriched on the output topic;
#   - `quotewire health` inside the container finds the worker ready (/readyz);
#   - the worker runs as the non-root user 10001, on a read-only root filesystem (a write fails);
#   - SIGTERM (podman stop) ends it with exit status 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
image="${IMAGE:-quotewire:dev}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/deploy/container/containers.conf}"
bin=target/release/quotewire
say() { printf '==> %s\n' "$*" >&2; }
fail() { echo "smoke: FAILED: $*" >&2; podman logs "$name" 2>&1 | tail -n 40 >&2 || true; exit 1; }

bash deploy/local/kafka.sh start
suffix="$(date +%s)-$$"
name="quotewire-smoke-$suffix"
port=$((20000 + RANDOM % 20000))
input="smoke-in-$suffix" output="smoke-out-$suffix"
trap 'podman rm -f "$name" >/dev/null 2>&1 || true' EXIT

say "starting $image (host network, read-only root filesystem, metrics on 127.0.0.1:$port)"
podman run -d --name "$name" --network host --read-only \
    -e QUOTEWIRE_KAFKA_BROKERS=127.0.0.1:9092 -e QUOTEWIRE_KAFKA_INPUT_TOPIC="$input" \
    -e QUOTEWIRE_KAFKA_OUTPUT_TOPIC="$output" -e QUOTEWIRE_KAFKA_DLQ_TOPIC="smoke-dlq-$suffix" \
    -e QUOTEWIRE_KAFKA_GROUP_ID="smoke-$suffix" -e QUOTEWIRE_OBSERVABILITY_HTTP_LISTEN="127.0.0.1:$port" \
    "$image" run >/dev/null

say "producing the example article and waiting for its event"
head -n 1 examples/articles.jsonl >"target/smoke-$suffix.jsonl"
"$bin" produce --topic "$input" "target/smoke-$suffix.jsonl"
id="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "target/smoke-$suffix.jsonl")"
rm -f "target/smoke-$suffix.jsonl"
event="$("$bin" tail --topic "$output" --key "$id" --count 1 --timeout-secs 180)" || fail "no event for $id within 180 s"
python3 -c 'import json,sys; e=json.loads(sys.argv[1]); assert e["id"]==sys.argv[2] and e["quotes"], e' "$event" "$id" \
    || fail "the event lacks the article id or its quotes"
echo "event: $(printf '%s' "$event" | head -c 200)..." >&2

say "checks inside the container"
ready=""
for _ in $(seq 1 30); do
  if podman exec "$name" /opt/quotewire/bin/quotewire health --address "127.0.0.1:$port" --path /readyz >/dev/null 2>&1; then ready=yes; break; fi
  sleep 1
done
[[ "$ready" == yes ]] || fail "quotewire health --path /readyz inside the container did not pass"
echo "health: /readyz 200 from inside the container" >&2
uid="$(podman exec "$name" id -u)"
[[ "$uid" == 10001 ]] || fail "the worker runs as uid $uid, not 10001"
echo "user: uid $uid (non-root)" >&2
[[ "$(podman inspect "$name" --format '{{.HostConfig.ReadonlyRootfs}}')" == true ]] || fail "the root filesystem is writable"
if podman exec "$name" sh -c 'echo x > /opt/quotewire/probe' 2>/dev/null; then fail "a write to the root filesystem succeeded"; fi
echo "root filesystem: read-only (a write fails)" >&2

say "stopping (SIGTERM)"
podman stop --time 40 "$name" >/dev/null
status="$(podman inspect "$name" --format '{{.State.ExitCode}}')"
[[ "$status" == 0 ]] || fail "the worker exited $status on SIGTERM"
size="$(podman image inspect "$image" --format '{{.Size}}')"
echo "smoke: OK ($image, $((size / 1024 / 1024)) MiB): event out, ready, uid 10001, read-only root, clean stop" >&2
