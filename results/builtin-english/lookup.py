#!/usr/bin/env python3
"""A most-frequent-tag lookup on the built-in POS split (results/builtin-english/README.md): each test word gets
the tag it had most often in the first N training sentences (exact form, then lower-cased); an unseen word is
PROPN if capitalised, NUM if it holds a digit, else NOUN. What a model without context reaches on this test.
Usage: python3 lookup.py TRAIN.conllu TEST.conllu N [N ...]"""
import sys
from collections import Counter, defaultdict


def sentences(path):
    out, cur = [], []
    for line in open(path, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) > 3 and cols[0].isdigit():
            cur.append((cols[1], cols[3]))
        elif not line.strip() and cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def guess_unseen(w):
    return "PROPN" if w[:1].isupper() else "NUM" if any(c.isdigit() for c in w) else "NOUN"


train, test = sentences(sys.argv[1]), sentences(sys.argv[2])
for n in map(int, sys.argv[3:]):
    tags = defaultdict(Counter)
    for s in train[:n]:
        for w, t in s:
            tags[w][t] += 1
            tags[w.lower()][t] += 1
    words = [(w, t) for s in test for w, t in s]
    seen = [w in tags or w.lower() in tags for w, _ in words]
    pred = [(tags[w] or tags[w.lower()]).most_common(1)[0][0] if k else guess_unseen(w) for (w, _), k in zip(words, seen)]
    ok = [p == t for p, (_, t) in zip(pred, words)]
    unseen = [o for o, k in zip(ok, seen) if not k]
    print(f"first {n} training sentences: accuracy {100 * sum(ok) / len(ok):.1f}% on {len(ok)} test words; "
          f"{100 * len(unseen) / len(ok):.1f}% unseen, {100 * sum(unseen) / max(len(unseen), 1):.1f}% of those right")
