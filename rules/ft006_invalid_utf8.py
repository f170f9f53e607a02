from __future__ import annotations

from ftlsp.rule import DocumentRule, Finding, Severity


class InvalidUtf8(DocumentRule):
    """A line with bytes that are not valid UTF-8.

    What: the file is not UTF-8 at this line (often Latin-1 or Windows-1252
    text); the diagnostic points at the first undecodable byte, shown as U+FFFD.

    Why: providers require UTF-8 and reject the file.

    Bad (bytes):
        b'{"prompt": "caf\\xe9", "completion": "b"}\\n'

    Good (bytes):
        b'{"prompt": "caf\\xc3\\xa9", "completion": "b"}\\n'

    """

    code = "FT006"
    name = "invalid-utf8"
    summary = "Bytes that are not valid UTF-8"
    default_severity = Severity.ERROR

    def check_document(self, doc, ctx):
        for ln in doc.lines:
            if ln.bad_utf8_col is not None:
                yield Finding("invalid UTF-8 byte sequence (shown as U+FFFD); re-encode the file as UTF-8",
                              line=ln.number, col=ln.bad_utf8_col, end_col=ln.bad_utf8_col + 1)
