from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class ReplacementCharacter(ScanRuleMixin, ExampleRule):
    """Text contains U+FFFD, the replacement character: the original characters were lost upstream.

    What: "\\ufffd" (shown as �) in a string of a valid UTF-8 file: some earlier
    step decoded bytes with errors="replace". Lines whose raw bytes are not
    UTF-8 are reported by FT006 instead.

    Why: the model learns to emit "�"; the lost characters (accents, quotes,
    emoji) cannot be recovered from this file. Re-export from the source.

    Bad:
        {"prompt": "Say hi", "completion": "Caf\\ufffd au lait"}

    Good:
        {"prompt": "Say hi", "completion": "Café au lait"}
    """

    code = "FT711"
    name = "replacement-character"
    summary = "Text contains the U+FFFD replacement character (characters lost in an earlier decode)"
    default_severity = Severity.WARNING
    kind = "replacement"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES

    def check(self, ex, ctx):
        doc = ctx.document
        if doc is not None:  # FT006 owns lines that were not valid UTF-8 to begin with
            for n in range(ex.record.line, min(ex.record.end_line + 1, len(doc.lines))):
                if doc.lines[n].bad_utf8_col is not None:
                    return []
        return super().check(ex, ctx)

    def message(self, h, t):
        n = len(h.value)
        count = f" (x{n})" if n > 1 else ""
        return (f"replacement character U+FFFD{count} in {where(t)}: characters were lost when the text was "
                f"decoded upstream; re-export from the source")
