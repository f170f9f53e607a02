from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class InvalidWeight(FormatRule):
    """A ``weight`` that is not 0 or 1, or sits on a non-assistant message.

    What: OpenAI and Mistral accept ``"weight": 0`` or ``1`` on assistant
    messages only (0: do not train on this turn). ``0.5``, ``true``, ``"1"``,
    or a weight on a user/system message is reported.

    Why: the provider rejects the file; a weight on a user turn suggests the
    author expected it to be trained on, which never happens.

    Bad:
        {"messages": [{"role": "user", "content": "Hi", "weight": 1}, {"role": "assistant", "content": "Hello!"}]}

    Bad:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 0.5}]}

    Good:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey.", "weight": 0}, {"role": "user", "content": "Hi again"}, {"role": "assistant", "content": "Hello!", "weight": 1}]}
    """

    code = "FT107"
    name = "invalid-weight"
    summary = "weight is not 0/1 or is on a non-assistant message"
    default_severity = Severity.ERROR
