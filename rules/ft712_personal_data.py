from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content import pii
from ftlsp.content.record import content_clean, hit_findings, scan_of, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")
KINDS = ("email", "phone", "card", "iban", "ip")


class PersonalData(ExampleRule):
    """Personal data in the text: e-mail addresses, phone numbers, card numbers, IBANs, public IP addresses.

    What, each at its exact range and shown masked (``j***@gmail.com``,
    ``**** **** **** 6467``, ``DE** **** 3000``, ``81.2.x.x``):

    - e-mail addresses; documentation domains (example.com/org/net, .example,
      .test, .invalid, .localhost) are never reported;
    - phone numbers: international (``+44 20 7946 0958``), North American
      (``(212) 867-5309``: valid area code and exchange, the fictional 555
      exchange excluded) and European national formats (``06 12 34 56 78``);
    - payment card numbers: a network prefix, 13-19 digits solid or in groups
      of four, and a valid Luhn check digit; providers' test numbers
      (4242 4242 4242 4242, ...) are not reported (severity error);
    - IBANs with the registered length of their country and a valid mod-97
      checksum (severity error);
    - public IPv4/IPv6 addresses: private, loopback, link-local, multicast
      and documentation ranges are not reported, nor "version 1.2.3.4".

    Why: fine-tuning data is baked into a model artefact that cannot be
    recalled; a model that saw an address, number or account can reproduce it.
    Replace real values with placeholders from documentation ranges.

    Options: ``kinds`` (default all of email, phone, card, iban, ip),
    ``allow`` (case-insensitive substrings of values to accept, e.g.
    "@mycompany.com" or a public hotline), ``roles`` (default all),
    ``error_kinds`` (kinds reported as errors, default card and iban).

    Bad:
        {"messages": [{"role": "user", "content": "Reach me at jane.doe@gmail.com or +44 20 7946 0958"}, {"role": "assistant", "content": "Noted."}]}

    Good:
        {"messages": [{"role": "user", "content": "Reach me at jane.doe@example.com or 555-0100"}, {"role": "assistant", "content": "Noted."}]}
    """

    code = "FT712"
    clean_check = content_clean  # the content rules' shared gate: skipped on clean records
    name = "personal-data"
    summary = "Text contains personal data (e-mail, phone, card number, IBAN, public IP address)"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        kinds: tuple = KINDS
        roles: tuple = ALL_ROLES
        allow: tuple = ()
        error_kinds: tuple = ("card", "iban")

        def __post_init__(self):
            for k in (*self.kinds, *self.error_kinds):
                if k not in KINDS:
                    raise ValueError(f"FT712: unknown kind {k!r} (kinds: {', '.join(KINDS)})")

    def check(self, ex, ctx):
        rs = scan_of(ex)
        if not rs.hits:
            return ()
        o = self.options
        allow = [a.lower() for a in o.allow]
        out = []
        for kind in o.kinds:
            if not any(h.kind == kind for h in rs.hits):
                continue
            sev = Severity.ERROR if kind in o.error_kinds else None

            def keep(h, t, kind=kind):
                if kind == "email" and pii.email_domain_safe(h.value):
                    return False
                v = h.value.lower()
                return not any(a in v for a in allow)

            for f in hit_findings(ex, kind, _MESSAGES[kind], o.roles, keep):
                out.append(f if sev is None else _with_severity(f, sev))
        return out


def _with_severity(f, sev):
    from dataclasses import replace

    return replace(f, severity=sev)


_MESSAGES = {
    "email": lambda h, t: (f"e-mail address {h.shown} in {where(t)}: personal data can be memorised by the model; "
                           f"replace it (e.g. with an @example.com address) or allow-list it"),
    "phone": lambda h, t: f"phone number {h.shown} in {where(t)}: personal data can be memorised by the model; replace it",
    "card": lambda h, t: (f"{h.detail} card number {h.shown} in {where(t)} (Luhn-valid): remove it; card numbers "
                          f"must not be in training data"),
    "iban": lambda h, t: f"IBAN {h.shown} in {where(t)} (checksum valid): bank details are personal data; remove them",
    "ip": lambda h, t: (f"public {h.detail} {h.shown} in {where(t)}: may identify a person or a host; use a "
                        f"documentation address (192.0.2.x, 203.0.113.x, 2001:db8::)"),
}
