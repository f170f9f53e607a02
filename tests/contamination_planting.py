"""Plant edited and paraphrased GSM8K test questions into a real training set (shared by the
planting test and the benchmark script). Edits are deterministic (seeded) and rule-based."""

from __future__ import annotations

import json
import random
import re

SYNONYMS = [
    ("How many", "What number of"), ("how many", "what number of"), ("buys", "purchases"),
    ("bought", "purchased"), ("each", "every"), ("has", "owns"), ("total", "overall"),
    ("wants to", "would like to"), ("costs", "is priced at"), ("makes", "earns"), ("gives", "hands"),
    ("There are", "We have"), ("there are", "we have"), ("needs", "requires"), ("money", "cash"),
    ("store", "shop"), ("friends", "pals"), ("children", "kids"), ("However", "But"), ("half", "one half"),
]
NUMBER_WORDS = {"2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "10": "ten", "12": "twelve"}


def light_edit(q: str, rng: random.Random) -> str:
    """Two small edits: a number changed, a typo, a word dropped, a prompt prefix, case/spacing."""
    ops = rng.sample(["number", "typo", "drop", "prefix", "case"], 2)
    for op in ops:
        if op == "number":
            nums = list(re.finditer(r"\d+", q))
            if nums:
                m = rng.choice(nums)
                q = q[:m.start()] + str(int(m.group()) + rng.randint(1, 9)) + q[m.end():]
        elif op == "typo":
            ws = [m for m in re.finditer(r"[A-Za-z]{5,}", q)]
            if ws:
                m = rng.choice(ws)
                w = m.group()
                i = rng.randrange(1, len(w) - 2)
                q = q[:m.start()] + w[:i] + w[i + 1] + w[i] + w[i + 2:] + q[m.end():]
        elif op == "drop":
            ws = q.split(" ")
            if len(ws) > 6:
                del ws[rng.randrange(1, len(ws) - 1)]
                q = " ".join(ws)
        elif op == "prefix":
            q = rng.choice(["Solve this problem: ", "Question: ", "Answer the following. ",
                            "Math word problem:\n"]) + q
        elif op == "case":
            q = q.lower().replace(". ", ".  ")
    return q


def paraphrase(q: str, rng: random.Random) -> str:
    """Rule-based paraphrase: question sentence moved first, synonyms, numbers spelled out."""
    sents = re.split(r"(?<=[.?!])\s+", q.strip())
    if len(sents) > 1 and sents[-1].endswith("?"):
        sents = [sents[-1], "Here is the situation:"] + sents[:-1]
    q = " ".join(sents)
    for a, b in SYNONYMS:
        q = re.sub(rf"\b{re.escape(a)}\b", b, q)
    q = re.sub(r"\b(\d+)\b", lambda m: NUMBER_WORDS.get(m.group(), m.group()), q)
    return q


def build(train_path: str, test_path: str, n_edit: int = 100, n_para: int = 100, seed: int = 7,
          limit: int | None = None) -> tuple[str, set[int], set[int], set[int]]:
    """JSONL text of the training set with planted records; (text, edited lines, paraphrased lines,
    clean lines) as 0-based line numbers."""
    rng = random.Random(seed)
    train = json.load(open(train_path, encoding="utf-8"))
    if limit:
        train = train[:limit]
    tests = [json.loads(ln) for ln in open(test_path, encoding="utf-8") if ln.strip()]
    picks = rng.sample(range(len(tests)), n_edit + n_para)
    planted = []
    for k, ti in enumerate(picks):
        q = tests[ti]["question"]
        answer = tests[ti]["answer"].split("####")[0].strip()
        kind = "edit" if k < n_edit else "para"
        q2 = light_edit(q, rng) if kind == "edit" else paraphrase(q, rng)
        planted.append((kind, {"instruction": q2, "input": "", "output": answer}))
    rows = [("clean", r) for r in train]
    for kind, rec in planted:
        rows.insert(rng.randrange(len(rows) + 1), (kind, rec))
    lines, edited, para, clean = [], set(), set(), set()
    for i, (kind, rec) in enumerate(rows):
        lines.append(json.dumps(rec, ensure_ascii=False))
        {"edit": edited, "para": para, "clean": clean}[kind].add(i)
    return "\n".join(lines) + "\n", edited, para, clean
