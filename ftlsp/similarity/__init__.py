"""Shared machinery of the duplicate (FT3xx) and label-consistency (FT4xx) rules.

- ``texts``: what is compared (input / output / example / prompt / whole), normalisation,
  classification-like label detection.
- ``minhash``: numpy MinHash signatures + LSH banding, candidate pairs without an all-pairs loop.
- ``lexical``: near-duplicate pairs (MinHash candidates scored with rapidfuzz, 0-1 similarity).
- ``contrast``: negations and numbers/formulas two similar texts must share to be rewordings (FT305).
- ``collect``: the DatasetRule base that gathers compared texts and turns pairs into findings.
"""
