from __future__ import annotations

from ftlsp.rule import DocumentRule, Finding, Severity


class EmptyFile(DocumentRule):
    """The file holds no records at all.

    What: zero bytes, only whitespace, or only blank and comment lines.

    Why: providers reject an empty training or validation file; an empty eval
    split usually means an export step failed.

    Bad (bytes):
        b''

    Good:
        {"prompt": "a", "completion": "b"}
    """

    code = "FT012"
    name = "empty-file"
    summary = "File contains no records"
    default_severity = Severity.ERROR

    def check_document(self, doc, ctx):
        if not doc.records and doc.array_error is None:
            what = "empty" if not doc.text.strip() else "has no records (only blank or comment lines)"
            yield Finding(f"file is {what}", line=0, col=0)
