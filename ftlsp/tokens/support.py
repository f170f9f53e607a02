"""Small helpers the FT2xx rules share: the target model, its limit, safe counting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlsp.tokens.count import ExampleTokens, tokens_for
from ftlsp.tokens.encodings import TokenizerUnavailable
from ftlsp.tokens.models import ModelInfo, model_info

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context
    from ftlsp.rule import Example


_CHUNK = 2000  # records counted between two cancellation checks in the editor


def target(ctx: "Context") -> tuple[ModelInfo, int | None]:
    """The model the user trains and its per-example token limit (config ``context-limit`` wins)."""
    info = model_info(ctx.config.model)
    limit = getattr(ctx.config, "context_limit", None) or info.training_context
    if not info.known:
        ctx.notice(f"unknown model {info.requested!r}: tokens counted with {info.encoding} (estimated) and no "
                   "context limit; set model to a known name ('ftlint stats --models' lists them) or set context-limit")
    return info, limit


def example_tokens(ex: "Example", ctx: "Context") -> ExampleTokens | None:
    """Tokens of a record, or None (with a one-time notice) when no tokenizer is available."""
    try:
        return tokens_for(ex, ctx)
    except TokenizerUnavailable as e:
        ctx.notice(f"token rules skipped: {e}")
        return None


def file_tokens(examples: list["Example"], ctx: "Context") -> list[ExampleTokens] | None:
    """Tokens of many examples at once (a process pool counts big files in the CLI), aligned with ``examples``."""
    from ftlsp.tokens.count import counter_for

    records = [ex.record for ex in examples]
    try:
        c, info = counter_for(ctx)
        if ctx.progress is None:  # CLI: one call, a process pool for big files
            counted = c.count_records(records, ctx.dialect)
        else:  # language server: no process pool; chunks, stopping when the file changed again
            counted = []
            for i in range(0, len(records), _CHUNK):
                if ctx.cancelled("counting tokens", i / max(1, len(records))):
                    return None
                counted += c.count_records(records[i:i + _CHUNK], ctx.dialect, jobs=1)
    except TokenizerUnavailable as e:
        ctx.notice(f"token rules skipped: {e}")
        return None
    return [et.scaled(info) if et is not None else ExampleTokens(0, 0) for et in counted]


def tok(n: int, info: ModelInfo) -> str:
    """"1,234 tokens" or "about 1,234 tokens (estimated: o200k_base x 1.1)"."""
    if info.estimated:
        how = f"{info.encoding} x {info.factor:g}" if info.known else f"{info.encoding}, unknown model"
        return f"about {n:,} tokens (estimated: {how})"
    return f"{n:,} tokens"


def content_pointer(ex: "Example", pointer: str) -> str:
    """Point at a message's content when it has one (underlines the text, not the whole object)."""
    for sub in ("/content", "/parts", "/value"):
        if ex.has(pointer + sub):
            return pointer + sub
    return pointer
