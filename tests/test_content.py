"""Content rules (FT7xx): detectors, rules, exact ranges, masking, options."""

import json

import pytest

from ftlsp.content import pii, scan
from ftlsp.content.shape import classify
from ftlsp.content.truncation import truncation
from ftlsp.fields import Turn

SK = "sk-proj-Qz8rT2mK9pL4vX7nB3cW6yH1jF5dS0aE"  # random-looking, not a real key
GHP = "ghp_Qz8rT2mK9pL4vX7nB3cW6yH1jF5dS0aE2gR8"


def hits(text, role="assistant", trained=True, prompt=None):
    turns = [Turn("/messages/0/content", "user", prompt, False, 0)] if prompt else []
    turns.append(Turn("/messages/1/content", role, text, trained, 1))
    return [(h.kind, text[h.start:h.end]) for h in scan.scan_turns(turns).hits if h.turn == len(turns) - 1]


# (text, expected (kind, matched text) list) -- an empty list means "nothing to report".
SCAN_CASES = [
    ("Comic Book Premise: [Your model will learn to generate this]",
     [("placeholder", "[Your model will learn to generate this]")]),
    ("Dear [Customer Name], your order ships today.", [("placeholder", "[Customer Name]")]),
    ("Hello {{ first_name }}, welcome!", [("placeholder", "{{ first_name }}")]),
    ("Use `{{ name }}` in the Jinja template.", []),
    ("```python\n# TODO: handle errors\n```", []),
    ("TODO: write the answer", [("placeholder", "TODO")]),
    ("Lorem ipsum dolor sit amet.", [("placeholder", "Lorem ipsum")]),
    ("See [the docs](https://example.com) and [1].", []),
    ("[product := product * i for i in prime_list]", []),
    ("Send it to <insert address here>.", [("placeholder", "<insert address here>")]),
    ("50Â°F is 10Â°C", [("mojibake", "Â°"), ("mojibake", "Â°")]),
    ("donâ€™t", [("mojibake", "â€™")]),
    ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚", [("mojibake", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚")]),
    ("CAFÉ… and l’été, naïve façade", []),
    ("Caf\ufffd au lait", [("replacement", "\ufffd")]),
    ("Mail jane.doe@gmail.com now", [("email", "jane.doe@gmail.com")]),
    ("icon@2x.png and git@github.com:org/repo", []),
    ("Call +44 20 7946 0958 today", [("phone", "+44 20 7946 0958")]),
    ("Call (212) 867-5309 today", [("phone", "(212) 867-5309")]),
    ("Appelez le 06 12 34 56 78", [("phone", "06 12 34 56 78")]),
    ("Call 555-123-4567 or 123-456-7890; in 2019-2020; 3226 students", []),
    ("Card 4539 1488 0343 6467 please", [("card", "4539 1488 0343 6467")]),
    ("Card 4539 1488 0343 6468 (bad Luhn), test 4242 4242 4242 4242", []),
    ("IBAN DE89 3704 0044 0532 0130 00 in 2023", [("iban", "DE89 3704 0044 0532 0130 00")]),
    ("IBAN GB82WEST12345698765432.", [("iban", "GB82WEST12345698765432")]),
    ("IBAN DE89 3704 0044 0532 0130 01", []),
    ("Server 81.2.69.160 is down", [("ip", "81.2.69.160")]),
    ("Use 192.168.1.1, 10.0.0.2, 203.0.113.5, 8.8.8.8 or version 1.2.3.4", []),
    ("Host 2a00:1450:4001:82a::200e and ::1 and std::vector", [("ip", "2a00:1450:4001:82a::200e")]),
    (f"key {SK} here", [("secret", SK)]),
    ("AWS AKIAQWERTZUIOP7ASDFG and the doc key AKIAIOSFODNN7EXAMPLE", [("secret", "AKIAQWERTZUIOP7ASDFG")]),
    (f"token {GHP}", [("secret", GHP)]),
    ("sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxx and sk-your-key-goes-here-please", []),
    ("api_key = 'Zx8Kq2Lm9Pw4Rt7Vb3Nc6Hy1'", [("secret", "Zx8Kq2Lm9Pw4Rt7Vb3Nc6Hy1")]),
    ("password: hunter2; the token is important", []),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
     [("secret", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----")]),
    ("Il y a 3226 étudiants au total pour la filière SSP en 2019.", []),
]


@pytest.mark.parametrize("text,expected", SCAN_CASES, ids=[c[0][:30] for c in SCAN_CASES])
def test_scan_table(text, expected):
    assert hits(text) == expected


def test_template_prompt_allows_bracket_placeholders():
    text = "Dear [Recipient Name], I am writing to apply."
    assert hits(text, prompt="Write a cover letter template") == []
    assert hits(text, prompt="Write a cover letter") == [("placeholder", "[Recipient Name]")]


def test_lorem_ipsum_as_task_input_is_data():
    assert hits("Lorem ipsum dolor sit amet", role="user", trained=False) == []
    assert hits('len("Lorem ipsum dolor")') == []


@pytest.mark.parametrize("text", [t for t, _ in SCAN_CASES])
def test_raw_gate_never_hides_a_hit(text):
    """A record whose raw JSON passes the gate clean has no hits in its strings (escaped or not)."""
    rec = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": text}]}
    turns = [Turn("/messages/0/content", "user", "q", False, 0), Turn("/messages/1/content", "assistant", text, True, 1)]
    found = scan.scan_turns(turns).hits
    for raw in (json.dumps(rec), json.dumps(rec, ensure_ascii=False)):
        if found:
            assert not scan.raw_clean(raw), raw


# -- validators and masking ------------------------------------------------------------------------

@pytest.mark.parametrize("digits,ok", [("4539148803436467", True), ("4539148803436468", False),
                                       ("378282246310005", True), ("0", True), ("79927398713", True)])
def test_luhn(digits, ok):
    assert pii.luhn_ok(digits) is ok


@pytest.mark.parametrize("iban,ok", [("DE89370400440532013000", True), ("GB82WEST12345698765432", True),
                                     ("DE89370400440532013001", False), ("DE8937040044053201300", False),
                                     ("XX89370400440532013000", False)])
def test_iban(iban, ok):
    assert pii.iban_ok(iban) is ok


@pytest.mark.parametrize("ip,ok", [("81.2.69.160", True), ("192.168.0.1", False), ("127.0.0.1", False),
                                   ("203.0.113.9", False), ("8.8.8.8", False), ("2001:db8::1", False),
                                   ("2a00:1450:4001:82a::200e", True), ("not an ip", False)])
def test_ip_global(ip, ok):
    assert pii.ip_global(ip) is ok


def test_secret_masks_hide_most_characters():
    m = pii.mask_secret(SK, "sk-")
    assert m == "sk-...S0aE" and SK not in m
    assert pii.mask_digits("4539 1488 0343 6467") == "**** **** **** 6467"
    assert pii.mask_email("jane.doe@gmail.com") == "j***@gmail.com"
    assert pii.mask_iban("DE89370400440532013000") == "DE** **** 3000"


# -- rules through the engine -----------------------------------------------------------------------

def chat(user, assistant, system=None):
    msgs = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return json.dumps({"messages": msgs}, ensure_ascii=False)


def text_at(src, d):
    line = src.splitlines()[d.line]
    return line[d.col:d.end_col]


RULE_CASES = [
    ("FT707", chat("Write", "Premise: [Your text here]"), ["[Your text here]"]),
    ("FT708", chat("Opinion?", "As an AI language model, I can't say."), ["As an AI language model"]),
    ("FT708", chat("Opinion?", "I think so."), []),
    ("FT709", chat("Explain", "Plants turn light into sugar and release oxygen as a by-product of the"), None),
    ("FT709", chat("Explain", '{"a": [1, 2'), None),
    ("FT709", chat("Explain", "Plants turn light into sugar."), []),
    ("FT710", chat("Temp?", "It is 50Â°F."), ["Â°"]),
    ("FT711", chat("Hi", "Caf\ufffd"), ["\ufffd"]),
    ("FT712", chat("Mail jane.doe@gmail.com", "ok"), ["jane.doe@gmail.com"]),
    ("FT712", chat("Mail jane.doe@example.com", "ok"), []),
    ("FT713", chat(f"my key is {SK}", "ok"), [SK]),
]


@pytest.mark.parametrize("code,src,expected", RULE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(RULE_CASES)])
def test_rule_table(lint_text, code, src, expected):
    diags = [d for d in lint_text(src + "\n", select=(code,)) if d.code == code]
    if expected is None:
        assert len(diags) == 1
    else:
        assert [text_at(src, d) for d in diags] == expected


def test_exact_range_through_escapes(lint_text):
    """Offsets map decoded-string indices to the raw JSON text (escapes, non-BMP characters)."""
    src = json.dumps({"messages": [{"role": "user", "content": f"😀 line\n\"quoted\" é key={SK}"},
                                   {"role": "assistant", "content": "ok"}]})
    (d,) = [d for d in lint_text(src + "\n", select=("FT713",))]
    assert text_at(src, d) == SK


def test_secret_never_printed_in_full(lint_text):
    src = chat(f"key {SK} and {GHP}", "ok")
    diags = lint_text(src + "\n", select=("FT713",))
    assert len(diags) == 2
    for d in diags:
        blob = d.message + json.dumps(d.data)
        assert SK not in blob and GHP not in blob and SK[8:30] not in blob


def test_personal_data_kinds_allow_and_severity(lint_text):
    src = chat("Mail jane.doe@gmail.com, card 4539 1488 0343 6467, call +44 20 7946 0958", "ok")
    diags = lint_text(src + "\n", select=("FT712",))
    assert sorted(d.severity.label for d in diags) == ["error", "warning", "warning"]
    only = lint_text(src + "\n", select=("FT712",), rules={"FT712": {"kinds": ["email"], "allow": ["@gmail.com"]}})
    assert only == []
    with pytest.raises(ValueError):
        lint_text(src + "\n", select=("FT712",), rules={"FT712": {"kinds": ["passport"]}})


def test_mojibake_fix_repairs_text(lint_text):
    src = chat("Temp?", "It is 50Â°F.")
    (d,) = lint_text(src + "\n", select=("FT710",))
    (edit,) = d.fix.edits
    fixed = src[:edit.start] + edit.new_text + src[edit.end:]
    assert json.loads(fixed)["messages"][1]["content"] == "It is 50°F."


# -- output schema and tool calls ----------------------------------------------------------------

SCHEMA = {"type": "object", "required": ["label", "score"], "additionalProperties": False,
          "properties": {"label": {"enum": ["pos", "neg"]}, "score": {"type": "number"}}}


@pytest.mark.parametrize("output,expected", [
    ('{"label": "pos", "score": 0.9}', []),
    ('{"label": "meh", "score": 0.9}', [("enum", '"meh"', "/label")]),
    ('{"label": "pos"}', [("required", '{"label": "pos"}', "")]),
    ('{"label": "pos", "score": "high"}', [("type", '"high"', "/score")]),
    ('{"label": "pos", "score": 1, "note": "x"}', [("additionalProperties", '"x"', "/note")]),
    ('```json\n{"label": "pos", "score": 1}\n```', [("json", None, None)]),
    ("positive", [("json", None, None)]),
])
def test_output_schema(lint_text, tmp_path, output, expected):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(SCHEMA))
    src = chat("Great!", output)
    diags = lint_text(src + "\n", select=("FT701",), rules={"FT701": {"schema": str(schema)}})
    got = []
    for d in diags:
        raw = text_at(src, d)
        got.append((d.data["keyword"], json.loads('"' + raw + '"') if d.data["keyword"] != "json" else None,
                    d.data.get("field")))
    assert got == expected


def test_output_schema_per_file_pattern_and_relative_path(tmp_path):
    from ftlsp.config import load_file
    from ftlsp.engine import lint_paths

    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "s.json").write_text(json.dumps(SCHEMA))
    (tmp_path / "ftlint.toml").write_text('select = ["FT701"]\n[rules.FT701]\nschemas = { "sent*.jsonl" = '
                                          '"schemas/s.json" }\n')
    # (different texts: the engine caches example findings by record content, not by file)
    (tmp_path / "sentiment.jsonl").write_text(chat("x", '{"label": "meh", "score": 1}') + "\n")
    (tmp_path / "other.jsonl").write_text(chat("y", '{"label": "meh", "score": 1}') + "\n")
    cfg = load_file(tmp_path / "ftlint.toml")
    res = {r.path.rsplit("/", 1)[-1]: r for r in lint_paths([str(tmp_path / "sentiment.jsonl"),
                                                             str(tmp_path / "other.jsonl")], cfg)}
    assert [d.code for d in res["sentiment.jsonl"].diagnostics] == ["FT701"]
    assert res["other.jsonl"].diagnostics == []


def test_output_schema_missing_file_is_a_notice(tmp_path):
    from ftlsp.config import Config
    from ftlsp.document import Document
    from ftlsp.engine import Linter

    cfg = Config(select=("FT701",), rules={"FT701": {"schema": str(tmp_path / "nope.json")}})
    res = Linter(cfg).lint(Document.from_text("d.jsonl", chat("x", "y") + "\n"))
    assert res.diagnostics == [] and any("nope.json" in n for n in res.notices)


TOOLS = [{"type": "function", "function": {"name": "weather", "parameters": {
    "type": "object", "required": ["city"],
    "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}}}}]


@pytest.mark.parametrize("args,expected", [
    ('{"city": "Paris", "unit": "c"}', []),
    ('{"city": "Paris", "unit": "kelvin"}', [("enum", '"kelvin"')]),
    ('{"unit": "c"}', [("required", '{"unit": "c"}')]),
    ('{"city": 7}', [("type", "7")]),
    ("not json", []),  # FT106's
])
def test_tool_arguments(lint_text, args, expected):
    rec = {"tools": TOOLS, "messages": [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                                              "function": {"name": "weather", "arguments": args}}]}]}
    src = json.dumps(rec)
    diags = lint_text(src + "\n", select=("FT702",))
    assert [(d.data["keyword"], json.loads('"' + text_at(src, d) + '"')) for d in diags] == expected


# -- length limits -----------------------------------------------------------------------------------

def test_length_limits(lint_text):
    src = chat("one two three", "a b c d e f g h i j k l")
    opts = {"FT705": {"max_words": {"assistant": 10}, "min_words": {"user": 4}, "max_tokens": {"assistant": 5}}}
    diags = lint_text(src + "\n", select=("FT705",), rules=opts)
    msgs = sorted(d.message for d in diags)
    assert len(msgs) == 3
    assert any("12 words; the limit is 10" in m for m in msgs)
    assert any("3 words; the minimum is 4" in m for m in msgs)
    assert any("tokens" in m and "the limit is 5" in m for m in msgs)
    assert lint_text(src + "\n", select=("FT705",)) == []


@pytest.mark.parametrize("opts", [{"max_words": {"robot": 3}}, {"max_words": {"assistant": -1}},
                                  {"max_words": 100}])
def test_length_limit_options_checked(lint_text, opts):
    with pytest.raises(ValueError):
        lint_text(chat("a", "b") + "\n", select=("FT705",), rules={"FT705": opts})


@pytest.mark.parametrize("text,why", [
    ("Il y a 3226 étudiants au total pour la filière SSP en 2019.", None),
    ('{"a": [1, 2', "JSON"),
    ('{"a": "unterminated', "JSON"),
    ("```python\nprint(1)", "fence"),
    ("The answer requires three steps, and the first of them is to", "'to'"),
    ("Step one is easy. Step two is harder. The final thing you need to do is mix the flour and eggs together", "mid"),
    ("#### 42", None),
    ("Positive", None),
    ("- item one\n- item two", None),
    ("See https://example.com/page", None),
])
def test_truncation(text, why):
    got = truncation(text)
    assert (got is None) if why is None else (why in got)


@pytest.mark.parametrize("text,kind", [
    ('{"a": 1, "b": 2}', "json-object"), ("[1, 2]", "json-array"), ("```json\n{}\n```", "fenced"),
    ("- a\n- b\n- c", "list"), ("positive", "label"), ("The sentiment is positive.", "prose"), ("  ", "empty"),
])
def test_shape(text, kind):
    assert classify(text).kind == kind


# -- dataset rules -----------------------------------------------------------------------------------

def lines(records):
    return "\n".join(records) + "\n"


def test_format_outlier_keys_fence_and_prose(lint_text):
    good = [chat(f"q{i}", json.dumps({"label": "pos", "score": i / 100})) for i in range(40)]
    src = good[:]
    src[5] = chat("q5", '{"label": "pos"}')
    src[9] = chat("q9", '```json\n{"label": "pos", "score": 1}\n```')
    src[20] = chat("q20", "It is positive.")
    diags = lint_text(lines(src), select=("FT703",))
    assert sorted(d.line for d in diags) == [5, 9, 20]
    by_line = {d.line: d.message for d in diags}
    assert "missing 'score'" in by_line[5] and "code fence" in by_line[9] and "prose" in by_line[20]
    assert lint_text(lines(good), select=("FT703",)) == []


def test_format_outlier_needs_a_clear_majority(lint_text):
    mixed = [chat(f"q{i}", json.dumps({"a": 1}) if i % 3 else "prose answer here.") for i in range(40)]
    assert lint_text(lines(mixed), select=("FT703",)) == []


def test_system_prompt_outlier(lint_text):
    sys_p = "Tu es un data scientist. Réponds brièvement."
    recs = [chat(f"q{i}", "r.", system=sys_p) for i in range(30)]
    recs[7] = chat("q7", "r.", system=sys_p.replace("brièvement", "brievement"))
    recs[11] = chat("q11", "r.")
    diags = lint_text(lines(recs), select=("FT704",))
    assert sorted(d.line for d in diags) == [7, 11]
    assert "no system prompt" in [d for d in diags if d.line == 11][0].message
    assert lint_text(lines([chat(f"q{i}", "r.", system=f"p{i % 4}") for i in range(30)]), select=("FT704",)) == []


def test_output_length_outlier(lint_text):
    recs = [chat(f"q{i}", " ".join(["word"] * (40 + i % 7))) for i in range(40)]
    recs[3] = chat("q3", " ".join(["word"] * 400))
    recs[8] = chat("q8", "Yes.")
    diags = lint_text(lines(recs), select=("FT706",))
    assert sorted(d.line for d in diags) == [3, 8]
    assert "400 words" in [d for d in diags if d.line == 3][0].message


def test_fast_chat_path_agrees_with_fields_turns():
    from ftlsp.content import record
    from ftlsp import fields

    datas = [
        {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"},
                      {"role": "assistant", "content": "a", "weight": 0}, {"role": "model", "content": "b"}]},
        {"system": "top", "messages": [{"role": "user", "content": "u"}, {"role": "assistant", "content": None},
                                       {"role": "bot", "content": "c"}, 5]},
        {"messages": [{"role": 3, "content": "x"}, {"role": "gpt", "content": "y"}]},
    ]
    for data in datas:
        fast = record._fast_chat(data, "openai-chat")
        ts = fields.turns(data, "openai-chat")
        outs = [(t.pointer, t.text) for _, t in record.outputs(ts)]
        sys_t = next((t for t in ts if t.role == "system"), None)
        assert list(fast[0]) == outs
        assert (fast[1], fast[2]) == ((sys_t.text, sys_t.pointer) if sys_t else (None, None))
        assert fast[3] == (ts[0].pointer if ts else None)
