"""The embedding backend: cache, availability, neighbour search, offline loading of the default model."""

import importlib.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ftlsp import embeddings as E
from ftlsp.config import Config
from ftlsp.context import Context


def fake_encoder(calls):
    """Deterministic 16-d vectors from the text's hash; records how many texts it was asked for."""

    def enc(texts):
        calls.append(len(texts))
        out = []
        for t in texts:
            rng = np.random.default_rng(int.from_bytes(E.text_key(t)[:8], "little"))
            out.append(rng.normal(size=16))
        return np.array(out)

    return enc


def brute(a, b, threshold, k):
    sims = a @ (a if b is None else b).T
    res = set()
    for i in range(len(a)):
        row = [(s, j) for j, s in enumerate(sims[i]) if s >= threshold and (b is not None or j < i)]
        row.sort(reverse=True)
        res.update((i, j) for s, j in row[:k])
    return res


@pytest.mark.parametrize("n,m,block,k,threshold", [
    (50, None, 7, 3, 0.2), (50, None, 1024, 50, -1.0), (40, 33, 8, 2, 0.1), (1, None, 4, 5, 0.0), (64, 64, 16, 1, 0.3)])
def test_neighbours_match_brute_force(n, m, block, k, threshold):
    rng = np.random.default_rng(n)
    a = E.normalise(rng.normal(size=(n, 8)))
    b = None if m is None else E.normalise(rng.normal(size=(m, 8)))
    i, j, s = E.neighbours(a, b, threshold=threshold, k=k, block=block)
    assert set(zip(i.tolist(), j.tolist())) == brute(a, b, threshold, k)
    want = np.einsum("ij,ij->i", a[i], (a if b is None else b)[j])
    assert np.allclose(s, want, atol=1e-5)
    if b is None:
        assert (j < i).all()


def test_neighbours_empty_and_cancel():
    i, j, s = E.neighbours(np.zeros((0, 4), np.float32), threshold=0.5)
    assert len(i) == len(j) == len(s) == 0
    a = E.normalise(np.ones((10, 4)))
    with pytest.raises(E.Cancelled):
        E.neighbours(a, threshold=0.5, block=2, cancelled=lambda f: f > 0.3)


def test_embed_is_normalised_and_cached(tmp_path):
    calls = []
    cfg = Config(cache_dir=str(tmp_path))
    be = E.get_backend(cfg, encoder=fake_encoder(calls))
    v = be.embed(["a", "b", "a", "c"])
    assert v.dtype == np.float32 and v.shape == (4, 16)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v[0], v[2])
    assert sum(calls) == 3  # "a" once
    # a new backend (new process in real life) reads the vectors back from disk
    calls2 = []
    be2 = E.get_backend(cfg, encoder=fake_encoder(calls2))
    v2 = be2.embed(["c", "a", "d"])
    assert sum(calls2) == 1  # only "d"
    assert np.array_equal(v2[0], v[3]) and np.array_equal(v2[1], v[0])
    assert (tmp_path / "embeddings.sqlite3").is_file()
    assert be2.stats == {"cached": 2, "computed": 1}


def test_cache_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("FTLSP_CACHE_DIR", str(tmp_path / "env"))
    assert E.cache_dir(Config()) == tmp_path / "env"
    assert E.cache_dir(Config(cache_dir=str(tmp_path / "cfg"))) == tmp_path / "cfg"
    monkeypatch.delenv("FTLSP_CACHE_DIR")
    assert "ftlsp" in str(E.cache_dir(Config()))


def test_unwritable_cache_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    be = E.get_backend(Config(cache_dir=str(blocker / "sub")), encoder=fake_encoder([]))
    assert be.cache.path is None and be.cache.error
    assert be.embed(["x"]).shape == (1, 16)


def test_cancel_keeps_computed_work(tmp_path):
    calls = []
    be = E.get_backend(Config(cache_dir=str(tmp_path)), encoder=fake_encoder(calls))
    be.batch_size = 2
    texts = [f"t{i}" for i in range(100)]
    with pytest.raises(E.Cancelled):
        be.embed(texts, progress=lambda f: f > 0.5)
    done = sum(calls)
    assert 0 < done < 100
    be.embed(texts)
    assert sum(calls) == 100  # nothing embedded twice


def test_two_processes_share_the_cache(tmp_path):
    script = textwrap.dedent(f"""
        import sys, numpy as np
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_embeddings import fake_encoder
        from ftlsp import embeddings as E
        from ftlsp.config import Config
        be = E.get_backend(Config(cache_dir={str(tmp_path)!r}), encoder=fake_encoder([]))
        be.batch_size = 8
        for r in range(5):
            be.embed([f"text {{(i * 7 + r) % 400}}" for i in range(400)])
        print("ok")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    calls = []
    be = E.get_backend(Config(cache_dir=str(tmp_path)), encoder=fake_encoder(calls))
    be.embed([f"text {i}" for i in range(400)])
    assert calls == []


def test_unavailable_gives_one_notice(monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "sentence_transformers" else real(name, *a))
    cfg = Config(cache_dir=str(tmp_path))
    assert E.get_backend(cfg) is None
    assert "sentence-transformers is not installed" in E.unavailable_reason(cfg)
    ctx = Context(cfg, "x.jsonl")
    assert E.backend_for(ctx) is None and E.backend_for(ctx) is None
    assert len(ctx.notices) == 1
    assert "semantic rules skipped" in ctx.notices[0] and "ftlsp[embeddings]" in ctx.notices[0]


def test_missing_custom_model_is_explained(tmp_path):
    cfg = Config(cache_dir=str(tmp_path), embedding_model=str(tmp_path / "nope"))
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers not installed")
    assert E.get_backend(cfg) is None
    assert "not a local folder" in E.unavailable_reason(cfg)


@pytest.mark.embeddings
@pytest.mark.slow
def test_default_model_loads_offline_with_sockets_blocked(tmp_path):
    if E.unavailable_reason(Config()) is not None:
        pytest.skip(E.unavailable_reason(Config()))
    script = textwrap.dedent(f"""
        import socket
        def refuse(*a, **k):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from ftlsp import embeddings as E
        from ftlsp.config import Config
        be = E.get_backend(Config(cache_dir={str(tmp_path)!r}))
        v = be.embed(["I want to activate the card.", "I would like to activate my card.", "What is the exchange rate?"])
        print(v.shape, round(float(v[0] @ v[1]), 3), round(float(v[0] @ v[2]), 3), be.model_id)
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout.strip()
    assert out.startswith("(3, 384)"), out
    parts = out.split()
    same, other = float(parts[2]), float(parts[3])
    assert same > 0.9 > other
    assert parts[4].startswith("all-MiniLM-L6-v2")
