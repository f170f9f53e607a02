from __future__ import annotations

from dataclasses import dataclass

from ftlsp import embeddings
from ftlsp.contamination import check as C
from ftlsp.rule import CollectingRule, Severity


class EvalSemanticOverlap(CollectingRule):
    """A training input that says the same as an eval input in other words.

    What: embeds every distinct input on both sides with the shared sentence
    embedding backend (all-MiniLM-L6-v2 by default, offline, cached on disk)
    and reports pairs whose cosine similarity is at least ``threshold``.
    Pairs FT501 or FT502 already report are not repeated. An eval input close
    to more than ``max-partial`` distinct training inputs is one of a family
    of templated variants and is skipped. Needs the embeddings extra
    (``pip install 'ftlsp[embeddings]'``); without it the rule says once that
    it is skipped. Sets with more than ``max-records`` distinct inputs in
    total are skipped with a notice (embedding is ~100 inputs/s on 2 cores
    the first time; later runs read the cache).

    Why: rewording a benchmark question keeps its answer; n-gram tests miss
    paraphrases entirely. Cosine thresholds do not transfer between models:
    change ``threshold`` together with ``embedding-model``.

    Options: ``threshold`` (0.9), ``max-partial`` (3), ``max-records`` (30000).

    Bad:
        {"messages": [{"role": "user", "content": "How many legs does a spider have in total?"}, {"role": "assistant", "content": "8"}]}
        {"messages": [{"role": "user", "content": "Write a haiku about the sea."}, {"role": "assistant", "content": "Waves fold into foam"}]}

    Good:
        {"messages": [{"role": "user", "content": "Write a haiku about the sea."}, {"role": "assistant", "content": "Waves fold into foam"}]}
        {"messages": [{"role": "user", "content": "Translate 'good morning' into French."}, {"role": "assistant", "content": "Bonjour"}]}

    Eval:
        {"messages": [{"role": "user", "content": "What is the total number of legs that a spider has?"}, {"role": "assistant", "content": "Eight"}]}
    """

    code = "FT503"
    name = "eval-semantic-overlap"
    summary = "Training input is a paraphrase of an eval input (embedding similarity)"
    default_severity = Severity.INFO

    @dataclass(frozen=True)
    class Options:
        threshold: float = 0.9
        max_partial: int = 3
        max_records: int = 30000

    def report(self, examples, ctx):
        a = C.collect(self, ctx, examples)
        if a is None:
            return
        backend = embeddings.backend_for(ctx)
        if backend is None:
            return
        o = self.options
        try:
            found = C.semantic_matches(a, backend, o.threshold, o.max_partial, o.max_records, a.lexical_pairs())
        except embeddings.Cancelled:
            return
        if found is None:
            ctx.notice(f"FT503 skipped: more than max-records = {o.max_records} distinct inputs to embed "
                       f"(raise [tool.ftlint.rules.FT503] max-records to run it)")
            return
        for m in found:
            yield C.finding(a, m, _template(a))


def _template(a) -> str:
    if a.is_eval:
        return "this eval input {quote} reads like {kind} {where}{more} (cosine {score})"
    return "input {quote} reads like {kind} {where}{more} (cosine {score})"
