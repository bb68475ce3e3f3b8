#!/usr/bin/env python3
"""A mizan external extractor in plain Python (standard library only).

mizan starts this program once (or a few copies), writes one JSON article per line on stdin —
{"id": ..., "text": ..., "metadata": {...}} — and reads one JSON answer per line on stdout:
{"id": ..., "spans": [{"start": S, "end": E, "label": "QUOTE", "layer": "quote", "attrs": {...}}]}.
Offsets are code points, end-exclusive: exactly Python's string indices.

This one finds direct quotes between “…” or «…» that hold at least two words, and takes the
speaker from the word after a speech verb just before the quote (قال لافروف “…”).
"""

import json
import sys

OPENING = {"“": "”", "«": "»"}
SPEECH_VERBS = {"قال", "وقال", "أضاف", "وأضاف", "أكد", "وأكد", "تابع", "وتابع", "أشار", "وأشار"}


def speaker_before(text, start):
    """The word after the last speech verb in the few words before `start`."""
    words = text[max(0, start - 60):start].split()
    for i in range(len(words) - 1, -1, -1):
        if words[i] in SPEECH_VERBS and i + 1 < len(words):
            return words[i + 1]
    return None


def quotes(text):
    spans = []
    i = 0
    while i < len(text):
        close = OPENING.get(text[i])
        end = text.find(close, i + 1) if close else -1
        if end == -1:
            i += 1
            continue
        start, stop = i + 1, end
        while start < stop and text[start].isspace():
            start += 1
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if len(text[start:stop].split()) >= 2:
            span = {"start": start, "end": stop, "label": "QUOTE", "layer": "quote"}
            speaker = speaker_before(text, i)
            if speaker:
                span["attrs"] = {"speaker": speaker}
            spans.append(span)
        i = end + 1
    return spans


def main():
    for line in sys.stdin:
        request = json.loads(line)
        answer = {"id": request["id"], "spans": quotes(request["text"])}
        # One line per answer, flushed at once: mizan waits for it.
        print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
