#!/bin/bash
# ALIGN-MLM vs MLM under Trans+Inv at three pre-training lengths (results/align-mlm-scale/README.md): the
# same tiny RoBERTa, data and fine-tuning as results/align-mlm-small (its run.sh prepares WORK's corpus,
# test set and vocabulary), pre-trained for 150, 600 and 2,400 steps; one seed (SEEDS=31,42,66 for three). Run from the repository root
# after `npx tsc -p tsconfig.json`: `results/align-mlm-scale/run.sh` (STEPS="150 600" narrows it).
set -euo pipefail
EWT=../shared/data/ud/UD_English-EWT
WORK=${WORK:-/tmp/repro}
OUT=${OUT:-results/align-mlm-scale}
for S in ${STEPS:-150 600 2400}; do
  # one study per length (its cells' settings differ in --pretrain-steps)
  WORK="$WORK" TRANSFORMS=trans+inv PRETRAIN_STEPS="$S" SEEDS="${SEEDS:-42}" OUT_DIR="$OUT/steps-$S" results/align-mlm-small/run.sh "$@"
done
