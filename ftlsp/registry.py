"""Rule registry: built-in and third-party rules through one entry-point group.

An entry point in the group ``ftlsp.rules`` may name a Rule class, a module
(every Rule subclass defined in it counts) or a package (every module in it).
Built-ins register the same way (``builtin = "ftlsp.rules"``). A plugin that
fails to import is reported and skipped; two rules with the same code fail loudly.
Rules are never loaded from the dataset's repository.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Iterable

from ftlsp.rule import DatasetRule, DocumentRule, ExampleRule, Rule

GROUP = "ftlsp.rules"
CODE_RE = re.compile(r"^[A-Z]{2,4}\d{3}$")
_BASES = (Rule, ExampleRule, DatasetRule, DocumentRule)


class DuplicateCodeError(RuntimeError):
    pass


@dataclass
class Registry:
    rules: dict[str, type[Rule]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # broken plugins, reported and skipped
    origins: dict[str, str] = field(default_factory=dict)

    def add(self, cls: type[Rule], origin: str) -> None:
        code = getattr(cls, "code", None)
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise ValueError(f"{origin}: rule {cls.__name__} has invalid code {code!r} (want e.g. FT101)")
        for attr in ("name", "summary"):
            if not isinstance(getattr(cls, attr, None), str):
                raise ValueError(f"{origin}: rule {code} lacks a {attr}")
        prev = self.rules.get(code)
        if prev is not None and prev is not cls:
            raise DuplicateCodeError(
                f"rule code {code} is defined twice: {self.origins[code]} ({prev.__name__}) and {origin} ({cls.__name__})")
        self.rules[code] = cls
        self.origins[code] = origin

    def get(self, code: str) -> type[Rule] | None:
        return self.rules.get(code.upper())

    def by_name(self, name: str) -> type[Rule] | None:
        for cls in self.rules.values():
            if cls.name == name:
                return cls
        return None

    def sorted(self) -> list[type[Rule]]:
        return [self.rules[c] for c in sorted(self.rules)]


def rules_in_module(module: ModuleType) -> Iterable[type[Rule]]:
    for _, obj in inspect.getmembers(module, inspect.isclass):
        if issubclass(obj, Rule) and obj not in _BASES and obj.__module__ == module.__name__ and "code" in obj.__dict__:
            yield obj


def rules_in(obj: object, problems: list[str] | None = None) -> Iterable[type[Rule]]:
    """Rule classes in a class, module, package or list. Modules that fail to import are
    recorded in ``problems`` (when given) and skipped; otherwise the error propagates."""
    if inspect.isclass(obj) and issubclass(obj, Rule):
        yield obj
    elif isinstance(obj, ModuleType):
        yield from rules_in_module(obj)
        if hasattr(obj, "__path__"):  # a package: every module in it
            for info in sorted(pkgutil.iter_modules(obj.__path__), key=lambda i: i.name):
                if info.name.startswith("_"):
                    continue
                try:
                    module = importlib.import_module(f"{obj.__name__}.{info.name}")
                except Exception as e:
                    if problems is None:
                        raise
                    problems.append(f"rule module {obj.__name__}.{info.name} failed to load: {type(e).__name__}: {e}")
                    continue
                yield from rules_in_module(module)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from rules_in(item)


_CACHE: Registry | None = None


def load(*, use_entry_points: bool = True, cached: bool = True) -> Registry:
    global _CACHE
    if cached and _CACHE is not None:
        return _CACHE
    reg = Registry()
    import ftlsp.rules as builtin

    for cls in rules_in(builtin, reg.problems):
        reg.add(cls, f"ftlsp.rules.{cls.__module__.rsplit('.', 1)[-1]}")
    if use_entry_points:
        for ep in entry_points(group=GROUP):
            if ep.value.split(":")[0] == "ftlsp.rules":
                continue  # the built-ins, loaded above even when not installed
            try:
                obj = ep.load()
                found = list(rules_in(obj, reg.problems))
            except Exception as e:  # a broken third-party plugin must not stop linting
                reg.problems.append(f"plugin {ep.name!r} ({ep.value}) failed to load: {type(e).__name__}: {e}")
                continue
            for cls in found:
                try:
                    reg.add(cls, f"plugin {ep.name}")
                except DuplicateCodeError:
                    raise
                except ValueError as e:
                    reg.problems.append(str(e))
    if cached:
        _CACHE = reg
    return reg
