from __future__ import annotations

from ftlsp.rule import DocumentRule, Edit, Finding, Fix, Severity


class CrlfLineEndings(DocumentRule):
    """Windows (CRLF) line endings.

    What: lines end in ``\\r\\n``. Reported once per file, at the first such
    line, with the count.

    Why: JSON parsers accept the ``\\r`` as whitespace, but tools that split on
    ``\\n`` keep it in the last value, and diffs and hashes differ between
    platforms. Providers accept it, so this is informational.

    Bad (bytes):
        b'{"prompt": "a", "completion": "b"}\\r\\n'

    Good (bytes):
        b'{"prompt": "a", "completion": "b"}\\n'

    """

    code = "FT007"
    name = "crlf-line-endings"
    summary = "Windows (CRLF) line endings"
    default_severity = Severity.INFO
    fixable = True

    def check_document(self, doc, ctx):
        crlf = [ln for ln in doc.lines if ln.crlf]
        if not crlf:
            return
        edits = tuple(Edit(ln.start + len(ln.text), ln.start + len(ln.text) + 1, "") for ln in crlf)
        first = crlf[0]
        yield Finding(f"{len(crlf)} of {len(doc.lines)} lines end in CRLF (\\r\\n); use LF (\\n)",
                      line=first.number, col=len(first.text), fix=Fix("Convert all line endings to LF", edits))
