from __future__ import annotations

from ftlsp.rule import ExampleRule, Finding, Severity


class NotAnObject(ExampleRule):
    """A record whose top-level value is not a JSON object.

    What: the line holds an array, string, number, boolean or null.

    Why: every fine-tuning format is an object per line; providers reject the record.

    Bad:
        ["What is 2+2?", "4"]

    Good:
        {"prompt": "What is 2+2?", "completion": "4"}
    """

    code = "FT008"
    name = "not-an-object"
    summary = "Top-level value is not a JSON object"
    default_severity = Severity.ERROR
    wants_invalid = True

    def check(self, ex, ctx):
        if ex.ok and not isinstance(ex.data, dict):
            kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null",
                    int: "a number", float: "a number"}.get(type(ex.data), type(ex.data).__name__)
            shown = ex.text.strip()
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            yield Finding(f"record is {kind} ({shown}), not a JSON object", target="record")
