from __future__ import annotations

from typing import ClassVar

from ftlsp.rule import ExampleRule, Finding, Severity
from ftlsp.tokens.support import example_tokens, target, tok


class ExampleOverTokenLimit(ExampleRule):
    """An example has more tokens than the target model can train on.

    What: the example's tokens (OpenAI chat formula: every value incl. the role, +3 per
    message, +1 per name, +3 reply priming, tool definitions included) exceed the
    per-example training context of the model set with ``model`` / ``--model``
    (65,536 for gpt-4o and gpt-4o-mini, 16,385 for gpt-3.5-turbo-0125, 131,072 for
    Gemini 2.5 Flash; see ``ftlint stats --models``). ``context-limit`` in config
    overrides the table (e.g. your trainer's ``max_seq_length``). For models whose
    tokenizer is not available offline (Gemini, Claude, Mistral) the count is an
    estimate and the message says so.

    Why: the provider truncates such an example from the end (the final assistant
    turns are lost) or rejects the file; you pay for tokens the model never learns from.

    The examples run with ``context-limit = 30`` (the Bad one is 34 tokens).

    Bad:
        {"messages": [{"role": "user", "content": "Summarise the attached contract in two sentences please."}, {"role": "assistant", "content": "The supplier delivers monthly; the buyer pays within thirty days."}]}

    Good:
        {"messages": [{"role": "user", "content": "Summarise the contract."}, {"role": "assistant", "content": "Monthly delivery, payment in thirty days."}]}
    """

    code = "FT201"
    name = "example-over-token-limit"
    summary = "Example exceeds the target model's training context limit"
    default_severity = Severity.ERROR
    slow = True
    doc_config: ClassVar[dict] = {"context_limit": 30}

    def check(self, ex, ctx):
        info, limit = target(ctx)
        if not limit:
            return
        t = example_tokens(ex, ctx)
        if t is None or t.total <= limit:
            return
        yield Finding(
            f"example is {tok(t.total, info)}, over {info.name}'s {limit:,}-token training limit by "
            f"{t.total - limit:,}: the provider truncates it from the end or rejects the file; shorten or split it",
            target="record", data={"tokens": t.total, "limit": limit, "model": info.name, "estimated": t.estimated})
