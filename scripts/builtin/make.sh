#!/usr/bin/env bash
# Makes builtin/, the default model and data of `xlt realign`, `xlt run` and `xlt profile`, from the UD PUD
# treebanks (19 languages), XQuAD's paragraphs (12 languages) and UD English EWT (CC BY-SA;
# builtin/ATTRIBUTION.md). These are the exact commands that made the shipped files. A rerun on the same
# kind of machine reproduces the shipped weights bit for bit (Node and Deno give the same bits there); on
# another CPU, lavapipe compiles the kernels for other instructions (FMA contraction), which may change the
# last bits.
# Usage: bash scripts/builtin/make.sh [SHARED_DATA]   (default ../shared/data: ud/ and xquad/ inside)
# Time: the pre-training (2,000 steps of 32 × 128 tokens) took 1 h 25 min on a 2-core AMD EPYC VM with the
# software Vulkan adapter (Node), beside other work at load 6-13: steps 1-400 in 1,294 s, then (the process was
# stopped and resumed with --resume, which continues bit for bit) 401-2,000 in 3,796 s. The rest: a few minutes.
# Final MLM loss 6.2 (first 10% of steps 8.8); the loss was still falling slowly when the schedule ended. The
# log of that run, one line per step, is results/builtin-model/pretrain.jsonl (its `elapsed` restarts at
# step 401, where it was resumed). A full rerun of this script (2026-12-06) made byte-identical weights in
# 76 min, partly beside other jobs; alone the pre-training runs at about 1.8 s a step (about an hour).
# scripts/builtin/check.sh checks this recipe in 7 minutes: steps 1, 2 and 4 in full and the first 210
# pre-training steps, bit for bit (results/builtin-model/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
cd "$ROOT"
XLT="node bin/xlt.js"
source scripts/builtin/recipe.sh
WORK="$(mktemp -d "$ROOT/.builtin-make.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. Data: PUD sentences 1-800 (19 languages) and XQuAD's paragraphs for pre-training; PUD 1-800 for the
#    realignment pairs (en-de, en-fr, en-ar) and, with EWT's first 4000 train sentences, English POS
#    training; PUD 801-1000 held out as the POS test sets (en, de, fr, ar).
node scripts/builtin/extract.mjs "$DATA/ud" "$DATA/xquad" "$WORK/data"
# 2. A cased WordPiece vocabulary of 16k pieces on the pre-training text (VOCAB_ARGS in recipe.sh).
$XLT vocab "${VOCAB_ARGS[@]}" --corpus "$WORK/data/pretrain.txt" --out "$WORK/tok"
# 3. Plain MLM pre-training from scratch: BERT, 4 layers, hidden 128, 4 heads, FFN 512 (PRETRAIN_ARGS).
$XLT pretrain "${PRETRAIN_ARGS[@]}" --tokenizer "$WORK/tok" --train "$WORK/data/pretrain.txt" --out "$WORK/model" \
  --log "$WORK/pretrain.jsonl"
# the checkpoint directory is the model's weights, config and run.json; add the tokenizer, drop the resume
# state; the pre-training text is not shipped (step 1 rewrites it)
cp "$WORK/tok/tokenizer.json" "$WORK/tok/tokenizer_config.json" "$WORK/model/"
rm -rf "$WORK/model/checkpoint" "$WORK/data/pretrain.txt"
# 4. Word links of the realignment pairs (LINK_LANGS) from xlt's own fast_align.
for L in "${LINK_LANGS[@]}"; do
  $XLT align --method fastalign --pairs "$WORK/data/pairs.en-$L.txt" --out "$WORK/data/align.en-$L.txt"
done
# Replace builtin/model and builtin/data (only these; ATTRIBUTION.md and the licenses stay).
mkdir -p builtin
for D in model data; do
  rm -rf "builtin/$D.old"
  [ -e "builtin/$D" ] && mv "builtin/$D" "builtin/$D.old"
  mv "$WORK/$D" "builtin/$D"
  rm -rf "builtin/$D.old"
done
mkdir -p results/builtin-model
mv "$WORK/pretrain.jsonl" results/builtin-model/pretrain.jsonl
