#!/bin/bash
# Diagnostic for the BPE variant's BZ (README, "BPE variant"): each cell's original-language POS model on the
# derived test, with the language id the study feeds (3 for XLM / DICT-MLM, none for MLM / ALIGN-MLM) and, for
# XLM / DICT-MLM, with the original id 2 instead; prints accuracy, the four most predicted tags, and the accuracy
# an independent guess with the same predicted-tag frequencies would get (sum over tags of p_pred · p_gold).
# Needs the models: run the cells again with `bpe/run.sh --cell K --keep-models --out "$WORK/out-keep"` first.
# Run from the repository root.
set -euo pipefail
WORK=${WORK:-/tmp/repro-bpe}
K=$WORK/out-keep
GOLD=$K/derived/trans-inv/test.task
freq='$1 ~ /^[0-9]+$/ {c[$4]++; n++} END {for (t in c) printf "%s %.1f\n", t, 100*c[t]/n}'
for cell in mlm:none align-mlm:none xlm:3 xlm:2 dict-mlm:3 dict-mlm:2; do
  obj=${cell%%:*}; id=${cell#*:}
  pred=$WORK/zero-shot-$obj-$id
  rm -rf "$pred"
  ids=(); [ "$id" != none ] && ids=(--lang-id "$id")
  acc=$(node bin/xlt.js evaluate --model "$K/cells/$obj-trans+inv-s42/finetuned-orig" --test "der=$GOLD" "${ids[@]}" \
    --predictions "$pred" 2>/dev/null | awk '$1 == "der" {print $3}')
  top=$(awk -F'\t' "$freq" "$pred/der.tsv" | sort -k2 -nr | head -4 | awk '{printf "%s %s%%, ", $1, $2}')
  chance=$(awk -F'\t' 'FNR==NR {if ($1 ~ /^[0-9]+$/) {g[$4]++; n++}; next} $1 ~ /^[0-9]+$/ {p[$4]++; m++}
    END {s = 0; for (t in p) s += (p[t]/m) * (g[t]/n); printf "%.1f", 100*s}' "$GOLD" "$pred/der.tsv")
  echo "$obj | lang id $id | BZ $acc | ${top%, } | independent guess $chance"
done
