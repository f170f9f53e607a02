from __future__ import annotations

from dataclasses import dataclass

from ftlsp.contamination import check as C
from ftlsp.contamination.ngram import NgramParams
from ftlsp.rule import CollectingRule, Severity


class EvalNgramOverlap(CollectingRule):
    """A training input that contains most of an eval record's word n-grams.

    What: the n-gram test of GPT-3 and NeMo Curator, scored instead of
    all-or-nothing. Each eval input (eval files and benchmarks) is cut into
    word 13-grams after normalising case and punctuation; an eval input shorter
    than 13 words counts as one n-gram of its own length, so a short benchmark
    question copied into a longer prompt is found too; it must then fill a
    whole sentence or line of the training text ("Are vampires real?" in
    "Q: Are vampires real?\\nA: ..."), not a fragment of one. A training input is
    reported when it holds at least ``min-coverage`` of an eval input's
    n-grams, or when it shares at least one n-gram and the two texts are at
    least ``min-similarity`` alike (rapidfuzz ratio: edited copies with names
    or numbers changed). Pairs the exact rule FT501 reports are skipped.

    Frequent n-grams are discounted: one found in more than
    ``max(ref-df-min, ref-df-frac x items)`` distinct eval inputs, or in more
    than ``max(train-df-min, train-df-frac x records)`` distinct training
    inputs, is a template, shared instruction or boilerplate quote and counts
    neither for nor against a pair (marin-community/marin #7126).

    Why: copies are rarely byte-identical: a benchmark question pasted into a
    prompt template, reformatted, or with a name changed still teaches the
    model the answer it will be graded on.

    Two more filters keep templated data quiet: an eval input that FT501
    already found copied verbatim is not reported again through its near
    copies, and an eval input that partly matches more than ``max-partial``
    distinct training inputs is one of a family of slot-filled variants
    ("students in 2019 in programme X"), not a copy; full containment is
    still reported.

    Options: ``n`` (13), ``min-tokens`` (3: shorter eval inputs are left to
    FT501), ``min-coverage`` (0.5), ``min-similarity`` (0.9; 1.0 turns the
    edited-copy check off), ``max-partial`` (3), ``ref-df-min`` (5),
    ``ref-df-frac`` (0.01), ``train-df-min`` (50), ``train-df-frac`` (0.01).

    Bad:
        {"prompt": "Q: Which planet in our solar system has the most confirmed moons orbiting it today?\\nA:", "completion": " Saturn"}
        {"prompt": "Q: How many legs does a spider have?\\nA:", "completion": " Eight"}

    Good:
        {"prompt": "Q: Which planet in our solar system is the hottest?\\nA:", "completion": " Venus"}
        {"prompt": "Q: How many legs does a spider have?\\nA:", "completion": " Eight"}

    Eval:
        {"messages": [{"role": "user", "content": "Which planet in our solar system has the most confirmed moons orbiting it today?"}, {"role": "assistant", "content": "Saturn"}]}
    """

    code = "FT502"
    name = "eval-ngram-overlap"
    summary = "Training input shares most of an eval record's word n-grams"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        n: int = 13
        min_tokens: int = 3
        min_coverage: float = 0.5
        min_similarity: float = 0.9
        max_partial: int = 3
        ref_df_min: int = 5
        ref_df_frac: float = 0.01
        train_df_min: int = 50
        train_df_frac: float = 0.01

    def report(self, examples, ctx):
        a = C.collect(self, ctx, examples)
        if a is None:
            return
        o = self.options
        params = NgramParams(max(1, o.n), max(1, o.min_tokens), o.ref_df_min, o.ref_df_frac, o.train_df_min,
                             o.train_df_frac)
        for m in a.ngram_matches(params, o.min_coverage, o.min_similarity, o.max_partial):
            yield C.finding(a, m, _template(a, m))


def _template(a, m) -> str:
    x = m.extra
    if "similarity" in x:
        how = f"is {x['similarity']:.0%} similar to"
        if a.is_eval:
            return f"this eval input {{quote}} {how} {{kind}} {{where}}{{more}}"
        return f"input {{quote}} {how} {{kind}} {{where}}{{more}}"
    share = f"{x['coverage']:.0%} of the {x['n']}-grams ({x['shared_ngrams']}/{x['eval_ngrams']})"
    if a.is_eval:
        return f"{share} of this eval input {{quote}} appear in {{kind}} {{where}}{{more}}"
    return f"input {{quote}} contains {share} of {{kind}} {{where}}{{more}}"
