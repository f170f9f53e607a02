from __future__ import annotations

from ftlsp.rule import DocumentRule, Finding, Severity


class InvalidJson(DocumentRule):
    """A record that is not valid JSON.

    What: the record (a JSONL line, or a record pretty-printed over several
    lines) does not parse; the diagnostic sits at the parser's position and
    says what it expected (truncated record, trailing comma, single quotes,
    raw control character in a string...).

    Why: providers reject the whole upload ("invalid file format"), usually
    without a line number; trainers that skip bad lines lose the example silently.

    Bad:
        {"messages": [{"role": "user", "content": "hi"},]}

    Good:
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    """

    code = "FT001"
    name = "invalid-json"
    summary = "Record is not valid JSON"
    default_severity = Severity.ERROR

    def check_document(self, doc, ctx):
        for rec in doc.records:
            err = rec.error
            if err is None or err.kind == "nan":
                continue  # NaN/Infinity: FT009 says it better
            line, col = doc.position(rec.start + min(err.offset, len(rec.text)))
            yield Finding(f"invalid JSON: {err.message}", line=line, col=col, end_col=col + 1)
        if doc.array_error is not None:
            line, col = doc.position(min(doc.array_error.offset, max(len(doc.text) - 1, 0)))
            yield Finding(f"invalid JSON array: {doc.array_error.message}", line=line, col=col, end_col=col + 1)
