from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ftlsp.embeddings import Cancelled
from ftlsp.rule import Related, Severity
from ftlsp.similarity import lexical
from ftlsp.similarity.collect import Gathered, check_compare, digest, duplicate_finding, quote
from ftlsp.similarity.groups import best_matches
from ftlsp.similarity.texts import normalise


class NearDuplicate(Gathered):
    """An example that is a near-copy of an earlier one: typos, reordered clauses, small edits.

    What: after normalising case, whitespace and punctuation, the compared texts
    (by default input and output, each) are at least ``threshold`` similar to an
    earlier example's, and differ only by misspelt words or reordered clauses. Similarity is a plain 0-1 score: the best of an edit-distance
    ratio (typos, small insertions) and the same ratio on sorted words (reordered
    clauses); 0.9 is about one changed character in ten. Candidates come from MinHash
    LSH on character 5-grams, so no pair of examples is compared in a Python loop.
    Each later example is reported once, with its best match and the first example
    of its group. Exact and normalised copies are left to FT301-FT303.

    Why: near-copies over-weight one example just as exact copies do and survive
    exact deduplication; across a train/validation split they inflate eval scores.

    Options:
        threshold: minimum similarity, 0-1 (default 0.9).
        compare: "example" (input and output must both be similar; default), "input",
        "output", "prompt" or "whole".
        min_length: texts shorter than this (normalised characters) are skipped (default 10).
        templates: true (default): pairs that differ only by swapping words each used in 3+
        examples ("students"/"female students", "2015"/"2018") are template fills, not copies;
        pairs whose numbers differ are never near-duplicates.
        any_edit: false (default): only typos and reordering make a copy; a pair where words
        are added or removed ("A: Donald Trump" / "A: Donald") is a different example.
        true: any edit counts as long as the similarity reaches the threshold.

    Bad:
        {"prompt": "I want to activate my new card, how do I do that?", "completion": "activate_my_card"}
        {"prompt": "I want to activate my new crad, how do I do taht?", "completion": "activate_my_card"}

    Good:
        {"prompt": "I want to activate my new card, how do I do that?", "completion": "activate_my_card"}
        {"prompt": "Why was my card payment declined at the shop?", "completion": "declined_card_payment"}
    """

    code = "FT304"
    name = "near-duplicate"
    summary = "Example is a near-copy of an earlier one (typos, reordering, small edits)"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        threshold: float = 0.9
        compare: str = "example"
        min_length: int = 10
        templates: bool = True
        any_edit: bool = False

        def __post_init__(self):
            check_compare("FT304", self.compare)
            if not 0.0 < self.threshold <= 1.0:
                raise ValueError(f"FT304: threshold must be in (0, 1], got {self.threshold}")

    def report(self, ctx):
        o = self.options
        units, first_of = unique_units(self.items, o.compare, o.min_length)
        if len(units) < 2:
            return
        texts = units.texts
        scorer = UnitScorer(units, o.compare, o.templates, o.any_edit)
        try:
            i, j, s = lexical.pairs(texts, o.threshold, scorer=scorer,
                                    cancelled=lambda f: ctx.cancelled("near-duplicates", f))
        except Cancelled:
            return
        for a, b, sc, root, size in best_matches(len(units), i, j, s):
            ex, p = self.items[first_of[a]]
            m_ex, _ = self.items[first_of[b]]
            extra = ()
            if root != b:
                r_ex, _ = self.items[first_of[root]]
                extra = (Related(f"first example of this group of {size} near-duplicates (line {r_ex.line + 1})",
                                 r_ex.line),)
            what = "example" if o.compare == "example" else o.compare
            msg = f"{what} is a near-duplicate of line {m_ex.line + 1} (similarity {sc:.2f}): {quote(p, o.compare)}"
            yield duplicate_finding(ex, m_ex, p, o.compare, msg, sc, size, extra, match_line=m_ex.line + 1)


class Units:
    """Distinct normalised texts: ``texts[k]`` is what LSH sees ("input output"), ``units[k]`` is
    (text, input, output). Only the joined text is stored (input and output are slices of it):
    on 50,000 records the three strings cost ~65 MB more."""

    __slots__ = ("texts", "_split")

    def __init__(self):
        self.texts: list[str] = []
        self._split: list[int] = []  # len(input) when the unit has an output, else -1

    def add(self, a: str, b: str) -> None:
        self.texts.append(a + " " + b if b else a)
        self._split.append(len(a) if b else -1)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, k: int) -> tuple[str, str, str]:
        t, s = self.texts[k], self._split[k]
        return (t, t, "") if s < 0 else (t, t[:s], t[s + 1:])


def unique_units(items, compare: str, min_length: int) -> tuple[Units, list[int]]:
    """Distinct normalised texts in order of first appearance, and each one's first item index.

    Exact and normalised copies collapse into one unit (they are FT301-FT303's findings).
    """
    seen: set[bytes] = set()
    units = Units()
    first_of: list[int] = []
    for n, (ex, p) in enumerate(items):
        if compare == "example":
            a, b = normalise(p.input), normalise(p.output)
        else:
            a, b = normalise(p.get(compare)), ""
        if len(a) + len(b) < min_length:
            continue
        key = digest(a, b)
        if key in seen:
            continue
        seen.add(key)
        units.add(a, b)
        first_of.append(n)
    return units, first_of


class UnitScorer:
    """FT304's similarity of two units: input and output each (for "example"), numbers and templates checked."""

    def __init__(self, units, compare: str, templates: bool, any_edit: bool = False):
        self.units = units
        self.any_edit = any_edit
        self.compare = compare
        self.templates = templates
        self._df: dict[str, int] | None = None
        # templates: the numbers of input and output must match (lexical.score gives 0 otherwise)
        self._numbers = lexical.NumberKeys(len(units), self._unit_numbers)

    def _unit_numbers(self, k: int) -> tuple:
        _, a, b = self.units[k]
        return tuple(lexical.numbers(a)), tuple(lexical.numbers(b))

    def prefilter(self, i: np.ndarray, j: np.ndarray, cutoff: float) -> np.ndarray:
        """False for pairs that ``__call__`` scores under ``cutoff`` by its score part alone.

        In bulk, cheapest first: numbers, then the output side (for "example"; usually short),
        then the input side. Boilerplate-heavy files (long shared instructions) make every pair
        a candidate; scoring them one by one in Python took minutes.
        """
        keep = np.ones(len(i), bool)
        if self.templates:
            keep &= self._numbers[i] == self._numbers[j]
        sides = (2, 1) if self.compare == "example" else (1,)
        units = self.units
        for side in sides:
            idx = np.nonzero(keep)[0]
            if not len(idx):
                break
            a = [units[k][side] for k in i[idx].tolist()]
            b = [units[k][side] for k in j[idx].tolist()]
            same = np.fromiter((x == y for x, y in zip(a, b)), bool, count=len(a))
            keep[idx] = same | (lexical.prescore(a, b, cutoff) >= cutoff * 100 - 1e-6)
        return keep

    @property
    def df(self) -> dict[str, int]:
        """Word -> number of units using it; built on first use (files without candidates never need it)."""
        if self._df is None:
            self._df = lexical.doc_frequency(self.units.texts) if self.templates else {}
        return self._df

    def __call__(self, i: int, j: int, cutoff: float) -> float:
        (ti, ai, bi), (tj, aj, bj) = self.units[i], self.units[j]
        sc = lexical.score(ai, aj, cutoff, self.templates)
        if sc >= cutoff and self.compare == "example" and bi != bj:
            sc = min(sc, lexical.score(bi, bj, cutoff, self.templates))
        if sc >= cutoff and self.templates and lexical.template_variation(ti, tj, self.df):
            return 0.0
        if sc >= cutoff and not self.any_edit and not (lexical.typo_like(ai, aj) and lexical.typo_like(bi, bj)):
            return 0.0
        return sc
