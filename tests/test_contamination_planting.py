"""Planted contamination: GSM8K test questions, lightly edited or paraphrased, hidden in a real
training set (GSM8K train in Alpaca format). Recall on planted records and false positives on the
untouched ones, at default settings. Numbers are printed (pytest -s) for the report."""

from __future__ import annotations

import pytest

from conftest import realdata
from contamination_planting import build
from ftlsp import embeddings as E
from ftlsp.config import Config
from ftlsp.document import Document
from ftlsp.engine import Linter

pytestmark = pytest.mark.realdata


def measure(select, limit=None, n_edit=100, n_para=100, **config):
    text, edited, para, clean = build(str(realdata("instruction/alpacacleaned__gsm_8k_train.json")),
                                      str(realdata("eval/gsm8k__test.jsonl")), n_edit=n_edit, n_para=n_para,
                                      limit=limit)
    bench = {"path": str(realdata("eval/gsm8k__test.jsonl")), "name": "GSM8K test"}
    cfg = Config().replace(select=select, benchmarks=(bench,), **config)
    res = Linter(cfg).lint(Document.from_bytes("planted.jsonl", text.encode()))
    flagged = {d.line for d in res.diagnostics}
    # every finding points at the benchmark
    assert all(d.related and d.related[0].path == bench["path"] for d in res.diagnostics)
    out = {
        "edited_recall": len(flagged & edited) / len(edited),
        "paraphrase_recall": len(flagged & para) / len(para),
        "recall": len(flagged & (edited | para)) / len(edited | para),
        "false_positive_rate": len(flagged & clean) / len(clean),
        "false_positives": sorted(flagged & clean),
        "clean": len(clean),
    }
    print(f"\n{select}: {out}")
    return out


def test_lexical_rules_catch_edited_copies_without_false_positives():
    m = measure(("FT501", "FT502"))
    assert m["edited_recall"] >= 0.9
    assert m["false_positive_rate"] < 0.01
    # the few clean hits are GSM8K train items that are test items with names/numbers swapped
    assert len(m["false_positives"]) <= 3


@pytest.mark.embeddings
@pytest.mark.slow
def test_all_rules_at_defaults_catch_edits_and_paraphrases():
    if E.unavailable_reason(Config()) is not None:
        pytest.skip("embeddings extra not installed")
    # a 2,000-record slice keeps the cold embedding cost to ~30 s on 2 cores (cached afterwards)
    m = measure(("FT501", "FT502", "FT503"), limit=2000, n_edit=50, n_para=50)
    assert m["recall"] >= 0.9
    assert m["paraphrase_recall"] >= 0.8
    assert m["false_positive_rate"] < 0.01
