from __future__ import annotations

from ftlsp.rule import ExampleRule, Finding, Severity


class NonFiniteNumber(ExampleRule):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a record.

    What: Python's ``json.dumps`` writes these by default, but they are not JSON.

    Why: strict parsers (every provider's) reject the record.

    Bad:
        {"prompt": "a", "completion": "b", "score": NaN}

    Good:
        {"prompt": "a", "completion": "b", "score": null}
    """

    code = "FT009"
    name = "non-finite-number"
    summary = "NaN or Infinity, which JSON does not allow"
    default_severity = Severity.ERROR
    wants_invalid = True

    def check(self, ex, ctx):
        err = ex.record.error
        if err is not None and err.kind == "nan":
            name = err.message.split("`")[1] if "`" in err.message else "NaN"
            yield Finding(err.message, offset=err.offset, end_offset=err.offset + len(name))
