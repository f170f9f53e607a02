from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ftlsp.content.length import check_limits, token_counter, words
from ftlsp.content.record import turns_of, where
from ftlsp.rule import ExampleRule, Finding, Severity


class LengthLimitExceeded(ExampleRule):
    """A turn is longer (or shorter) than the limit the dataset promises: "always under 100 words".

    What: per role, ``max_words``, ``min_words`` and ``max_tokens`` (tokens of
    the configured model). For the assistant role only the trained outputs
    count (not tool-call arguments, not rejected answers in preference data).
    Nothing is checked until a limit is configured:

        [tool.ftlint.rules.FT705]
        max_words = { assistant = 100 }
        min_words = { assistant = 3 }
        max_tokens = { user = 2000 }

    Why: a model is fine-tuned to follow a length style; every over-length
    target teaches it that the rule has exceptions, and format adherence is
    what the fine-tune is judged on.

    Options: ``max_words``, ``min_words``, ``max_tokens``: tables of role
    (system, user, assistant, tool) = limit.

    Bad:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello there, how can I help you today with your account?"}]}

    Good:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]}
    """

    code = "FT705"
    name = "length-limit-exceeded"
    summary = "Turn is longer or shorter than the configured word/token limit for its role"
    default_severity = Severity.WARNING
    doc_config: ClassVar[dict] = {"rules": {"FT705": {"max_words": {"assistant": 5}}}}

    @dataclass(frozen=True)
    class Options:
        max_words: dict = field(default_factory=dict)
        min_words: dict = field(default_factory=dict)
        max_tokens: dict = field(default_factory=dict)

        def __post_init__(self):
            for name in ("max_words", "min_words", "max_tokens"):
                check_limits(name, getattr(self, name))

    def active(self, ctx) -> bool:
        o = self.options
        return bool(o.max_words or o.min_words or o.max_tokens)

    def check(self, ex, ctx):
        o = self.options
        if not (o.max_words or o.min_words or o.max_tokens):
            return
        count = None
        for t in turns_of(ex):
            role = t.role
            if role == "assistant" and (not t.trained or "/tool_calls/" in t.pointer
                                        or t.pointer.endswith("/arguments")):
                continue
            mx, mn, mt = o.max_words.get(role), o.min_words.get(role), o.max_tokens.get(role)
            if mx is None and mn is None and mt is None:
                continue
            w = words(t.text)
            if mx is not None and w > mx:
                yield Finding(f"{where(t)} has {w} words; the limit is {mx} (max_words.{role}): shorten it",
                              t.pointer, data={"words": w, "limit": mx})
            if mn is not None and w < mn:
                yield Finding(f"{where(t)} has {w} word{'s' if w != 1 else ''}; the minimum is {mn} "
                              f"(min_words.{role})", t.pointer, data={"words": w, "limit": mn})
            if mt is not None:
                if count is None:
                    count = token_counter(ctx)
                n = count(t.text)
                if n > mt:
                    yield Finding(f"{where(t)} has {n} tokens ({ctx.config.model}); the limit is {mt} "
                                  f"(max_tokens.{role}): shorten it", t.pointer, data={"tokens": n, "limit": mt})
