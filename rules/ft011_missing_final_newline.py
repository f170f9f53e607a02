from __future__ import annotations

from ftlsp.rule import DocumentRule, Edit, Finding, Fix, Severity


class MissingFinalNewline(DocumentRule):
    """The last line has no newline at its end.

    What: the file does not end in ``\\n``.

    Why: ``cat a.jsonl b.jsonl`` then glues the last record of one file to the
    first of the next, making one invalid line; ``wc -l`` undercounts.

    Bad (bytes):
        b'{"prompt": "a", "completion": "b"}'

    Good (bytes):
        b'{"prompt": "a", "completion": "b"}\\n'

    """

    code = "FT011"
    name = "missing-final-newline"
    summary = "File does not end with a newline"
    default_severity = Severity.INFO
    fixable = True

    def check_document(self, doc, ctx):
        if doc.lines and not doc.ends_with_newline and not doc.is_array:  # no doc.text: the editor builds it lazily
            last = doc.lines[-1]
            yield Finding("no newline at end of file", line=last.number, col=len(last.text),
                          fix=Fix("Add a final newline", (Edit(len(doc.text), len(doc.text), "\n"),)))
