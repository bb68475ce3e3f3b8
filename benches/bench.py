#!/usr/bin/env python3
"""mizan's benchmark, run by hand (never as a test): extractor throughput and the speed-up from
--jobs 1 to --jobs 2, and the scorers side by side with their peers in one run.

    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install nervaluate==1.2.1 seqeval==1.2.2
    cargo build --release
    /tmp/bench-venv/bin/python benches/bench.py --mizan target/release/mizan \
        --corpora ../shared/datasets [--repeat 40] [--rounds 3]

Prints Markdown tables for docs/performance.md. Times are the best of --rounds runs; compare
ratios, not absolute times: the machines are shared and noisy.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time


def best_of(rounds, fn):
    best = float("inf")
    result = None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(cmd, **kw):
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stderr.decode()}")
    return done


def read_conll(path):
    sentences, current = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            token, tag = line.rsplit(" ", 1)
            current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def perturb(tags, rng):
    """A plausible tagger's output: most tags kept, some types swapped, some entities dropped."""
    out = list(tags)
    for i, tag in enumerate(out):
        r = rng.random()
        if tag != "O" and r < 0.08:
            out[i] = tag[:2] + rng.choice(["PERS", "LOC", "ORG", "MISC"])
        elif tag != "O" and r < 0.14:
            out[i] = "O"
        elif tag == "O" and r < 0.01:
            out[i] = "B-" + rng.choice(["PERS", "LOC", "ORG", "MISC"])
    # Keep the sequence valid IOB2, so conlleval and seqeval agree.
    for i, tag in enumerate(out):
        if tag.startswith("I-") and (i == 0 or out[i - 1] == "O" or out[i - 1][2:] != tag[2:]):
            out[i] = "B-" + tag[2:]
    return out


def chunks(tags):
    spans, start, kind = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != kind):
            spans.append((start, i, kind))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, kind = i, tag[2:]
    return spans


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mizan", required=True)
    parser.add_argument("--corpora", required=True)
    parser.add_argument("--repeat", type=int, default=40, help="copies of ANERcorp test (~25k tokens each)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    mizan = os.path.abspath(args.mizan)
    work = tempfile.mkdtemp(prefix="mizan-bench-")
    rng = random.Random(2026)
    sentences = read_conll(os.path.join(args.corpora, "anercorp/ANERCorp_CamelLab_test.txt"))

    # One article per sentence, the test set repeated; gold and perturbed predictions as spans.
    articles, gold, pred, token_lines = [], [], [], []
    tokens = 0
    for copy in range(args.repeat):
        for k, sentence in enumerate(sentences):
            words = [w for w, _ in sentence]
            tags = [t for _, t in sentence]
            guess = perturb(tags, rng)
            starts, offset = [], 0
            for w in words:
                starts.append(offset)
                offset += len(w) + 1
            aid = f"c{copy:03d}-s{k:04d}"
            articles.append({"id": aid, "text": " ".join(words)})
            for side, seq in ((gold, tags), (pred, guess)):
                for s, e, kind in chunks(seq):
                    side.append({"article_id": aid, "start": starts[s], "end": starts[e - 1] + len(words[e - 1]), "label": kind})
            tokens += len(words)
            if copy < 4:
                token_lines.extend(f"{w} {t} {g}" for w, t, g in zip(words, tags, guess))
                token_lines.append("")
    paths = {}
    for name, rows in (("articles", articles), ("gold", gold), ("pred", pred)):
        paths[name] = os.path.join(work, f"{name}.jsonl")
        with open(paths[name], "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    paths["conll"] = os.path.join(work, "tagged.txt")
    with open(paths["conll"], "w", encoding="utf-8") as f:
        f.write("\n".join(token_lines) + "\n")

    print(f"Data: ANERcorp test ×{args.repeat}: {len(articles):,} articles, {tokens:,} tokens, "
          f"{len(gold):,} gold spans, {len(pred):,} predicted spans.\n")

    # Extractor throughput, from the report's own timing of the extraction phase.
    print("| extractor | --jobs | extraction (s) | tokens/s | speed-up | whole run (s) |")
    print("|---|---:|---:|---:|---:|---:|")
    for extractor in ("gazetteer", "news-rules"):
        one = None
        for jobs in (1, 2):
            out = os.path.join(work, f"run-{extractor}-{jobs}")
            extraction = []

            def once():
                run([mizan, "--quiet", "run", "--articles", paths["articles"], "--gold", paths["gold"],
                     "-e", extractor, "--jobs", str(jobs), "--bootstrap", "0", "--out", out])
                with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
                    extraction.append(json.load(f)["extractors"][extractor]["timing"]["seconds"])

            wall, _ = best_of(args.rounds, once)
            seconds = min(extraction)
            one = one or seconds
            print(f"| {extractor} | {jobs} | {seconds:.2f} | {tokens / seconds:,.0f} | {one / seconds:.2f}× | {wall:.2f} |")

    # Scorers side by side: the same spans, the same machine, the same run.
    print("\n| task | mizan (s) | peer | peer (s) | peer / mizan |")
    print("|---|---:|---|---:|---:|")
    mizan_score, _ = best_of(args.rounds, lambda: run([mizan, "score", "--gold", paths["gold"], "--pred", paths["pred"], "--json", "--bootstrap", "0"]))
    try:
        from nervaluate import Evaluator

        by_article = {}
        for side, rows in (("gold", gold), ("pred", pred)):
            for row in rows:
                by_article.setdefault(row["article_id"], {"gold": [], "pred": []})[side].append(
                    {"label": row["label"], "start": row["start"], "end": row["end"] - 1})
        ids = sorted(by_article)
        true = [by_article[i]["gold"] for i in ids]
        guess = [by_article[i]["pred"] for i in ids]
        labels = ["PERS", "LOC", "ORG", "MISC"]

        def nervaluate_run():
            # Reading the same JSONL files is part of the work, as it is for mizan.
            for name in ("gold", "pred"):
                with open(paths[name], encoding="utf-8") as f:
                    [json.loads(line) for line in f]
            return Evaluator(true, guess, tags=labels, loader="dict").evaluate()

        peer, _ = best_of(args.rounds, nervaluate_run)
        print(f"| span scoring, 4 schemes + per label | {mizan_score:.2f} | nervaluate 1.2.1 | {peer:.2f} | {peer / mizan_score:.1f}× |")
    except ImportError:
        print("| span scoring | {mizan_score:.2f} | nervaluate not installed | | |")
    mizan_conll, _ = best_of(args.rounds, lambda: run([mizan, "conlleval", paths["conll"]]))
    try:
        from seqeval.metrics import classification_report
        from seqeval.scheme import IOB2

        def seqeval_run():
            y_true, y_pred, t, p = [], [], [], []
            with open(paths["conll"], encoding="utf-8") as f:
                for line in f:
                    line = line.rstrip("\n")
                    if not line:
                        if t:
                            y_true.append(t)
                            y_pred.append(p)
                            t, p = [], []
                        continue
                    _, gt, gp = line.rsplit(" ", 2)
                    t.append(gt)
                    p.append(gp)
            return classification_report(y_true, y_pred, mode="strict", scheme=IOB2, digits=4)

        peer, _ = best_of(args.rounds, seqeval_run)
        n = sum(1 for line in token_lines if line)
        print(f"| CoNLL chunk scoring ({n:,} tokens) | {mizan_conll:.2f} | seqeval 1.2.2 strict IOB2 | {peer:.2f} | {peer / mizan_conll:.1f}× |")
    except ImportError:
        print(f"| CoNLL chunk scoring | {mizan_conll:.2f} | seqeval not installed | | |")


if __name__ == "__main__":
    main()
