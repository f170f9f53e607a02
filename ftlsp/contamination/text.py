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


_NONWORD = re.compile(r"\W+")
# ASCII characters outside \w (A-Z a-z 0-9 _) become spaces
_ASCII_NONWORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def normalise(text: str) -> str:
    """Case, width, whitespace and punctuation removed: the key of 'normalised' matches.

    Equal to ``" ".join(words(text))``, in one regex pass (ASCII text skips NFKC).
    """
    if not text:
        return ""
    if text.isascii():  # the common case, ~5x faster than the regex
        return " ".join(text.lower().translate(_ASCII_NONWORD).split())
    t = unicodedata.normalize("NFKC", text).casefold()
    return _NONWORD.sub(" ", t).strip()


def words(text: str) -> list[str]:
    return normalise(text).split()


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).digest()


def token_hashes(toks: list[str]) -> list[int]:
    cache = _TOKEN_CACHE
    missing = set(toks).difference(cache.keys())
    if missing:
        fresh = {t: int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                                   "little") for t in missing}
        if len(cache) + len(fresh) > _MAX_CACHE:
            return [cache[t] if t in cache else fresh[t] for t in toks]
        cache.update(fresh)
    return list(map(cache.__getitem__, toks))


class Tokens:
    """Token hashes of many texts: one uint64 array plus per-text [start, end) offsets."""

    __slots__ = ("hashes", "starts", "ends")

    def __init__(self, hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray):
        self.hashes, self.starts, self.ends = hashes, starts, ends

    @classmethod
    def build(cls, texts: list[str], normalised: bool = False) -> "Tokens":
        """``normalised``: texts are already :func:`normalise` output (words joined by one space)."""
        norms = texts if normalised else [normalise(t) for t in texts]
        lens = np.fromiter((s.count(" ") + 1 if s else 0 for s in norms), dtype=np.int64, count=len(norms))
        ends = np.cumsum(lens)
        starts = ends - lens
        flat = " ".join(s for s in norms if s).split(" ")
        if flat == [""]:
            flat = []
        return cls(np.array(token_hashes(flat), dtype=np.uint64), starts, ends)

    def slice(self, a: int, b: int) -> "Tokens":
        """Texts a..b-1 as their own Tokens (a view of the hashes)."""
        lo = int(self.starts[a]) if a < len(self.starts) else len(self.hashes)
        hi = int(self.ends[b - 1]) if b > a else lo
        return Tokens(self.hashes[lo:hi], self.starts[a:b] - lo, self.ends[a:b] - lo)

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts

    def __len__(self) -> int:
        return len(self.starts)


def ngram_hashes(tok: Tokens, n: int, only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All n-gram hashes that lie inside one text: (hashes, text index), in text order.

    ``only``: boolean mask of texts to include (e.g. the texts of exactly n tokens).
    """
    for _, h, d in multi_ngram_hashes(tok, (n,), only):
        return h, d
    return np.empty(0, np.uint64), np.empty(0, np.int64)


def multi_ngram_hashes(tok: Tokens, lengths, only: np.ndarray | None = None, prefilter=None):
    """Yield (n, hashes, text index) for each n in ``lengths``, sharing one rolling pass.

    The hash of an n-gram is a polynomial in its token hashes (mod 2^64), salted by n.
    ``prefilter(hashes) -> positions`` keeps only candidate positions before anything else is
    materialised (membership tests on huge scans).
    """
    want = sorted(set(int(x) for x in lengths if x > 0))
    H = tok.hashes
    T = len(H)
    if not want or T == 0:
        return
    doc_of = np.repeat(np.arange(len(tok), dtype=np.int64), tok.lengths)
    # tokens left in the text from each position (0 for texts not selected)
    rem = tok.ends[doc_of] - np.arange(T, dtype=np.int64)
    if only is not None:
        rem[~only[doc_of]] = 0
    acc = H.copy()
    with np.errstate(over="ignore"):
        for n in range(1, want[-1] + 1):
            if n > 1:
                acc = acc[:-1] * _P + H[n - 1:]
            if len(acc) == 0:
                return
            if n in want:
                salted = acc ^ (_LEN_SALT * np.uint64(n))
                if prefilter is not None:
                    idx = prefilter(salted)
                    idx = idx[rem[idx] >= n]
                else:
                    idx = np.nonzero(rem[:len(acc)] >= n)[0]
                yield n, salted[idx], doc_of[idx]
