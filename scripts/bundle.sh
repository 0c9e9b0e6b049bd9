#!/usr/bin/env bash
# `npm run bundle`: one self-contained linux-x64 archive, dist-bundle/xlt-linux-x64.tar.gz, that runs every
# `xlt` command on a machine with a Vulkan driver and nothing else (no Node, Deno or node_modules).
#
# Contents: the Deno binary from npm (node_modules/deno/deno: it embeds wgpu, so no native addon is needed,
# and it links only glibc), the TypeScript sources it runs directly, shaders/, the one runtime npm
# dependencies (@huggingface/tokenizers, and vega, vega-lite and resvg's WebAssembly build for the charts:
# pure JS and WebAssembly, about 4 MB gzipped without their source maps and type declarations; listed by
# scripts/runtime-deps.mjs), and, for scripts/gpu-check.sh, the Deno test runner with
# the shared test cases, fixtures and the benchmarks. Measured with gzip -6 (2026-12): the Deno binary
# compresses to 41.6 MB; the alternative, Node's binary (35.9 MB) plus the linux-x64 Dawn addon (7.2 MB),
# is 43.1 MB and needs libstdc++ too, and could not run the test cases without vitest. The built-in
# commands need no data files (src/builtin generates its model and sentences).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${XLT_BUNDLE_OUT:-$ROOT/dist-bundle}"
NAME=xlt-linux-x64
DENO="$ROOT/node_modules/deno/deno"
[ -x "$DENO" ] || { echo "bundle: $DENO not found (run npm install first)" >&2; exit 1; }
case "$(uname -s)-$(uname -m)" in Linux-x86_64) ;; *) echo "bundle: builds linux-x64 only (this is $(uname -s)-$(uname -m))" >&2; exit 1 ;; esac

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/xlt-bundle.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
LIB="$STAGE/lib"
mkdir -p "$LIB/test" "$LIB/scripts"
cp "$DENO" "$LIB/deno"
cp -r "$ROOT/cli" "$ROOT/src" "$ROOT/models" "$ROOT/shaders" "$ROOT/bench" "$ROOT/builtin" "$LIB/"
cp -r "$ROOT/test/cases" "$ROOT/test/lib" "$ROOT/test/ref" "$ROOT/test/fixtures" "$ROOT/test/deno_runner.ts" "$LIB/test/"
# the runtime dependencies only (not Node's Dawn addon): Deno resolves bare imports through package.json
# and lib/node_modules
(cd "$ROOT" && node scripts/runtime-deps.mjs | tar --exclude='*.map' --exclude='*.d.ts' --exclude='*.md' -cf - -T -) | tar -C "$LIB" -xf -
node -e 'const p = require(process.argv[1]); const { webgpu, ...deps } = p.dependencies; console.log(JSON.stringify({ name: p.name, version: p.version, type: "module", dependencies: deps }, null, 2))' "$ROOT/package.json" > "$LIB/package.json"
cp "$ROOT/scripts/gpu-check.sh" "$STAGE/gpu-check.sh"
# Deno resolves npm imports from lib/node_modules (no registry access); the lock file would be written
# beside the config on every run, so it is off.
cat > "$LIB/deno.json" <<'JSON'
{ "nodeModulesDir": "manual", "lock": false }
JSON
cat > "$STAGE/xlt" <<'SH'
#!/bin/sh
# xlt launcher: runs the bundled sources on the bundled Deno (wgpu). Needs only a Vulkan driver.
HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
# Deno caches transpiled sources; keep them out of the user's own Deno cache. wgpu would fall back to
# OpenGL (llvmpipe's, on a CPU) when Vulkan has no driver: pin Vulkan so that shows as "no adapter".
: "${DENO_DIR:=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/xlt-deno}"
: "${DENO_WEBGPU_BACKEND:=vulkan}"
export DENO_DIR DENO_WEBGPU_BACKEND DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
exec "$HERE/lib/deno" run --allow-all --no-prompt --config "$HERE/lib/deno.json" "$HERE/lib/cli/xlt.ts" "$@"
SH
chmod +x "$STAGE/xlt" "$STAGE/gpu-check.sh" "$LIB/deno"
cat > "$STAGE/README.txt" <<'TXT'
xlt for linux-x64: needs a Vulkan driver (libvulkan1 and an ICD: the GPU vendor's driver, or
mesa-vulkan-drivers for the software adapter) and nothing else.
  ./xlt doctor                  what xlt sees: adapter, Vulkan loader and ICDs, kernel variants, GFLOP/s
  ./xlt realign --freeze lower  the built-in realignment
  ./gpu-check.sh                kernel conformance, benchmarks and a short realignment -> bench/results/<adapter>.txt
TXT

mkdir -p "$OUT"
TMP="$OUT/.$NAME.tar.gz.tmp"
tar -C "$STAGE" --owner=0 --group=0 -cf - xlt gpu-check.sh README.txt lib | gzip -6 > "$TMP"
mv "$TMP" "$OUT/$NAME.tar.gz"
SIZE=$(stat -c %s "$OUT/$NAME.tar.gz")
echo "bundle: $OUT/$NAME.tar.gz ($((SIZE / 1048576)) MiB)"
if [ "$SIZE" -ge $((60 * 1048576)) ]; then echo "bundle: larger than 60 MiB" >&2; exit 1; fi
