"""Table-driven cases for the FT1xx format rules, per dialect.

Each case: (dialect or None for detection, record, expected findings). Expected
findings are (code, pointer, severity) triples; the case passes when the
analysis yields exactly those (order ignored). Valid records expect [].
"""

import json

import pytest

from ftlsp import dialects as D
from ftlsp.formats import analyze, fast_ok
from ftlsp.rule import Severity

E, W = "error", "warning"

U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello!"}
S = {"role": "system", "content": "Be nice."}


def chat(*msgs, **top):
    return {"messages": list(msgs), **top}


CALL = {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Paris\"}"}}
TOOLS = [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]

CASES = [
    # --- OpenAI chat: valid -----------------------------------------------------------------------
    ("oa-basic", None, chat(S, U, A), []),
    ("oa-developer-name", None, chat({"role": "developer", "content": "x"}, {**U, "name": "bob"}, A), []),
    ("oa-weights", None, chat(U, {**A, "weight": 0}, U, {**A, "weight": 1}), []),
    ("oa-parts", None, chat({"role": "user", "content": [{"type": "text", "text": "What is this?"},
                                                          {"type": "image_url", "image_url": {"url": "https://x/y.png",
                                                                                              "detail": "low"}}]}, A), []),
    ("oa-tool-final-call", None, chat(U, {"role": "assistant", "tool_calls": [CALL]}, tools=TOOLS,
                                      parallel_tool_calls=False), []),
    ("oa-tool-roundtrip", None, chat(U, {"role": "assistant", "content": None, "tool_calls": [CALL]},
                                     {"role": "tool", "tool_call_id": "call_1", "content": "18C"}, A, tools=TOOLS), []),
    ("oa-legacy-function", None, chat(U, {"role": "assistant", "content": None,
                                          "function_call": {"name": "f", "arguments": "{}"}},
                                      {"role": "function", "name": "f", "content": "ok"}, A,
                                      functions=[{"name": "f", "parameters": {"type": "object"}}]), []),
    # --- OpenAI chat: invalid ---------------------------------------------------------------------
    ("oa-no-assistant", None, chat(S, U), [("FT101", "/messages", E)]),
    ("oa-all-weight-0", None, chat(U, {**A, "weight": 0}), [("FT101", "/messages", E)]),
    ("oa-empty-messages", None, chat(), [("FT101", "/messages", E)]),
    ("oa-role-model", None, chat(U, {"role": "model", "content": "x"}), [("FT102", "/messages/1/role", E)]),
    ("oa-role-typo", None, chat(U, {"role": "assitant", "content": "x"}), [("FT102", "/messages/1/role", E)]),
    ("oa-role-not-string", None, chat(U, {"role": 3, "content": "x"}, A), [("FT103", "/messages/1/role", E)]),
    ("oa-content-number", None, chat({"role": "user", "content": 42}, A), [("FT103", "/messages/0/content", E)]),
    ("oa-messages-object", None, {"messages": {"role": "user", "content": "x"}}, [("FT103", "/messages", E)]),
    ("oa-message-string", None, chat("hello", A), [("FT103", "/messages/0", E)]),
    ("oa-unknown-msg-key", None, chat({**U, "contnet": "x"}, A), [("FT104", "/messages/0/contnet", E)]),
    ("oa-unknown-top-key", None, chat(U, A, id=7), [("FT104", "/id", W)]),
    ("oa-empty-content", None, chat(U, {"role": "assistant", "content": ""}), [("FT105", "/messages/1/content", E)]),
    ("oa-blank-content", None, chat(U, {"role": "assistant", "content": "  \n"}), [("FT105", "/messages/1/content", W)]),
    ("oa-null-content", None, chat({"role": "user", "content": None}, A), [("FT105", "/messages/0/content", E)]),
    ("oa-missing-content", None, chat({"role": "user"}, A), [("FT109", "/messages/0", E)]),
    ("oa-missing-role", None, chat({"content": "x"}, A), [("FT109", "/messages/0", E)]),
    ("oa-weight-on-user", None, chat({**U, "weight": 1}, A), [("FT107", "/messages/0/weight", E)]),
    ("oa-weight-half", None, chat(U, {**A, "weight": 0.5}), [("FT107", "/messages/1/weight", E)]),
    ("oa-weight-bool", None, chat(U, {**A, "weight": True}), [("FT107", "/messages/1/weight", E)]),
    ("oa-tool-unknown-id", None, chat(U, {"role": "assistant", "tool_calls": [CALL]},
                                      {"role": "tool", "tool_call_id": "call_9", "content": "x"}, A, tools=TOOLS),
     [("FT106", "/messages/2/tool_call_id", E), ("FT106", "/messages/1/tool_calls/0/id", E)]),
    ("oa-tool-unanswered", None, chat(U, {"role": "assistant", "tool_calls": [CALL]}, U, A, tools=TOOLS),
     [("FT106", "/messages/1/tool_calls/0/id", E)]),
    ("oa-tool-missing-id", None, chat(U, {"role": "assistant", "tool_calls": [CALL]}, {"role": "tool", "content": "x"},
                                      A, tools=TOOLS),
     [("FT109", "/messages/2", E), ("FT106", "/messages/1/tool_calls/0/id", E)]),
    ("oa-tool-undeclared", None, chat(U, {"role": "assistant", "tool_calls": [
        {**CALL, "function": {"name": "wether", "arguments": "{}"}}]}, tools=TOOLS),
     [("FT106", "/messages/1/tool_calls/0/function/name", W)]),
    ("oa-tool-bad-args", None, chat(U, {"role": "assistant", "tool_calls": [
        {**CALL, "function": {"name": "weather", "arguments": "{city: Paris"}}]}, tools=TOOLS),
     [("FT106", "/messages/1/tool_calls/0/function/arguments", W)]),
    ("oa-tool-type", None, chat(U, {"role": "assistant", "tool_calls": [{**CALL, "type": "func"}]}),
     [("FT103", "/messages/1/tool_calls/0/type", E)]),
    ("oa-tool-calls-on-user", None, chat({**U, "tool_calls": [CALL]}, A),
     [("FT106", "/messages/0/tool_calls", E)]),
    ("oa-duplicate-call-id", None, chat(U, {"role": "assistant", "tool_calls": [CALL, CALL]}, tools=TOOLS),
     [("FT106", "/messages/1/tool_calls/1/id", E)]),
    ("oa-part-type", None, chat({"role": "user", "content": [{"type": "input_text", "text": "x"}]}, A),
     [("FT111", "/messages/0/content/0/type", E)]),
    ("oa-image-in-assistant", None, chat(U, {"role": "assistant", "content": [
        {"type": "image_url", "image_url": {"url": "https://x"}}]}), [("FT111", "/messages/1/content/0/type", E)]),
    ("oa-part-missing-text", None, chat({"role": "user", "content": [{"type": "text"}]}, A),
     [("FT109", "/messages/0/content/0", E)]),
    ("oa-trailing-user", None, chat(U, A, U), [("FT110", "/messages/2/role", W)]),
    ("oa-parallel-type", None, chat(U, A, parallel_tool_calls="no"), [("FT103", "/parallel_tool_calls", E)]),
    # --- OpenAI preference ------------------------------------------------------------------------
    ("dpo-ok", None, {"input": {"messages": [U]}, "preferred_output": [A],
                      "non_preferred_output": [{"role": "assistant", "content": "Go away."}]}, []),
    ("dpo-missing-non-preferred", None, {"input": {"messages": [U]}, "preferred_output": [A]},
     [("FT109", "", E)]),
    ("dpo-output-user", None, {"input": {"messages": [U]}, "preferred_output": [U], "non_preferred_output": [A]},
     [("FT101", "/preferred_output", E)]),
    ("dpo-two-outputs", None, {"input": {"messages": [U]}, "preferred_output": [A, A], "non_preferred_output": [A]},
     [("FT103", "/preferred_output", E)]),
    ("dpo-input-ends-assistant", None, {"input": {"messages": [U, A]}, "preferred_output": [A],
                                        "non_preferred_output": [A]}, [("FT110", "/input/messages/1/role", W)]),
    # --- prompt/completion ------------------------------------------------------------------------
    ("pc-legacy", None, {"prompt": "2+2 ->", "completion": " 4\n"}, []),
    ("pc-empty-prompt", None, {"prompt": "", "completion": " 4"}, []),
    ("pc-trl-conversational", None, {"prompt": [U], "completion": [A]}, []),
    ("pc-empty-completion", None, {"prompt": "x", "completion": ""}, [("FT105", "/completion", E)]),
    ("pc-missing-completion", D.PROMPT_COMPLETION, {"prompt": "x"}, [("FT109", "", E)]),
    ("pc-number", None, {"prompt": "x", "completion": 4}, [("FT103", "/completion", E)]),
    ("pc-mixed-kinds", None, {"prompt": [U], "completion": "Hello"}, [("FT103", "/completion", E)]),
    ("pc-extra-columns", None, {"prompt": "x", "completion": "y", "id": 3}, []),
    # --- Gemini -----------------------------------------------------------------------------------
    ("gem-ok", None, {"systemInstruction": {"role": "system", "parts": [{"text": "Be nice."}]},
                      "contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                   {"role": "model", "parts": [{"text": "Hello"}]}]}, []),
    ("gem-assistant-role", None, {"contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                               {"role": "assistant", "parts": [{"text": "Hello"}]}]},
     [("FT102", "/contents/1/role", E)]),
    ("gem-system-role", None, {"contents": [{"role": "system", "parts": [{"text": "x"}]},
                                            {"role": "user", "parts": [{"text": "Hi"}]},
                                            {"role": "model", "parts": [{"text": "Hello"}]}]},
     [("FT102", "/contents/0/role", E)]),
    ("gem-no-model", None, {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}, [("FT101", "/contents", E)]),
    ("gem-ends-user", None, {"contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                          {"role": "model", "parts": [{"text": "Hello"}]},
                                          {"role": "user", "parts": [{"text": "Bye"}]}]},
     [("FT110", "/contents/2/role", W)]),
    ("gem-content-key", None, {"contents": [{"role": "user", "content": "Hi"},
                                            {"role": "model", "parts": [{"text": "Hello"}]}]},
     [("FT109", "/contents/0", E), ("FT104", "/contents/0/content", E)]),
    ("gem-empty-text", None, {"contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                           {"role": "model", "parts": [{"text": ""}]}]},
     [("FT105", "/contents/1/parts/0/text", E)]),
    # --- Bedrock ----------------------------------------------------------------------------------
    ("br-ok", None, {"system": "Be brief.", "messages": [U, A]}, []),
    ("br-starts-assistant", None, {"system": "s", "messages": [A, U, A]}, [("FT110", "/messages/0/role", E)]),
    ("br-no-alternation", None, {"system": "s", "messages": [U, U, A]}, [("FT110", "/messages/1/role", E)]),
    ("br-ends-user", None, {"system": "s", "messages": [U, A, U]}, [("FT110", "/messages/2/role", E)]),
    ("br-system-in-messages", None, {"system": "s", "messages": [S, U, A]}, [("FT102", "/messages/0/role", E)]),
    ("br-no-assistant", None, {"system": "s", "messages": [U]}, [("FT101", "/messages", E)]),
    ("nova-ok", None, {"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "Be brief."}],
                       "messages": [{"role": "user", "content": [{"text": "Hi"}]},
                                    {"role": "assistant", "content": [{"text": "Hello"}]}]}, []),
    ("nova-string-content", None, {"schemaVersion": "bedrock-conversation-2024",
                                   "messages": [{"role": "user", "content": "Hi"},
                                                {"role": "assistant", "content": [{"text": "Hello"}]}]},
     [("FT103", "/messages/0/content", E)]),
    ("nova-ends-user", None, {"schemaVersion": "bedrock-conversation-2024",
                              "messages": [{"role": "user", "content": [{"text": "Hi"}]},
                                           {"role": "assistant", "content": [{"text": "Hello"}]},
                                           {"role": "user", "content": [{"text": "Bye"}]}]},
     [("FT110", "/messages/2/role", E)]),
    # --- Mistral (by config) ----------------------------------------------------------------------
    ("mistral-ok", D.MISTRAL, chat(S, U, {**A, "weight": 1}), []),
    ("mistral-developer", D.MISTRAL, chat({"role": "developer", "content": "x"}, U, A),
     [("FT102", "/messages/0/role", E)]),
    ("mistral-name", D.MISTRAL, chat({**U, "name": "bob"}, A), [("FT104", "/messages/0/name", E)]),
    # --- TRL --------------------------------------------------------------------------------------
    ("trl-text", None, {"text": "Once upon a time"}, []),
    ("trl-text-empty", None, {"text": ""}, [("FT105", "/text", E)]),
    ("trl-messages-ok", D.TRL_MESSAGES, {"messages": [U, A], "source": "web"}, []),
    ("trl-messages-no-assistant", D.TRL_MESSAGES, {"messages": [U]}, [("FT101", "/messages", W)]),
    ("trl-messages-extra-key", D.TRL_MESSAGES, {"messages": [{**U, "lang": "en"}, A]},
     [("FT104", "/messages/0/lang", W)]),
    ("trl-pref-ok", None, {"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."}, []),
    ("trl-pref-implicit", None, {"chosen": [U, A], "rejected": [U, {"role": "assistant", "content": "No."}]}, []),
    ("trl-pref-mixed-kinds", None, {"prompt": "Hi", "chosen": "Hello!", "rejected": [A]},
     [("FT103", "/rejected", E)]),
    ("trl-pref-missing-rejected", None, {"prompt": "Hi", "chosen": "Hello!"}, [("FT109", "", E)]),
    # --- Alpaca -----------------------------------------------------------------------------------
    ("alpaca-ok", None, {"instruction": "Add.", "input": "2+2", "output": "4"}, []),
    ("alpaca-no-input", None, {"instruction": "Say hi.", "output": "Hi"}, []),
    ("alpaca-missing-output", None, {"instruction": "Add.", "input": "2+2"}, [("FT109", "", E)]),
    ("alpaca-empty-output", None, {"instruction": "Add.", "input": "2+2", "output": ""}, [("FT105", "/output", E)]),
    ("alpaca-no-prompt", None, {"instruction": "", "input": "", "output": "4"}, [("FT105", "/instruction", E)]),
    ("alpaca-output-list", None, {"instruction": "Add.", "output": ["4"]}, [("FT103", "/output", E)]),
    # --- ShareGPT ---------------------------------------------------------------------------------
    ("sg-ok", None, {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}, []),
    ("sg-user-role", None, {"conversations": [{"from": "user", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
     [("FT102", "/conversations/0/from", E)]),
    ("sg-no-gpt", None, {"conversations": [{"from": "human", "value": "Hi"}]}, [("FT101", "/conversations", E)]),
    ("sg-role-content", None, {"conversations": [{"role": "human", "content": "Hi"}, {"from": "gpt", "value": "x"}]},
     [("FT109", "/conversations/0", E), ("FT109", "/conversations/0", E), ("FT104", "/conversations/0/role", W),
      ("FT104", "/conversations/0/content", W)]),
    # --- unknown / mixed --------------------------------------------------------------------------
    ("unknown", None, {"question": "q", "answer": "a"}, [("FT100", "", E)]),
    ("mixed", D.OPENAI_CHAT, {"prompt": "q", "completion": "a"}, [("FT108", "", E)]),
    ("mixed-compatible", D.MISTRAL, {"system": "x", "messages": [U, A]}, [("FT104", "/system", W)]),
]


def _run(dialect, record):
    d = dialect or D.detect_record(record)
    return d, analyze(record, d)


@pytest.mark.parametrize("name,dialect,record,expected", CASES, ids=[c[0] for c in CASES])
def test_case(name, dialect, record, expected):
    d, found = _run(dialect, record)
    got = sorted((p.code, p.pointer, (p.severity or Severity.ERROR).label) for p in found)
    assert got == sorted(expected), [p.message for p in found]
    if not expected:
        assert not found
    for p in found:
        assert p.message and len(p.message) < 400


@pytest.mark.parametrize("name,dialect,record,expected", CASES, ids=[c[0] for c in CASES])
def test_fast_path_never_hides_a_problem(name, dialect, record, expected):
    d = dialect or D.detect_record(record)
    if expected:
        assert not fast_ok(record, d)


def test_messages_quote_the_value():
    _, found = _run(None, chat(U, {"role": "assitant", "content": "x"}))
    assert '"assitant"' in found[0].message and 'did you mean "assistant"' in found[0].message
    _, found = _run(None, chat({"role": "user", "content": 42}, A))
    assert "42" in found[0].message and "a number" in found[0].message
    _, found = _run(None, chat(U, {**A, "weight": 0.5}))
    assert "0.5" in found[0].message
    _, found = _run(None, {"contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                        {"role": "assistant", "parts": [{"text": "x"}]}]})
    assert 'did you mean "model"' in found[0].message
    _, found = _run(None, {"conversations": [{"from": "user", "value": "Hi"}, {"from": "gpt", "value": "x"}]})
    assert 'did you mean "human"' in found[0].message
    long = "x" * 500
    _, found = _run(None, chat({"role": long, "content": "a"}, A))
    assert found and all(len(p.message) < 300 for p in found)


# --- through the engine: positions, fixes, targets -------------------------------------------------

def _diags(lint_text, text, **cfg):
    return [d for d in lint_text(text, **cfg) if d.code.startswith("FT1")]


def test_role_fix_replaces_value(lint_text):
    line = json.dumps(chat(U, {"role": "model", "content": "x"}))
    (d,) = _diags(lint_text, line + "\n")
    assert d.code == "FT102" and d.severity == Severity.ERROR
    assert line[d.col:d.end_col] == '"model"'
    (edit,) = d.fix.edits
    fixed = line[:edit.start] + edit.new_text + line[edit.end:]
    assert json.loads(fixed)["messages"][1]["role"] == "assistant"
    assert _diags(lint_text, fixed + "\n") == []


def test_unknown_key_underlines_key_and_renames(lint_text):
    line = json.dumps(chat({"role": "user", "contnet": "Hi"}, A))
    diags = _diags(lint_text, "\n".join([json.dumps(chat(U, A))] * 2 + [line]) + "\n")
    unknown = [d for d in diags if d.code == "FT104"]
    assert len(unknown) == 1 and unknown[0].line == 2
    assert line[unknown[0].col:unknown[0].end_col] == '"contnet"'
    (edit,) = unknown[0].fix.edits
    assert edit.new_text == '"content"'


def test_mixed_file_reports_minority_lines(lint_text):
    lines = [json.dumps(chat(U, A))] * 3 + [json.dumps({"instruction": "x", "output": "y"})]
    diags = _diags(lint_text, "\n".join(lines) + "\n")
    assert [(d.code, d.line) for d in diags] == [("FT108", 3)]
    assert "alpaca" in diags[0].message and "openai-chat" in diags[0].message


def test_dialect_override(lint_text):
    text = json.dumps(chat({"role": "developer", "content": "x"}, U, A)) + "\n"
    assert _diags(lint_text, text) == []
    assert [d.code for d in _diags(lint_text, text, dialect=D.MISTRAL)] == ["FT102"]


def test_each_rule_reports_only_its_code(lint_text):
    text = json.dumps(chat({"role": "user", "content": 4, "weight": 1}, {"role": "modle", "content": ""})) + "\n"
    all_codes = sorted(d.code for d in _diags(lint_text, text))
    assert all_codes == ["FT102", "FT103", "FT105", "FT107"]
    for code in all_codes:
        assert [d.code for d in _diags(lint_text, text, select=(code,))] == [code]


def test_json_array_file(lint_text):
    recs = [{"instruction": "Add.", "input": "2+2", "output": "4"}, {"instruction": "Add.", "output": ""}]
    diags = _diags(lint_text, json.dumps(recs, indent=2), name="data.json")
    assert [d.code for d in diags] == ["FT105"]
    assert diags[0].line > 5  # the second element, at its place in the file


def test_schemas_are_valid_and_cover_every_dialect():
    from jsonschema import Draft202012Validator

    from ftlsp.schemas import SCHEMAS

    assert set(SCHEMAS) == set(D.DIALECTS)
    for s in SCHEMAS.values():
        Draft202012Validator.check_schema(s)
