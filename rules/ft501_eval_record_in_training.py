from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ftlsp.contamination import check as C
from ftlsp.rule import CollectingRule, Severity


class EvalRecordInTraining(CollectingRule):
    """A training record whose input, output or whole record equals an eval record.

    What: compares each training record with every record of the eval files
    (``--eval``, ``eval = [...]``) and of the benchmarks in ``benchmarks =
    [...]``: the whole record (key order and spacing ignored), the input (the
    user turns, ``prompt``, ``instruction`` + ``input``), exactly and after
    normalising case, Unicode width, spaces and punctuation, and the output
    when it is long (at least ``min-output-words`` words) and not a label
    shared by several inputs. The finding sits on the training record and its
    related location opens the eval record. Linting the eval file shows the
    same pairs from the other side: which eval records are in training.

    Why: an eval set that leaks into training measures memorisation, not
    generalisation, and inflates every score reported on it. Four of the real
    projects this linter is tested on shipped validation sets copied, wholly
    or partly, from their training sets.

    Options: ``min-output-words`` (default 8): shorter outputs are not
    compared on their own (labels such as "True" repeat legitimately);
    ``max-output-repeats`` (default 2): an output shared by more distinct
    inputs than this is a template or label, not a leaked answer.

    Bad:
        {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Canberra"}]}
        {"messages": [{"role": "user", "content": "Name a prime number above 10."}, {"role": "assistant", "content": "11"}]}

    Good:
        {"messages": [{"role": "user", "content": "What is the capital of Austria?"}, {"role": "assistant", "content": "Vienna"}]}
        {"messages": [{"role": "user", "content": "Name a prime number above 10."}, {"role": "assistant", "content": "13"}]}

    Eval:
        {"messages": [{"role": "user", "content": "what is the capital of  Australia"}, {"role": "assistant", "content": "Canberra"}]}
        {"messages": [{"role": "user", "content": "Name an even number."}, {"role": "assistant", "content": "4"}]}
    """

    code = "FT501"
    name = "eval-record-in-training"
    summary = "Training record equals an eval or benchmark record (exact or normalised)"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        min_output_words: int = 8
        max_output_repeats: int = 2

    doc_config: ClassVar[dict] = {}

    def report(self, examples, ctx):
        a = C.collect(self, ctx, examples)
        if a is None:
            return
        o = self.options
        for m in a.exact(o.min_output_words, o.max_output_repeats):
            yield C.finding(a, m, _template(a, m))


def _template(a, m) -> str:
    how = "identical to" if m.method == "exact" else "the same (ignoring case, spaces, punctuation) as"
    what = {"record": "whole record is", "input": "input {quote} is", "output": "output {quote} is"}[m.side]
    if a.is_eval:
        what = {"record": "this eval record is", "input": "this eval input {quote} is",
                "output": "this eval output {quote} is"}[m.side]
    return f"{what} {how} {{kind}} {{where}}{{more}}" + C.different_output(a, m).replace("{", "{{").replace("}", "}}")
