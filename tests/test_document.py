"""Document model and JSON positions: table-driven cases and fuzzing."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlsp.config import Config
from ftlsp.document import Document
from ftlsp.engine import Linter, locate
from ftlsp import jsonparse
from ftlsp.jsonparse import decoded_to_raw, parse, spans


@pytest.mark.parametrize("text, expect", [
    ('{"a": 1, "b": [1, {"c": "x"}]}', {"": '{"a": 1, "b": [1, {"c": "x"}]}', "/a": "1", "/b": '[1, {"c": "x"}]',
                                         "/b/0": "1", "/b/1/c": '"x"'}),
    ('{"a/b": {"~k": null}}', {"/a~1b": '{"~k": null}', "/a~1b/~0k": "null"}),
    ('{"s": "q\\"uote", "t": true}', {"/s": '"q\\"uote"', "/t": "true"}),
    ('{"é😀": "ü"}', {"/é😀": '"ü"'}),
])
def test_spans_locate_values(text, expect):
    sp = spans(text)
    for ptr, value in expect.items():
        assert text[sp[ptr][2]:sp[ptr][3]] == value


def test_spans_key_range():
    text = '{"messages": [{"role": "model"}]}'
    ks, ke, vs, ve = spans(text)["/messages/0/role"]
    assert text[ks:ke] == '"role"' and text[vs:ve] == '"model"'


@pytest.mark.parametrize("text, kind, needle", [
    ('{"a": 1,}', "syntax", "trailing comma"),
    ('{"a": [1, 2,]}', "syntax", "trailing comma"),
    ("{'a': 1}", "syntax", "single-quoted"),
    ('{"a": NaN}', "nan", "NaN"),
    ('{"a": -Infinity}', "nan", "Infinity"),
    ('{"a": "b', "syntax", "truncated"),
    ('{"a": ', "syntax", "truncated"),
    ('{"a": "x\ty"}', "syntax", "control character"),
    ('{"a": 1} {"b": 2}', "syntax", "extra data"),
])
def test_parse_errors_are_explained(text, kind, needle):
    data, err = parse(text)
    assert data is None and err is not None
    assert err.kind == kind and needle.lower() in err.message.lower(), err.message
    assert 0 <= err.offset <= len(text)


def test_deep_nesting_is_an_error_not_a_crash():
    text = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    _, err = parse(text)
    assert err is not None and err.kind == "depth"
    Linter().lint(Document.from_text("x.jsonl", text + "\n"))


@pytest.mark.parametrize("literal, start, end, raw", [
    ('"abc"', 1, 2, "b"),
    ('"a\\nbc"', 2, 3, "b"),
    ('"\\u00e9x"', 1, 2, "x"),
    ('"\\ud83d\\ude00!"', 1, 2, "!"),
    ('"a\\"b"', 0, 3, 'a\\"b'),
])
def test_decoded_to_raw(literal, start, end, raw):
    a, b = decoded_to_raw(literal, start, end)
    assert literal[a:b] == raw
    assert json.loads(literal)[start:end] == json.loads('"' + raw + '"')


def test_lines_records_and_kinds():
    text = '{"a": 1}\r\n\n// note\n# also\n{\n  "b": 2\n}\n{"c": 3}'
    doc = Document.from_text("d.jsonl", text)
    assert [ln.kind for ln in doc.lines] == ["content", "blank", "comment", "comment", "content",
                                            "continuation", "continuation", "content"]
    assert [(r.line, r.end_line, r.data) for r in doc.records] == [(0, 0, {"a": 1}), (4, 6, {"b": 2}), (7, 7, {"c": 3})]
    assert doc.lines[0].crlf and not doc.ends_with_newline


def test_truncated_line_does_not_swallow_next_records():
    text = '{"messages": [{"role": "user", "content": "hi"\n{"a": 1}\n{"b": 2}\n'
    doc = Document.from_text("d.jsonl", text)
    assert [(r.line, r.ok) for r in doc.records] == [(0, False), (1, True), (2, True)]


def test_bom_keeps_offsets_and_is_reported():
    doc = Document.from_bytes("d.jsonl", b'\xef\xbb\xbf{"a": "\xc3\xa9"}\n')
    assert doc.bom and doc.records[0].data == {"a": "é"}
    assert doc.text[1] == "{"  # same offsets as the editor's text, which still holds the BOM


def test_invalid_utf8_is_located():
    doc = Document.from_bytes("d.jsonl", b'{"a": 1}\n{"b": "caf\xe9"}\n')
    assert doc.lines[1].bad_utf8_col == 10 and doc.lines[0].bad_utf8_col is None
    diags = Linter().lint(doc).diagnostics
    d = next(d for d in diags if d.code == "FT006")
    assert (d.line, d.col) == (1, 10)


def test_json_array_file_records_at_their_place():
    text = '[\n  {"instruction": "a", "output": "b"},\n  {\n    "instruction": "c",\n    "output": 1\n  }\n]\n'
    doc = Document.from_text("d.json", text)
    assert doc.is_array and [(r.line, r.end_line) for r in doc.records] == [(1, 1), (2, 5)]
    start, end = locate(doc.records[1], "/output", "value")
    assert doc.position(doc.records[1].start + start) == (4, 14)
    assert not [d for d in Linter().lint(doc).diagnostics if d.code in ("FT002", "FT003")]


def test_unterminated_array_is_reported():
    doc = Document.from_text("d.json", '[{"a": 1}, {"b": 2}')
    diags = Linter().lint(doc).diagnostics
    assert any(d.code == "FT001" and "array" in d.message for d in diags)


def test_empty_and_whitespace_files():
    for text in ("", "\n", "  \n\n"):
        codes = {d.code for d in Linter().lint(Document.from_text("e.jsonl", text)).diagnostics}
        assert "FT012" in codes


def test_duplicate_keys_found_without_false_positives(lint_text):
    diags = lint_text('{"prompt": "a \\": x", "completion": "b"}\n{"prompt": "a", "prompt": "b"}\n')
    dup = [d for d in diags if d.code == "FT010"]
    assert [d.line for d in dup] == [1]
    assert "'prompt'" in dup[0].message and dup[0].col == 16


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(json_values, max_size=5))
def test_spans_cover_every_pointer(values):
    for v in values:
        text = json.dumps(v, ensure_ascii=False)
        sp = spans(text)
        assert json.loads(text[sp[""][2]:sp[""][3]]) == v


SHARED = Linter(Config())  # one linter: shared services (tokenizers, models) load once


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_fuzz_no_crash_on_arbitrary_bytes(raw):
    for name in ("f.jsonl", "f.json"):
        doc = Document.from_bytes(name, raw)
        res = SHARED.lint(doc)
        for d in res.diagnostics:
            assert 0 <= d.line <= max(len(doc.lines) - 1, 0)
            assert d.col >= 0 and d.end_line >= d.line


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['{"a": 1}', "", "//x", "{", "}", '  "k": [', "]", '{"b": "\\u00e9"}', "[1,",
                                 '{"m": [{"role": "user", "content": "x"}]}', "NaN", '"s"', "{'q': 1}"]),
                max_size=30))
def test_fuzz_line_soup(lines):
    text = "\n".join(lines)
    doc = Document.from_text("soup.jsonl", text)
    covered = set()
    for r in doc.records:
        assert r.line <= r.end_line
        rng = set(range(r.line, r.end_line + 1))
        assert not rng & covered
        covered |= rng
    SHARED.lint(doc)


@pytest.mark.parametrize("text", ["]", "}", ",", '{"a": ]}', "[,]"])
def test_stray_punctuation_positions_are_in_range(text):
    doc = Document.from_text("p.jsonl", text + "\n")
    for d in Linter().lint(doc).diagnostics:
        assert 0 <= d.col <= len(text) and d.end_col >= d.col


def test_huge_line_is_linted():
    big = '{"prompt": "' + "x" * 5_000_000 + '", "completion": "y", "extra": NaN}\n'
    diags = Linter().lint(Document.from_text("big.jsonl", big)).diagnostics
    assert any(d.code == "FT009" for d in diags)


# The tokenizer's string pattern is an unrolled loop; it must split text exactly as the plain
# alternation "(?:[^"\\]|\\.)*"? does, including unterminated strings and trailing backslashes.
_PLAIN_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*"?)|([{}\[\],:])|([^\s{}\[\],:"]+))', re.S)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(['"', "\\", "a", " ", "\n", "{", "}", "[", "]", ",", ":", '\\"', "\\\\", "é", "1"]),
                max_size=16).map("".join))
def test_tokenizer_matches_the_plain_string_pattern(text):
    def toks(rx):
        return [(m.lastindex, m.span(m.lastindex)) for m in rx.finditer(text) if m.lastindex]

    assert toks(jsonparse._TOKEN) == toks(_PLAIN_TOKEN)


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=4)), max_size=5),
       st.booleans())
def test_spans_keys_with_and_without_escapes(data, ascii_only):
    text = json.dumps({"m": data}, ensure_ascii=ascii_only)
    got = spans(text)
    for key in data:
        ptr = "/m/" + key.replace("~", "~0").replace("/", "~1")
        assert ptr in got, (key, text)
        ks, ke, vs, ve = got[ptr]
        assert json.loads(text[ks:ke]) == key and json.loads(text[vs:ve]) == data[key]
