"""Hover, inlay hints and code lens: what an annotator wants to know about a record.

Token counts come from ``ftlsp.tokens`` (exact, offline, cached by content);
when it is missing or has no tokenizer, the features say so instead of failing.
"""

from __future__ import annotations

import bisect
import logging
from typing import Any

from lsprotocol import types as T

from ftlsp.document import Record
from ftlsp.output import rule_url
from ftlsp.rule import Diagnostic, Example
from ftlsp.lsp.passes import FileState, make_context
from ftlsp.lsp.textdoc import utf16_len

log = logging.getLogger("ftlsp.lsp")
MAX_HINTS = 2000


def record_at(state: FileState, line: int) -> Record | None:
    recs = state.live.doc.records
    i = bisect.bisect_right(recs, line, key=lambda r: r.line) - 1
    if i >= 0 and recs[i].line <= line <= recs[i].end_line:
        return recs[i]
    return None


def _token_ctx(state: FileState):
    ctx = make_context(state, state.live.doc, state.dialect)
    ctx.progress = lambda label="", fraction=0.0: False  # an editor request: never start a process pool
    return ctx


def record_tokens(state: FileState, rec: Record, ctx=None):
    """ExampleTokens of a record, or None (not an object, no tokens module, no tokenizer)."""
    if not rec.ok or not isinstance(rec.data, dict) or state.linter is None:
        return None
    try:
        from ftlsp.tokens.support import example_tokens
    except ImportError:
        return None
    try:
        return example_tokens(Example(rec, state.live.path, state.dialect), ctx or _token_ctx(state))
    except Exception:  # counting must never break hover
        log.exception("token count failed")
        return None


def _model_info(state: FileState):
    try:
        from ftlsp.tokens.models import model_info
        return model_info(state.linter.config.model)
    except Exception:
        return None


def _limit(state: FileState) -> int | None:
    info = _model_info(state)
    cfg = state.linter.config
    return getattr(cfg, "context_limit", None) or (info.training_context if info else None)


def hover(state: FileState, line: int, char: int, diags: list[Diagnostic]) -> T.Hover | None:
    parts: list[str] = []
    for d in diags:
        if d.line <= line <= d.end_line:
            cls = state.linter.registry.get(d.code) if state.linter else None
            summary = cls.summary if cls else d.message
            parts.append(f"**{d.code}** `{d.name}`: {summary} ([docs]({rule_url(d.code)}))")
    parts = list(dict.fromkeys(parts))
    rec = record_at(state, line)
    if rec is not None:
        parts.append(_record_hover(state, rec))
    if not parts:
        return None
    rng = None
    if rec is not None:
        last = state.live.doc.lines[rec.end_line].text
        rng = T.Range(start=T.Position(line=rec.line, character=0),
                      end=T.Position(line=rec.end_line, character=utf16_len(last)))
    return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)), range=rng)


def _record_hover(state: FileState, rec: Record) -> str:
    head = f"**Record {rec.index + 1}** (line {rec.line + 1}{f'-{rec.end_line + 1}' if rec.multiline else ''})"
    if state.dialect:
        head += f" · {state.dialect}"
    if not rec.ok:
        return head + "\n\nnot valid JSON"
    et = record_tokens(state, rec)
    if et is None:
        return head + "\n\n_token counts unavailable_"
    est = " (estimated)" if getattr(et, "estimated", False) else ""
    rows = ["| role | tokens |", "|---|---:|"]
    for role, n in et.by_role.items():
        rows.append(f"| {role} | {n:,} |")
    lines = [head, "\n".join(rows), f"**{et.total:,}** tokens{est}, **{et.trained:,}** trained"]
    cost = state.info.get("cost")
    if isinstance(cost, dict) and cost.get("billed_tokens_per_epoch"):
        limit = _limit(state)
        billed = min(et.total, limit) if limit else et.total
        share = billed / cost["billed_tokens_per_epoch"]
        s = f"{share:.3%} of the file's training cost"
        if cost.get("usd") is not None:
            s += f" (~${cost['usd'] * share:,.4f} of ${cost['usd']:,.2f}: {cost.get('model')}, {cost.get('epochs')} epochs)"
        lines.append(s)
    elif state.linter is not None:
        lines.append("_share of the training cost: after the background check_")
    return "\n\n".join(lines)


def inlay_hints(state: FileState, start_line: int, end_line: int) -> list[T.InlayHint]:
    recs = state.live.doc.records
    lines = state.live.doc.lines
    i = max(bisect.bisect_left(recs, start_line, key=lambda r: r.end_line), 0)
    ctx = _token_ctx(state)
    out: list[T.InlayHint] = []
    while i < len(recs) and recs[i].line <= end_line and len(out) < MAX_HINTS:
        rec = recs[i]
        i += 1
        et = record_tokens(state, rec, ctx)
        if et is None:
            continue
        tip = ", ".join(f"{role} {n:,}" for role, n in et.by_role.items())
        out.append(T.InlayHint(
            position=T.Position(line=rec.end_line, character=utf16_len(lines[rec.end_line].text)),
            label=f"{et.total:,} tok", padding_left=True,
            tooltip=f"{et.total:,} tokens ({et.trained:,} trained): {tip}"))
    return out


def code_lens_title(state: FileState) -> str:
    doc = state.live.doc
    info: dict[str, Any] = state.info
    parts = [f"ftlint: {len(doc.records):,} examples", state.dialect or "unknown format"]
    tokens = info.get("tokens")
    cost = info.get("cost")
    if isinstance(tokens, dict) and "total" in tokens:
        est = "~" if tokens.get("estimated") else ""
        parts.append(f"{est}{tokens['total']:,} tokens")
    if isinstance(cost, dict):
        if cost.get("usd") is not None:
            parts.append(f"~${cost['usd']:,.2f} to train ({cost.get('model')}, {cost.get('epochs')} epochs)")
        else:
            parts.append(f"price unknown for {cost.get('model')}")
    if tokens is None and cost is None:
        parts.append("tokens and cost: " + ("computing…" if state.slow_gen < 0 else "unavailable"))
    return " · ".join(parts)


def code_lens(state: FileState) -> list[T.CodeLens]:
    rng = T.Range(start=T.Position(line=0, character=0), end=T.Position(line=0, character=0))
    return [T.CodeLens(range=rng, command=T.Command(title=code_lens_title(state), command=""))]
