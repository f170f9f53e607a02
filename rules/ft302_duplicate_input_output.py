from __future__ import annotations

from dataclasses import dataclass

from ftlsp.rule import Severity
from ftlsp.similarity.collect import Gathered, copy_groups, duplicate_finding, quote

from ftlsp.rules.ft301_duplicate_example import canonical_digest


class DuplicateInputOutput(Gathered):
    """Same input and same output as an earlier example, in a record that differs elsewhere.

    What: the input (user turns, or ``prompt``/``instruction`` + ``input``) and the
    trained output are character-for-character those of an earlier record, but the
    records are not identical: another system prompt, a ``weight``, extra metadata or
    tools. (Identical records are FT301.)

    Why: the model is trained twice on the same question and answer; the copy
    usually comes from merging exports or re-running a generation script.

    Bad:
        {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}
        {"messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}

    Good:
        {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}
        {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Capital of Spain?"}, {"role": "assistant", "content": "Madrid."}]}
    """

    code = "FT302"
    name = "duplicate-input-output"
    summary = "Same input and output as an earlier example (records differ elsewhere)"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        pass

    def report(self, ctx):
        groups = copy_groups((n, (p.input, p.output)) for n, (ex, p) in enumerate(self.items)
                             if p.input or p.output)
        for members in groups:
            seen: set[bytes] = set()
            f_ex, f_p = self.items[members[0]]
            seen.add(canonical_digest(f_ex.data))
            for m in members[1:]:
                ex, p = self.items[m]
                k = canonical_digest(ex.data)
                if k in seen:  # an identical record: FT301
                    continue
                seen.add(k)
                msg = (f"same input and output as line {f_ex.line + 1} (similarity 1.00): {quote(p, 'input')}; "
                       "the records differ only outside the input and output")
                yield duplicate_finding(ex, f_ex, p, "example", msg, 1.0, len(members))
