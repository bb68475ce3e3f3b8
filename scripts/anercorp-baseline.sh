#!/usr/bin/env bash
# The ANERcorp baseline: import the CAMeL Lab split from $MIZAN_CORPORA, train the perceptron
# tagger on train, and run it (with the gazetteer) on test into OUT.
#   bash scripts/anercorp-baseline.sh MIZAN OUT
# .ci/run calls it into target/ci-reports/anercorp and compares with reports/anercorp; to
# update the committed baseline on purpose: bash scripts/anercorp-baseline.sh target/release/mizan reports/anercorp
set -euo pipefail
mizan=$1
out=$2
: "${MIZAN_CORPORA:?set MIZAN_CORPORA to the shared datasets folder}"
data=target/ci-data
mkdir -p "$data"
for split in train test; do
    "$mizan" --quiet import --from conll "$MIZAN_CORPORA/anercorp/ANERCorp_CamelLab_$split.txt" \
        --out "$data/anercorp-$split" --force 2>/dev/null
done
"$mizan" --quiet train perceptron-ner --dataset "$data/anercorp-train" --out "$data/anercorp.model" 2>/dev/null
printf '[extractor.perceptron-ner]\nkind = "perceptron-ner"\nmodel = "anercorp.model"\n' > "$data/extractors.toml"
"$mizan" --quiet run "$data/anercorp-test" --registry "$data/extractors.toml" \
    --extractor perceptron-ner,gazetteer --bootstrap 1000 --out "$out" >/dev/null
