from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import content_clean, output_texts, short
from ftlsp.content.truncation import truncation
from ftlsp.rule import ExampleRule, Finding, Severity


class TruncatedOutput(ExampleRule):
    """A trained answer looks cut off: unbalanced JSON, an unclosed code fence, a sentence that stops mid-way.

    What: an output that starts as JSON but ends with brackets open or inside a
    string; an odd number of ``` fences; prose that ends with a comma, an
    opening bracket or quote, or a function word ("the", "and", "de", "und");
    or prose of at least ``min_words`` words, with complete sentences before,
    whose last sentence (6+ words) stops on a lowercase letter. Headings,
    tables, list items, links and code lines may end without punctuation.

    Why: generated answers hit the generator's max_tokens and were saved as
    they were; the fine-tuned model learns to stop mid-thought.

    Options: ``min_words`` (default 20) for the mid-sentence test.

    Bad:
        {"messages": [{"role": "user", "content": "Explain photosynthesis."}, {"role": "assistant", "content": "Plants turn light into sugar, and they release oxygen as a by-product of the"}]}

    Good:
        {"messages": [{"role": "user", "content": "Explain photosynthesis."}, {"role": "assistant", "content": "Plants turn light into sugar, and they release oxygen as a by-product."}]}
    """

    code = "FT709"
    name = "truncated-output"
    summary = "Trained answer looks cut off (unbalanced JSON, unclosed fence, ends mid-sentence)"
    default_severity = Severity.WARNING
    clean_check = content_clean  # the content rules' shared gate: skipped on clean records

    @dataclass(frozen=True)
    class Options:
        min_words: int = 20

    def check(self, ex, ctx):
        for ptr, text in output_texts(ex):
            why = truncation(text, self.options.min_words)
            if why:
                end = text.rstrip()[-40:]
                yield Finding(f"output looks truncated: {why} (…{short(end, 40)!r}); complete or drop the answer",
                              ptr, data={"reason": why})
