#!/bin/bash
# The BPE variant of the small ALIGN-MLM reproduction (results/align-mlm-small/README.md, "BPE variant"):
# run.sh's settings with a 4,000-entry byte-level BPE vocabulary, Trans+Inv only, all four objectives.
# Run from the repository root; WORK (default /tmp/repro-bpe) holds the data. Extra arguments go to `xlt run`
# (--cell K, --merge, --dry-run).
set -euo pipefail
VOCAB=bpe WORK=${WORK:-/tmp/repro-bpe} OBJECTIVES=mlm,align-mlm,xlm,dict-mlm TRANSFORMS=trans+inv \
  exec "$(dirname "$0")/../run.sh" "$@"
