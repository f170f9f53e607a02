"""FT3xx/FT401 against the hand-checked ground truth of real datasets (../shared/realdata, read only)."""

import json

import pytest

from conftest import realdata
from ftlsp.config import Config
from ftlsp.engine import Linter, read_document

GT = "ground_truth/chat_and_legacy_ground_truth.json"
FILES = {
    "flakytests__crom_training_set": "chat_format/flakytests__crom_training_set.jsonl",
    "flakytests__webssh_training_set": "chat_format/flakytests__webssh_training_set.jsonl",
    "ganachan__training_set": "chat_format/ganachan__training_set.jsonl",
    "menopause__fine_tuning_data": "legacy_prompt_completion/menopause__fine_tuning_data.jsonl",
    "truthfulqa__finetune_truth": "legacy_prompt_completion/truthfulqa__finetune_truth.jsonl",
    "edersonbadeca__fine_tuning_data": "chat_format/edersonbadeca__fine_tuning_data.jsonl",
    "chatbot-unil__training_data": "chat_format/chatbot-unil__training_data.jsonl",
    "pirate__training_set": "chat_format/pirate__training_set.jsonl",
}
LEXICAL = ("FT301", "FT302", "FT303", "FT304", "FT401")
_cache = {}


def ground_truth(name):
    return json.loads(realdata(GT).read_text())[name]


def lint(name):
    if name not in _cache:
        doc = read_document(str(realdata(FILES[name])))
        _cache[name] = Linter(Config(select=LEXICAL)).lint(doc).diagnostics
    return _cache[name]


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["flakytests__crom_training_set", "flakytests__webssh_training_set",
                                  "ganachan__training_set", "menopause__fine_tuning_data",
                                  "truthfulqa__finetune_truth"])
def test_every_exact_duplicate_points_at_its_first_copy(name):
    gt = ground_truth(name)
    want = {(line, first) for line, first in gt["exact_duplicate_lines(line,first_seen_line)"]}
    assert len(want) == gt["n_exact_duplicate_lines"]
    got = {(d.line + 1, d.related[0].line + 1) for d in lint(name) if d.code == "FT301"}
    assert got == want
    for d in lint(name):
        if d.code == "FT301":
            assert "similarity 1.00" in d.message and d.data["similarity"] == 1.0
            assert d.data["first_line"] == d.related[0].line + 1


@pytest.mark.realdata
@pytest.mark.parametrize("name,count", [("edersonbadeca__fine_tuning_data", 40),
                                        ("flakytests__crom_training_set", 7),
                                        ("flakytests__webssh_training_set", 7),
                                        ("truthfulqa__finetune_truth", 27)])
def test_conflicting_label_groups_are_reported(name, count):
    gt = ground_truth(name)
    assert len(gt["conflicting_label_groups"]) == count
    found = [d for d in lint(name) if d.code == "FT401"]
    groups = {tuple(d.data["group_lines"]) for d in found}
    want = {tuple(g["lines"]) for g in gt["conflicting_label_groups"]}
    # every ground-truth group is inside one reported group (normalising may merge variants into it)
    for g in want:
        assert any(set(g) <= set(r) for r in groups), g
    # Extra groups come only from inputs that differ in case/whitespace/punctuation (truthfulqa has
    # "A: yes" -> " no" next to "A: Yes." -> " yes"): the exact inputs of such a group are not all equal.
    rows = realdata(FILES[name]).read_text(encoding="utf-8").splitlines()
    for extra in groups - want:
        if any(set(extra) >= set(g) for g in want) and len(extra) > max(len(g) for g in want if set(g) <= set(extra)):
            continue  # a ground-truth group grown by normalised variants

        inputs = {json.dumps(json.loads(rows[n - 1]).get("prompt") or json.loads(rows[n - 1])["messages"][:-1])
                  for n in extra}
        assert len(inputs) > 1, extra
    for g in gt["conflicting_label_groups"]:
        labels = {lab[0] if isinstance(lab, list) else lab for lab in g["labels"]}
        mine = [d for d in found if set(g["lines"]) <= set(d.data["group_lines"])]
        # one finding per label, each on a line of the group, each naming the other labels
        assert labels <= {k for k in mine[0].data["labels"]}
        assert len(mine) == len(mine[0].data["labels"]) >= len(labels)
        assert all(d.line + 1 in d.data["group_lines"] and d.related for d in mine)
        assert all(d.data["classification"] for d in mine)


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["chatbot-unil__training_data", "pirate__training_set"])
def test_clean_files_have_no_duplicate_findings(name):
    gt = ground_truth(name)
    assert gt["n_exact_duplicate_lines"] == 0 and gt["n_conflicting_label_groups"] == 0
    assert [(d.code, d.line + 1, d.message) for d in lint(name)] == []


@pytest.mark.realdata
def test_duplicates_are_not_reported_twice():
    """A line is reported by at most one duplicate rule (exact copies are not also near-duplicates)."""
    for name in ("flakytests__crom_training_set", "menopause__fine_tuning_data"):
        lines = [d.line for d in lint(name) if d.code.startswith("FT3")]
        assert len(lines) == len(set(lines))
