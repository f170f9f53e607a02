from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class UnknownKey(FormatRule):
    """A key the dialect does not define.

    What: a key that is not part of the format, underlined at the key, with
    "did you mean" for near misses (``"contnet"`` -> ``"content"``; the fix
    renames it). Inside messages, tool calls and content parts of strict
    formats (OpenAI, Mistral, Gemini, Bedrock) it is an error; at the top level
    of a record it is a warning (ignored). Open formats (Alpaca, ShareGPT,
    TRL, prompt/completion) allow extra top-level columns.

    Why: OpenAI rejects messages with unrecognized keys; a misspelled key also
    means the intended field (the content, the weight) is missing.

    Bad:
        {"messages": [{"role": "user", "contnet": "Hi"}, {"role": "assistant", "content": "Hello!"}]}

    Good:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    """

    code = "FT104"
    name = "unknown-key"
    summary = "Key not defined by the dialect (did you mean ...?)"
    default_severity = Severity.ERROR
    fixable = True
