"""Seeded mutation test: break random lines of clean real files in many ways; every broken line must
get an error-severity diagnostic at that line, and no untouched line may get one.

Runs the format rules (FT0xx syntax + FT1xx format): the dataset-level families (size, duplicates,
labels) legitimately react to a changed file as a whole.
"""

import json
import random

import pytest

from conftest import realdata
from ftlsp.config import Config
from ftlsp.document import Document
from ftlsp.engine import Linter
from ftlsp.rule import Severity

pytestmark = pytest.mark.realdata

FILES = ["chat_format/pirate__training_set.jsonl", "chat_format/chatbot-unil__training_data.jsonl",
         "chat_format/openai-cookbook__drone_training.jsonl", "chat_format/azpolicy__training_set.jsonl"]
SEEDS = range(6)
MISSPELLINGS = {"assistant": ["assitant", "Assistant", "asistant", "model", "bot", "gpt"],
                "user": ["usr", "User", "human", "uesr"], "system": ["sytem", "System", "sys"]}


def _with_content(msgs):
    return [i for i, m in enumerate(msgs) if isinstance(m.get("content"), str)]


# Each mutation takes (parsed record, line text, rng) and returns the new line text, or None when it
# does not apply to this record.
def drop_assistant(d, t, rng):
    msgs = [m for m in d["messages"] if m.get("role") != "assistant"]
    return json.dumps({**d, "messages": msgs}) if len(msgs) < len(d["messages"]) else None


def misspell_role(d, t, rng):
    i = rng.randrange(len(d["messages"]))
    m = d["messages"][i]
    m["role"] = rng.choice(MISSPELLINGS.get(m["role"], ["robot"]))
    return json.dumps(d, ensure_ascii=False)


def non_string_content(d, t, rng):
    idx = _with_content(d["messages"])
    if not idx:
        return None
    d["messages"][rng.choice(idx)]["content"] = rng.choice([42, 3.5, True, {"text": "x"}, [1, 2], ["a"]])
    return json.dumps(d, ensure_ascii=False)


def null_content(d, t, rng):
    idx = [i for i in _with_content(d["messages"]) if d["messages"][i]["role"] != "assistant"]
    if not idx:
        return None
    d["messages"][rng.choice(idx)]["content"] = None
    return json.dumps(d, ensure_ascii=False)


def empty_content(d, t, rng):
    idx = _with_content(d["messages"])
    if not idx:
        return None
    d["messages"][rng.choice(idx)]["content"] = ""
    return json.dumps(d, ensure_ascii=False)


def truncate(d, t, rng):
    return t[: rng.randrange(1, len(t) - 1)]


def trailing_comma(d, t, rng):
    s = t.rstrip()
    if rng.random() < 0.5:
        return s[:-1] + ",}"
    k = s.rfind("]")
    return s[:k] + "," + s[k:]


def unknown_key(d, t, rng):
    m = rng.choice(d["messages"])
    m[rng.choice(["metadata", "contnet", "timestamp", "rol"])] = "x"
    return json.dumps(d, ensure_ascii=False)


def wrong_container(d, t, rng):
    choice = rng.randrange(3)
    if choice == 0:
        d["messages"] = {str(i): m for i, m in enumerate(d["messages"])}
    elif choice == 1:
        d["messages"] = json.dumps(d["messages"])
    else:
        i = rng.randrange(len(d["messages"]))
        d["messages"][i] = list(d["messages"][i].values())
    return json.dumps(d, ensure_ascii=False)


def single_quotes(d, t, rng):
    return t.replace('"', "'")


def bad_weight(d, t, rng):
    m = rng.choice(d["messages"])
    m["weight"] = rng.choice([2, 0.5, "1", True, None]) if m["role"] == "assistant" else 1
    return json.dumps(d, ensure_ascii=False)


def drop_role(d, t, rng):
    del rng.choice(d["messages"])["role"]
    return json.dumps(d, ensure_ascii=False)


def rename_messages(d, t, rng):
    d["message"] = d.pop("messages")
    return json.dumps(d, ensure_ascii=False)


def other_dialect(d, t, rng):
    return json.dumps(rng.choice([{"prompt": "q", "completion": "a"}, {"instruction": "q", "output": "a"},
                                  {"contents": [{"role": "user", "parts": [{"text": "q"}]}]}]))


def not_an_object(d, t, rng):
    return json.dumps(d["messages"])


MUTATIONS = [drop_assistant, misspell_role, non_string_content, null_content, empty_content, truncate,
             trailing_comma, unknown_key, wrong_container, single_quotes, bad_weight, drop_role, rename_messages,
             other_dialect, not_an_object]


def mutate(lines, rng, fraction=0.3):
    """Break about ``fraction`` of the lines; returns (new lines, {line: mutation name})."""
    out = list(lines)
    broken = {}
    n = max(1, int(len(lines) * fraction))
    for i in rng.sample(range(len(lines)), n):
        for _ in range(20):
            fn = rng.choice(MUTATIONS)
            new = fn(json.loads(lines[i]), lines[i], rng)
            if new is not None and new != lines[i]:
                out[i] = new
                broken[i] = fn.__name__
                break
    return out, broken


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rel", FILES)
def test_every_broken_line_gets_an_error(rel, seed):
    raw = realdata(rel).read_bytes().decode()
    lines = raw.split("\n")
    if lines[-1] == "":
        lines.pop()
    rng = random.Random(f"{rel}:{seed}")
    new, broken = mutate(lines, rng)
    doc = Document.from_text(rel, "\n".join(new) + "\n")
    res = Linter(Config().replace(select=("FT0", "FT1"))).lint(doc)
    error_lines = {}
    for d in res.diagnostics:
        if d.severity == Severity.ERROR:
            error_lines.setdefault(d.line, []).append(d.code)
    missed = {i: name for i, name in broken.items() if i not in error_lines}
    assert not missed, f"broken lines without an error: {missed}"
    spurious = {i: codes for i, codes in error_lines.items() if i not in broken}
    assert not spurious, f"errors on untouched lines: {spurious}"


def test_mutations_cover_every_kind():
    """The seeds above exercise every mutation at least once on the pirate file."""
    raw = [json.dumps({"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"},
                                    {"role": "assistant", "content": "a"}]})] * 40
    seen = set()
    for seed in SEEDS:
        seen.update(mutate(raw, random.Random(seed), 0.9)[1].values())
    assert seen == {m.__name__ for m in MUTATIONS}
