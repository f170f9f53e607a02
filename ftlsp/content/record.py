"""Per-record work shared by the FT7xx rules: turns, the content scan, dataset features.

The engine runs every example rule on one record before the next, so a
one-slot cache lets all content rules share one ``fields.turns`` call and one
scan. Dataset rules (format, system prompt and length outliers) need a few
features per record; those are cached per document (weakly: they go with the
document) so the three rules, and the editor's later background pass, compute
them once.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any, Iterable

from ftlsp import fields
from ftlsp.content import scan as _scan
from ftlsp.content.shape import Shape, classify
from ftlsp.rule import Finding

_lock = threading.Lock()
_last_turns: tuple[Any, str | None, list[fields.Turn]] | None = None
_last_scan: tuple[Any, str | None, _scan.RecordScan] | None = None


def turns_of(ex: Any) -> list[fields.Turn]:
    global _last_turns
    c = _last_turns
    if c is not None and c[0] is ex.record and c[1] == ex.dialect:
        return c[2]
    ts = fields.turns(ex.data, ex.dialect)
    with _lock:
        _last_turns = (ex.record, ex.dialect, ts)  # the record is kept so its id cannot be reused
    return ts


def scan_of(ex: Any, document: Any = None) -> _scan.RecordScan:
    """The content scan of a record; with ``document``, also primes the dataset features of the record."""
    global _last_scan
    c = _last_scan
    if c is not None and c[0] is ex.record and c[1] == ex.dialect:
        return c[2]
    if document is not None:
        features_of(ex, document)
    rs = _scan.scan_turns(turns_of(ex))
    with _lock:
        _last_scan = (ex.record, ex.dialect, rs)
    return rs


def outputs(ts: list[fields.Turn]) -> list[tuple[int, fields.Turn]]:
    """The trained assistant texts of a record (tool-call arguments excluded): what the model learns to say."""
    return [(i, t) for i, t in enumerate(ts)
            if t.trained and t.role == "assistant" and "/tool_calls/" not in t.pointer
            and not t.pointer.endswith("/function_call/arguments")]


@dataclass(frozen=True, slots=True)
class Features:
    output_pointer: str | None  # the last trained output
    shape: Shape | None
    output_words: tuple[tuple[str, int], ...]  # (pointer, words) of each trained output
    system: str | None  # the first system prompt
    system_pointer: str | None
    first_pointer: str | None  # the first text of the record (where "no system prompt" is reported)


_features: "weakref.WeakKeyDictionary[Any, dict[int, tuple[Any, Features]]]" = weakref.WeakKeyDictionary()


def features_of(ex: Any, document: Any = None) -> Features:
    per_doc = None
    if document is not None:
        try:
            per_doc = _features.setdefault(document, {})
        except TypeError:
            per_doc = None
        if per_doc is not None:
            hit = per_doc.get(ex.index)
            if hit is not None and hit[0] is ex.record:
                return hit[1]
    ts = turns_of(ex)
    outs = outputs(ts)
    last = outs[-1][1] if outs else None
    sys_turn = next((t for t in ts if t.role == "system"), None)
    f = Features(last.pointer if last else None, classify(last.text) if last else None,
                 tuple((t.pointer, len(t.text.split())) for _, t in outs),
                 sys_turn.text if sys_turn else None, sys_turn.pointer if sys_turn else None,
                 ts[0].pointer if ts else None)
    if per_doc is not None:
        per_doc[ex.index] = (ex.record, f)
    return f


def hit_findings(ex: Any, kind: str, message, roles: Iterable[str] | None = None,
                 keep=None, document: Any = None) -> Iterable[Finding]:
    """Findings at the exact range of each scan hit of ``kind`` (``message(hit, turn)`` builds the text)."""
    rs = scan_of(ex, document)
    if not rs.hits:
        return
    role_set = frozenset(roles) if roles is not None else None
    for h in rs.hits:
        if h.kind != kind:
            continue
        t = rs.turns[h.turn]
        if role_set is not None and t.role not in role_set:
            continue
        if keep is not None and not keep(h, t):
            continue
        try:
            a, b = ex.substring_range(t.pointer, h.start, h.end)
        except KeyError:  # pointer not locatable (should not happen): fall back to the value
            yield Finding(message(h, t), t.pointer, data=_data(h))
            continue
        yield Finding(message(h, t), t.pointer, offset=a, end_offset=b, data=_data(h))


def _data(h: _scan.Hit) -> dict:
    d = {"kind": h.detail, "shown": h.shown}
    if h.score:
        d["entropy"] = round(h.score, 2)
    return d


def short(s: str, n: int = 60) -> str:
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 3] + "..."


def where(t: fields.Turn) -> str:
    """'the assistant turn' / 'the system prompt' for messages."""
    if t.role == "system":
        return "the system prompt"
    if "/tool_calls/" in t.pointer or t.pointer.endswith("/arguments"):
        return "tool-call arguments"
    if t.role == "other":
        return "a text"
    return f"{'an' if t.role[0] in 'aeiou' else 'a'} {t.role} turn"


class ScanRuleMixin:
    """For rules that report scan hits of one kind: ``check`` yields a finding per hit.

    The rule defines ``kind`` and ``message(hit, turn)``; Options may define
    ``roles`` (which turns count) and ``allow`` (case-insensitive substrings that
    exempt a value, e.g. a company's public support address).
    """

    kind: str

    def message(self, h: _scan.Hit, t: fields.Turn) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def keep(self, h: _scan.Hit, t: fields.Turn) -> bool:
        allow = getattr(self.options, "allow", ())  # type: ignore[attr-defined]
        if allow:
            v = h.value.lower()
            if any(a.lower() in v for a in allow):
                return False
        return True

    def check(self, ex, ctx):
        roles = getattr(self.options, "roles", None)  # type: ignore[attr-defined]
        return list(hit_findings(ex, self.kind, self.message, roles, self.keep, ctx.document))
