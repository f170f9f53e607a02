"""FT5xx on real data: every overlap in the ground truth is found, negative controls stay quiet."""

from __future__ import annotations

import json

import pytest

from conftest import realdata
from ftlsp.config import Config
from ftlsp.engine import lint_paths

pytestmark = pytest.mark.realdata

FT5 = ("FT501", "FT502", "FT504")  # lexical rules at defaults (FT503 is measured separately)


def gt(key):
    d = json.loads(realdata("ground_truth/chat_and_legacy_ground_truth.json").read_text())
    return d[key]


def run(train: list[str], evals: list[str], **config):
    cfg = Config().replace(select=FT5, **config)
    res = lint_paths([str(realdata(p)) for p in train], cfg, eval_paths=[str(realdata(p)) for p in evals])
    return {r.path: r.diagnostics for r in res}


def lines(diags) -> set[int]:
    return {d.line + 1 for d in diags}


CASES = [  # (ground-truth entry, how many eval records overlap)
    ("overlap_ganachan", 60),
    ("overlap_chatbot-unil", 53),
    ("overlap_azpolicy", 6),
    ("overlap_edersonbadeca", 2),
]


@pytest.mark.parametrize("key,expected", CASES)
def test_project_overlaps_found_both_directions(key, expected):
    o = gt(key)
    assert len(o["hits"]) == expected
    out = run([o["a"]], [o["b"]])
    train = out[str(realdata(o["a"]))]
    ev = out[str(realdata(o["b"]))]
    want_eval = {h["b_line"] for h in o["hits"]}
    want_train = {a for h in o["hits"] for a in h["a_lines"]}
    # input-side findings are exactly the ground truth; each points at a true partner
    ev_input = [d for d in ev if d.data["side"] in ("record", "input")]
    assert lines(ev_input) == want_eval
    partners = {h["b_line"]: set(h["a_lines"]) for h in o["hits"]}
    for d in ev_input:
        assert d.related and all(r.line + 1 in partners[d.line + 1] for r in d.related)
        assert d.related[0].path == str(realdata(o["a"]))
    tr_input = [d for d in train if d.data["side"] in ("record", "input")]
    assert lines(tr_input) == want_train
    for d in tr_input:
        assert d.data["eval_path"] == str(realdata(o["b"]))
        assert d.line + 1 in partners[d.data["eval_line"]]


def test_edersonbadeca_reports_the_label_conflict():
    o = gt("overlap_edersonbadeca")
    out = run([o["a"]], [o["b"]])
    train = out[str(realdata(o["a"]))]
    assert len(train) == 2
    for d in train:
        assert d.code == "FT501" and d.data["method"] == "exact" and "outputs differ" in d.message


@pytest.mark.parametrize("i", [0, 1])
def test_flakytests_cross_project_overlap(i):
    o = gt("overlap_flaky")[i]
    assert o["b_lines_identical_record_in_a"] == len(o["hits"]) == o["b_records"]
    out = run([o["a"]], [o["b"]])
    ev = out[str(realdata(o["b"]))]
    exact = [d for d in ev if d.code == "FT501"]
    assert lines(exact) == {h["b_line"] for h in o["hits"]}
    assert all(d.data["side"] == "record" for d in exact)
    train = out[str(realdata(o["a"]))]
    assert {a for h in o["hits"] for a in h["a_lines"]} <= lines(d for d in train if d.code == "FT501")


@pytest.mark.parametrize("i", [2, 3])
def test_flakytests_negative_controls_are_silent(i):
    o = gt("overlap_flaky")[i]
    assert o["b_lines_whose_input_occurs_in_a"] == 0
    out = run([o["a"]], [o["b"]])
    assert all(not d for d in out.values()), {p: [x.message for x in d] for p, d in out.items()}


# Pairs inspected by hand: GSM8K train items that are the test item with names and numbers changed
# ("Bella bought stamps..." = test 633 with Max->Bella, 16/3/9 -> 11/9/13; "A train travels 270 miles
# in 3 hours. At the same rate, how many additional hours..." = test 603 with plane/1200/2000).
GSM8K_NEAR_COPIES = {"train": {21, 1315, 5163}, "test": {603, 633}}


def test_gsm8k_train_vs_test_only_inspected_near_copies():
    out = run(["eval/gsm8k__train.jsonl"], ["eval/gsm8k__test.jsonl"])
    train = out[str(realdata("eval/gsm8k__train.jsonl"))]
    test = out[str(realdata("eval/gsm8k__test.jsonl"))]
    assert lines(train) <= GSM8K_NEAR_COPIES["train"]
    assert lines(test) <= GSM8K_NEAR_COPIES["test"]
    assert all(d.code == "FT502" for d in train + test)


def test_truthfulqa_questions_found_in_gpt_judge_training_set():
    bench = {"path": str(realdata("eval/truthfulqa__TruthfulQA.csv")), "name": "TruthfulQA"}
    out = run(["legacy_prompt_completion/truthfulqa__finetune_truth.jsonl"], [], benchmarks=(bench,))
    diags = out[str(realdata("legacy_prompt_completion/truthfulqa__finetune_truth.jsonl"))]
    # a training prompt may hold two questions: count every related benchmark row
    rows = {d.data["eval_line"] for d in diags} | {r.line + 1 for d in diags for r in d.related}
    assert all(d.data.get("benchmark") == "TruthfulQA" for d in diags)
    assert len(rows) >= 788  # ground truth: 788 of the 790 questions are in the file
    gtq = json.loads(realdata("ground_truth/eval_instruction_classification_ground_truth.json").read_text())
    assert gtq["truthfulqa"]["current_csv_questions_present_in_finetune_truth"] == 788
    assert len(rows) <= 790
