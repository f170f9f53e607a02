"""Validators and masking for personal data and secrets.

A regex finds candidates; these functions decide whether a candidate is real
(checksums, reserved ranges) and how to show it without leaking it.
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter

# IBAN length per country (ISO 13616 registry); a candidate of another length is not an IBAN.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
    "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

# Card numbers published as test numbers by payment providers: not personal data.
TEST_CARDS = frozenset({
    "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556", "5555555555554444",
    "5105105105105100", "5200828282828210", "2223003122003222", "378282246310005", "371449635398431",
    "378734493671000", "6011111111111117", "6011000990139424", "3056930009020004", "3566002020360505",
    "30569309025904", "38520000023237", "6200000000000005",
})

# Documentation / placeholder e-mail domains (RFC 2606 and common stand-ins).
SAFE_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "example.edu", "example", "test", "invalid",
                      "localhost", "local", "yourdomain.com", "yourcompany.com", "domain.com", "email.example")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The card network a number's prefix and length belong to, or None."""
    n = len(digits)
    p2, p4 = int(digits[:2]), int(digits[:4])
    if digits[0] == "4" and n in (13, 16, 19):
        return "Visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "Mastercard"
    if p2 in (34, 37) and n == 15:
        return "American Express"
    if (digits.startswith("6011") or digits.startswith("65") or 644 <= int(digits[:3]) <= 649) and n in (16, 19):
        return "Discover"
    if 3528 <= p4 <= 3589 and n in (16, 19):
        return "JCB"
    if (p2 in (36, 38, 39) or 300 <= int(digits[:3]) <= 305) and n == 14:
        return "Diners Club"
    if digits.startswith("62") and 16 <= n <= 19:
        return "UnionPay"
    return None


def iban_ok(compact: str) -> bool:
    """ISO 13616: known country length and mod-97 remainder 1."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    s = compact[4:] + compact[:4]
    try:
        num = int("".join(str(int(ch, 36)) for ch in s))
    except ValueError:
        return False
    return num % 97 == 1


# Public DNS resolvers: infrastructure everyone quotes, not anybody's address.
PUBLIC_RESOLVERS = frozenset({"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
                              "208.67.222.222", "208.67.220.220", "2001:4860:4860::8888", "2001:4860:4860::8844",
                              "2606:4700:4700::1111", "2606:4700:4700::1001"})


def ip_global(text: str) -> bool:
    """A public address: private, loopback, link-local, documentation ranges and public resolvers are not
    personal data."""
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast and str(ip) not in PUBLIC_RESOLVERS


def entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(s)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def char_classes(s: str) -> int:
    return (any(c.islower() for c in s) + any(c.isupper() for c in s) + any(c.isdigit() for c in s))


def email_domain_safe(email: str, extra: tuple[str, ...] = ()) -> bool:
    domain = email.rsplit("@", 1)[-1].lower().rstrip(".")
    for d in (*SAFE_EMAIL_DOMAINS, *extra):
        d = d.lower().lstrip("@.")
        if domain == d or domain.endswith("." + d):
            return True
    return False


# -- masking: findings never carry the full value -----------------------------------------------

def mask_secret(value: str, prefix: str = "") -> str:
    """``sk-...a1b2``: the well-known prefix and the last 4 characters at most, never more than ~1/5."""
    tail = 4 if len(value) >= 20 else 2 if len(value) >= 10 else 0
    return f"{prefix}...{value[-tail:] if tail else ''}"


def mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_digits(value: str, keep: int = 4) -> str:
    """Every digit but the last ``keep`` replaced by ``*``, separators kept."""
    total = sum(c.isdigit() for c in value)
    out, seen = [], 0
    for c in value:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - keep else "*")
        else:
            out.append(c)
    return "".join(out)


def mask_iban(compact: str) -> str:
    return f"{compact[:2]}** **** {compact[-4:]}"


def mask_ip(value: str) -> str:
    if ":" in value:
        parts = value.split(":")
        return ":".join(parts[:2]) + ":..."
    a, b, _, _ = (value.split(".") + ["", "", "", ""])[:4]
    return f"{a}.{b}.x.x"
