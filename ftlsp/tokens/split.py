"""Dataset size and train/eval split facts shared by the FT6xx rules."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context

# OpenAI documents a 10-example minimum and clear gains from 50-100 examples; the seed guidance:
# below 500-1,000 good examples a fine-tune tends to underperform a prompted base model, and
# 10-20% of the data should be held out for evaluation.
GAINS_FROM = "50-100"
RECOMMENDED = "500-1,000"


def same_file(a: str, b: str) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def count_examples(path: str, ctx: "Context", current: int) -> int | None:
    """Valid examples (records that parse to objects) in ``path``; None when it cannot be read.

    The file being linted uses ``current`` (the editor's unsaved text); other files are
    read from disk once per run and version (cached in ``ctx.services``).
    """
    if same_file(path, ctx.path):
        return current
    try:
        st = os.stat(path)
    except OSError:
        return None
    cache = ctx.service("split.example_counts", dict)
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
    n = cache.get(key)
    if n is None:
        from ftlsp.engine import read_document

        try:
            doc = read_document(path)
        except OSError:
            return None
        n = cache[key] = sum(1 for r in doc.records if r.error is None and isinstance(r.data, dict))
    return n


def reports_split(ctx: "Context") -> bool:
    """Split findings go once per run: on the first training file (or on the eval file when linted alone)."""
    if ctx.is_eval:
        return not ctx.train_paths
    return not ctx.train_paths or same_file(ctx.train_paths[0], ctx.path)
