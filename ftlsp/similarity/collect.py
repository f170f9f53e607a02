"""The base of the FT3xx/FT4xx rules: gather the compared texts, turn pairs into findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ftlsp.rule import DatasetRule, Example, Finding, Related
from ftlsp.similarity.texts import COMPARE, Parts, parts, short

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context

_PARTS_KEY = "ftlsp.similarity.parts"
_PARTS_MAX = 400_000


def check_compare(code: str, value: str) -> None:
    if value not in COMPARE:
        raise ValueError(f"{code}: option 'compare' must be one of {', '.join(COMPARE)}, got {value!r}")


class Gathered(DatasetRule):
    """Collects (example, Parts) for every record; subclasses implement ``finish``."""

    def start(self, ctx: "Context") -> None:
        self.items: list[tuple[Example, Parts]] = []
        # Parts by record content: shared by every similarity rule of the run (and editor passes)
        self._parts_cache: dict = ctx.service(_PARTS_KEY, dict)
        if len(self._parts_cache) > _PARTS_MAX:
            self._parts_cache.clear()

    def add(self, ex: Example) -> None:
        key = (ex.content_hash, ex.dialect)
        p = self._parts_cache.get(key)
        if p is None:
            p = self._parts_cache[key] = parts(ex.data, ex.dialect)
        self.items.append((ex, p))

    def finish(self, ctx: "Context") -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


def target_of(compare: str, p: Parts) -> tuple[str, str]:
    """(pointer, target) where a finding about ``compare`` is underlined."""
    ptr = p.pointer(compare)
    return (ptr, "value") if ptr else ("", "record")


def duplicate_finding(ex: Example, first: Example, p: Parts, compare: str, message: str, score: float,
                      group_size: int, extra_related: tuple[Related, ...] = (), **data: Any) -> Finding:
    ptr, target = target_of(compare, p)
    related = (Related(f"first occurrence (line {first.line + 1})", first.line),) + extra_related
    d = {"similarity": round(float(score), 4), "first_line": first.line + 1, "group_size": group_size,
         "compare": compare, **data}
    return Finding(message, ptr, target, example=ex, related=related, data=d)


def quote(p: Parts, compare: str) -> str:
    return short(p.get(compare))
