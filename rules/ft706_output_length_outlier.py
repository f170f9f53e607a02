from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from ftlsp.content.record import features_all, turns_of
from ftlsp.rule import CollectingRule, Finding, Severity


class OutputLengthOutlier(CollectingRule):
    """A trained output far longer or far shorter than the file's typical output (in words).

    What: the word counts of all trained outputs give a median and a robust
    spread (median absolute deviation of log lengths). An output at least
    ``factor`` times longer (or shorter) than the median and more than
    ``z_threshold`` robust deviations away is reported. Short outliers need a
    median of at least 20 words; long ones at least 20 words above it.
    FT205 reports whole examples by tokens; this rule looks at the answers
    a length-consistent fine-tune learns from.

    Why: a dataset meant to teach "short answers" with a few essays in it (or
    one-word answers among paragraphs) teaches an inconsistent length.

    Options: ``factor`` (default 5.0), ``z_threshold`` (default 3.5),
    ``min_examples`` (default 30).

    Bad:
        {"prompt": "a", "completion": "one two three four five six seven eight nine ten eleven twelve"}
        {"prompt": "b", "completion": "one two three four five six seven eight nine ten eleven twelve"}
        {"prompt": "c", "completion": "one two three four five six seven eight nine ten eleven twelve thirteen"}
        {"prompt": "d", "completion": "one two three four five six seven eight nine ten eleven"}
        {"prompt": "e", "completion": "one two three four five six seven eight nine ten eleven twelve"}
        {"prompt": "f", "completion": "word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word"}

    Good:
        {"prompt": "a", "completion": "one two three four five six seven eight nine ten eleven twelve"}
        {"prompt": "b", "completion": "one two three four five six seven eight nine ten eleven twelve"}
        {"prompt": "c", "completion": "one two three four five six seven eight nine ten eleven twelve thirteen"}
        {"prompt": "d", "completion": "one two three four five six seven eight nine ten eleven"}
        {"prompt": "e", "completion": "one two three four five six seven eight nine ten eleven twelve"}
        {"prompt": "f", "completion": "one two three four five six seven eight nine ten eleven twelve fourteen"}
    """

    code = "FT706"
    name = "output-length-outlier"
    summary = "Trained output is far longer or shorter than the file's typical output"
    default_severity = Severity.INFO
    doc_config = {"rules": {"FT706": {"min_examples": 5}}}

    @dataclass(frozen=True)
    class Options:
        factor: float = 5.0
        z_threshold: float = 3.5
        min_examples: int = 30

    def report(self, examples, ctx):
        feats = features_all(examples, ctx)
        # Medians over the distinct counts with their multiplicities: the same values as the
        # medians of the sorted lists, at the cost of the distinct counts only. (f.words:
        # approx_words of each output.)
        counts = Counter(chain.from_iterable(f.words for f in feats))
        o = self.options
        if sum(counts.values()) < max(o.min_examples, 3):
            return
        med = _median(counts)
        lmed = _median(counts, math.log1p)  # log1p is increasing: the median's log
        dev: Counter = Counter()
        for w, c in counts.items():
            dev[abs(math.log1p(w) - lmed)] += c
        mad = _median(dev)
        lo, hi = med / o.factor, med * o.factor
        if all(lo < w < hi for w in counts):
            return  # no count is far enough from the median to be looked at
        items = [(ex, ptr, w) for ex, f in zip(examples, feats) for (ptr, _), w in zip(f.outputs, f.words)
                 if not lo < w < hi]
        for ex, ptr, w in items:
            w = _exact_words(ex, ptr, w)
            ratio = (w + 1) / (med + 1)
            z = 0.6745 * (math.log1p(w) - lmed) / mad if mad > 0 else math.copysign(math.inf, ratio - 1)
            if ratio >= o.factor and z >= o.z_threshold and w - med >= 20:
                yield Finding(f"output has {w} words, {ratio:.1f}x the file's median of {med:g}: an outlier for a "
                              f"length-consistent dataset", ptr, example=ex,
                              data={"words": w, "median": med, "ratio": round(ratio, 2)})
            elif ratio <= 1 / o.factor and z <= -o.z_threshold and med >= 20:
                yield Finding(f"output has {w} word{'s' if w != 1 else ''}, far below the file's median of "
                              f"{med:g}", ptr, example=ex, data={"words": w, "median": med, "ratio": round(ratio, 3)})


def _exact_words(ex, ptr: str, approx: int) -> int:
    """Features count words approximately (at C speed); messages use the exact count."""
    for t in turns_of(ex):
        if t.pointer == ptr:
            return len(t.text.split())
    return approx


def _median(counts: Counter, f=None) -> float:
    """Median of the multiset ``{value: count}`` (of ``f(value)`` for an increasing ``f``), computed
    as ``xs[n // 2]`` or ``(xs[n // 2 - 1] + xs[n // 2]) / 2`` of the sorted values would be."""
    n = sum(counts.values())
    if not n:
        return 0.0
    m = n // 2
    lo = hi = None
    seen = 0
    for v in sorted(counts):
        seen += counts[v]
        if lo is None and seen >= m:  # value at sorted index m - 1
            lo = v
        if seen >= m + 1:  # value at sorted index m
            hi = v
            break
    if f is not None:
        lo, hi = f(lo), f(hi)
    return hi if n % 2 else (lo + hi) / 2
