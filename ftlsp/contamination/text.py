"""Text normalisation and hashing shared by the contamination rules.

Token hashes are stable across processes (blake2b, not ``hash()``), so indexes
can be cached on disk. N-gram hashes are computed for many texts at once with
numpy over one concatenated token array.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

_WORD = re.compile(r"\w+")
_P = np.uint64(0x100000001B3)  # FNV prime: multiplier of the polynomial n-gram hash
_LEN_SALT = np.uint64(0x9E3779B97F4A7C15)

# token -> 64-bit hash; bounded so a huge vocabulary cannot grow it forever
_TOKEN_CACHE: dict[str, int] = {}
_MAX_CACHE = 2_000_000


def normalise(text: str) -> str:
    """Case, width, whitespace and punctuation removed: the key of 'normalised' matches."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    if not text:
        return []
    t = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(t)


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).digest()


def token_hashes(toks: list[str]) -> list[int]:
    cache = _TOKEN_CACHE
    out = []
    for t in toks:
        h = cache.get(t)
        if h is None:
            h = int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            if len(cache) < _MAX_CACHE:
                cache[t] = h
        out.append(h)
    return out


class Tokens:
    """Token hashes of many texts: one uint64 array plus per-text [start, end) offsets."""

    __slots__ = ("hashes", "starts", "ends")

    def __init__(self, hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray):
        self.hashes, self.starts, self.ends = hashes, starts, ends

    @classmethod
    def build(cls, texts: list[str]) -> "Tokens":
        flat: list[int] = []
        starts = np.empty(len(texts), dtype=np.int64)
        ends = np.empty(len(texts), dtype=np.int64)
        for i, t in enumerate(texts):
            starts[i] = len(flat)
            flat.extend(token_hashes(words(t)))
            ends[i] = len(flat)
        return cls(np.array(flat, dtype=np.uint64), starts, ends)

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts

    def __len__(self) -> int:
        return len(self.starts)


def ngram_hashes(tok: Tokens, n: int, only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All n-gram hashes that lie inside one text: (hashes, text index), in text order.

    ``only``: boolean mask of texts to include (e.g. the texts of exactly n tokens).
    """
    H = tok.hashes
    T = len(H)
    if T < n or n <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    m = T - n + 1
    with np.errstate(over="ignore"):
        acc = H[0:m].copy()
        for i in range(1, n):
            acc *= _P
            acc += H[i:i + m]
        acc ^= _LEN_SALT * np.uint64(n)
    # text of each position; keep positions whose n-gram ends inside the same text
    lengths = tok.lengths
    doc = np.repeat(np.arange(len(tok), dtype=np.int64), lengths)[:m] if m <= len(H) else None
    keep = (np.arange(m, dtype=np.int64) + n) <= tok.ends[doc]
    if only is not None:
        keep &= only[doc]
    return acc[keep], doc[keep]
