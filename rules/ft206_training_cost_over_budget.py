from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ftlsp.rule import CollectingRule, Finding, Severity
from ftlsp.tokens import cost as C
from ftlsp.tokens.support import file_tokens, target


class TrainingCostOverBudget(CollectingRule):
    """The estimated training cost of the file exceeds the budget you set.

    What: tokens per example (capped at the model's training limit) x examples x
    epochs x the model's training price per 1M tokens. Epochs come from ``epochs`` /
    ``--epochs``, or are computed as OpenAI's auto mode does (target 3 epochs, keep
    examples x epochs within 100..25,000, epochs within 1..25). Prices come from the
    versioned table ``ftlsp/data/prices.json`` (source and date per entry) and can be
    overridden with ``[tool.ftlint.prices]``. Reported only when ``budget-usd`` is set;
    the rule always adds the token statistics and cost to the summary (``files[].tokens``,
    ``files[].cost`` in JSON output; a summary line in text output).

    Why: cost estimates from blog posts are often off by an order of magnitude; a CI
    budget check catches an accidentally tripled dataset or a switch to a pricier model.

    Options:
        budget_usd = 0.0   report files whose estimated cost exceeds this (0: no budget)

    The examples run with ``epochs = 1``, ``budget-usd = 0.0001`` and gpt-4o-mini.

    Bad:
        {"messages": [{"role": "system", "content": "You are a careful contract analyst who cites clause numbers."}, {"role": "user", "content": "What does clause 7 say about late payment of invoices?"}, {"role": "assistant", "content": "Clause 7 charges two percent interest per month on invoices paid late."}]}
        {"messages": [{"role": "system", "content": "You are a careful contract analyst who cites clause numbers."}, {"role": "user", "content": "Who may terminate the agreement under clause 12, and with what notice?"}, {"role": "assistant", "content": "Either party may terminate with ninety days' written notice (clause 12.1)."}]}

    Good:
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    """

    code = "FT206"
    name = "training-cost-over-budget"
    summary = "Estimated training cost exceeds the configured budget"
    default_severity = Severity.WARNING
    doc_config: ClassVar[dict] = {"epochs": 1, "rules": {"FT206": {"budget_usd": 0.0001}}}

    @dataclass(frozen=True)
    class Options:
        budget_usd: float = 0.0

    def report(self, exs, ctx):
        ets = file_tokens(exs, ctx)
        if ets is None:
            return
        info, limit = target(ctx)
        ctx.info["tokens"] = C.token_summary(ets, info, limit)
        if ctx.is_eval:  # validation files are not billed as training tokens
            return
        cost = C.cost_estimate(ets, info, epochs=ctx.config.epochs, limit=limit, prices=ctx.config.prices)
        ctx.info["cost"] = cost
        budget = self.options.budget_usd
        if budget and cost["usd"] is not None and cost["usd"] > budget:
            yield Finding(
                f"estimated training cost ${cost['usd']:,.4g} exceeds the budget ${budget:,.4g}: "
                f"{cost['billed_tokens']:,} billed tokens ({cost['epochs']} epochs x "
                f"{cost['billed_tokens_per_epoch']:,}) at ${cost['price_per_1m']:g}/1M for {cost['model']}"
                f"{' (token counts estimated)' if cost['estimated'] else ''}",
                line=0, data={"usd": cost["usd"], "budget_usd": budget})


def _tokens_summary(info: dict) -> list[str]:
    return C.tokens_line(info["tokens"])


def _cost_summary(info: dict) -> list[str]:
    return C.cost_line(info["cost"])


def _register() -> None:
    from ftlsp import output

    output.SUMMARY_FORMATTERS.setdefault("tokens", _tokens_summary)
    output.SUMMARY_FORMATTERS.setdefault("cost", _cost_summary)


_register()
