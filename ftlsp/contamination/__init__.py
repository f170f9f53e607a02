"""Train/eval contamination (FT5xx): reference sets, exact, n-gram and semantic overlap.

- ``refsets``: eval files and external benchmarks as comparable items (streamed, cached).
- ``text``: normalisation, stable token hashes and vectorised n-gram hashes.
- ``ngram``: the hashed n-gram index with frequent-n-gram discount.
- ``check``: the shared matcher the FT5xx rules read their findings from.
"""
