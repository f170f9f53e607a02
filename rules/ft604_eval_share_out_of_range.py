from __future__ import annotations

import os
from dataclasses import dataclass

from ftlsp.rule import CollectingRule, Finding, Severity
from ftlsp.tokens.split import count_examples, reports_split


class EvalShareOutOfRange(CollectingRule):
    """The eval (validation) set is too small or too large a share of the data, or empty.

    What: when eval files are given (``--eval PATH`` or ``eval = [...]`` in config), the
    share eval / (training + eval) valid examples outside ``min-share``..``max-share``
    (10-20%). An eval file with no examples at all is always an error. Reported once,
    on the first training file (on the eval file when it is linted alone).

    Why: the usual guidance is to hold out 10-20% of the data. Less gives noisy
    validation loss; more starves training. An empty validation file is rejected by
    the provider or silently yields no validation metrics.

    Options:
        min_share = 0.10   smallest eval share that is not reported
        max_share = 0.20   largest eval share that is not reported

    Bad:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}

    Good:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}
        {"prompt": "4+4=", "completion": "8"}
        {"prompt": "5+5=", "completion": "10"}
        {"prompt": "6+6=", "completion": "12"}
        {"prompt": "7+7=", "completion": "14"}

    Eval:
        {"prompt": "9+9=", "completion": "18"}
    """

    code = "FT604"
    name = "eval-share-out-of-range"
    summary = "Eval split outside 10-20% of the data, or empty"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        min_share: float = 0.10
        max_share: float = 0.20

    def report(self, examples, ctx):
        n = len(examples)
        if not ctx.eval_paths or not reports_split(ctx):
            return
        evals = {p: count_examples(p, ctx, n) for p in ctx.eval_paths}
        trains = {p: count_examples(p, ctx, n) for p in ctx.train_paths} if ctx.train_paths else (
            {} if ctx.is_eval else {ctx.path: n})
        for p, k in evals.items():
            if k == 0:
                yield Finding(f"eval file {os.path.basename(p)} has no examples: the provider rejects an empty "
                              "validation file (or reports no validation metrics); fill it or drop --eval",
                              line=0, severity=Severity.ERROR, data={"eval_path": p, "eval_examples": 0})
        n_eval = sum(k for k in evals.values() if k)
        n_train = sum(k for k in trains.values() if k)
        if not n_eval or not n_train:
            return
        share = n_eval / (n_eval + n_train)
        lo, hi = self.options.min_share, self.options.max_share
        if lo <= share <= hi:
            return
        advice = (f"move about {round(lo * (n_eval + n_train)) - n_eval:,} examples to eval" if share < lo
                  else f"move about {n_eval - round(hi * (n_eval + n_train)):,} examples to training")
        yield Finding(f"eval set is {share:.1%} of the data ({n_eval:,} eval vs {n_train:,} training examples), "
                      f"outside {lo:.0%}-{hi:.0%}: {advice}", line=0,
                      data={"eval_examples": n_eval, "train_examples": n_train, "share": round(share, 4)})
