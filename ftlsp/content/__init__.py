"""Content checks (rules FT7xx): what the texts of a record say, not how the record is shaped.

- ``scan``: one pass over every text of a record finding placeholders, refusal
  boilerplate, mojibake, replacement characters, personal data and secrets;
  the result is shared by all rules that read it (one scan per record).
- ``pii``: validators (Luhn, IBAN mod-97, global IPs, entropy) and masking.
- ``shape``: the shape of an output (JSON object with keys, list, fence, label, prose).
- ``schema``: JSON Schema loading and error descriptions for outputs and tool calls.
- ``length``: word and token counts.
"""
