"""Unit tests of the language server's pieces: incremental splice, UTF-16, moving results, config writing."""

from __future__ import annotations

import random

import pytest

from ftlsp.document import Document
from ftlsp.lsp import actions, settings
from ftlsp.lsp.passes import shift_diagnostics
from ftlsp.lsp.textdoc import LiveDocument, cp_to_utf16, utf16_to_cp
from ftlsp.rule import Diagnostic, Edit, Fix, Severity

LINES = ['{"a": 1}\n', "{\n", '"k": [1,\n', "2]}\n", "\n", "// x\n", '{"m": "😀"}\n', "}\n", "[1,\n", '{"b": 2}\r\n']
PIECES = ['{"a": 1}', "{", "}", '"x"', "\n", "\n\n", "[", "]", ",", "// c", "😀", "é", "\r\n", "\r", " ",
          '{"messages": [', '{"b": [1,\n2]}\n', '\\"', '"', "xyz", "", "\ufeff"]


def snapshot(doc: Document):
    return ([(ln.number, ln.start, ln.text, ln.crlf, ln.kind) for ln in doc.lines], doc._line_starts,
            [(r.index, r.line, r.end_line, r.start, r.text, r.data, r.error) for r in doc.records])


@pytest.mark.parametrize("seed", range(40))
def test_splice_equals_a_fresh_parse(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice(LINES) for _ in range(rng.randint(0, 40)))
    live = LiveDocument("file:///x.jsonl", "/x.jsonl", text)
    for _ in range(80):
        n = len(live.doc.lines)
        a, b = rng.randint(0, n + 1), rng.randint(0, 12)
        c, d = a + rng.choice([0, 0, 1, 2, 5]), rng.randint(0, 12)
        live.apply((a, b), (c, d), "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3))))
        if rng.random() < 0.3:
            live.doc.text  # noqa: B018 - materialise now and then: the cached text must be dropped on edit
        fresh = Document.from_text("/x.jsonl", live.editor_text)
        assert snapshot(live.doc) == snapshot(fresh)
        assert live.doc.text == fresh.text and live.doc.length == len(fresh.text)
        assert live.doc.ends_with_newline == fresh.ends_with_newline


def test_splice_reuses_records_after_the_edit():
    text = "".join(f'{{"i": {i}}}\n' for i in range(1000))
    live = LiveDocument("file:///x.jsonl", "/x.jsonl", text)
    old = list(live.doc.records)
    sp = live.apply((500, 6), (500, 9), "12345\n{")  # splits record 500 in two lines
    # re-parsed from the last line before the edit that starts with "{" up to the first unchanged boundary
    assert [r.line for r in sp.removed] == [499, 500] and [r.line for r in sp.added] == [499, 500, 501]
    assert sp.added[1].error is not None and sp.added[2].data == {}
    recs = live.doc.records
    assert recs[-1] is old[-1] and recs[-1].line == 1000 and recs[-1].index == len(recs) - 1
    assert recs[10] is old[10]


@pytest.mark.parametrize("line,units,cp", [
    ("abc", 2, 2), ("abc", 99, 3), ("a😀b", 1, 1), ("a😀b", 2, 1), ("a😀b", 3, 2), ("a😀b", 4, 3),
    ("é😀", 1, 1), ("", 5, 0), ("𝄞x", 2, 1),
])
def test_utf16_to_code_points(line, units, cp):
    assert utf16_to_cp(line, units) == cp


def test_code_points_to_utf16():
    assert [cp_to_utf16("a😀b𝄞", i) for i in range(5)] == [0, 1, 3, 4, 6]


def test_positions_are_clamped():
    live = LiveDocument("file:///x.jsonl", "/x.jsonl", '{"a": "😀"}\r\n{"b": 1}')
    assert live.offset(0, 999) == len('{"a": "😀"}')  # before the \r
    assert live.offset(7, 0) == live.doc.length
    assert live.position(live.doc.length) == (1, 8)
    assert live.offset(0, 8) == live.offset(0, 7)  # inside the surrogate pair: start of the emoji


def _diag(line, fix=None):
    return Diagnostic("FT301", "dup", Severity.WARNING, "m", "/x", line, 0, line, 5, (), fix)


def test_stored_results_move_with_edits():
    live = LiveDocument("file:///x.jsonl", "/x.jsonl", "".join(f'{{"i": {i}}}\n' for i in range(10)))
    start8 = live.doc.lines[8].start
    diags = [_diag(1), _diag(5, Fix("del", (Edit(start8, start8 + 9, ""),))), _diag(8)]
    sp = live.apply((3, 0), (3, 0), '{"new": 1}\n{"new": 2}\n')
    moved = shift_diagnostics(diags, sp)
    assert [d.line for d in moved] == [1, 7, 10]
    e = moved[1].fix.edits[0]
    assert (e.start, e.end) == (start8 + 22, start8 + 31)
    sp = live.apply((10, 2), (10, 3), "9")  # an edit inside the fix's range drops the fix, keeps the finding
    moved = shift_diagnostics(moved, sp)
    assert moved[1].line == 7 and moved[1].fix is None


def test_settings_split():
    over, opts, problems = settings.split_settings(
        {"maxDiagnosticsPerRule": 5, "inlayHints": False, "debounce-ms": 100, "codeLens": "no",
         "config": {"extend-ignore": None, "model": "gpt-4o"}})
    assert over == {"max_diagnostics_per_rule": 5, "model": "gpt-4o"}
    assert opts.inlay_hints is False and opts.debounce_ms == 100 and opts.code_lens is True
    assert problems == ["setting ftlint.codeLens must be bool, got 'no'"]


def test_ignore_appends_to_an_existing_table(tmp_path):
    cfg = tmp_path / "ftlint.toml"
    cfg.write_bytes(b'select = ["FT"]\r\n\r\n[per-file-ignores]\r\n"d.jsonl" = ["FT001"]\r\n"e.jsonl" = ["FT002"]\r\n')
    (tmp_path / "d.jsonl").write_text("{}\n")
    path, created = actions.add_ignore(str(tmp_path / "d.jsonl"), "FT003")
    assert path == str(cfg) and not created
    assert cfg.read_bytes() == (b'select = ["FT"]\r\n\r\n[per-file-ignores]\r\n"d.jsonl" = ["FT001", "FT003"]\r\n'
                                b'"e.jsonl" = ["FT002"]\r\n')  # the user's line endings are kept
    assert actions.add_ignore(str(tmp_path / "d.jsonl"), "FT003") == (str(cfg), False)  # already there


def test_ignore_never_breaks_a_config_it_cannot_edit(tmp_path):
    cfg = tmp_path / "ftlint.toml"
    before = 'per-file-ignores = { "x.jsonl" = ["FT001"] }\n'
    cfg.write_text(before)
    with pytest.raises(actions.IgnoreError):
        actions.add_ignore(str(tmp_path / "d.jsonl"), "FT003")
    assert cfg.read_text() == before
    with pytest.raises(actions.IgnoreError):
        actions.add_ignore(str(tmp_path / "d.jsonl"), "FT003; rm")


@pytest.mark.parametrize("seed", range(20))
def test_background_snapshot_equals_a_fresh_parse(seed):
    from ftlsp.lsp.passes import FileState, rebuild, snapshot_job

    rng = random.Random(seed)
    text = "\ufeff" * (seed % 2) + "".join(rng.choice(LINES) for _ in range(rng.randint(0, 40)))
    live = LiveDocument("file:///x.jsonl", "/x.jsonl", text)
    live.apply((3, 0), (3, 2), "{\n")
    job = snapshot_job(FileState(live), None, None)
    live.apply((0, 0), (0, 0), '{"later": 1}\n')  # the live document moves on; the snapshot does not
    doc = rebuild(job)
    fresh = Document.from_text("/x.jsonl", job.state.live.editor_text.split("\n", 1)[1])
    assert snapshot(doc) == snapshot(fresh) and doc.text == fresh.text and doc.bom == fresh.bom
