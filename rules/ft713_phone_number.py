from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class PhoneNumber(ScanRuleMixin, ExampleRule):
    """A phone number in the data: personal data that the fine-tuned model can memorise.

    What: international numbers (``+44 20 7946 0958``), North American
    numbers (``(212) 867-5309``, ``415-867-5309``) and European national
    formats (``06 12 34 56 78``, ``020 7946 0958``): 8 to 15 digits in a
    phone-like grouping. North American numbers must be valid (area code and
    exchange do not start with 0 or 1); the fictional 555 exchange is never
    reported. Plain digit runs, years and dates are not phone numbers.

    Why: see FT712; a model that saw a number can reproduce it.

    Options: ``allow`` (substrings of the number as written, e.g. a public
    hotline), ``roles`` (default all).

    Bad:
        {"messages": [{"role": "user", "content": "Call me on +44 20 7946 0958"}, {"role": "assistant", "content": "Will do."}]}

    Good:
        {"messages": [{"role": "user", "content": "Call me on 555-0100"}, {"role": "assistant", "content": "Will do."}]}
    """

    code = "FT713"
    name = "phone-number"
    summary = "Text contains a phone number (personal data)"
    default_severity = Severity.WARNING
    kind = "phone"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()

    def message(self, h, t):
        return f"phone number {h.shown} in {where(t)}: personal data can be memorised by the model; replace it"
