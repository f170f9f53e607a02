from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class WrongType(FormatRule):
    """A value of the wrong JSON type or shape.

    What: e.g. ``content`` as a number or an object, ``messages`` as an object
    instead of a list, ``tool_calls[].type`` other than ``"function"``, more
    than one message in a DPO output, a TRL preference record whose ``chosen``
    is a string and ``rejected`` a list of messages. The message names the
    expected type and quotes the value found.

    Why: the provider's schema check rejects the file ("invalid schema" without
    a line number); Python trainers crash in the chat template.

    Bad:
        {"messages": [{"role": "user", "content": 42}, {"role": "assistant", "content": "The answer."}]}

    Bad:
        {"messages": {"role": "user", "content": "Hi"}}

    Good:
        {"messages": [{"role": "user", "content": "42"}, {"role": "assistant", "content": "The answer."}]}
    """

    code = "FT103"
    name = "wrong-type"
    summary = "Value has the wrong JSON type or shape for the dialect"
    default_severity = Severity.ERROR
