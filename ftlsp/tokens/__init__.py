"""Tokens, context limits and training cost, exact and offline.

- ``encodings``: tiktoken o200k_base / cl100k_base built from bundled files (never downloads).
- ``models``: model -> encoding (or labelled estimate), training context limit, price (data/*.json).
- ``count``: tokens per example (OpenAI chat formula), trained tokens, shared cache by content hash.
- ``cost``: statistics, epochs (OpenAI auto mode), billed tokens and USD.
- ``cli``: ``ftlint stats``.
"""
