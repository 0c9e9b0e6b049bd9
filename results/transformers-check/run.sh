#!/bin/bash
# Loads `xlt pretrain` outputs of every layout with Hugging Face transformers and compares the *ForMaskedLM
# logits with a plain-torch forward (scripts/check_mlm_output.py). Needs a python with torch >= 2.5 and
# transformers, e.g.: python3 -m venv /tmp/hf && /tmp/hf/bin/pip install torch transformers safetensors numpy
# Usage: bash results/transformers-check/run.sh /tmp/hf/bin/python > results/transformers-check/output.txt
set -euo pipefail
PY=${1:?usage: run.sh PYTHON}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
F=$ROOT/test/fixtures
X="node $ROOT/dist/cli/xlt.js"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# Dawn prints two limit warnings when stderr is a file: not ours, dropped here
quiet() { "$@" 2>&1 | { grep -v "^Warning: max" || true; } | sed "s|$W/||g"; }
# short UD EWT sentences (the tiny fixtures' vocabularies split words into many pieces)
{ grep "^# text = " "$ROOT/../shared/data/ud/UD_English-EWT/en_ewt-ud-train.conllu" | sed 's/^# text = //' | awk 'length($0)<40 && length($0)>5' | head -150 > "$W/s.txt"; } || true  # head closes the pipe early
"$PY" -c 'import torch, transformers; print(f"# torch {torch.__version__}, transformers {transformers.__version__}")'
for a in bert roberta distilbert; do
  tok=$F/tiny-bert; [ $a = roberta ] && tok=$F/tiny-xlmr; [ $a = distilbert ] && tok=$F/tiny-distilbert
  echo "## xlt pretrain --size tiny --arch $a"
  quiet $X pretrain --train "$W/s.txt" --tokenizer "$tok" --size tiny --arch $a --steps 3 --batch-size 4 --max-length 64 --quiet --out "$W/$a"
  "$PY" "$ROOT/scripts/check_mlm_output.py" "$W/$a" 2>/dev/null
done
echo "## xlt pretrain --config tiny-xlmr/config.json (XLMRobertaForMaskedLM)"
quiet $X pretrain --config "$F/tiny-xlmr/config.json" --tokenizer "$F/tiny-xlmr" --train "$W/s.txt" --steps 3 --batch-size 4 --max-length 64 --quiet --out "$W/xlmr"
"$PY" "$ROOT/scripts/check_mlm_output.py" "$W/xlmr" 2>/dev/null
echo "## xlt pretrain --objective xlm (language embeddings: HF's class loads the rest and reports them as unexpected)"
quiet $X derive --transform trans --model "$F/tiny-xlmr" --input "$W/s.txt" --out "$W/deriv"
quiet $X pretrain --objective xlm --model "$W/deriv" --train "$W/s.txt" --derived "$W/deriv/s.txt" --steps 3 --batch-size 4 --max-length 64 --quiet --out "$W/xlm"
"$PY" "$ROOT/scripts/check_mlm_output.py" "$W/xlm" 2>/dev/null | grep '^ok\|^FAIL\|^skip'
