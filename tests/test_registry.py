"""Registry: built-ins through the entry-point group, plugins, broken plugins, duplicate codes."""

import sys
import types

import pytest

from ftlsp import registry
from ftlsp.rule import ExampleRule, Finding


def test_builtins_load_cleanly():
    reg = registry.load(cached=False)
    assert reg.problems == []
    assert all(registry.CODE_RE.match(c) for c in reg.rules)
    assert reg.get("FT001").name == "invalid-json"
    assert reg.by_name("blank-line").code == "FT003"


def test_builtin_entry_point_is_declared():
    from importlib.metadata import entry_points

    eps = [ep for ep in entry_points(group=registry.GROUP) if ep.value == "ftlsp.rules"]
    assert eps, "pyproject must declare [project.entry-points.'ftlsp.rules'] builtin = 'ftlsp.rules'"


class _EP:
    def __init__(self, name, value, obj=None, exc=None):
        self.name, self.value, self._obj, self._exc = name, value, obj, exc

    def load(self):
        if self._exc:
            raise self._exc
        return self._obj


def _plugin_rule(code):
    class Plugin(ExampleRule):
        """Plugin rule.

        Bad:
            {"x": 1}

        Good:
            {"y": 1}
        """

        name = "has-x"
        summary = "Has x"

        def check(self, ex, ctx):
            if "x" in ex.data:
                yield Finding("x is here", "/x")

    Plugin.code = code
    return Plugin


def test_third_party_plugin_and_broken_plugin(monkeypatch):
    good = _EP("good", "acme_rules", obj=[_plugin_rule("AC001")])
    broken = _EP("broken", "broken_rules", exc=ImportError("no module named numpyy"))
    monkeypatch.setattr(registry, "entry_points", lambda group: [good, broken])
    reg = registry.load(cached=False)
    assert "AC001" in reg.rules
    assert len(reg.problems) == 1 and "broken" in reg.problems[0] and "numpyy" in reg.problems[0]

    from ftlsp.config import Config
    from ftlsp.document import Document
    from ftlsp.engine import Linter

    diags = Linter(Config().replace(select=("AC",)), reg).lint(Document.from_text("p.jsonl", '{"x": 1}\n')).diagnostics
    assert [(d.code, d.col, d.end_col) for d in diags] == [("AC001", 6, 7)]


def test_duplicate_code_fails_loudly(monkeypatch):
    dup = _EP("dup", "dup_rules", obj=_plugin_rule("FT001"))
    monkeypatch.setattr(registry, "entry_points", lambda group: [dup])
    with pytest.raises(registry.DuplicateCodeError, match="FT001"):
        registry.load(cached=False)


def test_invalid_code_is_reported(monkeypatch):
    bad = _EP("bad", "bad_rules", obj=_plugin_rule("X1"))
    monkeypatch.setattr(registry, "entry_points", lambda group: [bad])
    reg = registry.load(cached=False)
    assert any("invalid code" in p for p in reg.problems)


def test_broken_module_inside_a_rule_package_is_skipped(tmp_path, monkeypatch):
    pkg = tmp_path / "acme_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "broken.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    mod = importlib.import_module("acme_pkg")
    problems = []
    assert list(registry.rules_in(mod, problems)) == []
    assert "boom" in problems[0]
