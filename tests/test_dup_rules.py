"""FT301-FT304 on small tables of cases: what is reported, where it points, what is left to other rules."""

import json

import numpy as np
import pytest

from ftlsp.similarity import lexical, minhash
from ftlsp.similarity.texts import normalise, parts


def chat(user, answer, system=None, **extra):
    msgs = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return json.dumps({"messages": msgs, **extra})


def pc(prompt, completion):
    return json.dumps({"prompt": prompt, "completion": completion})


def run(lint_text, lines, codes, **rules):
    diags = lint_text("\n".join(lines) + "\n", select=tuple(codes), rules=rules)
    return [(d.code, d.line + 1, d.related[0].line + 1 if d.related else None) for d in diags], diags


CASES = [
    # (name, lines, codes, expected (code, line, related line) 1-based)
    ("exact copies point at the first", [pc("a question here", "x"), pc("other text here", "y"),
                                         pc("a question here", "x"), pc("a question here", "x")],
     ("FT3",), [("FT301", 3, 1), ("FT301", 4, 1)]),
    ("key order and spacing do not matter", ['{"prompt": "q q q q q q", "completion": "a"}',
                                             '{"completion":"a","prompt":"q q q q q q"}'],
     ("FT301",), [("FT301", 2, 1)]),
    ("same input+output, other system prompt", [chat("What is 2+2?", "4", "Be terse."),
                                                chat("What is 2+2?", "4", "Be nice.")],
     ("FT3",), [("FT302", 2, 1)]),
    ("case/whitespace/punctuation", [pc("How do I reset my PIN?", "pin"), pc("how do i  reset my pin", "pin")],
     ("FT3",), [("FT303", 2, 1)]),
    ("typo copy", [pc("I want to activate my new card today", "activate"),
                   pc("Where is my money transfer from last week", "transfer"),
                   pc("I want to activte my new card today", "activate")],
     ("FT3",), [("FT304", 3, 1)]),
    ("reordered clauses", [pc("If my card is lost, how do I block it?", "lost"),
                           pc("How do I block it if my card is lost?", "lost")],
     ("FT3",), [("FT304", 2, 1)]),
    # every word is in 3+ examples: a clause moved is still a reordered copy, not a template fill
    ("reordered clauses of frequent words", [pc("I got a fee when paying with my card", "fee"),
                                             pc("I got a card", "fee"), pc("paying with my fee", "fee"),
                                             pc("Paying with my card when I got a fee", "fee")],
     ("FT304",), [("FT304", 4, 1)]),
    ("swapped values are a template fill", [pc("convert from EUR to USD please", "rate"),
                                            pc("EUR USD rates", "rate"), pc("USD EUR rates", "rate"),
                                            pc("convert from USD to EUR please", "rate")],
     ("FT304",), []),
    ("near input but other label is a conflict, not a duplicate",
     [pc("I want to activate my new card today", "activate"), pc("I want to activte my new card today", "cancel")],
     ("FT3",), []),
    ("added words make another example", [pc("Q: Who won?\nA: Donald Trump.", " no"),
                                          pc("Q: Who won?\nA: Donald.", " no")], ("FT3",), []),
    ("different numbers are different facts", [pc("How many students in 2015 in FDCA?", "780 students"),
                                               pc("How many students in 2016 in FDCA?", "780 students")],
     ("FT3",), []),
    ("short texts are skipped", [pc("hi", "a"), pc("ho", "a")], ("FT304",), []),
    ("shared system prompt does not make examples alike",
     [chat("What is the capital of France?", "Paris", "You are a very long and detailed geography tutor " * 5),
      chat("Who wrote Hamlet?", "Shakespeare", "You are a very long and detailed geography tutor " * 5)],
     ("FT3",), []),
]


@pytest.mark.parametrize("name,lines,codes,want", CASES, ids=[c[0] for c in CASES])
def test_cases(lint_text, name, lines, codes, want):
    got, diags = run(lint_text, lines, codes)
    assert sorted(got) == sorted(want)
    for d in diags:
        assert 0 < d.data["similarity"] <= 1.0 and f"{d.data['similarity']:.2f}"[:3] in d.message


def test_near_duplicate_group_points_at_best_match_and_first(lint_text):
    lines = [pc("please send me a new card to my home address", "card"),
             pc("please send me a new card to my hme address", "card"),
             pc("please sned me a new card to my hme address", "card")]
    _, diags = run(lint_text, lines, ("FT304",))
    by_line = {d.line + 1: d for d in diags}
    assert set(by_line) == {2, 3}
    assert by_line[3].related[0].line + 1 == 2  # best match
    assert by_line[3].data["group_size"] == 3


def test_compare_option(lint_text):
    lines = [pc("What is the capital of France?", "Paris."), pc("what is the capital of france", "It is Paris.")]
    got, _ = run(lint_text, lines, ("FT303",))
    assert got == []
    got, _ = run(lint_text, lines, ("FT303",), FT303={"compare": "input"})
    assert got == [("FT303", 2, 1)]
    with pytest.raises(ValueError, match="compare"):
        run(lint_text, lines, ("FT303",), FT303={"compare": "nope"})


def test_threshold_option(lint_text):
    from ftlsp.similarity import lexical

    a, b = "Please send a replacement card to my home address in London", \
        "Plese send a replacment card to my home adress in London"
    sc = lexical.score(normalise(a), normalise(b))
    assert 0.9 < sc < 0.99
    lines = [pc(a, "card"), pc(b, "card")]
    assert run(lint_text, lines, ("FT304",))[0] == [("FT304", 2, 1)]
    assert run(lint_text, lines, ("FT304",), FT304={"threshold": 0.99})[0] == []


@pytest.mark.parametrize("line", ["[1, 2]", '"text"', "{}", '{"messages": 5}', '{"messages": [null, {"role": 1}]}',
                                  '{"prompt": {"a": 1}, "completion": [1]}', "not json"])
def test_any_shape_is_tolerated(lint_text, line):
    lint_text("\n".join([line, line, pc("some real question", "x")]) + "\n", select=("FT3", "FT4"))


def test_parts_per_dialect():
    p = parts({"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"},
                            {"role": "assistant", "content": "A"}]}, None)
    assert (p.input, p.output, p.prompt, p.input_pointer, p.output_pointer) == ("U", "A", "S\nU", "/messages/1/content",
                                                                                "/messages/2/content")
    p = parts({"instruction": "I", "input": "X", "output": "O"}, None)
    assert (p.input, p.output) == ("I\nX", "O")
    p = parts({"text": "T"}, None)
    assert (p.input, p.output, p.get("example")) == ("T", "", "T")


def test_normalise():
    assert normalise("  Hello,\tWORLD!! ") == "hello world"
    assert normalise("Ｆｕｌｌ width") == "full width"


def test_minhash_estimates_jaccard():
    rng = np.random.default_rng(0)
    words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"]
    a = " ".join(rng.choice(words, 60))
    b = a[:200] + " completely different tail text " * 3
    sig = minhash.signatures([a, b, a])
    est = minhash.jaccard_estimate(sig, np.array([1, 2]), np.array([0, 0]))
    sa = {a[i:i + 5] for i in range(len(a) - 4)}
    sb = {b[i:i + 5] for i in range(len(b) - 4)}
    assert est[1] == 1.0
    assert abs(est[0] - len(sa & sb) / len(sa | sb)) < 0.15


def test_lexical_pairs_finds_typos_not_strangers():
    texts = ["how do i order a new physical card", "what is the exchange rate for dollars",
             "how do i ordr a new physical card", "can i top up with a cheque"]
    i, j, s = lexical.pairs(texts, 0.9)
    assert list(zip(i.tolist(), j.tolist())) == [(2, 0)]
    assert 0.9 <= s[0] < 1.0


def _texts(n, words=170, seed=0):
    import random

    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghij") for _ in range(5)) for _ in range(500)]
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, words))) for _ in range(n)]


@pytest.mark.parametrize("budget", [10_000_000, 20_000])  # all shingles / a consistent subsample
def test_minhash_chunks_do_not_change_signatures(budget):
    texts = _texts(600, 60) + ["", "a", "é😀"]
    whole = minhash.signatures(texts, budget=budget, text_chunk=1 << 30)
    assert (minhash.signatures(texts, budget=budget, text_chunk=500) == whole).all()
    assert (minhash.signatures(texts, budget=budget, text_chunk=1) == whole).all()


def test_minhash_memory_does_not_grow_with_the_file():
    """4M characters: the shingle arrays of all texts at once took ~125 MB; chunks keep it near 20."""
    import tracemalloc

    texts = _texts(4000, 340)
    tracemalloc.start()
    try:
        minhash.signatures(texts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, peak / 2**20


def test_candidates_min_jaccard_filter_is_the_same_as_filtering_after():
    texts = [" ".join(t.split()[:8]) for t in _texts(5000, 12, seed=3)]  # short texts: many candidates
    sig = minhash.signatures(texts)
    ci, cj = minhash.candidates(sig, 32, 4)
    keep = minhash.jaccard_estimate(sig, ci, cj) >= 0.35
    fi, fj = minhash.candidates(sig, 32, 4, min_jaccard=0.35)
    assert 0 < len(fi) < len(ci)
    assert (fi == ci[keep]).all() and (fj == cj[keep]).all()
    assert (fj < fi).all() and len(set(zip(fi.tolist(), fj.tolist()))) == len(fi)


def test_rules_do_not_keep_the_document_after_a_run(lint_text):
    from ftlsp.config import Config
    from ftlsp.document import Document
    from ftlsp.engine import Linter

    text = "\n".join([pc("a question here", "x"), pc("a question here", "x"), pc("a qestion here", "x")]) + "\n"
    linter = Linter(Config(select=("FT3", "FT4")))
    doc = Document.from_text("t.jsonl", text)
    assert linter.lint(doc).diagnostics
    gathered = [r for r in linter.rules_for(doc.path) if hasattr(r, "items")]
    assert len(gathered) >= 7 and all(r.items == [] for r in gathered)


def test_parts_share_the_record_strings():
    data = {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U" * 50},
                         {"role": "assistant", "content": "A" * 50}]}
    p = parts(data, None)
    assert p.input is data["messages"][1]["content"] and p.output is data["messages"][2]["content"]
    assert (p.prompt, p.whole) == ("S\n" + "U" * 50, "S\n" + "U" * 50 + "\n" + "A" * 50)


def test_unit_prefilter_never_drops_what_the_scorer_keeps():
    """FT304's bulk pre-filter (numbers, output side, input side) only drops pairs the scorer rejects."""
    from ftlsp.rules.ft304_near_duplicate import UnitScorer, unique_units
    from ftlsp.similarity.texts import parts as parts_of

    rows = [("How many students enrolled in 2015 at FDCA?", "780"),
            ("How many students enrolled in 2016 at FDCA?", "780"),
            ("How many students enroled in 2015 at FDCA?", "780"),
            ("How many students enrolled in 2015 at FDCA?", "781"),
            ("Please send a replacement card to my home address", "card"),
            ("Plese send a replacment card to my home adress", "card"),
            ("Please send a replacement card to my home address", "cards"),
            ("Please send a replacement card to my home address", "a completely different answer"),
            ("To my home address please send a replacement card", "card"), ("hi", ""), ("hello there", "")]
    items = [(None, parts_of({"prompt": p, "completion": c}, None)) for p, c in rows]
    for compare in ("example", "input", "whole"):
        units, _ = unique_units(items, compare, 1)
        n = len(units)
        i, j = np.array([a for a in range(n) for b in range(a)]), np.array([b for a in range(n) for b in range(a)])
        for templates, any_edit in ((True, False), (False, True)):
            sc = UnitScorer(units, compare, templates, any_edit)
            for cut in (0.6, 0.8, 0.9):
                mask = sc.prefilter(i, j, cut)
                kept = [sc(a, b, cut) >= cut for a, b in zip(i.tolist(), j.tolist())]
                assert all(m for m, k in zip(mask.tolist(), kept) if k), (compare, templates, cut)
                if compare == "example" and templates:
                    assert not mask.all()  # other numbers / other outputs are dropped in bulk
