"""Baselines: adopt the linter on an existing dataset without fixing everything first.

JSONL has no comments for inline suppression, so a baseline records findings
by (path, code, record content hash) with a count, not by line number: it
survives reordering and insertions, and a finding comes back when its record
is edited.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from ftlsp.rule import Diagnostic


def _key(d: Diagnostic) -> tuple[str, str, str]:
    return (os.path.normpath(d.path), d.code, d.record_hash or f"line-text:{d.message}")


def write(path: str, diags: list[Diagnostic]) -> None:
    counts = Counter(_key(d) for d in diags)
    entries = [{"path": p, "code": c, "record": h, "count": n} for (p, c, h), n in sorted(counts.items())]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "entries": entries}, fh, indent=1)
        fh.write("\n")


def filter(path: str, diags: list[Diagnostic]) -> list[Diagnostic]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        entries = data["entries"]
        budget = Counter({(os.path.normpath(e["path"]), e["code"], e["record"]): int(e["count"]) for e in entries})
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"cannot read baseline {path}: {e}") from None
    out = []
    for d in diags:
        k = _key(d)
        if budget[k] > 0:
            budget[k] -= 1
        else:
            out.append(d)
    return out
