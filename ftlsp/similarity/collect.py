"""The base of the FT3xx/FT4xx rules: gather the compared texts, turn pairs into findings."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Hashable, Iterable

from ftlsp.rule import DatasetRule, Example, Finding, Related
from ftlsp.similarity.texts import COMPARE, Parts, parts, short

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context

_PARTS_KEY = "ftlsp.similarity.parts"
_PARTS_SPARE = 20_000  # stale entries (edited records) kept beyond the file's size before pruning


def check_compare(code: str, value: str) -> None:
    if value not in COMPARE:
        raise ValueError(f"{code}: option 'compare' must be one of {', '.join(COMPARE)}, got {value!r}")


class Gathered(DatasetRule):
    """Collects (example, Parts) for every record; subclasses implement ``report``.

    The list lives only from ``start`` to the end of ``finish``: the linter keeps its rule
    objects between runs (the editor's passes), and the list would pin the previous version
    of the document in memory.
    """

    def start(self, ctx: "Context") -> None:
        self.items: list[tuple[Example, Parts]] = []
        # Parts by record content: shared by every similarity rule of the run (and editor passes)
        self._parts_cache: dict = ctx.service(_PARTS_KEY, dict)
        doc = getattr(ctx, "document", None)
        size = len(doc.records) if doc is not None else 0
        if len(self._parts_cache) > 2 * size + _PARTS_SPARE:
            # Mostly records edited away: keep the current document's entries only.
            keep = {(r.content_hash, ctx.dialect) for r in doc.records} if doc is not None else set()
            old = self._parts_cache
            fresh = {k: old[k] for k in keep if k in old}
            old.clear()
            old.update(fresh)

    def add(self, ex: Example) -> None:
        key = (ex.content_hash, ex.dialect)
        p = self._parts_cache.get(key)
        if p is None:
            p = self._parts_cache[key] = parts(ex.data, ex.dialect)
        self.items.append((ex, p))

    def finish(self, ctx: "Context") -> Iterable[Finding]:
        try:
            yield from self.report(ctx)
        finally:
            self.items = []

    def report(self, ctx: "Context") -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


def copy_groups(keys: Iterable[tuple[int, Hashable]]) -> list[list[int]]:
    """Indexes sharing a key, groups of two or more only, each in order, by first member.

    ``keys`` yields (index, key) in index order. One dict entry per distinct key; member lists
    only for repeated keys (most keys of a file are unique).
    """
    first: dict = {}
    later: dict[int, list[int]] = {}
    for n, k in keys:
        f = first.setdefault(k, n)
        if f != n:
            later.setdefault(f, []).append(n)
    return [[f, *rest] for f, rest in sorted(later.items())]


def digest(*texts: str) -> bytes:
    """16-byte blake2b of texts joined by NUL (normalised texts never contain NUL): a compact dict key."""
    return hashlib.blake2b("\x00".join(texts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


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
