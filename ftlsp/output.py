"""Output formats of ``ftlint``: text, json, sarif, github. Lines and columns 1-based here."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from ftlsp import __version__
from ftlsp.engine import FileResult
from ftlsp.registry import Registry
from ftlsp.rule import Diagnostic, Severity

DOCS_URL = "https://github.com/ftlsp/ftlsp/blob/main/docs/rules.md#{code}"

# Sections of the per-file summary that other rules contribute (tokens, cost) are printed by
# formatters registered here: name -> function(info) -> lines.
SUMMARY_FORMATTERS: dict[str, Callable[[dict], list[str]]] = {}


def rule_url(code: str) -> str:
    return DOCS_URL.format(code=code.lower())


def related_json(d: Diagnostic) -> list[dict]:
    return [{"path": r.path or d.path, "line": r.line + 1, "message": r.message} for r in d.related]


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": d.path, "line": d.line + 1, "column": d.col + 1, "end_line": d.end_line + 1,
        "end_column": d.end_col + 1, "code": d.code, "name": d.name, "severity": d.severity.label,
        "message": d.message, "related": related_json(d), "fixable": d.fix is not None,
    }
    if d.data:
        out["data"] = d.data
    return out


def file_json(r: FileResult) -> dict[str, Any]:
    out = {"path": r.path, "dialect": r.dialect, "examples": r.examples, "eval": r.is_eval}
    out.update(r.info)
    return out


def to_json(results: list[FileResult], diags: list[Diagnostic], notices: Iterable[str] = ()) -> str:
    return json.dumps({"version": 1, "tool": {"name": "ftlint", "version": __version__},
                       "files": [file_json(r) for r in results],
                       "diagnostics": [diagnostic_json(d) for d in diags],
                       "notices": list(notices)}, indent=2, ensure_ascii=False)


def to_text(results: list[FileResult], diags: list[Diagnostic], *, color: bool = False,
            summary: bool = True) -> str:
    lines = []
    for d in diags:
        sev = d.severity.label
        loc = f"{d.path}:{d.line + 1}:{d.col + 1}"
        if color:
            c = {"error": "31", "warning": "33", "info": "36", "hint": "2"}[sev]
            lines.append(f"\x1b[1m{loc}\x1b[0m: \x1b[{c}m{d.code}\x1b[0m {d.message}")
        else:
            lines.append(f"{loc}: {d.code} [{sev}] {d.message}")
        for r in d.related:
            lines.append(f"    {r.path or d.path}:{r.line + 1}: {r.message}")
    if summary:
        for r in results:
            for name, fmt in SUMMARY_FORMATTERS.items():
                if name in r.info:
                    lines.extend(f"{r.path}: {s}" for s in fmt(r.info))
    return "\n".join(lines)


def to_github(diags: list[Diagnostic]) -> str:
    out = []
    for d in diags:
        level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(d.severity, "notice")
        msg = d.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = d.path.replace(",", "%2C").replace(":", "%3A")
        out.append(f"::{level} title=ftlint ({d.code}),file={path},line={d.line + 1},col={d.col + 1},"
                   f"endLine={d.end_line + 1},endColumn={d.end_col + 1}::{d.code} {msg}")
    return "\n".join(out)


def to_sarif(diags: list[Diagnostic], registry: Registry) -> str:
    used = sorted({d.code for d in diags})
    rules = []
    index = {}
    for code in used:
        cls = registry.get(code)
        index[code] = len(rules)
        rules.append({
            "id": code, "name": cls.name if cls else code,
            "shortDescription": {"text": cls.summary if cls else code},
            "fullDescription": {"text": cls.doc() if cls else code},
            "helpUri": rule_url(code),
            "defaultConfiguration": {"level": _sarif_level(cls.default_severity if cls else Severity.WARNING)},
        })
    results = []
    for d in diags:
        res = {
            "ruleId": d.code, "ruleIndex": index[d.code], "level": _sarif_level(d.severity),
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": d.path},
                "region": {"startLine": d.line + 1, "startColumn": d.col + 1,
                           "endLine": d.end_line + 1, "endColumn": d.end_col + 1}}}],
        }
        if d.record_hash:
            res["partialFingerprints"] = {"recordHash/v1": f"{d.code}:{d.record_hash}"}
        if d.related:
            res["relatedLocations"] = [{"id": i, "message": {"text": r.message}, "physicalLocation": {
                "artifactLocation": {"uri": r.path or d.path}, "region": {"startLine": r.line + 1}}}
                for i, r in enumerate(d.related)]
        results.append(res)
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "ftlint", "version": __version__,
                                      "informationUri": "https://github.com/ftlsp/ftlsp", "rules": rules}},
                  "results": results}]}, indent=2)


def _sarif_level(sev: Severity) -> str:
    return {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(sev, "note")


def statistics(diags: list[Diagnostic]) -> str:
    counts: dict[tuple[str, str], int] = {}
    fixable: dict[str, bool] = {}
    for d in diags:
        counts[(d.code, d.name)] = counts.get((d.code, d.name), 0) + 1
        fixable[d.code] = fixable.get(d.code, False) or d.fix is not None
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return "\n".join(f"{n:>7}\t{code}\t{'[*] ' if fixable[code] else ''}{name}" for (code, name), n in rows)
