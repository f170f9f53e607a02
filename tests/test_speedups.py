"""The optional C prefilters (ftlsp/_speedups.c) give exactly the answers of their Python twins.

``scan.record_gate`` and ``scan.refusal_possible`` are bound to the C versions when the module is
built; the Python versions stay the reference. Generated texts mix the characters each test in
the gate looks at (digits, separators, capitals, brackets, escapes, mojibake pairs, U+FFFD,
surrogates, astral characters), so every branch is compared, not only clean prose. CI sets
FTLSP_REQUIRE_SPEEDUPS=1 so a broken build fails there instead of silently running slower.
"""

import json
import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ftlsp.content import scan

speedups = scan._speedups
needs_c = pytest.mark.skipif(speedups is None, reason="ftlsp._speedups is not built")


def test_built_when_required():
    if os.environ.get("FTLSP_REQUIRE_SPEEDUPS") == "1":
        assert speedups is not None, "the C extension ftlsp._speedups did not build"
        assert scan.record_gate is speedups.record_gate


GATE_PIECES = st.sampled_from([
    "0", "1", "7", "2019", ".", ". ", " ", "-", "(", ")", "/", ":", "::", "a", "b", "z", "_", "A", "B", "Z",
    "AB", "ABCD", "{", "{{", "}", "[", "[x", "[ ", "<", "<a", "@", "\\", "\\u00e9", "\\u00C3", "\\u0041", "\\ufffd",
    "\\uFFFD", "\\/", "\\n", "\\\\", "u", "Lorem ipsum", "Lorem", "L", "é", "Â", "Ã©", "Ã", "Â°", "â€", "â€™",
    "Å\u201c", "\u00c4\u00b0", "Ð¿Ñ€", "\u00f4\u0152", "\u00c2\u2122", "\ufffd", "\ud800", "😀", "’", "\n", "\"", ",",
])
REFUSAL_PIECES = st.sampled_from([
    "as ", "As ", "AS ", "an ", "a ", "AI", "ai", "artificial ", "large ", "language model", "I", "i", " am ",
    "'m ", "’m ", "m ", "can't ", "can’t ", "cannot ", "do not ", "don't ", "don’t ", "have ", "my ", "My ",
    "knowledge", "training", "of my ", "by ", "openai", "OpenAI", "s", "y", "\u0130", "\u0131", "\u017f",
    "\u212a", "é", "—", "\u2084", "\u0184", "\ud800", "😀", "\n", ".", "x", "#", "# ",
])


@needs_c
@settings(max_examples=3000, deadline=None)
@given(st.lists(GATE_PIECES, max_size=30).map("".join))
@example("in 2019. 3226 students")
@example("call 555 123 4567 AB")
@example("0.0.0.0 x ::")
@example("XLorem ipsum")
@example("A{{")
@example("0{")
@example("12 34 5678. 9")
def test_record_gate_matches_python(text):
    assert speedups.record_gate(text) == scan._record_gate_py(text), text


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_record_gate_matches_python_on_any_text(text):
    assert speedups.record_gate(text) == scan._record_gate_py(text)
    raw = json.dumps({"messages": [{"role": "user", "content": text}]})
    assert speedups.record_gate(raw) == scan._record_gate_py(raw)


@needs_c
@settings(max_examples=3000, deadline=None)
@given(st.lists(REFUSAL_PIECES, max_size=16).map("".join))
@example("As an AI language model")
@example("It was trained by OpenAI.")
def test_refusal_possible_matches_python(text):
    assert speedups.refusal_possible(text) == scan._refusal_possible_py(text), text


@needs_c
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_refusal_possible_matches_python_on_any_text(text):
    assert speedups.refusal_possible(text) == scan._refusal_possible_py(text)


@needs_c
def test_long_text_takes_the_heap_buffer():
    text = "x" * 5000 + " As an AI language model"
    assert speedups.refusal_possible(text) and scan._refusal_possible_py(text)
    assert not speedups.refusal_possible("x" * 5000)


@needs_c
@pytest.mark.parametrize("bad", [None, b"bytes", 3])
def test_rejects_non_str(bad):
    with pytest.raises(TypeError):
        speedups.record_gate(bad)
    with pytest.raises(TypeError):
        speedups.refusal_possible(bad)


# -- chat_features: record.features_of for the common chat shape ------------------------------------------------

from ftlsp.content import record, shape  # noqa: E402
from ftlsp.rule import Example  # noqa: E402
from ftlsp.content.truncation import truncation_cue  # noqa: E402

ROLE = st.sampled_from(["system", "user", "assistant", "model", "gpt", "human", "bot", "tool", "developer", 3, None])
CONTENT = st.one_of(st.sampled_from(["", "one two", "a\nb c", "  x  ", "é ü\n\n"]), st.text(max_size=20), st.none(),
                    st.just([{"type": "text", "text": "hi"}]), st.integers())
MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": ROLE, "content": CONTENT}),
    st.fixed_dictionaries({"role": ROLE, "content": CONTENT},
                          optional={"weight": st.sampled_from([0, 1, 0.0, True, False, None, "0"]),
                                    "tool_calls": st.just([]), "function_call": st.just({}), "name": st.text(max_size=3)}),
    st.fixed_dictionaries({}, optional={"content": CONTENT, "role": ROLE}),
    st.sampled_from([5, "text", None, []]))
RECORD = st.fixed_dictionaries({"messages": st.one_of(st.lists(MESSAGE, max_size=6), st.just("x"), st.none())},
                               optional={"system": st.one_of(st.text(max_size=5), st.integers())})


def _c_features(data):
    return speedups.chat_features(data, record._ALIASES, record._CONTENT_PTRS, record.Features, shape.PROSE,
                                  shape.classify)


def _python_features(data):
    ex = Example(type("R", (), {"data": data, "index": 0, "text": ""})(), "x.jsonl", "openai-chat")
    return record._features_py(ex, data, "openai-chat")


@needs_c
@settings(max_examples=1500, deadline=None)
@given(RECORD)
def test_chat_features_match_python(data):
    got = _c_features(data)
    # C answers exactly where the Python fast path does (up to 64 messages, plain dicts) ...
    assert (got is None) == (record._fast_chat(data, "openai-chat") is None)
    if got is not None:  # ... and with the same Features, word counts and shape included
        assert type(got) is record.Features
        assert got == _python_features(data)


@needs_c
@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["word", " ", "\n", "{", "[", "`", "```", ".", "x" * 30, "\u2003", "é", "- "]),
                max_size=12).map("".join))
@example("x" * 41)
@example("x" * 40)
def test_plain_prose_is_what_classify_says(text):
    if speedups.plain_prose(text):
        assert shape.classify(text) is shape.PROSE


TRUNCATION_PIECES = st.sampled_from(["word", " ", "\n", "{", "[", "}", "]", "`", "```", ".", "!", "?", ",", ":",
                                     "…", "”", "\u2003", "é", "as an AI", "I'm sorry", " the", "\"", "{\"a\": 1}"])


@needs_c
@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(TRUNCATION_PIECES, max_size=10).map("".join), max_size=3))
@example(["{\"a\": 1}"])
@example(["  "])
def test_outputs_quiet_promises_no_cue_and_no_refusal_start(texts):
    outs = tuple((f"/messages/{i}/content", t) for i, t in enumerate(texts))
    if speedups.outputs_quiet(outs):
        for t in texts:
            assert not truncation_cue(t) and not scan._refusal_possible_py(t), t
    else:  # not quiet: some output has a cue, a refusal start, or starts like JSON
        assert any(truncation_cue(t) or scan._refusal_possible_py(t) or t.rstrip()[:1] in ("{", "[")
                   for t in texts)


@needs_c
def test_chat_features_leaves_long_and_odd_records_to_python():
    many = {"messages": [{"role": "assistant", "content": "x"}] * 65}
    assert _c_features(many) is None
    assert record._fast_chat(many, "openai-chat") is not None  # the Python path answers for those

    class Sub(dict):
        pass

    assert _c_features({"messages": [Sub(role="assistant", content="x")]}) is None
    assert _c_features(Sub(messages=[])) is None
    with pytest.raises(TypeError):
        speedups.chat_features({}, [], ())


@needs_c
@pytest.mark.parametrize("text", ["", "one", "one two", "a\nb", " \n ", "é ü", "😀 x\n"])
def test_approx_words_matches_python(text):
    assert speedups.approx_words(text) == record.approx_words(text)


# -- end to end: the content rules give the same diagnostics with and without the C module -----------

def _lint_content(text):
    from ftlsp.config import Config
    from ftlsp.document import Document
    from ftlsp.engine import Linter

    doc = Document.from_text("c.jsonl", text)
    return [(d.code, d.line, d.col, d.end_col, d.message) for d in Linter(Config(select=("FT7",))).lint(doc).diagnostics]


@needs_c
def test_content_rules_same_with_python_fallback(monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    import bench_content

    text = bench_content.generate(3000, seed=11)
    text += "".join(json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": a}]},
                               ensure_ascii=ascii_only) + "\n"
                    for a in ("As an AI language model, I can't.", "I’m sorry, but I can’t help with that.",
                              "{\"a\": [1, 2", "```python\nprint(1)", "Café Ã© costs 12 €", "Call +44 20 7946 0958 now.",
                              "Key sk-proj-abcDEF0123456789abcdef0123 here.", "Ends with the")
                    for ascii_only in (True, False))
    with_c = _lint_content(text)
    monkeypatch.setattr(scan, "record_gate", scan._record_gate_py)
    monkeypatch.setattr(scan, "refusal_possible", scan._refusal_possible_py)
    monkeypatch.setattr(record, "_c_chat", None)
    monkeypatch.setattr(record, "_c_quiet", None)
    without = _lint_content(text)
    assert with_c == without
    assert len({c for c, *_ in with_c}) >= 6  # the planted kinds are found, not just nothing twice
