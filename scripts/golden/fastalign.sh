#!/bin/sh
# Reference links for test/cases/aligners.ts from the original fast_align and atools
# (github.com/clab/fast_align, commit cab1e9aac8d3bb02ff5ae58218d8d225a039fa11), built from source:
#   g++ -O2 -std=c++11 -I. src/fast_align.cc src/ttables.cc -o fast_align
#   g++ -O2 -std=c++11 -I. src/atools.cc src/alignment_io.cc -o atools
# Usage: FAST_ALIGN_DIR=/path/with/both/binaries sh scripts/golden/fastalign.sh
# The corpus (test/fixtures/fastalign/corpus.txt) is noisyCorpus(400, 120, 5) of test/cases/aligners.ts.
set -eu
B=${FAST_ALIGN_DIR:?set FAST_ALIGN_DIR to the directory holding fast_align and atools}
D=$(dirname "$0")/../../test/fixtures/fastalign
for opts in "-d -v" "-d -o -v"; do
  tag=$(echo "$opts" | tr -d ' -')
  "$B/fast_align" -i "$D/corpus.txt" $opts > "$D/$tag.fwd" 2>/dev/null
  "$B/fast_align" -i "$D/corpus.txt" $opts -r > "$D/$tag.rev" 2>/dev/null
  "$B/atools" -i "$D/$tag.fwd" -j "$D/$tag.rev" -c grow-diag-final-and > "$D/$tag.gdfa"
done
