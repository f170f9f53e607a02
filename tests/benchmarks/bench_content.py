"""Benchmark: what the content rules (FT7xx) add to the format check.

Generates a chat file (default 100,000 examples, OpenAI chat format, realistic
prose with numbers, accents, a few e-mails, placeholders and secrets), then
times the engine with only FT0xx + FT1xx selected against FT0xx + FT1xx + FT7xx
(the example rules and the dataset rules). Goal: FT7xx adds < 50%.

    python tests/benchmarks/bench_content.py [N] [--repeat 3] [--cli] [--from real.jsonl ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time

WORDS = ("the of and to in is that for it as with was on be by this are from at or an have not but which "
         "model data training example answer question value result user system file record line number "
         "python function return list string error case time year people student faculty report summary "
         "because however therefore example analysis average total percent increase decrease compare").split()
ACCENTED = ("été", "café", "naïve", "façade", "don’t", "it’s", "résumé", "Zürich", "São Paulo")


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        words[rng.randrange(n)] = str(rng.randint(1, 5000))
    if rng.random() < 0.1:
        words[rng.randrange(n)] = rng.choice(ACCENTED)
    return " ".join(words).capitalize() + rng.choice(".!?.")


def paragraph(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        k = min(left, rng.randint(6, 18))
        out.append(sentence(rng, k))
        left -= k
    return " ".join(out)


def generate(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    system = "You are a helpful assistant for the statistics office. Answer briefly and precisely."
    lines = []
    for i in range(n):
        user = paragraph(rng, rng.randint(8, 40))
        answer = paragraph(rng, rng.randint(20, 150))
        r = rng.random()
        if r < 0.002:
            answer += " Contact me at jane.roe%d@gmail.com." % i
        elif r < 0.004:
            answer = "[Your answer here] " + answer
        elif r < 0.005:
            answer += " Use the key sk-proj-%s." % "".join(rng.choice("abcdefXYZ0123456789") for _ in range(32))
        elif r < 0.006:
            answer += " Temperature: 50Â°F."
        rec = {"messages": [{"role": "system", "content": system}, {"role": "user", "content": user},
                            {"role": "assistant", "content": answer}]}
        lines.append(json.dumps(rec, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def repeat_files(paths: list[str], n: int) -> str:
    """The non-blank lines of ``paths`` repeated in order until there are ``n`` of them."""
    lines = [ln for p in paths for ln in open(p, encoding="utf-8", errors="replace").read().splitlines() if ln.strip()]
    if not lines:
        raise SystemExit("no records in " + ", ".join(paths))
    return "\n".join(lines[i % len(lines)] for i in range(n)) + "\n"


def timed(select: tuple[str, ...], raw: bytes, path: str, repeat: int) -> tuple[float, float, float, int]:
    """Best (parse + lint) wall time, lint-only wall time, (parse + lint) CPU time, diagnostics."""
    import gc

    from ftlsp.config import Config
    from ftlsp.document import Document
    from ftlsp.engine import Linter

    best_total = best_lint = best_cpu = float("inf")
    ndiag = 0
    for _ in range(repeat):
        linter = Linter(Config(select=select))  # fresh: no example cache carried over
        gc.collect()  # the previous run's garbage is not this run's cost
        c0 = time.process_time()
        t0 = time.perf_counter()
        doc = Document.from_bytes(path, raw)
        t1 = time.perf_counter()
        res = linter.lint(doc)
        t2 = time.perf_counter()
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_total = min(best_total, t2 - t0)
        best_lint = min(best_lint, t2 - t1)
        ndiag = len(res.diagnostics)
        del doc, res
    return best_total, best_lint, best_cpu, ndiag


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", action="store_true", help="also time the ftlint command end to end")
    ap.add_argument("--from", dest="sources", nargs="+", metavar="JSONL",
                    help="instead of generated records, repeat the records of these files up to N")
    args = ap.parse_args(argv)
    text = repeat_files(args.sources, args.n) if args.sources else generate(args.n)
    raw = text.encode()
    path = os.path.join(tempfile.gettempdir(), "bench_content.jsonl")
    print(f"{args.n:,} examples, {len(raw) / 1e6:.1f} MB")
    from ftlsp.registry import load

    codes = sorted(load().rules)
    print("rules FT0/FT1:", sum(c.startswith(("FT0", "FT1")) for c in codes), " FT7:",
          sum(c.startswith("FT7") for c in codes))
    base_total, base_lint, base_cpu, base_n = timed(("FT0", "FT1"), raw, path, args.repeat)
    with_total, with_lint, with_cpu, with_n = timed(("FT0", "FT1", "FT7"), raw, path, args.repeat)
    print(f"FT0+FT1      : {base_total:6.2f} s (parse + lint; lint alone {base_lint:.2f} s; CPU {base_cpu:.2f} s), "
          f"{base_n} diagnostics")
    print(f"FT0+FT1+FT7  : {with_total:6.2f} s (parse + lint; lint alone {with_lint:.2f} s; CPU {with_cpu:.2f} s), "
          f"{with_n} diagnostics")
    added = with_total - base_total
    print(f"FT7 adds {added:.2f} s = {100 * added / base_total:.0f}% of the format check (goal < 50%); "
          f"CPU time: {100 * (with_cpu - base_cpu) / base_cpu:.0f}%")
    if args.cli:  # end to end, as a user runs it: process start, read, parse, lint, report
        import subprocess

        with open(path, "wb") as fh:
            fh.write(raw)
        exe = os.path.join(os.path.dirname(sys.executable), "ftlint")
        res = {}
        for sel in ("FT0,FT1", "FT0,FT1,FT7"):
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                subprocess.run([exe, "--select", sel, "--exit-zero", "-q", "--no-summary", path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                best = min(best, time.perf_counter() - t0)
            res[sel] = best
            print(f"ftlint --select {sel:12s}: {best:6.2f} s")
        a, b = res["FT0,FT1"], res["FT0,FT1,FT7"]
        print(f"CLI: FT7 adds {b - a:.2f} s = {100 * (b - a) / a:.0f}%")
        os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
