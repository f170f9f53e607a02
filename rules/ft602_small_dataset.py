from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ftlsp.rule import CollectingRule, Finding, Severity
from ftlsp.tokens.models import model_info
from ftlsp.tokens.split import GAINS_FROM


class SmallDataset(CollectingRule):
    """A training file has under 100 examples.

    What: at least the provider minimum (FT601 reports fewer) but fewer than
    ``threshold`` valid examples. Eval files are not reported.

    Why: OpenAI reports clear improvements from 50-100 well-crafted examples; with
    fewer, a fine-tune rarely beats a good prompt with a few examples in it, and the
    auto epoch count rises (up to 25) so the model memorises what little there is.

    Options:
        threshold = 100    report files with fewer examples than this
        silent_below = 0   stay silent below this count (0: the provider minimum, where FT601 reports)

    The examples run with ``threshold = 3``, ``silent-below = 1``.

    Bad:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}

    Good:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}
        {"prompt": "4+4=", "completion": "8"}
    """

    code = "FT602"
    name = "small-dataset"
    summary = "Fewer than 100 training examples"
    default_severity = Severity.WARNING
    doc_config: ClassVar[dict] = {"rules": {"FT602": {"threshold": 3, "silent_below": 1}}}

    @dataclass(frozen=True)
    class Options:
        threshold: int = 100
        silent_below: int = 0

    def report(self, examples, ctx):
        n = len(examples)
        floor = self.options.silent_below or model_info(ctx.config.model).min_examples
        if ctx.is_eval or not (floor <= n < self.options.threshold):
            return
        yield Finding(f"only {n} examples (under {self.options.threshold}): OpenAI reports clear gains from "
                      f"{GAINS_FROM} well-crafted examples; compare against a prompted base model before training",
                      line=0, data={"examples": n, "threshold": self.options.threshold})
