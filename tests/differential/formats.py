#!/usr/bin/env python3
"""Differential check of mizan's annotation-format readers against Python's own reading.

For generated Arabic documents (diacritics, tatweel, bidi marks, emoji, CRLF):

1. spaCy: a blank Arabic pipeline tokenizes each text; spans on its tokens are written as a
   Prodigy/spaCy JSONL file (offsets = Python string indices, spaCy's `tokens`, inclusive
   `token_end`). `mizan import --from spacy --strict` must read exactly those spans (the strict
   import also checks every token_start/token_end against the tokens). Then `mizan export --to
   spacy` must write spans whose `text[start:end]` in Python is the span's text.
2. doccano: the same spans with offsets in UTF-16 code units (computed by Python's codec) and
   in grapheme clusters (the `regex` module's \\X, UAX #29), read with `--offsets`.

Optional (not part of `cargo test`); needs `pip install spacy regex`. Run:

    cargo build && python3 tests/differential/formats.py --mizan target/debug/mizan --cases 200

Prints `N passed, M failed` and exits 1 on any failure.
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import regex
import spacy

PIECES = ["م", "ح", "د", "ل", "ا", "و", "ة", "ي", "ُ", "َ", "ّ", "ـ", "\u200f", "😀", "🇸🇾", "a", "٣", "7"]
GAPS = [" ", " ", " ", "\n", "\r\n", "، ", ". ", "؟ "]
LABELS = ["PER", "LOC", "ORG"]


def make_text(rng):
    parts = []
    for _ in range(rng.randint(2, 14)):
        parts.append("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4))))
        parts.append(rng.choice(GAPS))
    return "".join(parts).strip() or "دمشق"


def pick_spans(rng, doc):
    """Non-overlapping spans over whole spaCy tokens that are not whitespace."""
    words = [t for t in doc if not t.is_space]
    spans, taken = [], set()
    for _ in range(rng.randint(0, 4)):
        if not words:
            break
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.randint(0, 2))
        ids = set(range(words[first].i, words[last].i + 1))
        if ids & taken:
            continue
        taken |= ids
        start, end = words[first].idx, words[last].idx + len(words[last].text)
        spans.append({"start": start, "end": end, "token_start": words[first].i, "token_end": words[last].i, "label": rng.choice(LABELS)})
    return spans


def utf16(text, k):
    return len(text[:k].encode("utf-16-le")) // 2


def graphemes(text, k):
    """The cluster index of code-point offset k, or None inside a cluster."""
    at = 0
    for g, cluster in enumerate(regex.findall(r"\X", text)):
        if at == k:
            return g
        at += len(cluster)
    return len(regex.findall(r"\X", text)) if at == k else None


def mizan(binary, *args):
    result = subprocess.run([binary, "--quiet", *args], capture_output=True, text=True)
    return result.returncode, result.stderr


def gold_of(folder):
    spans = []
    for path in sorted((Path(folder) / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            s = json.loads(line)
            spans.append((s["article_id"], s["start"], s["end"], s["label"]))
    return sorted(spans)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mizan", default="target/debug/mizan")
    parser.add_argument("--cases", type=int, default=100, help="documents per file")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nlp = spacy.blank("ar")
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: {detail}", file=sys.stderr)

    records, expected = [], []
    for k in range(args.cases):
        text = make_text(rng)
        doc = nlp.make_doc(text)
        spans = pick_spans(rng, doc)
        tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)} for t in doc]
        records.append({"text": text, "tokens": tokens, "spans": spans, "answer": "accept", "meta": {"id": f"d{k}"}})
        expected.extend((f"d{k}", s["start"], s["end"], s["label"]) for s in spans)
    expected.sort()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = tmp / "prodigy.jsonl"
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        code, stderr = mizan(args.mizan, "import", "--from", "spacy", str(source), "--out", str(tmp / "ds"), "--strict")
        check("spacy import", code == 0, stderr)
        if code == 0:
            got = gold_of(tmp / "ds")
            check("spacy spans", got == expected, f"{len(got)} spans read, {len(expected)} written; first difference {next((a, b) for a, b in zip(got, expected) if a != b) if got != expected and len(got) == len(expected) else ''}")
            out = tmp / "back.jsonl"
            code, stderr = mizan(args.mizan, "export", "--to", "spacy", str(tmp / "ds"), "--out", str(out))
            check("spacy export", code == 0, stderr)
            by_id = {f"d{k}": r["text"] for k, r in enumerate(records)}
            for line in out.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                text = record["text"]
                check("exported text", text == by_id[record["meta"]["id"]], record["meta"]["id"])
                for token in record["tokens"]:
                    check("exported token", text[token["start"]:token["end"]] == token["text"], repr(token))
                for span in record["spans"]:
                    tokens = record["tokens"]
                    ok = tokens[span["token_start"]]["start"] == span["start"] and tokens[span["token_end"]]["end"] == span["end"]
                    check("exported span tokens", ok, repr(span))

        for unit, convert in [("utf16", utf16), ("graphemes", graphemes)]:
            lines, want = [], []
            for k, r in enumerate(records):
                label = []
                for s in r["spans"]:
                    a, b = convert(r["text"], s["start"]), convert(r["text"], s["end"])
                    if a is None or b is None:
                        continue
                    label.append([a, b, s["label"]])
                    want.append((f"d{k}", s["start"], s["end"], s["label"]))
                lines.append(json.dumps({"id": f"d{k}", "text": r["text"], "label": label}, ensure_ascii=False))
            path = tmp / f"doccano-{unit}.jsonl"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            folder = tmp / f"doccano-{unit}"
            code, stderr = mizan(args.mizan, "import", "--from", "doccano", str(path), "--out", str(folder), "--offsets", unit, "--strict")
            check(f"doccano {unit} import", code == 0, stderr)
            if code == 0:
                check(f"doccano {unit} spans", gold_of(folder) == sorted(want), f"{len(gold_of(folder))} read, {len(want)} written")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
