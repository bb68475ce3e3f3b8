#!/usr/bin/env python3
"""A deliberately faulty external extractor for mizan's tests: how it misbehaves depends on a
marker word in the article text."""

import json
import os
import sys
import time

for line in sys.stdin:
    request = json.loads(line)
    text = request["text"]
    if "CRASH" in text:
        print("faulty: giving up on " + request["id"], file=sys.stderr, flush=True)
        sys.exit(3)
    if "HANG" in text:
        time.sleep(60)
    if "GARBAGE" in text:
        print("this is not json", flush=True)
        continue
    if "BYTES" in text:
        sys.stdout.buffer.write(b"\xff\xfe\xfd\n")
        sys.stdout.flush()
        continue
    if "WRONGID" in text:
        print(json.dumps({"id": "someone-else", "spans": []}), flush=True)
        continue
    if "OUTSIDE" in text:
        print(json.dumps({"id": request["id"], "spans": [{"start": 0, "end": len(text) + 5, "label": "PER"}]}), flush=True)
        continue
    spans = []
    word = "لافروف"
    start = text.find(word)
    while start != -1:
        spans.append({"start": start, "end": start + len(word), "label": "PER"})
        start = text.find(word, start + 1)
    print(json.dumps({"id": request["id"], "spans": spans, "pid": os.getpid()}), flush=True)
