from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import content_clean, scan_of, substring_range, where
from ftlsp.rule import Edit, ExampleRule, Finding, Fix, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class Mojibake(ExampleRule):
    """UTF-8 text that was decoded as Latin-1 or cp1252 somewhere upstream: "Ã©" for "é", "Â°" for "°".

    What: runs of characters that are exactly the UTF-8 bytes of another
    character read as cp1252/Latin-1 ("â€™" for "’", "Ã—" for "×", "ðŸ˜€" for
    an emoji, "Ð¿Ñ€Ð¸" for Cyrillic). Each run is re-decoded to check it; the
    fix replaces it with the repaired text. Lone accented capitals followed
    by punctuation ("CAFÉ…") are not taken for damage.

    Why: the model learns to write the garbled form (a converter that prints
    "50Â°F"). The damage usually comes from one bad export step and affects
    every record that passed through it.

    Bad:
        {"instruction": "Convert 50°F to Celsius.", "input": "", "output": "50Â°F is 10Â°C."}

    Good:
        {"instruction": "Convert 50°F to Celsius.", "input": "", "output": "50°F is 10°C."}
    """

    code = "FT710"
    clean_check = content_clean  # the content rules' shared gate: skipped on clean records
    name = "mojibake"
    summary = "Text contains mojibake (UTF-8 decoded as Latin-1/cp1252: Ã©, â€™, Â°)"
    default_severity = Severity.WARNING
    fixable = True

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES

    def check(self, ex, ctx):
        rs = scan_of(ex)
        if not rs.hits:
            return
        roles = frozenset(self.options.roles)
        for h in rs.hits:
            t = rs.turns[h.turn]
            if h.kind != "mojibake" or t.role not in roles:
                continue
            a, b = substring_range(ex, t.pointer, h.start, h.end)
            if h.fix is None:
                msg = f"mojibake {h.shown!r} in {where(t)}: UTF-8 read as cp1252/Latin-1 (a byte was lost; cannot repair)"
                yield Finding(msg, t.pointer, offset=a, end_offset=b, data={"kind": h.detail, "shown": h.shown})
                continue
            msg = f"mojibake {h.shown!r} in {where(t)}: UTF-8 read as cp1252/Latin-1, should be {h.fix!r}"
            fix = None
            if '"' not in h.fix and "\\" not in h.fix:  # the repair goes inside a JSON string literal
                fix = Fix(f"Replace {h.shown!r} with {h.fix!r}", (Edit(ex.record.start + a, ex.record.start + b, h.fix),))
            yield Finding(msg, t.pointer, offset=a, end_offset=b, fix=fix,
                          data={"kind": h.detail, "shown": h.shown, "repaired": h.fix})
