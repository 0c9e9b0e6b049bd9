#!/bin/bash
# How far English POS gets with the built-in model (results/builtin-english/README.md): the built-in
# experiment's baseline cell (no realignment, seed 42) with more fine-tuning, and the same fine-tuning from an
# untrained model of the same shape (what the 2,000 MLM steps are worth), with the built-in settings on 3 seeds. Run from the repository root after
# `npx tsc -p tsconfig.json`. Each configuration is one `xlt run`; a finished one is skipped on a rerun.
set -euo pipefail
OUT=${OUT:-results/builtin-english}
XLT="node bin/xlt.js"
D=builtin/data
# train-limit epochs fine-tuning-LR; the first line is the built-in default (npx xlt run)
for CFG in "2000 2 1e-3" "4800 2 1e-3" "4800 3 2e-3" "4800 4 2e-3"; do
  set -- $CFG
  $XLT run --strategies baseline --seeds 42 --train-limit "$1" --epochs "$2" --finetune-lr "$3" --quiet \
    --out "$OUT/t$1-e$2-lr$3"
done
# The control: the built-in model's config and tokenizer, weights as initialised (seed 42, LR 0, one step).
if [ ! -e "$OUT/untrained-model/model.safetensors" ]; then
  head -n 64 "$D/pairs.en-de.txt" | sed 's/ ||| .*//' > "$OUT/untrained.txt"
  $XLT pretrain --tokenizer builtin/model --config scripts/builtin/config.json --train "$OUT/untrained.txt" \
    --steps 1 --lr 0 --batch-size 32 --max-length 128 --seed 42 --quiet --out "$OUT/untrained-model"
fi
# the untrained model fine-tuned as the built-in experiment's baseline (3 seeds), and with the longest setting above
untrained() {
$XLT run --model "$OUT/untrained-model" --task pos --train "$D/pos.en-train.conllu" \
  --test "en=$D/pos.en-test.conllu" \
  --test "de=$D/pos.de-test.conllu" --test "fr=$D/pos.fr-test.conllu" --test "ar=$D/pos.ar-test.conllu" \
  --pairs "de=$D/pairs.en-de.txt" --pairs "fr=$D/pairs.en-fr.txt" --pairs "ar=$D/pairs.en-ar.txt" \
  --alignments "de=$D/align.en-de.txt" --alignments "fr=$D/align.en-fr.txt" --alignments "ar=$D/align.en-ar.txt" \
  --align-pairs 300 --strategies baseline --batch-size 32 --quiet "$@"
}
untrained --seeds 31,42,66 --train-limit 2000 --epochs 2 --finetune-lr 1e-3 --out "$OUT/untrained-t2000-e2-lr1e-3"
untrained --seeds 42 --train-limit 4800 --epochs 3 --finetune-lr 2e-3 --out "$OUT/untrained-t4800-e3-lr2e-3"
# the same split without a model: a most-frequent-tag lookup (errors.mjs)
for N in 2000 4800; do
  node "$OUT/errors.mjs" builtin/model "$D/pos.en-train.conllu" "$D/pos.en-test.conllu" "$N"
done > "$OUT/lookup.txt"
# where the best setting above loses its accuracy: its predictions, by word kind, beside the lookup's
if [ ! -e "$OUT/predictions/en.conllu" ]; then
  $XLT finetune --model builtin/model --task pos --train "$D/pos.en-train.conllu" --limit 4800 --epochs 3 --lr 2e-3 \
    --batch-size 32 --seed 42 --quiet --out "$OUT/finetuned"
  $XLT evaluate --model "$OUT/finetuned" --test "en=$D/pos.en-test.conllu" --predictions "$OUT/predictions"
fi
node "$OUT/errors.mjs" builtin/model "$D/pos.en-train.conllu" "$D/pos.en-test.conllu" 4800 "$OUT/predictions/en.conllu" > "$OUT/errors.md"
