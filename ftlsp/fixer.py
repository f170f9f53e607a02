"""``ftlint --fix``: apply rules' fixes to the files the user named, and nothing else.

Edits come from ``Finding.fix`` (code-point offsets into the document text).
Overlapping edits are left for the next pass; passes repeat until nothing
changes. A file with undecodable bytes is never rewritten: decoding replaced
them, and writing that back would lose data.
"""

from __future__ import annotations

from ftlsp.document import Document
from ftlsp.engine import Linter
from ftlsp.rule import Diagnostic, Edit

MAX_PASSES = 10


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, int]:
    """Apply non-overlapping edits (the first of overlapping ones wins); returns (text, applied)."""
    chosen: list[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start >= last_end or (e.start == e.end == last_end and not chosen):
            chosen.append(e)
            last_end = max(e.end, e.start)
    out = text
    for e in reversed(chosen):
        out = out[:e.start] + e.new_text + out[e.end:]
    return out, len(chosen)


def fix_file(path: str, linter: Linter, *, unsafe: bool = False, is_eval: bool = False,
             train_paths: tuple[str, ...] = (), eval_paths: tuple[str, ...] = ()) -> tuple[int, list[Diagnostic]]:
    """Fix ``path`` in place. Returns (number of fixes applied, remaining diagnostics)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    doc = Document.from_bytes(path, raw)
    if any(ln.bad_utf8_col is not None for ln in doc.lines):
        return 0, linter.lint(doc, is_eval=is_eval, train_paths=train_paths, eval_paths=eval_paths).diagnostics
    total = 0
    text = doc.text
    bom = doc.bom
    for _ in range(MAX_PASSES):
        doc = Document.from_text(path, ("\ufeff" + text[1:]) if bom else text)
        bom = doc.bom
        res = linter.lint(doc, is_eval=is_eval, train_paths=train_paths, eval_paths=eval_paths)
        edits = [e for d in res.diagnostics if d.fix and (d.fix.safe or unsafe) for e in d.fix.edits]
        if not edits:
            break
        new, n = apply_edits(doc.text, edits)
        if bom and not new.startswith(" "):
            bom = False  # the byte-order-mark fix removed the placeholder space
        total += n
        text = new
        linter.example_cache.clear()
    final = ("\ufeff" + text[1:]) if bom else text
    if total:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(final)
    doc = Document.from_text(path, final)
    return total, linter.lint(doc, is_eval=is_eval, train_paths=train_paths, eval_paths=eval_paths).diagnostics
