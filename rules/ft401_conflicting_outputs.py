from __future__ import annotations

from dataclasses import dataclass

from ftlsp.embeddings import Cancelled
from ftlsp.rule import Finding, Related, Severity
from ftlsp.similarity import lexical
from ftlsp.similarity.collect import Gathered, check_compare, copy_groups, digest
from ftlsp.similarity.groups import UnionFind
from ftlsp.similarity.texts import label_vocabulary, normalise, short


class ConflictingOutputs(Gathered):
    """The same input appears with different outputs (conflicting labels).

    What: examples whose inputs are identical after normalising case, whitespace and
    punctuation (or at least ``threshold`` similar, when lowered) but whose outputs
    differ. Each distinct output of the group is reported on its first example, with
    the other outputs as related locations; ``data`` lists the group's lines and labels.
    For classification-like data (a small vocabulary of short outputs) this is a label
    conflict (warning); for free-text answers, a hint that the same prompt is answered
    differently (info).

    Why: contradictory labels teach the model noise: it cannot learn both answers
    to one input, and its loss on these examples never goes down.

    Options:
        threshold: input similarity, 0-1; 1.0 (default) means equal after normalising.
        compare: which side is the input: "input" (default) or "prompt" (with the system prompt).
        output_threshold: free-text outputs at least this similar are not a conflict (default 0.9).

    Bad:
        {"messages": [{"role": "user", "content": "def test_retry(): assert fetch() == 200"}, {"role": "assistant", "content": "True"}]}
        {"messages": [{"role": "user", "content": "def test_sum(): assert add(1, 2) == 3"}, {"role": "assistant", "content": "False"}]}
        {"messages": [{"role": "user", "content": "def test_div(): assert div(4, 2) == 2"}, {"role": "assistant", "content": "False"}]}
        {"messages": [{"role": "user", "content": "def test_retry():  assert fetch() == 200"}, {"role": "assistant", "content": "False"}]}

    Good:
        {"messages": [{"role": "user", "content": "def test_retry(): assert fetch() == 200"}, {"role": "assistant", "content": "True"}]}
        {"messages": [{"role": "user", "content": "def test_sum(): assert add(1, 2) == 3"}, {"role": "assistant", "content": "False"}]}
        {"messages": [{"role": "user", "content": "def test_div(): assert div(4, 2) == 2"}, {"role": "assistant", "content": "False"}]}
        {"messages": [{"role": "user", "content": "def test_retry(): assert fetch() == 200"}, {"role": "assistant", "content": "True"}]}
    """

    code = "FT401"
    name = "conflicting-outputs"
    summary = "Same input with different outputs (conflicting labels)"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        threshold: float = 1.0
        compare: str = "input"
        output_threshold: float = 0.9

        def __post_init__(self):
            check_compare("FT401", self.compare)
            if self.compare not in ("input", "prompt"):
                raise ValueError("FT401: compare must be 'input' or 'prompt'")

    def report(self, ctx):
        o = self.options
        items = self.items
        labels_like = label_vocabulary([p.output for _, p in items]) is not None
        fuzzy = o.threshold < 1.0
        keys: dict[bytes, int] = {}  # digest of the normalised input -> unit
        unit_of: list[int] = []
        texts: list[str] = []  # normalised inputs, kept only to compare them (threshold < 1)
        for ex, p in items:
            k = normalise(p.get(o.compare))
            if not k or not p.output.strip():
                unit_of.append(-1)
                continue
            d = digest(k)
            u = keys.get(d)
            if u is None:
                u = keys[d] = len(keys)
                if fuzzy:
                    texts.append(k)
            unit_of.append(u)
        n_units = len(keys)
        del keys
        uf = UnionFind(n_units)
        sims: dict[int, float] = {}
        if fuzzy and n_units > 1:
            try:
                i, j, s = lexical.pairs(texts, o.threshold, cancelled=lambda f: ctx.cancelled("label conflicts", f))
            except Cancelled:
                return
            for a, b, sc in zip(i.tolist(), j.tolist(), s.tolist()):
                uf.union(a, b)
                sims[a] = min(sims.get(a, 1.0), sc)
        groups = copy_groups((n, uf.find(u)) for n, u in enumerate(unit_of) if u >= 0)
        for members in groups:
            yield from self._conflict(members, labels_like, sims, unit_of)

    def _conflict(self, members, labels_like, sims, unit_of):
        o = self.options
        reps: list[tuple[str, int, int]] = []  # (normalised output, first member, count)
        for m in members:
            out = self.items[m][1].output
            key = normalise(out) or out.strip()
            for r, (rk, first, cnt) in enumerate(reps):
                same = rk == key or (not labels_like and lexical.score(rk, key, o.output_threshold)
                                     >= o.output_threshold)
                if same:
                    reps[r] = (rk, first, cnt + 1)
                    break
            else:
                reps.append((key, m, 1))
        if len(reps) < 2:
            return
        lines = [self.items[m][0].line + 1 for m in members]
        label_counts = {self.items[first][1].output: cnt for _, first, cnt in reps}
        sim = min((sims.get(unit_of[m], 1.0) for m in members), default=1.0)
        noun = "label" if labels_like else "output"
        for _, first, cnt in reps:
            ex, p = self.items[first]
            others = [(self.items[f][0], self.items[f][1].output) for _, f, _ in reps if f != first]
            where = ", ".join(f"{short(v, 30)} at line {e.line + 1}" for e, v in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            msg = (f"conflicting {noun}s for the same input: {short(p.output, 30)} here, {where}{more} "
                   f"({len(members)} examples, {len(reps)} different {noun}s)")
            related = tuple(Related(f"same input, {noun} {short(v, 30)}", e.line) for e, v in others)
            ptr = p.output_pointer if p.single_output else ""
            yield Finding(msg, ptr, "value" if ptr else "record", example=ex, related=related,
                          severity=None if labels_like else Severity.INFO,
                          data={"group_lines": lines, "labels": label_counts, "similarity": round(sim, 4),
                                "classification": labels_like})
