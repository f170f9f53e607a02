"""Which tokenizer and limits a target model has, and what its training costs.

Data lives in ``ftlsp/data/models.json`` and ``ftlsp/data/prices.json`` (each
entry with its source and date); ``Config.prices`` overrides prices.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

# When a model is not in the table: OpenAI's current tokenizer, no known limit.
FALLBACK_ENCODING = "o200k_base"
DEFAULT_MIN_EXAMPLES = 10  # OpenAI's documented minimum; used when a provider states none here


@dataclass(frozen=True)
class ModelInfo:
    requested: str  # as the user wrote it
    name: str  # canonical table name (= requested when unknown)
    known: bool
    provider: str
    encoding: str
    factor: float  # 1.0 for exact counts
    estimated: bool
    basis: str  # how an estimate is made ("" when exact)
    training_context: int | None  # per-example limit; None: unknown
    min_examples: int
    min_examples_stated: bool  # False: DEFAULT_MIN_EXAMPLES stands in
    source: str
    date: str

    def scale(self, n: int) -> int:
        """A count in the model's tokens: exact, or the estimate (rounded up)."""
        return n if self.factor == 1.0 else math.ceil(n * self.factor - 1e-9)

    @property
    def label(self) -> str:
        return self.name if self.name == self.requested else f"{self.requested} ({self.name})"


@dataclass(frozen=True)
class Price:
    training_per_1m: float
    source: str
    date: str
    overridden: bool = False


@lru_cache(maxsize=None)
def _table(name: str) -> dict[str, Any]:
    return json.loads(resources.files("ftlsp").joinpath("data", name).read_text(encoding="utf-8"))


def models_table() -> dict[str, dict]:
    return _table("models.json")["models"]


def prices_table() -> dict[str, dict]:
    return _table("prices.json")["prices"]


def normalize(name: str) -> str:
    """Strip what is not the base model: ft:BASE:org:suffix:id, models/..., publishers/google/models/..."""
    n = name.strip().lower()
    if n.startswith("ft:"):
        n = n[3:].split(":", 1)[0]
    for prefix in ("publishers/google/models/", "models/", "tunedmodels/"):
        if n.startswith(prefix):
            n = n[len(prefix):]
    return n


@lru_cache(maxsize=None)
def _names() -> dict[str, str]:
    """Every spelling (canonical or alias, lower case) -> canonical name."""
    out: dict[str, str] = {}
    for canon, entry in models_table().items():
        out[canon.lower()] = canon
        for a in entry.get("aliases", ()):
            out[a.lower()] = canon
    return out


def canonical(name: str) -> str | None:
    n = normalize(name)
    names = _names()
    if n in names:
        return names[n]
    # Longest known spelling that prefixes the name: gpt-4o-mini-2024-07-18-custom, gemini-2.5-flash-001.
    best = max((k for k in names if n.startswith(k) and n[len(k):len(k) + 1] in ("-", "@", ":", "_", ".", "")),
               key=len, default=None)
    return names[best] if best else None


@lru_cache(maxsize=256)
def model_info(name: str) -> ModelInfo:
    canon = canonical(name)
    if canon is None:
        return ModelInfo(name, name, False, "unknown", FALLBACK_ENCODING, 1.0, True,
                         f"unknown model: counted with {FALLBACK_ENCODING}", None, DEFAULT_MIN_EXAMPLES, False, "", "")
    e = models_table()[canon]
    est = e.get("estimate")
    min_ex = e.get("min_examples")
    if est:
        enc, factor, basis = est["encoding"], float(est["factor"]), est["basis"]
    else:
        enc, factor, basis = e["encoding"], 1.0, ""
    return ModelInfo(name, canon, True, e.get("provider", ""), enc, factor, bool(est), basis,
                     e.get("training_context"), int(min_ex or DEFAULT_MIN_EXAMPLES), min_ex is not None,
                     e.get("source", ""), e.get("date", ""))


def price_for(name: str, overrides: Mapping[str, Any] | None = None) -> Price | None:
    """Training price of a model; config overrides (by any spelling of the model) win."""
    canon = canonical(name)
    for key, value in (overrides or {}).items():
        if normalize(key) == normalize(name) or (canon is not None and canonical(key) == canon):
            return _override(key, value)
    entry = prices_table().get(canon) if canon else None
    if entry is None:
        return None
    return Price(float(entry["training_per_1m"]), entry.get("source", ""), entry.get("date", ""))


def _override(key: str, value: Any) -> Price:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Price(float(value), "config", "", True)
    if isinstance(value, Mapping) and isinstance(value.get("training_per_1m", value.get("training-per-1m")), (int, float)):
        v = value.get("training_per_1m", value.get("training-per-1m"))
        return Price(float(v), str(value.get("source", "config")), str(value.get("date", "")), True)
    raise ValueError(f"prices.{key}: give a number (USD per 1M training tokens) or "
                     f"{{training_per_1m = N, source = \"...\", date = \"...\"}}, got {value!r}")
