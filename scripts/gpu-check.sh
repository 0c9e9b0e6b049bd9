#!/usr/bin/env bash
# One command to check xlt on a new machine: `xlt doctor`, the kernel conformance cases (test/cases, forward
# and backward against float64 references and PyTorch goldens), the benchmark sections and a short built-in
# realignment. Everything it prints also goes to bench/results/<adapter>.txt under the current directory.
# Runs from the unpacked bundle (./gpu-check.sh, needs nothing but a Vulkan driver) or from a checkout
# (scripts/gpu-check.sh, with node_modules installed).
# Usage: gpu-check.sh [--quick] [--out DIR]
#   --quick  the benchmarks' smallest sizes and a 5-step realignment (a smoke test: ~6 minutes on the 2-core lavapipe VM, most of it the conformance cases)
#   --out    where to write <adapter>.txt (default bench/results)
# The benchmarks compare with tfjs-webgpu only where @tensorflow/tfjs-* is installed (a checkout); the
# bundle does not carry it, so there they print xlt's own timings and say the peer is unavailable.
set -uo pipefail
HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
QUICK=0
OUT_DIR=bench/results
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --out) OUT_DIR="${2:?--out needs a directory}"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (gpu-check.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -x "$HERE/lib/deno" ]; then # the bundle: lib/ beside this script
  LIB="$HERE/lib"
  DENO_RUN=("$LIB/deno" run --allow-all --no-prompt --config "$LIB/deno.json")
  : "${DENO_DIR:=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/xlt-deno}"
  export DENO_DIR DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
else # a checkout: this script is in scripts/
  LIB="$(dirname "$HERE")"
  DENO_RUN=("$LIB/node_modules/deno/deno" run --allow-all --config "$LIB/deno.json")
fi
: "${DENO_WEBGPU_BACKEND:=vulkan}" # as the bundle's launcher: no silent fallback to OpenGL on the CPU
export DENO_WEBGPU_BACKEND
[ -x "${DENO_RUN[0]}" ] || { echo "gpu-check: ${DENO_RUN[0]} not found (unpack the bundle, or npm install in the checkout)" >&2; exit 1; }
xlt() { "${DENO_RUN[@]}" "$LIB/cli/xlt.ts" "$@"; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/xlt-gpu-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/log.txt"
say() { echo "$@" | tee -a "$LOG"; }
# runs a step, logging its output; a failing step is recorded and the check goes on
FAILED=()
step() {
  local name="$1"; shift
  say ""; say "## $name"
  local t0=$SECONDS
  "$@" 2>&1 | tee -a "$LOG"
  local rc=${PIPESTATUS[0]}
  say "# $name: exit $rc, $((SECONDS - t0)) s"
  [ "$rc" -eq 0 ] || FAILED+=("$name")
}

say "# xlt gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm), $(nproc) CPUs"
step doctor xlt doctor
ADAPTER="$(sed -n 's/^adapter  *\(.*\)$/\1/p' "$LOG" | head -1)"
# the file name: the adapter's description where the runtime gives one (wgpu's name starts with PCI ids)
NAME="$(sed -n 's/^  *description: \(.*\)$/\1/p' "$LOG" | head -1)"
[ -n "$ADAPTER" ] || { echo "gpu-check: no WebGPU adapter (see xlt doctor above)" >&2; exit 1; }

# the kernel families and the encoder (cases that need only test/fixtures, not the third-party data)
for family in matmul attention layernorm elementwise dropout embedding crossentropy contrastive optim model; do
  step "conformance: $family" "${DENO_RUN[@]}" "$LIB/test/deno_runner.ts" "$family >"
done

BENCH_ARGS=()
[ "$QUICK" -eq 1 ] && BENCH_ARGS+=(--quick)
if [ ! -d "$LIB/node_modules/@tensorflow/tfjs-core" ]; then
  BENCH_ARGS+=(--no-peer)
  say ""; say "# tfjs is not in the bundle: the benchmarks time xlt alone (scripts/gpu-check.sh in a checkout compares with tfjs-webgpu)"
fi
# from the checkout's root: the tfjs peer looks for node_modules/ in the working directory
bench() { (cd "$LIB" && "${DENO_RUN[@]}" "$LIB/bench/run.ts" "$@"); }
step "benchmarks" bench "${BENCH_ARGS[@]}"

STEPS=50
[ "$QUICK" -eq 1 ] && STEPS=5
step "realign (built-in model and data, $STEPS steps)" xlt realign --freeze lower --steps "$STEPS" --out "$WORK/realign"

say ""
if [ ${#FAILED[@]} -eq 0 ]; then say "# gpu-check: all steps passed"; else say "# gpu-check: FAILED: ${FAILED[*]}"; fi
SLUG="$(echo "${NAME:-$ADAPTER}" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9.]\{1,\}/-/g; s/^-//; s/-$//' | cut -c1-80)"
mkdir -p "$OUT_DIR"
cp "$LOG" "$OUT_DIR/.$SLUG.txt.tmp" && mv "$OUT_DIR/.$SLUG.txt.tmp" "$OUT_DIR/$SLUG.txt"
echo "gpu-check: wrote $OUT_DIR/$SLUG.txt"
[ ${#FAILED[@]} -eq 0 ]
