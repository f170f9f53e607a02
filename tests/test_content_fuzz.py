"""Content rules never crash, whatever the strings and JSON shapes; the raw gate never hides a hit."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlsp.config import Config
from ftlsp.content import scan
from ftlsp.content.shape import classify
from ftlsp.content.truncation import truncation
from ftlsp.document import Document
from ftlsp.engine import Linter
from ftlsp.fields import Turn

# Text with the characters the detectors care about, so the fuzzer reaches their branches.
ALPHABET = st.sampled_from(list("abcXYZ019 .-:@[]{}<>/\\\"'\n_+()") + ["Ã", "Â", "©", "°", "â€", "\ufffd", "é",
                                                                      "😀", "\ud800", "TODO", "sk-", "AKIA",
                                                                      "-----BEGIN ", "As an AI ", "Lorem ipsum"])
TEXT = st.lists(ALPHABET, max_size=60).map("".join) | st.text(max_size=80)
JSONV = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                     lambda c: st.lists(c, max_size=4) | st.dictionaries(TEXT, c, max_size=4), max_leaves=12)
ROLE = st.sampled_from(["system", "user", "assistant", "tool", "model", "x", 3, None])
MESSAGE = st.fixed_dictionaries({"role": ROLE, "content": TEXT | JSONV}) | JSONV
RECORD = (st.fixed_dictionaries({"messages": st.lists(MESSAGE, max_size=4)}, optional={"tools": JSONV, "system": JSONV})
          | st.fixed_dictionaries({"prompt": TEXT | JSONV, "completion": TEXT | JSONV})
          | st.dictionaries(TEXT, JSONV, max_size=3))

LINTER = Linter(Config(select=("FT7",), rules={"FT705": {"max_words": {"assistant": 3}, "min_words": {"user": 2}}}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=6))
def test_rules_never_crash(records):
    lines = []
    for r in records:
        try:
            lines.append(json.dumps(r, ensure_ascii=False))
        except (UnicodeEncodeError, ValueError):
            lines.append(json.dumps(r))
    doc = Document.from_text("fuzz.jsonl", "\n".join(lines) + "\n")
    for d in LINTER.lint(doc).diagnostics:
        assert 0 <= d.line < max(1, len(doc.lines)) and d.col >= 0


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_raw_gate_is_a_superset(user, answer):
    rec = {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}
    turns = [Turn("/messages/0/content", "user", user, False, 0),
             Turn("/messages/1/content", "assistant", answer, True, 1)]
    if scan.scan_turns(turns).hits:
        assert not scan.raw_clean(json.dumps(rec))
        try:
            assert not scan.raw_clean(json.dumps(rec, ensure_ascii=False))
        except UnicodeEncodeError:
            pass


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_helpers_total(text):
    truncation(text)
    classify(text)
    scan.refusals(text)
