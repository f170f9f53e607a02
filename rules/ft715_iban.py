from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class Iban(ScanRuleMixin, ExampleRule):
    """A bank account number (IBAN) with a valid checksum.

    What: a country code, two check digits and the account, solid or in
    groups of four, of the length registered for that country and with a
    mod-97 remainder of 1 (ISO 13616). Messages show only the country and the
    last four characters.

    Why: bank details are personal data the fine-tuned model can memorise.

    Options: ``allow`` (substrings of the IBAN as written), ``roles``.

    Bad:
        {"prompt": "Transfer to", "completion": "DE89 3704 0044 0532 0130 00"}

    Good:
        {"prompt": "Transfer to", "completion": "the account on file"}
    """

    code = "FT715"
    name = "iban"
    summary = "Text contains an IBAN (bank account number, mod-97 valid)"
    default_severity = Severity.ERROR
    kind = "iban"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()

    def message(self, h, t):
        return f"IBAN {h.shown} in {where(t)} (checksum valid): bank details are personal data; remove them"
