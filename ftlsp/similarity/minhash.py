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


def _shingle_hashes(texts: Sequence[str], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, counts): the n-gram hashes of ``texts``, text after text, and how many each has.

    Texts shorter than n are padded with spaces (one shingle). With ``m > 1`` a consistent
    subsample is kept (hash % m == 0 for all texts alike, which keeps Jaccard estimates
    unbiased) and every text keeps at least its smallest hash. Memory: a few uint64 per character.
    """
    padded = [t if len(t) >= n else t.ljust(n) for t in texts]
    lens = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    cps = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    del padded
    counts = lens - n + 1
    total = int(counts.sum())
    # position p starts an n-gram of its text when p + n <= end of the text
    h = np.zeros(len(cps) - n + 1 if len(cps) >= n else 0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h *= _BASE
            h += cps[k:len(cps) - n + 1 + k]
    del cps
    # drop the n-1 positions at the end of each text whose n-gram runs into the next text
    starts = np.cumsum(lens) - lens
    pos = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    pos += np.arange(total)
    h = h[pos]
    del pos
    h ^= h >> np.uint64(29)
    if m > 1:
        keep = (h % np.uint64(m)) == 0
        # every text keeps at least one shingle: its smallest hash
        first = np.cumsum(counts) - counts
        keep |= h == np.repeat(np.minimum.reduceat(h, first), counts)
        owner = np.repeat(np.arange(len(texts)), counts)[keep]
        h = h[keep]
        counts = np.bincount(owner, minlength=len(texts))
    return h, counts


def signatures(texts: Sequence[str], n: int = 5, num_perm: int = 128, seed: int = 1,
               budget: int = 10_000_000, chunk: int = 1 << 14, text_chunk: int = 1 << 19,
               cancelled: Callable[[float], bool] | None = None) -> np.ndarray:
    """(len(texts), num_perm) uint32 MinHash signatures of character ``n``-gram sets.

    Texts are hashed ``text_chunk`` characters at a time, so memory stays bounded whatever the
    number of texts (about 60 bytes per character of one chunk). Above ``budget`` shingles in
    all, a consistent subsample of every text's shingles is used (see :func:`_shingle_hashes`).
    """
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    if not len(texts):
        return out
    lens = np.fromiter((max(len(t), n) for t in texts), dtype=np.int64, count=len(texts))
    total = int((lens - n + 1).sum())
    m = -(-total // budget) if total > budget else 1
    rng = np.random.default_rng(seed)
    # 32-bit hash family: x -> mix(a * x + b) with a odd, a bijection of x (min-wise enough in practice,
    # and half the memory traffic of 64-bit arithmetic)
    a = (rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    ends = np.cumsum(lens)
    del lens
    t0 = 0
    while t0 < len(texts):
        if cancelled is not None and cancelled(t0 / len(texts)):
            from ftlsp.embeddings import Cancelled

            raise Cancelled()
        done = int(ends[t0 - 1]) if t0 else 0
        t1 = max(int(np.searchsorted(ends, done + text_chunk, side="right")), t0 + 1)
        h, counts = _shingle_hashes(texts[t0:t1], n, m)
        x = ((h & _MASK32) ^ (h >> np.uint64(32))).astype(np.uint32)
        del h
        _minhash(x, counts, a, b, chunk, out[t0:t1])
        t0 = t1
    return out


def _minhash(x: np.ndarray, counts: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int, out: np.ndarray) -> None:
    """Each text's minimum of every hash function over its shingles ``x`` (counts per text) into ``out``."""
    starts = np.cumsum(counts) - counts
    ends = starts + counts
    t0 = 0
    while t0 < len(counts):
        # whole texts, about `chunk` shingles at a time: memory num_perm * chunk * 4 bytes
        t1 = max(int(np.searchsorted(ends, starts[t0] + chunk, side="right")), t0 + 1)
        s0, s1 = int(starts[t0]), int(ends[t1 - 1])
        vals = a[:, None] * x[None, s0:s1]
        vals += b[:, None]
        vals ^= vals >> np.uint32(15)
        vals *= np.uint32(0x2C1B3C6D)
        vals ^= vals >> np.uint32(12)
        out[t0:t1] = np.minimum.reduceat(vals, starts[t0:t1] - s0, axis=1).T
        t0 = t1


def candidates(sig: np.ndarray, bands: int, rows: int, max_bucket: int = 20,
               min_jaccard: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i, j), j < i, that share at least one LSH band; deduplicated, sorted.

    See :func:`candidate_keys`.
    """
    keys = candidate_keys(sig, bands, rows, max_bucket, min_jaccard)
    return keys // len(sig), keys % len(sig)


def candidate_keys(sig: np.ndarray, bands: int, rows: int, max_bucket: int = 20,
                   min_jaccard: float = 0.0) -> np.ndarray:
    """Candidate pairs (i, j), j < i, as sorted distinct keys i * len(sig) + j (one int64 a pair).

    In a bucket with more than ``max_bucket`` members (boilerplate), each member is paired
    with the bucket's first member and its ``max_bucket`` predecessors only, so a bucket
    never costs more than linear work. Pairs whose estimated Jaccard similarity is under
    ``min_jaccard`` are dropped band by band, so memory follows the pairs kept, not the
    (up to bands * max_bucket * n) pairs met.
    """
    n = len(sig)
    if n < 2:
        return np.zeros(0, np.int64)
    bands = min(bands, sig.shape[1] // rows)
    mult = np.random.default_rng(7).integers(1, 1 << 62, size=rows, dtype=np.uint64) | np.uint64(1)
    found = np.zeros(0, np.int64)  # sorted, unique pair keys
    arange = np.arange(n)
    for band in range(bands):
        hv = np.zeros(n, np.uint64)
        with np.errstate(over="ignore"):
            for r in range(rows):
                hv += sig[:, band * rows + r].astype(np.uint64) * mult[r]
        hv ^= np.uint64(band)
        order = np.argsort(hv, kind="stable")  # stable: members of a bucket stay in index order
        sh = hv[order]
        del hv
        # members whose key equals the previous one's: pair with previous members of the run
        same = np.empty(n, dtype=bool)
        same[0] = False
        np.equal(sh[1:], sh[:-1], out=same[1:])
        del sh
        if not same.any():
            continue
        run_start = np.maximum.accumulate(np.where(~same, arange, 0))
        rank = arange - run_start  # position inside its bucket
        keys_b: list[np.ndarray] = []
        for w in range(1, max_bucket + 1):
            idx = np.nonzero(rank >= w)[0]
            if not len(idx):
                break
            keys_b.append(_pair_key(order[idx], order[idx - w], n))
        # large buckets: also pair with the bucket's first member
        big = np.nonzero(rank > max_bucket)[0]
        if len(big):
            keys_b.append(_pair_key(order[big], order[run_start[big]], n))
        keys = _unique(np.concatenate(keys_b))
        del keys_b
        if len(found):  # pairs already kept (near-duplicates share many bands)
            at = np.searchsorted(found, keys)
            dup = found[np.minimum(at, len(found) - 1)] == keys
            keys, at = keys[~dup], at[~dup]
        else:
            at = np.zeros(len(keys), np.intp)
        if min_jaccard > 0 and len(keys):
            sel = jaccard_estimate(sig, keys // n, keys % n) >= min_jaccard
            keys, at = keys[sel], at[sel]
        if len(keys):  # a linear merge of two sorted arrays: memory ~2x the pairs kept
            found = np.insert(found, at, keys)
    return found


def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values. np.unique of numpy 2.3+ hashes int64 first: ~8x slower here."""
    x.sort()
    if len(x) < 2:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def _pair_key(p: np.ndarray, q: np.ndarray, n: int) -> np.ndarray:
    hi = np.maximum(p, q).astype(np.int64)
    lo = np.minimum(p, q).astype(np.int64)
    return hi * n + lo


def jaccard_estimate(sig: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Fraction of equal minima: an unbiased estimate of the shingle Jaccard similarity."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    out = np.zeros(len(i), np.float32)
    step = 1 << 14  # bounded memory: step * num_perm * 4 bytes per temporary
    for s in range(0, len(i), step):
        out[s:s + step] = (sig[i[s:s + step]] == sig[j[s:s + step]]).mean(axis=1)
    return out
