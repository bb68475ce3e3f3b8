#!/usr/bin/env python3
"""mizan side by side with the scorers people use today, in one run on one machine.

Run it through scripts/bench-peers.sh, which builds mizan in release, makes the virtual
environment with the peers and finds conlleval.pl. By hand:

    python3 scripts/bench_peers.py --mizan target/release/mizan --corpora "$MIZAN_CORPORA" \
        [--conlleval-pl FILE] [--rounds 5] [--sizes 1,10] [--work DIR]

Inputs are built from ANERcorp's test set (CAMeL Lab split), repeated to 1M (and 10M) tokens,
one article per sentence, with predictions perturbed from the gold by a seeded generator at the
entity level (types swapped, entities dropped, shrunk, stretched into a neighbouring outside
token, or invented on an outside token), so every prediction overlaps at most one gold span:
there the pairing is forced, and mizan, nervaluate, seqeval, conlleval.pl and PyPI's conlleval
must all give the same counts. The script checks that they do (and that `mizan conlleval`'s
output is byte-identical to conlleval.pl's) before it prints any time.

Every command runs as a child process, mizan and its peer alternately, --rounds times; the
table gives the median wall time and the largest peak RSS (getrusage of the child, via wait4).
Peers read the same files as mizan: reading is part of the work.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TYPES = ["PERS", "LOC", "ORG", "MISC"]
SEED = 2026


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


def chunks(tags):
    """(start, end, type) token ranges of IOB tags, conlleval's way (an I after O opens one)."""
    spans, start, kind = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != kind):
            spans.append((start, i, kind))
            start = None
        if tag != "O" and start is None:
            start, kind = i, tag[2:]
    return spans


def perturb(tags, rng):
    """A plausible tagger's output, changed entity by entity so that no predicted entity
    touches two gold ones: the pairing stays forced and every scorer must agree."""
    n = len(tags)
    gold = chunks(tags)
    inside = set(i for s, e, _ in gold for i in range(s, e))
    out = []
    for s, e, kind in gold:
        r = rng.random()
        if r < 0.06:
            continue  # dropped
        if r < 0.12:
            kind = rng.choice([t for t in TYPES if t != kind] or TYPES)
        elif r < 0.17 and e - s >= 2:
            e -= 1  # shrunk
        elif r < 0.22 and e < n and e not in inside and (e + 1 >= n or e + 1 not in inside):
            e += 1  # stretched over the outside token after it
        out.append((s, e, kind))
    taken = set(i for s, e, _ in out for i in range(s, e))
    for i in range(n):
        near = {i - 1, i, i + 1}
        if rng.random() < 0.035 and not near & inside and not near & taken:
            out.append((i, i + 1, rng.choice(TYPES)))  # invented
            taken.add(i)
    guess = ["O"] * n
    for s, e, kind in out:
        guess[s] = "B-" + kind
        for i in range(s + 1, e):
            guess[i] = "I-" + kind
    return guess


def build(corpora, tokens_wanted, work, lists_dir):
    """Writes articles.jsonl, gold.jsonl, pred.jsonl, tagged.txt, text.txt and names.txt, or
    reuses them when `work` already holds them for the same size and seed."""
    stamp = os.path.join(work, "inputs.json")
    if os.path.exists(stamp):
        with open(stamp) as f:
            made = json.load(f)
        if made.get("wanted") == tokens_wanted and made.get("seed") == SEED:
            return made
    made = make(corpora, tokens_wanted, work, lists_dir)
    made.update(wanted=tokens_wanted, seed=SEED)
    with open(stamp, "w") as f:
        json.dump(made, f)
    return made


def make(corpora, tokens_wanted, work, lists_dir):
    rng = random.Random(SEED)
    sentences = read_conll(os.path.join(corpora, "anercorp", "ANERCorp_CamelLab_test.txt"))
    os.makedirs(work, exist_ok=True)
    files = {name: open(os.path.join(work, name), "w", encoding="utf-8") for name in ("articles.jsonl", "gold.jsonl", "pred.jsonl", "tagged.txt", "text.txt")}
    tokens = copy = gold_n = pred_n = articles = 0
    while tokens < tokens_wanted:
        for k, sentence in enumerate(sentences):
            words = [w for w, _ in sentence]
            tags = [t for _, t in sentence]
            # An I- after O opens a chunk in conlleval but not in seqeval's strict mode: make
            # the gold strict IOB2 so that every peer reads the same chunks.
            tags = ["B-" + t[2:] if t.startswith("I-") and (i == 0 or tags[i - 1][2:] != t[2:] or tags[i - 1] == "O") else t for i, t in enumerate(tags)]
            guess = perturb(tags, rng)
            starts, offset = [], 0
            for w in words:
                starts.append(offset)
                offset += len(w) + 1
            aid = f"c{copy:04d}-s{k:04d}"
            text = " ".join(words)
            files["articles.jsonl"].write(json.dumps({"id": aid, "text": text}, ensure_ascii=False) + "\n")
            files["text.txt"].write(text + "\n")
            for name, seq in (("gold.jsonl", tags), ("pred.jsonl", guess)):
                for s, e, kind in chunks(seq):
                    row = {"article_id": aid, "start": starts[s], "end": starts[e - 1] + len(words[e - 1]), "label": kind}
                    files[name].write(json.dumps(row, ensure_ascii=False) + "\n")
                    if name == "gold.jsonl":
                        gold_n += 1
                    else:
                        pred_n += 1
            files["tagged.txt"].write("".join(f"{w} {t} {g}\n" for w, t, g in zip(words, tags, guess)) + "\n")
            tokens += len(words)
            articles += 1
            if tokens >= tokens_wanted:
                break
        copy += 1
    for f in files.values():
        f.close()
    with open(os.path.join(work, "names.txt"), "w", encoding="utf-8") as out:
        for name in sorted(os.listdir(lists_dir)):
            with open(os.path.join(lists_dir, name), encoding="utf-8") as f:
                for line in f:
                    line = line.split("#", 1)[0].strip()
                    if line:
                        out.write(line.split("\t")[0] + "\n")
    size = sum(os.path.getsize(os.path.join(work, n)) for n in ("gold.jsonl", "pred.jsonl"))
    return {"tokens": tokens, "articles": articles, "gold": gold_n, "pred": pred_n, "span_bytes": size, "conll_bytes": os.path.getsize(os.path.join(work, "tagged.txt"))}


def measure(cmd, stdin=None, cwd=None):
    """(seconds, peak RSS in MiB, stdout bytes, exit code) of one child process. The peak comes
    from /usr/bin/time (GNU time's %M, getrusage of its child) when it is there, so that it is
    the command's own and not the Python process it was forked from."""
    stdin_file = open(stdin, "rb") if stdin else subprocess.DEVNULL
    out = tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(delete=False)
    rss_file.close()
    wrapped = ["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name] + cmd if os.path.exists("/usr/bin/time") else cmd
    start = time.perf_counter()
    child = subprocess.Popen(wrapped, stdin=stdin_file, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if stdin:
        stdin_file.close()
    rss_kb = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    if wrapped is not cmd:
        with open(rss_file.name) as f:
            fields = f.read().split()
        if len(fields) >= 3:
            rss_kb, cpu = int(fields[-3]), float(fields[-2]) + float(fields[-1])
    os.unlink(rss_file.name)
    out.seek(0)
    CPU[0] = cpu
    return seconds, rss_kb / 1024, out.read(), code


# The CPU time (user + system) of the last command measured: on a shared machine wall time
# depends on what else runs, CPU time much less.
CPU = [0.0]


class Row:
    def __init__(self, task, target):
        self.task, self.target, self.sides = task, target, {}

    def add(self, side, label, seconds, rss):
        entry = self.sides.setdefault(side, {"label": label, "times": [], "cpu": [], "rss": 0.0})
        entry["times"].append(seconds)
        entry["cpu"].append(CPU[0])
        entry["rss"] = max(entry["rss"], rss)

    def median(self, side):
        return statistics.median(self.sides[side]["times"])

    def cpu(self, side):
        return statistics.median(self.sides[side]["cpu"])


def alternate(row, runs, rounds):
    """Runs each (side, label, cmd, stdin) in turn, `rounds` times; returns the last outputs."""
    outputs = {}
    for _ in range(rounds):
        for side, label, cmd, stdin in runs:
            seconds, rss, stdout, code = measure(cmd, stdin)
            if code != 0:
                sys.exit(f"{' '.join(cmd)} exited {code}")
            row.add(side, label, seconds, rss)
            outputs[side] = stdout
    return outputs


NERVALUATE = r"""
import json, sys
from nervaluate import Evaluator
gold_path, pred_path = sys.argv[1:3]
by_article = {}
for side, path in (("gold", gold_path), ("pred", pred_path)):
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            by_article.setdefault(row["article_id"], {"gold": [], "pred": []})[side].append({"label": row["label"], "start": row["start"], "end": row["end"] - 1})
ids = sorted(by_article)
labels = sorted({s["label"] for a in by_article.values() for side in a.values() for s in side})
result = Evaluator([by_article[i]["gold"] for i in ids], [by_article[i]["pred"] for i in ids], tags=labels, loader="dict").evaluate()
overall = result["overall"]
print(json.dumps({scheme: {k: getattr(overall[scheme], k) for k in ("correct", "incorrect", "partial", "missed", "spurious")} for scheme in ("strict", "exact", "partial", "ent_type")}))
"""

SEQEVAL = r"""
import sys
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2
y_true, y_pred, t, p = [], [], [], []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line:
            if t:
                y_true.append(t); y_pred.append(p); t, p = [], []
            continue
        _, gt, gp = line.rsplit(" ", 2)
        t.append(gt); p.append(gp)
if t:
    y_true.append(t); y_pred.append(p)
print(classification_report(y_true, y_pred, mode="strict", scheme=IOB2, digits=6, output_dict=False))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mizan", required=True)
    parser.add_argument("--corpora", required=True)
    parser.add_argument("--conlleval-pl")
    parser.add_argument("--python", default=sys.executable, help="the interpreter with the peers installed")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="1,10", help="millions of tokens, comma-separated; peers run on the first")
    parser.add_argument("--work")
    parser.add_argument("--lists", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gazetteer"))
    args = parser.parse_args()
    mizan = os.path.abspath(args.mizan)
    work = args.work or tempfile.mkdtemp(prefix="mizan-bench-")
    sizes = [float(s) if "." in s else int(s) for s in args.sizes.split(",")]
    py = args.python
    problems = []

    data = {}
    for size in sizes:
        data[size] = build(args.corpora, int(size * 1_000_000), os.path.join(work, f"{size}M"), args.lists)
        d = data[size]
        print(f"{size}M: {d['tokens']:,} tokens, {d['articles']:,} articles, {d['gold']:,} gold and {d['pred']:,} predicted spans "
              f"({d['span_bytes'] / 1e6:.1f} MB of span JSONL), {d['conll_bytes'] / 1e6:.1f} MB of CoNLL", file=sys.stderr)
    base = sizes[0]
    f = lambda size, name: os.path.join(work, f"{size}M", name)
    rows = []

    # Span scoring.
    row = Row("span scoring, 4 schemes + per label", "≥ 100×, RSS ≤ 4× input")
    score_cmd = [mizan, "score", "--gold", f(base, "gold.jsonl"), "--pred", f(base, "pred.jsonl"), "--json"]
    out = alternate(row, [("mizan", "`mizan score --json`", score_cmd, None), ("peer", "nervaluate 1.2.1", [py, "-c", NERVALUATE, f(base, "gold.jsonl"), f(base, "pred.jsonl")], None)], args.rounds)
    ours = json.loads(out["mizan"])["overall"]
    theirs = json.loads(out["peer"])
    for scheme, name in (("strict", "strict"), ("exact", "exact"), ("partial", "partial"), ("type", "ent_type")):
        mine = {k: ours[scheme][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")}
        if mine != theirs[name]:
            problems.append(f"span scoring: {scheme} counts differ: mizan {mine}, nervaluate {theirs[name]}")
    row.input_mb = data[base]["span_bytes"] / 2**20
    rows.append(row)

    # CoNLL chunk scoring.
    conll = f(base, "tagged.txt")
    row = Row("CoNLL chunk scoring", "≥ 50×, byte-identical, RSS ≤ 16 MB")
    if args.conlleval_pl:
        out = alternate(row, [("mizan", "`mizan conlleval`", [mizan, "conlleval", conll], None), ("peer", "conlleval.pl (2004-01-26)", ["perl", args.conlleval_pl], conll)], args.rounds)
        if out["mizan"] != out["peer"]:
            problems.append("conlleval: mizan's output differs from conlleval.pl's")
        mizan_conll = out["mizan"]
    else:
        out = alternate(row, [("mizan", "`mizan conlleval`", [mizan, "conlleval", conll], None)], args.rounds)
        row.sides["peer"] = {"label": "conlleval.pl: not run (set CONLLEVAL_PL)", "times": [], "cpu": [], "rss": 0}
        mizan_conll = out["mizan"]
    rows.append(row)
    summary = json.loads(measure([mizan, "conlleval", "--json", conll])[2])

    row = Row("CoNLL chunk scoring", "≥ 150×")
    out = alternate(row, [("mizan", "`mizan conlleval`", [mizan, "conlleval", conll], None), ("peer", "seqeval 1.2.2 `classification_report`", [py, "-c", SEQEVAL, conll], None)], args.rounds)
    micro = [line.split() for line in out["peer"].decode().splitlines() if line.strip().startswith("micro avg")][0]
    if abs(float(micro[4]) - summary["f1"] / 100) > 1e-6 or int(micro[5]) != summary["phrases"]:
        problems.append(f"seqeval: micro F1 {micro[4]} / support {micro[5]} vs mizan {summary['f1'] / 100:.6f} / {summary['phrases']}")
    rows.append(row)

    row = Row("CoNLL chunk scoring", "(for reference)")
    out = alternate(row, [("mizan", "`mizan conlleval`", [mizan, "conlleval", conll], None), ("peer", "PyPI `conlleval` 0.2", [py, "-m", "conlleval", "-f", "json", conll], None)], args.rounds)
    stats = json.loads(out["peer"])["overall"]["chunks"]["stats"]
    if (stats["gold"], stats["pred"], stats["correct"]) != (summary["phrases"], summary["found"], summary["correct"]):
        problems.append(f"PyPI conlleval: {stats} vs mizan {summary['phrases']}, {summary['found']}, {summary['correct']}")
    rows.append(row)

    # Loading.
    row = Row("loading: articles + span JSONL", "≤ 5× `wc -l`")
    alternate(row, [("mizan", "`mizan stats`", [mizan, "--quiet", "stats", "--articles", f(base, "articles.jsonl"), "--gold", f(base, "gold.jsonl")], None),
                    ("peer", "`wc -l` on the same files", ["wc", "-l", f(base, "articles.jsonl"), f(base, "gold.jsonl")], None)], args.rounds)
    rows.append(row)

    # A whole run.
    for jobs in (1, 2):
        out_dir = os.path.join(work, f"run-{jobs}")
        row = Row(f"`run -e gazetteer --jobs {jobs}`", "no slower than grep" if jobs == 1 else "--jobs 2 ≥ 1.7× --jobs 1")
        run_cmd = [mizan, "--quiet", "run", "--articles", f(base, "articles.jsonl"), "--gold", f(base, "gold.jsonl"), "-e", "gazetteer", "--jobs", str(jobs), "--out", out_dir]
        alternate(row, [("mizan", f"`mizan run -e gazetteer --jobs {jobs}`", run_cmd, None), ("peer", "`grep -o -F -f` the same names", ["grep", "-o", "-F", "-f", f(base, "names.txt"), f(base, "text.txt")], None)], args.rounds)
        rows.append(row)
        shutil.rmtree(out_dir, ignore_errors=True)

    # Growth.
    growth = []
    for size in sizes[1:]:
        for label, cmd in (("score", lambda s: [mizan, "score", "--gold", f(s, "gold.jsonl"), "--pred", f(s, "pred.jsonl"), "--json"]),
                           ("conlleval", lambda s: [mizan, "conlleval", f(s, "tagged.txt")]),
                           ("stats", lambda s: [mizan, "--quiet", "stats", "--articles", f(s, "articles.jsonl"), "--gold", f(s, "gold.jsonl")])):
            small = Row(label, "")
            large = Row(label, "")
            for _ in range(max(1, args.rounds // 2)):
                t, rss, _, _ = measure(cmd(base))
                small.add("mizan", label, t, rss)
                t, rss, _, _ = measure(cmd(size))
                large.add("mizan", label, t, rss)
            growth.append((label, size, small, large))

    print(f"\nmachine: {os.cpu_count()} cores, {platform()}; date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"median of {args.rounds} alternating runs; {base}M tokens: {data[base]['articles']:,} articles, {data[base]['gold']:,} gold and "
          f"{data[base]['pred']:,} predicted spans ({data[base]['span_bytes'] / 2**20:.1f} MiB span JSONL), {data[base]['conll_bytes'] / 2**20:.1f} MiB CoNLL\n")
    print("| task | mizan | wall | CPU | peak RSS | peer | wall | CPU | peak RSS | peer / mizan, wall | CPU | target |")
    print("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        m, p = row.sides["mizan"], row.sides["peer"]
        mt, mc = row.median("mizan"), row.cpu("mizan")
        if p["times"]:
            pt, pc = row.median("peer"), row.cpu("peer")
            print(f"| {row.task} | {m['label']} | {mt:.3f} s | {mc:.3f} s | {m['rss']:.0f} MiB | {p['label']} | {pt:.3f} s | {pc:.3f} s | {p['rss']:.0f} MiB | "
                  f"{pt / mt:.1f}× | {pc / max(mc, 1e-3):.1f}× | {row.target} |")
        else:
            print(f"| {row.task} | {m['label']} | {mt:.3f} s | {mc:.3f} s | {m['rss']:.0f} MiB | {p['label']} | | | | | | {row.target} |")
    one = next(r for r in rows if r.task.endswith("--jobs 1`"))
    two = next(r for r in rows if r.task.endswith("--jobs 2`"))
    print(f"\n`run -e gazetteer`: --jobs 2 is {one.median('mizan') / two.median('mizan'):.2f}× --jobs 1 (wall).")
    score_row = rows[0]
    print(f"span scoring peak RSS: {score_row.sides['mizan']['rss']:.0f} MiB = {score_row.sides['mizan']['rss'] / score_row.input_mb:.1f}× the {score_row.input_mb:.1f} MiB input.")
    if growth:
        print("\n| growth | 1M time | 10M time | time ratio | 1M RSS | 10M RSS |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, size, small, large in growth:
            print(f"| `{label}` {base}M → {size}M | {small.median('mizan'):.3f} s | {large.median('mizan'):.3f} s | {large.median('mizan') / small.median('mizan'):.1f}× | "
                  f"{small.sides['mizan']['rss']:.0f} MiB | {large.sides['mizan']['rss']:.0f} MiB |")
    print("\nagreement: " + ("every count agrees; conlleval output byte-identical" if not problems else "PROBLEMS:\n" + "\n".join(problems)))
    return 1 if problems else 0


def platform():
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 2**20
    except OSError:
        mem = 0
    return f"{model}, {mem:.0f} GiB"


if __name__ == "__main__":
    sys.exit(main())
