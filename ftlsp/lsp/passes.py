"""The editor's two passes over one open file.

Fast pass (event loop, every change): cheap document rules over the whole
document (they are linear scans) and cheap example rules only for records the
last edits created; results of unchanged records are kept per Record object and
moved with it. A document rule that takes longer than ``DOC_RULE_BUDGET`` on
this file is moved to the slow pass for it.

Slow pass (one background thread): slow example/document rules and every
dataset rule (duplicates, labels, contamination, cost) on a private copy of the
text, after a debounce. Each pass carries the edit generation it started from;
``Context.progress`` answers True once the file changed again, so rules stop
early, and results of a superseded pass are dropped. Until new slow results
arrive the last ones are kept (moved with the edits), so nothing flickers.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ftlsp import dialects
from ftlsp.context import Context
from ftlsp.document import Document, Line, Record
from ftlsp.engine import Linter
from ftlsp.rule import Diagnostic, DocumentRule, Edit, Example, ExampleRule, Related, Severity
from ftlsp.lsp.textdoc import LiveDoc, LiveDocument, Splice

log = logging.getLogger("ftlsp.lsp")

DOC_RULE_BUDGET = 0.060  # seconds one cheap document rule may take per pass before it moves to the slow pass


@dataclass
class FileState:
    live: LiveDocument
    linter: Linter | None = None
    options: Any = None
    config_error: str | None = None
    config_key: str | None = None
    config_file: str | None = None
    signature: tuple = ()
    settings: Any = None
    is_eval: bool = False
    eval_paths: tuple[str, ...] = ()
    train_paths: tuple[str, ...] = ()  # for an eval file: the project's training files (config `train`)
    # fast pass
    dialect: str | None = None
    ex_diags: dict[int, tuple] = field(default_factory=dict)  # id(record) -> (record, diags, line0, start0)
    pending: dict | None = None  # id(record) -> record still to check; None: all
    urgent: list = field(default_factory=list)  # records created by edits: checked first
    doc_diags: list[Diagnostic] = field(default_factory=list)
    doc_gen: int = -1
    demoted: set[str] = field(default_factory=set)  # slow document rules for this file
    fast_gen: int = -1
    fast_info: dict = field(default_factory=dict)
    rule_errors: set[str] = field(default_factory=set)
    # slow pass
    slow_diags: list[Diagnostic] = field(default_factory=list)
    slow_info: dict = field(default_factory=dict)
    slow_gen: int = -1  # generation the kept slow results were computed at (-1: none yet)
    slow_serial: int = 0  # bumps whenever the kept slow results change
    slow_running: bool = False
    slow_seconds: float = 0.0  # how long the last completed background pass took
    epoch: int = 0  # bumps on config change: invalidates running slow passes
    closed: bool = False
    cold_running: bool = False
    # pull bookkeeping
    ready: Any = None  # asyncio.Event: settings resolved

    @property
    def info(self) -> dict:
        out = dict(self.fast_info)
        out.update(self.slow_info)
        return out

    def reset_fast(self) -> None:
        self.ex_diags.clear()
        self.pending = None
        self.urgent = []
        self.fast_gen = -1
        self.doc_gen = -1
        self.fast_info = {}
        self.demoted.clear()
        self.rule_errors.clear()

    def note_splice(self, sp: Splice) -> None:
        """Keep caches and stored slow results in step with one edit."""
        if sp.full:
            self.ex_diags.clear()
            self.pending = None
        else:
            for rec in sp.removed:
                self.ex_diags.pop(id(rec), None)
            if self.pending is not None:
                for rec in sp.removed:
                    self.pending.pop(id(rec), None)
                if self.urgent:
                    gone = {id(r) for r in sp.removed}
                    self.urgent = [r for r in self.urgent if id(r) not in gone]
                self.urgent.extend(sp.added)
        if self.slow_diags:
            self.slow_diags = shift_diagnostics(self.slow_diags, sp)


def shift_diagnostics(diags: list[Diagnostic], sp: Splice) -> list[Diagnostic]:
    """Move stored diagnostics through one edit (lines after it shift; fixes over it are dropped)."""
    if sp.full:
        return diags  # the next slow pass replaces them; keep them rather than flicker
    dn, dc = sp.line_delta, sp.char_delta
    first, last = sp.first_line, sp.old_last_line
    out = []
    for d in diags:
        line, end_line, fix, related = d.line, d.end_line, d.fix, d.related
        if line > last:
            line += dn
        if end_line > last:
            end_line += dn
        end_line = max(end_line, line)
        if fix is not None:
            if all(e.start >= sp.old_end for e in fix.edits):
                fix = replace(fix, edits=tuple(Edit(e.start + dc, e.end + dc, e.new_text) for e in fix.edits))
            elif not all(e.end <= sp.start for e in fix.edits):
                fix = None
        if related and dn:
            related = tuple(Related(r.message, r.line + dn if r.path is None and r.line > last else r.line,
                                    r.path, r.pointer) for r in related)
        if (line, end_line, fix, related) != (d.line, d.end_line, d.fix, d.related):
            d = replace(d, line=line, end_line=end_line, fix=fix, related=related)
        out.append(d)
    return out


def _shifted(d: Diagnostic, dl: int, ds: int) -> Diagnostic:
    fix = d.fix
    if fix is not None and ds:
        fix = replace(fix, edits=tuple(Edit(e.start + ds, e.end + ds, e.new_text) for e in fix.edits))
    related = d.related
    if related and dl:
        related = tuple(Related(r.message, r.line + dl if r.path is None else r.line, r.path, r.pointer)
                        for r in related)
    return replace(d, line=d.line + dl, end_line=d.end_line + dl, fix=fix, related=related)


def make_context(state: FileState, doc: Document, dialect: str | None) -> Context:
    linter = state.linter
    cfg = linter.config
    return Context(cfg, doc.path, doc, dialect, state.is_eval, state.train_paths, state.eval_paths, linter.services)


def fast_pass(state: FileState, budget: float | None = None) -> bool:
    """Bring the fast results up to the document's generation; True when complete.

    With a ``budget`` (seconds) it stops after that long and leaves the rest pending: a cold
    pass over a big file runs in slices between editor requests. Records created by edits are
    checked first.
    """
    live = state.live
    if state.fast_gen == live.generation and not state.urgent and state.pending is not None and not state.pending:
        return True
    linter = state.linter
    doc = live.doc
    dialect = linter.config.dialect or dialects.detect_file(doc)
    if dialect != state.dialect:
        state.dialect = dialect
        state.pending = None
    if state.pending is None:
        state.ex_diags.clear()
        state.urgent = []
        state.pending = {id(r): r for r in doc.records}
    ctx = make_context(state, doc, dialect)
    rules = [r for r in linter.rules_for(doc.path) if r.applies_to(dialect)]
    if state.doc_gen != live.generation:
        state.doc_diags = _document_rules(state, rules, doc, ctx)
        state.doc_gen = live.generation
    ex_rules = [r for r in rules if isinstance(r, ExampleRule) and not r.slow]
    deadline = time.perf_counter() + budget if budget is not None else None
    if state.urgent:
        urgent, state.urgent = state.urgent, []
        for rec in urgent:
            state.pending.pop(id(rec), None)
            _check(state, linter, ctx, ex_rules, rec, dialect)
    pending = state.pending
    done = []
    for key, rec in pending.items():
        _check(state, linter, ctx, ex_rules, rec, dialect)
        done.append(key)
        if deadline is not None and len(done) % 32 == 0 and time.perf_counter() > deadline:
            break
    for key in done:
        del pending[key]
    info = ctx.info
    if info:
        state.fast_info.update(info)
    state.fast_gen = live.generation
    return not pending


def _document_rules(state: FileState, rules: list, doc: Document, ctx: Context) -> list[Diagnostic]:
    linter = state.linter
    out: list[Diagnostic] = []
    for rule in rules:
        if isinstance(rule, DocumentRule) and not rule.slow and rule.code not in state.demoted:
            t0 = time.perf_counter()
            try:
                for f in rule.check_document(doc, ctx) or ():
                    out.append(linter.resolve(rule, f, doc, None))
            except Exception:  # a broken rule must not take the editor down
                _rule_failed(state, rule.code)
            took = time.perf_counter() - t0
            if took > DOC_RULE_BUDGET and len(doc.lines) > 1000 and getattr(state.options, "slow_rules", True):
                state.demoted.add(rule.code)
                log.info("%s took %.0f ms on %s: moved to the background pass", rule.code, took * 1000, doc.path)
    return out


def _check(state: FileState, linter: Linter, ctx: Context, ex_rules: list, rec, dialect) -> None:
    ex = Example(rec, state.live.path, dialect)
    try:
        ds = linter.check_example(ex, ctx, ex_rules)
    except Exception:
        ds = []
        for rule in ex_rules:
            try:
                ds.extend(linter.check_example(ex, ctx, [rule]))
            except Exception:
                _rule_failed(state, rule.code)
    if ds:
        state.ex_diags[id(rec)] = (rec, ds, rec.line, rec.start)
    else:
        state.ex_diags.pop(id(rec), None)


def _rule_failed(state: FileState, code: str) -> None:
    if code not in state.rule_errors:
        state.rule_errors.add(code)
        log.exception("rule %s failed on %s", code, state.live.path)


def example_diagnostics(state: FileState):
    """Diagnostics of example rules in record order, moved to where their record is now."""
    items = state.ex_diags
    if not items:
        return
    recs = state.live.doc.records
    if len(items) * 8 < len(recs):
        entries = sorted(items.values(), key=lambda t: t[0].line)
    else:
        entries = [e for e in (items.get(id(r)) for r in recs) if e is not None]
    for rec, ds, line0, start0 in entries:
        dl, dstart = rec.line - line0, rec.start - start0
        if dl or dstart:
            for d in ds:
                yield d, dl, dstart
        else:
            for d in ds:
                yield d, 0, 0


def assemble(state: FileState, *, fast: bool = True, slow: bool = True) -> list[Diagnostic]:
    """Fast and kept slow diagnostics, capped per rule (with a summary), sorted."""
    limit = state.linter.config.max_diagnostics_per_rule if state.linter else 0
    counts: dict[str, int] = {}
    last: dict[str, Diagnostic] = {}
    out: list[Diagnostic] = []

    def stream():
        if fast:
            for d in state.doc_diags:
                yield d, 0, 0
            yield from example_diagnostics(state)
        if slow:
            for d in state.slow_diags:
                yield d, 0, 0

    for d, dl, ds in stream():
        n = counts[d.code] = counts.get(d.code, 0) + 1
        if not limit or n <= limit:
            if dl or ds:
                d = _shifted(d, dl, ds)
            out.append(d)
            last[d.code] = d
    if limit:
        for code, n in counts.items():
            if n > limit:
                d = last[code]
                out.append(Diagnostic(code, d.name, Severity.INFO,
                                      f"{n - limit} more {code} ({d.name}) findings in this file not shown "
                                      f"(max-diagnostics-per-rule = {limit})", d.path, d.line, d.col,
                                      d.end_line, d.end_col))
    if state.config_error:
        out.append(Diagnostic("FT000", "config-error", Severity.ERROR, f"ftlint config: {state.config_error}",
                              state.live.path, 0, 0, 0, 0))
    out.sort(key=lambda d: (d.line, d.col, d.code))
    return out


# -- slow pass --------------------------------------------------------------------------------------


@dataclass
class SlowJob:
    state: FileState
    generation: int
    epoch: int
    lines: list  # (text, crlf, kind) of every line at snapshot time
    records: list  # (line, end_line, start, text, data, error, hash) of every record
    final_nl: bool
    bom: bool
    is_array: bool
    array_error: Any
    demoted: tuple[str, ...]
    dialect: str | None
    on_progress: Callable[[SlowJob, str, float], None]
    on_done: Callable[[SlowJob, Any], None]
    started: float = 0.0
    cancelled: bool = False
    token: str | None = None  # work-done progress

    def superseded(self) -> bool:
        s = self.state
        return s.closed or s.live.generation != self.generation or s.epoch != self.epoch


def snapshot_job(state: FileState, on_progress, on_done) -> SlowJob:
    """Freeze what the background pass needs (the live objects move with later edits; texts and parsed
    data never change, so they are shared rather than parsed again)."""
    d = state.live.doc
    lines = [(ln.text, ln.crlf, ln.kind) for ln in d.lines]
    recs = [(r.line, r.end_line, r.start, r.text, r.data, r.error, r._hash) for r in d.records]
    return SlowJob(state, state.live.generation, state.epoch, lines, recs, d.ends_with_newline, d.bom,
                   d.is_array, d.array_error, tuple(state.demoted), state.dialect, on_progress, on_done)


def rebuild(job: SlowJob) -> Document:
    """A private Document equal to the live one at snapshot time (``Document.from_text`` without parsing)."""
    doc = LiveDoc.__new__(LiveDoc)
    doc.path = job.state.live.path
    doc.bom = job.bom
    doc._text = None
    doc._final_nl = job.final_nl
    doc.is_array = job.is_array
    doc.array_error = job.array_error
    lines, starts, pos = [], [], 0
    for n, (text, crlf, kind) in enumerate(job.lines):
        lines.append(Line(n, pos, text, crlf, kind))
        starts.append(pos)
        pos += len(text) + (2 if crlf else 1)
    doc.lines, doc._line_starts = lines, starts
    doc.records = [Record(i, a, b, st, text, data, err, None, h)
                   for i, (a, b, st, text, data, err, h) in enumerate(job.records)]
    return doc


def run_slow(job: SlowJob) -> Any:
    """Runs in the worker thread; returns (diagnostics, info) or None when superseded."""
    state = job.state
    doc = rebuild(job)
    linter = state.linter
    ctx = make_context(state, doc, job.dialect or linter.config.dialect or dialects.detect_file(doc))
    last = [0.0]

    def progress(label: str, fraction: float) -> bool:
        if job.superseded():
            job.cancelled = True
            return True
        now = time.monotonic()
        if now - last[0] > 0.2:
            last[0] = now
            job.on_progress(job, label, fraction)
        return False

    ctx.progress = progress
    res = linter.lint(doc, ctx=ctx, fast=False, slow=True)
    diags = list(res.diagnostics)
    if job.demoted:
        rules = [r for r in linter.rules_for(doc.path) if r.code in job.demoted]
        for rule in rules:
            if job.superseded():
                return None
            for f in rule.check_document(doc, ctx) or ():
                diags.append(linter.resolve(rule, f, doc, None))
    if job.superseded():
        return None
    return diags, dict(res.info)


class SlowWorker:
    """One background thread runs slow passes one at a time (rules hold per-run state)."""

    def __init__(self) -> None:
        self.q: queue.Queue[SlowJob | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="ftlsp-slow", daemon=True)
        self.thread.start()

    def submit(self, job: SlowJob) -> None:
        self.q.put(job)

    def stop(self) -> None:
        self.q.put(None)

    def _loop(self) -> None:
        while True:
            job = self.q.get()
            if job is None:
                return
            if job.superseded():
                job.on_done(job, None)
                continue
            job.started = time.monotonic()
            try:
                result = run_slow(job)
            except Exception:
                if not job.superseded():
                    log.exception("background pass failed on %s", job.state.live.path)
                result = None
            job.on_done(job, result)
