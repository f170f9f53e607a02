"""Latency of the ``ftlsp`` language server over stdio (run on demand, not collected by pytest).

    python tests/benchmarks/lsp_latency.py [--lines 50000 1000] [--edits 100] [--pull]

For each size: generates a chat JSONL file (~700 bytes a line: 50,000 lines ~ 35 MB), starts
the real server (``python -m ftlsp.server``), opens the file and measures
- open: didOpen -> first publishDiagnostics (push client) / first pull answer (``--pull``),
- background: didOpen -> the dataset rules' results (duplicates, tokens, cost ...),
- edit: one-line edits (a word replaced in a message, every 5th breaks the JSON), typed 150 ms
  apart so the background pass stays idle: didChange -> publishDiagnostics of that version
  (push) or didChange + textDocument/diagnostic -> answer (pull); p50/p95/max,
- server memory: VmRSS and peak VmHWM from /proc.
A tiny JSON-RPC client is used so that client overhead does not count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the of and to in is you that it he was for on are as with his they at be this have from or one had by "
         "word but not what all were we when your can said there use an each which she do how their if will up other "
         "about out many then them these so some her would make like him into time has look two more write go see "
         "number no way could people my than first water been call who oil its now find long down day did get come "
         "made may part").split()


_SYL = "ba be bi bo bu da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to".split()
# A Zipf-like vocabulary: common English words plus 4,000 made-up ones, so that texts differ as real ones do
# (a tiny vocabulary would make every example a near-duplicate candidate).
_R = random.Random(42)
VOCAB = WORDS + ["".join(_R.choice(_SYL) for _ in range(2 + k % 3)) for k in range(4000)]
WEIGHTS = [1.0 / (r + 1) for r in range(len(VOCAB))]


def chat_line(rng: random.Random, i: int) -> str:
    def sent(n: int) -> str:
        return " ".join(rng.choices(VOCAB, WEIGHTS, k=n)).capitalize() + "."
    msgs = [{"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": f"{sent(rng.randint(20, 50))} Case {i}?"},
            {"role": "assistant", "content": " ".join(sent(rng.randint(8, 16)) for _ in range(7))}]
    return json.dumps({"messages": msgs}, ensure_ascii=False)


def generate(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(chat_line(rng, i) + "\n" for i in range(n))


class Client:
    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.waiters: list[tuple] = []
        self.settings: dict = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(await out.readexactly(length))
            now = time.perf_counter()
            if "id" in msg and "method" in msg:  # a request from the server: answer it
                result = None
                if msg["method"] == "workspace/configuration":
                    result = [self.settings] * len(msg["params"].get("items", []))
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            elif "id" in msg:
                fut = self.pending.pop(msg["id"], None)
                if fut and not fut.done():
                    fut.set_result((now, msg.get("result")))
            else:
                for w in list(self.waiters):
                    pred, fut = w
                    if not fut.done() and pred(msg):
                        fut.set_result((now, msg))
                        self.waiters.remove(w)

    def send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params) -> asyncio.Future:
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return fut

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, pred) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append((pred, fut))
        return fut


def rss(pid: int) -> tuple[float, float]:
    vals = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                vals[k] = int(v.split()[0]) / 1024
    return vals.get("VmRSS", 0.0), vals.get("VmHWM", 0.0)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


async def run(n_lines: int, n_edits: int, pull: bool, folder: Path, bg_timeout: float, background: bool = True,
              log: str | None = None) -> dict:
    text = generate(n_lines)
    path = folder / f"chat_{n_lines}.jsonl"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    cmd = [sys.executable, "-m", "ftlsp.server"] + (["--log-level", "INFO", "--log-file", log] if log else [])
    proc = await asyncio.create_subprocess_exec(*cmd, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, limit=1 << 26)
    c = Client(proc)
    if not background:
        c.settings = {"slowRules": False}
    caps: dict = {"window": {"workDoneProgress": True}, "workspace": {"configuration": True}}
    if pull:
        caps["textDocument"] = {"diagnostic": {"dynamicRegistration": False}}
        caps["workspace"]["diagnostics"] = {"refreshSupport": True}
    await c.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": caps})
    c.notify("initialized", {})
    published = lambda v: (lambda m: m.get("method") == "textDocument/publishDiagnostics"  # noqa: E731
                           and m["params"].get("version") == v)
    tokens: dict = {}

    def progress(kind: str, what: str):
        def pred(m):
            if m.get("method") != "$/progress":
                return False
            v = m["params"]["value"]
            if v.get("kind") == "begin":
                tokens[m["params"]["token"]] = v.get("message", "")
            return v.get("kind") == kind and what in tokens.get(m["params"]["token"], "")
        return pred
    cold_done = c.wait_for(progress("end", "checking"))
    bg_done = c.wait_for(progress("end", "dataset"))
    t0 = time.perf_counter()
    first = c.wait_for(published(1))
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "jsonl", "version": 1, "text": text}})
    if pull:
        t_open, res = await c.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        n_diags = len(res["items"])
    else:
        t_open, msg = await first
        n_diags = len(msg["params"]["diagnostics"])
    open_s = t_open - t0
    try:  # big files: the rest of the cheap pass runs in slices after the first answer
        t_all, _ = await asyncio.wait_for(cold_done, 60 if n_lines > 5000 else 2)
        all_s = round(t_all - t0, 2)
    except asyncio.TimeoutError:
        all_s = round(open_s, 2)  # done in the first slice: no progress was needed
    bg_s = None
    if background:
        try:
            t_bg, _ = await asyncio.wait_for(bg_done, bg_timeout)
            bg_s = round(t_bg - t0, 2)
        except asyncio.TimeoutError:
            bg_s = f"> {bg_timeout:g} (edits start anyway and supersede it)"
    else:
        await asyncio.sleep(1.0)
    rss_open = rss(proc.pid)
    rng = random.Random(1)
    lines = text.split("\n")
    lat: list[float] = []
    version = 1
    for k in range(n_edits):
        version += 1
        ln = rng.randrange(n_lines)
        col = lines[ln].index('"content": "', 60) + 12  # inside the user message
        new = "}" if k % 5 == 4 else rng.choice(WORDS)  # every 5th edit breaks the record
        change = {"range": {"start": {"line": ln, "character": col}, "end": {"line": ln, "character": col + 3}},
                  "text": new}
        lines[ln] = lines[ln][:col] + new + lines[ln][col + 3:]
        fut = None if pull else c.wait_for(published(version))
        t1 = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [change]})
        if pull:
            t2, _ = await c.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        else:
            t2, _ = await fut
        lat.append((t2 - t1) * 1000)
        await asyncio.sleep(0.15)
    rss_end = rss(proc.pid)
    await c.request("shutdown", None)
    c.notify("exit", None)
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except asyncio.TimeoutError:
        proc.kill()
    return {"lines": n_lines, "mb": round(len(text.encode()) / 1e6, 1), "mode": "pull" if pull else "push",
            "background_rules": background, "open_s": round(open_s, 2), "open_all_cheap_s": all_s, "open_diagnostics": n_diags,
            "background_s": bg_s,
            "edit_p50_ms": round(statistics.median(lat), 1), "edit_p95_ms": round(pct(lat, 0.95), 1),
            "edit_max_ms": round(max(lat), 1), "rss_mb": round(max(rss_open[0], rss_end[0])),
            "peak_rss_mb": round(rss_end[1])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, nargs="+", default=[50_000, 1_000])
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--pull", action="store_true", help="pull diagnostics (VS Code / Neovim style) instead of push")
    ap.add_argument("--background-timeout", type=float, default=180,
                    help="seconds to wait for the background pass before the edits start (they supersede it)")
    ap.add_argument("--no-background", action="store_true",
                    help="editor setting slowRules = false: only the cheap rules run (the edit latency goal)")
    ap.add_argument("--server-log", help="server log file (INFO: parse, settings and slice timings)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.lines:
            print(json.dumps(asyncio.run(run(n, args.edits, args.pull, Path(tmp), args.background_timeout,
                                        not args.no_background, args.server_log))), flush=True)


if __name__ == "__main__":
    main()
