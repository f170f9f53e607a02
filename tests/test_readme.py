"""README stays true: the generated rules table matches the registry; the commands are the CI's."""

from pathlib import Path

from ftlsp import readme

ROOT = Path(__file__).resolve().parent.parent


def test_rules_table_is_generated_from_registry():
    text = (ROOT / "README.md").read_text()
    assert readme.render(text) == text, "README rules table is stale: run `python -m ftlsp.readme`"


def test_rules_doc_is_generated_from_registry():
    assert (ROOT / "docs" / "rules.md").read_text() == readme.rules_doc(), "run `python -m ftlsp.readme`"


def test_ci_runs_the_readme_test_command():
    text = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest tests" in text
    assert "python -m pytest tests" in ci
    assert "torch==2.13.0" in text and "torch==2.13.0" in ci


def test_precommit_hook_matches_jsonl_by_name():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: ftlint" in hooks and r"files: '\.jsonl$'" in hooks


def test_every_subpackage_ships():
    """pyproject lists packages explicitly (for the rules/ -> ftlsp.rules mapping): none may be missing."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"ftlsp." + p.parent.name for p in (ROOT / "ftlsp").glob("*/__init__.py")} | {"ftlsp", "ftlsp.rules"}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
