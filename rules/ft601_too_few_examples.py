from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ftlsp.rule import CollectingRule, Finding, Severity
from ftlsp.tokens.models import model_info


class TooFewExamples(CollectingRule):
    """A training file has fewer examples than the provider accepts.

    What: fewer valid examples than the provider's minimum for the target model
    (OpenAI: 10). Eval files and empty files (FT012) are not reported here.

    Why: the fine-tuning job is rejected at creation, after upload.

    Options:
        minimum = 0   examples required (0: the provider's minimum for the model, 10 for OpenAI)

    The examples run with ``minimum = 3``.

    Bad:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}

    Good:
        {"prompt": "2+2=", "completion": "4"}
        {"prompt": "3+3=", "completion": "6"}
        {"prompt": "4+4=", "completion": "8"}
    """

    code = "FT601"
    name = "too-few-examples"
    summary = "Fewer examples than the provider's minimum"
    default_severity = Severity.ERROR
    doc_config: ClassVar[dict] = {"rules": {"FT601": {"minimum": 3}}}

    @dataclass(frozen=True)
    class Options:
        minimum: int = 0

    def report(self, examples, ctx):
        n = len(examples)
        info = model_info(ctx.config.model)
        minimum = self.options.minimum or info.min_examples
        if ctx.is_eval or n == 0 or n >= minimum:
            return
        who = (f"{info.provider} requires for {info.name}" if info.min_examples_stated and not self.options.minimum
               else "configured" if self.options.minimum else "OpenAI requires (no minimum known for this model)")
        yield Finding(f"{n} example{'s' if n != 1 else ''}, fewer than the {minimum} that {who}: the fine-tuning "
                      f"job will be rejected; add at least {minimum - n} more", line=0,
                      data={"examples": n, "minimum": minimum})
