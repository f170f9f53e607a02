from __future__ import annotations

from dataclasses import dataclass

from ftlsp.content.record import content_clean, output_texts, substring_range
from ftlsp.content.scan import refusals
from ftlsp.rule import ExampleRule, Finding, Severity


class AiRefusalBoilerplate(ExampleRule):
    """A trained answer carries AI-assistant boilerplate: "As an AI language model", "I'm sorry, but I can't".

    What: phrases that generated answers leak from the model that wrote them:
    "As an AI language model", "I am just an AI", "I'm sorry, but I cannot",
    "I cannot assist with that", "as of my last knowledge update", "developed
    by OpenAI", "I don't have personal opinions". Only trained assistant
    turns are checked (a rejected answer in preference data may refuse).
    Phrases are found case-insensitively, but only in outputs that contain one
    of the anchors in their usual capitalisation ("AI", "language model",
    "sorry", "fulfill", "assist with", "cutoff", "opinions", ...): an all-lowercase
    "as an ai" without another anchor is not reported.

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
    clean_check = content_clean  # the content rules' shared gate: skipped on clean records
    name = "ai-refusal-boilerplate"
    summary = "Trained answer contains AI/refusal boilerplate (\"As an AI language model\")"
    default_severity = Severity.WARNING

    @dataclass(frozen=True)
    class Options:
        allow: tuple = ()

    def check(self, ex, ctx):
        allow = [a.lower() for a in self.options.allow]
        for ptr, text in output_texts(ex):
            for m in refusals(text):
                phrase = m.group()
                if any(a in phrase.lower() for a in allow):
                    continue
                a, b = substring_range(ex, ptr, m.start(), m.end())
                yield Finding(f"AI boilerplate {phrase!r} in a trained assistant turn: the model learns to refuse or "
                              f"talk about itself; rewrite or drop the answer (ignore FT708 if refusals are intended)",
                              ptr, offset=a, end_offset=b, data={"phrase": phrase})
