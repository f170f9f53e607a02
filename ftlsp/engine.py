"""One engine for the CLI and the server: document in, diagnostics out."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from ftlsp import dialects
from ftlsp.config import Config
from ftlsp.context import Context
from ftlsp.document import Document, Record, gc_paused
from ftlsp.registry import Registry, load
from ftlsp.rule import (CollectingRule, DatasetRule, Diagnostic, DocumentRule, Example, ExampleRule, Finding, Rule,
                        Severity)


@dataclass
class FileResult:
    path: str
    dialect: str | None
    examples: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    is_eval: bool = False


def code_matches(code: str, patterns: Iterable[str]) -> int:
    """Length of the longest pattern that prefixes ``code`` (0: none). "ALL" matches everything."""
    best = 0
    for p in patterns:
        if p == "ALL":
            best = max(best, 1)
        elif code.startswith(p):
            best = max(best, len(p))
    return best


def is_enabled(cls: type[Rule], config: Config, extra_ignores: tuple[str, ...] = ()) -> bool:
    code = cls.code
    sel = code_matches(code, (*config.select, *config.extend_select))
    ign = code_matches(code, (*config.ignore, *extra_ignores))
    if not sel or ign >= sel:
        return False
    if not cls.default_enabled:  # opt-in rules need their code (or ALL) named
        return any(p == code or p == "ALL" for p in (*config.select, *config.extend_select))
    return True


class Linter:
    def __init__(self, config: Config | None = None, registry: Registry | None = None,
                 services: dict | None = None):
        self.config = config or Config()
        self.registry = registry or load()
        self.services = services if services is not None else {}
        self._rules_cache: dict[tuple, list[Rule]] = {}
        self._severity: dict[str, Severity] = {}
        for code, opts in self.config.rules.items():
            if code not in self.registry.rules:
                raise ValueError(f"config names unknown rule {code!r} in [tool.ftlint.rules]")
            if "severity" in opts:
                self._severity[code] = Severity.parse(opts["severity"])
        self._options = {code: self.registry.rules[code].make_options(
            {k: v for k, v in opts.items() if k != "severity"}) for code, opts in self.config.rules.items()}
        # content hash + dialect + rule set -> findings of example rules (the editor's fast path)
        self.example_cache: dict[tuple, list[tuple[Rule, Finding]]] = {}
        # The batch CLI sees each record once: caching would only cost memory.
        self.cache_examples = True
        self._plans: dict[int, tuple] = {}

    # -- rule selection --------------------------------------------------------------------

    def rules_for(self, path: str) -> list[Rule]:
        extra = self.config.ignored_for(path)
        key = extra
        rules = self._rules_cache.get(key)
        if rules is None:
            rules = [cls(self._options.get(cls.code)) for cls in self.registry.sorted()
                     if is_enabled(cls, self.config, extra)]
            self._rules_cache[key] = rules
        return rules

    def severity(self, rule: Rule | type[Rule]) -> Severity:
        return self._severity.get(rule.code, rule.default_severity)

    # -- linting ---------------------------------------------------------------------------

    def context(self, doc: Document, *, is_eval: bool = False, train_paths: tuple[str, ...] = (),
                eval_paths: tuple[str, ...] = ()) -> Context:
        ctx = Context(self.config, doc.path, doc, None, is_eval, train_paths,
                      eval_paths or tuple(self.config.resolve(p) for p in self.config.eval), self.services)
        ctx.dialect = self.config.dialect or dialects.detect_file(doc)
        return ctx

    def lint(self, doc: Document, *, is_eval: bool = False, train_paths: tuple[str, ...] = (),
             eval_paths: tuple[str, ...] = (), fast: bool = True, slow: bool = True,
             ctx: Context | None = None) -> FileResult:
        """All enabled rules on one document. ``fast``/``slow`` pick the editor's passes."""
        ctx = ctx or self.context(doc, is_eval=is_eval, train_paths=train_paths, eval_paths=eval_paths)
        with gc_paused():
            return self._lint(doc, ctx, fast, slow)

    def _lint(self, doc: Document, ctx: Context, fast: bool, slow: bool) -> FileResult:
        rules = [r for r in self.rules_for(doc.path) if r.applies_to(ctx.dialect) and r.active(ctx)]
        diags: list[Diagnostic] = []
        examples = [Example(rec, doc.path, ctx.dialect) for rec in doc.records]
        if fast:
            for rule in rules:
                if isinstance(rule, DocumentRule) and not rule.slow:
                    self._run_document_rule(rule, doc, ctx, diags)
            ex_rules = [r for r in rules if isinstance(r, ExampleRule) and not r.slow]
            prefix = self.key_prefix(ctx, ex_rules)
            check = self.check_example
            for ex in examples:
                found = check(ex, ctx, ex_rules, prefix)
                if found:
                    diags.extend(found)
        if slow:
            for rule in rules:
                if isinstance(rule, DocumentRule) and rule.slow:
                    self._run_document_rule(rule, doc, ctx, diags)
                elif isinstance(rule, ExampleRule) and rule.slow:
                    one = [rule]  # one list per rule: its plan and cache key are computed once
                    prefix = self.key_prefix(ctx, one)
                    for ex in examples:
                        diags.extend(self.check_example(ex, ctx, one, prefix))
            valid: list[Example] | None = None  # the records dataset rules see, filtered once
            for rule in rules:
                if isinstance(rule, DatasetRule):
                    if valid is None and not rule.wants_invalid:
                        valid = [ex for ex in examples
                                 if ex.record.error is None and isinstance(ex.record.data, dict)]
                    self._run_dataset_rule(rule, doc, examples if rule.wants_invalid else valid, ctx, diags)
        diags = self.cap(diags)
        diags.sort(key=Diagnostic.sort_key)
        return FileResult(doc.path, ctx.dialect, len(doc.records), diags, ctx.info, ctx.notices, ctx.is_eval)

    def check_example(self, ex: Example, ctx: Context, rules: list[Rule],
                      key_prefix: tuple | None = None) -> list[Diagnostic]:
        """Example rules on one record, cached by the record's exact text (the editor's fast path)."""
        if key_prefix is None:
            key_prefix = self.key_prefix(ctx, rules)
        rec = ex.record
        key = (rec.text, rec.error is None, key_prefix)
        cache = self.example_cache if self.cache_examples else None
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = self._run_example_rules(ex, ctx, self._plan(rules))
            if cache is not None:
                if len(cache) > 500_000:
                    cache.clear()
                cache[key] = found
        if not found:
            return []
        doc = ctx.document
        return [self.resolve(rule, f, doc, ex) for rule, f in found]

    def _plan(self, rules: list[Rule]) -> tuple:
        """Rules split into (ungrouped, [(clean_check, members)]), computed once per rule list."""
        entry = self._plans.get(id(rules))
        if entry is not None and entry[0] is rules:
            return entry[1]
        single: list[Rule] = []
        groups: dict = {}
        for r in rules:
            g = getattr(type(r), "clean_check", None)
            if g is None:
                single.append(r)
            else:
                groups.setdefault(g, []).append(r)
        plan = (single, list(groups.items()))
        if len(self._plans) > 64:
            self._plans.clear()
        self._plans[id(rules)] = (rules, plan)  # the list is kept alive, so its id is not reused
        return plan

    @staticmethod
    def _run_example_rules(ex: Example, ctx: Context, plan: tuple) -> list:
        single, groups = plan
        rec = ex.record
        is_obj = rec.error is None and isinstance(rec.data, dict)
        found: list = []
        for rule in single:
            if is_obj or rule.wants_invalid:
                for f in rule.check(ex, ctx) or ():
                    found.append((rule, f))
        for clean, members in groups:
            # One shared check says the record is clean for the whole group (e.g. the FT1xx
            # format rules share one analysis): skip each member's call.
            if is_obj and clean(ex, ctx):
                continue
            for rule in members:
                if is_obj or rule.wants_invalid:
                    for f in rule.check(ex, ctx) or ():
                        found.append((rule, f))
        return found

    @staticmethod
    def key_prefix(ctx: Context, rules: list[Rule]) -> tuple:
        # The path is part of the key: options may differ per file (per-file schemas, ignores).
        return (ctx.path, ctx.dialect, ctx.config.model, ctx.config.context_limit, ctx.is_eval,
                tuple(r.code for r in rules))

    def _run_document_rule(self, rule: DocumentRule, doc: Document, ctx: Context, out: list) -> None:
        for f in rule.check_document(doc, ctx) or ():
            out.append(self.resolve(rule, f, doc, None))

    def _run_dataset_rule(self, rule: DatasetRule, doc: Document, examples: list[Example], ctx: Context,
                          out: list) -> None:
        """``examples``: every record for a rule that ``wants_invalid``, else only the valid objects."""
        rule.start(ctx)
        if isinstance(rule, CollectingRule) and type(rule).add is CollectingRule.add:
            rule.examples = examples  # the whole list at once, shared (report must not change it)
        else:
            add = rule.add
            for ex in examples:
                add(ex)
        for f in rule.finish(ctx) or ():
            out.append(self.resolve(rule, f, doc, f.example))

    # -- positions --------------------------------------------------------------------------

    def resolve(self, rule: Rule, f: Finding, doc: Document | None, ex: Example | None) -> Diagnostic:
        sev = f.severity or self.severity(rule)
        ex = f.example or ex
        path = doc.path if doc is not None else (ex.path if ex else "")
        if f.line is not None or ex is None:
            line = f.line or 0
            text = doc.lines[line].text if doc is not None and line < len(doc.lines) else ""
            end_line = f.end_line if f.end_line is not None else line
            end_text = doc.lines[end_line].text if doc is not None and end_line < len(doc.lines) else text
            end_col = f.end_col if f.end_col is not None else len(end_text)
            return Diagnostic(rule.code, rule.name, sev, f.message, path, line, f.col, end_line, end_col,
                              f.related, f.fix, None, f.data)
        rec = ex.record
        if f.offset is not None:
            start, end = f.offset, f.end_offset if f.end_offset is not None else f.offset
        else:
            start, end = locate(rec, f.pointer, f.target)
        if doc is not None:
            line, col = doc.position(rec.start + start)
            end_line, end_col = doc.position(rec.start + end)
        else:
            line, col, end_line, end_col = rec.line, start, rec.line, end
        return Diagnostic(rule.code, rule.name, sev, f.message, path, line, col, end_line, end_col,
                          f.related, f.fix, rec.content_hash, f.data)

    def cap(self, diags: list[Diagnostic]) -> list[Diagnostic]:
        limit = self.config.max_diagnostics_per_rule
        if not limit:
            return diags
        counts: dict[str, int] = {}
        kept: list[Diagnostic] = []
        last: dict[str, Diagnostic] = {}
        for d in diags:
            n = counts[d.code] = counts.get(d.code, 0) + 1
            if n <= limit:
                kept.append(d)
                last[d.code] = d
        for code, n in counts.items():
            if n > limit:
                d = last[code]
                kept.append(Diagnostic(code, d.name, Severity.INFO,
                                       f"{n - limit} more {code} ({d.name}) findings in this file not shown "
                                       f"(max-diagnostics-per-rule = {limit})", d.path, d.line, d.col,
                                       d.end_line, d.end_col))
        return kept


def locate(rec: Record, pointer: str, target: str) -> tuple[int, int]:
    """Offsets (in the record text) of the JSON value or key at ``pointer``, or of its nearest ancestor."""
    if target == "record" or (target == "line" and not rec.multiline):
        return 0, len(rec.text)
    if target == "line":
        nl = rec.text.find("\n")
        return 0, nl if nl >= 0 else len(rec.text)
    spans = rec.spans()
    p = pointer
    while True:
        s = spans.get(p)
        if s is not None:
            if target == "key" and p == pointer:
                return s[0], s[1]
            return s[2], s[3]
        if not p:
            return 0, len(rec.text)
        p = p.rsplit("/", 1)[0]


def read_document(path: str, kind: str | None = None) -> Document:
    """Read a dataset file; never raises on bad content (I/O errors do raise)."""
    if path == "-":
        import sys

        return Document.from_bytes("<stdin>", sys.stdin.buffer.read(), kind=kind)
    with open(path, "rb") as fh:
        raw = fh.read()
    if path.endswith(".gz"):
        import gzip

        raw = gzip.decompress(raw)
        path_kind = kind or ("json" if path.endswith(".json.gz") else "jsonl")
        return Document.from_bytes(path, raw, kind=path_kind)
    return Document.from_bytes(path, raw, kind=kind)


def lint_paths(paths: list[str], config: Config, eval_paths: Iterable[str] = (),
               linter: Linter | None = None, progress=None) -> list[FileResult]:
    """Lint training files and eval files together (contamination needs both)."""
    linter = linter or Linter(config)
    evals = tuple(dict.fromkeys([*eval_paths, *(config.resolve(p) for p in config.eval)]))
    eval_set = {os.path.abspath(p) for p in evals}
    trains = tuple(p for p in paths if os.path.abspath(p) not in eval_set) or config.train_files()
    results = []
    seen: dict[str, str] = {}  # one lint per file, however it was spelled (named and configured)
    for p in [*paths, *evals]:
        seen.setdefault(p if p == "-" else os.path.abspath(p), p)
    todo = list(seen.values())
    for i, p in enumerate(todo):
        if progress:
            progress(i, len(todo), p)
        doc = read_document(p)
        results.append(linter.lint(doc, is_eval=os.path.abspath(p) in eval_set, train_paths=trains,
                                   eval_paths=evals))
    return results
