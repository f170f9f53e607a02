from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import ScanRuleMixin
from ftlsp.rule import ExampleRule, Severity


class AiRefusalBoilerplate(ScanRuleMixin, ExampleRule):
    """A trained answer carries AI-assistant boilerplate: "As an AI language model", "I'm sorry, but I can't".

    What: phrases that generated answers leak from the model that wrote them:
    "As an AI language model", "I am just an AI", "I'm sorry, but I cannot",
    "I cannot assist with that", "as of my last knowledge update", "developed
    by OpenAI", "I don't have personal opinions". Only trained assistant
    turns are checked (a rejected answer in preference data may refuse).
    Detection is anchored on "AI", "As a(n) ..." and "I ...", so a lowercase
    "as a language model" without one of them is not reported.

    Why: the fine-tuned model learns to refuse, hedge and talk about itself
    where the dataset meant it to answer. Ignore this rule for files where
    refusals are the intended behaviour (safety data).

    Options: ``allow`` lists case-insensitive phrases to accept.

    Bad:
        {"messages": [{"role": "user", "content": "Is Xbox better?"}, {"role": "assistant", "content": "As an AI language model, I do not have opinions."}]}

    Good:
        {"messages": [{"role": "user", "content": "Is Xbox better?"}, {"role": "assistant", "content": "It depends on the games you like."}]}
    """

    code = "FT708"
    name = "ai-refusal-boilerplate"
    summary = "Trained answer contains AI/refusal boilerplate (\"As an AI language model\")"
    default_severity = Severity.WARNING
    kind = "refusal"

    @dataclass(frozen=True)
    class Options:
        allow: tuple = ()

    def message(self, h, t):
        return (f"AI boilerplate {h.shown!r} in a trained assistant turn: the model learns to refuse or talk "
                f"about itself; rewrite or drop the answer (ignore FT708 if refusals are intended)")
