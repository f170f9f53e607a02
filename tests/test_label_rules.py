"""FT401-FT403 on small tables, and on real data (edersonbadeca labels, flakytests balance)."""

import json

import pytest

from conftest import realdata


def pc(prompt, completion):
    return json.dumps({"prompt": prompt, "completion": completion})


def lint(lint_text, rows, codes, **rules):
    return lint_text("\n".join(pc(p, c) for p, c in rows) + "\n", select=tuple(codes), rules=rules)


BASE = [("great phone", "positive"), ("broke in a day", "negative"), ("works fine", "positive"),
        ("awful screen", "negative"), ("love the battery", "positive"), ("never again", "negative")]


def test_conflict_group_reports_each_label(lint_text):
    rows = BASE + [("Great phone!", "negative"), ("great phone", "positive")]
    ds = [d for d in lint(lint_text, rows, ("FT401",))]
    assert sorted(d.line + 1 for d in ds) == [1, 7]
    for d in ds:
        assert d.data["group_lines"] == [1, 7, 8] and d.data["labels"] == {"positive": 2, "negative": 1}
        assert d.data["classification"] and "conflicting labels" in d.message
        assert len(d.related) == 1 and d.col > 0  # underlines the label


def test_conflict_threshold_option(lint_text):
    rows = BASE + [("great phone, would buy it again for my family", "positive"),
                   ("great phnoe, would buy it again for my family", "negative")]
    assert lint(lint_text, rows, ("FT401",)) == []
    ds = lint(lint_text, rows, ("FT401",), FT401={"threshold": 0.8})
    assert sorted(d.line + 1 for d in ds) == [7, 8]
    assert all(0.8 <= d.data["similarity"] < 1.0 for d in ds)



def test_free_text_conflict_is_info_and_similar_answers_are_not(lint_text):
    rows = [("What is the capital of France?", "Paris is the capital of France."),
            ("What is the capital of France?", "Paris is the capital of France!!"),
            ("Who wrote Hamlet?", "Shakespeare wrote it."),
            ("Who wrote Hamlet?", "It was Christopher Marlowe, some say.")]
    ds = lint(lint_text, rows, ("FT401",))
    assert sorted(d.line + 1 for d in ds) == [3, 4]
    assert all(d.severity.name == "INFO" and "conflicting outputs" in d.message for d in ds)


@pytest.mark.parametrize("rows,want", [
    (BASE + [("meh", "Positive ")], [7]),  # spelling variant
    (BASE * 2 + [("meh", "positiv")], [13]),  # near-miss of a common label
    (BASE, []),
    ([("a", "Neurology"), ("b", "Urology"), ("c", "Neurology"), ("d", "Urology")] * 3, []),  # both common
])
def test_inconsistent_label(lint_text, rows, want):
    ds = lint(lint_text, rows, ("FT402",))
    assert [d.line + 1 for d in ds] == want
    for d in ds:
        assert d.fix and d.fix.edits[0].new_text == '"positive"'
        assert d.related[0].line == 0


def test_inconsistent_label_ignores_free_text(lint_text):
    rows = [(f"q{i}", f"A long free text answer number {i} that is not a label at all, really.") for i in range(10)]
    assert lint(lint_text, rows + [("q", "a long free text answer number 1 that is not a label at all, really.")],
                ("FT402",)) == []


def test_class_imbalance(lint_text):
    rows = [(f"q{i}", "ham") for i in range(40)] + [("x", "spam"), ("y", "spam"), ("z", "eggs")]
    (d,) = lint(lint_text, rows, ("FT403",))
    assert d.line + 1 == 43 and "'eggs' has 1" in d.message and d.data["ratio"] == 40.0
    assert lint(lint_text, rows, ("FT403",), FT403={"max_ratio": 50}) == []
    assert lint(lint_text, rows[:10] + rows[-3:], ("FT403",)) == []  # fewer than 20 examples


@pytest.mark.realdata
def test_real_balanced_and_imbalanced_files():
    from ftlsp.config import Config
    from ftlsp.engine import Linter, read_document

    cfg = Config(select=("FT402", "FT403"))
    for rel in ("chat_format/flakytests__crom_training_set.jsonl", "chat_format/edersonbadeca__fine_tuning_data.jsonl"):
        ds = Linter(cfg).lint(read_document(str(realdata(rel)))).diagnostics
        assert ds == [], [d.message for d in ds]  # oversampled to balance; 5 balanced labels
