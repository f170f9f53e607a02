"""ftlint: exit codes, output formats, selection, config, baseline."""

import json
import os
import subprocess
import sys

import pytest

from ftlsp.cli import main

BAD = '{"prompt": "a", "completion": "b"}\n\n{"prompt": "c",}\n'
CLEAN = '{"prompt": "a", "completion": "b"}\n'


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.jsonl").write_text(BAD)
    (tmp_path / "clean.jsonl").write_text(CLEAN)
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def only(selected):
    return ("--select", selected)


def test_exit_codes(files, capsys):
    assert run(capsys, "clean.jsonl", *only("FT0"))[0] == 0
    code, out, _ = run(capsys, "bad.jsonl", *only("FT0"))
    assert code == 1
    assert "bad.jsonl:2:1: FT003" in out and "bad.jsonl:3:15: FT001" in out
    assert run(capsys, "bad.jsonl", "--exit-zero", *only("FT0"))[0] == 0
    assert run(capsys, "missing.jsonl")[0] == 2


def test_usage_errors_exit_2(files, capsys):
    with pytest.raises(SystemExit) as e:
        main(["bad.jsonl", "--format", "yaml"])
    assert e.value.code == 2
    assert run(capsys)[0] == 2
    assert run(capsys, "bad.jsonl", "--dialect", "klingon")[0] == 2


def test_fail_on_threshold(files, capsys):
    (files / "nonl.jsonl").write_text(CLEAN.rstrip("\n"))  # only an info finding (FT011)
    assert run(capsys, "nonl.jsonl", *only("FT011"))[0] == 0
    assert run(capsys, "nonl.jsonl", *only("FT011"), "--fail-on", "info")[0] == 1


def test_select_ignore_prefixes(files, capsys):
    _, out, _ = run(capsys, "bad.jsonl", "--select", "FT0", "--ignore", "FT003")
    assert "FT001" in out and "FT003" not in out
    _, out, _ = run(capsys, "bad.jsonl", "--select", "FT003,FT001")
    assert "FT003" in out and "FT001" in out
    _, out, _ = run(capsys, "bad.jsonl", "--select", "FT0", "--ignore", "FT0", "--extend-select", "FT001")
    assert "FT001" in out and "FT003" not in out  # FT001 is more specific than the ignored FT0
    # the more specific selection wins over a shorter ignore prefix
    _, out, _ = run(capsys, "bad.jsonl", "--select", "FT001", "--ignore", "FT0")
    assert "FT001" in out


def test_json_contract(files, capsys):
    code, out, _ = run(capsys, "bad.jsonl", "clean.jsonl", "--format", "json", *only("FT0"))
    data = json.loads(out)
    assert code == 1 and data["version"] == 1
    assert {f["path"] for f in data["files"]} == {"bad.jsonl", "clean.jsonl"}
    bad_file = next(f for f in data["files"] if f["path"] == "bad.jsonl")
    assert bad_file["examples"] == 2 and bad_file["dialect"] == "prompt-completion"
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "related"}
    for d in data["diagnostics"]:
        assert keys <= set(d)
        assert d["severity"] in ("error", "warning", "info", "hint") and d["line"] >= 1 and d["column"] >= 1
    d = next(d for d in data["diagnostics"] if d["code"] == "FT001")
    assert (d["line"], d["column"]) == (3, 15)


def test_sarif_and_github(files, capsys):
    _, out, _ = run(capsys, "bad.jsonl", "--format", "sarif", *only("FT0"))
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert "FT001" in ids and all(r["helpUri"].startswith("https://") for r in run_["tool"]["driver"]["rules"])
    res = next(r for r in run_["results"] if r["ruleId"] == "FT001")
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    _, out, _ = run(capsys, "bad.jsonl", "--format", "github", *only("FT0"))
    assert "::error title=ftlint (FT001),file=bad.jsonl,line=3,col=15" in out


def test_statistics(files, capsys):
    _, out, _ = run(capsys, "bad.jsonl", "--statistics", *only("FT0"))
    assert any(line.split("\t")[1:2] == ["FT003"] for line in out.splitlines() if "\t" in line)


def test_directories_and_globs(files, capsys):
    sub = files / "data"
    sub.mkdir()
    (sub / "a.jsonl").write_text(BAD)
    (sub / "notes.txt").write_text("not data")
    code, out, _ = run(capsys, "data", *only("FT0"))
    assert code == 1 and "a.jsonl" in out and "notes.txt" not in out
    code, out, _ = run(capsys, "*.jsonl", "--format", "json", *only("FT0"))
    assert {f["path"] for f in json.loads(out)["files"]} == {"bad.jsonl", "clean.jsonl"}
    assert run(capsys, "zzz*.jsonl")[0] == 2


def test_stdin():
    proc = subprocess.run([sys.executable, "-m", "ftlsp.cli", "-", "--select", "FT0"], input=BAD.encode(),
                          capture_output=True)
    assert proc.returncode == 1 and b"<stdin>:3:15: FT001" in proc.stdout


def test_config_file_and_cli_override(files, capsys):
    (files / "pyproject.toml").write_text('[tool.ftlint]\nselect = ["FT0"]\nignore = ["FT003"]\n'
                                          '[tool.ftlint.per-file-ignores]\n"clean*.jsonl" = ["FT0"]\n')
    _, out, _ = run(capsys, "bad.jsonl")
    assert "FT001" in out and "FT003" not in out
    _, out, _ = run(capsys, "bad.jsonl", "--select", "FT003")
    assert "FT003" not in out  # config ignore still applies: ignore lists add up, as in ruff
    (files / "clean.jsonl").write_text(BAD)
    _, out, _ = run(capsys, "clean.jsonl")
    assert "FT001" not in out  # per-file ignore


def test_unknown_config_key_is_named(files, capsys):
    (files / "ftlint.toml").write_text('selekt = ["FT0"]\n')
    code, _, err = run(capsys, "bad.jsonl")
    assert code == 2 and "selekt" in err


def test_unknown_rule_option_is_named(files, capsys):
    (files / "ftlint.toml").write_text('[rules.FT003]\nthreshold = 3\n')
    code, _, err = run(capsys, "bad.jsonl")
    assert code == 2 and "threshold" in err and "FT003" in err


def test_rule_severity_override(files, capsys):
    (files / "ftlint.toml").write_text('select = ["FT003"]\n[rules.FT003]\nseverity = "warning"\n')
    code, out, _ = run(capsys, "bad.jsonl")
    assert code == 0 and "[warning]" in out


def test_baseline_survives_reordering(files, capsys):
    (files / "b.jsonl").write_text('{"a": NaN}\n{"b": Infinity}\n')
    assert run(capsys, "b.jsonl", *only("FT009"), "--write-baseline", "base.json")[0] == 0
    assert run(capsys, "b.jsonl", *only("FT009"), "--baseline", "base.json")[0] == 0
    (files / "b.jsonl").write_text('{"x": 1}\n{"b": Infinity}\n{"a": NaN}\n')  # moved, same records
    assert run(capsys, "b.jsonl", *only("FT009"), "--baseline", "base.json")[0] == 0
    (files / "b.jsonl").write_text('{"a": NaN, "c": 1}\n')  # edited record: the finding comes back
    code, out, _ = run(capsys, "b.jsonl", *only("FT009"), "--baseline", "base.json")
    assert code == 1 and "FT009" in out


def test_rules_and_rule_docs(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "FT001" in out and "invalid-json" in out
    code, out, _ = run(capsys, "rule", "FT002")
    assert code == 0 and "Bad" in out and "pretty-printed" in out
    assert run(capsys, "rule", "FT999")[0] == 2


def test_linter_never_writes(files, capsys):
    before = {p: p.read_bytes() for p in files.iterdir() if p.is_file()}
    run(capsys, "bad.jsonl", "clean.jsonl", "--format", "json")
    assert {p: p.read_bytes() for p in files.iterdir() if p.is_file()} == before


def test_console_script_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "ftlint")
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "ftlint" in proc.stdout


def test_fix_applies_safe_fixes_only_to_named_files(files, capsys):
    messy = ('{\n  "prompt": "a",\n  "completion": "b"\n}\r\n\n// keep me\n{"prompt": "c", "completion": "d"}')
    (files / "messy.jsonl").write_bytes(b"\xef\xbb\xbf" + messy.encode())
    other = (files / "bad.jsonl").read_bytes()
    code, out, err = run(capsys, "messy.jsonl", "--fix", *only("FT0"))
    fixed = (files / "messy.jsonl").read_text(encoding="utf-8")
    assert fixed == '{"prompt":"a","completion":"b"}\n// keep me\n{"prompt": "c", "completion": "d"}\n'
    assert "FT004" in out and code == 1  # the comment stays: deleting it is an unsafe fix
    assert (files / "bad.jsonl").read_bytes() == other  # not named, not touched
    code, out, err = run(capsys, "messy.jsonl", "--fix", "--unsafe-fixes", *only("FT0"))
    assert code == 0 and "FT004" not in (files / "messy.jsonl").read_text()


def test_fix_never_rewrites_undecodable_files(files, capsys):
    raw = b'{"prompt": "caf\xe9", "completion": "b"}\n\n'
    (files / "latin.jsonl").write_bytes(raw)
    run(capsys, "latin.jsonl", "--fix", *only("FT0"))
    assert (files / "latin.jsonl").read_bytes() == raw


def test_eval_file_alone_checks_configured_training_files(files, capsys):
    rec = '{"prompt": "What is the capital of France?", "completion": "Paris"}'
    (files / "train.jsonl").write_text("".join(f'{{"prompt": "q{i}", "completion": "a{i}"}}\n' for i in range(5)) + rec + "\n")
    (files / "valid.jsonl").write_text(rec + "\n")
    (files / "ftlint.toml").write_text('eval = ["valid.jsonl"]\ntrain = ["train.jsonl"]\n')
    code, out, _ = run(capsys, "valid.jsonl", "--select", "FT501", "--format", "json")
    diags = json.loads(out)["diagnostics"]
    assert [(d["path"], d["line"]) for d in diags] == [("valid.jsonl", 1)]
    assert diags[0]["related"][0]["path"].endswith("train.jsonl") and diags[0]["related"][0]["line"] == 6
