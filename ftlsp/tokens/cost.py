"""Token statistics, epochs and training cost of a file.

Epochs follow OpenAI's auto mode as the cookbook's data-prep notebook models it:
target 3 epochs, then keep examples x epochs within 100..25,000 and epochs
within 1..25. Billed tokens: each example's tokens capped at the model's
training context, summed, times epochs.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from ftlsp.tokens.count import ExampleTokens
from ftlsp.tokens.models import ModelInfo, Price, price_for

TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25


def auto_epochs(n_examples: int) -> int:
    if n_examples <= 0:
        return TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    if n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return TARGET_EPOCHS


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    n = len(sorted_values)
    if n == 0:
        return 0.0
    pos = (n - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, n - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def limit_of(info: ModelInfo, override: int | None = None) -> int | None:
    return override or info.training_context


def token_summary(ets: Sequence[ExampleTokens], info: ModelInfo, limit: int | None = None) -> dict[str, Any]:
    """files[].tokens: distribution of tokens per example."""
    totals = sorted(e.total for e in ets)
    n = len(totals)
    out: dict[str, Any] = {
        "model": info.name, "encoding": info.encoding, "estimated": info.estimated, "examples": n,
        "total": sum(totals), "trained": sum(e.trained for e in ets),
        "min": totals[0] if n else 0, "max": totals[-1] if n else 0,
        "mean": round(sum(totals) / n, 2) if n else 0.0,
        "median": _num(quantile(totals, 0.5)), "p5": _num(quantile(totals, 0.05)),
        "p95": _num(quantile(totals, 0.95)),
        "limit": limit, "over_limit": sum(t > limit for t in totals) if limit else 0,
        "zero_trained": sum(e.trained == 0 for e in ets),
    }
    if info.estimated:
        out["estimate_factor"] = info.factor
        out["estimate_basis"] = info.basis
    return out


def cost_estimate(ets: Sequence[ExampleTokens], info: ModelInfo, *, epochs: int | None = None,
                  limit: int | None = None, prices: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """files[].cost: what a training run on this file would bill."""
    n = len(ets)
    n_epochs = epochs if epochs else auto_epochs(n)
    per_epoch = sum(min(e.total, limit) if limit else e.total for e in ets)
    billed = per_epoch * n_epochs
    price: Price | None = price_for(info.requested, prices)
    out: dict[str, Any] = {
        "model": info.name, "examples": n, "epochs": n_epochs, "epochs_source": "config" if epochs else "auto",
        "billed_tokens_per_epoch": per_epoch, "billed_tokens": billed,
        "usd": round(billed * price.training_per_1m / 1e6, 6) if price else None,
        "price_per_1m": price.training_per_1m if price else None,
        "price_source": price.source if price else None, "price_date": price.date if price else None,
        "estimated": info.estimated,
    }
    if price is None:
        out["note"] = f"no training price known for {info.name}: set [tool.ftlint.prices] \"{info.requested}\" = USD per 1M tokens"
    return out


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


# -- text rendering ------------------------------------------------------------------------------

def fmt_int(n: int | float) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


def tokens_line(t: Mapping[str, Any]) -> list[str]:
    est = " (estimated)" if t.get("estimated") else ""
    enc = t["encoding"] + (f" x {t['estimate_factor']:g}" if t.get("estimate_factor") else "")
    s = (f"tokens{est} [{t['model']}, {enc}]: {t['examples']:,} examples, {fmt_int(t['total'])} total, "
         f"{fmt_int(t['trained'])} trained; per example min {fmt_int(t['min'])} / median {fmt_int(t['median'])} / "
         f"mean {fmt_int(t['mean'])} / p95 {fmt_int(t['p95'])} / max {fmt_int(t['max'])}")
    if t.get("limit"):
        s += f"; {t['over_limit']:,} over the {t['limit']:,}-token limit"
    return [s]


def cost_line(c: Mapping[str, Any]) -> list[str]:
    est = " (estimated tokens)" if c.get("estimated") else ""
    usd = f"${c['usd']:,.2f}" if c.get("usd") is not None else "price unknown"
    if c.get("usd") is not None and 0 < c["usd"] < 0.01:
        usd = f"${c['usd']:.4f}"
    s = (f"cost{est}: {usd} for {c['epochs']} epoch{'s' if c['epochs'] != 1 else ''} ({c['epochs_source']}) x "
         f"{fmt_int(c['billed_tokens_per_epoch'])} tokens = {fmt_int(c['billed_tokens'])} billed tokens")
    if c.get("price_per_1m") is not None:
        s += f" at ${c['price_per_1m']:g}/1M ({c.get('price_source') or 'config'}"
        s += f", {c['price_date']})" if c.get("price_date") else ")"
    return [s]


def histogram(values: Sequence[int], width: int = 40, limit: int | None = None) -> list[str]:
    """Example lengths in power-of-two bins, as terminal bars."""
    if not values:
        return []
    bins: dict[int, int] = {}
    for v in values:
        b = max(0, int(v).bit_length() - 1)  # [2^b, 2^(b+1))
        bins[b] = bins.get(b, 0) + 1
    lo, hi = min(bins), max(bins)
    peak = max(bins.values())
    lines = []
    for b in range(lo, hi + 1):
        c = bins.get(b, 0)
        a, z = (0 if b == 0 else 1 << b), (1 << (b + 1)) - 1
        bar = "█" * (round(c / peak * width) if c else 0) or ("▏" if c else "")
        mark = "  <- limit" if limit and a <= limit <= z else ""
        lines.append(f"{a:>8,}-{z:<8,} {bar:<{width}} {c:,}{mark}")
    return lines
