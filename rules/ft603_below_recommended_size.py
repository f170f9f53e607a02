from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ftlsp.rule import CollectingRule, Finding, Severity
from ftlsp.tokens.split import RECOMMENDED


class BelowRecommendedSize(CollectingRule):
    """A training file has fewer than 1,000 examples.

    What: between ``silent-below`` (100, where FT602 takes over) and ``threshold``
    (1,000) valid examples. Eval files are not reported.

    Why: practitioners' guidance is that with fewer than 500-1,000 high-quality
    examples a fine-tune tends to underperform a well-prompted base model. Not an
    error: small, clean, focused sets do work for narrow formats; measure it.

    Options:
        threshold = 1000    report files with fewer examples than this
        silent_below = 100  stay silent below this count (FT602 reports there)

    The examples run with ``threshold = 3``, ``silent-below = 1``.

    Bad:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}

    Good:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}
        {"prompt": "4+4=", "completion": "8"}
    """

    code = "FT603"
    name = "below-recommended-size"
    summary = "Fewer than 1,000 training examples"
    default_severity = Severity.INFO
    doc_config: ClassVar[dict] = {"rules": {"FT603": {"threshold": 3, "silent_below": 1}}}

    @dataclass(frozen=True)
    class Options:
        threshold: int = 1000
        silent_below: int = 100

    def report(self, examples, ctx):
        n = len(examples)
        if ctx.is_eval or not (self.options.silent_below <= n < self.options.threshold):
            return
        yield Finding(f"{n:,} examples (under {self.options.threshold:,}): below {RECOMMENDED} good examples a "
                      f"fine-tune tends to underperform a prompted base model; keep an eval set and compare",
                      line=0, data={"examples": n, "threshold": self.options.threshold})
