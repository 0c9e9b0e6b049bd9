#!/usr/bin/env bash
# Checks that scripts/builtin/make.sh still makes the shipped builtin/ on this code and machine, without the
# hour or more of its full pre-training: steps 1, 2 and 4 of make.sh in full (data, vocabulary, word links:
# each file compared byte for byte with builtin/), and the first N pre-training steps (default 210: past the
# step-200 checkpoint), each step's loss compared bit for bit with the log of the run that made the shipped
# weights (results/builtin-model/pretrain.jsonl). Writes nothing outside a temporary directory.
# Usage: bash scripts/builtin/check.sh [N] [SHARED_DATA]   (run from anywhere, after `npx tsc -p tsconfig.json`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-210}"
DATA="${2:-$ROOT/../shared/data}"
cd "$ROOT"
XLT="node bin/xlt.js"
source scripts/builtin/recipe.sh
WORK="$(mktemp -d "${TMPDIR:-/tmp}/xlt-builtin-check.XXXXXX")"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
same() { cmp -s "$1" "$2" && echo "same: $2" || { echo "DIFFERENT: $2" >&2; exit 1; }; }

node scripts/builtin/extract.mjs "$DATA/ud" "$DATA/xquad" "$WORK/data" >/dev/null
for f in "$WORK"/data/pos.* "$WORK"/data/pairs.*; do same "$f" "builtin/data/$(basename "$f")"; done
$XLT vocab "${VOCAB_ARGS[@]}" --corpus "$WORK/data/pretrain.txt" --out "$WORK/tok" >/dev/null
for f in tokenizer.json tokenizer_config.json; do same "$WORK/tok/$f" "builtin/model/$f"; done
for L in "${LINK_LANGS[@]}"; do
  $XLT align --method fastalign --pairs "$WORK/data/pairs.en-$L.txt" --out "$WORK/data/align.en-$L.txt" >/dev/null
  same "$WORK/data/align.en-$L.txt" "builtin/data/align.en-$L.txt"
done
# make.sh's pre-training command, stopped after N steps
start=$(date +%s)
$XLT pretrain "${PRETRAIN_ARGS[@]}" --tokenizer "$WORK/tok" --train "$WORK/data/pretrain.txt" --out "$WORK/model" \
  --log "$WORK/pretrain.jsonl" 2>/dev/null &
while [ "$( (cat "$WORK/pretrain.jsonl" 2>/dev/null || true) | wc -l)" -lt "$N" ]; do
  kill -0 $! 2>/dev/null || { echo "the pre-training stopped before step $N" >&2; exit 1; }
  sleep 2
done
kill $! 2>/dev/null || true
echo "pre-training: $N steps in $(( $(date +%s) - start )) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
node -e '
const fs = require("fs");
const lines = (p) => fs.readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const [shipped, now, n] = [lines(process.argv[1]), lines(process.argv[2]), Number(process.argv[3])];
for (let i = 0; i < n; i++) {
  if (now[i].step !== shipped[i].step || now[i].loss !== shipped[i].loss || now[i].lr !== shipped[i].lr) {
    console.error(`DIFFERENT at step ${shipped[i].step}: loss ${now[i].loss}, shipped run ${shipped[i].loss}`);
    process.exit(1);
  }
}
console.log(`same: the loss and learning rate of each of the first ${n} steps, bit for bit`);
' results/builtin-model/pretrain.jsonl "$WORK/pretrain.jsonl" "$N"
