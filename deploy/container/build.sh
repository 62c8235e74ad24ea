#!/usr/bin/env bash
# Builds the container image quotewire:dev with podman, without pulling anything from an image
# registry: the base is bootstrapped from Debian's archive with mmdebstrap, the release binary
# and libonnxruntime come from this checkout (cargo build on the host, deploy/setup.sh), and
# deploy/container/Dockerfile assembles the same layout Docker builds from debian:bookworm-slim.
#
#   deploy/container/build.sh            # image quotewire:dev
#   IMAGE=quotewire:0.1.0 deploy/container/build.sh
#
# Where a registry is reachable, Docker builds the same file on its own (Rust build stage and
# all): docker build -f deploy/container/Dockerfile -t quotewire .
#
# Needs (installed from Debian when missing): podman, buildah, mmdebstrap, runc. crun does not
# run in this sandbox (cgroups in hybrid mode), so runc is used; the default ulimits exceed the
# sandbox's hard limits, so lower ones are set (deploy/container/containers.conf).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
image="${IMAGE:-quotewire:dev}"
base="localhost/quotewire-base:bookworm"
work="$root/target/container"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/deploy/container/containers.conf}"
say() { printf '==> %s\n' "$*" >&2; }

need=()
for tool in podman buildah mmdebstrap runc; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  say "installing ${need[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" uidmap >/dev/null
fi

say "release binary and ONNX Runtime (cargo build --release, deploy/setup.sh)"
bash deploy/setup.sh
cargo build --release --locked --bin quotewire
ort_version="$(sed -n 's/^ORT_VERSION="\([0-9.]*\)".*/\1/p' deploy/setup.sh)"

mkdir -p "$work"
if ! podman image exists "$base"; then
  say "base image $base: Debian bookworm minbase + ca-certificates, libssl3 (mmdebstrap, no docs, man pages or locales)"
  mmdebstrap --quiet --variant=minbase --include=ca-certificates,libssl3 \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --dpkgopt='path-exclude=/usr/share/info/*' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
      bookworm "$work/base.tar"
  podman import --quiet "$work/base.tar" "$base" >/dev/null
  rm -f "$work/base.tar"
fi

say "binaries image (what the Dockerfile's Rust build stage would make, from this host)"
rm -rf "$work/binaries" && mkdir -p "$work/binaries/src/target/release" "$work/binaries/ort"
cp target/release/quotewire "$work/binaries/src/target/release/"
cp ".runtime/lib/libonnxruntime.so.$ort_version" "$work/binaries/ort/"
tar -C "$work/binaries" -cf "$work/binaries.tar" .
podman import --quiet "$work/binaries.tar" localhost/quotewire-binaries:dev >/dev/null
rm -rf "$work/binaries" "$work/binaries.tar"

say "image $image (podman build, deploy/container/Dockerfile)"
podman build --quiet --pull=never --runtime runc --format docker \
    --build-arg BASE_IMAGE="$base" --build-arg BINARIES=localhost/quotewire-binaries:dev \
    --build-arg ORT_VERSION="$ort_version" \
    -f deploy/container/Dockerfile -t "$image" . >/dev/null
size="$(podman image inspect "$image" --format '{{.Size}}')"
say "built $image: $((size / 1024 / 1024)) MiB"
