#!/bin/sh
# mizan side by side with conlleval.pl, seqeval, nervaluate and PyPI's conlleval, in one run:
# builds mizan in release, makes a virtual environment with the peers (pinned versions), and
# runs scripts/bench_peers.py, which builds the inputs from MIZAN_CORPORA, checks that every
# scorer gives the same counts, and prints the table that docs/performance.md holds.
#
#   MIZAN_CORPORA=../shared/datasets CONLLEVAL_PL=../shared/peers/conlleval.pl scripts/bench-peers.sh [--rounds 5] [--sizes 1,10]
#
# conlleval.pl carries no licence statement, so it is not part of mizan: point CONLLEVAL_PL at
# a copy (without it, that column says "not run"). VENV (default: target/bench-venv) is where
# the peers are installed; MIZAN (default: the release build) the binary measured.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${MIZAN_CORPORA:?set MIZAN_CORPORA to the folder holding anercorp/}"
target=${CARGO_TARGET_DIR:-$root/target}
venv=${VENV:-$target/bench-venv}
if [ -z "${MIZAN:-}" ]; then
    (cd "$root" && cargo build --release --quiet)
    MIZAN=$target/release/mizan
fi
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet seqeval==1.2.2 nervaluate==1.2.1 conlleval==0.2
fi
set -- --mizan "$MIZAN" --corpora "$MIZAN_CORPORA" --python "$venv/bin/python" "$@"
if [ -n "${CONLLEVAL_PL:-}" ]; then
    set -- "$@" --conlleval-pl "$CONLLEVAL_PL"
fi
exec "$venv/bin/python" "$root/scripts/bench_peers.py" "$@"
