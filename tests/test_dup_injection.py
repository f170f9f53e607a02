"""Injected near-duplicates in real questions (banking77, MMLU): recall and precision per rule.

Numbers are printed (pytest -s) and asserted at the goals: recall >= 0.9 at precision >= 0.9 at
default thresholds for typos, reordered clauses and case/whitespace/punctuation changes; for
paraphrases recall >= 0.9 (FT304 + FT305). FT305's precision reaches the goal on distinct
questions (MMLU, test_injection_in_distinct_questions), not on banking77 (test_semantic_injection).
"""

import json
import sys
from pathlib import Path

import pytest

from conftest import realdata
from ftlsp.config import Config
from ftlsp.document import Document
from ftlsp.engine import Linter

sys.path.insert(0, str(Path(__file__).parent))
import dup_inject as I  # noqa: E402

EXPECTED = {"case": {"FT303"}, "typo": {"FT304"}, "reorder": {"FT304"}, "paraphrase": {"FT304", "FT305"}}


SOURCES = {"banking77": "classification/banking77__train.csv", "mmlu": "eval/mmlu_test",
           "gsm8k": "eval/gsm8k__train.jsonl"}


def build(n_base, per_kind, seed=1, source="banking77"):
    base = I.load_questions(realdata(SOURCES[source]), n_base, seed=seed, source=source)
    recs = I.inject(base, per_kind, seed=seed)
    text = "".join(json.dumps({"prompt": t, "completion": c}) + "\n" for t, c, _, _ in recs)
    # line of each base question, for checking where findings point
    line_of_base = {}
    for n, (t, c, src, kind) in enumerate(recs):
        if src is None:
            line_of_base[t] = n
    src_line = {n: line_of_base[base[src][0]] for n, (t, c, src, kind) in enumerate(recs) if src is not None}
    return recs, text, src_line


def measure(recs, text, src_line, codes, config=None):
    cfg = config or Config()
    diags = Linter(cfg.replace(select=tuple(codes))).lint(Document.from_text("inj.jsonl", text)).diagnostics
    stats = {}
    for code in codes:
        found = [d for d in diags if d.code == code]
        good = [d for d in found if d.line in src_line and d.related and d.related[0].line == src_line[d.line]]
        stats[code] = {"findings": len(found), "correct": len(good),
                       "precision": len(good) / len(found) if found else 1.0,
                       "false": [(recs[d.line][0], recs[d.related[0].line][0]) for d in found if d not in good][:5]}
    for kind, want in EXPECTED.items():
        lines = [n for n, r in enumerate(recs) if r[3] == kind]
        hit = {d.line for d in diags if d.code in want and d.line in src_line and d.related
               and d.related[0].line == src_line[d.line]}
        stats[kind] = {"injected": len(lines), "recall": sum(1 for n in lines if n in hit) / max(1, len(lines))}
    return stats


@pytest.mark.realdata
@pytest.mark.parametrize("seed", [1, 2, 3])  # each seed: another base sample and other injections
def test_lexical_injection_recall_and_precision(seed):
    recs, text, src_line = build(2000, 50, seed=seed)
    s = measure(recs, text, src_line, ("FT301", "FT302", "FT303", "FT304"))
    print(json.dumps(s, indent=1, ensure_ascii=False))
    for kind in ("case", "typo", "reorder"):
        assert s[kind]["injected"] >= 40
        assert s[kind]["recall"] >= 0.9, (kind, s[kind])
    for code in ("FT303", "FT304"):
        assert s[code]["precision"] >= 0.9, (code, s[code])
    assert s["FT301"]["findings"] == s["FT302"]["findings"] == 0  # nothing exact was injected


@pytest.mark.realdata
@pytest.mark.embeddings
@pytest.mark.slow
def test_semantic_injection(tmp_path):
    """Paraphrases (1-2 reworded phrases) in 2,000 questions: FT304 + FT305 at default options.

    Recall is asserted at the goal (0.9). FT305's precision is NOT asserted at 0.9: the goal is
    out of reach on this data for any detector that finds the rewordings. banking77 was written by
    crowd workers varying each other's questions: a 2,000-question sample holds 100+ pairs of the
    same intent that differ by one or two words ("How do I add a new card?" / "How can I add a new
    card?", cosine 0.99), as many as the 50 injected rewordings and indistinguishable from them.
    FT305's defaults were calibrated on seed 1 (recall 0.90, FT305 precision 0.19); this is seed 2,
    held out (0.94, 0.18; seed 3: 0.96, 0.23; another base sample: 0.88, 0.16). The floors catch
    regressions: the previous defaults gave 0.82 and 0.10 here, no word-edit check 0.05.
    """
    from ftlsp import embeddings

    if embeddings.unavailable_reason() is not None:
        pytest.skip(embeddings.unavailable_reason())
    recs, text, src_line = build(2000, 50, seed=2)
    s = measure(recs, text, src_line, ("FT303", "FT304", "FT305"), Config(cache_dir=str(tmp_path)))
    print(json.dumps(s, indent=1, ensure_ascii=False))
    assert s["paraphrase"]["injected"] >= 40
    assert s["paraphrase"]["recall"] >= 0.9, s["paraphrase"]
    for code in ("FT303", "FT304"):
        assert s[code]["precision"] >= 0.9, (code, s[code])
    assert s["FT305"]["precision"] >= 0.13, s["FT305"]
    # FT305 stays quiet enough to review: under 12% of the examples get an FT305 finding
    assert s["FT305"]["findings"] <= 0.12 * len(recs), s["FT305"]


@pytest.mark.realdata
@pytest.mark.embeddings
@pytest.mark.slow
def test_injection_in_distinct_questions(tmp_path):
    """The goal on distinct questions: 2,000 MMLU test questions + 50 injected copies of each kind.

    FT301-FT305 at default options, FT305 selected explicitly (it is opt-in). Unlike banking77,
    MMLU's questions were written independently, so nearly every finding should be an injected
    copy: recall >= 0.9 for every kind and precision >= 0.9 for FT303, FT304 and FT305.
    Measured (seeds 1/2/3/4): paraphrase recall 0.98/1.00/1.00/1.00, other kinds 0.98-1.00;
    FT305 precision 0.977/0.920/0.911/0.913 (0.915/0.902/0.911/0.894 before FT305's negation and
    number checks), FT304 0.98-0.99, FT303 1.00. This is seed 4, the one below the goal without
    those checks. FT305's remaining false findings are real near-twins in MMLU ("Which countries
    emitted the most CO2 (per capita) in 2017?") and antonym swaps ("aggregate supply curve
    shifts to the left" / "aggregate demand curve shifts to the right"). GSM8K train questions
    give 1.00 everywhere on seeds 1-4.
    """
    from ftlsp import embeddings

    if embeddings.unavailable_reason() is not None:
        pytest.skip(embeddings.unavailable_reason())
    recs, text, src_line = build(2000, 50, seed=4, source="mmlu")
    codes = ("FT301", "FT302", "FT303", "FT304", "FT305")
    s = measure(recs, text, src_line, codes, Config(cache_dir=str(tmp_path)))
    print(json.dumps(s, indent=1, ensure_ascii=False))
    for kind in I.KINDS:
        assert s[kind]["injected"] >= 45, (kind, s[kind])
        assert s[kind]["recall"] >= 0.9, (kind, s[kind])
    for code in ("FT303", "FT304", "FT305"):
        assert s[code]["precision"] >= 0.9, (code, s[code])
    assert s["FT301"]["findings"] == s["FT302"]["findings"] == 0
