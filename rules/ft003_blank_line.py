from __future__ import annotations

from ftlsp.rule import DocumentRule, Edit, Finding, Fix, Severity


class BlankLine(DocumentRule):
    """A blank (empty or whitespace-only) line between records.

    What: a line with no record on it. A single trailing newline at the end of
    the file is not a blank line.

    Why: a blank line is not a JSON value, so strict JSONL readers (the
    OpenAI cookbook checker, ``json.loads`` per line) fail on it.

    Bad:
        {"prompt": "a", "completion": "b"}

        {"prompt": "c", "completion": "d"}

    Good:
        {"prompt": "a", "completion": "b"}
        {"prompt": "c", "completion": "d"}
    """

    code = "FT003"
    name = "blank-line"
    summary = "Blank line between records"
    default_severity = Severity.ERROR
    fixable = True

    def check_document(self, doc, ctx):
        if doc.is_array:
            return
        for ln in doc.lines:
            if ln.kind == "blank":
                end = ln.start + len(ln.text) + (2 if ln.crlf else 1)
                fix = Fix("Delete this blank line", (Edit(ln.start, min(end, doc.length), ""),))
                what = "blank line" if not ln.text else f"whitespace-only line ({len(ln.text)} chars)"
                yield Finding(f"{what}: JSONL needs a record on every line", line=ln.number, fix=fix)
