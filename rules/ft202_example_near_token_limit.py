from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ftlsp.rule import ExampleRule, Finding, Severity
from ftlsp.tokens.support import example_tokens, target, tok


class ExampleNearTokenLimit(ExampleRule):
    """An example is close to the target model's training context limit.

    What: the example uses more than ``fraction`` of the per-example training limit
    (default 90%) without exceeding it (FT201 reports those).

    Why: a small edit, a longer system prompt or a different tokenizer version pushes it
    over; for estimated models (Gemini, Claude, Mistral) the count itself has a margin.

    Options:
        fraction = 0.9   share of the limit above which an example is reported

    The examples run with ``context-limit = 36`` (the Bad one is 34 tokens).

    Bad:
        {"messages": [{"role": "user", "content": "Summarise the attached contract in two sentences please."}, {"role": "assistant", "content": "The supplier delivers monthly; the buyer pays within thirty days."}]}

    Good:
        {"messages": [{"role": "user", "content": "Summarise the contract."}, {"role": "assistant", "content": "Monthly delivery, payment in thirty days."}]}
    """

    code = "FT202"
    name = "example-near-token-limit"
    summary = "Example is close to the target model's training context limit"
    default_severity = Severity.WARNING
    slow = True
    doc_config: ClassVar[dict] = {"context_limit": 36}

    @dataclass(frozen=True)
    class Options:
        fraction: float = 0.9

    def check(self, ex, ctx):
        info, limit = target(ctx)
        if not limit:
            return
        t = example_tokens(ex, ctx)
        if t is None or not (self.options.fraction * limit < t.total <= limit):
            return
        yield Finding(
            f"example is {tok(t.total, info)}, {t.total / limit:.0%} of {info.name}'s {limit:,}-token training "
            f"limit ({limit - t.total:,} to spare)", target="record",
            data={"tokens": t.total, "limit": limit, "estimated": t.estimated})
