"""``ftlsp``: the language server (pygls 2).

Diagnostics: pulled (``textDocument/diagnostic``) when the client can, pushed
otherwise. A pull client that cannot be asked to re-pull (Neovim advertises no
``workspace.diagnostics.refreshSupport``) gets the fast results by pull and the
background results pushed, which it shows side by side.

Text sync is incremental and bypasses pygls' workspace copy of the text: that
re-splits the whole file on every edit (~40 ms at 35 MB); ``textdoc`` splices
lines and records in place instead.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
import time
import uuid
from typing import Any

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from ftlsp import __version__
from ftlsp.engine import Linter
from ftlsp.registry import load as load_registry
from ftlsp.lsp import actions, features, settings
from ftlsp.lsp.convert import to_lsp
from ftlsp.lsp.passes import FileState, SlowWorker, assemble, fast_pass, snapshot_job
from ftlsp.lsp.textdoc import LiveDocument

log = logging.getLogger("ftlsp.lsp")
CONFIG_GLOBS = ("**/pyproject.toml", "**/ftlint.toml")
SETTINGS_TIMEOUT = 3.0
SLICE = 0.1  # seconds of a cold pass between two looks at the message queue


class FtlspProtocol(LanguageServerProtocol):
    """Keeps the text out of pygls' workspace: ``FtlspServer`` holds it (see module doc)."""

    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: T.DidOpenTextDocumentParams):
        if (h := self.fm.features.get(T.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield h, (params,), None

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: T.DidChangeTextDocumentParams):
        if (h := self.fm.features.get(T.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield h, (params,), None

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: T.DidCloseTextDocumentParams):
        if (h := self.fm.features.get(T.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield h, (params,), None


class FtlspServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("ftlsp", __version__, protocol_cls=FtlspProtocol,
                         text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.files: dict[str, FileState] = {}
        self.linters: dict[str, Linter] = {}
        self.services: dict[str, Any] = {}
        self.registry = None
        self.worker: SlowWorker | None = None
        self.global_settings: Any = None
        self.pull = False  # client pulls diagnostics
        self.refresh = False  # ... and can be asked to re-pull
        self.progress_ok = False
        self.config_ok = False
        self._flush_due: set[str] = set()
        self._slow_timers: dict[str, asyncio.TimerHandle] = {}
        self._slow_again: set[str] = set()
        self._progress: dict[str, dict] = {}

    # -- client capabilities ------------------------------------------------------------------

    def setup(self, caps: T.ClientCapabilities, init_options: Any) -> None:
        td = caps.text_document
        ws = caps.workspace
        self.pull = bool(td and td.diagnostic is not None)
        self.refresh = bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)
        self.progress_ok = bool(caps.window and caps.window.work_done_progress)
        self.config_ok = bool(ws and ws.configuration)
        if isinstance(init_options, dict):
            self.global_settings = init_options.get("ftlint", init_options)

    @property
    def hybrid(self) -> bool:
        """Pull for the fast results, push for the background ones."""
        return self.pull and not self.refresh

    def _cap(self, *path: str) -> bool:
        obj: Any = self.client_capabilities
        for p in path:
            obj = getattr(obj, p, None)
            if obj is None:
                return False
        return bool(obj)

    # -- config ------------------------------------------------------------------------------

    async def load_settings(self, state: FileState) -> Any:
        if not self.config_ok:
            return self.global_settings
        try:
            res = await asyncio.wait_for(self.workspace_configuration_async(T.ConfigurationParams(
                items=[T.ConfigurationItem(scope_uri=state.live.uri, section="ftlint")])), SETTINGS_TIMEOUT)
            return res[0] if res else None
        except Exception:
            log.warning("workspace/configuration failed; using defaults", exc_info=True)
            return self.global_settings

    def apply_config(self, state: FileState, user_settings: Any) -> bool:
        """(Re)resolve the file's config; True when it changed (caches were reset)."""
        state.settings = user_settings
        res = settings.resolve(state.live.path, user_settings)
        linter = self.linters.get(res.key)
        error = res.error
        if linter is None:
            if self.registry is None:
                self.registry = load_registry()
            try:
                linter = Linter(res.config, self.registry, self.services)
            except ValueError as e:
                error = "; ".join(x for x in (error, str(e)) if x)
                linter = Linter(res.config.replace(rules={}), self.registry, self.services)
            if len(self.linters) > 32:
                self.linters.clear()
            self.linters[res.key] = linter
        state.signature = settings.signature(state.live.path)
        changed = linter is not state.linter or error != state.config_error or res.options != state.options
        state.options = res.options
        state.config_error = error
        state.config_file = res.config_file
        cfg = res.config
        state.eval_paths = tuple(os.path.abspath(cfg.resolve(p)) for p in cfg.eval)
        state.is_eval = os.path.abspath(state.live.path) in state.eval_paths
        state.train_paths = cfg.train_files() if state.is_eval else ()
        if linter is not state.linter:
            state.linter = linter
            state.reset_fast()
            state.epoch += 1
            state.dialect = None
        return changed

    def check_config(self, state: FileState) -> bool:
        """Notice config file edits by stat (cheap) before a pass."""
        if settings.signature(state.live.path) != state.signature:
            return self.apply_config(state, state.settings)
        return False

    # -- documents ---------------------------------------------------------------------------

    def on_open(self, params: T.DidOpenTextDocumentParams) -> None:
        t0 = time.perf_counter()
        td = params.text_document
        old = self.files.pop(td.uri, None)
        if old is not None:
            old.closed = True
        path = to_fs_path(td.uri) or td.uri
        state = FileState(LiveDocument(td.uri, path, td.text, td.version))
        state.ready = asyncio.Event()
        self.files[td.uri] = state
        log.info("parsed %s in %.0f ms", path, (time.perf_counter() - t0) * 1000)
        asyncio.ensure_future(self._open(state))

    async def _open(self, state: FileState) -> None:
        t0 = time.perf_counter()
        user = await self.load_settings(state)
        if state.closed:
            return
        t1 = time.perf_counter()
        self.apply_config(state, user)
        state.ready.set()
        log.info("open %s: %d lines; settings %.0f ms, config %.0f ms", state.live.path, len(state.live.doc.lines),
                 (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000)
        await self.cold(state)

    async def cold(self, state: FileState) -> None:
        """A whole fast pass in slices; push clients get the first slice at once, then the rest."""
        if state.cold_running:
            return
        state.cold_running = True
        token = None
        total = len(state.live.doc.records)
        try:
            first = True
            while not state.closed:
                t0 = time.perf_counter()
                done = self.fresh(state, SLICE)
                t1 = time.perf_counter()
                if not self.pull and (first or done):
                    self.publish(state, assemble(state))
                if first or done:
                    log.info("cold pass slice: %.0f ms, publish %.0f ms, %d records left", (t1 - t0) * 1000,
                             (time.perf_counter() - t1) * 1000, len(state.pending or ()))
                if done:
                    break
                if first and self.progress_ok:
                    token = self.begin_progress(f"checking {total:,} records: {os.path.basename(state.live.path)}")
                elif token is not None:
                    left = len(state.pending or ())
                    self.report_progress(token, f"{total - left:,}/{total:,} records", 100 * (total - left) / max(total, 1))
                first = False
                await asyncio.sleep(0)
        finally:
            state.cold_running = False
            if token is not None:
                self.end_progress(token, "records checked")
        if len(state.live.doc.records) > 5000:
            # A big file is millions of long-lived objects; a full collection walking them stalls a
            # keystroke for hundreds of ms. Parsed records hold no cycles: leave them out of collections.
            gc.freeze()
        self.schedule_slow(state, 0.05)

    # -- progress (window/workDoneProgress): begun once the client accepted the token --------------

    def begin_progress(self, message: str) -> str:
        token = f"ftlint-{uuid.uuid4().hex[:12]}"
        entry = self._progress[token] = {"begun": False, "ended": False, "report": None}

        def created(*_a):
            if entry["ended"]:
                return
            entry["begun"] = True
            self.work_done_progress.begin(token, T.WorkDoneProgressBegin(
                title="ftlint", message=message, percentage=0, cancellable=False))
            if entry["report"]:
                self.work_done_progress.report(token, entry["report"])
        try:
            self.work_done_progress.create(token, created)
        except Exception:
            entry["ended"] = True
        return token

    def report_progress(self, token: str, message: str | None, pct: float) -> None:
        entry = self._progress.get(token)
        if entry is None or entry["ended"]:
            return
        value = T.WorkDoneProgressReport(message=message or None, percentage=max(0, min(100, int(pct))))
        if entry["begun"]:
            self.work_done_progress.report(token, value)
        else:
            entry["report"] = value

    def end_progress(self, token: str, message: str) -> None:
        entry = self._progress.pop(token, None)
        if entry is None:
            return
        entry["ended"] = True
        if entry["begun"]:
            self.work_done_progress.end(token, T.WorkDoneProgressEnd(message=message))

    def on_change(self, params: T.DidChangeTextDocumentParams) -> None:
        state = self.files.get(params.text_document.uri)
        if state is None:
            return
        live = state.live
        for ch in params.content_changes:
            if isinstance(ch, T.TextDocumentContentChangePartial):
                r = ch.range
                sp = live.apply((r.start.line, r.start.character), (r.end.line, r.end.character), ch.text)
            else:
                sp = live.replace_all(ch.text)
            state.note_splice(sp)
        live.version = params.text_document.version
        if not state.ready.is_set():
            return
        if not self.pull:
            self._schedule_flush(live.uri)
        elif self.hybrid and state.slow_diags:
            self._schedule_flush(live.uri)  # moved background results are re-pushed
        self.schedule_slow(state)

    def on_close(self, params: T.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = self.files.pop(uri, None)
        if state is not None:
            state.closed = True  # a running background pass sees this and stops
        t = self._slow_timers.pop(uri, None)
        if t is not None:
            t.cancel()
        self._flush_due.discard(uri)
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _schedule_flush(self, uri: str) -> None:
        if uri not in self._flush_due:
            self._flush_due.add(uri)
            asyncio.get_running_loop().call_soon(self.flush, uri)

    def flush(self, uri: str) -> None:
        """Fast pass + push (push clients, and background results of hybrid clients)."""
        self._flush_due.discard(uri)
        state = self.files.get(uri)
        if state is None or not state.ready.is_set():
            return
        self.fresh(state)
        if not self.pull:
            self.publish(state, assemble(state))
        elif self.hybrid:
            self.publish(state, assemble(state, fast=False))

    def fresh(self, state: FileState, budget: float | None = SLICE) -> bool:
        if self.check_config(state):
            self.after_config_change(state)
        return fast_pass(state, budget)

    async def complete(self, state: FileState) -> None:
        while not self.fresh(state) and not state.closed:
            await asyncio.sleep(0)

    def publish(self, state: FileState, diags) -> None:
        live = state.live
        items = [to_lsp(d, live) for d in diags]
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=live.uri, diagnostics=items,
                                                                          version=live.version))

    def result_id(self, state: FileState) -> str:
        return f"{state.live.generation}.{state.slow_serial}.{state.epoch}.{id(state)}"

    async def diagnostics_for(self, state: FileState, complete: bool = True):
        await state.ready.wait()
        if complete:
            await self.complete(state)
        else:
            self.fresh(state)
        return assemble(state, slow=not self.hybrid)

    # -- background pass ----------------------------------------------------------------------

    def schedule_slow(self, state: FileState, delay: float | None = None) -> None:
        uri = state.live.uri
        t = self._slow_timers.pop(uri, None)
        if t is not None:
            t.cancel()
        if state.closed or state.options is None or not state.options.slow_rules:
            return
        if delay is None:  # a pass that took long waits longer: at most ~1/3 of a core on a huge file
            delay = max(state.options.debounce_ms / 1000, min(2 * state.slow_seconds, 60.0))
        self._slow_timers[uri] = asyncio.get_running_loop().call_later(delay, self.start_slow, uri)

    def start_slow(self, uri: str) -> None:
        self._slow_timers.pop(uri, None)
        state = self.files.get(uri)
        if state is None or state.closed:
            return
        if state.slow_running:
            self._slow_again.add(uri)  # start again when the running (superseded) pass stops
            return
        if not self.fresh(state):  # dialect and demoted rules come from a complete fast pass
            self.schedule_slow(state, 0.3)
            return
        loop = asyncio.get_running_loop()
        if self.worker is None:
            self.worker = SlowWorker()
        job = snapshot_job(state, lambda j, label, frac: loop.call_soon_threadsafe(self._slow_progress, j, label, frac),
                           lambda j, res: loop.call_soon_threadsafe(self._slow_done, j, res))
        state.slow_running = True
        if self.progress_ok:
            job.token = self.begin_progress(f"dataset checks: {os.path.basename(state.live.path)}")
        self.worker.submit(job)

    def _slow_progress(self, job, label: str, fraction: float) -> None:
        if job.token is not None:
            self.report_progress(job.token, label, fraction * 100 if fraction <= 1 else fraction)

    def _slow_done(self, job, result) -> None:
        state = job.state
        state.slow_running = False
        if job.token is not None:
            self.end_progress(job.token, "superseded" if result is None else "done")
        uri = state.live.uri
        if state.closed or self.files.get(uri) is not state:
            return
        again = uri in self._slow_again
        self._slow_again.discard(uri)
        if result is None or job.superseded():
            if again or job.superseded():
                self.schedule_slow(state)
            return
        diags, info = result
        state.slow_seconds = time.monotonic() - job.started
        state.slow_diags = diags
        state.slow_info = info
        state.slow_gen = job.generation
        state.slow_serial += 1
        if not self.pull:
            self.flush(uri)
        elif self.refresh:
            self.workspace_diagnostic_refresh(None)
        else:
            self.publish(state, assemble(state, fast=False))
        if self._cap("workspace", "code_lens", "refresh_support"):
            self.workspace_code_lens_refresh(None)
        if self._cap("workspace", "inlay_hint", "refresh_support"):
            self.workspace_inlay_hint_refresh(None)
        if again:
            self.schedule_slow(state)

    # -- config changes ------------------------------------------------------------------------

    async def reload_all(self) -> None:
        for state in list(self.files.values()):
            if state.ready is None or not state.ready.is_set():
                continue
            user = await self.load_settings(state)
            if self.apply_config(state, user) and not state.closed:
                self.after_config_change(state)
        if self.pull and self.refresh:
            self.workspace_diagnostic_refresh(None)

    def after_config_change(self, state: FileState) -> None:
        state.slow_diags = []
        state.slow_info = {}
        state.slow_gen = -1
        state.slow_serial += 1
        if self.hybrid:
            self.publish(state, [])  # the old background results no longer apply
        asyncio.ensure_future(self.cold(state))


server = FtlspServer()


@server.feature(T.INITIALIZE)
def initialize(ls: FtlspServer, params: T.InitializeParams) -> None:
    ls.setup(params.capabilities, params.initialization_options)


@server.feature(T.INITIALIZED)
async def initialized(ls: FtlspServer, params: T.InitializedParams) -> None:
    if ls.registry is None:  # load the rules now rather than when the first file opens
        ls.registry = load_registry()
    if ls._cap("workspace", "did_change_watched_files", "dynamic_registration"):
        watchers = [T.FileSystemWatcher(glob_pattern=g) for g in CONFIG_GLOBS]
        try:
            await ls.client_register_capability_async(T.RegistrationParams(registrations=[T.Registration(
                id="ftlint-config-watch", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=T.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))
        except Exception:
            log.info("client refused the config file watcher; config changes are noticed by stat")


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FtlspServer, params: T.DidOpenTextDocumentParams) -> None:
    ls.on_open(params)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FtlspServer, params: T.DidChangeTextDocumentParams) -> None:
    ls.on_change(params)


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FtlspServer, params: T.DidCloseTextDocumentParams) -> None:
    ls.on_close(params)


@server.feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=False))
async def did_save(ls: FtlspServer, params: T.DidSaveTextDocumentParams) -> None:
    if os.path.basename(to_fs_path(params.text_document.uri) or "") in settings.CONFIG_NAMES:
        await ls.reload_all()


@server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched(ls: FtlspServer, params: T.DidChangeWatchedFilesParams) -> None:
    if any(os.path.basename(to_fs_path(c.uri) or "") in settings.CONFIG_NAMES for c in params.changes):
        await ls.reload_all()


@server.feature(T.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: FtlspServer, params: T.DidChangeConfigurationParams) -> None:
    s = params.settings
    if isinstance(s, dict):
        ls.global_settings = s.get("ftlint", ls.global_settings)
    await ls.reload_all()


@server.feature(T.TEXT_DOCUMENT_DIAGNOSTIC,
                T.DiagnosticOptions(identifier="ftlint", inter_file_dependencies=True, workspace_diagnostics=False))
async def pull_diagnostics(ls: FtlspServer, params: T.DocumentDiagnosticParams):
    state = ls.files.get(params.text_document.uri)
    if state is None:
        return T.RelatedFullDocumentDiagnosticReport(items=[])
    diags = await ls.diagnostics_for(state)
    rid = ls.result_id(state)
    if params.previous_result_id == rid:
        return T.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
    return T.RelatedFullDocumentDiagnosticReport(items=[to_lsp(d, state.live) for d in diags], result_id=rid)


@server.feature(T.TEXT_DOCUMENT_HOVER)
async def hover(ls: FtlspServer, params: T.HoverParams):
    state = ls.files.get(params.text_document.uri)
    if state is None:
        return None
    diags = await ls.diagnostics_for(state, complete=False)
    if ls.hybrid:
        diags = diags + assemble(state, fast=False)
    return features.hover(state, params.position.line, params.position.character, diags)


@server.feature(T.TEXT_DOCUMENT_INLAY_HINT, T.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: FtlspServer, params: T.InlayHintParams):
    state = ls.files.get(params.text_document.uri)
    if state is None:
        return []
    await state.ready.wait()
    if not state.options.inlay_hints:
        return []
    ls.fresh(state)
    return features.inlay_hints(state, params.range.start.line, params.range.end.line)


@server.feature(T.TEXT_DOCUMENT_CODE_LENS, T.CodeLensOptions(resolve_provider=False))
async def code_lens(ls: FtlspServer, params: T.CodeLensParams):
    state = ls.files.get(params.text_document.uri)
    if state is None:
        return []
    await state.ready.wait()
    if not state.options.code_lens:
        return []
    ls.fresh(state)
    return features.code_lens(state)


@server.feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(
    code_action_kinds=[T.CodeActionKind.QuickFix, actions.FIX_ALL_KIND], resolve_provider=False))
async def code_action(ls: FtlspServer, params: T.CodeActionParams):
    state = ls.files.get(params.text_document.uri)
    if state is None:
        return []
    diags = await ls.diagnostics_for(state)
    if ls.hybrid:
        diags = diags + assemble(state, fast=False)
    return actions.code_actions(state, params.range, diags, params.context.only)


@server.command(actions.IGNORE_COMMAND)
async def ignore_for_file(ls: FtlspServer, *args: Any):
    if len(args) != 2 or not all(isinstance(a, str) for a in args):
        raise ValueError(f"{actions.IGNORE_COMMAND} takes [uri, code]")
    uri, code = args
    path = to_fs_path(uri)
    if not path:
        raise ValueError(f"not a file: {uri}")
    try:
        cfg_file, created = actions.add_ignore(path, code)
    except actions.IgnoreError as e:
        ls.window_show_message(T.ShowMessageParams(type=T.MessageType.Error, message=f"ftlint: {e}"))
        return {"ok": False, "error": str(e)}
    ls.window_show_message(T.ShowMessageParams(
        type=T.MessageType.Info, message=f"ftlint: {code} ignored for {os.path.basename(path)} in {cfg_file}"
        + (" (created)" if created else "")))
    await ls.reload_all()
    return {"ok": True, "config": cfg_file, "created": created}


@server.feature(T.SHUTDOWN)
def shutdown(ls: FtlspServer, params: Any) -> None:
    for state in ls.files.values():
        state.closed = True
    if ls.worker is not None:
        ls.worker.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ftlsp", description="Language server for LLM fine-tuning data (JSONL).")
    ap.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    ap.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2087)
    ap.add_argument("--log-file", help="write the server log here")
    ap.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    ap.add_argument("--version", action="version", version=f"ftlsp {__version__}")
    args = ap.parse_args(argv)
    handler: logging.Handler = logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(args.log_level)
    logging.getLogger("pygls").setLevel(max(logging.WARNING, getattr(logging, args.log_level)))
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0
