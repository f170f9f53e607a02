"""The ``ftlsp`` language server: the one engine (``ftlsp.engine.Linter``) behind LSP.

Modules: ``textdoc`` (editor text, UTF-16 positions, incremental re-parse),
``convert`` (Diagnostic -> LSP types), ``settings`` (config per file),
``passes`` (fast per-record pass, background slow pass), ``actions`` (code
actions, "ignore for this file"), ``features`` (hover, inlay hints, code lens),
``server`` (wiring).
"""
