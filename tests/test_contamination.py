"""FT5xx contamination: hashing, reference sets, and the rules on small files."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from ftlsp import embeddings as E
from ftlsp.config import Config
from ftlsp.contamination import refsets as R
from ftlsp.contamination import text as T
from ftlsp.contamination.ngram import EvalIndex, NgramParams, scan
from ftlsp.engine import Linter, lint_paths


def chat(user, assistant="ok", system=None):
    msgs = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return json.dumps({"messages": msgs})


def write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
    return str(p)


def lint(tmp_path, train_lines, eval_lines=None, select=("FT501", "FT502"), benchmarks=(), services=None, **rules):
    train = write(tmp_path, "train.jsonl", train_lines)
    evals = [write(tmp_path, "eval.jsonl", eval_lines)] if eval_lines is not None else []
    cfg = Config().replace(select=select, benchmarks=tuple(benchmarks), rules=rules, cache_dir=str(tmp_path / "cache"))
    linter = Linter(cfg, services=services)
    res = {r.path: r.diagnostics for r in lint_paths([train], cfg, eval_paths=evals, linter=linter)}
    return res[train], (res[evals[0]] if evals else []), res


# -- text and hashing --------------------------------------------------------------------

@pytest.mark.parametrize("raw,norm", [
    ("Hello,  World!", "hello world"),
    ("ＦＵＬＬ width", "full width"),
    ("Straße\tCAFÉ", "strasse café"),
    ("", ""),
    ("...", ""),
])
def test_normalise(raw, norm):
    assert T.normalise(raw) == norm


def naive_ngrams(texts, n):
    out = []
    for d, t in enumerate(texts):
        w = T.words(t)
        for i in range(len(w) - n + 1):
            out.append((tuple(w[i:i + n]), d))
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_ngram_hashes_match_a_naive_count_and_never_cross_texts(n):
    texts = ["a b c d e f", "b c d", "", "x y", "a b c d e f g h"]
    tok = T.Tokens.build(texts)
    h, d = T.ngram_hashes(tok, n)
    want = naive_ngrams(texts, n)
    assert len(h) == len(want)
    assert d.tolist() == [x[1] for x in want]
    # equal n-grams hash equally, different ones differently
    by_gram = {}
    for (g, _), hv in zip(want, h.tolist()):
        by_gram.setdefault(g, set()).add(hv)
    assert all(len(v) == 1 for v in by_gram.values())
    assert len({next(iter(v)) for v in by_gram.values()}) == len(by_gram)


def test_token_hashes_are_stable_across_processes():
    # blake2b, not hash(): a disk cache written by one process is valid in the next
    assert T.token_hashes(["hello"]) == [int.from_bytes(__import__("hashlib").blake2b(b"hello", digest_size=8).digest(), "little")]


# -- reference sets ----------------------------------------------------------------------

def test_benchmark_formats_and_field_detection(tmp_path):
    rows = [{"question": "What is two plus two?", "answer": "4"}, {"question": "Name a colour.", "answer": "red"}]
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt") as fh:
        fh.write("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "b.json").write_text(json.dumps([{"instruction": "Sum", "input": "2 and 2", "output": "4"}], indent=2))
    (tmp_path / "b.csv").write_text('Type,Question,Best Answer\nA,"Multi\nline question?",yes\nB,Second?,no\n')
    (tmp_path / "c.csv").write_text("q;a\nFirst one;1\n")
    got = {name: list(R.iter_benchmark(str(tmp_path / name), {})) for name in ("b.jsonl", "b.jsonl.gz", "b.json", "b.csv")}
    assert [(i.prompt, i.response, i.line) for i in got["b.jsonl"]] == [
        ("What is two plus two?", "4", 0), ("Name a colour.", "red", 1)]
    assert [(i.prompt, i.line) for i in got["b.jsonl.gz"]] == [(i.prompt, i.line) for i in got["b.jsonl"]]
    assert [(i.prompt, i.response) for i in got["b.json"]] == [("Sum\n2 and 2", "4")]
    assert [(i.prompt, i.response, i.line) for i in got["b.csv"]] == [
        ("Multi\nline question?", "yes", 1), ("Second?", "no", 3)]
    mapped = list(R.iter_benchmark(str(tmp_path / "c.csv"), {"question": "q", "answer": "a"}))
    assert [(i.prompt, i.response) for i in mapped] == [("First one", "1")]


def test_benchmark_with_messages_uses_user_turns(tmp_path):
    p = tmp_path / "m.jsonl"
    p.write_text(chat("Q one", "A one", system="sys") + "\n")
    (it,) = R.iter_benchmark(str(p), {})
    assert (it.prompt, it.response) == ("Q one", "A one")


def test_disk_cache_roundtrip(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_text(json.dumps({"question": "alpha beta gamma", "answer": "x"}) + "\n")
    cfg = Config().replace(cache_dir=str(tmp_path / "cache"))
    a = R.load_source(str(p), benchmark=True, config=cfg)
    files = list((tmp_path / "cache" / "contamination").glob("*.pkl"))
    assert len(files) == 1
    b = R.load_source(str(p), benchmark=True, config=cfg)
    assert [x.prompt for x in b.items] == [x.prompt for x in a.items]
    assert np.array_equal(b.tokens().hashes, a.tokens().hashes)
    p.write_text(json.dumps({"question": "changed", "answer": "x"}) + "\n")  # new content, new key
    c = R.load_source(str(p), benchmark=True, config=cfg)
    assert [x.prompt for x in c.items] == ["changed"]


# -- FT501 -------------------------------------------------------------------------------

def test_ft501_record_input_normalised_and_output_both_directions(tmp_path):
    long_answer = "The mitochondria is the powerhouse of the cell and makes ATP for it"
    train = [chat("What is 2+2?", "4"), chat("what is  3+3", "6"), chat("Unrelated question", long_answer),
             chat("Something new", "x")]
    ev = [chat("What is 2+2?", "4"), chat("What is 3+3?", "six"), chat("Cell biology?", long_answer)]
    tr, evd, _ = lint(tmp_path, train, ev, select=("FT501",))
    got = sorted((d.line, d.data["method"], d.data["side"], d.data["eval_line"]) for d in tr)
    assert got == [(0, "exact", "record", 1), (1, "normalised", "input", 2), (2, "exact", "output", 3)]
    assert all(d.related[0].path.endswith("eval.jsonl") for d in tr)
    # the eval file sees the same pairs
    back = sorted((d.line, d.data["side"], d.data["train_line"]) for d in evd)
    assert back == [(0, "record", 1), (1, "input", 2), (2, "output", 3)]
    assert "outputs differ" in next(d.message for d in tr if d.line == 1)


def test_ft501_short_or_repeated_outputs_are_labels_not_leaks(tmp_path):
    train = [chat(f"text {i}", "True") for i in range(5)]
    ev = [chat("other text", "True")]
    tr, _, _ = lint(tmp_path, train, ev, select=("FT501",))
    assert tr == []


def test_ft501_odd_shapes_do_not_crash(tmp_path):
    train = ['{"messages": "nope"}', '{"messages": [1, null, {"role": 5}]}', '{"a": {"b": [1]}}', "[1,2]", '"x"',
             chat("Q", "A")]
    ev = ['{"prompt": 3}', chat("Q", "A")]
    tr, _, _ = lint(tmp_path, train, ev, select=("FT5",))
    assert [d.line for d in tr] == [5]


def test_no_eval_no_benchmark_no_work(tmp_path):
    tr, _, _ = lint(tmp_path, [chat("Q", "A")], None, select=("FT5",))
    assert tr == []


# -- FT502 -------------------------------------------------------------------------------

Q = ("A farmer has forty two sheep and buys seventeen more at the market on Tuesday morning "
     "before selling nine of them to a neighbour, how many sheep does the farmer have now")


def test_ft502_embedded_question_and_score(tmp_path):
    train = [chat("Please solve: " + Q + " Think step by step."), chat("A farmer has a dog.")]
    tr, evd, _ = lint(tmp_path, train, [chat(Q)])
    (d,) = tr
    assert d.code == "FT502" and d.line == 0 and d.data["coverage"] == 1.0 and d.data["n"] == 13
    (e,) = evd
    assert e.code == "FT502" and e.data["train_line"] == 1


def test_ft502_short_eval_question_contained(tmp_path):
    train = [json.dumps({"prompt": "Q: Can pigs fly?\nA: No, pigs cannot fly.\nTrue:", "completion": " yes"}),
             json.dumps({"prompt": "Q: Can birds fly?\nA: Yes.\nTrue:", "completion": " yes"})]
    bench = tmp_path / "tqa.csv"
    bench.write_text("Question,Best Answer\nCan pigs fly?,No\n")
    tr, _, _ = lint(tmp_path, train, None, benchmarks=[{"path": str(bench), "name": "TQA"}])
    assert [(d.line, d.data["benchmark"]) for d in tr] == [(0, "TQA")]


@pytest.mark.parametrize("short,text,ok", [
    ("Are vampires real?", "Q: Are vampires real?\nA: No.\nTrue:", True),
    ("Can pigs fly?", "Please answer: can pigs fly? Thanks", True),
    ("Mr. Smith went where?", "Hi. Mr. Smith went where? ok", True),
    ("The coronary arteries", "calcification at the ostium of the coronary arteries.", False),
    ("Crohn's disease:", "findings consistent with Crohn's disease.,PLAN", False),
    ("pigs fly", "Can pigs fly?", False),
])
def test_short_items_must_fill_a_sentence(short, text, ok):
    from ftlsp.contamination.check import fills_segment

    assert fills_segment(short, text) is ok


def test_ft502_boilerplate_template_does_not_flood(tmp_path):
    template = ("You are a helpful assistant for the customer support team of an online shoe store, "
                "answer politely and briefly. Customer message: ")
    train = [chat(template + f"order number {i} has not arrived yet what should I do") for i in range(60)]
    ev = [chat(template + f"my parcel {i} came damaged can I get a refund") for i in range(6)]
    tr, evd, _ = lint(tmp_path, train, ev, select=("FT502",), FT502={"min_similarity": 1.0, "max_partial": 1000})
    assert tr == [] and evd == []
    # without the discount the shared template alone makes every pair look contaminated
    tr2, _, _ = lint(tmp_path, train, ev, select=("FT502",),
                     FT502={"min_similarity": 1.0, "ref_df_min": 100, "train_df_min": 1000, "min_coverage": 0.3,
                            "max_partial": 1000})
    assert len(tr2) == 60


def test_ft502_edited_copy_found_by_similarity(tmp_path):
    edited = Q.replace("forty two", "forty three").replace("Tuesday", "Monday")
    tr, _, _ = lint(tmp_path, [chat(edited)], [chat(Q)], select=("FT502",))
    assert len(tr) == 1 and tr[0].data["similarity"] >= 0.9
    tr, _, _ = lint(tmp_path, [chat(edited)], [chat(Q)], select=("FT502",), FT502={"min_similarity": 1.0})
    assert tr == []


def test_ft502_template_family_is_not_a_copy(tmp_path):
    q = "How many students were enrolled in total in {y} in the programme of {p} at the faculty"
    train = [chat(q.format(y=y, p=p)) for y in range(2010, 2016) for p in ("law", "arts")]
    ev = [chat(q.format(y=2016, p="law"))]
    tr, evd, _ = lint(tmp_path, train, ev, select=("FT502",))
    assert tr == [] and evd == []


def test_ngram_index_direct():
    from ftlsp.contamination.refsets import Corpus, Item

    ev = Corpus("e", [Item("e", i, i, t) for i, t in enumerate([Q, "short one here", Q])])
    tr = Corpus("t", [Item("t", 0, 0, "x " + Q), Item("t", 1, 1, "this is a short one here ok")])
    idx = EvalIndex.build(ev, NgramParams())
    ov = scan(idx, tr)
    pairs = {(int(e), int(t)): float(c) for e, t, c in zip(ov.eval_group, ov.train_group, ov.coverage)}
    assert pairs == {(0, 0): 1.0, (1, 1): 1.0}  # the duplicate eval item is one group


# -- FT503 (a deterministic bag-of-words encoder stands in for the model) -------------------

def bow_encoder(texts):
    out = np.zeros((len(texts), 64), np.float32)
    syn = {"purchased": "bought", "overall": "total"}
    for i, t in enumerate(texts):
        for w in T.words(t):
            out[i, T.token_hashes([syn.get(w, w)])[0] % 64] += 1
    return out


def test_ft503_paraphrase_reported_once_and_lexical_pairs_not_repeated(tmp_path):
    backend = E.get_backend(Config().replace(cache_dir=str(tmp_path / "c")), encoder=bow_encoder)
    services = {E.SERVICE_KEY: backend}
    para = "overall how many apples purchased Tom"
    train = [chat(para), chat(Q), chat("Write a poem about winter nights")]
    ev = [chat("Tom bought how many apples in total"), chat(Q)]
    tr, evd, _ = lint(tmp_path, train, ev, select=("FT501", "FT502", "FT503"), services=services)
    codes = sorted((d.line, d.code) for d in tr)
    assert codes == [(0, "FT503"), (1, "FT501")]
    d = next(d for d in tr if d.code == "FT503")
    assert d.data["method"] == "semantic" and d.data["cosine"] >= 0.9 and d.data["eval_line"] == 1
    assert sorted((d.line, d.code) for d in evd) == [(0, "FT503"), (1, "FT501")]


def test_ft503_without_backend_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setattr(E, "get_backend", lambda config=None, **kw: None)
    monkeypatch.setattr(E, "unavailable_reason", lambda config=None: "sentence-transformers is not installed")
    train = write(tmp_path, "train.jsonl", [chat("a b c")])
    ev = write(tmp_path, "eval.jsonl", [chat("a b c d")])
    cfg = Config().replace(select=("FT503",))
    res = lint_paths([train], cfg, eval_paths=[ev])
    assert all(not r.diagnostics for r in res)
    assert any("semantic rules skipped" in n for r in res for n in r.notices)
