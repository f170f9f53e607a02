"""Tokens per example, the way OpenAI counts chat examples.

OpenAI chat formula (openai-chat, mistral, trl-messages, bedrock-claude records
with a ``messages`` list), as in the OpenAI cookbook's data-prep notebook:

- every message costs 3 tokens, plus the tokens of every value in it (the role
  string included), plus 1 more when it has a ``name``; ``weight`` is training
  metadata and not counted;
- 3 tokens of reply priming per example;
- values that are not strings are counted as their compact JSON text
  (``tool_calls``, ``function_call``); ``null`` counts 0; a ``content`` list
  counts the text of its parts (images and audio are not counted);
- tool and function definitions (top-level ``tools`` / ``functions``) are
  counted as the tokens of their compact JSON text. OpenAI renders them into
  the prompt in its own undocumented format, so this part is an approximation;
  it is reported as its own part ("/tools") so it can be told apart;
- a top-level ``system`` string (Bedrock Claude) counts as a system message.

Trained tokens: the values (not role or name) of assistant messages whose
``weight`` is not 0 - what the trainer learns from.

Other dialects go through ``ftlsp.fields.turns``: each message-like turn
(Gemini contents, ShareGPT conversations, TRL message lists) costs 3 + its role
+ its text, plus 3 priming per example; plain fields (prompt/completion,
Alpaca, text) count their text only, because the trainer's template is unknown.

Counts are exact for the encoding (tiktoken ``encode_ordinary``: special-token
text counts as ordinary text). For models without a runnable tokenizer the
count is scaled by the model table's factor and marked estimated.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from ftlsp import dialects as D
from ftlsp.fields import ROLE_ALIASES, turns
from ftlsp.tokens.encodings import get_encoding
from ftlsp.tokens.models import ModelInfo, model_info

if TYPE_CHECKING:  # pragma: no cover
    from ftlsp.context import Context
    from ftlsp.rule import Example

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
CHAT_DIALECTS = frozenset({D.OPENAI_CHAT, D.MISTRAL, D.TRL_MESSAGES, D.BEDROCK_CLAUDE, None})
# Files with at least this many records are counted by a pool of processes when cores allow.
PARALLEL_MIN_RECORDS = 20_000
_MEMO_MAX_LEN = 24  # short strings (roles, labels, names) are memoised instead of re-encoded
_MEMO_MAX_ITEMS = 200_000
_CACHE_MAX_ITEMS = 1_000_000
# Roles OpenAI-style chat accepts (others, e.g. Gemini's "model", are not trained on there: "other").
_OPENAI_ROLES = {r: ROLE_ALIASES[r] for r in ("system", "developer", "user", "assistant", "tool", "function")}
_POINTERS = [f"/messages/{i}" for i in range(256)]


class Part(NamedTuple):
    """One message (or field) of an example with its tokens."""

    pointer: str  # "/messages/3", "/tools", "/prompt"
    role: str  # system | user | assistant | tool | other | tools
    tokens: int
    trained: int  # of which the trainer learns from
    end: int  # running total through this part (the place in the context window where it ends)

    @property
    def start(self) -> int:
        return self.end - self.tokens


class ExampleTokens(NamedTuple):
    """Tokens of one example.

    A plain tuple, cheap to build by the million, to cache and to send between
    processes: the parts are kept as ``shape`` (pointer, role, pointer, role, ...;
    shared between examples of the same structure) and ``counts`` (tokens, trained,
    tokens, trained, ...) and turned into ``Part`` objects only when asked for.
    """

    total: int
    trained: int
    shape: tuple = ()
    counts: tuple = ()
    priming: int = 0
    estimated: bool = False
    encoding: str = ""

    @property
    def parts(self) -> tuple[Part, ...]:
        out = []
        end = 0
        sh, cn = self.shape, self.counts
        for j in range(0, len(sh), 2):
            end += cn[j]
            out.append(Part(sh[j], sh[j + 1], cn[j], cn[j + 1], end))
        return tuple(out)

    @property
    def by_role(self) -> dict[str, int]:
        """Tokens per role; the values add up to ``total`` (priming under "priming")."""
        out: dict[str, int] = {}
        sh, cn = self.shape, self.counts
        for j in range(0, len(sh), 2):
            out[sh[j + 1]] = out.get(sh[j + 1], 0) + cn[j]
        if self.priming:
            out["priming"] = self.priming
        return out

    def scaled(self, info: ModelInfo) -> "ExampleTokens":
        """The same counts in an estimated model's tokens (rounded up); exact models unchanged."""
        if info.factor == 1.0 and not info.estimated:
            return self
        s = info.scale
        counts: list[int] = []
        prev = end = 0
        cn = self.counts
        for j in range(0, len(cn), 2):
            end += cn[j]
            e = s(end)
            counts += (e - prev, min(s(cn[j + 1]), e - prev))
            prev = e
        total = s(self.total)
        trained = min(s(self.trained), sum(counts[1::2])) if counts else min(s(self.trained), total)
        return ExampleTokens(total, trained, self.shape, tuple(counts), total - prev, True, self.encoding)


def compact_json(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


class Counter:
    """Counts tokens of one encoding, with a cache of examples keyed by content hash."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.enc = get_encoding(encoding)
        # The Rust core directly: same result as Encoding.encode_ordinary without its Python frame.
        core = getattr(self.enc, "_core_bpe", None)
        self._encode: Callable[[str], list] = getattr(core, "encode_ordinary", None) or self.enc.encode_ordinary
        self._memo: dict[str, int] = {}
        self._shapes: dict[tuple, tuple] = {}  # interned shapes: examples of one structure share one tuple
        self.cache: dict[tuple, ExampleTokens] = {}
        self._prefilled: int | None = None  # id() of the last document counted in one go

    # -- strings ------------------------------------------------------------------------

    def count(self, text: str) -> int:
        if len(text) > _MEMO_MAX_LEN:
            try:
                return len(self._encode(text))
            except UnicodeEncodeError:
                return self._count(text)
        n = self._memo.get(text)
        if n is None:
            n = self._count(text)
            if len(self._memo) >= _MEMO_MAX_ITEMS:
                self._memo.clear()
            self._memo[text] = n
        return n

    def _count(self, text: str) -> int:
        try:
            return len(self._encode(text))
        except UnicodeEncodeError:  # lone surrogates from JSON \ud800 escapes: as tiktoken does
            return len(self._encode(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")))

    def _value(self, key: str, v: Any) -> int:
        if type(v) is str:
            return self.count(v)
        if v is None:
            return 0
        if key == "content" and isinstance(v, list):
            n = 0
            for part in v:
                if isinstance(part, str):
                    n += self.count(part)
                elif isinstance(part, dict) and isinstance(part.get("text"), str):
                    n += self.count(part["text"])
            return n
        try:
            return self.count(compact_json(v))
        except (TypeError, ValueError):  # pragma: no cover - data from JSON always serialises
            return 0

    # -- examples -----------------------------------------------------------------------

    def example(self, data: Any, dialect: str | None, key: str | None = None) -> ExampleTokens:
        """Raw (encoding) counts of one record; cached by ``key`` (a content hash) when given."""
        if key is None:
            return self._example(data, dialect)
        ck = (key, dialect)
        hit = self.cache.get(ck)
        if hit is None:
            hit = self._example(data, dialect)
            if len(self.cache) >= _CACHE_MAX_ITEMS:
                self.cache.clear()
            self.cache[ck] = hit
        return hit

    def _example(self, data: Any, dialect: str | None) -> ExampleTokens:
        if not isinstance(data, dict):
            return ExampleTokens(0, 0, (), (), 0, False, self.encoding)
        if dialect in CHAT_DIALECTS and isinstance(data.get("messages"), list):
            return self._chat(data)
        return self._generic(data, dialect)

    def _chat(self, data: dict) -> ExampleTokens:
        shape: list = []
        counts: list[int] = []
        total = trained_total = 0
        value = self._value
        count = self.count
        for key in ("tools", "functions"):
            v = data.get(key)
            if v:
                n = value(key, v)
                total += n
                shape += ("/" + key, "tools")
                counts += (n, 0)
        system = data.get("system")
        if isinstance(system, str):
            n = TOKENS_PER_MESSAGE + count("system") + count(system)
            total += n
            shape += ("/system", "system")
            counts += (n, 0)
        ptrs = _POINTERS
        roles = _OPENAI_ROLES
        memo = self._memo
        encode = self._encode
        for i, m in enumerate(data["messages"]):
            if type(m) is not dict:
                continue
            role = m.get("role")
            content = m.get("content")
            if len(m) == 2 and type(content) is str and type(role) is str:
                # The common message, {"role": ..., "content": "..."}, without the generic walk.
                if len(content) > _MEMO_MAX_LEN:
                    try:
                        c = len(encode(content))
                    except UnicodeEncodeError:
                        c = self._count(content)
                else:
                    c = count(content)
                r = memo.get(role)
                n = TOKENS_PER_MESSAGE + (r if r is not None else count(role)) + c
                tr = c if role == "assistant" else 0
            else:
                train = role == "assistant" and m.get("weight", 1) != 0
                n = TOKENS_PER_MESSAGE
                tr = 0
                for k, v in m.items():
                    if k == "weight":
                        continue
                    c = value(k, v)
                    n += c
                    if k == "name":
                        n += TOKENS_PER_NAME
                    elif train and k != "role":
                        tr += c
            total += n
            trained_total += tr
            shape += (ptrs[i] if i < 256 else f"/messages/{i}",
                      roles.get(role, "other") if type(role) is str else "other")
            counts += (n, tr)
        total += REPLY_PRIMING
        t = tuple(shape)
        return ExampleTokens(total, trained_total, self._shapes.setdefault(t, t), tuple(counts), REPLY_PRIMING,
                             False, self.encoding)

    def _generic(self, data: dict, dialect: str | None) -> ExampleTokens:
        shape: list = []
        counts: list[int] = []
        total = trained_total = 0
        ts = turns(data, dialect)
        messages = any(t.index >= 0 for t in ts)
        cur_key = None
        for t in ts:
            n = self.count(t.text)
            tr = n if t.trained else 0
            # A system instruction beside a conversation is one more message (Gemini, Bedrock).
            is_msg = t.index >= 0 or (messages and t.role == "system")
            if t.index >= 0:
                key = _message_pointer(t.pointer)
            else:
                key = "/" + t.pointer.split("/")[1] if is_msg else t.pointer
            if is_msg and key != cur_key:
                n += TOKENS_PER_MESSAGE + self.count(t.role)
            total += n
            trained_total += tr
            if key == cur_key and counts:  # another text of the same message (parts, tool calls)
                counts[-2] += n
                counts[-1] += tr
            else:
                shape += (key, t.role)
                counts += (n, tr)
            cur_key = key
        priming = REPLY_PRIMING if messages else 0
        total += priming
        sh = tuple(shape)
        return ExampleTokens(total, trained_total, self._shapes.setdefault(sh, sh), tuple(counts), priming, False,
                             self.encoding)

    # -- whole files --------------------------------------------------------------------

    def count_records(self, records: list, dialect: str | None, jobs: int | None = None) -> list[ExampleTokens | None]:
        """Counts of many records (None for records that did not parse), filling the cache.

        Large inputs are shared with forked worker processes: they inherit the parsed
        records and the loaded tokenizer, so only index ranges go out and flat integer
        arrays come back, while this process counts its own share meanwhile.
        """
        cache = self.cache
        if len(cache) + len(records) > _CACHE_MAX_ITEMS:
            cache.clear()
        out: list[ExampleTokens | None] = [None] * len(records)
        todo = []
        for i, r in enumerate(records):
            if r.error is None:
                et = cache.get((r.content_hash, dialect))
                if et is None:
                    todo.append(i)
                else:
                    out[i] = et
        jobs = default_jobs(len(todo)) if jobs is None else jobs
        if jobs > 1 and len(todo) >= 2 * jobs:
            counted: Iterable[tuple[int, ExampleTokens]] = _parallel(self, records, todo, dialect, jobs)
        else:
            ex = self._example
            counted = ((i, ex(records[i].data, dialect)) for i in todo)
        for i, et in counted:  # filled from local results: safe if another thread clears the cache meanwhile
            out[i] = cache[(records[i].content_hash, dialect)] = et
        return out


def _message_pointer(pointer: str) -> str:
    """"/contents/2/parts/0/text" -> "/contents/2": the pointer up to the message index."""
    segs = pointer.split("/")
    for j in range(1, len(segs)):
        if segs[j].isdigit():
            return "/".join(segs[: j + 1])
    return pointer


# -- parallel counting -----------------------------------------------------------------------

_FORK_STATE: tuple | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def default_jobs(n_records: int) -> int:
    """Worker processes for ``n_records``: 1 (in-process) unless the file is large and cores allow.

    ``FTLSP_TOKEN_JOBS`` overrides (1 disables the pool).
    """
    env = os.environ.get("FTLSP_TOKEN_JOBS")
    if env and env.strip().isdigit():
        return max(1, int(env))
    if n_records < PARALLEL_MIN_RECORDS:
        return 1
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods() or mp.current_process().daemon:
        return 1
    return min(available_cores(), 8)


def _work(span: tuple[int, int]) -> tuple[list[tuple], bytes]:
    """In a forked worker: count records todo[a:b]; return shapes and one flat int64 array."""
    from array import array

    counter, records, todo, dialect = _FORK_STATE  # type: ignore[misc]
    ex = counter._example
    shapes: dict[tuple, int] = {}
    flat = array("q")
    for i in todo[span[0]:span[1]]:
        et = ex(records[i].data, dialect)
        k = shapes.setdefault(et.shape, len(shapes))
        flat.extend((k, et.total, et.trained, et.priming, len(et.counts)))
        flat.extend(et.counts)
    return list(shapes), flat.tobytes()


def _unpack(shapes: list[tuple], raw: bytes, counter: Counter) -> list[ExampleTokens]:
    from array import array

    flat = array("q")
    flat.frombytes(raw)
    interned = [counter._shapes.setdefault(s, s) for s in shapes]
    enc = counter.encoding
    out = []
    j, n = 0, len(flat)
    while j < n:
        k, total, trained, priming, m = flat[j:j + 5]
        out.append(ExampleTokens(total, trained, interned[k], tuple(flat[j + 5:j + 5 + m]), priming, False, enc))
        j += 5 + m
    return out


def _parallel(counter: Counter, records: list, todo: list[int], dialect: str | None, jobs: int):
    """(index, counts) for every record of ``todo``, counted by ``jobs`` processes (this one included)."""
    import multiprocessing as mp

    global _FORK_STATE
    n = len(todo)
    # This process also unpacks the workers' results, so it takes a slightly smaller share.
    own = int(n / jobs * 0.9)
    rest = n - own
    chunks = (jobs - 1) * 3
    bounds = [(own + rest * k // chunks, own + rest * (k + 1) // chunks) for k in range(chunks)]
    _FORK_STATE = (counter, records, todo, dialect)
    # Frozen objects are never scanned by the garbage collector, so the workers do not write to
    # (and copy) every inherited page of the parsed records.
    gc.freeze()
    try:
        with mp.get_context("fork").Pool(jobs - 1, initializer=gc.disable) as pool:
            pending = pool.map_async(_work, bounds, chunksize=1)
            ex = counter._example
            for i in todo[:own]:
                yield i, ex(records[i].data, dialect)
            results = pending.get()
    finally:
        _FORK_STATE = None
        gc.unfreeze()
    pos = own
    for shapes, raw in results:
        for et in _unpack(shapes, raw, counter):
            yield todo[pos], et
            pos += 1


# -- the API rules, the server and the CLI use -------------------------------------------------

_counters: dict[str, Counter] = {}


def counter(encoding: str) -> Counter:
    """The process-wide counter of an encoding (its cache is shared by every caller)."""
    c = _counters.get(encoding)
    if c is None:
        c = _counters[encoding] = Counter(encoding)
    return c


def content_key(data: Any) -> str:
    return hashlib.blake2b(compact_json(data).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def example_tokens(data: Any, dialect: str | None, model: str, key: str | None = None) -> ExampleTokens:
    """Tokens of one record for ``model``; cached by content hash (``key``, or one computed from ``data``)."""
    info = model_info(model)
    raw = counter(info.encoding).example(data, dialect, key if key is not None else content_key(data))
    return raw.scaled(info)


def counter_for(ctx: "Context") -> tuple[Counter, ModelInfo]:
    """The counter for the context's model (shared through ``ctx.services``) and the model's info."""
    st = ctx.services.get("tokens.for")
    if st is None or st[0] is not ctx.config:
        info = model_info(ctx.config.model)
        c = ctx.service("tokens.counter." + info.encoding, lambda: counter(info.encoding))
        st = ctx.services["tokens.for"] = (ctx.config, c, info)
    return st[1], st[2]


def tokens_for(ex: "Example", ctx: "Context") -> ExampleTokens:
    """Tokens of a record as rules see it (counted once per content, shared by every rule)."""
    c, info = counter_for(ctx)
    doc = ctx.document
    if doc is not None and c._prefilled != id(doc) and ctx.progress is None \
            and len(doc.records) >= PARALLEL_MIN_RECORDS:
        c._prefilled = id(doc)  # first record of a big file: count the whole file at once, in parallel
        c.count_records(doc.records, ctx.dialect)
    rec = ex.record
    et = c.cache.get((rec.content_hash, ctx.dialect))
    if et is None:
        et = c.example(rec.data, ctx.dialect, rec.content_hash)
    return et if info.factor == 1.0 and not info.estimated else et.scaled(info)
