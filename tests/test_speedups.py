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
