"""Content checks (rules FT7xx): what the texts of a record say, not how the record is shaped.

- ``record``: the gate every content example rule shares (``content_clean``:
  one set of cheap necessary conditions per record lets the engine skip them
  all), the per-record turn/scan caches and the per-document features the
  dataset rules read.
- ``scan``: one pass over every text of a record finding placeholders, refusal
  boilerplate, mojibake, replacement characters, personal data and secrets;
  the result is shared by all rules that read it (one scan per record); also
  the byte-level tests of the gate (``record_gate``, ``refusal_possible``).
- ``pii``: validators (Luhn, IBAN mod-97, global IPs, entropy) and masking.
- ``shape``: the shape of an output (JSON object with keys, list, fence, label, prose).
- ``schema``: JSON Schema loading and error descriptions for outputs and tool calls.
- ``length``: word and token counts.
"""
