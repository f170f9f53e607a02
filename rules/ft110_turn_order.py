from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class TurnOrder(FormatRule):
    """Turns in an order the dialect does not accept or does not train on.

    What: Bedrock (Claude and bedrock-conversation-2024) requires turns that
    start with ``user``, alternate user/assistant and end with ``assistant``:
    errors. Warnings: an OpenAI or Mistral conversation that continues after
    its last assistant turn (those turns are not trained on), a Gemini
    conversation that starts with ``model`` or ends with ``user``, a DPO input
    that does not end with a user message.

    Why: Bedrock rejects the job ("messages must alternate between user and
    assistant"); trailing user turns are usually a truncated conversion.

    Bad:
        {"system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hi!"}]}

    Bad:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}]}

    Good:
        {"system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi!"}]}
    """

    code = "FT110"
    name = "turn-order"
    summary = "Turns in an order the dialect rejects or does not train on"
    default_severity = Severity.ERROR
