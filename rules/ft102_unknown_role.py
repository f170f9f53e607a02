from __future__ import annotations

from ftlsp.formats import FormatRule
from ftlsp.rule import Severity


class UnknownRole(FormatRule):
    """A turn whose role the dialect does not have.

    What: a role outside the dialect's vocabulary: OpenAI ``system``,
    ``developer``, ``user``, ``assistant``, ``tool``, ``function``; Gemini ``user``,
    ``model``; Bedrock ``user``, ``assistant``; ShareGPT ``human``, ``gpt``,
    ``system``... The message suggests the intended role: ``"model"`` in an
    OpenAI file means ``"assistant"``, ``"assitant"`` is a typo of it,
    ``"assistant"`` in a Gemini file means ``"model"``; the fix replaces it.

    Why: the provider rejects the file; and a turn with an unknown role is never
    trained on, so a dataset whose answers all say ``"model"`` teaches nothing.

    Bad:
        {"messages": [{"role": "user", "content": "Pitch a comic."}, {"role": "model", "content": "A cat detective..."}]}

    Bad:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assitant", "content": "Hello!"}]}

    Good:
        {"messages": [{"role": "user", "content": "Pitch a comic."}, {"role": "assistant", "content": "A cat detective..."}]}
    """

    code = "FT102"
    name = "unknown-role"
    summary = "Role not in the dialect's vocabulary (did you mean ...?)"
    default_severity = Severity.ERROR
    fixable = True
