"""Engine diagnostics -> LSP types (UTF-16 columns, related information, rule links)."""

from __future__ import annotations

from lsprotocol import types as T
from pygls.uris import from_fs_path

from ftlsp.output import rule_url
from ftlsp.rule import Diagnostic, Edit
from ftlsp.lsp.textdoc import LiveDocument, cp_to_utf16

SOURCE = "ftlint"
_SEVERITY = {1: T.DiagnosticSeverity.Error, 2: T.DiagnosticSeverity.Warning,
             3: T.DiagnosticSeverity.Information, 4: T.DiagnosticSeverity.Hint}


def path_uri(path: str) -> str:
    return from_fs_path(path) or path


def lsp_range(live: LiveDocument, line: int, col: int, end_line: int, end_col: int) -> T.Range:
    lines = live.doc.lines
    n = len(lines)

    def pos(ln: int, c: int) -> T.Position:
        if ln >= n:
            return T.Position(line=max(n, 0), character=0) if n else T.Position(line=0, character=0)
        t = lines[ln].text
        return T.Position(line=ln, character=cp_to_utf16(t, min(max(c, 0), len(t))))

    start = pos(max(line, 0), col)
    end = pos(max(end_line, line, 0), end_col)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return T.Range(start=start, end=end)


def to_lsp(d: Diagnostic, live: LiveDocument, *, related_ok: bool = True) -> T.Diagnostic:
    rng = lsp_range(live, d.line, d.col, d.end_line, d.end_col)
    related = None
    if related_ok and d.related:
        related = []
        for r in d.related:
            if r.path is None or r.path == live.path:
                uri = live.uri
                rl = lsp_range(live, r.line, 0, r.line, 0) if r.line < len(live.doc.lines) else rng
            else:
                uri = path_uri(r.path)
                rl = T.Range(start=T.Position(line=max(r.line, 0), character=0),
                             end=T.Position(line=max(r.line, 0), character=0))
            related.append(T.DiagnosticRelatedInformation(location=T.Location(uri=uri, range=rl),
                                                          message=r.message))
    data = {"name": d.name}
    if d.fix is not None:
        data["fix"] = d.fix.title
    return T.Diagnostic(range=rng, message=d.message, severity=_SEVERITY.get(int(d.severity)), code=d.code,
                        code_description=T.CodeDescription(href=rule_url(d.code)), source=SOURCE,
                        related_information=related, data=data)


def text_edit(live: LiveDocument, e: Edit) -> T.TextEdit:
    sl, sc = live.position(e.start)
    el, ec = live.position(e.end)
    return T.TextEdit(range=T.Range(start=T.Position(line=sl, character=sc), end=T.Position(line=el, character=ec)),
                      new_text=e.new_text)
