"""Every rule documents itself, and its Bad/Good examples do what they say."""

import dataclasses

import pytest

from ftlsp import docs
from ftlsp.config import Config
from ftlsp.engine import lint_paths
from ftlsp.registry import load

RULES = load().sorted()


def test_registry_has_rules():
    assert len(RULES) >= 12


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_rule_metadata(cls):
    assert cls.name == cls.name.lower() and " " not in cls.name and "_" not in cls.name
    assert cls.summary and not cls.summary.endswith(".")
    doc = cls.doc()
    assert "Bad" in doc and "Good" in doc, f"{cls.code} docstring needs Bad: and Good: examples"
    assert dataclasses.is_dataclass(cls.Options) and cls.Options.__dataclass_params__.frozen


@pytest.mark.parametrize("cls", RULES, ids=lambda c: c.code)
def test_rule_doc_examples(cls, tmp_path):
    exs = docs.examples(cls.doc())
    bad = [e for e in exs if e.kind == "Bad"]
    good = [e for e in exs if e.kind == "Good"]
    evals = [e for e in exs if e.kind == "Eval"]
    assert bad and good, f"{cls.code}: docstring has no runnable Bad/Good blocks"
    overrides = dict(getattr(cls, "doc_config", {}) or {})
    rules_opts = overrides.pop("rules", {})
    config = Config().replace(select=(cls.code,), rules=rules_opts, **overrides)
    eval_paths = []
    for i, e in enumerate(evals):
        p = tmp_path / f"eval{i}.jsonl"
        p.write_bytes(e.content)
        eval_paths.append(str(p))
    suffix = getattr(cls, "doc_suffix", ".jsonl")
    for i, e in enumerate(bad + good):
        p = tmp_path / f"{e.kind.lower()}{i}{suffix}"
        p.write_bytes(e.content)
        results = lint_paths([str(p)], config, eval_paths=eval_paths)
        found = [d for r in results if r.path == str(p) for d in r.diagnostics if d.code == cls.code]
        if e.kind == "Bad":
            skipped = [n for r in results for n in r.notices if "skipped" in n]
            if not found and skipped:  # e.g. semantic rules without the embeddings extra
                pytest.skip(skipped[0])
            assert found, f"{cls.code}: Bad example gives no finding:\n{e.content.decode(errors='replace')}"
        else:
            assert not found, f"{cls.code}: Good example gives findings: {[d.message for d in found]}"
