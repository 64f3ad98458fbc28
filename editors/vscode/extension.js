// A minimal VS Code client for `pylint-perf server`: it starts the server over stdio and lets
// vscode-languageclient do the rest (diagnostics, quick fixes, hovers). Python files and the
// deployment files pylint-perf reads are sent to it.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

async function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration('pylint-perf').get('command');
  client = new LanguageClient(
    'pylint-perf',
    'pylint-perf',
    { command, args, transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } },
    {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'file', language: 'dockerfile' },
        { scheme: 'file', language: 'yaml' },
        { scheme: 'file', pattern: '**/{Procfile,*.conf,*.toml,*.service,*.ini}' },
      ],
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
