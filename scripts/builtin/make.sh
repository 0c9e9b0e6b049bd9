#!/usr/bin/env bash
# Makes builtin/, the default model and data of `xlt realign`, `xlt run` and `xlt profile`, from the UD PUD
# treebanks (CC BY-SA 3.0; builtin/ATTRIBUTION.md). These are the exact commands that made the shipped files.
# Usage: bash scripts/builtin/make.sh [UD_DIR]   (UD_DIR: folder with UD_{English,German,French,Russian}-PUD)
# On a loaded 2-core machine with the software Vulkan adapter the pre-training takes ~15 minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
UD="${1:-$ROOT/../shared/data/ud}"
cd "$ROOT"
XLT="node bin/xlt.js"
WORK="$(mktemp -d "$ROOT/.builtin-make.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. Data: PUD sentences 1-800 for pre-training, realignment pairs and English POS training;
#    801-1000 held out as the POS test sets (en, de, fr).
node scripts/builtin/extract_pud.mjs "$UD" "$WORK/data"
# 2. A cased WordPiece vocabulary of 8k pieces on the pre-training text.
$XLT vocab --kind wordpiece --corpus "$WORK/data/pretrain.txt" --vocab-size 8000 --out "$WORK/tok"
# 3. Plain MLM pre-training from scratch: BERT, 4 layers, hidden 128, 4 heads, FFN 512.
$XLT pretrain --tokenizer "$WORK/tok" --config scripts/builtin/config.json --train "$WORK/data/pretrain.txt" \
  --steps 400 --batch-size 16 --max-length 64 --lr 1e-3 --seed 42 --checkpoint-every 50 --quiet --out "$WORK/model"
# the checkpoint directory is the model's weights, config and run.json; add the tokenizer, drop the resume state
cp "$WORK/tok/tokenizer.json" "$WORK/tok/tokenizer_config.json" "$WORK/model/"
rm -rf "$WORK/model/checkpoint"
# 4. Word links of the realignment pairs from xlt's own fast_align.
for L in de fr; do
  $XLT align --method fastalign --pairs "$WORK/data/pairs.en-$L.txt" --out "$WORK/data/align.en-$L.txt"
done
# Replace builtin/model and builtin/data (only these; ATTRIBUTION.md and the license stay).
mkdir -p builtin
for D in model data; do
  rm -rf "builtin/$D.old"
  [ -e "builtin/$D" ] && mv "builtin/$D" "builtin/$D.old"
  mv "$WORK/$D" "builtin/$D"
  rm -rf "builtin/$D.old"
done
