from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson

from ftlsp.rule import Severity
from ftlsp.similarity.collect import Gathered, duplicate_finding


def canonical(data) -> bytes:
    """The record as JSON with sorted keys: equal for records that differ only in formatting or key order."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # pragma: no cover - integers beyond 64 bits
        import json

        return json.dumps(data, sort_keys=True).encode()


def canonical_digest(data) -> bytes:
    """16-byte blake2b of :func:`canonical`: equal records, equal digests (a collision is a 2**-128 chance per pair)."""
    return hashlib.blake2b(canonical(data), digest_size=16).digest()


class DuplicateExample(Gathered):
    """An example that is an exact copy of an earlier one.

    What: the whole record is identical to an earlier record of the file (same JSON
    after parsing: formatting and key order do not matter). Each later copy is
    reported once, pointing at the first occurrence; ``data`` gives the group size.

    Why: copies over-weight one example (the model sees it once per copy per epoch),
    cost tokens, and leak between splits when the file is split later. Oversampling
    by copying lines is better done with per-class weights or more varied data.

    Bad:
        {"messages": [{"role": "user", "content": "Is the test flaky?"}, {"role": "assistant", "content": "True"}]}
        {"messages": [{"role": "user", "content": "Is it slow?"}, {"role": "assistant", "content": "False"}]}
        {"messages": [{"role": "user", "content": "Is the test flaky?"}, {"role": "assistant", "content": "True"}]}

    Good:
        {"messages": [{"role": "user", "content": "Is the test flaky?"}, {"role": "assistant", "content": "True"}]}
        {"messages": [{"role": "user", "content": "Is it slow?"}, {"role": "assistant", "content": "False"}]}
    """

    code = "FT301"
    name = "duplicate-example"
    summary = "Example is an exact copy of an earlier one"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        pass

    def report(self, ctx):
        # A 16-byte digest per record, not the canonical JSON: orjson's output buffers are
        # over-allocated (~5 KB each), so keeping them cost ~250 MB on 50,000 records.
        first: dict[bytes, int] = {}
        copies: dict[int, list[int]] = {}  # first member -> later members
        for n, (ex, _) in enumerate(self.items):
            k = canonical_digest(ex.data)
            f = first.setdefault(k, n)
            if f != n:
                copies.setdefault(f, []).append(n)
            if n % 20000 == 0 and ctx.cancelled("exact duplicates", n / max(1, len(self.items))):
                return
        del first
        for f, later in sorted(copies.items()):
            f_ex = self.items[f][0]
            size = len(later) + 1
            for copy_no, m in enumerate(later, start=2):
                ex, p = self.items[m]
                same_text = ex.text.strip() == f_ex.text.strip()
                how = "exact duplicate" if same_text else "duplicate (same JSON, formatted differently)"
                msg = (f"{how} of line {f_ex.line + 1} (similarity 1.00; copy {copy_no} of {size}); "
                       "remove it or weight the example instead")
                yield duplicate_finding(ex, f_ex, p, "whole", msg, 1.0, size, same_text=same_text)
