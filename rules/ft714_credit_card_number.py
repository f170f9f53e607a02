from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class CreditCardNumber(ScanRuleMixin, ExampleRule):
    """A payment card number: 13-19 digits with a network prefix and a valid Luhn checksum.

    What: a number written solid or in groups of four (Amex 4-6-5) whose
    prefix belongs to a card network (Visa, Mastercard, Amex, Discover, JCB,
    Diners, UnionPay) and whose Luhn check digit is right. The providers'
    published test numbers (4111 1111 1111 1111, 4242 4242 4242 4242, ...)
    are not reported. Messages show only the last four digits.

    Why: card numbers in training data are a compliance incident (PCI DSS)
    and can be reproduced by the model.

    Options: ``allow`` (substrings of the number as written), ``roles``.

    Bad:
        {"prompt": "Pay with", "completion": "card 4539 1488 0343 6467"}

    Good:
        {"prompt": "Pay with", "completion": "card 4111 1111 1111 1111"}
    """

    code = "FT714"
    name = "credit-card-number"
    summary = "Text contains a payment card number (Luhn-valid)"
    default_severity = Severity.ERROR
    kind = "card"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()

    def message(self, h, t):
        return (f"{h.detail} card number {h.shown} in {where(t)} (Luhn-valid): remove it; card numbers must "
                f"not be in training data")
