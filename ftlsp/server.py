"""``ftlsp``: the language server (minimal; see ftlsp.lsp for the full server when present)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from ftlsp.lsp.server import main as real_main

    return real_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
