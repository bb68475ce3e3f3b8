#!/usr/bin/env python3
"""An external extractor for mizan's browser check that answers from a file of predictions
(span JSONL with article_id), so that the errors it makes are written down beside it. On an
article whose text contains FAIL-HERE it crashes with markup in its last words, which the
report then shows as an error message."""

import json
import sys

by_article = {}
with open(sys.argv[1], encoding="utf-8") as predictions:
    for line in predictions:
        span = json.loads(line)
        by_article.setdefault(span.pop("article_id"), []).append(span)

for line in sys.stdin:
    request = json.loads(line)
    if "FAIL-HERE" in request["text"]:
        print("replay: <script>alert(3)</script><img src=x onerror=alert(4)>", file=sys.stderr, flush=True)
        sys.exit(3)
    answer = {"id": request["id"], "spans": by_article.get(request["id"], [])}
    print(json.dumps(answer, ensure_ascii=False), flush=True)
