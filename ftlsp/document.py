"""The dataset document: bytes in, lines and records out.

A document is read once into text, split into lines (LSP line breaks: ``\\n``,
``\\r\\n``) and grouped into records. JSONL gives one record per line; a record
pretty-printed over several lines is grouped by a lenient bracket scanner so
that it is reported once, at the lines that form it, instead of as one error
per line. A ``.json`` file holding an array of objects yields one record per
element, each at its place in the file.

Offsets are Python code-point offsets into ``Document.text``; lines are
0-based. Conversion to UTF-16 (editor) or 1-based (CLI) happens at the edges.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ftlsp import jsonparse

BOM = "\ufeff"
COMMENT_PREFIXES = ("//", "#")
# A record pretty-printed over more lines than this is treated as unterminated.
MAX_GROUP_LINES = 5000


@dataclass(slots=True)
class Line:
    """One physical line without its terminator."""

    number: int  # 0-based
    start: int  # offset of the first char in Document.text
    text: str
    crlf: bool = False
    kind: str = "content"  # content | blank | comment | continuation
    bad_utf8_col: int | None = None  # column of the first undecodable byte


@dataclass(slots=True)
class Record:
    """One dataset record: a JSONL line, a pretty-printed group, or an array element."""

    index: int  # position among records, 0-based
    line: int  # first line, 0-based
    end_line: int  # last line, 0-based, inclusive
    start: int  # offset of the record text in Document.text
    text: str
    data: Any = None
    error: jsonparse.ParseError | None = None
    _spans: dict | None = field(default=None, repr=False)
    _hash: str | None = field(default=None, repr=False)
    # Values rule helpers derive from this record (the content rules' features): they live and
    # die with it, and an edit makes a new record.
    derived: Any = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def multiline(self) -> bool:
        return self.end_line > self.line

    @property
    def content_hash(self) -> str:
        """Stable hash of the record's text: keys baselines and caches."""
        if self._hash is None:
            self._hash = hashlib.blake2b(self.text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        return self._hash

    def spans(self) -> dict:
        """JSON pointer -> (key_start, key_end, value_start, value_end), offsets in ``text``."""
        if self._spans is None:
            self._spans = jsonparse.spans(self.text)
        return self._spans


class Document:
    """A dataset file, decoded and split. Construction never raises on bad input."""

    def __init__(self, path: str, text: str, *, bom: bool = False, bad_utf8: dict[int, int] | None = None,
                 kind: str | None = None):
        self.path = path
        self.bom = bom
        self.text = text
        self.lines: list[Line] = []
        self.records: list[Record] = []
        self.is_array = False
        self.array_error: jsonparse.ParseError | None = None
        self._line_starts: list[int] = []
        with gc_paused():
            self._split_lines(bad_utf8 or {})
            if kind == "json" or (kind is None and path.endswith(".json") and text.lstrip(BOM + " \t\r\n").startswith("[")):
                self._parse_array()
            else:
                self._parse_jsonl()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_bytes(cls, path: str, raw: bytes, kind: str | None = None) -> "Document":
        bom = raw.startswith(b"\xef\xbb\xbf")
        if bom:  # a space keeps every offset equal to the editor's text, which holds the BOM
            raw = b" " + raw[3:]
        try:
            text = raw.decode("utf-8")
            bad: dict[int, int] = {}
        except UnicodeDecodeError:
            text, bad = _decode_lenient(raw)
        return cls(path, text, bom=bom, bad_utf8=bad, kind=kind)

    @classmethod
    def from_text(cls, path: str, text: str, kind: str | None = None) -> "Document":
        bom = text.startswith(BOM)
        return cls(path, " " + text[1:] if bom else text, bom=bom, kind=kind)

    def _split_lines(self, bad_utf8: dict[int, int]) -> None:
        text = self.text
        pos = 0
        raw_lines = text.split("\n")
        if raw_lines and raw_lines[-1] == "" and text:
            raw_lines.pop()  # the final newline terminates the last line
        if not text:
            raw_lines = []
        starts = self._line_starts
        lines = self.lines
        append, sappend, make = lines.append, starts.append, Line
        bad = bad_utf8.get if bad_utf8 else None
        for n, s in enumerate(raw_lines):
            if s[-1:] == "\r":
                crlf, body = True, s[:-1]
            else:
                crlf, body = False, s
            if body[:1] == "{":  # the common case: a record starts at column 0
                kind = "content"
            else:
                stripped = body.strip()
                if not stripped:
                    kind = "blank"
                elif stripped.startswith(COMMENT_PREFIXES):
                    kind = "comment"
                else:
                    kind = "content"
            sappend(pos)
            append(make(n, pos, body, crlf, kind, bad(n) if bad else None))
            pos += len(s) + 1

    def _parse_jsonl(self) -> None:
        lines = self.lines
        n = len(lines)
        i = 0
        records = self.records
        loads = jsonparse.loads
        append, make = records.append, Record
        while i < n:
            ln = lines[i]
            if ln.kind != "content":
                i += 1
                continue
            try:
                append(make(len(records), i, i, ln.start, ln.text, loads(ln.text)))
                i += 1
                continue
            except ValueError:
                pass
            end = self._group_end(i)
            if end > i:
                for k in range(i + 1, end + 1):
                    lines[k].kind = "continuation"
                text = self.text[ln.start: lines[end].start + len(lines[end].text)]
            else:
                text = ln.text
            data, err = jsonparse.parse(text)
            records.append(Record(len(records), i, end, ln.start, text, data, err))
            i = end + 1

    def _group_end(self, i: int) -> int:
        """Last line of a record pretty-printed from line ``i``; ``i`` when it is not one.

        A line that opens more brackets than it closes starts a group, which ends
        where the brackets balance. A later line starting at column 0 with ``{`` or ``[``
        begins a new record, so a truncated line cannot swallow the records after it.
        """
        depth, in_str, esc = 0, False, False
        lines = self.lines
        last = min(len(lines), i + MAX_GROUP_LINES)
        for k in range(i, last):
            t = lines[k].text
            if k > i and t.startswith(("{", "[")):
                return i
            depth, in_str, esc, stop = jsonparse.bracket_scan(t, depth, in_str, esc, stop_at_close=True)
            if stop >= 0:
                return k
            if k == i and depth <= 0:
                return i
        return i

    def _parse_array(self) -> None:
        self.is_array = True
        for rec_start, rec_end, err in jsonparse.array_elements(self.text):
            if err is not None:
                self.array_error = err
                break
            text = self.text[rec_start:rec_end]
            data, perr = jsonparse.parse(text)
            line = self.line_of(rec_start)
            end_line = self.line_of(rec_end - 1) if rec_end > rec_start else line
            self.records.append(Record(len(self.records), line, end_line, rec_start, text, data, perr))
        for ln in self.lines:
            if ln.kind == "content":
                ln.kind = "continuation"

    # -- positions -----------------------------------------------------------------------------

    def line_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._line_starts, offset) - 1)

    def position(self, offset: int) -> tuple[int, int]:
        """Offset in ``text`` -> (line, column), both 0-based, column in code points."""
        if not self._line_starts:
            return 0, 0
        line = self.line_of(offset)
        col = offset - self._line_starts[line]
        return line, min(col, len(self.lines[line].text))

    @property
    def ends_with_newline(self) -> bool:
        return self.text.endswith("\n")

    @property
    def length(self) -> int:
        """``len(text)``; the editor's document answers without building its text (see ftlsp.lsp.textdoc)."""
        return len(self.text)


@contextmanager
def gc_paused():
    """Pause the cyclic GC while building many objects that all stay alive.

    Parsing keeps every record's data; each GC generation pass would re-walk all
    of it, which more than doubled parse time on 100k records. Nothing built here
    forms reference cycles, so pausing is safe.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _decode_lenient(raw: bytes) -> tuple[str, dict[int, int]]:
    """Decode line by line; undecodable bytes become U+FFFD and are remembered per line."""
    out = []
    bad: dict[int, int] = {}
    for n, chunk in enumerate(raw.split(b"\n")):
        try:
            out.append(chunk.decode("utf-8"))
        except UnicodeDecodeError as e:
            bad[n] = len(chunk[: e.start].decode("utf-8", "replace"))
            out.append(chunk.decode("utf-8", "replace"))
    return "\n".join(out), bad
