"""Code actions: every rule fix, "fix all", and "ignore FTxxx for this file".

Fix edits are code-point offsets into the document text; they become UTF-16
ranges here. "Ignore" writes ``per-file-ignores`` to the nearest config file
(the one the file's config comes from), or creates ``ftlint.toml`` beside the
data file when there is none. No other file is ever touched. The edit is a
small textual insertion that keeps the user's formatting; the result is parsed
back and must ignore the code for the file, or nothing is written.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from lsprotocol import types as T

from ftlsp import config as C
from ftlsp.rule import Diagnostic
from ftlsp.lsp.convert import text_edit, to_lsp
from ftlsp.lsp.passes import FileState

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

IGNORE_COMMAND = "ftlint.ignoreForFile"
FIX_ALL_KIND = "source.fixAll.ftlint"


def _overlaps(d: Diagnostic, start: int, end: int) -> bool:
    return d.line <= end and d.end_line >= start


def code_actions(state: FileState, rng: T.Range, diags: list[Diagnostic], only: list[str] | None) -> list[T.CodeAction]:
    live = state.live
    want_quick = not only or any(k.startswith("quickfix") or k == "" for k in only)
    want_all = not only or any(FIX_ALL_KIND.startswith(k) or k.startswith(FIX_ALL_KIND) for k in only)
    out: list[T.CodeAction] = []
    hit = [d for d in diags if _overlaps(d, rng.start.line, rng.end.line)]
    if want_quick:
        for d in hit:
            if d.fix is None:
                continue
            out.append(T.CodeAction(
                title=f"{d.fix.title} ({d.code})", kind=T.CodeActionKind.QuickFix, diagnostics=[to_lsp(d, live)],
                is_preferred=getattr(d.fix, "safe", True),
                edit=T.WorkspaceEdit(changes={live.uri: [text_edit(live, e) for e in d.fix.edits]})))
        where = os.path.basename(state.config_file) if state.config_file else "new ftlint.toml"
        for code in dict.fromkeys(d.code for d in hit if d.code != "FT000"):
            out.append(T.CodeAction(
                title=f"Ignore {code} for this file (per-file-ignores in {where})", kind=T.CodeActionKind.QuickFix,
                diagnostics=[to_lsp(d, live) for d in hit if d.code == code],
                command=T.Command(title=f"Ignore {code} for this file", command=IGNORE_COMMAND,
                                  arguments=[live.uri, code])))
    if want_all:
        edits = safe_fix_edits(diags)
        if edits:
            out.append(T.CodeAction(
                title=f"Fix all safely fixable ftlint problems ({len(edits)} edits)", kind=FIX_ALL_KIND,
                edit=T.WorkspaceEdit(changes={live.uri: [text_edit(live, e) for e in edits]})))
    return out


def safe_fix_edits(diags: list[Diagnostic]) -> list:
    """Edits of all safe fixes that do not overlap (the first wins, as ``ftlint --fix`` does per pass)."""
    chosen = []
    last_end = -1
    cands = [e for d in diags if d.fix is not None and getattr(d.fix, "safe", True) for e in d.fix.edits]
    for e in sorted(cands, key=lambda e: (e.start, e.end)):
        if e.start >= last_end or (e.start == e.end == last_end and not chosen):
            chosen.append(e)
            last_end = max(e.end, e.start)
    return chosen


# -- "ignore FTxxx for this file" -----------------------------------------------------------------


class IgnoreError(Exception):
    pass


def _table_of(doc: dict, name: str) -> tuple[dict, str]:
    """The [tool.ftlint] table of a parsed config file and the header prefix its tables use."""
    if name == "pyproject.toml":
        return doc.get("tool", {}).get("ftlint", {}), "tool.ftlint."
    if "tool" in doc and "ftlint" in doc.get("tool", {}):
        return doc["tool"]["ftlint"], "tool.ftlint."
    return doc, ""


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_ignore(data_path: str, code: str) -> tuple[str, bool]:
    """Ignore ``code`` for ``data_path`` in its nearest config file. Returns (config file, created)."""
    if not re.fullmatch(r"[A-Z]{2,4}\d{3}", code):
        raise IgnoreError(f"not a rule code: {code!r}")
    found = C.find_config_file(data_path)
    created = found is None
    cfg_path = Path(found) if found else Path(data_path).resolve().parent / "ftlint.toml"
    old = ""
    if cfg_path.exists():
        with open(cfg_path, encoding="utf-8", newline="") as fh:  # keep the user's line endings
            old = fh.read()
    try:
        parsed = tomllib.loads(old)
    except tomllib.TOMLDecodeError as e:
        raise IgnoreError(f"{cfg_path} is not valid TOML ({e}); fix it first") from None
    table, prefix = _table_of(parsed, cfg_path.name)
    pattern = Path(os.path.relpath(Path(data_path).resolve(), cfg_path.parent.resolve())).as_posix()
    current = table.get("per-file-ignores", table.get("per_file_ignores", {})) or {}
    codes = list(current.get(pattern, [])) if isinstance(current, dict) else []
    if code in codes:
        return str(cfg_path), False
    codes.append(code)
    new = _insert(old, prefix, pattern, codes, cfg_path.name == "pyproject.toml" and "ftlint" not in parsed.get("tool", {}))
    _verify(new, cfg_path, data_path, code)
    tmp = cfg_path.with_name(cfg_path.name + ".ftlsp-tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(new)
    os.replace(tmp, cfg_path)
    return str(cfg_path), created


def _insert(old: str, prefix: str, pattern: str, codes: list[str], new_tool_table: bool) -> str:
    entry = f"{_toml_str(pattern)} = [{', '.join(_toml_str(c) for c in codes)}]"
    lines = old.splitlines(keepends=True)
    header = re.compile(r"^\s*\[\s*" + re.escape(prefix).replace(r"\-", "-") + r"per[-_]file[-_]ignores\s*\]\s*(#.*)?$")
    key = re.compile(r"^\s*(" + re.escape(_toml_str(pattern)) + "|'" + re.escape(pattern) + "'"
                     + (("|" + re.escape(pattern)) if re.fullmatch(r"[A-Za-z0-9_-]+", pattern) else "")
                     + r")\s*=")
    for i, ln in enumerate(lines):
        if header.match(ln.rstrip("\r\n")):
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("["):
                if key.match(lines[j]):
                    if lines[j].count("[") != 1 or "]" not in lines[j]:
                        raise IgnoreError("the per-file-ignores entry spans several lines; edit it by hand")
                    nl = "\r\n" if lines[j].endswith("\r\n") else "\n"
                    lines[j] = entry + nl
                    return "".join(lines)
                j += 1
            nl = "\r\n" if ln.endswith("\r\n") else "\n"
            if not ln.endswith(("\n", "\r\n")):
                lines[i] = ln + nl
            lines.insert(i + 1, entry + nl)
            return "".join(lines)
    text = old
    if text and not text.endswith("\n"):
        text += "\n"
    if text:
        text += "\n"
    if new_tool_table:
        text += "[tool.ftlint]\n\n"
    return text + f"[{prefix}per-file-ignores]\n{entry}\n"


def _verify(new: str, cfg_path: Path, data_path: str, code: str) -> None:
    try:
        parsed = tomllib.loads(new)
        table, _ = _table_of(parsed, cfg_path.name)
        cfg = C.from_mapping(table, root=str(cfg_path.parent.resolve()), source=str(cfg_path))
    except (tomllib.TOMLDecodeError, C.ConfigError) as e:
        raise IgnoreError(f"could not add the ignore to {cfg_path} safely ({e}); edit it by hand") from None
    if code not in cfg.ignored_for(str(Path(data_path).resolve())):
        raise IgnoreError(f"could not add the ignore to {cfg_path} safely; edit it by hand")
