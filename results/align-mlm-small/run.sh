#!/bin/bash
# The small-scale ALIGN-MLM reproduction (results/align-mlm-small/README.md): MLM vs ALIGN-MLM, Trans and
# Trans+Inv, POS, a tiny RoBERTa pre-trained on UD English EWT's training sentences (CC BY-SA 4.0; the text is
# not shipped here). Run from the repository root after `npx tsc -p tsconfig.json`; WORK holds the data.
# VOCAB=bpe trains a byte-level BPE vocabulary instead of WordPiece (bpe/run.sh, the BPE variant, sets it).
# OBJECTIVES, TRANSFORMS, PRETRAIN_STEPS, SEEDS and OUT_DIR narrow or change the grid (results/align-mlm-scale/run.sh sets them);
# other extra arguments are passed on to `xlt run` (each option may be given once).
set -euo pipefail
EWT=../shared/data/ud/UD_English-EWT
WORK=${WORK:-/tmp/repro}
VOCAB=${VOCAB:-wordpiece}
mkdir -p "$WORK"
# The data are prepared once per WORK and written under a temporary name, then renamed, so that parallel
# `--cell K` jobs never read a half-written corpus or train the vocabulary twice into the same folder.
# corpus: the EWT training sentences as their CoNLL-U words, one sentence per line (spaced punctuation, as spec §3.2)
if [ ! -e "$WORK/corpus.txt" ]; then
  awk -F'\t' '/^#/ {next} NF==0 {if(s!="")print s; s=""; next} $1 ~ /^[0-9]+$/ {s = (s=="" ? $2 : s" "$2)} END{if(s!="")print s}' \
    $EWT/en_ewt-ud-train.conllu > "$WORK/corpus.txt.tmp$$"
  mv "$WORK/corpus.txt.tmp$$" "$WORK/corpus.txt"
fi
# test: the first 600 sentences of EWT test
if [ ! -e "$WORK/test.conllu" ]; then
  awk 'BEGIN{RS="";ORS="\n\n"} NR<=600' $EWT/en_ewt-ud-test.conllu > "$WORK/test.conllu.tmp$$"
  mv "$WORK/test.conllu.tmp$$" "$WORK/test.conllu"
fi
# a 4,000-entry vocabulary trained on the corpus: WordPiece (the main run) or byte-level BPE (VOCAB=bpe)
if [ ! -e "$WORK/tok" ]; then
  node bin/xlt.js vocab --kind "$VOCAB" --corpus "$WORK/corpus.txt" --vocab-size 4000 --out "$WORK/tok"
fi
node bin/xlt.js run --study align-mlm --objectives "${OBJECTIVES:-mlm,align-mlm}" --transforms "${TRANSFORMS:-trans,trans+inv}" --seeds "${SEEDS:-42}" \
  --corpus "$WORK/corpus.txt" --tokenizer "$WORK/tok" --task pos --train $EWT/en_ewt-ud-train.conllu --test "$WORK/test.conllu" \
  --size tiny --arch roberta --pretrain-steps "${PRETRAIN_STEPS:-150}" --pretrain-batch-size 32 --max-length 64 --pretrain-lr 1e-3 \
  --epochs 2 --train-limit 1000 --finetune-lr 1e-3 --batch-size 32 --out "${OUT_DIR:-$WORK/out}" "$@"
