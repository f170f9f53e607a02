"""FT1xx on the real files of ../shared/realdata (skipped when absent), against the ground truth."""

import json
from pathlib import Path

import pytest

from conftest import REALDATA, realdata
from ftlsp.config import Config
from ftlsp.engine import Linter, read_document
from ftlsp.rule import Severity

pytestmark = pytest.mark.realdata

FORMAT = Config().replace(select=("FT0", "FT1"))


def _files(folder):
    d = REALDATA / folder
    return sorted(p.name for p in d.glob("*.jsonl")) if d.is_dir() else []


def _lint(rel, config=FORMAT):
    return Linter(config).lint(read_document(str(realdata(rel))))


@pytest.mark.parametrize("rel", [f"chat_format/{n}" for n in _files("chat_format")]
                         + [f"legacy_prompt_completion/{n}" for n in _files("legacy_prompt_completion")])
def test_every_file_lints(rel):
    res = _lint(rel)
    for d in res.diagnostics:
        assert d.code and d.message and 0 <= d.line


@pytest.mark.parametrize("name", _files("legacy_prompt_completion"))
def test_legacy_files_are_prompt_completion(name):
    res = _lint(f"legacy_prompt_completion/{name}")
    assert res.dialect == "prompt-completion"
    assert not [d for d in res.diagnostics if d.code.startswith("FT1")]


def test_comic_role_model_on_every_line():
    res = _lint("chat_format/comic__fine_tuning_data.jsonl")
    lines = {d.line for d in res.diagnostics if d.code == "FT102"}
    assert res.examples == 1000 and lines == set(range(1000))
    d = next(d for d in res.diagnostics if d.code == "FT102")
    assert '"model"' in d.message and 'did you mean "assistant"' in d.message and d.fix is not None
    assert d.severity == Severity.ERROR


def test_koku_missing_assistant_on_every_line():
    res = _lint("chat_format/koku__practice_fine_tuning_messages.jsonl")
    assert {d.line for d in res.diagnostics if d.code == "FT101" and d.severity == Severity.ERROR} == {0, 1, 2}


@pytest.mark.parametrize("rel", ["chat_format/openai-cookbook__drone_training.jsonl",
                                 "chat_format/hw1__biden_without_comments.jsonl",
                                 "chat_format/hw1__trump_without_comments.jsonl",
                                 "chat_format/edersonbadeca__validation_data.jsonl"])
def test_valid_files_have_no_errors_with_all_default_rules(rel):
    res = _lint(rel, Config())
    errors = [(d.code, d.line, d.message) for d in res.diagnostics if d.severity == Severity.ERROR]
    assert errors == []
    assert res.dialect == "openai-chat"


def test_drone_tool_calls_are_valid_format():
    res = _lint("chat_format/openai-cookbook__drone_training.jsonl")
    assert res.examples == 103
    assert [d for d in res.diagnostics if d.code.startswith("FT1")] == []


def _cookbook():
    p = REALDATA / "ground_truth" / "openai_cookbook_checker_expected_results.json"
    return json.loads(p.read_text()) if p.exists() else {}


@pytest.mark.parametrize("rel", sorted(_cookbook()))
def test_agrees_with_cookbook_checker(rel):
    """Where the cookbook loads a file we count the same examples and flag the same records, except its
    known false positives (tool calls); where its loader crashes we report a syntax error instead."""
    exp = _cookbook()[rel]
    res = _lint(rel)
    errors = [d for d in res.diagnostics if d.severity == Severity.ERROR]
    if "load" in exp:
        assert any(d.code.startswith("FT0") for d in errors), exp["load"]
        return
    assert res.examples == exp["num_examples"]
    fmt = exp["format_errors"]
    flagged = {d.line for d in errors if d.code.startswith("FT1")}
    if not fmt or set(fmt) <= {"message_missing_key", "message_unrecognized_key", "missing_content"} and \
            "drone_training" in rel:  # tool-calling data: the cookbook's false positives
        assert flagged == set()
    else:
        assert len(flagged) == max(fmt.values())
