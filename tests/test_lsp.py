"""End-to-end tests of the ``ftlsp`` language server over stdio (pytest-lsp).

Three client profiles: ``push`` (VS Code 1.65: no pull diagnostics), ``neovim``
(Neovim 0.11: pulls, cannot be asked to re-pull: background results are pushed)
and ``refresh`` (a pull client with ``workspace/diagnostic/refresh``, as VS Code
today). The server runs as ``python tests/test_lsp.py`` (see the bottom): the
real server plus one test rule, TST901, a slow dataset rule whose duration and
cancellation the tests control through environment variables.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Union

import pytest
from lsprotocol import types as T
from pytest_lsp import client_capabilities
from pytest_lsp.client import make_test_lsp_client

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
PROFILES = ("push", "neovim", "refresh")

CHAT_OK = ('{"messages": [{"role": "user", "content": "Hi there"}, '
           '{"role": "assistant", "content": "Hello! How can I help?"}]}')


def chat(i: int, user: str = "Question", answer: str = "An answer.") -> str:
    return json.dumps({"messages": [{"role": "user", "content": f"{user} {i}?"},
                                    {"role": "assistant", "content": f"{answer} ({i})"}]})


def caps(profile: str) -> T.ClientCapabilities:
    if profile == "push":
        return client_capabilities("visual-studio-code")
    c = client_capabilities("neovim")
    if profile == "refresh":
        c.workspace.diagnostics = T.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return c


@contextlib.asynccontextmanager
async def session(profile: str, root: Path, *, settings: dict | None = None, delay: float = 0.3,
                  log: Path | None = None):
    client = make_test_lsp_client()
    client.pushes = []  # every publishDiagnostics, in order: (uri, version, codes)
    client.refreshes = 0

    client.protocol.fm.features.pop(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, None)
    conv = client.protocol._converter
    # lsprotocol reads any object with a "command" key as a Command; a CodeAction may carry a command too
    conv.register_structure_hook(
        Union[T.Command, T.CodeAction],
        lambda obj, _: conv.structure(obj, T.Command if isinstance(obj.get("command"), str) else T.CodeAction))

    @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _publish(params: T.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.pushes.append((params.uri, params.version, [d.code for d in params.diagnostics]))

    for method in (T.WORKSPACE_CODE_LENS_REFRESH, T.WORKSPACE_INLAY_HINT_REFRESH, T.CLIENT_REGISTER_CAPABILITY):
        if method not in client.protocol.fm.features:
            client.feature(method)(lambda *a: None)

    client.set_configuration({"extendSelect": ["TST901"], **(settings or {})}, section="ftlint")
    env = {**os.environ, "FTLSP_TEST_DELAY": str(delay), "FTLSP_TEST_LOG": str(log or root / "tst901.log")}
    await client.start_io(sys.executable, str(HERE), env=env, cwd=str(root))
    await client.initialize_session(T.InitializeParams(
        capabilities=caps(profile), root_uri=root.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name="data")]))
    client.profile = profile
    try:
        yield client
    finally:
        if client.error is None:
            await client.shutdown_session()
        await client.stop()


async def until(pred, timeout: float = 15.0, what: str = "condition"):
    end = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def open_doc(client, path: Path, text: str, version: int = 1) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri, "jsonl", version, text)))
    return uri


async def diagnostics(client, uri: str, version: int | None = None, *, expect=None,
                      timeout: float = 15.0) -> list[T.Diagnostic]:
    """What the editor shows: pulled + pushed (hybrid), or pushed (of ``version``) for push clients.

    ``expect(diags) -> bool`` waits until it holds (background results arrive later).
    """
    async def get():
        if client.profile == "push":
            if version is not None and not any(u == uri and v == version for u, v, _ in client.pushes):
                return None
            return list(client.diagnostics.get(uri, []))
        rep = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(T.TextDocumentIdentifier(uri)))
        return list(rep.items) + (list(client.diagnostics.get(uri, [])) if client.profile == "neovim" else [])

    end = time.monotonic() + timeout
    while True:
        got = await get()
        if got is not None and (expect is None or expect(got)):
            return got
        if time.monotonic() > end:
            raise AssertionError(f"diagnostics never matched; last: {[(d.code, d.range.start.line) for d in got or []]}")
        await asyncio.sleep(0.05)


def codes(diags) -> list[tuple[str, int]]:
    return sorted((d.code, d.range.start.line) for d in diags)


def change(client, uri: str, version: int, *edits: tuple) -> None:
    """Send incremental edits: (start_line, start_char, end_line, end_char, text)."""
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        T.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [T.TextDocumentContentChangePartial(range=T.Range(T.Position(a, b), T.Position(c, d)), text=t)
         for a, b, c, d, t in edits]))


# -- a client-side text model with the LSP rules (UTF-16, clamping), independent of the server ------

def offset(text: str, line: int, char: int) -> int:
    lines = text.split("\n")
    if line >= len(lines):
        return len(text)
    start = sum(len(s) + 1 for s in lines[:line])
    body = lines[line][:-1] if lines[line].endswith("\r") else lines[line]
    units = body.encode("utf-16-le", "surrogatepass")[: 2 * max(char, 0)]
    if len(units) >= 2 and 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:
        units = units[:-2]  # inside a surrogate pair: the start of that character
    return start + len(units.decode("utf-16-le", "surrogatepass"))


def apply(text: str, rng: T.Range, new: str) -> str:
    a = offset(text, rng.start.line, rng.start.character)
    b = offset(text, rng.end.line, rng.end.character)
    a, b = min(a, b), max(a, b)
    return text[:a] + new + text[b:]


def apply_text_edits(text: str, edits: list[T.TextEdit]) -> str:
    spans = sorted(((offset(text, e.range.start.line, e.range.start.character),
                     offset(text, e.range.end.line, e.range.end.character), e.new_text) for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


# -- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
async def test_open_change_close(profile, tmp_path):
    async with session(profile, tmp_path, settings={"slowRules": False}) as client:
        text = "\n".join([chat(0), chat(1) + ",}", chat(2)]) + "\n"
        uri = open_doc(client, tmp_path / "a.jsonl", text)
        diags = await diagnostics(client, uri, 1)
        assert codes(diags) == [("FT001", 1)]
        d = diags[0]
        assert d.source == "ftlint" and d.severity == T.DiagnosticSeverity.Error
        assert d.code_description.href.endswith("#ft001")
        # fix line 1, break line 2
        line1 = chat(1)
        change(client, uri, 2, (1, 0, 1, len(line1) + 2, line1), (2, 0, 2, 1, "["))
        diags = await diagnostics(client, uri, 2, expect=lambda ds: codes(ds) == [("FT001", 2)])
        assert diags[0].range.start.line == 2
        # a new blank line between records: everything below moves down
        change(client, uri, 3, (2, 0, 2, 1, "{"), (1, 0, 1, 0, "\n"))
        await diagnostics(client, uri, 3, expect=lambda ds: codes(ds) == [("FT003", 1)])
        client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri)))
        await until(lambda: client.pushes and client.pushes[-1][0] == uri and client.pushes[-1][2] == [],
                    what=f"diagnostics cleared on close {client.pushes[-3:]}")


@pytest.mark.parametrize("profile", ("push", "neovim"))
async def test_utf16_columns(profile, tmp_path):
    async with session(profile, tmp_path, settings={"slowRules": False}) as client:
        prefix = '{"messages": [{"role": "user", "content": "😀😀 é 𝄞"}, {"role": "assistant", "content": "ok"}]'
        text = prefix + ",}\n"
        uri = open_doc(client, tmp_path / "u.jsonl", text)
        diags = await diagnostics(client, uri, 1)
        (d,) = [d for d in diags if d.code == "FT001"]
        assert d.range.start.character == utf16(prefix) == len(prefix) + 3  # three astral chars: +1 unit each
        # an edit addressed in UTF-16 right after the emoji lands after it, not inside it
        col = utf16('{"messages": [{"role": "user", "content": "😀')
        change(client, uri, 2, (0, col, 0, col, "X"))
        text = apply(text, T.Range(T.Position(0, col), T.Position(0, col)), "X")
        assert '"😀X😀' in text
        diags = await diagnostics(client, uri, 2, expect=lambda ds: any(d.code == "FT001" for d in ds))
        (d,) = [d for d in diags if d.code == "FT001"]
        assert d.range.start.character == utf16(text.split("\n")[0][: text.index(",}")])


@pytest.mark.parametrize("profile", ("push", "neovim"))
async def test_hover_inlay_hints_code_lens(profile, tmp_path):
    async with session(profile, tmp_path) as client:
        lines = [chat(i) for i in range(12)] + [chat(3)]  # the last line duplicates line 3
        text = "\n".join(lines) + "\n"
        uri = open_doc(client, tmp_path / "h.jsonl", text)
        await diagnostics(client, uri, expect=lambda ds: any(d.code == "FT301" for d in ds), timeout=30)
        h = await client.text_document_hover_async(T.HoverParams(T.TextDocumentIdentifier(uri), T.Position(0, 5)))
        md = h.contents.value
        assert "Record 1" in md and "| user |" in md and "| assistant |" in md and "trained" in md
        assert "of the file's training cost" in md
        h = await client.text_document_hover_async(T.HoverParams(T.TextDocumentIdentifier(uri), T.Position(12, 5)))
        assert "**FT301** `duplicate-example`" in h.contents.value and "#ft301" in h.contents.value

        hints = await client.text_document_inlay_hint_async(T.InlayHintParams(
            T.TextDocumentIdentifier(uri), T.Range(T.Position(2, 0), T.Position(4, 0))))
        assert [h.position.line for h in hints] == [2, 3, 4]
        assert all(h.position.character == utf16(lines[h.position.line]) for h in hints)
        assert all(h.label.endswith(" tok") and int(h.label.split()[0].replace(",", "")) > 10 for h in hints)

        lens = await client.text_document_code_lens_async(T.CodeLensParams(T.TextDocumentIdentifier(uri)))
        assert len(lens) == 1 and lens[0].range.start.line == 0
        title = lens[0].command.title
        assert "13 examples" in title and "openai-chat" in title and "tokens" in title and "$" in title


async def test_inlay_hints_toggle(tmp_path):
    async with session("push", tmp_path, settings={"inlayHints": False, "codeLens": False}) as client:
        uri = open_doc(client, tmp_path / "t.jsonl", chat(0) + "\n")
        await diagnostics(client, uri, 1)
        hints = await client.text_document_inlay_hint_async(T.InlayHintParams(
            T.TextDocumentIdentifier(uri), T.Range(T.Position(0, 0), T.Position(1, 0))))
        lens = await client.text_document_code_lens_async(T.CodeLensParams(T.TextDocumentIdentifier(uri)))
        assert not hints and not lens


# (name, text, code, words in the fix title); each fix is applied and the file re-linted
FIX_CASES = [
    ("pretty-printed", chat(0) + '\n{\n  "messages": [{"role": "user", "content": "a 😀"},\n'
     '   {"role": "assistant", "content": "b"}]\n}\n' + chat(1) + "\n", "FT002", "Join"),
    ("blank line", chat(0) + "\n\n" + chat(1) + "\n", "FT003", "Delete"),
    ("byte-order mark", "\ufeff" + chat(0) + "\n" + chat(1) + "\n", "FT005", "byte-order"),
    ("final newline", chat(0) + "\n" + chat(1), "FT011", "newline"),
    ("role model", chat(0) + '\n{"messages": [{"role": "user", "content": "😀 hi"}, '
     '{"role": "model", "content": "yo"}]}\n', "FT102", "assistant"),
    ("comment line", chat(0) + "\n// todo\n" + chat(1) + "\n", "FT004", "Delete"),
]


@pytest.mark.parametrize("name,text,code,word", FIX_CASES, ids=[c[0] for c in FIX_CASES])
async def test_code_action_fix(name, text, code, word, tmp_path):
    async with session("neovim", tmp_path, settings={"slowRules": False}) as client:
        uri = open_doc(client, tmp_path / "f.jsonl", text)
        diags = await diagnostics(client, uri, expect=lambda ds: any(d.code == code for d in ds))
        (d,) = [d for d in diags if d.code == code]
        acts = await client.text_document_code_action_async(T.CodeActionParams(
            T.TextDocumentIdentifier(uri), d.range, T.CodeActionContext(diagnostics=[d])))
        fixes = [a for a in acts if a.edit is not None and a.kind == T.CodeActionKind.QuickFix and code in a.title]
        assert fixes and word in fixes[0].title, [a.title for a in acts]
        assert any(a.title.startswith(f"Ignore {code} for this file") for a in acts)
        edits = fixes[0].edit.changes[uri]
        new = apply_text_edits(text, edits)
        assert new != text
        # send the fix as the editor would: the same edits, as incremental changes (last first)
        order = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        change(client, uri, 2, *[(e.range.start.line, e.range.start.character, e.range.end.line,
                                  e.range.end.character, e.new_text) for e in order])
        after = await diagnostics(client, uri, expect=lambda ds: all(x.code != code for x in ds))
        # the same as opening the fixed text fresh
        uri2 = open_doc(client, tmp_path / "g.jsonl", new)
        fresh = await diagnostics(client, uri2)
        assert codes(after) == codes(fresh)


async def test_fix_all(tmp_path):
    text = "\ufeff" + chat(0) + "\n\n" + chat(1) + "\n\n\n" + chat(2)
    async with session("neovim", tmp_path, settings={"slowRules": False}) as client:
        uri = open_doc(client, tmp_path / "f.jsonl", text)
        await diagnostics(client, uri, expect=lambda ds: {"FT003", "FT005", "FT011"} <= {d.code for d in ds})
        acts = await client.text_document_code_action_async(T.CodeActionParams(
            T.TextDocumentIdentifier(uri), T.Range(T.Position(0, 0), T.Position(0, 0)),
            T.CodeActionContext(diagnostics=[], only=["source.fixAll"])))
        (fix_all,) = acts
        new = apply_text_edits(text, fix_all.edit.changes[uri])
        assert new == "\n".join([chat(0), chat(1), chat(2)]) + "\n"


@pytest.mark.parametrize("existing", ["none", "pyproject", "ftlint.toml"])
async def test_ignore_for_this_file(existing, tmp_path):
    proj = tmp_path / "proj"
    (proj / "data").mkdir(parents=True)
    other = proj / "setup.cfg"
    other.write_text("[x]\n")
    cfg = None
    if existing == "pyproject":
        cfg = proj / "pyproject.toml"
        cfg.write_text('[project]\nname = "x"\n\n[tool.ftlint]\nmodel = "gpt-4o-mini"\n')
    elif existing == "ftlint.toml":
        cfg = proj / "ftlint.toml"
        cfg.write_text('ignore = ["FT004"]\n\n[per-file-ignores]\n"other.jsonl" = ["FT001"]\n')
    before = cfg.read_text() if cfg else None
    async with session("push", proj, settings={"slowRules": False}) as client:
        uri = open_doc(client, proj / "data" / "d.jsonl", chat(0) + "\n\n" + chat(1) + "\n")
        diags = await diagnostics(client, uri, 1, expect=lambda ds: any(d.code == "FT003" for d in ds))
        (d,) = [d for d in diags if d.code == "FT003"]
        acts = await client.text_document_code_action_async(T.CodeActionParams(
            T.TextDocumentIdentifier(uri), d.range, T.CodeActionContext(diagnostics=[d])))
        (ign,) = [a for a in acts if a.command and a.command.command == "ftlint.ignoreForFile"]
        res = await client.workspace_execute_command_async(T.ExecuteCommandParams(
            command=ign.command.command, arguments=ign.command.arguments))
        assert res["ok"], res
        await until(lambda: "FT003" not in [d.code for d in client.diagnostics.get(uri, [])] or None,
                    what="FT003 gone after ignoring it")
    written = Path(res["config"])
    assert written == (cfg or proj / "data" / "ftlint.toml")
    assert other.read_text() == "[x]\n"
    new = written.read_text()
    if before:
        assert new.startswith(before.rstrip("\n").split("[per-file-ignores]")[0].rstrip("\n"))
    rel = "d.jsonl" if existing == "none" else "data/d.jsonl"
    assert f'"{rel}" = ["FT003"]' in new
    from ftlsp.config import load_for
    assert "FT003" in load_for(proj / "data" / "d.jsonl").ignored_for(str(proj / "data" / "d.jsonl"))


@pytest.mark.parametrize("profile", ("push", "refresh"))
async def test_config_changes_apply_without_restart(profile, tmp_path):
    async with session(profile, tmp_path, settings={"slowRules": False}) as client:
        uri = open_doc(client, tmp_path / "c.jsonl", chat(0) + "\n\n" + chat(1) + ",}\n")
        await diagnostics(client, uri, 1, expect=lambda ds: {d.code for d in ds} == {"FT001", "FT003"})
        # a config file appears next to the data: picked up on the watched-files event
        (tmp_path / "ftlint.toml").write_text('ignore = ["FT003"]\n')
        client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(
            [T.FileEvent(uri=(tmp_path / "ftlint.toml").as_uri(), type=T.FileChangeType.Created)]))
        await diagnostics(client, uri, expect=lambda ds: {d.code for d in ds} == {"FT001"})
        # editor settings (workspace/configuration) change
        client.set_configuration({"slowRules": False, "ignore": ["FT001", "FT003"]}, section="ftlint")
        client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))
        await diagnostics(client, uri, expect=lambda ds: ds == [])
        # a bad config file is reported in the file, not swallowed
        (tmp_path / "ftlint.toml").write_text('ignore = ["FT003"]\nbogus-key = 1\n')
        change(client, uri, 2, (0, 0, 0, 0, ""))
        diags = await diagnostics(client, uri, 2, expect=lambda ds: any("bogus-key" in d.message for d in ds))
        assert diags[0].range.start.line == 0


async def test_diagnostics_capped_with_summary(tmp_path):
    async with session("push", tmp_path, settings={"slowRules": False, "maxDiagnosticsPerRule": 20}) as client:
        uri = open_doc(client, tmp_path / "m.jsonl", chat(0) + "\n" + "\n" * 30 + chat(1) + "\n")
        diags = await diagnostics(client, uri, 1)
        ft003 = [d for d in diags if d.code == "FT003"]
        assert len(ft003) == 21
        assert sum("10 more FT003" in d.message for d in ft003) == 1


@pytest.mark.parametrize("profile", PROFILES)
async def test_background_results_arrive_later(profile, tmp_path):
    log = tmp_path / "tst.log"
    async with session(profile, tmp_path, delay=0.6, log=log) as client:
        text = "\n".join([chat(0), '{"slowflag": 1, ' + chat(1)[1:], chat(2)]) + "\n"
        uri = open_doc(client, tmp_path / "b.jsonl", text)
        first = await diagnostics(client, uri, 1)
        assert "TST901" not in {d.code for d in first}  # the fast answer does not wait for the slow rule
        diags = await diagnostics(client, uri, expect=lambda ds: any(d.code == "TST901" for d in ds))
        (d,) = [d for d in diags if d.code == "TST901"]
        assert d.range.start.line == 1
        assert d.related_information and d.related_information[0].location.uri == uri
        assert d.related_information[0].location.range.start.line == 0
        if profile == "refresh":
            assert client.diagnostic_refresh_count >= 1
        kinds = [type(v).__name__ for vs in client.progress_reports.values() for v in vs]
        assert "WorkDoneProgressBegin" in kinds and "WorkDoneProgressEnd" in kinds
        # an edit above moves the kept background result with its record until the next pass
        change(client, uri, 2, (0, 0, 0, 0, chat(9) + "\n"))
        diags = await diagnostics(client, uri, 2, expect=lambda ds: any(d.code == "TST901" for d in ds))
        assert [d.range.start.line for d in diags if d.code == "TST901"] == [2]
        if profile == "push":  # never published without the background result once it was there
            seen = False
            for u, v, cs in client.pushes:
                seen = seen or "TST901" in cs
                assert not seen or "TST901" in cs


async def test_eval_file_shows_records_that_appear_in_training(tmp_path):
    """Both directions in the editor: an eval record copied from training points at the training line."""
    train = [chat(i, "Training question") for i in range(12)]
    (tmp_path / "train.jsonl").write_text("\n".join(train) + "\n", encoding="utf-8")
    (tmp_path / "ftlint.toml").write_text('eval = ["valid.jsonl"]\ntrain = ["train*.jsonl"]\n', encoding="utf-8")
    async with session("push", tmp_path, delay=0.0) as client:
        text = "\n".join([chat(100, "A fresh eval question"), train[7]]) + "\n"
        uri = open_doc(client, tmp_path / "valid.jsonl", text)
        diags = await diagnostics(client, uri, expect=lambda ds: any(d.code == "FT501" for d in ds), timeout=30)
        (d,) = [d for d in diags if d.code == "FT501"]
        assert d.range.start.line == 1
        loc = d.related_information[0].location
        assert loc.uri == (tmp_path / "train.jsonl").as_uri() and loc.range.start.line == 7


async def test_superseded_background_work_is_cancelled(tmp_path):
    log = tmp_path / "tst.log"
    async with session("push", tmp_path, delay=3.0, log=log, settings={"debounceMs": 100}) as client:
        text = "\n".join([chat(0), '{"slowflag": 1, ' + chat(1)[1:]]) + "\n"
        uri = open_doc(client, tmp_path / "s.jsonl", text)
        await until(lambda: log.exists() and "start" in log.read_text(), what="background pass started")
        t0 = time.monotonic()
        change(client, uri, 2, (2, 0, 2, 0, '{"slowflag": 2, ' + chat(2)[1:] + "\n"))
        await until(lambda: "cancelled" in log.read_text(), timeout=5, what="superseded pass cancelled")
        assert time.monotonic() - t0 < 2.5  # stopped early, not after its 3 s
        diags = await diagnostics(client, uri, 2, expect=lambda ds: sum(d.code == "TST901" for d in ds) == 2,
                                  timeout=20)
        assert sorted(d.range.start.line for d in diags if d.code == "TST901") == [1, 2]
        events = log.read_text().split()
        assert events.count("finished") == 1 and events[-1] == "finished"


async def test_random_edits_end_like_a_fresh_open(tmp_path):
    """Thousands of random edits (astral characters, positions inside surrogate pairs, past line ends and
    past the end of the file, reversed ranges, several changes per notification): the server never fails
    and ends with the diagnostics a fresh open of the same text gives."""
    rng = random.Random(7)
    pieces = ["{", "}", "[", "]", '"', ",", ":", "\n", "\n\n", "\r\n", " ", "😀", "é", "𝄞", "// c", "\\",
              '"role"', '"content": "x"', chat(5), chat(6) + "\n", "model", "null", "1e999", ""]
    text = "\n".join(chat(i) for i in range(25)) + "\n"
    async with session("neovim", tmp_path, settings={"slowRules": False}) as client:
        uri = open_doc(client, tmp_path / "r.jsonl", text)
        await diagnostics(client, uri)
        version = 1
        for step in range(2000):
            edits = []
            for _ in range(rng.choice((1, 1, 1, 2, 5))):
                n = text.count("\n") + 1
                a, b = rng.randint(0, n + 2), rng.randint(0, 80)
                c, d = (a, b + rng.randint(0, 6)) if rng.random() < 0.7 else (rng.randint(0, n + 2), rng.randint(0, 90))
                new = "".join(rng.choice(pieces) for _ in range(rng.choice((0, 1, 1, 2, 3))))
                rngx = T.Range(T.Position(a, b), T.Position(c, d))
                text = apply(text, rngx, new)
                edits.append((a, b, c, d, new))
            version += 1
            change(client, uri, version, *edits)
            if step % 250 == 249:  # sometimes look, as an editor does while typing
                await diagnostics(client, uri)
        final = await diagnostics(client, uri)
        uri2 = open_doc(client, tmp_path / "r2.jsonl", text)
        fresh = await diagnostics(client, uri2)
        strip = lambda ds: sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line,  # noqa: E731
                                   d.range.end.character, d.message) for d in ds)
        assert strip(final) == strip(fresh)
        assert client.error is None


# -- the server under test: the real one plus a controllable slow rule ----------------------------

def _serve() -> None:
    from ftlsp.lsp import server as S
    from ftlsp.registry import load
    from ftlsp.rule import DatasetRule, Finding, Related, Severity

    log = Path(os.environ.get("FTLSP_TEST_LOG", os.devnull))
    delay = float(os.environ.get("FTLSP_TEST_DELAY", "0.3"))

    def note(word: str) -> None:
        with open(log, "a") as fh:
            fh.write(word + "\n")

    class SlowMarker(DatasetRule):
        """Test rule: flags records with a "slowflag" key after ``delay`` seconds of cancellable work."""

        code = "TST901"
        name = "slow-marker"
        summary = "Record carries slowflag (test rule)"
        default_severity = Severity.WARNING

        def start(self, ctx):
            self.items = []

        def add(self, ex):
            self.items.append(ex)

        def finish(self, ctx):
            note("start")
            t0 = time.monotonic()
            while time.monotonic() - t0 < delay:
                if ctx.cancelled("slow marker", (time.monotonic() - t0) / delay):
                    note("cancelled")
                    return
                time.sleep(0.02)
            note("finished")
            for ex in self.items:
                if isinstance(ex.data, dict) and "slowflag" in ex.data:
                    yield Finding(f"slowflag {ex.data['slowflag']}", "/slowflag", "key", example=ex,
                                  related=(Related("first record", 0),))

    def registry():
        reg = load()
        if "TST901" not in reg.rules:
            reg.add(SlowMarker, "tests")
        return reg

    S.load_registry = registry
    sys.exit(S.main(["--log-level", "WARNING"]))


if __name__ == "__main__":
    _serve()
