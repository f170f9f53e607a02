"""Config per file: the nearest ``ftlint.toml``/``pyproject.toml`` merged with editor settings.

Editor settings (``workspace/configuration``, section ``ftlint``) may hold any
``[tool.ftlint]`` key (kebab-, snake- or camelCase: ``maxDiagnosticsPerRule``)
and override the file, plus server-only keys (``inlayHints``, ``codeLens``,
``slowRules``, ``debounceMs``). A nested ``config`` table is read the same way.

The config file is found by walking up from the data file, so multi-root
workspaces resolve per file. ``signature`` stats every candidate on that walk:
comparing it before a pass notices an edited, created or deleted config file
without any help from the client (some clients cannot watch files).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftlsp import config as C
from ftlsp.config import Config, ConfigError

SERVER_DEFAULT_MAX_PER_RULE = 200
CONFIG_NAMES = ("ftlint.toml", "pyproject.toml")


@dataclass(frozen=True)
class ServerOptions:
    inlay_hints: bool = True
    code_lens: bool = True
    slow_rules: bool = True
    debounce_ms: int = 400


_SERVER_KEYS = {"inlay_hints": bool, "code_lens": bool, "slow_rules": bool, "debounce_ms": int}


def snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).replace("-", "_").lower()


@dataclass
class Resolved:
    config: Config
    options: ServerOptions
    error: str | None  # config problem to show in the file (the lint then uses what was valid)
    config_file: str | None
    key: str  # identifies config + settings: equal keys share one Linter


def signature(path: str) -> tuple:
    """(file, mtime, size) of every config candidate from the file's folder up to the root."""
    out = []
    d = Path(path).parent
    for folder in (d, *d.parents):
        for name in CONFIG_NAMES:
            f = folder / name
            try:
                st = os.stat(f)
            except OSError:
                continue
            out.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(out)


def split_settings(settings: Any) -> tuple[dict, ServerOptions, list[str]]:
    """Editor settings -> ([tool.ftlint]-shaped overrides, server options, problems)."""
    problems: list[str] = []
    if not isinstance(settings, dict):
        return {}, ServerOptions(), problems
    flat = dict(settings)
    nested = flat.pop("config", None)
    if isinstance(nested, dict):
        flat.update(nested)
    overrides: dict[str, Any] = {}
    server: dict[str, Any] = {}
    for raw, value in flat.items():
        key = snake(str(raw))
        if key in _SERVER_KEYS:
            want = _SERVER_KEYS[key]
            if isinstance(value, want) and not (want is int and isinstance(value, bool)):
                server[key] = value
            else:
                problems.append(f"setting ftlint.{raw} must be {want.__name__}, got {value!r}")
        elif value is not None:
            overrides[key] = value
    return overrides, ServerOptions(**server), problems


def resolve(path: str, settings: Any) -> Resolved:
    overrides, options, problems = split_settings(settings)
    cfg_file = None
    base = Config()
    try:
        f = C.find_config_file(path)
        if f is not None:
            cfg_file = str(f)
            base = C.load_file(f)
    except ConfigError as e:
        problems.append(str(e))
    cfg = base
    if overrides:
        try:
            cfg = C.from_mapping(overrides, base=base, source=base.source)
        except ConfigError as e:
            problems.append(f"editor settings (ftlint): {e}")
    if not cfg.max_diagnostics_per_rule:
        cfg = cfg.replace(max_diagnostics_per_rule=SERVER_DEFAULT_MAX_PER_RULE)
    key = json.dumps([cfg_file, signature(path), overrides], sort_keys=True, default=str)
    return Resolved(cfg, options, "; ".join(problems) or None, cfg_file, key)
