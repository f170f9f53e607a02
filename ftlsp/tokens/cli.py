"""``ftlint stats FILE...``: tokens, limits and cost per file, with a histogram of example lengths."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ftlsp import cli
from ftlsp.tokens import cost as C
from ftlsp.tokens.count import counter
from ftlsp.tokens.encodings import TokenizerUnavailable
from ftlsp.tokens.models import model_info, models_table, price_for


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ftlint stats",
                                description="Token counts, context-limit use and training cost per file.")
    p.add_argument("paths", nargs="*", help="files, directories or globs")
    p.add_argument("--model", help="target model (default: config, else gpt-4o-mini)")
    p.add_argument("--epochs", type=int, help="training epochs (default: OpenAI auto mode)")
    p.add_argument("--eval", action="append", default=[], metavar="PATH", help="eval file (not billed; repeatable)")
    p.add_argument("--dialect", help="override dialect detection")
    p.add_argument("--config", help="config file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--no-histogram", action="store_true")
    p.add_argument("--models", action="store_true", help="list known models, limits and prices, then exit")
    return p


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.models:
        return list_models(args.format)
    if not args.paths:
        parser.print_usage(sys.stderr)
        print("ftlint stats: error: give files to count", file=sys.stderr)
        return 2
    paths = cli.expand(args.paths)
    ns = argparse.Namespace(select=None, extend_select=None, ignore=None, fail_on=None, config=args.config,
                            dialect=args.dialect, model=args.model, epochs=args.epochs)
    config = cli.resolve_config(ns, paths)
    evals = [*cli.expand(args.eval), *(config.resolve(p) for p in config.eval)] if (args.eval or config.eval) else []
    eval_set = {os.path.abspath(p) for p in evals}
    todo = list(dict.fromkeys([*paths, *evals]))
    try:
        files = [file_stats(p, config, os.path.abspath(p) in eval_set) for p in todo]
    except OSError as e:
        raise cli.UsageError(f"{e.filename}: {e.strerror}") from None
    except TokenizerUnavailable as e:
        print(f"ftlint stats: error: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps({"version": 1, "files": files}, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join("\n".join(render(f, histogram=not args.no_histogram)) for f in files))
    return 0


def file_stats(path: str, config, is_eval: bool) -> dict[str, Any]:
    from ftlsp import dialects
    from ftlsp.engine import read_document

    doc = read_document(path)
    dialect = config.dialect or dialects.detect_file(doc)
    info = model_info(config.model)
    limit = config.context_limit or info.training_context
    counted = counter(info.encoding).count_records(doc.records, dialect)
    ets = [et.scaled(info) for rec, et in zip(doc.records, counted) if et is not None and isinstance(rec.data, dict)]
    out: dict[str, Any] = {"path": path, "dialect": dialect, "examples": len(ets), "eval": is_eval,
                           "invalid_records": len(doc.records) - len(ets),
                           "tokens": C.token_summary(ets, info, limit)}
    roles: dict[str, int] = {}
    for e in ets:
        for r, n in e.by_role.items():
            roles[r] = roles.get(r, 0) + n
    out["tokens"]["by_role"] = roles
    if not is_eval:
        out["cost"] = C.cost_estimate(ets, info, epochs=config.epochs, limit=limit, prices=config.prices)
    out["lengths"] = [e.total for e in ets]
    return out


def render(f: dict[str, Any], histogram: bool = True) -> list[str]:
    t = f["tokens"]
    head = f"{f['path']}  ({f['dialect'] or 'unknown dialect'}, {f['examples']:,} examples"
    head += f", {f['invalid_records']:,} invalid records" if f["invalid_records"] else ""
    head += ", eval set)" if f["eval"] else ")"
    lines = [head, *("  " + s for s in C.tokens_line(t))]
    if t.get("by_role"):
        lines.append("  by role: " + ", ".join(f"{r} {n:,}" for r, n in sorted(t["by_role"].items(), key=lambda kv: -kv[1])))
    if "cost" in f:
        lines.extend("  " + s for s in C.cost_line(f["cost"]))
        if f["cost"].get("note"):
            lines.append("  note: " + f["cost"]["note"])
    if t.get("estimated"):
        lines.append("  estimate: " + t.get("estimate_basis", ""))
    if histogram and f["lengths"]:
        lines.append("  tokens per example:")
        lines.extend("  " + s for s in C.histogram(f["lengths"], limit=t.get("limit")))
    return lines


def list_models(fmt: str) -> int:
    rows = []
    for name, e in models_table().items():
        info = model_info(name)
        price = price_for(name)
        rows.append({"model": name, "aliases": e.get("aliases", []), "provider": info.provider,
                     "encoding": info.encoding, "estimated": info.estimated,
                     "factor": info.factor, "training_context": info.training_context,
                     "min_examples": info.min_examples if info.min_examples_stated else None,
                     "price_per_1m": price.training_per_1m if price else None,
                     "price_date": price.date if price else None, "source": info.source})
    if fmt == "json":
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'model':<26} {'tokenizer':<22} {'limit':>8} {'$/1M':>6}  aliases")
    for r in rows:
        tk = r["encoding"] + (f" x{r['factor']:g} est." if r["estimated"] else "")
        lim = f"{r['training_context']:,}" if r["training_context"] else "-"
        pr = f"{r['price_per_1m']:g}" if r["price_per_1m"] is not None else "-"
        print(f"{r['model']:<26} {tk:<22} {lim:>8} {pr:>6}  {', '.join(r['aliases'])}")
    return 0


cli.SUBCOMMANDS["stats"] = main
