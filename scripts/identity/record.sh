#!/usr/bin/env bash
# Behaviour record of the training commands on fixed seeds: runs realign, finetune (pos with a dev set and a
# resume, qa, pos --realign-during), pretrain (mlm, align-mlm, xlm, dict-mlm), an `xlt run` grid and an
# `xlt run --study align-mlm` cell pair, each a few steps on the test fixtures, on Node (dist/) and Deno
# (the .ts sources), and writes one "sha256  runtime/path" line per output file to OUTFILE
# (scripts/identity/normalize.mjs leaves the wall-clock timings out of JSON files). Two commits behave
# alike on these runs exactly when `diff` of their records is empty.
# Usage: scripts/identity/record.sh OUTFILE   (from the repository root; builds dist/ first)
set -euo pipefail
OUTFILE=$(realpath -m "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
npx tsc -p tsconfig.json
W=$(mktemp -d /tmp/xlt-identity.XXXXXX)
[ -n "${KEEP:-}" ] && echo "outputs kept in $W" || trap 'rm -rf "$W"' EXIT
FX=$ROOT/test/fixtures
TINY=$FX/tiny-bert
DATA=$(realpath ../shared/data)
EWT=$DATA/ud/UD_English-EWT/en_ewt-ud-train.conllu

# inputs, the same for every runtime
IN=$W/in
mkdir -p "$IN"
node -e '
const fs = require("fs"), [fx, ewt, xquad, dir] = process.argv.slice(1);
const en = fs.readFileSync(fx + "/parallel-tiny.txt", "utf8").trim().split("\n").map((l) => l.split(" ||| ")[0]);
fs.writeFileSync(dir + "/en.txt", Array.from({ length: 4 }, () => en).flat().join("\n") + "\n");
const sents = fs.readFileSync(ewt, "utf8").split(/\n\s*\n/).filter((s) => s.trim());
const words = (s) => s.split("\n").filter((l) => /^\d+\t/.test(l)).map((l) => l.split("\t")[1]).join(" ");
fs.writeFileSync(dir + "/corpus.txt", sents.slice(0, 300).map(words).join("\n") + "\n");
fs.writeFileSync(dir + "/train.conllu", sents.slice(0, 16).join("\n\n") + "\n\n");
fs.writeFileSync(dir + "/dev.conllu", sents.slice(300, 306).join("\n\n") + "\n\n");
const d = JSON.parse(fs.readFileSync(xquad, "utf8"));
fs.writeFileSync(dir + "/qa.json", JSON.stringify({ version: d.version, data: [{ ...d.data[0], paragraphs: d.data[0].paragraphs.slice(0, 1) }] }));
' "$FX" "$EWT" "$DATA/xquad/xquad.en.json" "$IN"
node bin/xlt.js derive --transform trans --model "$TINY" --input "$IN/en.txt" --out "$IN/deriv" >/dev/null

for RT in node deno; do
  if [ $RT = node ]; then X=(node "$ROOT/bin/xlt.js"); else X=("$ROOT/node_modules/deno/deno" run -A "$ROOT/cli/xlt.ts"); fi
  O=$W/$RT
  mkdir -p "$O"
  xlt() { "${X[@]}" "$@" --quiet >/dev/null; }
  PAIRS=(--pairs "$FX/parallel-tiny.txt" --aligner fastalign)
  # realign: the built-in model and data; tiny-bert with a checkpoint, a resume, --dump-grads and --log
  xlt realign --steps 3 --batch-size 4 --max-length 32 --checkpoint-every 2 --log "$O/realign-builtin.jsonl" --out "$O/realign-builtin"
  xlt realign --model "$TINY" "${PAIRS[@]}" --freeze lower --projection 16 --batch-size 4 --steps 3 --lr 1e-3 --seed 3 \
    --checkpoint-every 2 --log "$O/realign-tiny.jsonl" --dump-grads "$O/realign-grads.safetensors" --out "$O/realign-tiny"
  xlt realign --model "$TINY" "${PAIRS[@]}" --freeze lower --projection 16 --batch-size 4 --steps 4 --lr 1e-3 --seed 3 \
    --checkpoint-every 2 --log "$O/realign-tiny.jsonl" --out "$O/realign-tiny" --resume
  # finetune: pos (2 epochs, dev set, micro-batches, checkpoint and resume), qa, pos --realign-during
  FT=(finetune --task pos --model "$TINY" --train "$IN/train.conllu" --limit 8 --batch-size 4 --micro-batch 2 --epochs 2 --lr 1e-3 --max-length 32 --seed 5)
  xlt "${FT[@]}" --dev "$IN/dev.conllu" --checkpoint-every 3 --log "$O/ft-pos.jsonl" --out "$O/ft-pos"
  xlt "${FT[@]}" --dev "$IN/dev.conllu" --checkpoint-every 3 --log "$O/ft-pos.jsonl" --out "$O/ft-pos" --resume
  xlt finetune --task qa --model "$TINY" --train "$IN/qa.json" --epochs 1 --batch-size 8 --lr 1e-3 --seed 5 --log "$O/ft-qa.jsonl" --out "$O/ft-qa"
  xlt "${FT[@]}" --realign-during "${PAIRS[@]}" --realign-batch-size 4 --freeze upper --checkpoint-every 2 --log "$O/ft-during.jsonl" --out "$O/ft-during"
  # pretrain: mlm from scratch (dump, checkpoint, resume), then the three objectives on the derived tiny-bert;
  # the resume redoes step 3 from the step-2 checkpoint (the same --steps: the schedule depends on it)
  PT=(pretrain --train "$IN/en.txt" --tokenizer "$TINY" --size tiny --arch bert --batch-size 4 --micro-batch 2 --max-length 16 --seed 9)
  xlt "${PT[@]}" --steps 3 --checkpoint-every 2 --dump-grads "$O/pt-grads.safetensors" --log "$O/pt-mlm.jsonl" --out "$O/pt-mlm"
  xlt "${PT[@]}" --steps 3 --checkpoint-every 2 --log "$O/pt-mlm.jsonl" --out "$O/pt-mlm" --resume
  for OBJ in align-mlm xlm dict-mlm; do
    xlt pretrain --objective $OBJ --model "$IN/deriv" --train "$IN/en.txt" --derived "$IN/deriv/en.txt" --steps 3 --batch-size 4 --max-length 16 \
      --seed 9 --log "$O/pt-$OBJ.jsonl" --out "$O/pt-$OBJ"
  done
  # xlt run: a baseline, a realigned and a joint cell; the ALIGN-MLM study: an mlm and an xlm cell
  xlt run --model "$TINY" --task pos --train "$IN/train.conllu" --test "en=$IN/dev.conllu" "${PAIRS[@]}" --strategies baseline,full,during \
    --seeds 1 --realign-steps 2 --epochs 1 --train-limit 8 --batch-size 8 --align-pairs 8 --keep-models --out "$O/grid"
  xlt run --study align-mlm --objectives mlm,xlm --transforms trans --seeds 7 --corpus "$IN/corpus.txt" --tokenizer "$TINY" \
    --train "$IN/train.conllu" --test "$IN/dev.conllu" --size tiny --arch bert --pretrain-steps 2 --pretrain-batch-size 4 --max-length 16 \
    --epochs 1 --batch-size 8 --finetune-lr 1e-3 --keep-models --out "$O/study"
done

{ node scripts/identity/normalize.mjs "$W/node" "$W" | sed 's|  |  node/|'; node scripts/identity/normalize.mjs "$W/deno" "$W" | sed 's|  |  deno/|'; } > "$OUTFILE"
wc -l "$OUTFILE"
