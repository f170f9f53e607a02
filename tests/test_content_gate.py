"""The content rules' shared gate: every cheap test it makes is a necessary condition of a finding.

``content_clean`` lets the engine skip every FT7 example rule on a record; these tests hold each of
its parts (record gate, refusal starts, truncation cue, offset shortcut, medians) to the exact
answer of the full check they stand in for, on tables and on generated text.
"""

import json
import math
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ftlsp.config import Config
from ftlsp.content import record, scan
from ftlsp.content.truncation import truncation, truncation_cue
from ftlsp.document import Document
from ftlsp.engine import Linter
from ftlsp.fields import Turn
from ftlsp.rule import Example
from ftlsp.rules.ft706_output_length_outlier import _median

# -- refusal starts -------------------------------------------------------------------------------

REFUSALS = [
    "As an AI language model, I cannot do that.", "as a large language model i", "I am just an AI.",
    "I’m sorry, but I can’t help with that.", "I'm sorry but as an AI I cannot", "I CANNOT HELP WITH THAT",
    "i can't assist with your request", "I am unable to comply with that request.",
    "My knowledge cutoff is 2021.", "As of my last update, prices rose.", "It was trained by OpenAI.",
    "I don’t have personal opinions.", "I do not have feelings.", "\u0130 am sorry, but I cannot",
    "I'm ſorry, but I can't", "my \u212anowledge cutoff", "I'm an artificial intelligence",
]
NOT_REFUSALS = ["Plants turn light into sugar.", "This is training data.", "It was an analysis.", "", "I"]


@pytest.mark.parametrize("text", REFUSALS)
def test_refusal_start_found_wherever_the_regex_matches(text):
    assert scan._REFUSAL.search(text), text  # the table itself is right
    assert scan.refusal_possible(text)


@pytest.mark.parametrize("text", NOT_REFUSALS)
def test_refusal_start_absent_from_plain_prose(text):
    assert not scan.refusal_possible(text)


FRAGMENTS = st.sampled_from(["as ", "As ", "AS ", "an ", "a ", "AI", "ai", "artificial intelligence", "large ",
                             "language model", "I", "i", " am ", "'m ", "’m ", "sorry", ", but ", "can't ",
                             "can’t ", "cannot ", "help with ", "assist with ", "that", "my ", "My ", "knowledge ",
                             "training ", "cutoff", "of ", "last ", "update", "by ", "OpenAI", "trained ",
                             "don't ", "don’t ", "do not ", "have ", "opinions", "\u0130", "\u0131", "\u017f",
                             "\u212a", "é", "—", "\n", ".", "x"])


@settings(max_examples=400, deadline=None)
@given(st.lists(FRAGMENTS, max_size=14).map("".join))
def test_refusal_possible_is_a_superset(text):
    if scan._REFUSAL.search(text):
        assert scan.refusal_possible(text), text


# -- truncation cue ---------------------------------------------------------------------------------

TAILS = st.sampled_from(["word", " the", " and", ",", ";", ".", "!", "?", ")", "}", "]", '"', "```", "\n", " ",
                         "{", "[", "de", " Sentence one. Sentence two", " ok", "# Heading", "\n- item", "…"])


@settings(max_examples=400, deadline=None)
@given(st.lists(TAILS, max_size=30).map("".join))
def test_truncation_cue_is_a_superset(text):
    if any(truncation(text, n) for n in (1, 5, 20)):
        assert truncation_cue(text), text


# -- the record gate ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["In 2019. 3226 students enrolled.", "Scores: 12. 45. 78. 90.", "v1.2. 3.4"])
def test_sentence_numbers_are_not_number_runs(text):
    rec = json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": text}]})
    assert scan.raw_clean(rec)


NUMBERY = st.lists(st.sampled_from(list("0123456789 .-()/:+") + [". ", "(212) ", "+44 ", "4539 ", "81.2.", "::",
                                                                   "GB", "DE", "ABCD ", "2a00:"]),
                   max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(NUMBERY)
@example("0000. 1::")  # a short IPv6 that only a run from outside the address triggers
@example("2019. 12 GB12 ABCD 1234 ABCD 1234 56")
def test_record_gate_never_hides_a_number_hit(text):
    turns = [Turn("/messages/0/content", "assistant", text, True, 0)]
    if scan.scan_turns(turns).hits:
        assert not scan.raw_clean(json.dumps({"messages": [{"role": "assistant", "content": text}]}))


# -- the whole gate against the rules it stands for -------------------------------------------------

TEXT = st.lists(FRAGMENTS | TAILS | st.sampled_from(REFUSALS) | st.sampled_from(
    ["jane@gmail.com", "[Your name]", "50Â°F", "\ufffd", "TODO", "{{x}}", "+44 20 7946 0958"]), max_size=12).map("".join)
GATED = [cls for cls in Linter(Config(select=("FT7",))).registry.sorted()
         if getattr(cls, "clean_check", None) is record.content_clean]


def test_every_content_example_rule_shares_the_gate():
    assert sorted(c.code for c in GATED) == ["FT702", "FT707", "FT708", "FT709", "FT710", "FT711", "FT712", "FT713"]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, TEXT, st.booleans())
def test_a_clean_record_gives_no_finding(user, answer, ascii_only):
    src = json.dumps({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]},
                     ensure_ascii=ascii_only)
    doc = Document.from_text("gate.jsonl", src + "\n")
    linter = Linter(Config(select=("FT7",)))
    ctx = linter.context(doc)
    ex = Example(doc.records[0], doc.path, ctx.dialect)
    if record.content_clean(ex, ctx):
        for cls in GATED:
            rule = cls()
            if rule.applies_to(ctx.dialect):
                assert not list(rule.check(ex, ctx) or ()), (cls.code, src)


# -- helpers ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ['plain answer here', 'esc\\"aped late: x', 'a\\nb c d', 'caf\\u00e9 au lait x'])
def test_substring_range_shortcut_matches_the_escape_walk(text):
    src = '{"messages": [{"role": "assistant", "content": "%s"}]}' % text
    doc = Document.from_text("r.jsonl", src + "\n")
    ex = Example(doc.records[0], doc.path, None)
    n = len(json.loads(src)["messages"][0]["content"])
    for a in range(n + 1):
        for b in (a, min(n, a + 1), n):
            assert record.substring_range(ex, "/messages/0/content", a, b) == \
                ex.substring_range("/messages/0/content", a, b)


def _median_of_list(xs):
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def test_multiset_medians_equal_sorted_list_medians():
    rng = random.Random(5)
    for _ in range(500):
        ws = sorted(rng.choice([rng.randint(0, 5), rng.randint(0, 400)]) for _ in range(rng.randint(1, 40)))
        counts = Counter(ws)
        assert _median(counts) == _median_of_list(ws)
        logs = [math.log1p(w) for w in ws]
        lmed = _median_of_list(logs)
        assert _median(counts, math.log1p) == lmed
        dev = Counter()
        for w, c in counts.items():
            dev[abs(math.log1p(w) - lmed)] += c
        assert _median(dev) == _median_of_list(sorted(abs(x - lmed) for x in logs))


# -- alternations searched with only the alternatives whose literals are present ------------------

ALT_PIECES = st.sampled_from([
    "[Your name]", "[ insert date ]", "[", "]", "{{ var }}", "{{", "<insert x>", "<", ">", "TODO", "FIXME", "Lorem ipsum",
    "Lorem Ipsum", "INSERT", "HERE", "PASTE code HERE", "sk-", "sk-proj-", "AKIA", "ASIA", "ghp_", "github_pat_", "xox",
    "xoxb-", "AIza", "sk_live_", "rk_live_", "hf_", "eyJ", ".", "eyJhbGciOiJIUzI1NiJ9", "-----BEGIN PRIVATE KEY-----",
    "-----END PRIVATE KEY-----", "ABCDEFGHIJKLMNOP", "abcdefghij0123456789", "0123456789abcdefXYZW", "_", "-", " ",
    "\n", "x", "`", "api_key = ", "Token: ", "ſecret=", "\u212aEY=", "password is ", "Bearer "])


@settings(max_examples=2000, deadline=None)
@given(st.lists(ALT_PIECES, max_size=12).map("".join))
def test_alternation_subsets_find_what_the_whole_alternation_finds(text):
    for alt in (scan._PLACEHOLDER, scan._SECRET):
        got = [(m.lastgroup, m.span()) for m in alt.finditer(text)]
        assert got == [(m.lastgroup, m.span()) for m in alt.full.finditer(text)], text
    if scan._KEYWORD_SECRET.search(text):  # the keyword test before it is a necessary condition
        low = text.lower().replace("ſ", "s")
        assert any(k in low for k in scan._KEYWORD_PARTS), text


PII_PIECES = st.sampled_from(["+", "+44 ", "(", ")", "0", "1", "2", "5", "9", "20", "555", "7946", "0958", "4111", "1111",
                              " ", "-", ".", "/", ":", "::", "GB82", "WEST", "DE89", "3704", "0044", "0532", "0130", "00",
                              "a", "B", "fe80", "db8", "192.168.", "8.8.8.8", "x", ", ", ". "])


@settings(max_examples=3000, deadline=None)
@given(st.lists(PII_PIECES, max_size=14).map("".join))
def test_personal_data_detectors_need_their_triggers(text):
    """Cards, phones and IPv4 need a number run (NUM) of their own: running them also when only a
    digit-letter pair (TOK) triggered the scan finds nothing more."""
    gated, forced = [], []
    flags = scan.triggers(text)
    scan._pii(text, 0, gated, flags)
    scan._pii(text, 0, forced, flags | scan.NUM | scan.TOK if flags & (scan.NUM | scan.TOK) else flags)
    assert gated == forced, text
