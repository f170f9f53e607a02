from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from ftlsp.content.record import features_all, short
from ftlsp.rule import CollectingRule, Finding, Related, Severity


class SystemPromptOutlier(CollectingRule):
    """One record's system prompt differs from the one nearly every other record uses (or is missing).

    What: when one system prompt text is shared by at least ``threshold`` of the
    records (and the file has at least ``min_examples``), each record with a
    different or missing system prompt is reported, with where the text first
    differs and how similar it is.

    Why: a fine-tune conditions on its system prompt; a stray variant (an edit
    applied to some records, an old version, a typo) is a prompt the model
    will rarely see at inference and usually a mistake in the export.

    Options: ``threshold`` (default 0.9), ``min_examples`` (default 20).

    Bad:
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Ahoy!"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Fair winds!"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Help"}, {"role": "assistant", "content": "Arr, what be wrong?"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Food?"}, {"role": "assistant", "content": "Hardtack!"}]}
        {"messages": [{"role": "system", "content": "You are a pirat."}, {"role": "user", "content": "Ship?"}, {"role": "assistant", "content": "The Black Pearl!"}]}

    Good:
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Ahoy!"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Fair winds!"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Help"}, {"role": "assistant", "content": "Arr, what be wrong?"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Food?"}, {"role": "assistant", "content": "Hardtack!"}]}
        {"messages": [{"role": "system", "content": "You are a pirate."}, {"role": "user", "content": "Ship?"}, {"role": "assistant", "content": "The Black Pearl!"}]}
    """

    code = "FT704"
    name = "system-prompt-outlier"
    summary = "System prompt differs from (or is missing where) nearly every other record has the same one"
    default_severity = Severity.WARNING
    doc_config = {"rules": {"FT704": {"threshold": 0.8, "min_examples": 5}}}

    @dataclass(frozen=True)
    class Options:
        threshold: float = 0.9
        min_examples: int = 20

    def report(self, examples, ctx):
        feats = features_all(examples, ctx)
        # Count first: most files have one system prompt (or none), and then nothing else is needed.
        counts = Counter(f.system for f in feats if f.first_pointer is not None)
        o = self.options
        n = sum(counts.values())
        if n < max(o.min_examples, 2):
            return
        usual, c = counts.most_common(1)[0]
        if usual is None or c / n < o.threshold or c == n:
            return
        items = [(ex, f.system, f.system_pointer or f.first_pointer)
                 for ex, f in zip(examples, feats) if f.first_pointer is not None]
        first = next(ex for ex, s, _ in items if s == usual)
        related = (Related("the usual system prompt", first.line),)
        share = f"{c} of {n} records ({100 * c / n:.0f}%)"
        for ex, s, ptr in items:
            if s == usual:
                continue
            if s is None:
                yield Finding(f"record has no system prompt; {share} use {short(usual, 50)!r}", ptr, example=ex,
                              target="key" if ptr.endswith("/content") else "value", related=related,
                              data={"similarity": 0.0})
                continue
            k = len(os.path.commonprefix([s, usual]))
            a = max(0, k - 15)
            sim = fuzz.ratio(s, usual) / 100
            yield Finding(f"system prompt differs from the one {share} use ({sim:.0%} similar): at character {k} "
                          f"it has {short(s[a:k + 25], 45)!r} where the others have {short(usual[a:k + 25], 45)!r}",
                          ptr, example=ex, related=related, data={"similarity": round(sim, 3), "at": k})
