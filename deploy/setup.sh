#!/usr/bin/env bash
# Installs what quotewire needs to build, run and test on a fresh Debian machine, into
# git-ignored folders of the checkout. Idempotent and quiet on success.
#
#   - ONNX Runtime's shared library from the pinned `onnxruntime` PyPI wheel -> .runtime/lib/
#     (the binary finds it there: no environment variable needed);
#   - Java 17 and Maven from Debian, when missing (the local Kafka broker needs them);
#   - the Kafka broker jars are fetched by deploy/local/kafka.sh on first start;
#   - DuckDB (deploy/analytics/requirements.txt) into .runtime/analytics-venv.
#
# Nothing is downloaded from anywhere but the package registries.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORT_VERSION="1.23.2"   # keep equal to training/requirements.txt
runtime="$root/.runtime"
lib="$runtime/lib"

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v cc >/dev/null || need_apt+=(build-essential)
command -v cmake >/dev/null || need_apt+=(cmake)
python3 -c 'import ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]} from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "setup: cargo is needed (rustup, https://rustup.rs)" >&2; exit 1; }

if [[ ! -f "$lib/libonnxruntime.so.$ORT_VERSION" ]]; then
  mkdir -p "$runtime/wheels" "$lib"
  python3 -m pip download -q --no-deps --only-binary=:all: --dest "$runtime/wheels" \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
      --python-version 3.11 --implementation cp "onnxruntime==$ORT_VERSION"
  wheel="$(ls "$runtime"/wheels/onnxruntime-"$ORT_VERSION"-*.whl | head -n 1)"
  unzip -q -o -j "$wheel" "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" -d "$lib"
fi
ln -sf "libonnxruntime.so.$ORT_VERSION" "$lib/libonnxruntime.so"

# DuckDB (pinned) for the analytics example and its test
analytics="$runtime/analytics-venv"
reqs="$root/deploy/analytics/requirements.txt"
if ! cmp -s "$reqs" "$analytics/requirements.txt" 2>/dev/null; then
  python3 -m venv "$analytics"
  "$analytics/bin/python" -m pip install -q --disable-pip-version-check -r "$reqs"
  cp "$reqs" "$analytics/requirements.txt"
fi
