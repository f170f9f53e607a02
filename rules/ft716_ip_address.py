from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin, where
from ftlsp.rule import ExampleRule, Severity

ALL_ROLES = ("system", "user", "assistant", "tool", "other")


class IpAddress(ScanRuleMixin, ExampleRule):
    """A public IP address (IPv4 or IPv6) in the data.

    What: an address that routes on the internet. Private (10/8,
    192.168/16, 172.16/12), loopback, link-local, multicast and documentation
    ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32) are not
    reported, nor version numbers written "version 1.2.3.4".

    Why: a public address can identify a person or expose infrastructure.
    Use documentation addresses in examples.

    Options: ``allow`` (substrings, e.g. "8.8.8.8" for public resolvers), ``roles``.

    Bad:
        {"messages": [{"role": "user", "content": "My server is 81.2.69.160"}, {"role": "assistant", "content": "Thanks."}]}

    Good:
        {"messages": [{"role": "user", "content": "My server is 203.0.113.7"}, {"role": "assistant", "content": "Thanks."}]}
    """

    code = "FT716"
    name = "ip-address"
    summary = "Text contains a public IP address"
    default_severity = Severity.INFO
    kind = "ip"

    @dataclass(frozen=True)
    class Options:
        roles: tuple = ALL_ROLES
        allow: tuple = ()

    def message(self, h, t):
        return (f"public {h.detail} {h.shown} in {where(t)}: may identify a person or a host; use a "
                f"documentation address (192.0.2.x, 203.0.113.x, 2001:db8::)")
