from __future__ import annotations

import orjson

from ftlsp.rule import DocumentRule, Edit, Finding, Fix, Severity


class PrettyPrintedRecord(DocumentRule):
    """A record pretty-printed over several lines in a JSONL file.

    What: one JSON object spread over lines N-M. JSONL needs exactly one
    record per line; the diagnostic names the lines that form the record.
    The fix joins it into one line (only when it parses).

    Why: every provider reads JSONL line by line, so each of those lines is an
    invalid record and the upload is rejected.

    Bad:
        {
          "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
        }

    Good:
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    """

    code = "FT002"
    name = "pretty-printed-record"
    summary = "Record spans several lines; JSONL needs one record per line"
    default_severity = Severity.ERROR
    fixable = True

    def check_document(self, doc, ctx):
        if doc.is_array:
            return
        for rec in doc.records:
            if not rec.multiline:
                continue
            fix = None
            if rec.error is None:
                one = orjson.dumps(rec.data).decode()
                fix = Fix("Join this record into one line", (Edit(rec.start, rec.start + len(rec.text), one),))
            yield Finding(
                f"record is pretty-printed over lines {rec.line + 1}-{rec.end_line + 1} "
                f"({rec.end_line - rec.line + 1} lines); JSONL needs one record per line",
                line=rec.line, col=0, end_line=rec.end_line, fix=fix)
