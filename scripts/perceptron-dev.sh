#!/usr/bin/env bash
# Development runs of perceptron-ner, for choosing features, options and the learner without looking at
# ANERcorp test: ANERcorp train is cut as CAMeL Lab cut the corpus (the sentences holding the
# first 5/6 of the words, then the rest), the tagger trains on the first part and is scored
# on the second. Each CONFIG is a value of `mizan train perceptron-ner --features` (empty:
# the defaults), optionally followed by `|` and more train options (`-words|--learner crf --c2 0.1`);
# one line per config:
# name, train seconds, strict micro P/R/F1, strict F1 per label.
#   bash scripts/perceptron-dev.sh MIZAN OUT CONFIG...
set -euo pipefail
mizan=$1
out=$2
shift 2
: "${MIZAN_CORPORA:?set MIZAN_CORPORA to the shared datasets folder}"
mkdir -p "$out"
train="$MIZAN_CORPORA/anercorp/ANERCorp_CamelLab_train.txt"
if [ ! -d "$out/dev-train" ]; then
    total=$(awk 'NF' "$train" | wc -l)
    awk -v total="$total" -v dir="$out" '
        BEGIN { words = 0; file = dir "/dev-train.txt" }
        NF == 0 { print "" > file; if (words * 6 >= total * 5) file = dir "/dev-test.txt"; next }
        { words++; print > file }' "$train"
    for part in train test; do
        "$mizan" --quiet import --from conll "$out/dev-$part.txt" --label-map PERS=PER --out "$out/dev-$part" --force 2>/dev/null
    done
fi
for config in "$@"; do
    features=${config%%|*}
    extra=""
    if [[ $config == *"|"* ]]; then extra=${config#*|}; fi
    name=${config//[^A-Za-z0-9+,=.-]/_}
    [ -n "$name" ] || name=default
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$mizan" --quiet train perceptron-ner --dataset "$out/dev-train" --features "$features" $extra --out "$out/$name.pnr" 2>/dev/null
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    printf '[extractor.perceptron-ner]\nkind = "perceptron-ner"\nmodel = "%s.pnr"\n' "$name" > "$out/$name.toml"
    "$mizan" --quiet run "$out/dev-test" --registry "$out/$name.toml" --extractor perceptron-ner --out "$out/run-$name" >/dev/null
    python3 - "$out/run-$name/report.json" "$name" "$seconds" "$(stat -c %s "$out/$name.pnr")" <<'PY'
import json, sys
report, name, seconds, size = sys.argv[1:]
layer = json.load(open(report))["extractors"]["perceptron-ner"]["layers"]["ner"]
s = layer["overall"]["strict"]
labels = " ".join(f"{l} {layer['per_label'][l]['strict']['f1']:.4f}" for l in ("PER", "LOC", "ORG", "MISC"))
print(f"{name:40} {float(seconds):5.1f} s {int(size)/1e6:5.2f} MB  P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}  {labels}", flush=True)
PY
done
