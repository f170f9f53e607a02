from __future__ import annotations

from dataclasses import dataclass

from ftlsp.rule import Severity
from ftlsp.similarity.collect import (Gathered, check_compare, copy_groups, digest, duplicate_finding,
                                       quote)
from ftlsp.similarity.texts import normalise


class NormalisedDuplicate(Gathered):
    """An example equal to an earlier one once case, whitespace and punctuation are ignored.

    What: the compared texts (by default input and output) match an earlier
    example's after folding case, collapsing whitespace and dropping punctuation,
    though not character for character (exact copies are FT301/FT302).

    Why: "How do I reset my PIN?" and "how do i reset my pin" teach the same
    thing; near-copies over-weight it just as exact copies do, and survive naive
    exact deduplication.

    Options:
        compare: "example" (input and output, default), "input", "output", "prompt"
        (input with the system prompt) or "whole" (every text of the record).

    Bad:
        {"prompt": "How do I reset my PIN?", "completion": "reset_pin"}
        {"prompt": "how do i  reset my pin", "completion": "reset_pin"}

    Good:
        {"prompt": "How do I reset my PIN?", "completion": "reset_pin"}
        {"prompt": "How do I change my PIN?", "completion": "change_pin"}
    """

    code = "FT303"
    name = "normalised-duplicate"
    summary = "Example equals an earlier one apart from case, whitespace or punctuation"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        compare: str = "example"

        def __post_init__(self):
            check_compare("FT303", self.compare)

    def report(self, ctx):
        compare = self.options.compare
        groups = copy_groups(self._keys(compare))
        for members in groups:
            f_ex, f_p = self.items[members[0]]
            exact_seen = {self._exact(f_p, compare)}
            for m in members[1:]:
                ex, p = self.items[m]
                k = self._exact(p, compare)
                if k in exact_seen:  # character-for-character copy of a group member: FT301/FT302
                    continue
                exact_seen.add(k)
                what = "example" if compare == "example" else compare
                msg = (f"{what} equals line {f_ex.line + 1} apart from case, whitespace or punctuation "
                       f"(similarity 1.00 after normalising): {quote(p, compare)}")
                yield duplicate_finding(ex, f_ex, p, compare, msg, 1.0, len(members))

    def _keys(self, compare):
        # a digest of the normalised texts, not the texts: they would double the file's text in memory
        for n, (ex, p) in enumerate(self.items):
            if compare == "example":
                a, b = normalise(p.input), normalise(p.output)
            else:
                a, b = normalise(p.get(compare)), ""
            if a or b:
                yield n, digest(a, b)

    @staticmethod
    def _exact(p, compare):
        return (p.input, p.output) if compare == "example" else p.get(compare)
