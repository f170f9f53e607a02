from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class MixedDialects(FormatRule):
    """A record in a different format from the rest of the file.

    What: the file's format is the most common one among its records (or the
    configured ``dialect``); a record in another one (an Alpaca record in an
    OpenAI chat file, a prompt/completion line among messages) is reported once,
    instead of as a list of missing and unknown keys. Dialects that share the
    ``messages`` shape (OpenAI, Mistral, TRL, Bedrock Claude) count as one.

    Why: providers validate every line against one schema and reject the file;
    trainers load one set of columns and crash or silently drop the others.

    Bad:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
        {"prompt": "Thanks", "completion": "You're welcome!"}

    Good:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
        {"messages": [{"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "You're welcome!"}]}
    """

    code = "FT108"
    name = "mixed-dialects"
    summary = "Record is in a different format from the rest of the file"
    default_severity = Severity.ERROR
