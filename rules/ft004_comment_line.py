from __future__ import annotations

from ftlsp.rule import DocumentRule, Edit, Finding, Fix, Severity


class CommentLine(DocumentRule):
    """A comment line (``//`` or ``#``) in a JSONL file.

    What: JSON has no comments; a line starting with ``//`` or ``#`` is not a record.

    Why: providers reject the file; a commented-out record is often a half-edited example.

    Bad:
        // examples about weather
        {"prompt": "a", "completion": "b"}

    Good:
        {"prompt": "a", "completion": "b"}
    """

    code = "FT004"
    name = "comment-line"
    summary = "Comment line; JSON has no comments"
    default_severity = Severity.ERROR
    fixable = True

    def check_document(self, doc, ctx):
        if doc.is_array:
            return
        for ln in doc.lines:
            if ln.kind == "comment":
                end = ln.start + len(ln.text) + (2 if ln.crlf else 1)
                fix = Fix("Delete this comment line", (Edit(ln.start, min(end, doc.length), ""),), safe=False)
                shown = ln.text.strip()
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                yield Finding(f"comment line {shown!r}: JSON has no comments", line=ln.number, fix=fix)
