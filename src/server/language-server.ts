/**
 * `pylint-perf server`: the Language Server Protocol over stdio, on the maintained
 * `vscode-languageserver` packages.
 *
 * Each check runs the whole workspace in this process, with a RunSession that keeps what did not
 * change: the open documents' unsaved text replaces their files, every other file's text and
 * facts come from memory (or the disk cache on the first run), so an edit re-parses one file and
 * re-runs the rules. Checks are debounced after changes and never overlap; when one finishes and
 * more changes came in, the next starts. Every open document gets its diagnostics published after
 * each check — editing `crud.py` can change what `routes.py` shows — and only when they changed.
 * The configuration (`pyproject.toml`, `pylint-perf.json`...) is read at every check, so an edit
 * of it applies at the next one; a broken configuration is one diagnostic on the configuration
 * file, and the server goes on.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeWatchedFilesNotification,
  DiagnosticSeverity,
  FileChangeType,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../core/diagnostics.js';
import { isPythonSource, deploymentFileKind } from '../read/discover.js';
import { PythonParser } from '../read/python/parser.js';
import { CHECK_RULES } from '../rules/index.js';
import type { AnyRule } from '../rules/rule.js';
import { ConfigError } from '../run/config.js';
import { runCheck } from '../run/runner.js';
import { RunSession } from '../run/session.js';
import { TOOL } from '../tool-info.js';
import { codeActions, contains, EXPLAIN_COMMAND, fileUri, findingsFor, lspDiagnostic, noticeDiagnostic, ruleHover, SOURCE } from './lsp-mapping.js';

export interface ServerIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  cwd: string;
}

/** How long after the last change a check starts (ms); `initializationOptions.debounceMs` overrides it. */
const DEBOUNCE_MS = 100;

const RULES: ReadonlyMap<string, AnyRule> = new Map(CHECK_RULES.map((r) => [r.code, r]));

export function startLanguageServer(io: ServerIO): Connection {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(io.input), new StreamMessageWriter(io.output));
  const documents = new TextDocuments(TextDocument);
  const server = new LanguageServer(connection, documents, io.cwd);
  server.listen();
  documents.listen(connection);
  connection.listen();
  return connection;
}

class LanguageServer {
  private root: string;
  private debounceMs = DEBOUNCE_MS;
  private parser?: PythonParser;
  private readonly session = new RunSession();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private shuttingDown = false;
  /** The last check's findings by file, for code actions and hovers. */
  private findings = new Map<string, Diagnostic[]>();
  /** What was last published per document URI (to publish only changes). */
  private readonly published = new Map<string, string>();
  /** The configuration file that had an error at the last check. */
  private brokenConfig?: string;
  private canShowDocument = false;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    cwd: string,
  ) {
    this.root = cwd;
  }

  listen(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      // Files created, deleted or saved outside the editor: the client watches, we re-check.
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).catch(() => undefined);
    });
    documents.onDidOpen(() => this.schedule());
    documents.onDidChangeContent(() => this.schedule());
    // A saved file (the configuration among them) is read from the disk at the next check.
    documents.onDidSave(() => this.schedule());
    documents.onDidClose((e) => {
      this.session.overlays.delete(fileURLToPath(e.document.uri));
      this.publish(e.document.uri, []);
      this.schedule();
    });
    connection.onDidChangeWatchedFiles((params) => {
      if (params.changes.some((c) => c.type !== FileChangeType.Changed)) this.session.filesChanged();
      this.schedule();
    });
    connection.onCodeAction((params) => {
      const file = fileURLToPath(params.textDocument.uri);
      const findings = this.findings.get(file) ?? [];
      const text = documents.get(params.textDocument.uri)?.getText() ?? '';
      const lines = text.split(/\r?\n/);
      const own = params.context.diagnostics.filter((d) => d.source === SOURCE);
      return findingsFor(own, findings).flatMap((d) =>
        codeActions(params.textDocument.uri, d, lines, RULES, own.find((l) => l.code === d.code && l.range.start.line === d.range.line - 1)),
      );
    });
    connection.onHover((params) => {
      const file = fileURLToPath(params.textDocument.uri);
      const here = (this.findings.get(file) ?? []).filter((d) => contains(d.range, params.position.line, params.position.character));
      const docs = [...new Set(here.map((d) => d.code))].map((code) => ruleHover(here.find((d) => d.code === code)!, RULES)).filter((t): t is string => t !== undefined);
      return docs.length > 0 ? { contents: { kind: 'markdown', value: docs.join('\n\n---\n\n') } } : null;
    });
    connection.onExecuteCommand(async (params) => {
      if (params.command !== EXPLAIN_COMMAND) return;
      const rule = RULES.get(String(params.arguments?.[0] ?? ''));
      if (!rule) return;
      const href = TOOL.ruleHelpUri?.(rule);
      if (href && this.canShowDocument) await connection.window.showDocument({ uri: href, external: true });
      else connection.window.showInformationMessage(`${rule.code} ${rule.name}: ${rule.docs.what.split('\n')[0]}${href ? ` — ${href}` : ''}`);
    });
    connection.onShutdown(async () => {
      // No check may run (nor parse in worker threads) once the client asked us to stop.
      this.shuttingDown = true;
      clearTimeout(this.timer);
      await this.running;
      this.parser?.dispose();
      this.parser = undefined;
    });
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder) this.root = fileURLToPath(folder);
    else if (params.rootPath) this.root = params.rootPath;
    const options = params.initializationOptions as { debounceMs?: unknown } | undefined;
    if (typeof options?.debounceMs === 'number' && options.debounceMs >= 0) this.debounceMs = options.debounceMs;
    this.canShowDocument = params.capabilities.window?.showDocument?.support === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Empty] },
        hoverProvider: true,
        executeCommandProvider: { commands: [EXPLAIN_COMMAND] },
      },
      serverInfo: { name: TOOL.name, version: TOOL.version },
    };
  }

  /** A check `debounceMs` after the last change; one at a time. */
  private schedule(): void {
    if (this.shuttingDown) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), this.debounceMs);
  }

  private start(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.check()
      .catch((error: unknown) => this.connection.console.error(`pylint-perf: check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.shuttingDown) {
          this.again = false;
          this.start();
        }
      });
  }

  private async check(): Promise<void> {
    this.parser ??= await PythonParser.create();
    const open = this.documents.all().filter((d) => d.uri.startsWith('file:'));
    this.session.overlays.clear();
    for (const d of open) this.session.overlays.set(fileURLToPath(d.uri), d.getText());
    // A document that is not yet a file of the project (a new, unsaved one) needs a new look.
    let result;
    try {
      result = await runCheck({ paths: [this.root], cwd: this.root, rules: CHECK_RULES, parser: this.parser, session: this.session, progress: undefined });
    } catch (error) {
      if (error instanceof ConfigError) return this.configBroken(error);
      throw error;
    }
    if (this.brokenConfig) {
      this.publish(fileUri(this.brokenConfig), []);
      this.brokenConfig = undefined;
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of result.diagnostics) byFile.set(d.path, [...(byFile.get(d.path) ?? []), d]);
    this.findings = byFile;
    for (const d of this.documents.all()) {
      if (!d.uri.startsWith('file:')) continue;
      const file = fileURLToPath(d.uri);
      if (!isPythonSource(file) && !deploymentFileKind(file)) continue;
      const notices = result.notices.filter((n) => n.path === file).map(noticeDiagnostic);
      this.publish(d.uri, [...notices, ...(byFile.get(file) ?? []).map((f) => lspDiagnostic(f, RULES))]);
    }
    for (const d of open) if (!existsSync(fileURLToPath(d.uri))) this.session.filesChanged();
  }

  /** One diagnostic on the configuration file; the rest stays as it was. */
  private configBroken(error: ConfigError): void {
    this.brokenConfig = error.file;
    const message = `invalid configuration: ${error.problems.join('; ')}`;
    this.publish(fileUri(error.file), [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, source: SOURCE, message }]);
  }

  private publish(uri: string, diagnostics: LspDiagnostic[]): void {
    const text = JSON.stringify(diagnostics);
    if (this.published.get(uri) === text) return;
    this.published.set(uri, text);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }
}
