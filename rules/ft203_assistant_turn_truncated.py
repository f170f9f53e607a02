from __future__ import annotations

from typing import ClassVar

from ftlsp.rule import ExampleRule, Finding, Severity
from ftlsp.tokens.support import content_pointer, example_tokens, target


class AssistantTurnTruncated(ExampleRule):
    """A trained assistant turn lies (partly) beyond the training context limit.

    What: in an example over the per-example limit, each assistant turn that the
    trainer learns from (weight not 0) and that ends past the limit is reported at
    the turn itself, with how many of its tokens fall outside.

    Why: truncation removes tokens from the end of the example, which is where the
    assistant answers usually are: the model trains on the prompt and never sees the
    answer. Move the answer earlier, drop earlier turns, or split the conversation.

    The examples run with ``context-limit = 45`` (the Bad one's answer spans tokens 39-56).

    Bad:
        {"messages": [{"role": "system", "content": "You are a contract analyst. Answer in plain English, cite clause numbers, and never give legal advice."}, {"role": "user", "content": "What does clause 7 say about late payment?"}, {"role": "assistant", "content": "Clause 7 charges two percent interest per month on late invoices."}]}

    Good:
        {"messages": [{"role": "user", "content": "Summarise the attached contract in two sentences please."}, {"role": "assistant", "content": "The supplier delivers monthly; the buyer pays within thirty days."}]}
    """

    code = "FT203"
    name = "assistant-turn-truncated"
    summary = "Trained assistant turn falls past the training context limit"
    default_severity = Severity.WARNING
    slow = True
    doc_config: ClassVar[dict] = {"context_limit": 45}

    def check(self, ex, ctx):
        info, limit = target(ctx)
        if not limit:
            return
        t = example_tokens(ex, ctx)
        if t is None or t.total <= limit:
            return
        est = " (estimated)" if t.estimated else ""
        for p in t.parts:
            if p.trained and p.end > limit:
                beyond = p.end - max(p.start, limit)
                where = "entirely" if p.start >= limit else f"{beyond:,} of its {p.tokens:,} tokens"
                yield Finding(
                    f"assistant turn {p.pointer} spans tokens {p.start:,}-{p.end:,}{est}, {where} past "
                    f"{info.name}'s {limit:,}-token limit: it will be cut from training",
                    pointer=content_pointer(ex, p.pointer),
                    data={"start": p.start, "end": p.end, "limit": limit, "estimated": t.estimated})
