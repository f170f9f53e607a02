from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class EmptyContent(FormatRule):
    """A turn, part or answer with no text.

    What: ``""``, ``null`` content (allowed only on an assistant message that
    makes tool calls), an empty list of content parts, an empty Alpaca
    ``output`` or ``completion``. Whitespace-only text is a warning.

    Why: an empty assistant turn teaches the model to answer with nothing;
    providers reject null or empty content in most positions (the OpenAI
    cookbook checker counts it as ``missing_content``).

    Bad:
        {"messages": [{"role": "user", "content": "Summarise this."}, {"role": "assistant", "content": ""}]}

    Bad:
        {"instruction": "Translate to French: cat", "input": "", "output": ""}

    Good:
        {"messages": [{"role": "user", "content": "Summarise this."}, {"role": "assistant", "content": "A short summary."}]}
    """

    code = "FT105"
    name = "empty-content"
    summary = "Empty or null content where text is required"
    default_severity = Severity.ERROR
