#!/usr/bin/env python3
"""ANERcorp and NewsFANE annotate the same newswire, tokenised differently (NewsFANE splits
the conjunction و, normalises alef, marks tokens with U+200E). This script finds the sentences
whose text is the same once both are normalised the way NewsFANE is and spaces are ignored,
writes them with ANERcorp's text, and projects both annotations onto that text, NewsFANE's
fine types mapped to ANERcorp's four coarse ones (table COARSE below):

    align_newsfane.py ANERCORP_TRAIN ANERCORP_TEST NEWSFANE OUT_DIR

OUT_DIR gets articles.jsonl (one sentence each), anercorp.jsonl and newsfane.jsonl, ready for
`mizan agree OUT_DIR/anercorp.jsonl OUT_DIR/newsfane.jsonl --articles OUT_DIR/articles.jsonl`.
Standard library only.
"""
import json, os, re, sys

PERSON = {"Politician", "Athlete", "Artist", "Other_PER", "Religious_PER", "Scientist", "Businessperson", "Lawyer", "Engineer", "Police", "Group"}
PLACE = {"Nation", "Population-Center", "State-or-Province", "GPE-Cluster", "Continent", "Water-Body", "Land", "County-or-District", "Land-Region-Natural",
         "Building-Grounds", "Path", "Airport", "Subarea-Facility", "Celestial", "Air", "Water"}
ORGANISATION = {"Non-Governmental", "Sports", "Media", "Government", "Commercial", "Educational", "Medical-Science", "Entertainment", "Religious_ORG"}
COARSE = {**{t: "PERS" for t in PERSON}, **{t: "LOC" for t in PLACE}, **{t: "ORG" for t in ORGANISATION}}  # everything else: MISC


def fold(c):
    """One character as NewsFANE writes it; '' when it is dropped."""
    if c in "\u200e\u200f\ufeff\u0640" or "\u064b" <= c <= "\u0652" or c.isspace():
        return ""
    return {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}.get(c, c)


def sentences(path, sep):
    out, cur = [], []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                if cur:
                    out.append(cur)
                cur = []
                continue
            token, tag = line.rsplit(sep, 1) if sep in line else (line, "O")
            cur.append((token, tag))
    if cur:
        out.append(cur)
    return out


def chunks(tags):
    """(first token, last token + 1, type) of each BIO chunk; I- after O starts one."""
    out, start, kind = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, t = tag.partition("-")
        if start is not None and (prefix != "I" or t != kind):
            out.append((start, i, kind))
            start = None
        if prefix in ("B", "I") and start is None:
            start, kind = i, t
    return out


def kept(tokens):
    """The folded, space-free string and, for each of its characters, (token, offset)."""
    chars, where = [], []
    for k, token in enumerate(tokens):
        for offset, c in enumerate(token):
            f = fold(c)
            for ch in f:
                chars.append(ch)
                where.append((k, offset))
    return "".join(chars), where


def main():
    train, test, fane, out = sys.argv[1:5]
    aner = sentences(train, " ") + sentences(test, " ")
    by_key = {}
    for s in aner:
        by_key.setdefault(kept([t for t, _ in s])[0], s)
    os.makedirs(out, exist_ok=True)
    arts, a_spans, f_spans, seen = [], [], [], set()
    for s in sentences(fane, "\t"):
        key, fane_where = kept([t for t, _ in s])
        if key not in by_key or key in seen or not key:
            continue
        seen.add(key)
        a = by_key[key]
        tokens = [t for t, _ in a]
        text = " ".join(tokens)
        starts = []
        at = 0
        for t in tokens:
            starts.append(at)
            at += len(t) + 1
        _, a_where = kept(tokens)
        offset_of = [starts[k] + o for k, o in a_where]  # folded char → ANERcorp text offset
        aid = f"s{len(arts):05d}"
        arts.append({"id": aid, "text": text})
        for b, e, kind in chunks([g for _, g in a]):
            a_spans.append({"article_id": aid, "start": starts[b], "end": starts[e - 1] + len(tokens[e - 1]), "label": kind})
        first_char = {}
        for n, (k, _) in enumerate(fane_where):
            first_char.setdefault(k, n)
        last_char = {k: n for n, (k, _) in enumerate(fane_where)}
        for b, e, kind in chunks([g for _, g in s]):
            ks = [k for k in range(b, e) if k in first_char]
            if not ks:
                continue
            start, end = offset_of[first_char[ks[0]]], offset_of[last_char[ks[-1]]] + 1
            f_spans.append({"article_id": aid, "start": start, "end": end, "label": COARSE.get(kind, "MISC"), "attrs": {"fine": kind}})
    for name, rows in (("articles", arts), ("anercorp", a_spans), ("newsfane", f_spans)):
        with open(os.path.join(out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(arts)} shared sentences, {len(a_spans)} ANERcorp spans, {len(f_spans)} NewsFANE spans")


if __name__ == "__main__":
    main()
