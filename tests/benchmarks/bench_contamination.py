"""Contamination at scale: 100,000 training examples against a 15,000-item benchmark set.

Run on demand:  python tests/benchmarks/bench_contamination.py [--train 100000] [--bench 15000] [--semantic]

Benchmark items: MMLU test questions + GSM8K test questions from ../shared/realdata/eval (read at run
time, never copied). Training examples: chat records whose user turns are built from real sentences
of the shared training sets (seeded), a shared system prompt (boilerplate), and 500 planted benchmark
questions (half verbatim, half inside a longer prompt). Reports wall time and peak RSS for the exact
(FT501) and n-gram (FT502) rules, cold (empty caches, fresh process state) and warm (same process,
same services: the benchmark index is reused; and a second process reading the disk cache).
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RD = os.environ.get("FTLSP_REALDATA", os.path.join(HERE, "..", "..", "..", "shared", "realdata"))


def benchmark_items(n: int) -> list[dict]:
    items = [{"question": json.loads(ln)["question"], "answer": json.loads(ln)["answer"]}
             for ln in open(os.path.join(RD, "eval", "gsm8k__test.jsonl"), encoding="utf-8")]
    for f in sorted(glob.glob(os.path.join(RD, "eval", "mmlu_test", "*.csv"))):
        with open(f, encoding="utf-8", errors="replace", newline="") as fh:
            for row in csv.DictReader(fh):
                items.append({"question": row.get("question", ""), "answer": row.get("answer", "")})
    return items[:n]


def sentence_pool() -> list[str]:
    pool: list[str] = []
    for rel in ("eval/gsm8k__train.jsonl", "legacy_prompt_completion/truthfulqa__finetune_truth.jsonl",
                "chat_format/edersonbadeca__fine_tuning_data.jsonl", "chat_format/mathwithllms__validation_set.jsonl"):
        for ln in open(os.path.join(RD, rel), encoding="utf-8"):
            for s in re.split(r"(?<=[.?!])\s+", ln):
                s = re.sub(r'[{}"\\]|\b(question|answer|prompt|completion|messages|role|content|user|assistant)\b', " ", s)
                s = " ".join(s.split())
                if 5 <= len(s.split()) <= 40:
                    pool.append(s)
    return pool


def build(tmp: str, n_train: int, n_bench: int, seed: int = 1) -> tuple[str, str, int]:
    rng = random.Random(seed)
    bench = benchmark_items(n_bench)
    bpath = os.path.join(tmp, "bench.jsonl")
    with open(bpath, "w", encoding="utf-8") as fh:
        for it in bench:
            fh.write(json.dumps(it) + "\n")
    pool = sentence_pool()
    system = "You are a careful assistant. Answer the user's question accurately, show your reasoning, and be concise."
    planted = rng.sample(range(len(bench)), 500)
    tpath = os.path.join(tmp, "train.jsonl")
    with open(tpath, "w", encoding="utf-8") as fh:
        for i in range(n_train):
            user = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
            if i % (n_train // 500) == 0 and planted:
                q = bench[planted.pop()]["question"]
                user = q if rng.random() < 0.5 else f"Here is a problem from my homework. {q} Please explain."
            rec = {"messages": [{"role": "system", "content": system}, {"role": "user", "content": user},
                                {"role": "assistant", "content": " ".join(rng.choice(pool) for _ in range(2))}]}
            fh.write(json.dumps(rec) + "\n")
    return tpath, bpath, len(bench)


def run_once(tpath: str, bpath: str, cache: str, select: tuple[str, ...], linter=None):
    from ftlsp.config import Config
    from ftlsp.engine import Linter, read_document

    cfg = Config().replace(select=select, benchmarks=({"path": bpath, "name": "bench"},), cache_dir=cache)
    linter = linter or Linter(cfg)
    t0 = time.perf_counter()
    doc = read_document(tpath)
    t1 = time.perf_counter()
    res = linter.lint(doc, fast=False, slow=True)
    t2 = time.perf_counter()
    return linter, res, t1 - t0, t2 - t1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", type=int, default=100_000)
    ap.add_argument("--bench", type=int, default=15_000)
    ap.add_argument("--semantic", action="store_true", help="also FT503 (slow the first time: embeds everything)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    select = ("FT501", "FT502", "FT503") if a.semantic else ("FT501", "FT502")
    if a.child:  # warm run in a fresh process: only the disk cache is shared
        tpath, bpath, cache = a.child
        _, res, tr, tl = run_once(tpath, bpath, cache, select)
        print(json.dumps({"read": tr, "lint": tl, "findings": len(res.diagnostics),
                          "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        tpath, bpath, nb = build(tmp, a.train, a.bench)
        print(f"built {a.train} training examples ({os.path.getsize(tpath) / 1e6:.1f} MB) and {nb} benchmark "
              f"items in {time.perf_counter() - t:.1f} s")
        cache = os.path.join(tmp, "cache")
        linter, res, tr, tl = run_once(tpath, bpath, cache, select)
        by = {}
        for d in res.diagnostics:
            by[d.code] = by.get(d.code, 0) + 1
        planted_found = len({d.line for d in res.diagnostics})
        print(f"cold: read {tr:.1f} s + rules {tl:.1f} s = {tr + tl:.1f} s; findings {by}; records flagged "
              f"{planted_found} (500 planted); peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        # warm, same process: services keep the benchmark corpus and its n-gram index
        _, res2, tr2, tl2 = run_once(tpath, bpath, cache, select, linter=linter)
        print(f"warm (same process, e.g. the editor after an edit): rules {tl2:.1f} s; findings {len(res2.diagnostics)}")
        out = subprocess.run([sys.executable, __file__, "--child", tpath, bpath, cache]
                             + (["--semantic"] if a.semantic else []), capture_output=True, text=True)
        if out.returncode == 0:
            w = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"warm (new process, disk cache): read {w['read']:.1f} s + rules {w['lint']:.1f} s; "
                  f"findings {w['findings']}; peak RSS {w['rss_mb']:.0f} MB")
        else:
            print(out.stderr[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
