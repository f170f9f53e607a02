"""FT0xx against the real files in ../shared/realdata and their ground truth (skipped when absent)."""

import json

import pytest

from conftest import REALDATA, realdata
from ftlsp.config import Config
from ftlsp.engine import Linter, read_document

pytestmark = pytest.mark.realdata


def facts():
    p = REALDATA / "ground_truth" / "chat_and_legacy_ground_truth.json"
    if not p.exists():
        return {}
    return json.loads(p.read_text())["file_format_facts"]


FACTS = facts()


def lint(rel, select=("FT0",)):
    doc = read_document(str(realdata(rel)))
    return doc, Linter(Config().replace(select=select)).lint(doc).diagnostics


def lines_of(diags, code):
    return sorted(d.line + 1 for d in diags if d.code == code)


@pytest.mark.parametrize("rel", sorted(FACTS), ids=lambda r: r.split("/")[-1])
def test_format_facts(rel):
    """CRLF, BOM, final newline, blank lines and invalid JSON lines agree with the ground truth."""
    f = FACTS[rel]
    doc, diags = lint(rel)
    assert bool(lines_of(diags, "FT007")) == f["crlf"]
    assert bool(lines_of(diags, "FT005")) == f["bom"]
    assert bool(lines_of(diags, "FT011")) == (not f["ends_with_newline"] and f["bytes"] > 0)
    multi = [(d.line + 1, d.end_line + 1) for d in diags if d.code == "FT002"]

    def inside_record(line):
        return any(a <= line <= b for a, b in multi)

    # every blank line is reported, or lies inside a pretty-printed record (a raw newline in a string)
    blank = set(lines_of(diags, "FT003"))
    for ln in f["blank_lines"]:
        assert ln in blank or inside_record(ln), (rel, ln)
    assert blank <= set(f["blank_lines"])
    invalid = f["invalid_json_lines"]
    if isinstance(invalid, list):
        reported = set(lines_of(diags, "FT004")) | set(lines_of(diags, "FT001"))
        assert reported == set(invalid), rel
        assert not multi
    else:  # "N lines (all/most; multi-line JSON)": every content line belongs to a reported record
        content = [ln.number + 1 for ln in doc.lines if ln.kind != "blank"]
        assert all(inside_record(n) for n in content), rel


def test_hw1_comments_and_blank_lines_at_exact_lines():
    _, diags = lint("chat_format/hw1__biden.jsonl")
    assert lines_of(diags, "FT004") == [1, 2, 38, 52, 58]
    assert lines_of(diags, "FT003") == [37, 51, 57]
    _, diags = lint("chat_format/hw1__trump.jsonl")
    assert lines_of(diags, "FT004") == [1, 39, 95]
    assert lines_of(diags, "FT003") == [38, 94]


def test_pretty_printed_files_report_each_record_once():
    doc, diags = lint("chat_format/edersonbadeca__fine_tuning_data_val.jsonl")
    spans = [(d.line + 1, d.end_line + 1) for d in diags if d.code == "FT002"]
    assert len(spans) == 25 and spans[0] == (1, 16)
    assert not [d for d in diags if d.code == "FT001"]  # valid JSON, only laid out wrongly
    assert all(d.fix is not None for d in diags if d.code == "FT002")

    doc, diags = lint("chat_format/openai-cookbook__01-testing-example.jsonl")
    assert len([d for d in diags if d.code == "FT002"]) == 11
    # records 8 and 10 hold raw newlines inside strings: invalid JSON at the exact place
    bad = [d for d in diags if d.code == "FT001"]
    assert len(bad) == 2
    for d in bad:
        assert "control character" in d.message
        assert d.col == len(doc.lines[d.line].text)  # the raw newline that ends this line


@pytest.mark.parametrize("rel", [
    "chat_format/hw1__biden_without_comments.jsonl", "chat_format/hw1__trump_without_comments.jsonl",
    "chat_format/edersonbadeca__validation_data.jsonl", "chat_format/openai-cookbook__drone_training.jsonl",
])
def test_fixed_twins_have_no_syntax_errors(rel):
    _, diags = lint(rel)
    assert [d for d in diags if d.severity == 1] == []


def test_empty_validation_file():
    _, diags = lint("chat_format/koku__finetune_out_valid.jsonl")
    assert {d.code for d in diags} >= {"FT003", "FT012"}


@pytest.mark.parametrize("sub", ["chat_format", "legacy_prompt_completion", "instruction", "eval"])
def test_every_real_file_lints_without_crash(sub):
    folder = REALDATA / sub
    if not folder.exists():
        pytest.skip("realdata absent")
    linter = Linter(Config().replace(select=("FT0", "FT1")))
    n = 0
    for p in sorted(folder.iterdir()):
        if p.suffix in (".jsonl", ".json", ".gz"):
            res = linter.lint(read_document(str(p)))
            assert res.examples >= 0
            n += 1
    assert n > 0
