"""Configuration: ``[tool.ftlint]`` in the nearest ``pyproject.toml`` or ``ftlint.toml``.

Keys may be written kebab-case (as in ruff) or snake_case. Unknown keys are an
error that names the key. CLI flags override the file.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ValueError):
    pass


DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("FT",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    dialect: str | None = None  # None: detect per file
    model: str = DEFAULT_MODEL
    epochs: int | None = None  # None: computed as the provider's auto mode does
    context_limit: int | None = None  # tokens per training example; None: the model table's limit
    eval: tuple[str, ...] = ()  # eval/validation files of this project
    # Training files (globs): lets the editor show, in an eval file, which records appear in training.
    train: tuple[str, ...] = ()
    benchmarks: tuple[dict, ...] = ()  # external reference sets: {path, fields, name}
    prices: dict[str, Any] = field(default_factory=dict)  # overrides of the price table
    fail_on: str = "error"
    max_diagnostics_per_rule: int = 0  # 0: no cap (the server sets its own)
    cache_dir: str | None = None
    embedding_model: str | None = None
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> options (+ severity)
    root: str | None = None  # folder of the config file; relative paths resolve against it
    source: str | None = None  # the config file read, if any

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)

    def resolve(self, p: str) -> str:
        """A path from the config, made absolute against the config's folder."""
        if self.root and not os.path.isabs(p):
            return os.path.join(self.root, p)
        return p

    def train_files(self) -> tuple[str, ...]:
        """The ``train`` globs, resolved against the config's folder, as existing absolute paths."""
        import glob

        out: list[str] = []
        for pattern in self.train:
            out.extend(sorted(glob.glob(self.resolve(pattern), recursive=True)))
        return tuple(dict.fromkeys(os.path.abspath(p) for p in out))

    def ignored_for(self, path: str) -> tuple[str, ...]:
        out: list[str] = []
        rel = _relative(path, self.root)
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern):
                out.extend(codes)
        return tuple(out)

    def is_excluded(self, path: str) -> bool:
        rel = _relative(path, self.root)
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(path), p) for p in self.exclude)


_FIELDS = {f.name: f for f in dataclasses.fields(Config) if f.name not in ("root", "source")}
_TUPLE_FIELDS = {"select", "extend_select", "ignore", "exclude", "eval", "train", "benchmarks"}


def _relative(path: str, root: str | None) -> str:
    if root:
        try:
            return os.path.relpath(os.path.abspath(path), root)
        except ValueError:  # pragma: no cover - other drive on Windows
            return path
    return path


def codes_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{key!r} must be a list of rule codes or prefixes, got {value!r}")
    return tuple(str(v).strip().upper() for v in value if str(v).strip())


def from_mapping(values: dict[str, Any], root: str | None = None, source: str | None = None,
                 base: Config | None = None) -> Config:
    """Build a Config from a ``[tool.ftlint]`` table; unknown keys raise ConfigError naming them."""
    changes: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key not in _FIELDS:
            where = f" in {source}" if source else ""
            raise ConfigError(f"unknown config key {raw_key!r}{where} (known: {', '.join(sorted(k.replace('_', '-') for k in _FIELDS))})")
        if key in ("select", "extend_select", "ignore"):
            value = codes_list(value, raw_key)
        elif key == "per_file_ignores":
            if not isinstance(value, dict):
                raise ConfigError("'per-file-ignores' must be a table of glob = [codes]")
            value = {k: codes_list(v, f"per-file-ignores.{k}") for k, v in value.items()}
        elif key == "rules":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError("'rules' must be a table of [tool.ftlint.rules.FTxxx] tables")
            value = {k.upper(): dict(v) for k, v in value.items()}
        elif key == "benchmarks":
            if isinstance(value, dict):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, (dict, str)) for v in value):
                raise ConfigError("'benchmarks' must be a list of paths or {path, fields} tables")
            value = tuple(v if isinstance(v, dict) else {"path": v} for v in value)
        elif key in _TUPLE_FIELDS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise ConfigError(f"{raw_key!r} must be a list, got {value!r}")
            value = tuple(value)
        elif key == "epochs" and value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ConfigError(f"'epochs' must be a positive integer, got {value!r}")
        elif key == "context_limit" and value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ConfigError(f"'context-limit' must be a positive integer (tokens per example), got {value!r}")
        elif key == "fail_on" and value not in ("error", "warning", "info", "hint", "never"):
            raise ConfigError(f"'fail-on' must be error, warning, info, hint or never, got {value!r}")
        elif key == "max_diagnostics_per_rule" and (not isinstance(value, int) or value < 0):
            raise ConfigError(f"'max-diagnostics-per-rule' must be a non-negative integer, got {value!r}")
        elif key in ("model", "dialect", "cache_dir", "embedding_model") and value is not None and not isinstance(value, str):
            raise ConfigError(f"{raw_key!r} must be a string, got {value!r}")
        changes[key] = value
    base = base or Config()
    return dataclasses.replace(base, root=root or base.root, source=source or base.source, **changes)


def find_config_file(start: str | os.PathLike) -> Path | None:
    """The nearest ``ftlint.toml`` or ``pyproject.toml`` with a ``[tool.ftlint]`` table, walking up."""
    p = Path(start).resolve()
    if p.is_file() or not p.exists():
        p = p.parent
    for d in (p, *p.parents):
        f = d / "ftlint.toml"
        if f.is_file():
            return f
        f = d / "pyproject.toml"
        if f.is_file():
            try:
                with open(f, "rb") as fh:
                    if "ftlint" in tomllib.load(fh).get("tool", {}):
                        return f
            except (OSError, tomllib.TOMLDecodeError):
                continue
    return None


def load_file(path: str | os.PathLike) -> Config:
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: {e.strerror}") from None
    table = doc if path.name == "ftlint.toml" else doc.get("tool", {}).get("ftlint", {})
    if path.name == "ftlint.toml" and "tool" in table and "ftlint" in table.get("tool", {}):
        table = table["tool"]["ftlint"]
    return from_mapping(table, root=str(path.parent.resolve()), source=str(path))


def load_for(path: str | os.PathLike) -> Config:
    """The config that applies to a dataset file (nearest config file, or defaults)."""
    f = find_config_file(path)
    return load_file(f) if f else Config()
