#!/usr/bin/env python3
"""Differential check of `mizan agree` against independent implementations: token-level
Cohen's kappa against scikit-learn's `cohen_kappa_score`, Krippendorff's alpha (nominal)
against the `krippendorff` package, on the token labels mizan itself reports
(`mizan agree … --tokens FILE`), so that only the coefficients are compared.

    python agreement.py --mizan PATH_TO_MIZAN [--cases N] [--seed S]

Each case writes a few Arabic articles and two to four annotators' span files with random
agreement (copies with labels changed, spans dropped, boundaries moved, articles left
unannotated), runs the binary, and compares. Prints `agreement: P passed, F failed`; exits
non-zero on any mismatch. Needs scikit-learn, numpy and krippendorff in the interpreter.
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

WORDS = ["قال", "الرئيس", "بشار", "الأسد", "في", "دمشق", "إن", "وزير", "الخارجية", "سيرغي", "لافروف", "زار", "موسكو", "الأمم", "المتحدة", "اليوم", "،", "."]
LABELS = ["PER", "LOC", "ORG", "MISC"]


def make_case(rng, workdir):
    articles = []
    for i in range(rng.randint(2, 6)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 25))]
        articles.append({"id": f"a{i}", "text": " ".join(words)})
    # A reference annotation over word runs, then noisy copies of it.
    reference = []
    for art in articles:
        offsets, at = [], 0
        for w in art["text"].split(" "):
            offsets.append((at, at + len(w)))
            at += len(w) + 1
        k = 0
        while k < len(offsets):
            if rng.random() < 0.3:
                length = rng.randint(1, 3)
                end = min(k + length, len(offsets))
                reference.append({"article_id": art["id"], "start": offsets[k][0], "end": offsets[end - 1][1], "label": rng.choice(LABELS)})
                k = end + 1
            else:
                k += 1
    annotators = []
    for _ in range(rng.randint(2, 4)):
        skip = {a["id"] for a in articles if rng.random() < 0.15}
        spans = []
        for span in reference:
            if span["article_id"] in skip or rng.random() < 0.15:
                continue
            span = dict(span)
            if rng.random() < 0.15:
                span["label"] = rng.choice(LABELS)
            if rng.random() < 0.1 and span["end"] - span["start"] > 2:
                span["end"] -= 1
            spans.append(span)
        annotators.append(spans)
    paths = []
    with open(os.path.join(workdir, "articles.jsonl"), "w", encoding="utf-8") as f:
        for art in articles:
            f.write(json.dumps(art, ensure_ascii=False) + "\n")
    for n, spans in enumerate(annotators):
        path = os.path.join(workdir, f"ann{n}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for span in spans:
                f.write(json.dumps(span, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def close(x, y):
    if x is None or y is None or (isinstance(y, float) and math.isnan(y)):
        return (x is None) == (y is None or (isinstance(y, float) and math.isnan(y)))
    return abs(x - y) < 1e-9


def check(mizan, rng, workdir):
    paths = make_case(rng, workdir)
    tokens = os.path.join(workdir, "tokens.jsonl")
    cmd = [mizan, "agree", *paths, "--articles", os.path.join(workdir, "articles.jsonl"), "--json", "--tokens", tokens, "--layer", "ner"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return [f"mizan failed ({out.returncode}): {out.stderr.strip()}"]
    result = json.loads(out.stdout)
    rows = [json.loads(line) for line in open(tokens, encoding="utf-8")]
    problems = []
    n = len(paths)
    for pair in result["pairs"]:
        i, j = int(pair["a"][3:]), int(pair["b"][3:])
        xs = [r["labels"][i] for r in rows if r["labels"][i] is not None and r["labels"][j] is not None]
        ys = [r["labels"][j] for r in rows if r["labels"][i] is not None and r["labels"][j] is not None]
        got = pair["layers"].get("ner", {}).get("kappa")
        if not xs:
            continue
        if len(set(xs) | set(ys)) == 1:
            want = None  # undefined: scikit-learn warns and returns nan
        else:
            want = float(cohen_kappa_score(xs, ys))
        if not close(got, want):
            problems.append(f"kappa {pair['a']}/{pair['b']}: mizan {got}, scikit-learn {want}")
    labels = sorted({l for r in rows for l in r["labels"] if l is not None})
    code = {l: k for k, l in enumerate(labels)}
    data = np.array([[code[r["labels"][c]] if r["labels"][c] is not None else np.nan for r in rows] for c in range(n)], dtype=float)
    pairable = sum(1 for r in rows if sum(l is not None for l in r["labels"]) >= 2)
    values = {l for r in rows if sum(x is not None for x in r["labels"]) >= 2 for l in r["labels"] if l is not None}
    want = None if pairable == 0 or len(values) < 2 else float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    got = result["alpha"].get("ner")
    if not close(got, want):
        problems.append(f"alpha: mizan {got}, krippendorff {want}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mizan", required=True)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    passed = failed = 0
    for case in range(args.cases):
        with tempfile.TemporaryDirectory() as workdir:
            problems = check(args.mizan, rng, workdir)
        if problems:
            failed += 1
            if failed <= 5:
                print(f"case {case}: " + "; ".join(problems))
        else:
            passed += 1
    print(f"agreement: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
