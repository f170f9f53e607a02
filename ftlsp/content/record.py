"""Per-record work shared by the FT7xx rules: the shared gate, turns, the content scan, features.

Most records have nothing to report, so the engine first asks ``content_clean``
once per record (the group check of every content example rule): one pass of
cheap tests over the raw text and the outputs decides for all of them.

The engine runs every example rule on one record before the next, so a
one-slot cache lets the rules that do run share one ``fields.turns`` call and
one scan. Dataset rules (format, system prompt and length outliers) need a few
features per record; those are kept on the record (``Record.derived``: they go with
it), filled by the gate in the fast pass and read in the slow pass.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable, NamedTuple

from ftlsp import dialects as D
from ftlsp import fields
from ftlsp.content import scan as _scan
from ftlsp.content.shape import PROSE, Shape, classify
from ftlsp.content.truncation import COMPLETE_END, truncation_cue
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


def scan_of(ex: Any) -> _scan.RecordScan:
    """The content scan of a record (empty at once when the raw text has no trigger at all)."""
    global _last_scan
    c = _last_scan
    if c is not None and c[0] is ex.record and c[1] == ex.dialect:
        return c[2]
    g = _last_gate
    raw_hit = g[1] & _scan.RAW_HIT if g[0] is ex.record else not _scan.raw_clean(ex.text)
    rs = _scan.scan_turns(turns_of(ex)) if raw_hit else _EMPTY
    with _lock:
        _last_scan = (ex.record, ex.dialect, rs)
    return rs


_EMPTY = _scan.RecordScan([])


_last_gate: tuple[Any, int] = (None, 0)  # (record, raw gate flags) of the last gated record


def content_clean(ex: Any, ctx: Any) -> bool:
    """The engine's group check for every content example rule (FT702, FT707-FT713): True when
    none of them can report anything for this record, so the engine skips them all.

    Each test is a necessary condition of a finding (never the finding itself): no trigger in the
    raw text (placeholders, mojibake, U+FFFD, personal data, secrets), no output that may hold
    refusal boilerplate (a phrase start and an anchor), no output with a truncation cue, no tool
    declarations.
    """
    global _last_gate
    rec = ex.record
    data = rec.data
    if "tools" in data or "functions" in data:
        return False
    g = _scan.record_gate(rec.text)
    _last_gate = (rec, g)  # the record is kept so its id cannot be reused
    if g & _scan.RAW_HIT:
        return False
    outs = features_of(ex).outputs
    if _c_quiet is not None and _c_quiet(outs):
        return True  # no truncation cue, no refusal start (in C); otherwise the exact tests decide
    for _, text in outs:
        if truncation_cue(text) or (_scan.refusal_possible(text)
                                    and _scan.refusal_anchor(text, g & _scan.UPPER_PAIR)):
            return False
    return True


def outputs(ts: list[fields.Turn]) -> list[tuple[int, fields.Turn]]:
    """The trained assistant texts of a record (tool-call arguments excluded): what the model learns to say."""
    return [(i, t) for i, t in enumerate(ts)
            if t.trained and t.role == "assistant" and "/tool_calls/" not in t.pointer
            and not t.pointer.endswith("/function_call/arguments")]


class Features(NamedTuple):
    outputs: tuple[tuple[str, str], ...]  # (pointer, text) of each trained output
    system: str | None  # the first system prompt
    system_pointer: str | None
    first_pointer: str | None  # the first text of the record (where "no system prompt" is reported)
    words: tuple[int, ...]  # approx_words of each output
    shape: Shape | None  # the shape of the last output


_new_features = tuple.__new__  # Features(...) without the Python-level __new__: one per record


def features_of(ex: Any) -> Features:
    """The features of a record, computed once and kept on the record."""
    rec, dialect = ex.record, ex.dialect
    d = getattr(rec, "derived", None)
    if d is not None and d[0] == dialect:
        return d[1]
    # Word counts and the last output's shape are taken now, while the outputs are in the CPU
    # cache (the gate reads them next); the dataset rules read them much later.
    f = (_c_chat(rec.data, _ALIASES, _CONTENT_PTRS, Features, PROSE, classify)
         if _c_chat is not None and dialect in _MESSAGE_DIALECTS else None)
    if f is None:
        f = _features_py(ex, rec.data, dialect)
    try:
        rec.derived = (dialect, f)
    except AttributeError:  # a record-like object without the slot (tests)
        pass
    return f


def _features_py(ex: Any, data: Any, dialect: str | None) -> Features:
    fast = _fast_chat(data, dialect)
    if fast is not None:
        outs, sys_text, sys_ptr, first = fast
    else:
        ts = turns_of(ex)
        outs = tuple((t.pointer, t.text) for _, t in outputs(ts))
        sys_turn = next((t for t in ts if t.role == "system"), None)
        sys_text, sys_ptr = (sys_turn.text, sys_turn.pointer) if sys_turn else (None, None)
        first = ts[0].pointer if ts else None
    words = tuple([approx_words(t) for _, t in outs])
    return _new_features(Features, (outs, sys_text, sys_ptr, first, words, classify(outs[-1][1]) if outs else None))


def features_all(examples: list, ctx: Any = None) -> list[Features]:
    """``features_of`` for each example, in order: the dataset rules' bulk read in ``finish``.
    With ``ctx``, rules of one lint that get the same list share one answer."""
    scratch = getattr(ctx, "scratch", None)
    if scratch is not None:
        hit = scratch.get("content.features")
        if hit is not None and hit[0] is examples:
            return hit[1]
    out = []
    append = out.append
    for ex in examples:
        d = getattr(ex.record, "derived", None)
        append(d[1] if d is not None and d[0] == ex.dialect else features_of(ex))
    if scratch is not None:
        scratch["content.features"] = (examples, out)
    return out


def output_texts(ex: Any) -> tuple[tuple[str, str], ...]:
    """(pointer, text) of each trained output of a record (from the record's features)."""
    return features_of(ex).outputs


_MESSAGE_DIALECTS = frozenset({D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES, D.BEDROCK_CLAUDE})
_ALIASES = fields.ROLE_ALIASES


def _fast_chat(data: Any, dialect: str | None):
    """``fields.turns`` semantics for the common chat shape, without building Turn objects.

    Applies to the message dialects when every message is an object whose content is a
    string (or absent) and that has no tool calls; anything else returns None and the
    caller uses ``fields.turns``. A property test holds the two to the same answers.
    """
    if dialect not in _MESSAGE_DIALECTS or not isinstance(data, dict):
        return None
    msgs = data.get("messages")
    if not isinstance(msgs, list):
        return None
    outs: list[tuple[str, str]] = []
    sys_text = sys_ptr = first = None
    top = data.get("system")
    if isinstance(top, str):
        sys_text, sys_ptr, first = top, "/system", "/system"
    aliases, ptrs = _ALIASES, _CONTENT_PTRS
    i = -1
    for m in msgs:
        i += 1
        if type(m) is not dict:
            if isinstance(m, dict):
                return None
            continue
        c = m.get("content")
        r = m.get("role")
        if len(m) == 2 and r is not None and c.__class__ is str:
            weighted = False  # exactly role and content: no tool calls, no weight
        elif "tool_calls" in m or "function_call" in m or (c is not None and type(c) is not str):
            return None
        elif c is None:
            continue
        else:
            weighted = "weight" in m
        role = aliases.get(r, "other") if isinstance(r, str) else "other"
        ptr = ptrs[i] if i < 64 else f"/messages/{i}/content"
        if first is None:
            first = ptr
        if role == "assistant":
            if not weighted or m["weight"] != 0:
                outs.append((ptr, c))
        elif role == "system" and sys_text is None:
            sys_text, sys_ptr = c, ptr
    return tuple(outs), sys_text, sys_ptr, first


_CONTENT_PTRS = tuple(f"/messages/{i}/content" for i in range(64))
# C versions (None: not built; the Python path answers): ``_fast_chat`` with the word counts and
# whether the last output is plainly prose, in one call; and the outputs' part of the gate.
_c_chat = _c_quiet = None
if _scan._speedups is not None:
    _c_chat = _scan._speedups.chat_features
    _scan._speedups.configure_truncation("".join(sorted(COMPLETE_END)))
    _c_quiet = _scan._speedups.outputs_quiet


def approx_words(s: str) -> int:
    """About the number of words: spaces and newlines counted at C speed (runs of whitespace count
    more than once). Good enough for length statistics; messages recount exactly."""
    if not s:
        return 0
    return s.count(" ") + (s.count("\n") if "\n" in s else 0) + 1


def hit_findings(ex: Any, kind: str, message, roles: Iterable[str] | None = None,
                 keep=None) -> Iterable[Finding]:
    """Findings at the exact range of each scan hit of ``kind`` (``message(hit, turn)`` builds the text)."""
    rs = scan_of(ex)
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
            a, b = substring_range(ex, t.pointer, h.start, h.end)
        except KeyError:  # pointer not locatable (should not happen): fall back to the value
            yield Finding(message(h, t), t.pointer, data=_data(h))
            continue
        yield Finding(message(h, t), t.pointer, offset=a, end_offset=b, data=_data(h))


def substring_range(ex: Any, pointer: str, start: int, end: int) -> tuple[int, int]:
    """``Example.substring_range`` with a shortcut: before the first escape of the raw string
    literal, decoded offsets are raw offsets shifted by the opening quote (walking the escapes
    one character at a time costs ~40 µs on a long answer)."""
    ks, ke, vs, ve = ex.record.spans()[pointer]
    j = ex.record.text.find("\\", vs, ve)
    if j < 0 or vs + 1 + end <= j:
        return vs + 1 + start, vs + 1 + end
    return ex.substring_range(pointer, start, end)


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
    return f"{'an' if t.role == 'assistant' else 'a'} {t.role} turn"


class ScanRuleMixin:
    """For rules that report scan hits of one kind: ``check`` yields a finding per hit.

    The rule defines ``kind`` and ``message(hit, turn)``; Options may define
    ``roles`` (which turns count) and ``allow`` (case-insensitive substrings that
    exempt a value, e.g. a company's public support address).
    """

    kind: str
    clean_check = content_clean

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
        c = _last_scan
        rs = c[2] if c is not None and c[0] is ex.record and c[1] == ex.dialect else scan_of(ex)
        if not rs.hits:
            return ()
        roles = getattr(self.options, "roles", None)  # type: ignore[attr-defined]
        return list(hit_findings(ex, self.kind, self.message, roles, self.keep))
