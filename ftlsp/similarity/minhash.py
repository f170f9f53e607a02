"""MinHash signatures and LSH banding in numpy (no per-pair Python loop).

Character n-gram shingles are hashed with a vectorised polynomial hash over the
code points of all texts at once; each of ``num_perm`` multiply-shift hash
functions keeps its minimum per text. Two texts share a band (``rows``
consecutive minima) with probability J**rows, J their shingle Jaccard
similarity, so with ``bands`` bands a pair becomes a candidate with probability
1 - (1 - J**rows)**bands.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

_MASK32 = np.uint64(0xFFFFFFFF)
_BASE = np.uint64(0x100000001B3)  # FNV prime, as polynomial base (uint64 arithmetic wraps)


def _shingle_hashes(texts: Sequence[str], n: int, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, starts): all n-gram hashes of all texts, and where each text's hashes start.

    Texts shorter than n are padded with spaces (one shingle). Above ``budget`` shingles in
    total, a consistent subsample is kept (hash % m == 0 for all texts alike, which keeps
    Jaccard estimates unbiased) and every text keeps at least its smallest hash.
    """
    padded = [t if len(t) >= n else t.ljust(n) for t in texts]
    lens = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    cps = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    text_starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    counts = lens - n + 1
    total = int(counts.sum())
    # position p starts an n-gram of its text when p + n <= end of the text
    h = np.zeros(len(cps) - n + 1 if len(cps) >= n else 0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + cps[k:len(cps) - n + 1 + k]
    pos = np.repeat(text_starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(total)
    h = h[pos]
    h ^= h >> np.uint64(29)
    owner = np.repeat(np.arange(len(texts)), counts)
    if total > budget:
        m = np.uint64(-(-total // budget))
        keep = (h % m) == 0
        # every text keeps at least one shingle: its smallest hash
        order = np.lexsort((h, owner))
        keep[order[np.searchsorted(owner[order], np.arange(len(texts)))]] = True
        h, owner = h[keep], owner[keep]
        counts = np.bincount(owner, minlength=len(texts))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return h, starts


def signatures(texts: Sequence[str], n: int = 5, num_perm: int = 128, seed: int = 1,
               budget: int = 10_000_000, chunk: int = 1 << 14,
               cancelled: Callable[[float], bool] | None = None) -> np.ndarray:
    """(len(texts), num_perm) uint32 MinHash signatures of character ``n``-gram sets."""
    if not len(texts):
        return np.zeros((0, num_perm), dtype=np.uint32)
    h, starts = _shingle_hashes(texts, n, budget)
    rng = np.random.default_rng(seed)
    # 32-bit hash family: x -> mix(a * x + b) with a odd, a bijection of x (min-wise enough in practice,
    # and half the memory traffic of 64-bit arithmetic)
    a = (rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    x = ((h & _MASK32) ^ (h >> np.uint64(32))).astype(np.uint32)
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    # process whole texts, about `chunk` shingles at a time: memory num_perm * chunk * 4 bytes
    ends = np.append(starts[1:], len(x))
    t0 = 0
    while t0 < len(texts):
        if cancelled is not None and cancelled(t0 / len(texts)):
            from ftlsp.embeddings import Cancelled

            raise Cancelled()
        t1 = int(np.searchsorted(ends, starts[t0] + chunk, side="right"))
        t1 = max(t1, t0 + 1)
        s0, s1 = int(starts[t0]), int(ends[t1 - 1])
        vals = a[:, None] * x[None, s0:s1]
        vals += b[:, None]
        vals ^= vals >> np.uint32(15)
        vals *= np.uint32(0x2C1B3C6D)
        vals ^= vals >> np.uint32(12)
        out[t0:t1] = np.minimum.reduceat(vals, starts[t0:t1] - s0, axis=1).T
        t0 = t1
    return out


def candidates(sig: np.ndarray, bands: int, rows: int, max_bucket: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i, j), j < i, that share at least one LSH band; deduplicated, sorted.

    In a bucket with more than ``max_bucket`` members (boilerplate), each member is paired
    with the bucket's first member and its ``max_bucket`` predecessors only, so a bucket
    never costs more than linear work.
    """
    n = len(sig)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    bands = min(bands, sig.shape[1] // rows)
    mult = np.random.default_rng(7).integers(1, 1 << 62, size=rows, dtype=np.uint64) | np.uint64(1)
    keys_i: list[np.ndarray] = []
    for band in range(bands):
        cols = sig[:, band * rows:(band + 1) * rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            hv = (cols * mult[None, :]).sum(axis=1) ^ np.uint64(band)
        order = np.argsort(hv, kind="stable")  # stable: members of a bucket stay in index order
        sh = hv[order]
        # members whose key equals the previous one's: pair with previous members of the run
        same = np.empty(n, dtype=bool)
        same[0] = False
        same[1:] = sh[1:] == sh[:-1]
        if not same.any():
            continue
        run_start = np.maximum.accumulate(np.where(~same, np.arange(n), 0))
        rank = np.arange(n) - run_start  # position inside its bucket
        for w in range(1, max_bucket + 1):
            sel = rank >= w
            if not sel.any():
                break
            idx = np.nonzero(sel)[0]
            keys_i.append(_pair_key(order[idx], order[idx - w], n))
        # large buckets: also pair with the bucket's first member
        big = np.nonzero(rank > max_bucket)[0]
        if len(big):
            keys_i.append(_pair_key(order[big], order[run_start[big]], n))
    if not keys_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    keys = np.unique(np.concatenate(keys_i))
    return keys // n, keys % n


def _pair_key(p: np.ndarray, q: np.ndarray, n: int) -> np.ndarray:
    hi = np.maximum(p, q).astype(np.int64)
    lo = np.minimum(p, q).astype(np.int64)
    return hi * n + lo


def jaccard_estimate(sig: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Fraction of equal minima: an unbiased estimate of the shingle Jaccard similarity."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    out = np.zeros(len(i), np.float32)
    step = 1 << 16  # bounded memory: step * num_perm bytes per temporary
    for s in range(0, len(i), step):
        out[s:s + step] = (sig[i[s:s + step]] == sig[j[s:s + step]]).mean(axis=1)
    return out
