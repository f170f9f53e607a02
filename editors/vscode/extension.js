// Minimal client for the ftlsp language server (packaging and end-to-end tests: separate issue).
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("ftlint").get("server.command", ["ftlsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "jsonl" },
      { scheme: "file", pattern: "**/*.jsonl" },
      { scheme: "untitled", language: "jsonl" },
    ],
    // The server reads settings with workspace/configuration (section "ftlint") and watches config files
    // itself; forwarding these events makes changes apply at once.
    synchronize: {
      configurationSection: "ftlint",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{pyproject.toml,ftlint.toml}"),
    },
  };
  client = new LanguageClient("ftlint", "ftlint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
