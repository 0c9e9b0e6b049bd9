#!/bin/bash
# ALIGN-MLM vs MLM under Trans+Inv at three pre-training lengths (results/align-mlm-scale/README.md): the
# same tiny RoBERTa, data and fine-tuning as results/align-mlm-small (its run.sh prepares WORK's corpus,
# test set and vocabulary), pre-trained for 150, 600 and 2,400 steps; one seed. Run from the repository root
# after `npx tsc -p tsconfig.json`: `results/align-mlm-scale/run.sh` (STEPS="150 600" narrows it).
set -euo pipefail
EWT=../shared/data/ud/UD_English-EWT
WORK=${WORK:-/tmp/repro}
OUT=${OUT:-results/align-mlm-scale}
for S in ${STEPS:-150 600 2400}; do
  # --merge-less run per length: each length is its own study (its cells' settings differ in --pretrain-steps)
  WORK="$WORK" results/align-mlm-small/run.sh --transforms trans+inv --pretrain-steps "$S" --out "$OUT/steps-$S" "$@"
done
