-- ftlsp for fine-tuning data in Neovim 0.10+ (pull diagnostics, code actions, inlay hints).
-- Load it from init.lua (`dofile("/path/to/ftlsp.lua")`) or copy it to ~/.config/nvim/plugin/ftlsp.lua.
vim.filetype.add({ extension = { jsonl = "jsonl" } })

-- `ftlsp` is installed with `pip install ftlsp`; FTLSP_CMD (a JSON list) overrides it, e.g. for a venv.
local cmd = { "ftlsp" }
if os.getenv("FTLSP_CMD") then
  cmd = vim.json.decode(os.getenv("FTLSP_CMD"))
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = "jsonl",
  callback = function(args)
    vim.lsp.start({
      name = "ftlsp",
      cmd = cmd,
      -- one server per project; the config file is still found per data file
      root_dir = vim.fs.root(args.buf, { "ftlint.toml", "pyproject.toml", ".git" }) or vim.fn.getcwd(),
      -- answers workspace/configuration (section "ftlint"); any [tool.ftlint] key works here too
      settings = { ftlint = { inlayHints = true, codeLens = true } },
    }, { bufnr = args.buf })
    if vim.lsp.inlay_hint then
      pcall(vim.lsp.inlay_hint.enable, true, { bufnr = args.buf })
    end
  end,
})
