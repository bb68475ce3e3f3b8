#!/usr/bin/env python3
"""Differential check of mizan's scorers against the reference implementations.

(a) `mizan score --gold G.jsonl --pred P.jsonl --json` against nervaluate 1.2.1, on random
    span sets in which every gold span overlaps at most one prediction and vice versa: there
    mizan promises nervaluate's counts and figures exactly, overall and per label.
(b) `mizan conlleval --json FILE` against seqeval's strict IOB2 entity classification (the
    code that `classification_report(mode="strict", scheme=IOB2)` runs), on random valid IOB2
    sequences, where conlleval and seqeval agree by construction.

    python differential.py --mizan PATH_TO_MIZAN --cases N --seed S

Each case is one invocation of the binary on a few articles (a) or sentences (b). Prints one
line per check, the first mismatching cases with their inputs, and finally
`differential: P passed, F failed`; exits non-zero on any mismatch. Needs nervaluate==1.2.1
and seqeval in the running interpreter.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

from nervaluate import Evaluator
from seqeval.metrics.v1 import precision_recall_fscore_support
from seqeval.scheme import IOB2, Entities

TOLERANCE = 1e-9
SHOWN_CASES = 3
SHOWN_DIFFS = 12

SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
COUNT_FIELDS = ["correct", "incorrect", "partial", "missed", "spurious", "possible", "actual"]
FIGURE_FIELDS = ["precision", "recall", "f1"]

SPAN_LABELS = ["PER", "LOC", "ORG", "GPE"]
IOB_TYPES = ["PER", "LOC", "ORG", "MISC"]
WORDS = ["قال", "الرئيس", "في", "بيروت", "وزارة", "الخارجية", "عمّان", "يوم"]
WORDS += ["Reuters", "2024", ",", "."]


def run_mizan(mizan, args):
    """Runs the binary and returns (parsed JSON, None) or (None, why it failed)."""
    try:
        done = subprocess.run([mizan, *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"could not run {mizan}: {err}"
    if done.returncode != 0:
        return None, f"exit code {done.returncode}; stderr: {done.stderr.strip()[:2000]}"
    try:
        return json.loads(done.stdout), None
    except json.JSONDecodeError as err:
        return None, f"stdout is not one JSON object ({err}): {done.stdout[:2000]!r}"


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def close(a, b):
    return is_number(a) and abs(a - b) <= TOLERANCE


def same_count(a, b):
    return is_number(a) and a == b


# ---------------------------------------------------------------------------------------------
# (a) span scoring against nervaluate


def span_slot(rng, pos):
    """One stretch of text from `pos` holding at most one gold span and one prediction.

    Returns (gold spans, predicted spans, end of the stretch); spans are (start, end, label)
    with end-exclusive offsets, and nothing in the stretch starts before `pos`.
    """
    label, other = rng.choice(SPAN_LABELS), rng.choice(SPAN_LABELS)
    s = pos + 5
    e = s + rng.randint(1, 12)
    kinds = ["exact"] * 2 + ["overlap"] * 3 + ["missed", "spurious", "touching", "long", "nothing"]
    kind = rng.choice(kinds)
    if kind == "exact":
        gold, pred = [(s, e, label)], [(s, e, other)]
    elif kind == "overlap":
        # Any prediction sharing at least one code point, inside, around or across an edge.
        while True:
            a = rng.randint(s - 3, e - 1)
            b = rng.randint(max(a, s) + 1, e + 3)
            if (a, b) != (s, e):
                break
        gold, pred = [(s, e, label)], [(a, b, other)]
    elif kind == "missed":
        gold, pred = [(s, e, label)], []
    elif kind == "spurious":
        gold, pred = [], [(s, e, other)]
    elif kind == "touching":
        k = rng.randint(1, 5)
        if rng.random() < 0.5:
            gold, pred = [(s, e, label)], [(e, e + k, other)]
        else:
            gold, pred = [(s, e, label)], [(s - k, s, other)]
    elif kind == "long":
        # Gold spans over 100 code points, where nervaluate needs the overlap to be at least 1%
        # of the gold span: cover both sides of that threshold.
        n = rng.randint(101, 400)
        shared = rng.choice([1, 2, 3, 4, n // 100, n // 100 + 1, rng.randint(1, n)])
        e = s + n
        if rng.random() < 0.5:
            a, b = e - shared, e + rng.randint(0, 5)
        else:
            a, b = s - rng.randint(0, 5), s + shared
        if (a, b) == (s, e):
            b += 1
        gold, pred = [(s, e, label)], [(a, b, other)]
    else:
        gold, pred = [], []
    return gold, pred, max([e] + [span[1] for span in gold + pred])


def span_case(rng):
    """A few articles of one-to-one gold and predicted spans, each list in random order."""
    articles = {}
    for number in range(rng.randint(2, 5)):
        gold, pred = [], []
        pos = rng.randint(0, 6)
        for _ in range(rng.randint(0, 8)):
            g, p, end = span_slot(rng, pos)
            gold += g
            pred += p
            # A gap of 0 makes spans of neighbouring slots touch, which must not count as overlap.
            pos = end + rng.choice([0, 0, 1, 2, 5, 20])
        rng.shuffle(gold)
        rng.shuffle(pred)
        articles[f"art-{number + 1}"] = (gold, pred)
    if not any(gold or pred for gold, pred in articles.values()):
        # mizan rejects span files that are both empty as a usage error.
        articles["art-1"][0].append((0, 3, rng.choice(SPAN_LABELS)))
    return articles


def jsonl(articles, side, rng):
    lines = [
        json.dumps({"article_id": aid, "start": s, "end": e, "label": label}, ensure_ascii=False)
        for aid, spans in articles.items()
        for s, e, label in spans[side]
    ]
    rng.shuffle(lines)
    return "".join(line + "\n" for line in lines)


def nervaluate_spans(articles):
    ids = list(articles)
    # nervaluate's ends are inclusive.
    true = [[{"label": l, "start": s, "end": e - 1} for s, e, l in articles[a][0]] for a in ids]
    pred = [[{"label": l, "start": s, "end": e - 1} for s, e, l in articles[a][1]] for a in ids]
    tags = sorted({l for a in ids for side in articles[a] for _, _, l in side})
    return Evaluator(true, pred, tags=tags, loader="dict").evaluate()


def compare_result(diffs, where, got, expected):
    if not isinstance(got, dict):
        diffs.append(f"{where}: missing or not an object in mizan's output")
        return
    for field in COUNT_FIELDS:
        if not same_count(got.get(field), getattr(expected, field)):
            diffs.append(f"{where}.{field}: mizan {got.get(field)!r}, nervaluate {getattr(expected, field)!r}")
    for field in FIGURE_FIELDS:
        if not close(got.get(field), getattr(expected, field)):
            diffs.append(f"{where}.{field}: mizan {got.get(field)!r}, nervaluate {getattr(expected, field)!r}")


def check_spans(mizan, cases, seed, workdir):
    failures, articles_seen, spans_seen = [], 0, 0
    for case in range(cases):
        rng = random.Random(f"{seed}:spans:{case}")
        articles = span_case(rng)
        articles_seen += len(articles)
        spans_seen += sum(len(g) + len(p) for g, p in articles.values())
        gold_text, pred_text = jsonl(articles, 0, rng), jsonl(articles, 1, rng)
        gold_path = os.path.join(workdir, "gold.jsonl")
        pred_path = os.path.join(workdir, "pred.jsonl")
        with open(gold_path, "w", encoding="utf-8") as f:
            f.write(gold_text)
        with open(pred_path, "w", encoding="utf-8") as f:
            f.write(pred_text)

        got, error = run_mizan(mizan, ["score", "--gold", gold_path, "--pred", pred_path, "--json"])
        diffs = []
        if error:
            diffs.append(error)
        else:
            expected = nervaluate_spans(articles)
            overall = got.get("overall") if isinstance(got, dict) else None
            per_label = got.get("per_label") if isinstance(got, dict) else None
            overall = overall if isinstance(overall, dict) else {}
            for ours, theirs in SCHEMES.items():
                compare_result(diffs, f"overall.{ours}", overall.get(ours), expected["overall"][theirs])
            if not isinstance(per_label, dict):
                diffs.append("per_label: missing or not an object in mizan's output")
            else:
                theirs_by_label = expected["entities"]
                if set(per_label) != set(theirs_by_label):
                    diffs.append(
                        f"per_label labels: mizan {sorted(per_label)}, nervaluate {sorted(theirs_by_label)}"
                    )
                for label in sorted(set(per_label) & set(theirs_by_label)):
                    mine = per_label[label] if isinstance(per_label[label], dict) else {}
                    for ours, theirs in SCHEMES.items():
                        where = f"per_label.{label}.{ours}"
                        compare_result(diffs, where, mine.get(ours), theirs_by_label[label][theirs])
        if diffs:
            failures.append((case, diffs, f"--- gold.jsonl\n{gold_text}--- pred.jsonl\n{pred_text}"))
    summary = f"{cases} cases, {articles_seen} articles, {spans_seen} spans"
    return "score vs nervaluate 1.2.1", summary, failures


# ---------------------------------------------------------------------------------------------
# (b) conlleval against seqeval


def iob2_tags(rng, n):
    tags, current = [], None
    for _ in range(n):
        r = rng.random()
        if current and r < 0.35:
            tags.append("I-" + current)
        elif r < 0.65:
            current = rng.choice(IOB_TYPES)
            tags.append("B-" + current)
        else:
            current = None
            tags.append("O")
    return tags


def repair_iob2(tags):
    """Turns every I-X that does not continue an X chunk into B-X, so the sequence is valid."""
    out, current = [], None
    for tag in tags:
        if tag.startswith("I-") and tag[2:] != current:
            tag = "B-" + tag[2:]
        current = tag[2:] if tag != "O" else None
        out.append(tag)
    return out


def guess_from(rng, gold):
    if rng.random() < 0.2:
        return iob2_tags(rng, len(gold))
    guess = list(gold)
    for i in range(len(guess)):
        if rng.random() < 0.2:
            guess[i] = rng.choice(["O", "B-" + rng.choice(IOB_TYPES), "I-" + rng.choice(IOB_TYPES)])
    return repair_iob2(guess)


def iob_case(rng):
    sentences = []
    for _ in range(rng.randint(1, 8)):
        n = rng.randint(1, 15)
        gold = iob2_tags(rng, n)
        sentences.append(([rng.choice(WORDS) for _ in range(n)], gold, guess_from(rng, gold)))
    return sentences


def seqeval_expected(sentences):
    y_true = [g for _, g, _ in sentences]
    y_pred = [p for _, _, p in sentences]
    entities_true, entities_pred = Entities(y_true, IOB2), Entities(y_pred, IOB2)
    types = sorted(entities_true.unique_tags | entities_pred.unique_tags)
    kwargs = {"scheme": IOB2, "zero_division": 0}
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=None, **kwargs)
    mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", **kwargs)
    per_type = {}
    for i, name in enumerate(types):
        t, g = entities_true.filter(name), entities_pred.filter(name)
        per_type[name] = {
            "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
            "gold": len(t), "found": len(g), "correct": len(t & g),
        }
    return {
        "precision": float(mp), "recall": float(mr), "f1": float(mf),
        "phrases": sum(v["gold"] for v in per_type.values()),
        "found": sum(v["found"] for v in per_type.values()),
        "correct": sum(v["correct"] for v in per_type.values()),
        "per_type": per_type,
    }


def compare_conll(diffs, where, got, expected):
    if not isinstance(got, dict):
        diffs.append(f"{where}: missing or not an object in mizan's output")
        return
    for field, value in expected.items():
        if field == "per_type":
            continue
        if field in FIGURE_FIELDS:
            mine = got.get(field)
            if not (is_number(mine) and close(mine / 100.0, value)):
                diffs.append(f"{where}.{field}: mizan {mine!r} (%), seqeval {value!r}")
        elif not same_count(got.get(field), value):
            diffs.append(f"{where}.{field}: mizan {got.get(field)!r}, seqeval {value!r}")


def check_conlleval(mizan, cases, seed, workdir):
    failures, sentences_seen = [], 0
    for case in range(cases):
        rng = random.Random(f"{seed}:conll:{case}")
        sentences = iob_case(rng)
        sentences_seen += len(sentences)
        text = "\n".join(
            "".join(f"{w} {g} {p}\n" for w, g, p in zip(*sentence)) for sentence in sentences
        )
        path = os.path.join(workdir, "tagged.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

        got, error = run_mizan(mizan, ["conlleval", "--json", path])
        diffs = []
        if error:
            diffs.append(error)
        else:
            expected = seqeval_expected(sentences)
            compare_conll(diffs, "overall", got, expected)
            per_type = got.get("per_type") if isinstance(got, dict) else None
            if not isinstance(per_type, dict):
                diffs.append("per_type: missing or not an object in mizan's output")
            else:
                if set(per_type) != set(expected["per_type"]):
                    diffs.append(
                        f"per_type types: mizan {sorted(per_type)}, seqeval {sorted(expected['per_type'])}"
                    )
                for name in sorted(set(per_type) & set(expected["per_type"])):
                    compare_conll(diffs, f"per_type.{name}", per_type[name], expected["per_type"][name])
        if diffs:
            failures.append((case, diffs, f"--- tagged.txt (token gold guess)\n{text}"))
    summary = f"{cases} cases, {sentences_seen} sentences"
    return "conlleval vs seqeval (strict, IOB2)", summary, failures


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mizan", required=True, help="path to the mizan binary")
    parser.add_argument("--cases", type=int, default=200, help="random cases per check")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not os.access(args.mizan, os.X_OK):
        print(f"differential: {args.mizan} is not an executable file", file=sys.stderr)
        return 2

    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="mizan-differential-") as workdir:
        for check in (check_spans, check_conlleval):
            name, summary, failures = check(args.mizan, args.cases, args.seed, workdir)
            verdict = "ok" if not failures else f"FAILED in {len(failures)} cases"
            print(f"{name}: {summary}, seed {args.seed}: {verdict}")
            for case, diffs, inputs in failures[:SHOWN_CASES]:
                print(f"  case {case} (seed {args.seed}):")
                for diff in diffs[:SHOWN_DIFFS]:
                    print(f"    {diff}")
                if len(diffs) > SHOWN_DIFFS:
                    print(f"    ... and {len(diffs) - SHOWN_DIFFS} more")
                print("    " + inputs.rstrip("\n").replace("\n", "\n    "))
            if failures:
                failed += 1
            else:
                passed += 1
    print(f"differential: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
