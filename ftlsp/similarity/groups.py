"""Near-duplicate pairs -> one finding per later example: its best earlier match and its group's first."""

from __future__ import annotations

from typing import Iterable

import numpy as np


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller index (earlier example) stays the root
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def best_matches(n: int, i: np.ndarray, j: np.ndarray, s: np.ndarray) -> Iterable[tuple[int, int, float, int, int]]:
    """(later, best earlier match, score, group root, group size) for every unit with an earlier match.

    Units are numbered in order of first appearance, pairs have j < i. The best match is the
    highest score, ties going to the earliest unit; the root is the earliest unit of the
    connected group (the "first occurrence" of a chain of near-duplicates).
    """
    uf = UnionFind(n)
    best: dict[int, tuple[float, int]] = {}
    for a, b, sc in zip(i.tolist(), j.tolist(), s.tolist()):
        uf.union(a, b)
        cur = best.get(a)
        if cur is None or sc > cur[0] or (sc == cur[0] and b < cur[1]):
            best[a] = (sc, b)
    sizes: dict[int, int] = {}
    for u in set(i.tolist()) | set(j.tolist()):
        r = uf.find(u)
        sizes[r] = sizes.get(r, 0) + 1
    for a in sorted(best):
        sc, b = best[a]
        r = uf.find(a)
        yield a, b, sc, r, sizes[r]
