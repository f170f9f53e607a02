"""Content rules on real files of ../shared/realdata (read in place, never copied)."""

import bisect
import json
import random

import pytest

from conftest import realdata
from ftlsp.config import Config
from ftlsp.document import Document
from ftlsp.engine import Linter, read_document

pytestmark = pytest.mark.realdata


def records_with(path, code, select=("FT7",)):
    doc = read_document(str(path))
    res = Linter(Config(select=select)).lint(doc)
    starts = [r.line for r in doc.records]
    found = {bisect.bisect_right(starts, d.line) - 1 for d in res.diagnostics if d.code == code}
    return doc, res, found


def test_comic_placeholder_target_in_every_record():
    doc, res, _ = records_with(realdata("chat_format/comic__fine_tuning_data.jsonl"), "FT707", ("FT707",))
    target = [d for d in res.diagnostics if "[Your model will learn to generate this]" in d.message]
    assert len(doc.records) == 1000
    assert len({d.line for d in target}) == 1000
    # the range is exactly the placeholder inside the assistant ("model") turn
    d = target[0]
    assert doc.lines[d.line].text[d.col:d.end_col] == "[Your model will learn to generate this]"


@pytest.mark.parametrize("name,expected", [
    ("gpteacher__toolformer-similarity-0.9-dataset.json", 17),
    ("gpteacher__toolformer-similarity-0.6-dataset.json", 9),
    ("gpteacher__toolformer-dedupe-only-dataset.json", 0),
])
def test_gpteacher_mojibake_records(name, expected):
    """Ground truth: records_with_mojibake_(Â|â€|Ã) in eval_instruction_classification_ground_truth.json."""
    gt = json.loads(realdata("ground_truth/eval_instruction_classification_ground_truth.json").read_text())
    key = {"gpteacher__toolformer-similarity-0.9-dataset.json": "similarity_0.9",
           "gpteacher__toolformer-similarity-0.6-dataset.json": "similarity_0.6",
           "gpteacher__toolformer-dedupe-only-dataset.json": "dedupe_only"}[name]
    assert gt["gpteacher_toolformer"][f"records_with_mojibake_(Â|â€|Ã)_{key}"] == expected
    doc, res, found = records_with(realdata(f"instruction/{name}"), "FT710", ("FT710",))
    assert len(found) == expected
    for i in found:
        assert any(m in json.dumps(doc.records[i].data, ensure_ascii=False) for m in ("Â", "â€", "Ã"))


@pytest.mark.parametrize("name", ["chatbot-unil__training_data.jsonl", "pirate__training_set.jsonl"])
def test_clean_files_have_no_content_findings(name):
    _, res, _ = records_with(realdata(f"chat_format/{name}"), "FT7")
    assert [d.message for d in res.diagnostics] == []


# -- seeded planting --------------------------------------------------------------------------------

SCHEMA = {"type": "object", "required": ["answer", "lang"], "additionalProperties": False,
          "properties": {"answer": {"type": "string"}, "lang": {"enum": ["fr"]}}}
SK = "sk-proj-Qz8rT2mK9pL4vX7nB3cW6yH1jF5dS0aE"


def _answer(rec):
    return json.loads(rec["messages"][2]["content"])["answer"]


def _set(rec, output):
    rec["messages"][2]["content"] = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)


# name -> (how to plant into a record, the codes that must report it)
PLANTS = {
    "schema-type": (lambda r: _set(r, {"answer": 42, "lang": "fr"}), {"FT701"}),
    "schema-enum": (lambda r: _set(r, {"answer": _answer(r), "lang": "en"}), {"FT701"}),
    "schema-missing-key": (lambda r: _set(r, {"answer": _answer(r)}), {"FT701", "FT703"}),
    "format-prose": (lambda r: _set(r, _answer(r)), {"FT701", "FT703"}),
    "format-fence": (lambda r: _set(r, "```json\n" + r["messages"][2]["content"] + "\n```"), {"FT701", "FT703"}),
    "over-length": (lambda r: _set(r, {"answer": " ".join(["mot"] * 80), "lang": "fr"}), {"FT705"}),
    "placeholder": (lambda r: _set(r, {"answer": "[Your answer here]", "lang": "fr"}), {"FT707"}),
    "refusal": (lambda r: _set(r, {"answer": "As an AI language model, I cannot answer.", "lang": "fr"}),
                {"FT708"}),
    "truncated": (lambda r: _set(r, r["messages"][2]["content"][:-12]), {"FT709", "FT701", "FT703"}),
    "mojibake": (lambda r: _set(r, {"answer": _answer(r).replace("é", "Ã©") + " Ã©tudiants", "lang": "fr"}),
                 {"FT710"}),
    "replacement": (lambda r: r["messages"][1].update(content=r["messages"][1]["content"] + " \ufffd"), {"FT711"}),
    "email": (lambda r: r["messages"][1].update(content=r["messages"][1]["content"] + " (marie.dupont@unil.ch)"),
              {"FT712"}),
    "phone": (lambda r: r["messages"][1].update(content="Appelez-moi au +41 21 692 11 11. " +
                                                r["messages"][1]["content"]), {"FT712"}),
    "card": (lambda r: _set(r, {"answer": "Carte 4539 1488 0343 6467.", "lang": "fr"}), {"FT712"}),
    "iban": (lambda r: _set(r, {"answer": "Virement sur CH93 0076 2011 6238 5295 7.", "lang": "fr"}), {"FT712"}),
    "ip": (lambda r: r["messages"][1].update(content=r["messages"][1]["content"] + " depuis 81.2.69.160"),
           {"FT712"}),
    "openai-key": (lambda r: r["messages"][1].update(content=f"api_key={SK} " + r["messages"][1]["content"]),
                   {"FT713"}),
    "aws-key": (lambda r: r["messages"][1].update(content=r["messages"][1]["content"] + " AKIAQWERTZUIOP7ASDFG"),
                {"FT713"}),
    "system-prompt": (lambda r: r["messages"][0].update(content=r["messages"][0]["content"] + " Sois bref."),
                      {"FT704"}),
}


def test_seeded_planting_recall_and_false_positives(tmp_path):
    src = realdata("chat_format/chatbot-unil__training_data.jsonl")
    recs = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in recs:  # the clean base: every answer as {"answer": ..., "lang": "fr"}
        _set(r, {"answer": r["messages"][2]["content"], "lang": "fr"})
    rng = random.Random(7)
    targets = rng.sample(range(len(recs)), len(PLANTS))
    planted = {}
    for (name, (plant, codes)), i in zip(PLANTS.items(), targets):
        plant(recs[i])
        planted[i] = (name, codes)
    schema = tmp_path / "answer.json"
    schema.write_text(json.dumps(SCHEMA))
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n"
    cfg = Config(select=("FT7",), rules={"FT701": {"schema": str(schema)}, "FT705": {"max_words": {"assistant": 40}}})
    res = Linter(cfg).lint(Document.from_text(str(tmp_path / "seeded.jsonl"), text))
    by_line: dict[int, set] = {}
    for d in res.diagnostics:
        by_line.setdefault(d.line, set()).add(d.code)
    found = sum(1 for i, (_, codes) in planted.items() if codes <= by_line.get(i, set()))
    missed = {name: (codes, by_line.get(i, set())) for i, (name, codes) in planted.items()
              if not codes <= by_line.get(i, set())}
    false_pos = {i: c for i, c in by_line.items() if i not in planted}
    print(f"\nseeded: recall {found}/{len(planted)}, false positives on untouched records: {len(false_pos)}")
    assert not missed, missed
    assert not false_pos, false_pos
    # findings on planted records stay within the expected families (no noise piled on top)
    extra = {planted[i][0]: c - planted[i][1] for i, c in by_line.items()
             if i in planted and c - planted[i][1] - {"FT706"}}
    assert not extra, extra
