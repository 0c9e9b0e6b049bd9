#!/usr/bin/env python3
"""Checks that Hugging Face `tokenizers` (Python) gives the ids xlt gives, for tokenizer.json files xlt wrote
or reads (e.g. the doubled byte-level BPE tokenizer of `xlt derive --transform trans`).

    PYTHONPATH=... python3 scripts/check_hf_ids.py CASES.json

CASES.json is a list of objects, each with "tokenizer" (a directory holding tokenizer.json), "ids" (what
xlt gave, special tokens included) and either "words" (pre-split words: HF's is_pretokenized=True, as xlt's
encodeWords) or "text" (one string, encoded whole). Prints one line per mismatch and exits 1 if there is
any, 2 if `tokenizers` cannot be imported; 0 and a summary line otherwise.
"""
import json
import os
import sys

try:
    from tokenizers import Tokenizer
except ImportError:
    print("check_hf_ids.py: the Python package `tokenizers` is not importable (set PYTHONPATH or pip install tokenizers)", file=sys.stderr)
    sys.exit(2)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    loaded = {}
    bad = 0
    for k, c in enumerate(cases):
        d = c["tokenizer"]
        if d not in loaded:
            loaded[d] = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
        tok = loaded[d]
        if "words" in c:
            got = tok.encode(c["words"], is_pretokenized=True).ids
            what = " ".join(c["words"])
        else:
            got = tok.encode(c["text"]).ids
            what = c["text"]
        if got != c["ids"]:
            bad += 1
            print(f"case {k} ({d}): {what[:80]!r}: HF {got[:40]} != xlt {c['ids'][:40]}")
    print(f"check_hf_ids.py: {len(cases) - bad} of {len(cases)} cases give xlt's ids in tokenizers {__import__('tokenizers').__version__}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
