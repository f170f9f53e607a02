from __future__ import annotations

from ftlsp.rule import ExampleRule, Finding, Severity
from ftlsp.tokens.support import content_pointer, example_tokens


class NoTrainableTokens(ExampleRule):
    """The example has assistant turns but nothing the trainer learns from.

    What: every assistant turn has ``"weight": 0`` or is empty, so the example has
    zero trained tokens. (An example with no assistant turn at all is a format
    problem, reported by the FT1xx rules.)

    Why: the example is billed (its tokens count towards training cost every epoch)
    but contributes no gradient; usually weights were copied wrong or the answers
    were lost in an export step.

    Bad:
        {"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4", "weight": 0}]}

    Good:
        {"messages": [{"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4", "weight": 1}]}
    """

    code = "FT204"
    name = "no-trainable-tokens"
    summary = "Example has zero trainable tokens"
    default_severity = Severity.WARNING
    slow = True

    def check(self, ex, ctx):
        t = example_tokens(ex, ctx)
        if t is None or t.trained or not t.total:
            return
        assistants = [p for p in t.parts if p.role == "assistant"]
        if not assistants:
            return
        msgs = ex.data.get("messages")
        weights = []
        for p in assistants:
            seg = p.pointer.split("/")
            if isinstance(msgs, list) and len(seg) == 3 and seg[1] == "messages" and seg[2].isdigit():
                m = msgs[int(seg[2])]
                weights.append(m.get("weight", 1) if isinstance(m, dict) else 1)
        if weights and all(w == 0 for w in weights):
            why = ("its assistant turn has weight 0" if len(weights) == 1
                   else f"all {len(weights)} assistant turns have weight 0")
            fix = "set weight 1 on the turns to learn from, or drop the example"
            pointer = assistants[0].pointer + "/weight"
        else:
            why = "its assistant turns are empty"
            fix = "fill in the answers or drop the example"
            pointer = content_pointer(ex, assistants[0].pointer)
        yield Finding(f"example has {t.total:,} tokens but none trainable: {why}; it is billed but teaches "
                      f"nothing ({fix})", pointer=pointer, data={"tokens": t.total})
