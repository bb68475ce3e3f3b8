#!/usr/bin/env python3
"""Generated Arabic-script articles for benchmarking `mizan dedupe` and `mizan leakage`.

usage: generate_articles.py OUT_DIR N [--words W] [--seed S] [--copies-of TRAIN_DIR --rate R]

Writes OUT_DIR/articles.jsonl (N articles of about W words from a 20,000-word vocabulary with
Zipf-like frequencies, a dateline first line), OUT_DIR/gold/ner.jsonl (the dateline place and
two or three names per article) and OUT_DIR/manifest.toml. With --copies-of, a share R of the
articles are edited copies (a few words changed, diacritics, another dateline) of articles of
TRAIN_DIR, so that leakage has something to find.
"""
import json, os, random, sys

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
PLACES = ["دمشق", "موسكو", "القاهرة", "بيروت", "بغداد", "عمان", "الرياض", "تونس", "الجزائر", "الرباط"]

def main():
    args = sys.argv[1:]
    out, n = args[0], int(args[1])
    opt = lambda name, default: args[args.index(name) + 1] if name in args else default
    words, seed = int(opt("--words", 120)), int(opt("--seed", 1))
    train_dir, rate = opt("--copies-of", None), float(opt("--rate", 0.01))
    rng = random.Random(seed)
    vocab_rng = random.Random(0)
    vocab = ["".join(vocab_rng.choice(LETTERS) for _ in range(vocab_rng.randint(3, 7))) for _ in range(20000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    names = ["".join(vocab_rng.choice(LETTERS) for _ in range(5)) for _ in range(5000)]
    sources = []
    if train_dir:
        with open(os.path.join(train_dir, "articles.jsonl"), encoding="utf-8") as f:
            sources = [json.loads(line)["text"] for _, line in zip(range(20000), f)]
    os.makedirs(os.path.join(out, "gold"), exist_ok=True)
    with open(os.path.join(out, "articles.jsonl"), "w", encoding="utf-8") as arts, open(os.path.join(out, "gold", "ner.jsonl"), "w", encoding="utf-8") as gold:
        for i in range(n):
            aid = f"{os.path.basename(out)}-{i:06d}"
            place = rng.choice(PLACES)
            if sources and rng.random() < rate:
                body = rng.choice(sources).split("\n", 1)[1].split(" ")
                for _ in range(3):
                    body[rng.randrange(len(body))] = rng.choice(vocab)
                body = [w + "\u064e" if k % 5 == 0 else w for k, w in enumerate(body)]
                text = f"{place}-سانا\n" + " ".join(body)
            else:
                body = rng.choices(vocab, weights, k=words)
                for _ in range(rng.randint(2, 3)):
                    body[rng.randrange(len(body))] = rng.choice(names)
                text = f"{place}-سانا\n" + " ".join(body)
            arts.write(json.dumps({"id": aid, "text": text}, ensure_ascii=False) + "\n")
            gold.write(json.dumps({"article_id": aid, "start": 0, "end": len(place), "label": "LOC", "text": place}, ensure_ascii=False) + "\n")
            start = len(place) + 6
            tokens = text.split("\n", 1)[1].split(" ")
            offset = start
            for w in tokens:
                if w in names_set(names):
                    gold.write(json.dumps({"article_id": aid, "start": offset, "end": offset + len(w), "label": "PER", "text": w}, ensure_ascii=False) + "\n")
                offset += len(w) + 1
    with open(os.path.join(out, "manifest.toml"), "w", encoding="utf-8") as m:
        m.write(f'name = "{os.path.basename(out)}"\n[articles]\nformat = "jsonl"\n[layers.ner]\nlabels = ["LOC", "PER"]\n')

_names = None
def names_set(names):
    global _names
    if _names is None:
        _names = set(names)
    return _names

if __name__ == "__main__":
    main()
