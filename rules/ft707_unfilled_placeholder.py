from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class UnfilledPlaceholder(ScanRuleMixin, ExampleRule):
    """A template placeholder left in the text: ``[Your ...]``, ``{{var}}``, ``TODO``, Lorem ipsum.

    What: bracketed placeholders (``[Your Name]``, ``[Insert date]``,
    ``[Customer Name]``), template variables (``{{ first_name }}``), ``<insert
    ...>``, ``TODO``/``FIXME`` markers, "Lorem ipsum" filler and "INSERT ...
    HERE", anywhere in a record's texts. Matches inside markdown code (fences
    or backticks) are ignored; bracketed placeholders in an answer are ignored
    when the prompt asks for a template or placeholders.

    Why: a placeholder in a target is what the model learns to print. A
    generated dataset whose targets were never filled in (every answer "Comic
    Book Premise: [Your model will learn to generate this]") trains a model
    that answers with the placeholder.

    Options: ``roles`` (default all) limits the turns checked; ``allow`` lists
    case-insensitive substrings that are not placeholders in this dataset.

    Bad:
        {"messages": [{"role": "user", "content": "Write a premise."}, {"role": "assistant", "content": "Comic Book Premise: [Your model will learn to generate this]"}]}

    Good:
        {"messages": [{"role": "user", "content": "Write a premise."}, {"role": "assistant", "content": "Comic Book Premise: a boxer deserts in Iraq."}]}
    """

    code = "FT707"
    name = "unfilled-placeholder"
    summary = "Text contains an unfilled template placeholder ([Your ...], {{var}}, TODO, Lorem ipsum)"
    default_severity = Severity.WARNING
    kind = "placeholder"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()

    def message(self, h, t):
        tail = "the model learns to print it; fill it in or drop the example" if t.trained else \
            "fill it in or drop the example"
        return f"unfilled placeholder {h.shown!r} in {where(t)} ({h.detail}): {tail}"
