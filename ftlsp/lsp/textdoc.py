"""The editor's copy of a dataset file, kept as an ``ftlsp.document.Document``.

An incremental edit touches a few lines of a file that may hold 50,000 records.
``splice`` replaces the edited lines and re-parses records only from the last
line before the edit that starts with ``{`` (no bracket scan started earlier can
run past it) until the parse lands again on a line that was a record boundary
before the edit; the records after it are the same objects, shifted. The result
equals ``Document.from_text`` of the new text (tested by a random walk).

Positions from the editor are UTF-16 code units (LSP default). Invalid ones are
clamped as the LSP spec says: a character past the line end means the line end,
a line past the end means the end of the document; a position inside a
surrogate pair means the start of that character.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ftlsp import jsonparse
from ftlsp.document import BOM, COMMENT_PREFIXES, MAX_GROUP_LINES, Document, Line, Record


def line_kind(body: str) -> str:
    stripped = body.strip()
    if not stripped:
        return "blank"
    if stripped.startswith(COMMENT_PREFIXES):
        return "comment"
    return "content"


def utf16_len(s: str) -> int:
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def utf16_to_cp(line: str, units: int) -> int:
    """Code-point column of a UTF-16 column (clamped; inside a surrogate pair -> before it)."""
    if units <= 0:
        return 0
    if line.isascii():
        return min(units, len(line))
    raw = line.encode("utf-16-le", "surrogatepass")[: 2 * units]
    cp = len(raw.decode("utf-16-le", "surrogatepass"))
    if len(raw) >= 2 and 0xD8 <= raw[-1] <= 0xDB:  # cut after a high surrogate
        cp -= 1
    return cp


def cp_to_utf16(line: str, col: int) -> int:
    if col <= 0:
        return 0
    if line.isascii():
        return min(col, len(line))
    return utf16_len(line[:col])


@dataclass(slots=True)
class Splice:
    """What one edit did, for the caches and for moving stored diagnostics."""

    start: int  # code-point offset of the edit in the old text
    old_end: int
    new_len: int
    first_line: int  # first old line touched
    old_last_line: int  # last old line touched (inclusive)
    new_line_count: int  # lines that replaced them
    removed: list  # Record objects no longer in the document
    added: list  # new Record objects (not yet checked)
    full: bool = False  # the whole document was rebuilt

    @property
    def line_delta(self) -> int:
        return self.new_line_count - (self.old_last_line - self.first_line + 1)

    @property
    def char_delta(self) -> int:
        return self.new_len - (self.old_end - self.start)


class LiveDocument:
    """One open file: its Document, LSP version and an edit generation counter."""

    def __init__(self, uri: str, path: str, text: str, version: int | None = None):
        self.uri = uri
        self.path = path
        self.version = version
        self.generation = 0
        self.doc = LiveDoc.from_text(path, text)
        self.incremental = not path.lower().endswith(".json")

    # -- positions -------------------------------------------------------------------------

    @property
    def editor_text(self) -> str:
        d = self.doc
        return BOM + d.text[1:] if d.bom else d.text

    def offset(self, line: int, character: int) -> int:
        """LSP position -> code-point offset in the text (clamped)."""
        d = self.doc
        if line < 0:
            return 0
        if line >= len(d.lines):
            return d.length
        ln = d.lines[line]
        return ln.start + utf16_to_cp(ln.text, character)

    def position(self, offset: int) -> tuple[int, int]:
        """Code-point offset -> LSP (line, UTF-16 character)."""
        d = self.doc
        if not d.lines:
            return 0, 0
        total = d.length
        offset = max(0, min(offset, total))
        line = d.line_of(offset)
        ln = d.lines[line]
        col = offset - ln.start
        if col > len(ln.text):  # on the line terminator, or past the last line's newline
            if offset >= total and d.ends_with_newline:
                return len(d.lines), 0
            col = len(ln.text)
        return line, cp_to_utf16(ln.text, col)

    def utf16_col(self, line: int, col: int) -> int:
        d = self.doc
        if 0 <= line < len(d.lines):
            t = d.lines[line].text
            return cp_to_utf16(t, min(col, len(t)))
        return 0

    # -- edits ------------------------------------------------------------------------------

    def replace_all(self, text: str) -> Splice:
        old = self.doc
        self.doc = LiveDoc.from_text(self.path, text)
        self.generation += 1
        return Splice(0, old.length, self.doc.length, 0, max(len(old.lines) - 1, 0),
                      len(self.doc.lines), list(old.records), list(self.doc.records), full=True)

    def apply(self, start: tuple[int, int], end: tuple[int, int], new_text: str) -> Splice:
        """Apply an LSP range edit ((line, utf16 char) pairs)."""
        s = self.offset(*start)
        e = self.offset(*end)
        if e < s:
            s, e = e, s
        return self.apply_offsets(s, e, new_text)

    def apply_offsets(self, s: int, e: int, new_text: str) -> Splice:
        d = self.doc
        if (not self.incremental or not d.lines or (s == 0 and (d.bom or new_text.startswith(BOM)))
                or d.is_array):
            text = self.editor_text
            return self.replace_all(text[:s] + new_text + text[e:])
        self.generation += 1
        return splice(d, s, e, new_text)


class LiveDoc(Document):
    """A Document whose ``text`` is joined from its lines only when something asks for it.

    Copying a 35 MB string costs tens of milliseconds, more than a keystroke may;
    lines and records are spliced in place and the text is rebuilt lazily, once.
    """

    def __init__(self, path: str, text: str, **kw):
        self._text: str | None = None
        super().__init__(path, text, **kw)
        self._final_nl = text.endswith("\n")

    @property
    def text(self) -> str:  # type: ignore[override]
        t = self._text
        if t is None:
            parts = [ln.text + "\r" if ln.crlf else ln.text for ln in self.lines]
            t = "\n".join(parts)
            if self.lines and self._final_nl:
                t += "\n"
            self._text = t
        return t

    @text.setter
    def text(self, value: str) -> None:
        self._text = value

    @property
    def ends_with_newline(self) -> bool:
        return bool(self.lines) and self._final_nl

    @property
    def length(self) -> int:  # type: ignore[override]
        if self._text is not None:
            return len(self._text)
        if not self.lines:
            return 0
        last = self.lines[-1]
        return last.start + len(last.text) + ((2 if last.crlf else 1) if self._final_nl else 0)

    def terminator(self, k: int) -> str:
        ln = self.lines[k]
        if k < len(self.lines) - 1 or self._final_nl:
            return "\r\n" if ln.crlf else "\n"
        return "\r" if ln.crlf else ""


def splice(doc: LiveDoc, s: int, e: int, new_text: str) -> Splice:
    """Replace ``doc.text[s:e]`` with ``new_text`` in place, re-parsing as little as possible."""
    lines = doc.lines
    starts = doc._line_starts
    n_old = len(lines)
    a = doc.line_of(s)
    b = doc.line_of(e)
    region_start = starts[a]
    old_region = "".join(lines[k].text + doc.terminator(k) for k in range(a, b + 1))
    new_region = old_region[: s - region_start] + new_text + old_region[e - region_start:]
    doc._text = None
    dc = len(new_text) - (e - s)
    if b == n_old - 1:  # the edit reaches the last line: it decides the final newline
        doc._final_nl = new_region.endswith("\n") if new_region else a > 0

    pieces = new_region.split("\n")
    if new_region.endswith("\n") or not new_region:
        pieces.pop()  # the last newline terminates the last line (or the region is empty)
    new_lines: list[Line] = []
    pos = region_start
    for k, piece in enumerate(pieces):
        crlf = piece.endswith("\r")
        body = piece[:-1] if crlf else piece
        new_lines.append(Line(a + k, pos, body, crlf, line_kind(body)))
        pos += len(piece) + 1
    m = len(new_lines)
    dn = m - (b - a + 1)

    tail = lines[b + 1:]
    if dn or dc:
        for ln in tail:
            ln.number += dn
            ln.start += dc
    lines[a:] = new_lines + tail
    starts[a:] = [ln.start for ln in new_lines] + ([s0 + dc for s0 in starts[b + 1:]] if dc else starts[b + 1:])

    removed, added = _reparse(doc, a, a + m - 1, dn, dc)
    return Splice(s, e, len(new_text), a, b, m, removed, added)


def _reparse(doc: Document, first: int, last_new: int, dn: int, dc: int) -> tuple[list[Record], list[Record]]:
    """Re-group records after lines ``first..last_new`` (new numbering) were replaced."""
    lines = doc.lines
    records = doc.records
    n = len(lines)
    # Start at the last line before the edit that begins with "{": bracket scans stop there.
    q = first - 1
    floor = max(first - MAX_GROUP_LINES - 1, -1)
    while q > floor and not lines[q].text.startswith("{"):
        q -= 1
    if q < 0:
        if floor >= 0:  # no anchor within reach: re-parse everything (rare: nothing starts with "{")
            return _reparse_all(doc)
        q = 0
    # First old record at or after line q (records before q keep their index, place and text).
    r0 = bisect.bisect_left(records, q, key=lambda r: r.line)
    new_records: list[Record] = []
    loads = jsonparse.loads
    i = q
    stop = n
    while i < n:
        ln = lines[i]
        if ln.kind == "continuation":  # swallowed by a group before; the new parse lands on it
            ln.kind = line_kind(ln.text)
        elif i > last_new:
            stop = i  # a record boundary before the edit too: the rest parses as before
            break
        if ln.kind != "content":
            i += 1
            continue
        try:
            data = loads(ln.text)
            new_records.append(Record(0, i, i, ln.start, ln.text, data))
            i += 1
            continue
        except ValueError:
            pass
        end = doc._group_end(i)
        if end > i:
            for k in range(i + 1, end + 1):
                lines[k].kind = "continuation"
            rtext = "".join(lines[k].text + ("\r\n" if lines[k].crlf else "\n") for k in range(i, end))
            rtext += lines[end].text
        else:
            rtext = ln.text
        data, err = jsonparse.parse(rtext)
        new_records.append(Record(0, i, end, ln.start, rtext, data, err))
        i = end + 1
    # Old records from r0 whose (old) first line is before the stop line are replaced.
    old_stop = stop - dn
    if stop >= n:
        r1 = len(records)
    else:
        r1 = bisect.bisect_left(records, old_stop, lo=r0, key=lambda r: r.line)
    removed = records[r0:r1]
    for k, rec in enumerate(new_records):
        rec.index = r0 + k
    dr = len(new_records) - len(removed)
    after = records[r1:]
    if dn or dc or dr:
        for rec in after:
            rec.index += dr
            rec.line += dn
            rec.end_line += dn
            rec.start += dc
    records[r0:] = new_records + after
    return removed, new_records


def _reparse_all(doc: LiveDoc) -> tuple[list[Record], list[Record]]:
    fresh = Document.from_text(doc.path, doc.text)
    removed = list(doc.records)
    doc.lines, doc.records, doc._line_starts = fresh.lines, fresh.records, fresh._line_starts
    return removed, list(doc.records)
