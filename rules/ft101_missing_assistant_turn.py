from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class MissingAssistantTurn(FormatRule):
    """A conversation with nothing to train on: no assistant turn.

    What: no message with the answering role (``assistant``; ``model`` in
    Gemini; ``gpt`` in ShareGPT), an empty conversation, every assistant
    message with ``"weight": 0``, or a preference output without an assistant
    message. When a turn has a misspelled answering role (``"model"`` in an
    OpenAI file) FT102 reports that instead.

    Why: the trainer learns only from assistant turns; OpenAI rejects the file
    ("Each example must have at least one message with the assistant role")
    and Bedrock requires the conversation to end with one. Common cause: a
    prompt-only record, or a conversion script that dropped the answers.
    Severity: error; a warning in TRL dialects, where the trainer accepts it.

    Bad:
        {"messages": [{"role": "system", "content": "You plan lessons."}, {"role": "user", "content": "Plan a lesson on fractions."}]}

    Bad:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 0}]}

    Good:
        {"messages": [{"role": "user", "content": "Plan a lesson on fractions."}, {"role": "assistant", "content": "1. Warm-up with pizza slices..."}]}
    """

    code = "FT101"
    name = "missing-assistant-turn"
    summary = "Conversation has no (trainable) assistant turn"
    default_severity = Severity.ERROR
