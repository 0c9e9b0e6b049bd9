#!/usr/bin/env python3
"""Independent SQuAD v1.1 scorer (standard library only): the logic of the official evaluate-v1.1.py.

Answers are normalised (lower-case; characters of string.punctuation removed; the articles a/an/the
removed with the regex \\b(a|an|the)\\b; white space collapsed with str.split()); exact match and token F1
(bag of normalised tokens) take the maximum over a question's gold answers and are averaged over all
questions of the dataset, a question without a prediction scoring 0 (the official script says so on
stderr). Prints {"exact_match": …, "f1": …} in percent, as the official script does.

Usage: python3 scripts/score/squad_v11.py DATASET.json PREDICTIONS.json
"""
import collections
import json
import re
import string
import sys


def normalize_answer(s):
    s = s.lower()
    exclude = set(string.punctuation)
    s = "".join(ch for ch in s if ch not in exclude)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def f1_score(prediction, ground_truth):
    p = normalize_answer(prediction).split()
    g = normalize_answer(ground_truth).split()
    common = collections.Counter(p) & collections.Counter(g)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(p)
    recall = 1.0 * num_same / len(g)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
    return max(metric_fn(prediction, gt) for gt in ground_truths)


def evaluate(dataset, predictions):
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    print("Unanswered question " + qa["id"] + " will receive score 0.", file=sys.stderr)
                    continue
                ground_truths = [a["text"] for a in qa["answers"]]
                prediction = predictions[qa["id"]]
                exact_match += metric_max_over_ground_truths(exact_match_score, prediction, ground_truths)
                f1 += metric_max_over_ground_truths(f1_score, prediction, ground_truths)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: squad_v11.py DATASET.json PREDICTIONS.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        dataset = json.load(f)["data"]
    with open(sys.argv[2], encoding="utf-8") as f:
        predictions = json.load(f)
    print(json.dumps(evaluate(dataset, predictions)))


if __name__ == "__main__":
    main()
