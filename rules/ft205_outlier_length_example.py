from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import ClassVar

from ftlsp.rule import CollectingRule, Finding, Severity
from ftlsp.tokens.cost import quantile
from ftlsp.tokens.support import content_pointer, file_tokens, target, tok


class OutlierLengthExample(CollectingRule):
    """An example is many times longer than the file's typical example.

    What: an example with at least ``min-tokens`` tokens and more than ``factor`` times
    the file's median tokens per example (files with fewer than ``min-examples``
    examples are skipped). Reported as info; as a warning when the text is also highly
    repetitive (it compresses to under 10% of its size), the usual sign of a
    generation loop (a ``severity`` set in config for FT205 always wins).

    Why: one runaway example (the cookbook's toy file has an 8,000-token "Eat a
    banana!" repetition among 26-111 token examples) can cost more than the rest of
    the file together, every epoch, and teaches the model to ramble or loop.

    Options:
        factor = 10.0       times the median above which an example is an outlier
        min_tokens = 1000   never report examples shorter than this
        min_examples = 5    skip files with fewer examples (no meaningful median)

    The examples run with ``min-tokens = 50``, ``factor = 4``.

    Bad:
        {"messages": [{"role": "user", "content": "I lost my book."}, {"role": "assistant", "content": "Ebooks are great!"}]}
        {"messages": [{"role": "user", "content": "I fell off my bike."}, {"role": "assistant", "content": "Good exercise!"}]}
        {"messages": [{"role": "user", "content": "It rained."}, {"role": "assistant", "content": "Plants love it!"}]}
        {"messages": [{"role": "user", "content": "I missed the bus."}, {"role": "assistant", "content": "A nice walk, then!"}]}
        {"messages": [{"role": "user", "content": "I'm hungry."}, {"role": "assistant", "content": "Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!"}]}

    Good:
        {"messages": [{"role": "user", "content": "I lost my book."}, {"role": "assistant", "content": "Ebooks are great!"}]}
        {"messages": [{"role": "user", "content": "I fell off my bike."}, {"role": "assistant", "content": "Good exercise!"}]}
        {"messages": [{"role": "user", "content": "It rained."}, {"role": "assistant", "content": "Plants love it!"}]}
        {"messages": [{"role": "user", "content": "I missed the bus."}, {"role": "assistant", "content": "A nice walk, then!"}]}
        {"messages": [{"role": "user", "content": "I'm hungry."}, {"role": "assistant", "content": "Eat a banana!"}]}
    """

    code = "FT205"
    name = "outlier-length-example"
    summary = "Example is far longer than the file's median example"
    default_severity = Severity.INFO
    doc_config: ClassVar[dict] = {"rules": {"FT205": {"min_tokens": 50, "factor": 4.0}}}

    @dataclass(frozen=True)
    class Options:
        factor: float = 10.0
        min_tokens: int = 1000
        min_examples: int = 5

    def report(self, exs, ctx):
        o = self.options
        if len(exs) < o.min_examples:
            return
        ets = file_tokens(exs, ctx)
        if ets is None:
            return
        info, _ = target(ctx)
        median = quantile(sorted(e.total for e in ets), 0.5)
        configured = "severity" in ctx.config.rules.get(self.code, {})
        bar = max(o.min_tokens, o.factor * median)
        for ex, t in zip(exs, ets):
            if t.total < bar or t.total <= o.factor * median:
                continue
            big = max(t.parts, key=lambda p: p.tokens, default=None)
            raw = ex.text.encode("utf-8", "surrogatepass")
            ratio = len(zlib.compress(raw, 6)) / max(1, len(raw))
            repetitive = ratio < 0.10
            rep = f"; its text is highly repetitive (compresses to {ratio:.0%})" if repetitive else ""
            advice = "check for a generation loop" if repetitive else "check that it belongs (a pasted document?)"
            where = f", mostly {big.pointer} ({big.tokens:,})" if big is not None and big.tokens > t.total / 2 else ""
            yield Finding(
                f"example is {tok(t.total, info)}, {t.total / max(median, 1):,.0f}x the file's median ({median:,.0f})"
                f"{where}{rep}: it costs as much as {t.total / max(median, 1):,.0f} typical examples; {advice}",
                pointer=content_pointer(ex, big.pointer) if big is not None and where else "",
                target="value" if where else "record", example=ex,
                severity=Severity.WARNING if repetitive and not configured else None,
                data={"tokens": t.total, "median": median, "compression_ratio": round(ratio, 3)})
