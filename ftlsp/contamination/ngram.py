"""Hashed n-gram overlap between eval items and training records (GPT-3 / NeMo Curator style).

Every eval item is reduced to the set of hashes of its word n-grams (13 by
default). An eval item shorter than n words is one "n-gram" of its own length
(its whole text must appear, contiguously, in the training text), down to
``min_tokens`` words. Training texts are scanned with the same rolling hash;
the score of a pair is the share of the eval item's n-grams found in the
training record (coverage).

Frequent n-grams are discounted, on both sides, so templates, shared
instructions and boilerplate do not flood the results (marin-community/marin
#7126): an n-gram found in more than ``max(ref_df_min, ref_df_frac * items)``
distinct eval items, or in more than ``max(train_df_min, train_df_frac *
records)`` distinct training records, counts neither for nor against a pair.
Exact copies are grouped first (by normalised text) so duplicated records do
not look frequent.

All steps are numpy over concatenated arrays: no per-pair Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ftlsp.contamination import text as T
from ftlsp.contamination.refsets import Corpus

CHUNK_TOKENS = 1 << 21


@dataclass(frozen=True)
class NgramParams:
    n: int = 13
    min_tokens: int = 3
    ref_df_min: int = 5
    ref_df_frac: float = 0.01
    train_df_min: int = 50
    train_df_frac: float = 0.01


@dataclass
class Groups:
    """Items grouped by normalised prompt: representative item per group, group of each item."""

    rep: np.ndarray  # item index of each group's representative
    of_item: np.ndarray  # group id of each item (-1: empty text)
    members: list[list[int]]

    @classmethod
    def build(cls, corpus: Corpus) -> "Groups":
        ids: dict[str, int] = {}
        of_item = np.full(len(corpus), -1, dtype=np.int64)
        members: list[list[int]] = []
        for i, key in enumerate(corpus.norm_prompts()):
            if not key:
                continue
            g = ids.get(key)
            if g is None:
                g = ids[key] = len(members)
                members.append([])
            members[g].append(i)
            of_item[i] = g
        rep = np.array([m[0] for m in members], dtype=np.int64)
        return cls(rep, of_item, members)

    def __len__(self) -> int:
        return len(self.members)


@dataclass
class EvalIndex:
    """The eval side, ready to scan training text against (cacheable per reference set)."""

    corpus: Corpus
    groups: Groups
    params: NgramParams
    post_hash: np.ndarray  # sorted hashes of (hash, group) postings, boilerplate removed
    post_group: np.ndarray
    uniq: np.ndarray  # sorted distinct non-boilerplate hashes
    total: np.ndarray  # distinct non-boilerplate n-grams per group
    lengths: tuple[int, ...]  # n-gram lengths in use (n and the short items' lengths)
    boilerplate: int  # how many distinct n-grams were discounted as frequent
    bitmap: np.ndarray | None = None  # membership prefilter over ``uniq``

    def __post_init__(self):
        if self.bitmap is None:
            self.bitmap = make_bitmap(self.uniq)

    @classmethod
    def build(cls, corpus: Corpus, params: NgramParams = NgramParams()) -> "EvalIndex":
        groups = Groups.build(corpus)
        tok = corpus.tokens()
        is_rep = np.zeros(len(corpus), dtype=bool)
        is_rep[groups.rep] = True
        lens = tok.lengths
        hs, gs = [np.empty(0, np.uint64)], [np.empty(0, np.int64)]
        short = is_rep & (lens < params.n) & (lens >= params.min_tokens)
        lengths = [params.n] + sorted(set(lens[short].tolist()))
        for L, h, it in T.multi_ngram_hashes(tok, lengths, only=is_rep):
            # an n-gram for long texts; the whole text for texts of exactly L < n words
            sel = np.ones(len(it), bool) if L == params.n else (lens[it] == L)
            hs.append(h[sel])
            gs.append(groups.of_item[it[sel]])
        h = np.concatenate(hs) if hs else np.empty(0, np.uint64)
        g = np.concatenate(gs) if gs else np.empty(0, np.int64)
        h, g = _unique_pairs(h, g)
        # document frequency over distinct groups; frequent n-grams are boilerplate
        uh, inv, df = np.unique(h, return_inverse=True, return_counts=True)
        limit = max(params.ref_df_min, params.ref_df_frac * len(groups))
        keep = df[inv] <= limit
        h, g = h[keep], g[keep]
        order = np.argsort(h, kind="stable")
        total = np.bincount(g, minlength=len(groups))
        return cls(corpus, groups, params, h[order], g[order], uh[df <= limit], total, tuple(lengths),
                   int((df > limit).sum()))


@dataclass
class Overlap:
    """Pairs of (eval group, train group) with shared n-grams."""

    eval_group: np.ndarray
    train_group: np.ndarray
    shared: np.ndarray
    total: np.ndarray  # the eval group's countable n-grams (after both discounts)
    train_groups: Groups
    boilerplate_train: int

    @property
    def coverage(self) -> np.ndarray:
        return self.shared / np.maximum(self.total, 1)


def _unique_pairs(h: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (hash, group) pairs. The pair is folded into one 64-bit key (collisions ~2^-64)."""
    if len(h) == 0:
        return h, g
    with np.errstate(over="ignore"):
        key = h ^ (g.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93) + np.uint64(0x9E3779B97F4A7C15))
    _, idx = np.unique(key, return_index=True)
    return h[idx], g[idx]


def _member(h: np.ndarray, sorted_uniq: np.ndarray, bitmap: np.ndarray | None = None) -> np.ndarray:
    """h in sorted_uniq: a bitmap of the low hash bits screens out most misses cheaply, then
    binary search confirms the few candidates."""
    if len(sorted_uniq) == 0 or len(h) == 0:
        return np.zeros(len(h), dtype=bool)
    out = np.zeros(len(h), dtype=bool)
    if bitmap is not None:
        cand = np.nonzero(bitmap[(h & np.uint64(len(bitmap) - 1)).astype(np.int64)])[0]
        hc = h[cand]
    else:
        cand, hc = None, h
    i = np.searchsorted(sorted_uniq, hc)
    i[i == len(sorted_uniq)] = 0
    hit = sorted_uniq[i] == hc
    if cand is None:
        return hit
    out[cand[hit]] = True
    return out


def make_bitmap(sorted_uniq: np.ndarray) -> np.ndarray:
    size = 1 << 16
    while size < 32 * len(sorted_uniq) and size < (1 << 26):
        size <<= 1
    bm = np.zeros(size, dtype=bool)
    bm[(sorted_uniq & np.uint64(size - 1)).astype(np.int64)] = True
    return bm


def scan(index: EvalIndex, train: Corpus, train_groups: Groups | None = None) -> Overlap:
    """Shared n-grams between every eval group and every training group."""
    p = index.params
    tg = train_groups or Groups.build(train)
    tok = train.tokens()
    is_rep = np.zeros(len(train), dtype=bool)
    is_rep[tg.rep] = True
    hs, gs = [np.empty(0, np.uint64)], [np.empty(0, np.int64)]

    def members(hv):
        return np.nonzero(_member(hv, index.uniq, index.bitmap))[0]

    # in chunks of texts, so temporaries stay small on large files
    a = 0
    while a < len(train):
        b = int(np.searchsorted(tok.ends, tok.starts[a] + CHUNK_TOKENS, "right"))
        b = max(b, a + 1)
        sub = tok.slice(a, b)
        for _, h, it in T.multi_ngram_hashes(sub, index.lengths, only=is_rep[a:b], prefilter=members):
            hs.append(h)
            gs.append(tg.of_item[it + a])
        a = b
    h = np.concatenate(hs)
    g = np.concatenate(gs)
    h, g = _unique_pairs(h, g)
    empty = np.empty(0, np.int64)
    if len(h) == 0:
        return Overlap(empty, empty, empty, empty, tg, 0)
    # training-side frequency: n-grams in many distinct training records are boilerplate
    uh, inv, df = np.unique(h, return_inverse=True, return_counts=True)
    limit = max(p.train_df_min, p.train_df_frac * len(tg))
    frequent = uh[df > limit]
    keep = df[inv] <= limit
    h, g = h[keep], g[keep]
    total = index.total.copy()
    if len(frequent):
        drop = _member(index.post_hash, np.sort(frequent))
        total -= np.bincount(index.post_group[drop], minlength=len(total))
    # expand each (hash, train group) to the eval groups holding the hash
    lo = np.searchsorted(index.post_hash, h, "left")
    hi = np.searchsorted(index.post_hash, h, "right")
    cnt = hi - lo
    tr = np.repeat(g, cnt)
    starts = np.repeat(lo, cnt)
    offs = np.arange(cnt.sum(), dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    ev = index.post_group[starts + offs]
    key = ev * np.int64(len(tg) + 1) + tr
    uk, shared = np.unique(key, return_counts=True)
    eg = uk // np.int64(len(tg) + 1)
    tgid = uk % np.int64(len(tg) + 1)
    return Overlap(eg, tgid, shared, total[eg], tg, int(len(frequent)))
