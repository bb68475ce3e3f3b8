#!/usr/bin/env bash
# The shipped perceptron-ner model (models/perceptron-ner-anercorp.pnr, models/README.md):
# ANERcorp train from $MIZAN_CORPORA, imported with PERS renamed PER (mizan's label, as in
# docs/annotation-guidelines.md), trained with the default options. Deterministic: .ci/run
# rebuilds it and checks that the bytes are the committed file's.
#   bash scripts/train-shipped-model.sh MIZAN OUT
set -euo pipefail
mizan=$1
out=$2
: "${MIZAN_CORPORA:?set MIZAN_CORPORA to the shared datasets folder}"
data=target/ci-data
mkdir -p "$data"
"$mizan" --quiet import --from conll "$MIZAN_CORPORA/anercorp/ANERCorp_CamelLab_train.txt" \
    --label-map PERS=PER --out "$data/anercorp-train-per" --force 2>/dev/null
"$mizan" --quiet train perceptron-ner --dataset "$data/anercorp-train-per" --out "$out" 2>/dev/null
