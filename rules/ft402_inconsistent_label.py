from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from ftlsp.rule import Finding, Fix, Related, Severity
from ftlsp.similarity.collect import Gathered
from ftlsp.similarity.texts import label_vocabulary, normalise, short


class InconsistentLabel(Gathered):
    """A classification label spelled differently from the same label elsewhere, or a near-miss of one.

    What: in classification-like data (a small vocabulary of short outputs), a label
    that differs from a more common one only in case, whitespace or punctuation
    ("positive " vs "Positive"), or a rare label within a small edit of a common one
    ("Cardiolgy" next to 100 "Cardiology"). Each record with the minority spelling is
    reported with the usual spelling as related location and a fix that rewrites it.

    Why: the model learns each spelling as its own class; at inference it emits the
    variants, and exact-match evaluation counts them as wrong.

    Options:
        similarity: near-miss labels at least this similar (0-1 edit ratio) to a common label (default 0.85).
        max_rare: a label used at most this many times can be a near-miss (default 2).
        min_ratio: the common label must be at least this many times more frequent (default 5).
        max_labels: the most distinct labels for data to count as classification (default 100).

    Bad:
        {"prompt": "Great phone, love it", "completion": "positive"}
        {"prompt": "Battery died in a day", "completion": "negative"}
        {"prompt": "Works as described", "completion": "positive"}
        {"prompt": "Screen cracked on arrival", "completion": "Negative "}

    Good:
        {"prompt": "Great phone, love it", "completion": "positive"}
        {"prompt": "Battery died in a day", "completion": "negative"}
        {"prompt": "Works as described", "completion": "positive"}
        {"prompt": "Screen cracked on arrival", "completion": "negative"}
    """

    code = "FT402"
    name = "inconsistent-label"
    summary = "Label spelled differently from the same label elsewhere, or a near-miss of a common label"
    default_severity = Severity.WARNING
    fixable = True

    @dataclass(frozen=True)
    class Options:
        similarity: float = 0.85
        max_rare: int = 2
        min_ratio: float = 5.0
        max_labels: int = 100

    def report(self, ctx):
        o = self.options
        outputs = [p.output for _, p in self.items]
        vocab = label_vocabulary(outputs, max_labels=o.max_labels)
        if vocab is None:
            return
        spellings: dict[str, Counter] = {}
        first: dict[str, int] = {}
        for n, (ex, p) in enumerate(self.items):
            if not p.output.strip():
                continue
            spellings.setdefault(normalise(p.output) or p.output.strip(), Counter())[p.output] += 1
            first.setdefault(p.output, n)
        # usual spelling of each label; near-miss labels map to a common label
        usual = {k: c.most_common(1)[0][0] for k, c in spellings.items()}
        totals = {k: sum(c.values()) for k, c in spellings.items()}
        target: dict[str, tuple[str, float]] = {}
        common = sorted(totals, key=lambda k: -totals[k])
        for k in totals:
            if totals[k] > o.max_rare:
                continue
            for c in common:
                if c == k or totals[c] < o.min_ratio * totals[k]:
                    continue
                sim = fuzz.ratio(k, c) / 100
                if sim >= o.similarity:
                    target[k] = (c, sim)
                    break
        for n, (ex, p) in enumerate(self.items):
            if not p.output.strip():
                continue
            k = normalise(p.output) or p.output.strip()
            if k in target:
                c, sim = target[k]
                want = usual[c]
                msg = (f"label {short(p.output, 30)} is used {totals[k]} time(s) and is within an edit of "
                       f"{short(want, 30)} ({totals[c]} examples, similarity {sim:.2f}): a typo?")
            elif p.output != usual[k]:
                want, sim = usual[k], 1.0
                msg = (f"label {short(p.output, 30)} is spelled {short(want, 30)} in "
                       f"{spellings[k][want]} other examples (case, whitespace or punctuation differ)")
            else:
                continue
            w = self.items[first[want]][0]
            fix = None
            if p.single_output and p.output_pointer:
                fix = Fix(f"Replace with {json.dumps(want, ensure_ascii=False)}",
                          (ex.replace_value(p.output_pointer, json.dumps(want, ensure_ascii=False)),))
            ptr = p.output_pointer if p.single_output else ""
            yield Finding(msg, ptr, "value" if ptr else "record", example=ex, fix=fix,
                          related=(Related(f"usual spelling {short(want, 30)}", w.line),),
                          data={"label": p.output, "usual": want, "similarity": round(sim, 4)})
