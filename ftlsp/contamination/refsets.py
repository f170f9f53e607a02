"""Reference sets: the texts training data must not contain.

Two kinds of source become the same list of :class:`Item`:

- project eval files (``--eval``, ``eval = [...]``): fine-tuning records, read
  with the document model; what is compared comes from :mod:`ftlsp.fields`;
- external benchmarks (``benchmarks = [{path, fields, name}]``): JSONL, JSON
  arrays, CSV/TSV, ``.gz`` of those. ``fields`` says which keys or columns are
  the question and the answer; without it common names are detected
  (question, prompt, input, instruction, text, ... / answer, output, ...).

Loaded sets are shared across the files of one run (``ctx.service``) and cached
on disk by content hash, so the editor indexes a large benchmark once.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import pickle
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ftlsp import fields as F
from ftlsp.contamination import text as T

CACHE_VERSION = 1

PROMPT_KEYS = ("question", "prompt", "input", "instruction", "query", "problem", "text", "sentence",
               "context", "turns", "goal", "content")
ANSWER_KEYS = ("answer", "best answer", "output", "response", "completion", "canonical_solution",
               "solution", "target", "targets", "label", "chosen")


@dataclass(slots=True)
class Item:
    """One comparable record: where it is, its input (prompt) and output (response)."""

    path: str
    line: int  # 0-based first line
    index: int  # record/row index
    prompt: str
    response: str = ""
    record_key: bytes | None = None  # digest of the canonical record (eval files only)
    pointer: str = ""  # pointer of the prompt text inside the record ("" = whole record)
    response_pointer: str = ""

    def label(self) -> str:
        return f"{os.path.basename(self.path)}:{self.line + 1}"


@dataclass
class Corpus:
    """Items of one or more sources, with lazily computed keys and token hashes."""

    name: str
    items: list[Item]
    _norm_prompt: list[str] | None = field(default=None, repr=False)
    _norm_response: list[str] | None = field(default=None, repr=False)
    _tokens: "T.Tokens | None" = field(default=None, repr=False)

    def norm_prompts(self) -> list[str]:
        if self._norm_prompt is None:
            self._norm_prompt = [T.normalise(it.prompt) for it in self.items]
        return self._norm_prompt

    def norm_responses(self) -> list[str]:
        if self._norm_response is None:
            self._norm_response = [T.normalise(it.response) for it in self.items]
        return self._norm_response

    def tokens(self) -> "T.Tokens":
        """Token hashes of the prompts (the side n-gram and semantic overlap compare)."""
        if self._tokens is None:
            self._tokens = T.Tokens.build(self.norm_prompts(), normalised=True)
        return self._tokens

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def join(cls, name: str, parts: Iterable["Corpus"]) -> "Corpus":
        parts = list(parts)
        if len(parts) == 1:
            return parts[0]
        return cls(name, [it for p in parts for it in p.items])


# -- records of fine-tuning files ----------------------------------------------------------

def canonical_key(data: Any) -> bytes:
    """Digest of a record independent of key order and spacing."""
    try:
        import orjson

        raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except Exception:
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(raw, digest_size=12).digest()


def item_from_record(data: Any, dialect: str | None, path: str, line: int, index: int) -> Item | None:
    """The item of a fine-tuning record: user turns as the prompt, the trained output as the response."""
    if not isinstance(data, dict):
        return None
    turns = F.turns(data, dialect)  # once: side() would walk the record again for every call
    users = [t for t in turns if t.role == "user"]
    pointer = ""
    if users:
        prompt = "\n".join(t.text for t in users)
        pointer = users[0].pointer if len(users) == 1 else ""
    else:  # no user turn (plain text, unknown shape): the prompt side, or the whole record
        last = F._last_response_start(turns)
        prompt = "\n".join(t.text for t in (turns[:last] if last is not None else turns)) or \
            "\n".join(t.text for t in turns)
        if not prompt:
            prompt, pointer = _fallback_text(data)
    last = F._last_response_start(turns)
    tail = turns[last:] if last is not None else []
    trained = [t for t in tail if t.trained] or tail
    response = "\n".join(t.text for t in trained)
    rptr = trained[0].pointer if len(trained) == 1 else ""
    return Item(path, line, index, prompt, response, canonical_key(data), pointer, rptr)


def _fallback_text(data: dict) -> tuple[str, str]:
    """(text, pointer) of a record with an unknown shape: a benchmark-style key, else all strings."""
    lower = {k.lower(): k for k in data if isinstance(k, str)}
    for k in PROMPT_KEYS:
        if k in lower and isinstance(data[lower[k]], str) and data[lower[k]].strip():
            key = lower[k]
            return data[key], "/" + key.replace("~", "~0").replace("/", "~1")
    return "\n".join(v for v in data.values() if isinstance(v, str)), ""


def load_dataset_file(path: str, dialect: str | None = None) -> Corpus:
    """A fine-tuning file (JSONL or JSON array) as items."""
    from ftlsp import dialects
    from ftlsp.engine import read_document

    doc = read_document(path)
    d = dialect or dialects.detect_file(doc)
    items = []
    for rec in doc.records:
        if rec.ok:
            it = item_from_record(rec.data, d, path, rec.line, rec.index)
            if it is not None:
                items.append(it)
    return Corpus(os.path.basename(path), items)


# -- benchmarks ----------------------------------------------------------------------------

def _get(obj: Any, key: str) -> Any:
    """A value by key (case-insensitive), dotted path or JSON pointer."""
    if not isinstance(obj, dict):
        return None
    if key in obj:
        return obj[key]
    if key.startswith("/"):
        cur: Any = obj
        for part in key[1:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(cur, dict):
                cur = cur.get(part)
            elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return None
        return cur
    low = key.lower()
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == low:
            return v
    if "." in key:
        cur = obj
        for part in key.split("."):
            cur = _get(cur, part)
            if cur is None:
                return None
        return cur
    return None


def _as_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "\n".join(_as_text(x) for x in v if x is not None and _as_text(x))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, dict):
        for k in ("text", "content", "value"):
            if isinstance(v.get(k), str):
                return v[k]
    return ""


def _pick(row: dict, keys: Iterable[str]) -> str:
    lower = {k.lower(): k for k in row if isinstance(k, str)}
    if "instruction" in lower and "input" in lower and "instruction" in keys:  # alpaca-style
        a, b = _as_text(row[lower["instruction"]]), _as_text(row[lower["input"]])
        return f"{a}\n{b}" if b else a
    for k in keys:
        if k in lower:
            t = _as_text(row[lower[k]])
            if t:
                return t
    return ""


def _spec_keys(spec: Any) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        return [spec]
    return [str(s) for s in spec]


def benchmark_item(row: Any, fields: dict, path: str, line: int, index: int) -> Item | None:
    """One benchmark row as an item; fine-tuning records (messages etc.) are read as such."""
    if not isinstance(row, dict):
        if isinstance(row, str) and row.strip():
            return Item(path, line, index, row)
        return None
    qkeys = _spec_keys(fields.get("question") or fields.get("prompt") or fields.get("input"))
    akeys = _spec_keys(fields.get("answer") or fields.get("output") or fields.get("response"))
    if qkeys:
        prompt = "\n".join(t for t in (_as_text(_get(row, k)) for k in qkeys) if t)
    else:
        from ftlsp import dialects

        d = dialects.detect_record(row)
        if d is not None and any(k in row for k in ("messages", "contents", "conversations")):
            it = item_from_record(row, d, path, line, index)
            if it is not None and it.prompt:
                it.record_key = None
                return it
        prompt = _pick(row, PROMPT_KEYS)
    response = "\n".join(t for t in (_as_text(_get(row, k)) for k in akeys) if t) if akeys else \
        _pick(row, ANSWER_KEYS)
    if not prompt.strip():
        return None
    return Item(path, line, index, prompt, response)


def _open_text(path: str) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def _base_ext(path: str) -> str:
    p = path[:-3] if path.endswith(".gz") else path
    return os.path.splitext(p)[1].lower()


def iter_benchmark(path: str, fields: dict) -> Iterator[Item]:
    """Stream the items of a benchmark file."""
    ext = _base_ext(path)
    if ext in (".csv", ".tsv"):
        yield from _iter_csv(path, fields, "\t" if ext == ".tsv" else None)
        return
    with _open_text(path) as fh:
        head = fh.read(4096)
        fh.seek(0)
        if head.lstrip().startswith("[") or ext == ".json" and not _looks_jsonl(head):
            yield from _iter_json_array(path, fh.read(), fields)
            return
        for i, ln in enumerate(fh):
            s = ln.strip()
            if not s:
                continue
            try:
                row = json.loads(s)
            except ValueError:
                continue
            it = benchmark_item(row, fields, path, i, i)
            if it is not None:
                yield it


def _looks_jsonl(head: str) -> bool:
    first = head.lstrip().split("\n", 1)[0].strip()
    return first.startswith("{") and first.endswith("}")


def _iter_json_array(path: str, text: str, fields: dict) -> Iterator[Item]:
    from ftlsp.document import Document

    doc = Document.from_text(path, text, kind="json")
    for rec in doc.records:
        if rec.ok:
            it = benchmark_item(rec.data, fields, path, rec.line, rec.index)
            if it is not None:
                yield it
    if not doc.records:  # a JSON object holding a list somewhere: take the first list of objects
        try:
            obj = json.loads(text)
        except ValueError:
            return
        rows = next((v for v in obj.values() if isinstance(v, list)), []) if isinstance(obj, dict) else []
        for i, row in enumerate(rows):
            it = benchmark_item(row, fields, path, 0, i)
            if it is not None:
                yield it


def _iter_csv(path: str, fields: dict, delimiter: str | None) -> Iterator[Item]:
    with _open_text(path) as fh:
        sample = fh.read(8192)
        fh.seek(0)
        if delimiter is None:
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
        header_given = fields.get("header", True)
        reader = csv.reader(fh, delimiter=delimiter)
        header: list[str] | None = None
        prev = 0
        idx = 0
        for row in reader:
            line = prev
            prev = reader.line_num
            if header is None and header_given is not False:
                header = [h.strip() for h in row]
                continue
            if not any(c.strip() for c in row):
                continue
            names = header or [str(i) for i in range(len(row))]
            rec = {names[i] if i < len(names) else str(i): v for i, v in enumerate(row)}
            it = benchmark_item(rec, fields, path, line, idx)
            idx += 1
            if it is not None:
                yield it


# -- caching -------------------------------------------------------------------------------

def _file_digest(path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _disk_cache_path(config: Any, key: str) -> str | None:
    try:
        from ftlsp.embeddings import cache_dir

        return os.path.join(str(cache_dir(config)), "contamination", f"{key}.pkl")
    except Exception:  # pragma: no cover
        return None


def _load_cached(fn: str | None) -> Corpus | None:
    if not fn or not os.path.exists(fn):
        return None
    try:
        with open(fn, "rb") as fh:
            name, rows, tok = pickle.load(fh)
        items = [Item(*r) for r in rows]
        c = Corpus(name, items)
        if tok is not None:
            c._tokens = T.Tokens(*tok)
        return c
    except Exception:  # a stale or broken cache is rebuilt
        return None


def _store(fn: str | None, corpus: Corpus) -> None:
    if not fn:
        return
    try:
        os.makedirs(os.path.dirname(fn), exist_ok=True)
        rows = [(it.path, it.line, it.index, it.prompt, it.response, it.record_key, it.pointer,
                 it.response_pointer) for it in corpus.items]
        tok = corpus.tokens()
        tmp = f"{fn}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump((corpus.name, rows, (tok.hashes, tok.starts, tok.ends)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, fn)
    except OSError:
        pass


def _stat_key(path: str) -> tuple:
    st = os.stat(path)
    return (os.path.abspath(path), st.st_mtime_ns, st.st_size)


def load_source(path: str, *, fields: dict | None = None, benchmark: bool, config: Any = None,
                memo: dict | None = None, name: str | None = None) -> Corpus:
    """A reference source as a Corpus: from memory (same file unchanged), disk cache, or parsed."""
    spec = json.dumps(fields or {}, sort_keys=True, default=str)
    dialect = getattr(config, "dialect", None)
    mkey = (_stat_key(path), spec, benchmark, dialect)
    if memo is not None and mkey in memo:
        return memo[mkey]
    # the file path is part of the key: items carry it (locations point at this file)
    key = hashlib.blake2b(f"{CACHE_VERSION}|{_file_digest(path)}|{spec}|{benchmark}|{dialect}|"
                          f"{os.path.abspath(path)}".encode(), digest_size=16).hexdigest()
    fn = _disk_cache_path(config, key) if config is not None else None
    corpus = _load_cached(fn)
    if corpus is None:
        if benchmark:
            corpus = Corpus(name or os.path.basename(path), list(iter_benchmark(path, fields or {})))
        else:
            corpus = load_dataset_file(path, dialect)
        _store(fn, corpus)
    if name:
        corpus.name = name
    if memo is not None:
        memo[mkey] = corpus
    return corpus


def benchmark_specs(config: Any) -> list[dict]:
    out = []
    for b in getattr(config, "benchmarks", ()) or ():
        spec = {"path": b} if isinstance(b, str) else dict(b)
        if not spec.get("path"):
            continue
        spec["path"] = config.resolve(os.path.expanduser(str(spec["path"])))
        out.append(spec)
    return out


def benchmark_fields(spec: dict) -> dict:
    f = dict(spec.get("fields") or {})
    for k in ("question", "answer", "prompt", "input", "output", "response", "header"):
        if k in spec and k not in f:
            f[k] = spec[k]
    return f
