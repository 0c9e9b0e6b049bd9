#!/bin/bash
# The small-scale ALIGN-MLM reproduction (results/align-mlm-small/README.md): MLM vs ALIGN-MLM, Trans and
# Trans+Inv, POS, a tiny RoBERTa pre-trained on UD English EWT's training sentences (CC BY-SA 4.0; the text is
# not shipped here). Run from the repository root after `npx tsc -p tsconfig.json`; WORK holds the data.
set -euo pipefail
EWT=../shared/data/ud/UD_English-EWT
WORK=${WORK:-/tmp/repro}
mkdir -p "$WORK"
# corpus: the EWT training sentences as their CoNLL-U words, one sentence per line (spaced punctuation, as spec §3.2)
awk -F'\t' '/^#/ {next} NF==0 {if(s!="")print s; s=""; next} $1 ~ /^[0-9]+$/ {s = (s=="" ? $2 : s" "$2)} END{if(s!="")print s}' \
  $EWT/en_ewt-ud-train.conllu > "$WORK/corpus.txt"
# test: the first 600 sentences of EWT test
awk 'BEGIN{RS="";ORS="\n\n"} NR<=600' $EWT/en_ewt-ud-test.conllu > "$WORK/test.conllu"
# a 4,000-entry WordPiece vocabulary (xlt derive's Trans does not support byte-level BPE yet)
node bin/xlt.js vocab --kind wordpiece --corpus "$WORK/corpus.txt" --vocab-size 4000 --out "$WORK/tok"
node bin/xlt.js run --study align-mlm --objectives mlm,align-mlm --transforms trans,trans+inv --seeds 42 \
  --corpus "$WORK/corpus.txt" --tokenizer "$WORK/tok" --task pos --train $EWT/en_ewt-ud-train.conllu --test "$WORK/test.conllu" \
  --size tiny --arch roberta --pretrain-steps 150 --pretrain-batch-size 32 --max-length 64 --pretrain-lr 1e-3 \
  --epochs 2 --train-limit 1000 --finetune-lr 1e-3 --batch-size 32 --out "$WORK/out" "$@"
