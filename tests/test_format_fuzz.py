"""Hypothesis fuzzing of the FT1xx analysis: no crash on any JSON value, in any dialect; and the fast
path never accepts a record the precise path has something to say about."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlsp import dialects as D
from ftlsp.config import Config
from ftlsp.document import Document
from ftlsp.engine import Linter
from ftlsp.formats import analyze, fast_ok, schema_problems, semantic_problems

KEYS = ["messages", "role", "content", "weight", "tool_calls", "tool_call_id", "name", "function", "id", "type",
        "arguments", "tools", "prompt", "completion", "contents", "parts", "text", "model", "system",
        "systemInstruction", "schemaVersion", "conversations", "from", "value", "instruction", "input", "output",
        "chosen", "rejected", "preferred_output", "non_preferred_output", "image_url", "url", "x"]
ROLES = ["system", "developer", "user", "assistant", "tool", "function", "model", "human", "gpt", "assitant", ""]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(ROLES + ["", " ", "x", "{}", "call_1", "bedrock-conversation-2024"]),
                    st.text(max_size=8))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=5)),
    max_leaves=25)
records = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=5)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(records, st.sampled_from([None, *D.DIALECTS]))
def test_analyze_never_crashes(data, dialect):
    for p in analyze(data, dialect):
        assert p.code.startswith("FT1") and isinstance(p.message, str) and p.pointer.startswith("/") or p.pointer == ""


@FUZZ
@given(json_values, st.sampled_from(list(D.DIALECTS)))
def test_schema_and_semantics_take_any_value(data, dialect):
    schema_problems(data, dialect)
    if isinstance(data, dict):
        semantic_problems(data, dialect)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=4), st.sampled_from([None, D.OPENAI_CHAT, D.GEMINI, D.ALPACA]))
def test_engine_resolves_every_finding(recs, dialect):
    text = "\n".join(json.dumps(r) for r in recs) + "\n"
    res = Linter(Config().replace(select=("FT1",), dialect=dialect)).lint(Document.from_text("f.jsonl", text))
    for d in res.diagnostics:
        assert 0 <= d.line < len(recs) and d.col <= d.end_col or d.line < d.end_line
        if d.fix:
            for e in d.fix.edits:
                assert 0 <= e.start <= e.end <= len(text)


# --- near-valid records: the fast path must be narrower than the precise path -----------------------

texts = st.sampled_from(["Hi", "Hello there", "", " ", "\n", "x"])
# Mostly valid values, so that the fast path accepts a good share of the records.
good = st.sampled_from(["Hi", "Hello there", "x"])
weights = st.sampled_from([None] * 8 + [0, 1, 1, 2, True, 0.0, "1"])


@st.composite
def chat_messages(draw):
    """A valid conversation, then (half the time) one to three small corruptions."""
    msgs = [{"role": "system", "content": draw(good)}] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 3))):
        msgs.append({"role": "user", "content": draw(good)})
        a = {"role": "assistant", "content": draw(good)}
        w = draw(weights)
        if w in (0, 1) and not isinstance(w, (bool, float)):
            a["weight"] = w
        msgs.append(a)
    if msgs and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            m = msgs[draw(st.integers(0, len(msgs) - 1))]
            how = draw(st.integers(0, 6))
            if how == 0:
                m["role"] = draw(st.sampled_from(["system", "developer", "user", "assistant", "tool", "model", 7]))
            elif how == 1:
                m["content"] = draw(st.one_of(texts, st.none(), st.just(3), st.just([])))
            elif how == 2:
                m["weight"] = draw(weights)
            elif how == 3:
                m[draw(st.sampled_from(["name", "extra", "tool_call_id", "tool_calls"]))] = "x"
            elif how == 4:
                m.pop("content", None)
            elif how == 5:
                msgs.append({"role": "user", "content": draw(good)})
            else:
                msgs[:] = [x for x in msgs if x.get("role") != "assistant"]
                break
    return msgs


@st.composite
def near_valid(draw):
    dialect = draw(st.sampled_from([D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES, D.PROMPT_COMPLETION, D.ALPACA,
                                    D.SHAREGPT, D.TRL_TEXT]))
    if dialect in (D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES):
        rec = {"messages": draw(chat_messages())}
        if draw(st.integers(0, 9)) == 0:
            rec["id"] = 1
    elif dialect == D.PROMPT_COMPLETION:
        rec = {"prompt": draw(st.one_of(texts, st.just(1))), "completion": draw(st.one_of(texts, st.none()))}
    elif dialect == D.ALPACA:
        rec = {"instruction": draw(texts), "output": draw(st.one_of(texts, st.just([])))}
        if draw(st.booleans()):
            rec["input"] = draw(st.one_of(texts, st.just(0)))
        if draw(st.integers(0, 5)) == 0:
            rec["system"] = draw(st.one_of(texts, st.just(0)))
    elif dialect == D.SHAREGPT:
        rec = {"conversations": [{"from": draw(st.sampled_from(["human", "gpt", "system", "user", "tool"])),
                                  "value": draw(st.one_of(texts, st.just(2)))}
                                 for _ in range(draw(st.integers(0, 3)))]}
    else:
        rec = {"text": draw(st.one_of(texts, st.just(5)))}
    return dialect, rec


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid())
def test_fast_path_is_narrower_than_precise(case):
    dialect, rec = case
    if fast_ok(rec, dialect):
        assert analyze(rec, dialect) == [], rec
    # and the precise path alone agrees with the full analysis on records the fast path rejects
    elif D.detect_record(rec) in (None, dialect) or dialect in (D.MISTRAL, D.TRL_MESSAGES):
        assert analyze(rec, dialect) == schema_problems(rec, dialect) + semantic_problems(rec, dialect)


@st.composite
def tool_records(draw):
    """A valid tool-calling conversation (OpenAI), then (half the time) one or two corruptions."""
    tools = [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]
    msgs = [{"role": "user", "content": "Weather?"}]
    n_calls = draw(st.integers(1, 2))
    calls = [{"id": f"c{i}", "type": "function", "function": {"name": "weather", "arguments": "{\"c\": 1}"}}
             for i in range(n_calls)]
    a = {"role": "assistant", "tool_calls": calls}
    if draw(st.booleans()):
        a["content"] = draw(st.sampled_from([None, "", "Let me check."]))
    msgs.append(a)
    final_call = draw(st.booleans())
    if not final_call:
        msgs += [{"role": "tool", "tool_call_id": f"c{i}", "content": "18C"} for i in range(n_calls)]
        msgs.append({"role": "assistant", "content": "18C."})
    rec = {"messages": msgs}
    if draw(st.booleans()):
        rec["tools"] = tools
    if draw(st.booleans()):
        rec["parallel_tool_calls"] = draw(st.booleans())
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            how = draw(st.integers(0, 8))
            m = msgs[draw(st.integers(0, len(msgs) - 1))]
            if how == 0:
                m["tool_call_id"] = draw(st.sampled_from(["c0", "c1", "c9"]))
            elif how == 1:
                calls[0]["id"] = draw(st.sampled_from(["c0", "c1", ""]))
            elif how == 2:
                calls[0]["function"]["name"] = draw(st.sampled_from(["weather", "wether", ""]))
            elif how == 3:
                calls[0]["function"]["arguments"] = draw(st.sampled_from(["{", "", "[]", "null"]))
            elif how == 4:
                m["content"] = draw(st.sampled_from([None, "", " ", "ok", 3]))
            elif how == 5:
                msgs.insert(draw(st.integers(0, len(msgs))), {"role": "user", "content": "x"})
            elif how == 6:
                m["weight"] = draw(st.sampled_from([0, 1, 2]))
            elif how == 7:
                rec["tools"] = draw(st.sampled_from([[], [{"type": "function", "function": {"name": "a b"}}], {}]))
            else:
                calls[0]["type"] = draw(st.sampled_from(["function", "fn"]))
    return rec


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tool_records())
def test_fast_tool_path_is_narrower_than_precise(rec):
    if fast_ok(rec, D.OPENAI_CHAT):
        assert analyze(rec, D.OPENAI_CHAT) == [], rec
