"""Lexical near-duplicates: MinHash/LSH finds candidates, rapidfuzz scores them (0-1).

The score of two normalised texts is the best of rapidfuzz's ``ratio`` (edit-based:
typos, small insertions) and ``token_sort_ratio`` (the same words in another order:
reordered clauses), divided by 100. It is a plain similarity: 1.0 is identical after
normalisation, 0.9 is about one changed character in ten.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from ftlsp.similarity import minhash

# LSH: 32 bands of 4 rows: pairs with shingle Jaccard 0.5 become candidates with p = 0.87,
# 0.6 with p = 0.99; 0.2 with p = 0.05. Scoring then decides.
BANDS, ROWS, SHINGLE = 32, 4, 5


_NUM = re.compile(r"\d+")


def numbers(text: str) -> list[str]:
    return sorted(_NUM.findall(text))


def score(a: str, b: str, cutoff: float = 0.0, same_numbers: bool = True) -> float:
    """Similarity of two (normalised) texts in 0-1.

    With ``same_numbers``, texts whose numbers differ score 0: templated examples
    ("students in 2015: 780" / "students in 2018: 1257") state different facts.
    """
    if same_numbers and a != b and numbers(a) != numbers(b):
        return 0.0
    c = cutoff * 100
    return max(fuzz.ratio(a, b, score_cutoff=c), fuzz.token_sort_ratio(a, b, score_cutoff=c)) / 100.0


class NumberKeys:
    """A 64-bit key per item for the numbers it states: different keys, different numbers.

    ``numbers_of(k)`` gives item k's number lists; keys are computed when first asked for,
    so files with few candidate pairs pay for few items. Equal numbers give equal keys
    (a shared key may still hide different numbers: the exact check comes after).
    """

    def __init__(self, n: int, numbers_of: Callable[[int], tuple]):
        self.numbers_of = numbers_of
        self.keys = np.zeros(n, np.uint64)
        self.done = np.zeros(n, bool)

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        need = idx[~self.done[idx]]
        if len(need):
            for k in np.unique(need).tolist():
                self.keys[k] = hash(self.numbers_of(k)) & 0xFFFFFFFFFFFFFFFF
            self.done[need] = True
        return self.keys[idx]


def prescore(a: list[str], b: list[str], cutoff: float) -> np.ndarray:
    """Vectorised :func:`score` without the numbers check: best of ratio and token_sort_ratio, 0-100.

    Scores under ``cutoff`` (0-1) may come out as 0 (rapidfuzz stops early): only compare with it.
    """
    c = max(0.0, cutoff * 100 - 1e-6)
    return np.maximum(cpdist(a, b, scorer=fuzz.ratio, score_cutoff=c, workers=-1),
                      cpdist(a, b, scorer=fuzz.token_sort_ratio, score_cutoff=c, workers=-1))


def pairs(texts: Sequence[str], threshold: float, *, min_jaccard: float = 0.35,
          scorer: Callable[[int, int, float], float] | None = None,
          cancelled: Callable[[float], bool] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j, score), j < i, of ``texts`` with lexical similarity >= threshold.

    ``texts`` should be distinct normalised strings (exact copies are another rule's job).
    A custom ``scorer`` must not exceed the plain score of ``texts`` by more than 0.05
    (candidates are pre-filtered with it).
    Candidates come from LSH on character 5-gram MinHash; candidates whose estimated
    Jaccard is under ``min_jaccard`` are dropped before scoring. ``scorer(i, j, cutoff)``
    replaces the default :func:`score` of ``texts[i]`` and ``texts[j]``. A scorer may have a
    method ``prefilter(i, j, cutoff) -> bool array`` (index arrays in): False for pairs it
    would score under ``cutoff``, decided in bulk before it is called pair by pair.
    """
    n = len(texts)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    if n < 2:
        return empty
    sig = minhash.signatures(texts, n=SHINGLE, cancelled=None if cancelled is None else (
        lambda f: cancelled(0.5 * f)))
    keys = minhash.candidate_keys(sig, BANDS, ROWS, min_jaccard=min_jaccard)
    del sig
    if len(keys) == 0:
        return empty
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    if scorer is not None:
        prefilter = getattr(scorer, "prefilter", None)
    else:  # score() gives 0 to texts whose numbers differ
        nkeys = NumberKeys(n, lambda k: tuple(numbers(texts[k])))

        def prefilter(i, j, cutoff):
            return nkeys[i] == nkeys[j]
    slack = 0.05 if scorer is not None else 0.0
    out_i, out_j, out_s = [], [], []
    step = 50_000  # bounded memory whatever the number of candidates (boilerplate-heavy files have many)
    for s in range(0, len(keys), step):
        if cancelled is not None and cancelled(0.5 + 0.5 * s / len(keys)):
            from ftlsp.embeddings import Cancelled

            raise Cancelled()
        bi, bj = np.divmod(keys[s:s + step], n)
        # long texts: the length ratio bounds ratio(); skip pairs that cannot reach the threshold
        la, lb = lens[bi], lens[bj]
        keep = 2 * np.minimum(la, lb) / np.maximum(la + lb, 1) >= threshold - 1e-9
        if prefilter is not None and keep.any():
            keep[keep] = prefilter(bi[keep], bj[keep], threshold)
        bi, bj = bi[keep], bj[keep]
        if not len(bi):
            continue
        # vectorised pre-score in C; the exact (possibly custom) score only for survivors
        pre = prescore([texts[k] for k in bi.tolist()], [texts[k] for k in bj.tolist()], threshold - slack) / 100.0
        for m in np.nonzero(pre >= threshold - slack - 1e-9)[0].tolist():
            i, j = int(bi[m]), int(bj[m])
            sc = scorer(i, j, threshold) if scorer is not None else score(texts[i], texts[j], threshold)
            if sc >= threshold:
                out_i.append(i)
                out_j.append(j)
                out_s.append(sc)
    if not out_i:
        return empty
    return np.array(out_i, np.int64), np.array(out_j, np.int64), np.array(out_s, np.float32)


def template_variation(a: str, b: str, df: "dict[str, int]", min_df: int = 3) -> bool:
    """True when ``a`` and ``b`` differ only by swapping frequent words for other frequent words.

    Templated datasets ("students in 2015 for FDCA" / "female students in 2015 for FDCA")
    fill slots with values that recur across the file; a typo makes a word that does not.
    ``df`` maps a word to the number of texts containing it.
    """
    from rapidfuzz.distance import Levenshtein

    wa, wb = a.split(), b.split()
    ops = [op for op in Levenshtein.opcodes(wa, wb) if op.tag != "equal"]
    if not ops:
        return False
    if sorted(wa) == sorted(wb) and any(op.src_end - op.src_start > 1 for op in ops):
        return False  # the same words with a clause moved: a reordered copy ("EUR to USD" / "USD to EUR" is a fill)
    for op in ops:
        if op.tag != "replace" or op.src_end - op.src_start != op.dest_end - op.dest_start:
            return False
        for w in wa[op.src_start:op.src_end] + wb[op.dest_start:op.dest_end]:
            if df.get(w, 0) < min_df:
                return False
    return True


def doc_frequency(texts: Sequence[str]) -> "dict[str, int]":
    from collections import Counter

    c: Counter = Counter()
    for t in texts:
        c.update(set(t.split()))
    return c


def typo_like(a: str, b: str, min_ratio: float = 0.7) -> bool:
    """True when ``b`` is ``a`` with typos or its words reordered.

    Every run of changed words must be a misspelling of the run it replaces: at most 2
    characters apart, or an edit ratio >= ``min_ratio`` ("tocancel" / "to cancel",
    "activte" / "activate"). Whole words added or removed make another example:
    "Donald Trump" vs "Donald" is a different answer, not a copy with a typo.
    """
    from rapidfuzz.distance import Levenshtein

    wa, wb = a.split(), b.split()
    if sorted(wa) == sorted(wb):
        return True
    ops = Levenshtein.opcodes(wa, wb)
    k = 0
    while k < len(ops):
        if ops[k].tag == "equal":
            k += 1
            continue
        s0, d0 = ops[k].src_start, ops[k].dest_start
        while k < len(ops) and ops[k].tag != "equal":  # one run of adjacent changes
            s1, d1 = ops[k].src_end, ops[k].dest_end
            k += 1
        old, new = " ".join(wa[s0:s1]), " ".join(wb[d0:d1])
        if Levenshtein.distance(old, new) > 2 and fuzz.ratio(old, new) < min_ratio * 100:
            return False
    return True
