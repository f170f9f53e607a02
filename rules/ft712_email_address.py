from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content import pii
from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class EmailAddress(ScanRuleMixin, ExampleRule):
    """An e-mail address in the data: personal data that the fine-tuned model can memorise.

    What: an address like ``jane.doe@gmail.com`` in any text of a record.
    Documentation domains (example.com/org/net, .example, .test, .invalid,
    .localhost) are never reported; ``allow`` adds more (a company's public
    support address, its own domain). Messages show the address masked.

    Why: fine-tuning data is baked into a model artefact that cannot be
    recalled; a model that saw an address can reproduce it. Replace real
    addresses with placeholders from a documentation domain.

    Options: ``allow`` (case-insensitive substrings of the address, e.g.
    "@mycompany.com"), ``roles`` (default all).

    Bad:
        {"messages": [{"role": "user", "content": "Reach me at jane.doe@gmail.com"}, {"role": "assistant", "content": "Noted."}]}

    Good:
        {"messages": [{"role": "user", "content": "Reach me at jane.doe@example.com"}, {"role": "assistant", "content": "Noted."}]}
    """

    code = "FT712"
    name = "email-address"
    summary = "Text contains an e-mail address (personal data)"
    default_severity = Severity.WARNING
    kind = "email"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()

    def keep(self, h, t):
        return not pii.email_domain_safe(h.value) and super().keep(h, t)

    def message(self, h, t):
        return (f"e-mail address {h.shown} in {where(t)}: personal data can be memorised by the model; "
                f"replace it (e.g. with an @example.com address) or allow-list it")
