#!/usr/bin/env bash
# The evidence of bench/results/lavapipe-matmul-ceiling.md: llvmpipe's x86 assembly for one storage-buffer
# load, one image load and one image store (bench/asm_probe.ts), as Mesa prints it while compiling
# (GALLIVM_DEBUG=asm; the shader cache off so every kernel is compiled). Writes OUT/*.s, one per probe:
# the compute shader (cs_co_variant) and the image functions llvmpipe calls from it.
# Usage: bash scripts/bench/lavapipe_asm.sh OUT   (after npm run build)
set -euo pipefail
out=${1:?usage: lavapipe_asm.sh OUT}
mkdir -p "$out"
cd "$(dirname "$0")/../.."
MESA_SHADER_CACHE_DISABLE=true GALLIVM_DEBUG=asm node dist/bench/asm_probe.js > "$out/all.txt" 2>&1
awk -v out="$out" '
  /^==== probe / { name = $3; next }
  name && /^(cs_co_variant|image|sample):$/ { file = out "/" name ".s"; print "" >> file; keep = 1 }
  name && /^(cs_variant|cs_co_variant\.(resume|destroy)|size):$/ { keep = 0 }
  keep && file { print >> file }
' "$out/all.txt"
rm "$out/all.txt"
ls -l "$out"
