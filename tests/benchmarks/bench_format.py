"""Format checking speed on a generated 100,000-example chat file (run on demand, not by pytest).

    python tests/benchmarks/bench_format.py [--n 100000] [--tools 0.1] [--repeat 3]

Times, each the best of --repeat runs:
  (a) bare parsing: orjson.loads of every line;
  (b) the OpenAI cookbook checker's format checks, re-implemented from
      ../shared/realdata/ground_truth/openai_cookbook_chat_data_prep_checks.md (json.loads + its checks);
  (c1) ftlint's FT1xx rules alone, through Linter.check_example, on an already-parsed document;
  (c2) ftlint end to end: Document.from_bytes + the FT1xx rules through the engine;
  (c3) the same with every FT0xx syntax rule too (what `ftlint --select FT0,FT1` does);
and prints each as a ratio to (a). --tools adds that fraction of valid tool-calling examples.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict

import orjson

WORDS = ("the model learns from every assistant turn so keep answers short clear and correct while the user asks "
         "about data files tokens prices weather drones lessons code tests and many other things").split()


def sentence(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + "."


TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                           "parameters": {"type": "object",
                                                          "properties": {"city": {"type": "string"}},
                                                          "required": ["city"]}}}]


def example(rng: random.Random, tools_fraction: float) -> dict:
    msgs = [{"role": "system", "content": sentence(rng, 8, 25)}]
    if rng.random() < tools_fraction:
        cid = f"call_{rng.randrange(10**6)}"
        msgs += [{"role": "user", "content": sentence(rng, 5, 30)},
                 {"role": "assistant", "content": None, "tool_calls": [
                     {"id": cid, "type": "function",
                      "function": {"name": "get_weather", "arguments": json.dumps({"city": rng.choice(WORDS)})}}]},
                 {"role": "tool", "tool_call_id": cid, "content": sentence(rng, 3, 10)},
                 {"role": "assistant", "content": sentence(rng, 5, 40)}]
        return {"messages": msgs, "tools": TOOLS}
    for turn in range(rng.choice((1, 1, 1, 2, 3))):
        msgs.append({"role": "user", "content": sentence(rng, 5, 80)})
        a = {"role": "assistant", "content": sentence(rng, 5, 150)}
        if turn == 0 and rng.random() < 0.1:
            a["weight"] = rng.choice((0, 1)) if turn else 1
        msgs.append(a)
    return {"messages": msgs}


def generate(path: str, n: int, tools_fraction: float, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "wb") as fh:
        for _ in range(n):
            fh.write(orjson.dumps(example(rng, tools_fraction)) + b"\n")


def cookbook_checks(raw: bytes) -> dict:
    """The notebook's format checks (json.loads per line, then per-message checks; counts per occurrence)."""
    dataset = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    format_errors: dict[str, int] = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            format_errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            format_errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                format_errors["message_missing_key"] += 1
            if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
                format_errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                format_errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                format_errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            format_errors["example_missing_assistant_message"] += 1
    return dict(format_errors)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--tools", type=float, default=0.0, help="fraction of tool-calling examples")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from ftlsp.config import Config
    from ftlsp.document import Document
    from ftlsp.engine import Linter
    from ftlsp.rule import ExampleRule, Example

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "chat.jsonl")
        generate(path, args.n, args.tools)
        with open(path, "rb") as fh:
            raw = fh.read()
    print(f"{args.n:,} examples, {len(raw) / 1e6:.1f} MB, tool-calling fraction {args.tools}", file=sys.stderr)

    lines = raw.splitlines()
    t_parse, _ = best(lambda: [orjson.loads(x) for x in lines], args.repeat)
    t_cook, cook = best(lambda: cookbook_checks(raw), args.repeat)

    doc = Document.from_bytes("chat.jsonl", raw)
    ft1 = Linter(Config().replace(select=("FT1",)))

    def rules_alone():
        ft1.example_cache.clear()
        ctx = ft1.context(doc)
        rules = [r for r in ft1.rules_for(doc.path) if isinstance(r, ExampleRule)]
        prefix = ft1.key_prefix(ctx, rules)
        n = 0
        for rec in doc.records:
            n += len(ft1.check_example(Example(rec, doc.path, ctx.dialect), ctx, rules, prefix))
        return n

    t_rules, n_rules = best(rules_alone, args.repeat)

    def end_to_end():
        d = Document.from_bytes("chat.jsonl", raw)
        return Linter(Config().replace(select=("FT0", "FT1"))).lint(d)

    t_all, res = best(end_to_end, args.repeat)

    def parse_and_ft1():
        d = Document.from_bytes("chat.jsonl", raw)
        return Linter(Config().replace(select=("FT1",))).lint(d)

    t_pf1, res1 = best(parse_and_ft1, args.repeat)
    errors = sum(1 for d in res.diagnostics if d.severity == 1)

    rows = [("(a) orjson.loads per line", t_parse, ""),
            ("(b) cookbook checker (json.loads + checks)", t_cook, f"format_errors={cook or 'none'}"),
            ("(c1) FT1xx rules alone (12 rules, engine check_example)", t_rules, f"findings={n_rules}"),
            ("(c2) ftlint FT1xx end to end (document parse + FT1xx)", t_pf1, f"diagnostics={len(res1.diagnostics)}"),
            ("(c3) ftlint FT0xx+FT1xx end to end (parse + all format rules)", t_all,
             f"diagnostics={len(res.diagnostics)} errors={errors} dialect={res.dialect}")]
    print(f"{'what':64} {'seconds':>8} {'us/ex':>7} {'x (a)':>6}")
    for name, t, note in rows:
        print(f"{name:64} {t:8.3f} {t / args.n * 1e6:7.2f} {t / t_parse:6.2f}  {note}")
    print(f"vs the cookbook checker: (c2) {t_pf1 / t_cook:.2f}x its time, (c3) {t_all / t_cook:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
