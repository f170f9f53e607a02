from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class InvalidContentPart(FormatRule):
    """A content part of an unknown type, or an image where none is allowed.

    What: OpenAI content parts are ``{"type": "text", "text": ...}`` or
    ``{"type": "image_url", "image_url": {"url": ...}}``; other types
    (``"image"``, ``"input_text"``) and images in system or assistant messages
    are reported.

    Why: OpenAI accepts images only in user messages of vision fine-tuning
    data and rejects other part types.

    Bad:
        {"messages": [{"role": "user", "content": [{"type": "input_text", "text": "Describe the picture."}]}, {"role": "assistant", "content": "A cat."}]}

    Bad:
        {"messages": [{"role": "user", "content": "Draw a cat."}, {"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]}

    Good:
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "Describe the picture."}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
    """

    code = "FT111"
    name = "invalid-content-part"
    summary = "Content part of an unknown type, or an image outside a user message"
    default_severity = Severity.ERROR
