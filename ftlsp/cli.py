"""``ftlint``: the batch linter.

Exit codes as in ruff: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from typing import Callable

from ftlsp import __version__, baseline, output
from ftlsp.config import Config, ConfigError, codes_list, find_config_file, load_file
from ftlsp.engine import Linter, lint_paths
from ftlsp.registry import load
from ftlsp.rule import Severity

DATA_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".ndjson")

# Subcommands other modules add (e.g. "stats"): name -> function(argv) -> exit code.
SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {}


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ftlint", description="Lint LLM fine-tuning data (JSONL).",
        epilog="Subcommands: 'ftlint rules' lists rules, 'ftlint rule FT101' explains one, "
               "'ftlint stats FILE...' prints token and cost summaries.")
    p.add_argument("paths", nargs="*", help="files, directories or globs; - for stdin")
    p.add_argument("--format", choices=["text", "json", "sarif", "github"], default=None)
    p.add_argument("--select", help="rule codes or prefixes, comma-separated (e.g. FT3,FT401)")
    p.add_argument("--extend-select")
    p.add_argument("--ignore")
    p.add_argument("--dialect", help="override dialect detection (see 'ftlint rules --dialects')")
    p.add_argument("--model", help="target model for token limits and cost (default gpt-4o-mini)")
    p.add_argument("--epochs", type=int, help="training epochs for the cost estimate (default: auto)")
    p.add_argument("--eval", action="append", default=[], metavar="PATH",
                   help="an eval/validation file of this project (repeatable)")
    p.add_argument("--config", help="config file (default: nearest pyproject.toml [tool.ftlint] or ftlint.toml)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "hint", "never"])
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    p.add_argument("--statistics", action="store_true", help="count findings per rule")
    p.add_argument("--baseline", metavar="FILE", help="ignore findings recorded in this baseline")
    p.add_argument("--write-baseline", metavar="FILE", help="record all current findings and exit 0")
    p.add_argument("--fix", action="store_true", help="apply safe fixes to the named files (never to others)")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="with --fix, also apply fixes that delete content (comment lines, duplicates)")
    p.add_argument("--no-summary", action="store_true", help="text: omit token/cost summary lines")
    p.add_argument("--quiet", "-q", action="store_true")
    p.add_argument("--version", action="version", version=f"ftlint {__version__}")
    return p


def expand(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
        elif os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(DATA_SUFFIXES))
        elif any(ch in p for ch in "*?["):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                raise UsageError(f"no files match {p!r}")
            out.extend(matches)
        elif os.path.exists(p):
            out.append(p)
        else:
            raise UsageError(f"{p}: no such file or directory")
    return list(dict.fromkeys(out))


def resolve_config(args: argparse.Namespace, paths: list[str]) -> Config:
    if args.config:
        cfg = load_file(args.config)
    else:
        first = next((p for p in paths if p != "-"), os.getcwd())
        f = find_config_file(first)
        cfg = load_file(f) if f else Config()
    changes: dict = {}
    if args.select:
        changes["select"] = codes_list(args.select, "--select")
    if args.extend_select:
        changes["extend_select"] = (*cfg.extend_select, *codes_list(args.extend_select, "--extend-select"))
    if args.ignore:
        changes["ignore"] = (*cfg.ignore, *codes_list(args.ignore, "--ignore"))
    for name in ("dialect", "model", "epochs", "fail_on"):
        v = getattr(args, name)
        if v is not None:
            changes[name] = v
    if args.dialect:
        from ftlsp.dialects import DIALECTS

        if args.dialect not in DIALECTS:
            raise UsageError(f"unknown dialect {args.dialect!r} (known: {', '.join(DIALECTS)})")
    if args.epochs is not None and args.epochs < 1:
        raise UsageError("--epochs must be at least 1")
    return cfg.replace(**changes)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "rules":
            return cmd_rules(argv[1:])
        if argv and argv[0] == "rule":
            return cmd_rule(argv[1:])
        if argv and argv[0] in SUBCOMMANDS:
            return SUBCOMMANDS[argv[0]](argv[1:])
        if argv and argv[0] == "stats":
            import ftlsp.tokens.cli  # noqa: F401  (registers the subcommand)

            return SUBCOMMANDS["stats"](argv[1:])
        if argv and argv[0] == "check":
            argv = argv[1:]
        return cmd_check(argv)
    except (UsageError, ConfigError, ValueError) as e:
        print(f"ftlint: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - `ftlint ... | head`
        return 0


def cmd_check(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.paths:
        parser.print_usage(sys.stderr)
        print("ftlint: error: give files, directories or globs to lint (or - for stdin)", file=sys.stderr)
        return 2
    paths = expand(args.paths)
    config = resolve_config(args, paths)
    paths = [p for p in paths if not config.is_excluded(p)]
    registry = load()
    for problem in registry.problems:
        print(f"ftlint: warning: {problem}", file=sys.stderr)
    linter = Linter(config, registry)
    evals = expand(args.eval) if args.eval else []
    if args.fix:
        from ftlsp.fixer import fix_file

        fixed = 0
        for p in paths:  # only files the user named; stdin is never rewritten
            if p != "-":
                fixed += fix_file(p, linter, unsafe=args.unsafe_fixes, eval_paths=tuple(evals))[0]
        linter.example_cache.clear()
        print(f"ftlint: applied {fixed} fix{'es' if fixed != 1 else ''}", file=sys.stderr)
    results = _run(paths, config, evals, linter, quiet=args.quiet)
    diags = [d for r in results for d in r.diagnostics]
    if args.write_baseline:
        baseline.write(args.write_baseline, diags)
        print(f"ftlint: wrote {len(diags)} findings to {args.write_baseline}", file=sys.stderr)
        return 0
    if args.baseline:
        diags = baseline.filter(args.baseline, diags)
    notices = list(dict.fromkeys(n for r in results for n in r.notices))
    fmt = args.format or "text"
    if fmt == "json":
        print(output.to_json(results, diags, notices))
    elif fmt == "sarif":
        print(output.to_sarif(diags, registry))
    elif fmt == "github":
        text = output.to_github(diags)
        if text:
            print(text)
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = output.to_text(results, diags, color=color, summary=not args.no_summary)
        if text and not args.quiet:
            print(text)
        for n in notices:
            print(f"ftlint: note: {n}", file=sys.stderr)
        if args.statistics:
            print(output.statistics(diags))
        if not args.quiet:
            errors = sum(d.severity == Severity.ERROR for d in diags)
            print(f"Found {len(diags)} finding{'s' if len(diags) != 1 else ''} ({errors} error"
                  f"{'s' if errors != 1 else ''}) in {len(results)} file{'s' if len(results) != 1 else ''}."
                  if diags else f"All checks passed ({len(results)} file{'s' if len(results) != 1 else ''}).")
    if args.format in ("json", "sarif") and args.statistics:
        print(output.statistics(diags), file=sys.stderr)
    if args.exit_zero or config.fail_on == "never":
        return 0
    threshold = Severity.parse(config.fail_on)
    return 1 if any(d.severity <= threshold for d in diags) else 0


def _run(paths, config, evals, linter, quiet):
    """Lint everything, with a progress line on stderr when it is a terminal."""
    show = sys.stderr.isatty() and not quiet

    def progress(i: int, total: int, path: str) -> None:
        if show and total > 1:
            print(f"\r[{i + 1}/{total}] {path[-60:]:<60}", end="", file=sys.stderr, flush=True)

    try:
        results = lint_paths(paths, config, eval_paths=evals, linter=linter, progress=progress)
    except OSError as e:
        raise UsageError(f"{e.filename}: {e.strerror}") from None
    if show:
        print("\r" + " " * 80 + "\r", end="", file=sys.stderr)
    return results


def cmd_rules(argv: list[str]) -> int:
    reg = load()
    if "--dialects" in argv:
        from ftlsp.dialects import DIALECTS

        for name, desc in DIALECTS.items():
            print(f"{name:<22} {desc}")
        return 0
    as_md = "--markdown" in argv
    if as_md:
        print("| code | name | severity | fix | summary |\n|---|---|---|---|---|")
    for cls in reg.sorted():
        sev = cls.default_severity.label
        if as_md:
            print(f"| {cls.code} | {cls.name} | {sev} | {'yes' if cls.fixable else ''} | {cls.summary} |")
        else:
            flags = ("fix " if cls.fixable else "") + ("" if cls.default_enabled else "opt-in")
            print(f"{cls.code}  {cls.name:<32} {sev:<8} {flags:<10} {cls.summary}")
    return 0


def cmd_rule(argv: list[str]) -> int:
    if not argv:
        raise UsageError("usage: ftlint rule CODE")
    reg = load()
    cls = reg.get(argv[0]) or reg.by_name(argv[0])
    if cls is None:
        raise UsageError(f"unknown rule {argv[0]!r} (see 'ftlint rules')")
    print(f"{cls.code} {cls.name} ({cls.default_severity.label}{', fixable' if cls.fixable else ''})\n")
    print(cls.doc())
    import dataclasses

    fields = dataclasses.fields(cls.Options)
    if fields:
        print("\nOptions ([tool.ftlint.rules.%s]):" % cls.code)
        for f in fields:
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
            print(f"  {f.name.replace('_', '-')} = {default!r}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
