from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class MissingKey(FormatRule):
    """A key the dialect requires is absent.

    What: e.g. a message without ``role`` or ``content`` (an assistant message
    that makes tool calls may omit ``content``), a ``tool`` message without
    ``tool_call_id``, an Alpaca record without ``output``, a Gemini turn
    without ``parts``, a tool call without ``id``.

    Why: the provider's schema check rejects the file; trainers raise KeyError
    in the middle of a run.

    Bad:
        {"messages": [{"role": "user"}, {"role": "assistant", "content": "Hello!"}]}

    Bad:
        {"instruction": "Name a colour.", "input": ""}

    Good:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    """

    code = "FT109"
    name = "missing-key"
    summary = "A key the dialect requires is absent"
    default_severity = Severity.ERROR
