"""all-MiniLM-L6-v2 (any BERT sentence-transformers folder with mean pooling) run with numpy alone.

Why: importing sentence-transformers + torch costs ~6 s, which dominates a warm re-run that
only has a few hundred changed texts to embed. This path imports numpy, ``tokenizers`` (the Rust
WordPiece behind transformers' fast tokenizer) and ``safetensors.numpy``: ~0.3 s, no torch.

The forward pass is BERT's: word + position + token-type embeddings and LayerNorm; per layer
self-attention with the padding mask, LayerNorm, GELU (the exact erf form, ``hidden_act="gelu"``)
feed-forward, LayerNorm; then mean pooling over real tokens and L2 normalisation, exactly as the
folder's modules.json / 1_Pooling / sentence_bert_config.json say. Vectors equal
sentence-transformers' within float32 rounding (tests/test_embeddings_numpy.py: cosine >= 0.9999),
so both paths share one cache key.

    enc = load(path)            # MiniLM, or raises Unsupported (then use sentence-transformers)
    vecs = enc.encode(texts)    # float32 (n, 384), rows L2-normalised
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

_TOKEN_BUDGET = 8192  # tokens per forward batch (padding included): big matrix products, bounded activations
_SCORE_BUDGET = 8 << 20  # attention scores per forward batch (rows x heads x L x L floats): 32 MB


class Unsupported(Exception):
    """The folder is not a model this module can run (the caller falls back to sentence-transformers)."""


def _read_json(p: Path) -> Any:
    with open(p, encoding="utf-8") as fh:
        return json.load(fh)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf, float32, in place on ``x``: Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7, below float32 eps).

    numpy has no erf and scipy.special costs 0.3 s to import.
    """
    s = np.sign(x)
    np.abs(x, out=x)
    t = 1.0 + np.float32(0.3275911) * x
    np.reciprocal(t, out=t)
    np.square(x, out=x)
    np.negative(x, out=x)
    np.exp(x, out=x)  # x now holds exp(-x^2)
    poly = np.float32(1.061405429) * t
    poly += np.float32(-1.453152027)
    poly *= t
    poly += np.float32(1.421413741)
    poly *= t
    poly += np.float32(-0.284496736)
    poly *= t
    poly += np.float32(0.254829592)
    poly *= t
    poly *= x
    np.subtract(np.float32(1.0), poly, out=x)
    x *= s
    return x


def gelu(x: np.ndarray, rows: int = 64) -> np.ndarray:
    """x * Phi(x) with the exact (erf) normal CDF, as BERT's ``gelu``; modifies and returns 2-D ``x``.

    Row blocks of ~400 KB stay in the CPU cache through the ~20 elementwise passes (2-4x faster
    than whole-array passes, measured).
    """
    for s in range(0, len(x), rows):
        c = x[s:s + rows]
        e = _erf(c * np.float32(1.0 / math.sqrt(2.0)))
        e += np.float32(1.0)
        e *= np.float32(0.5)
        c *= e
    return x


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    x -= mu
    var = np.einsum("ij,ij->i", x, x)[:, None]
    var /= np.float32(x.shape[-1])
    var += np.float32(eps)
    np.sqrt(var, out=var)
    x /= var
    x *= w
    x += b
    return x


class MiniLM:
    """A BERT encoder + mean pooling + normalisation, weights as float32 numpy arrays."""

    def __init__(self, path: Path):
        path = Path(path)
        cfg = _read_json(path / "config.json")
        modules = _read_json(path / "modules.json")
        types = [m.get("type", "") for m in modules]
        if (cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu"
                or cfg.get("position_embedding_type", "absolute") != "absolute"
                or len(types) < 2 or not types[0].endswith(".Transformer") or not types[1].endswith(".Pooling")
                or any(not t.endswith(".Normalize") for t in types[2:])):
            raise Unsupported(f"{path}: not a BERT + pooling sentence-transformers folder")
        pool_dir = path / next(m.get("path", "") for m in modules if m.get("type", "").endswith(".Pooling"))
        pool = _read_json(pool_dir / "config.json")
        if not pool.get("pooling_mode_mean_tokens") or any(
                v for k, v in pool.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"):
            raise Unsupported(f"{path}: pooling other than mean")
        self.normalize = any(t.endswith(".Normalize") for t in types)
        st_cfg = path / "sentence_bert_config.json"
        st = _read_json(st_cfg) if st_cfg.is_file() else {}
        self.max_len = int(st.get("max_seq_length") or cfg.get("max_position_embeddings", 512))
        self.max_len = min(self.max_len, int(cfg["max_position_embeddings"]))
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self._tokenizer = self._load_tokenizer(path, bool(st.get("do_lower_case")))
        self._load_weights(path)
        self.dim = self.word.shape[1]

    def _load_tokenizer(self, path: Path, lower: bool):
        if lower:  # sentence-transformers would lowercase before the tokenizer: not replicated here
            raise Unsupported(f"{path}: do_lower_case in sentence_bert_config.json")
        # like the sentence-transformers path: no Rust thread pool, so a later fork cannot deadlock on it
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise Unsupported("the tokenizers package is not installed") from None
        f = path / "tokenizer.json"
        if not f.is_file():
            raise Unsupported(f"{path}: no tokenizer.json")
        tok = Tokenizer.from_file(str(f))
        # as sentence-transformers calls it: truncation to max_seq_length, no fixed padding (we batch ourselves)
        tok.enable_truncation(max_length=self.max_len)
        tok.no_padding()
        return tok

    def _load_weights(self, path: Path) -> None:
        f = path / "model.safetensors"
        if not f.is_file():
            raise Unsupported(f"{path}: no model.safetensors")
        try:
            from safetensors.numpy import load_file
        except ImportError:
            raise Unsupported("the safetensors package is not installed") from None
        w = load_file(str(f))
        prefix = "bert." if any(k.startswith("bert.") for k in w) else ""

        def g(name: str) -> np.ndarray:
            try:
                return np.ascontiguousarray(w[prefix + name], dtype=np.float32)
            except KeyError:
                raise Unsupported(f"{path}: weight {prefix + name} missing") from None

        self.word = g("embeddings.word_embeddings.weight")
        self.pos = g("embeddings.position_embeddings.weight")
        self.type0 = g("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"))
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            # torch Linear stores (out, in): transpose once so activations multiply as x @ W
            wqkv = np.concatenate([g(a + n + ".weight") for n in ("query", "key", "value")]).T.copy()
            bqkv = np.concatenate([g(a + n + ".bias") for n in ("query", "key", "value")])
            scale = np.float32(1.0 / math.sqrt(self.word.shape[1] // self.heads))
            wqkv[:, :self.word.shape[1]] *= scale  # fold the attention scale 1/sqrt(d) into the query
            bqkv[:self.word.shape[1]] *= scale
            self.blocks.append((
                wqkv, bqkv,
                g(p + "attention.output.dense.weight").T.copy(), g(p + "attention.output.dense.bias"),
                (g(p + "attention.output.LayerNorm.weight"), g(p + "attention.output.LayerNorm.bias")),
                g(p + "intermediate.dense.weight").T.copy(), g(p + "intermediate.dense.bias"),
                g(p + "output.dense.weight").T.copy(), g(p + "output.dense.bias"),
                (g(p + "output.LayerNorm.weight"), g(p + "output.LayerNorm.bias")),
            ))

    # -- inference -----------------------------------------------------------------------

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(list(texts), add_special_tokens=True)]

    def _forward(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Mean-pooled, unnormalised sentence vectors of a right-padded (B, L) id batch."""
        b, n = ids.shape
        h = self.heads
        d = self.dim // h
        mask = np.arange(n)[None, :] < lengths[:, None]  # (B, L) real tokens
        x = self.word[ids.reshape(-1)]
        x += np.tile(self.pos[:n], (b, 1))
        x += self.type0
        _layer_norm(x, *self.emb_ln, self.eps)
        bias = np.where(mask, np.float32(0.0), np.float32(-1e9)).astype(np.float32)[:, None, None, :]
        for wqkv, bqkv, wo, bo, ln1, w1, b1, w2, b2, ln2 in self.blocks:
            qkv = x @ wqkv
            qkv += bqkv
            qkv = qkv.reshape(b, n, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, B, H, L, d)
            q, k, v = qkv[0], qkv[1], qkv[2]
            s = np.matmul(q, k.transpose(0, 1, 3, 2))  # (B, H, L, L)
            s += bias
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            c = np.matmul(s, v).transpose(0, 2, 1, 3).reshape(b * n, h * d)
            a = c @ wo
            a += bo
            a += x
            x = _layer_norm(a, *ln1, self.eps)
            f = x @ w1
            f += b1
            gelu(f)
            y = f @ w2
            y += b2
            y += x
            x = _layer_norm(y, *ln2, self.eps)
        x = x.reshape(b, n, -1)
        m = mask.astype(np.float32)
        summed = np.einsum("bld,bl->bd", x, m)
        return summed / np.maximum(lengths[:, None].astype(np.float32), 1e-9)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 (len(texts), dim); rows L2-normalised when the folder has a Normalize module."""
        out = np.zeros((len(texts), self.dim), np.float32)
        if not len(texts):
            return out
        toks = self.tokenize(texts)
        lens = np.fromiter((len(t) for t in toks), dtype=np.int64, count=len(toks))
        order = np.argsort(lens, kind="stable")  # similar lengths together: little padding
        s = 0
        while s < len(order):
            # the batch grows while its padded size fits both budgets; lengths ascend
            e = s + 1
            while e < len(order) and (e + 1 - s) * lens[order[e]] <= _TOKEN_BUDGET and \
                    (e + 1 - s) * self.heads * lens[order[e]] ** 2 <= _SCORE_BUDGET:
                e += 1
            idx = order[s:e]
            n = int(lens[idx[-1]])
            ids = np.zeros((len(idx), n), np.int64)
            for r, i in enumerate(idx):
                ids[r, :lens[i]] = toks[i]
            out[idx] = self._forward(ids, lens[idx])
            s = e
        if self.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            out /= norms
        return out


def load(path: Path) -> MiniLM:
    """The numpy encoder of a model folder; raises :class:`Unsupported` when it cannot run it."""
    try:
        return MiniLM(path)
    except Unsupported:
        raise
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, StopIteration) as e:
        raise Unsupported(f"{path}: {e!r}") from None  # a malformed folder: sentence-transformers may say more
