#!/usr/bin/env python3
"""Independent POS scorer for a gold and a system CoNLL-U file (standard library only).

Prints one JSON object with the two figures `xlt evaluate --task pos` reports:
  rows:  UPOS accuracy over every token line (integer IDs, multi-word ranges N-M, empty nodes N.M),
         the way the papers' data loader (HF universal_dependencies) counts them;
  words: UD's official word-level UPOS as conll18_ud_eval.py ("eval.py") computes it: over syntactic
         words (integer IDs; multi-word tokens expanded, empty nodes ignored), gold and system words
         aligned on their character spans, F1 of (aligned words with equal UPOS) over gold and system
         word counts.
The alignment here handles the case xlt produces (identical tokenization, checked: the scorer stops
with an error otherwise), where every word aligns with the word at the same position and F1 equals
accuracy.

On xlt's predictions for the English, Czech and German PUD treebanks (multi-word tokens and empty
nodes), `words` equals the UPOS F1 of UD's eval.py (UniversalDependencies/tools, 2024-11-12 version).
test/aligners_cli.test.ts also runs eval.py when UD_EVAL_PY names a copy.

Usage: python3 scripts/score/ud_upos.py GOLD.conllu SYSTEM.conllu
"""
import json
import re
import sys


def read(path):
    rows, words = [], []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                sys.exit(f"{path}:{n}: expected 10 columns, found {len(cols)}")
            rows.append((cols[0], cols[1], cols[3]))
            if re.fullmatch(r"[1-9][0-9]*", cols[0]):
                words.append((cols[1], cols[3]))
    return rows, words


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    gold_rows, gold_words = read(sys.argv[1])
    sys_rows, sys_words = read(sys.argv[2])
    if [r[:2] for r in gold_rows] != [r[:2] for r in sys_rows]:
        sys.exit("gold and system token lines differ (IDs or forms): this scorer needs identical tokenization")
    if [w[0] for w in gold_words] != [w[0] for w in sys_words]:
        sys.exit("gold and system words differ: this scorer needs identical tokenization")
    row_ok = sum(g[2] == s[2] for g, s in zip(gold_rows, sys_rows))
    word_ok = sum(g[1] == s[1] for g, s in zip(gold_words, sys_words))
    precision = word_ok / len(sys_words) if sys_words else 0.0
    recall = word_ok / len(gold_words) if gold_words else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(json.dumps({
        "rows": {"correct": row_ok, "total": len(gold_rows), "accuracy": row_ok / len(gold_rows) if gold_rows else 0.0},
        "words": {"correct": word_ok, "gold": len(gold_words), "system": len(sys_words), "f1": f1},
    }))


if __name__ == "__main__":
    main()
