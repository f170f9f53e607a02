"""Benchmark of the duplicate and label rules (run on demand, not collected by pytest).

    python tests/benchmarks/bench_dedup.py                  # lexical 20k + 100k, semantic 20k
    python tests/benchmarks/bench_dedup.py --sizes 20000 --no-semantic
    python tests/benchmarks/bench_dedup.py --semantic-sizes 20000 100000   # 100k cold embeds for ~30 min

Each scenario runs in a fresh process (imports included, like a user's ``ftlint`` run): wall time,
peak RSS of the process, and "rules peak": the peak RSS while linting minus the RSS before it (the
document parsed, modules imported), i.e. what the duplicate rules themselves cost. Data: distinct
examples built from banking77 questions (../shared/realdata, or random words when absent), 1%
injected near-duplicates. "warm" = the same file with 1% of the examples changed, after a run that
filled the embedding cache.

Memory of each rule alone, then of the lexical set together, on one file:

    python tests/benchmarks/bench_dedup.py --memory FILE.jsonl [--codes FT301,FT304]
    python tests/benchmarks/bench_dedup.py --lsp-file 50000     # the language-server benchmark's chat file
    python tests/benchmarks/bench_dedup.py --boilerplate 50000  # all examples share a 500-character
                                # instruction: every pair is a candidate, the near-duplicate search's worst case
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANKING = ROOT.parent / "shared" / "realdata" / "classification" / "banking77__train.csv"
LEXICAL = ("FT301", "FT302", "FT303", "FT304", "FT401", "FT402", "FT403")


def questions() -> list[tuple[str, str]]:
    if BANKING.exists():
        import csv

        with open(BANKING, newline="", encoding="utf-8") as fh:
            return [(r["text"].strip(), r["category"]) for r in csv.DictReader(fh)]
    rng = random.Random(0)
    words = [("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))))
             for _ in range(3000)]
    return [(" ".join(rng.choice(words) for _ in range(rng.randint(5, 15))) + "?", f"c{i % 20}")
            for i in range(10000)]


def make(n: int, seed: int = 0, changed: float = 0.0) -> str:
    """n chat examples: two banking questions joined (distinct), label = the first one's intent."""
    rng = random.Random(seed)
    qs = questions()
    out = []
    for k in range(n):
        (a, cat), (b, _) = rng.choice(qs), rng.choice(qs)
        text = f"{a} Also: {b}"
        if k and rng.random() < 0.01:  # a near-duplicate of an earlier example (typo)
            text, cat = out[rng.randrange(len(out))]
            p = rng.randrange(1, max(2, len(text) - 1))
            text = text[:p] + text[p + 1:]
        out.append((text, cat))
    if changed:
        rng2 = random.Random(seed + 1)
        for k in rng2.sample(range(n), int(n * changed)):
            t, c = out[k]
            out[k] = (t + f" (edited {k})", c)
    sys_msg = {"role": "system", "content": "You classify banking questions."}
    return "".join(json.dumps({"messages": [sys_msg, {"role": "user", "content": t},
                                            {"role": "assistant", "content": c}]}) + "\n" for t, c in out)


def _status() -> dict[str, int]:
    """VmRSS / VmHWM of this process in MB (Linux)."""
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) // 1024
    return out


def boilerplate(n: int, seed: int = 1) -> str:
    """n chat examples: one long shared instruction, 6 words from 12 and a ticket number; a label."""
    rng = random.Random(seed)
    shared = "Our support policy says that every request must be answered politely and within two working days, " * 5
    words = "card transfer refund atm cash pin account limit fee rate top up exchange".split()
    out = []
    for i in range(n):
        q = shared + " ".join(rng.choice(words) for _ in range(6)) + f" ticket {i % 500}"
        out.append(json.dumps({"messages": [{"role": "user", "content": q},
                                            {"role": "assistant", "content": rng.choice(words)}]}) + "\n")
    return "".join(out)


def child(path: str, codes: list[str], cache: str) -> None:
    import gc

    import numpy  # noqa: F401 - imported before the baseline, as the rules' modules are
    import rapidfuzz  # noqa: F401

    from ftlsp.config import Config
    from ftlsp.engine import Linter, read_document

    t0 = time.perf_counter()
    cfg = Config(select=tuple(codes), cache_dir=cache)
    doc = read_document(path)
    linter = Linter(cfg)
    linter.rules_for(doc.path)
    for rec in doc.records:  # the editor's document is parsed before the background pass
        rec.data
    gc.collect()
    base = _status()["VmRSS"]
    try:  # reset the peak (VmHWM) to the current RSS: the rules' own peak is measured
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    t1 = time.perf_counter()
    res = linter.lint(doc)
    t2 = time.perf_counter()
    peak = _status()["VmHWM"]
    counts: dict[str, int] = {}
    for d in res.diagnostics:
        counts[d.code] = counts.get(d.code, 0) + 1
    print(json.dumps({"lint_s": round(t2 - t0, 2), "rules_s": round(t2 - t1, 2), "base_rss_mb": base,
                      "peak_rss_mb": peak, "rules_peak_mb": peak - base, "findings": counts,
                      "notices": res.notices}))


def run(path: Path, codes, cache: str) -> dict:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, __file__, "--child", str(path), "--codes", ",".join(codes),
                        "--cache", cache], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode:
        raise SystemExit(r.stderr[-3000:])
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return {"wall_s": round(wall, 2), **out}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--codes", default="")
    ap.add_argument("--cache", default="")
    ap.add_argument("--sizes", type=int, nargs="*", default=[20000, 100000])
    ap.add_argument("--semantic-sizes", type=int, nargs="*", default=[20000])
    ap.add_argument("--no-semantic", action="store_true")
    ap.add_argument("--memory", help="one JSONL file: each rule alone, then the lexical set")
    ap.add_argument("--lsp-file", type=int, help="--memory on the language-server benchmark's N-line chat file")
    ap.add_argument("--boilerplate", type=int, help="--memory on N examples sharing a long instruction")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.codes.split(","), a.cache)
        return
    tmp = Path(tempfile.mkdtemp(prefix="ftlsp-bench-"))
    results = []

    def report(name, r):
        results.append({"scenario": name, **r})
        print(f"{name:42s} wall {r['wall_s']:7.2f} s  rules {r['rules_s']:7.2f} s  "
              f"rules peak {r['rules_peak_mb']:5d} MB"
              f"  process peak {r['peak_rss_mb']:5d} MB  {r['findings']}", flush=True)

    if a.memory or a.lsp_file or a.boilerplate:
        path = Path(a.memory) if a.memory else tmp / "memory.jsonl"
        if a.boilerplate:
            path.write_text(boilerplate(a.boilerplate), encoding="utf-8")
        if a.lsp_file:
            sys.path.insert(0, str(Path(__file__).parent))
            from lsp_latency import generate

            path.write_text(generate(a.lsp_file), encoding="utf-8")
        codes = a.codes.split(",") if a.codes else list(LEXICAL)
        for code in codes:
            report(f"{code} alone", run(path, (code,), str(tmp / "cache")))
        if len(codes) > 1:
            report("together: " + ",".join(codes), run(path, codes, str(tmp / "cache")))
        print(json.dumps(results, indent=1))
        return
    for n in sorted(a.sizes):
        p = tmp / f"lex{n}.jsonl"
        p.write_text(make(n), encoding="utf-8")
        report(f"lexical FT30[1-4]+FT40x n={n}", run(p, LEXICAL, str(tmp / "cache-lex")))
        p2 = tmp / f"lex{n}-changed.jsonl"
        p2.write_text(make(n, changed=0.01), encoding="utf-8")
        report(f"lexical n={n} after 1% change", run(p2, LEXICAL, str(tmp / "cache-lex")))
    if not a.no_semantic:
        for n in sorted(a.semantic_sizes):
            cache = str(tmp / f"cache-sem{n}")
            p = tmp / f"sem{n}.jsonl"
            p.write_text(make(n), encoding="utf-8")
            report(f"semantic FT305 n={n} cold", run(p, ("FT305",), cache))
            p2 = tmp / f"sem{n}-changed.jsonl"
            p2.write_text(make(n, changed=0.01), encoding="utf-8")
            report(f"semantic FT305 n={n} warm, 1% changed", run(p2, ("FT305",), cache))
            report(f"all FT3+FT4+FT305 n={n} warm, 1% changed", run(p2, (*LEXICAL, "FT305"), cache))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
