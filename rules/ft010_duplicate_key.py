from __future__ import annotations

import json
import re

import orjson

from ftlsp.rule import ExampleRule, Finding, Severity


class DuplicateKey(ExampleRule):
    """An object with the same key twice.

    What: e.g. two ``"content"`` members in one message. JSON parsers keep the
    last one and drop the other without a word.

    Why: the dropped value is silently lost from training.

    Bad:
        {"prompt": "a", "prompt": "b", "completion": "c"}

    Good:
        {"prompt": "a", "completion": "c"}
    """

    code = "FT010"
    name = "duplicate-key"
    summary = "Object has the same key twice; parsers keep only the last"
    default_severity = Severity.WARNING

    def check(self, ex, ctx):
        # Cheap screen in C: re-serialised data has one `":` per kept key (plus the same `\\":` inside
        # strings as the original). Fewer than in the text means keys were dropped, or the text has
        # unusual spacing or escapes; only then run the exact, slower check.
        if ex.text.count('":') == orjson.dumps(ex.data).count(b'":'):
            return
        dups: list[tuple[str, str]] = []

        def hook(path_stack):
            def pairs(items):
                seen = set()
                for k, _ in items:
                    if k in seen:
                        dups.append(k)
                    seen.add(k)
                return dict(items)
            return pairs

        try:
            json.loads(ex.text, object_pairs_hook=hook(None))
        except ValueError:
            return
        for key in dict.fromkeys(dups):
            m = re.search(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', ex.text)
            first = m.start() if m else 0
            m2 = re.search(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', ex.text[first + 1:]) if m else None
            at = first + 1 + m2.start() if m2 else first
            yield Finding(f"duplicate key {key!r}: parsers keep only the last value", offset=at,
                          end_offset=at + len(json.dumps(key)))
