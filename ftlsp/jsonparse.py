"""JSON parsing with positions.

Records are parsed with orjson (fast, strict: rejects NaN/Infinity). Only when
that fails do we re-parse with the standard library to get a readable message
and an exact position. Positions of values (JSON pointer -> range) are computed
lazily by a small regex tokenizer, only for records that have diagnostics.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

import orjson

MAX_DEPTH = 512


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    offset: int  # code-point offset in the record text
    kind: str = "syntax"  # syntax | nan | depth


def loads(text: str) -> Any:
    """Fast strict parse. Raises ValueError (orjson.JSONDecodeError) on anything invalid."""
    return orjson.loads(text)


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def parse(text: str) -> tuple[Any, ParseError | None]:
    """Parse, returning (data, None) or (None, ParseError) with the parser's position."""
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as fast_err:
        fast_pos = getattr(fast_err, "pos", 0) or 0
    except RecursionError:  # pragma: no cover - orjson limits depth itself
        return None, ParseError("nesting too deep", 0, "depth")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except _NonFinite as e:
        name = str(e)
        m = re.search(r"(?<![\w\"])" + re.escape(name) + r"(?![\w\"])", text)
        return None, ParseError(f"`{name}` is not valid JSON (use null or a string)", m.start() if m else 0, "nan")
    except RecursionError:
        return None, ParseError(f"nesting deeper than the parser allows", 0, "depth")
    except json.JSONDecodeError as e:
        msg = _describe(e, text)
        pos = e.pos
        if msg.startswith("trailing comma"):
            pos = text.rfind(",", 0, e.pos)  # point at the comma itself
        return None, ParseError(msg, pos, "syntax")
    # The stdlib accepted what orjson refused: lone surrogates, deep nesting and the like.
    if _depth_exceeds(text, MAX_DEPTH):
        return None, ParseError(f"nesting deeper than {MAX_DEPTH} levels", fast_pos, "depth")
    return data, None


def _describe(e: json.JSONDecodeError, text: str) -> str:
    msg = e.msg
    pos = e.pos
    near = text[pos: pos + 12]
    if msg.startswith("Invalid control character"):
        ch = text[pos] if pos < len(text) else ""
        return f"raw control character {ch!r} inside a string (escape it as {json.dumps(ch)[1:-1]!s})"
    if msg == "Expecting property name enclosed in double quotes":
        if near.startswith("'"):
            return "single-quoted key: JSON needs double quotes"
        if near.lstrip().startswith("}") and text[:pos].rstrip().endswith(","):
            return "trailing comma before `}`"
    if msg == "Expecting value":
        if near.startswith("'"):
            return "single-quoted string: JSON needs double quotes"
        if near.lstrip().startswith("]") and text[:pos].rstrip().endswith(","):
            return "trailing comma before `]`"
        if not near.strip():
            return "unexpected end of record: the JSON is truncated"
    if msg.startswith("Unterminated string"):
        return "unterminated string: the JSON is truncated or a quote is missing"
    if msg.startswith("Expecting ',' delimiter") or msg.startswith("Expecting ':' delimiter"):
        if pos >= len(text.rstrip()):
            return "unexpected end of record: the JSON is truncated"
    if msg == "Extra data":
        return f"extra data after the JSON value: {near!r}"
    return f"{msg}" + (f" near {near!r}" if near else "")


def _depth_exceeds(text: str, limit: int) -> bool:
    depth = 0
    for m in _TOKEN.finditer(text):
        t = m.group(1) or ""
        if t in ("{", "["):
            depth += 1
            if depth > limit:
                return True
        elif t in ("}", "]"):
            depth -= 1
    return False


# One token: a string (lenient: may span raw newlines), punctuation, or a bare scalar.
# Strings as an unrolled loop ("[^"\\]*(?:\\.[^"\\]*)*"?): the same matches as "(?:[^"\\]|\\.)*"?
# at twice the speed, because the re engine repeats a single character class in a tight loop.
_TOKEN = re.compile(r'\s*(?:("[^"\\]*(?:\\.[^"\\]*)*"?)|([{}\[\],:])|([^\s{}\[\],:"]+))', re.S)


def bracket_scan(text: str, depth: int = 0, in_str: bool = False, esc: bool = False,
                 stop_at_close: bool = False) -> tuple[int, bool, bool, int]:
    """Track bracket depth and string state through ``text`` (lenient: raw newlines stay in strings).

    Returns (depth, in_str, esc, stop): ``stop`` is the index of the bracket that brought the
    depth back to 0 or below when ``stop_at_close``, else -1. The state carries across calls,
    so a record can be scanned line by line.
    """
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if stop_at_close and depth <= 0:
                return depth, in_str, esc, i
    return depth, in_str, esc, -1


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def spans(text: str) -> dict[str, tuple[int, int, int, int]]:
    """Map each JSON pointer to (key_start, key_end, value_start, value_end).

    For array elements and the root, the key range equals the value range.
    Lenient: on malformed input returns what it could locate.
    """
    out: dict[str, tuple[int, int, int, int]] = {}
    toks = [(m.start(m.lastindex), m.end(m.lastindex), m.lastindex, m.group(m.lastindex))
            for m in _TOKEN.finditer(text) if m.lastindex]
    pos = 0

    def value(ptr: str, ks: int, ke: int, depth: int) -> None:
        nonlocal pos
        if pos >= len(toks) or depth > MAX_DEPTH:
            return
        s, e, kind, t = toks[pos]
        if kind == 2 and t == "{":
            pos += 1
            while pos < len(toks):
                s2, e2, k2, t2 = toks[pos]
                if k2 == 2 and t2 == "}":
                    pos += 1
                    break
                if k2 == 2 and t2 == ",":
                    pos += 1
                    continue
                if k2 == 1:
                    if "\\" not in t2 and len(t2) >= 2 and t2[-1] == '"':
                        key = t2[1:-1]  # no escape: the text between the quotes is the key
                    else:
                        try:
                            key = json.loads(t2)
                        except ValueError:
                            key = t2.strip('"')
                    pos += 1
                    if pos < len(toks) and toks[pos][3] == ":":
                        pos += 1
                    value(f"{ptr}/{escape_pointer_token(str(key))}", s2, e2, depth + 1)
                else:
                    pos += 1  # junk where a key belongs
            end = toks[pos - 1][1] if pos - 1 < len(toks) else len(text)
            out[ptr] = (ks if ks >= 0 else s, ke if ke >= 0 else end, s, end)
        elif kind == 2 and t == "[":
            pos += 1
            i = 0
            while pos < len(toks):
                s2, e2, k2, t2 = toks[pos]
                if k2 == 2 and t2 == "]":
                    pos += 1
                    break
                if k2 == 2 and t2 == ",":
                    pos += 1
                    i += 1
                    continue
                before = pos
                value(f"{ptr}/{i}", -1, -1, depth + 1)
                if pos == before:
                    pos += 1
            end = toks[pos - 1][1] if pos - 1 < len(toks) else len(text)
            out[ptr] = (ks if ks >= 0 else s, ke if ke >= 0 else end, s, end)
        elif kind == 2:
            return  # stray punctuation; caller advances
        else:
            pos += 1
            out[ptr] = (ks if ks >= 0 else s, ke if ke >= 0 else e, s, e)

    value("", -1, -1, 0)
    return out


def array_elements(text: str) -> Iterator[tuple[int, int, ParseError | None]]:
    """Offsets (start, end) of each element of a top-level JSON array in ``text``."""
    depth = 0
    start = -1
    opened = False
    for m in _TOKEN.finditer(text):
        if not m.lastindex:
            continue
        s, e, kind, t = m.start(m.lastindex), m.end(m.lastindex), m.lastindex, m.group(m.lastindex)
        if not opened:
            if t != "[":
                yield 0, 0, ParseError("a .json dataset must be an array of records", s)
                return
            opened = True
            continue
        if kind == 2 and t in "{[":
            if depth == 0:
                start = s
            depth += 1
        elif kind == 2 and t in "}]":
            if depth == 0 and t == "]":
                return
            depth -= 1
            if depth == 0:
                yield start, e, None
                start = -1
        elif kind == 2 and t == ",":
            continue
        elif depth == 0:
            yield s, e, None  # a scalar element; the not-an-object rule reports it
    if opened:
        yield 0, 0, ParseError("unterminated array: missing `]`", len(text))


def decoded_to_raw(literal: str, start: int, end: int) -> tuple[int, int]:
    """Map [start, end) in the decoded value of JSON string ``literal`` (with quotes) to raw offsets."""
    i = 1  # after the opening quote
    n = len(literal)
    k = 0  # index in the decoded string
    raw_start = raw_end = None
    while i < n and literal[i] != '"':
        if k == start and raw_start is None:
            raw_start = i
        if k == end and raw_end is None:
            raw_end = i
            break
        if literal[i] == "\\" and i + 1 < n:
            if literal[i + 1] == "u":
                code = int(literal[i + 2: i + 6] or "0", 16) if _is_hex(literal[i + 2: i + 6]) else 0
                i += 6
                # a surrogate pair is two escapes but one decoded character
                if 0xD800 <= code < 0xDC00 and literal.startswith("\\u", i) and _is_hex(literal[i + 2: i + 6]):
                    i += 6
            else:
                i += 2
        else:
            i += 1
        k += 1
    if raw_start is None:
        raw_start = i
    if raw_end is None:
        raw_end = i
    return raw_start, raw_end


def _is_hex(s: str) -> bool:
    return len(s) == 4 and all(c in "0123456789abcdefABCDEF" for c in s)
