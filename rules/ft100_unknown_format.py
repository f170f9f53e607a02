from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class UnknownFormat(FormatRule):
    """A record in no fine-tuning format that ftlint knows.

    What: the record has none of the keys that identify a dialect
    (``messages``, ``contents``, ``prompt``/``completion``, ``instruction``/``output``,
    ``conversations``, ``chosen``/``rejected``, ``text``...), and the file's other
    records do not say which format is meant either. Set ``dialect`` in the
    config (or ``--dialect``) if the format is known but unusual.

    Why: no provider or trainer can read it: OpenAI rejects the upload, TRL and
    Axolotl fail to find the columns they need.

    Bad:
        {"question": "What is 2+2?", "answer": "4"}

    Good:
        {"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}]}
    """

    code = "FT100"
    name = "unknown-format"
    summary = "Record matches no known fine-tuning format"
    default_severity = Severity.ERROR
