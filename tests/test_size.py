"""Dataset size and split rules (FT601-FT604) on real files and synthetic sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import realdata
from ftlsp.config import Config
from ftlsp.engine import Linter, lint_paths, read_document
from ftlsp.rule import Severity

SIZE = ("FT601", "FT602", "FT603", "FT604")


def findings(paths, evals=(), **config):
    cfg = Config().replace(**{"select": SIZE, **config})
    out = {}
    for r in lint_paths([str(p) for p in paths], cfg, eval_paths=[str(e) for e in evals]):
        out[Path(r.path).name] = [(d.code, d.severity, d.message) for d in r.diagnostics]
    return out


def write(tmp_path, name, n):
    p = tmp_path / name
    p.write_text("".join(json.dumps({"prompt": f"q{i}", "completion": f"a{i}"}) + "\n" for i in range(n)))
    return p


@pytest.mark.realdata
@pytest.mark.parametrize("rel,expected", [
    ("chat_format/pirate__training_set.jsonl", ["FT602"]),  # exactly the minimum of 10: no error, still small
    ("legacy_prompt_completion/gregpy__training_data.jsonl", ["FT601"]),  # 2 examples
    ("chat_format/koku__finetune_out_train.jsonl", ["FT601"]),  # 1 example
    ("chat_format/chatbot-unil__training_data.jsonl", ["FT603"]),  # 269: under 1,000
    ("chat_format/flakytests__crom_training_set.jsonl", []),  # 2,100
])
def test_size_rules_on_real_files(rel, expected):
    got = findings([realdata(rel)])
    codes = [c for f in got.values() for c, _, _ in f]
    assert codes == expected


@pytest.mark.realdata
def test_size_messages_are_concrete():
    got = findings([realdata("legacy_prompt_completion/gregpy__training_data.jsonl")])
    [(code, sev, msg)] = got["gregpy__training_data.jsonl"]
    assert sev == Severity.ERROR and "2 examples, fewer than the 10" in msg and "add at least 8 more" in msg
    got = findings([realdata("chat_format/pirate__training_set.jsonl")])
    [(code, sev, msg)] = got["pirate__training_set.jsonl"]
    assert sev == Severity.WARNING and "only 10 examples" in msg and "50-100" in msg


@pytest.mark.realdata
def test_empty_eval_file_is_an_error_on_the_training_file():
    train = realdata("chat_format/koku__finetune_out_train.jsonl")
    valid = realdata("chat_format/koku__finetune_out_valid.jsonl")
    got = findings([train], evals=[valid])
    assert [c for c, _, _ in got["koku__finetune_out_train.jsonl"]] == ["FT601", "FT604"]
    (_, sev, msg), = [f for f in got["koku__finetune_out_train.jsonl"] if f[0] == "FT604"]
    assert sev == Severity.ERROR and "koku__finetune_out_valid.jsonl has no examples" in msg
    assert got["koku__finetune_out_valid.jsonl"] == []  # size rules do not judge eval files
    # Linted alone (as in an editor with only the eval file open), the eval file reports itself.
    alone = findings([valid], evals=[valid])
    assert [c for c, _, _ in alone["koku__finetune_out_valid.jsonl"]] == ["FT604"]


@pytest.mark.realdata
@pytest.mark.parametrize("train,valid,share", [
    ("chatbot-unil__training_data.jsonl", "chatbot-unil__validating_data.jsonl", None),  # 53 / 322 = 16.5%
    ("ganachan__training_set.jsonl", "ganachan__validation_set.jsonl", None),  # 60 / 300 = 20.0%
    ("azpolicy__training_set.jsonl", "azpolicy__validation_set.jsonl", "50.0%"),  # 21 / 42
    ("edersonbadeca__fine_tuning_data.jsonl", "edersonbadeca__validation_data.jsonl", "4.5%"),  # 25 / 550
])
def test_eval_share_on_real_pairs(train, valid, share):
    got = findings([realdata(f"chat_format/{train}")], evals=[realdata(f"chat_format/{valid}")], select=("FT604",))
    msgs = [m for c, _, m in got[train] if c == "FT604"]
    assert got[valid] == []
    if share is None:
        assert msgs == []
    else:
        assert len(msgs) == 1 and msgs[0].startswith(f"eval set is {share} of the data")


@pytest.mark.parametrize("n_train,n_eval,fires", [(90, 10, False), (80, 20, False), (91, 9, True), (79, 21, True),
                                                  (50, 50, True), (100, 0, True)])
def test_eval_share_boundaries(tmp_path, n_train, n_eval, fires):
    got = findings([write(tmp_path, "train.jsonl", n_train)], evals=[write(tmp_path, "eval.jsonl", n_eval)],
                   select=("FT604",))
    assert bool(got["train.jsonl"]) == fires
    if n_eval == 0:
        assert got["train.jsonl"][0][1] == Severity.ERROR


def test_split_counts_all_training_and_eval_files_and_reports_once(tmp_path):
    a, b = write(tmp_path, "a.jsonl", 40), write(tmp_path, "b.jsonl", 40)
    e1, e2 = write(tmp_path, "e1.jsonl", 15), write(tmp_path, "e2.jsonl", 15)  # 30 / 110 = 27%
    got = findings([a, b], evals=[e1, e2], select=("FT604",))
    assert [m for f in got.values() for _, _, m in f] == [
        "eval set is 27.3% of the data (30 eval vs 80 training examples), outside 10%-20%: "
        "move about 8 examples to training"]
    assert got["a.jsonl"]


def test_thresholds_are_configurable(tmp_path):
    p = write(tmp_path, "t.jsonl", 30)
    assert [c for c, _, _ in findings([p])["t.jsonl"]] == ["FT602"]
    rules = {"FT601": {"minimum": 50}, "FT602": {"threshold": 20}, "FT603": {"threshold": 40, "silent_below": 10}}
    assert sorted(c for c, _, _ in findings([p], rules=rules)["t.jsonl"]) == ["FT601", "FT603"]
    ev = write(tmp_path, "e.jsonl", 10)  # 25%
    assert findings([p], evals=[ev], select=("FT604",), rules={"FT604": {"max_share": 0.3}})["t.jsonl"] == []


def test_size_bands_do_not_overlap(tmp_path):
    for n, want in [(1, ["FT601"]), (9, ["FT601"]), (10, ["FT602"]), (99, ["FT602"]), (100, ["FT603"]),
                    (999, ["FT603"]), (1000, [])]:
        assert [c for c, _, _ in findings([write(tmp_path, f"n{n}.jsonl", n)])[f"n{n}.jsonl"]] == want, n


def test_invalid_records_do_not_count(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text('{"prompt": "a", "completion": "b"}\n{not json\n[1, 2]\n' * 4)
    [(code, _, msg)] = findings([p])["t.jsonl"]
    assert code == "FT601" and msg.startswith("4 examples")


def test_editor_context_reads_other_files_from_disk_once(tmp_path):
    """The server lints one document: eval counts come from disk, cached per file version."""
    ev = write(tmp_path, "eval.jsonl", 50)
    train = tmp_path / "train.jsonl"
    write(tmp_path, "train.jsonl", 100)
    linter = Linter(Config().replace(select=("FT604",), eval=(str(ev),)))
    doc = read_document(str(train))
    res = linter.lint(doc)  # no train_paths: the open file is the training set
    assert [d.message.split(" (")[0] for d in res.diagnostics] == ["eval set is 33.3% of the data"]
    assert any(k == "split.example_counts" for k in linter.services)
