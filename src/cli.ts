/**
 * Command line: argument parsing and exit codes, nothing else.
 *   0  no finding at or above the fail-on level
 *   1  findings at or above the fail-on level
 *   2  bad arguments, bad configuration, or an internal error
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, REPORT_UNUSED_SUPPRESSIONS_SELECTS, ruleSelectors, suggest, type FailOn } from './run/config.js';
import type { Diagnostic, Severity } from './core/diagnostics.js';
import { deploymentFileKind, UsageError } from './read/discover.js';
import { parseImportTime, type ImportTimes } from './read/importtime.js';
import { OutputError, outputPath, writeReport } from './cli-output.js';
import { ruleMarkdown } from './core/rule-docs.js';
import { TOOL, VERSION } from './tool-info.js';
import type { AnyRule } from './rules/rule.js';
import { projectRootFor, resolveConfig, runCheck, selectorMatches, type CheckOptions, type CheckResult } from './run/runner.js';
import { CACHE_DIR, cleanCache } from './run/cache.js';
import { readSource } from './core/source.js';
import { ALL_DIAGNOSTIC_SOURCES, CHECK_RULES } from './rules/index.js';
import { formatJson } from './reporters/json.js';
import { diffSentence, fixedSentence, formatText, noqaSentence } from './reporters/text.js';
import { progressLine } from './reporters/progress.js';
import { displayPath } from './core/paths.js';
import type { Report } from './reporters/report.js';

// What only some commands need (fixes, other report formats, explain --why, the editor server)
// is imported where it is used: a one-file check loads what it runs.
export { TOOL, VERSION } from './tool-info.js';

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;
type Format = (typeof FORMATS)[number];

export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

const HELP = `pylint-perf ${VERSION} — find the performance mistakes that make Python web services slow

Usage:
  pylint-perf check [PATHS...] [options]   analyse files and directories (default: .)
  pylint-perf rules [--format json]        list the rules
  pylint-perf explain RULE                 print a rule's documentation (code or name)
  pylint-perf explain --why FILE:LINE      where the function holding that line runs (its
                                           execution contexts), the proof, and the rules that
                                           report findings there (also takes --config FILE,
                                           --isolated and --no-cache)
  pylint-perf cache clean [PATH]           remove the project's .pylint-perf-cache/
  pylint-perf server [--stdio]             a Language Server Protocol server on stdin/stdout, for
                                           editors (diagnostics as you type, fixes, rule docs)

Options for check:
  --format FORMAT             text | json | sarif | github | gitlab | junit (default: text)
  --statistics                counts per rule (and how many --fix can fix) instead of the
                              findings; with --format json, as JSON
  --sarif-category NAME       with --format sarif: GitHub code scanning category (automationDetails.id)
  --output FILE               write the report to FILE instead of stdout
  --config FILE               use this configuration file instead of searching for one
  --isolated                  ignore all configuration files
  --select RULES              run only these rules (codes, names, prefixes like PP1, or ALL)
  --extend-select RULES       run these rules too
  --ignore RULES              do not run these rules
  --fail-on LEVEL             error | warning | info | never (default: warning)
  --extend-exclude PATTERNS   more paths to skip (.gitignore syntax)
  --force-exclude             apply excludes to files named on the command line too (pre-commit)
  --no-project-context        read only the named paths (by default the rest of their project is
                              read for cross-file facts, and only the named paths are reported)
  --no-respect-gitignore      also check files that .gitignore excludes
  --report-unused-suppressions  report suppression comments that silence nothing (PP001; the
                              same as --extend-select PP001)
  --importtime FILE           the stderr of 'python -X importtime ...': PP201 uses the measured
                              cumulative import times (threshold: importtime-threshold-ms, 100)
  --changed-since REV         check only files changed since a git revision (the rest of the
                              project is still read for context); for CI on pull requests
  --no-cache                  neither read nor write .pylint-perf-cache/ (facts and findings by content)
  --watch                     keep running: re-check on every change under the paths and print only
                              the findings that appear (+) or go away (-); Ctrl-C stops
  --suppress-all              record every finding of the checked files in the bulk suppressions
                              file (pylint-perf-suppressions.json at the project root): later runs
                              report only new findings, and say how many the file suppressed
  --suppress-rule RULES       the same for these rules only
  --prune-suppressions        drop recorded suppressions that no longer match a finding
  --suppressions-location FILE  read (and write) the bulk suppressions in FILE instead
  --add-noqa                  append '# noqa: CODE' to each Python line with a finding (codes
                              already there are kept), and exit 0
  --fix                       apply safe fixes, then report what remains
  --unsafe-fixes              with --fix (or --diff), apply (or show) unsafe fixes too
  --diff                      print what --fix would change as a unified diff, write nothing;
                              exit 1 when there is something to fix
  --show-source / --no-show-source   code frames under each finding (default: on a terminal)
  --quiet                     print findings only, no notices or summary
  -h, --help                  this help
  -V, --version               the version

RULES and PATTERNS are comma-separated and the options may be repeated.
FILE for --config: a pyproject.toml with a [tool.pylint-perf] table, a .json file, or another
.toml file with the settings at its top level.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.`;

function list(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function findRule(key: string): AnyRule | undefined {
  const k = key.trim();
  return ALL_DIAGNOSTIC_SOURCES.find((r) => r.code.toUpperCase() === k.toUpperCase() || r.name === k.toLowerCase());
}

/** `; did you mean 'x'?` when a candidate is close to the word, else `otherwise`. */
function didYouMean(word: string, candidates: readonly string[], otherwise = ''): string {
  const hint = suggest(word, candidates);
  return hint !== undefined ? `; did you mean '${hint}'?` : otherwise;
}

const COMMANDS = ['check', 'rules', 'explain', 'cache', 'server'];

/**
 * parseArgs, with its errors turned into our own usage messages: Node's name neither the command
 * nor the option that was probably meant, and quote the argument unevenly.
 */
function parseCommandArgs<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
    const options = Object.entries(config.options ?? {}).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option '${quoted}' for '${command}'${didYouMean(quoted, options)}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = quoted.split(' ')[0];
      throw new UsageError(/argument missing/.test(message) ? `option '${option}' needs a value` : `option '${option}' takes no value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`'${command}' takes no argument '${quoted}'`);
    }
    throw error;
  }
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    io.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  if (command === '-V' || command === '--version') {
    io.stdout.write(`pylint-perf ${VERSION}\n`);
    return 0;
  }
  if (COMMANDS.includes(command) && rest.slice(0, rest.includes('--') ? rest.indexOf('--') : undefined).some((a) => a === '-h' || a === '--help')) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    switch (command) {
      case 'check':
        return await check(rest, io);
      case 'rules':
        return rules(rest, io);
      case 'explain':
        return rest.some((a) => a === '--why' || a.startsWith('--why=')) ? await why(rest, io) : explain(rest, io);
      case 'cache':
        return cacheCommand(rest, io);
      case 'server':
        return await server(rest, io);
      default: {
        const hint = command.startsWith('-')
          ? `; options come after the command, e.g. 'pylint-perf check ${command} ...'`
          : existsSync(path.resolve(io.cwd, command))
            ? `; to check it, run 'pylint-perf check ${command}'`
            : didYouMean(command, COMMANDS, ' (expected check, rules, explain, cache or server)');
        throw new UsageError(`unknown command '${command}'${hint}`);
      }
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof OutputError) {
      io.stderr.write(`pylint-perf: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`pylint-perf: ${(error as Error).message}\nRun 'pylint-perf --help' for usage.\n`);
      return 2;
    }
    io.stderr.write(`pylint-perf: internal error: ${(error as Error).stack ?? String(error)}\nPlease report this with the command you ran.\n`);
    return 2;
  }
}

function rules(args: string[], io: CliIO): number {
  const { values } = parseCommandArgs('rules', { args, options: { format: { type: 'string', default: 'text' } }, strict: true });
  if (values.format === 'json') {
    const data = ALL_DIAGNOSTIC_SOURCES.map((r) => ({
      code: r.code,
      name: r.name,
      severity: r.severity,
      enabledByDefault: r.enabledByDefault !== false,
      summary: r.summary,
      tags: r.tags,
    }));
    io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  if (values.format !== 'text') throw new UsageError(`--format must be text or json, not '${values.format}'`);
  const nameWidth = Math.max(...ALL_DIAGNOSTIC_SOURCES.map((r) => r.name.length));
  const lines = ALL_DIAGNOSTIC_SOURCES.map((r) => {
    const state = r.enabledByDefault === false ? ' (off by default)' : '';
    return `${r.code}  ${r.name.padEnd(nameWidth)}  ${r.severity.padEnd(7)}  ${r.summary}${state}`;
  });
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function explain(args: string[], io: CliIO): number {
  if (args.length !== 1) throw new UsageError('explain takes one rule code or name, e.g. pylint-perf explain PP101');
  const rule = findRule(args[0]);
  if (!rule) {
    const names = ALL_DIAGNOSTIC_SOURCES.flatMap((r) => [r.code, r.name]);
    throw new UsageError(`unknown rule '${args[0]}'${didYouMean(args[0], names, "; 'pylint-perf rules' lists them")}`);
  }
  io.stdout.write(ruleMarkdown(rule));
  return 0;
}

/** `explain --why FILE:LINE [--config FILE | --isolated]`. */
async function why(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('explain', {
    args,
    allowPositionals: true,
    strict: true,
    options: { why: { type: 'string' }, config: { type: 'string' }, isolated: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new UsageError(`explain --why takes one FILE:LINE, not also '${positionals[0]}'`);
  if (!values.why) throw new UsageError('explain --why needs FILE:LINE, e.g. pylint-perf explain --why app/routes.py:42');
  if (values.config && values.isolated) throw new UsageError('--config and --isolated exclude each other');
  const { explainWhy } = await import('./run/why.js');
  const text = await explainWhy({ location: values.why, cwd: io.cwd, rules: CHECK_RULES, configFile: values.config, isolated: values.isolated, cache: values['no-cache'] ? false : undefined });
  io.stdout.write(text);
  return 0;
}

/** `--importtime FILE`: the stderr of `python -X importtime`; a file without its lines is a usage error. */
function readImportTime(file: string): ImportTimes {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--importtime: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { times, lines } = parseImportTime(text);
  if (lines === 0) {
    throw new UsageError(`--importtime: ${file} has no 'import time: self [us] | cumulative | imported package' lines; create it with 'python -X importtime -c "import app.main" 2> ${path.basename(file)}'`);
  }
  return times;
}

/**
 * `--changed-since REV`: the Python and deployment files that differ from REV (committed, staged
 * or not, and new untracked files), under the given paths. The rest of the project is still read
 * for context (and from the cache), so the answer for those files is the same as a full run's.
 */
function changedFiles(rev: string, within: string[], cwd: string): string[] {
  const git = (args: string[]): string => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
    if (r.error) throw new UsageError(`--changed-since needs git: ${r.error.message}`);
    if (r.status !== 0) throw new UsageError(`--changed-since ${rev}: ${r.stderr.trim().split('\n')[0]}`);
    return r.stdout;
  };
  const top = git(['rev-parse', '--show-toplevel']).trim();
  const names = new Set([
    ...git(['diff', '--name-only', '--diff-filter=ACMRT', rev, '--']).split('\n'),
    ...git(['ls-files', '--others', '--exclude-standard']).split('\n').map((f) => path.relative(top, path.resolve(cwd, f))),
  ]);
  const roots = (within.length > 0 ? within : ['.']).map((p) => path.resolve(cwd, p));
  const out: string[] = [];
  for (const name of names) {
    if (!name) continue;
    const abs = path.join(top, name);
    if (!existsSync(abs)) continue;
    if (!abs.endsWith('.py') && !deploymentFileKind(abs)) continue;
    if (!roots.some((r) => abs === r || abs.startsWith(`${r}${path.sep}`))) continue;
    out.push(path.relative(cwd, abs) || '.');
  }
  return out.sort();
}

/** `pylint-perf cache clean [PATH]`: removes the project's `.pylint-perf-cache/`. */
function cacheCommand(args: string[], io: CliIO): number {
  const [sub, target = '.'] = args;
  if (sub !== 'clean' || args.length > 2) {
    const usage = 'usage: pylint-perf cache clean [PATH]';
    throw new UsageError(sub && sub !== 'clean' ? `unknown subcommand '${sub}' for 'cache'${didYouMean(sub, ['clean'], `; ${usage}`)}` : usage);
  }
  // A missing path would fall back to the current directory and clean another project's cache.
  if (!existsSync(path.resolve(io.cwd, target))) throw new UsageError(`${target}: no such file or directory`);
  const config = resolveConfig({ paths: [target], cwd: io.cwd, rules: CHECK_RULES });
  const root = projectRootFor({ paths: [target], cwd: io.cwd }, config);
  const removed = cleanCache(root);
  io.stdout.write(removed ? `removed ${path.join(root, CACHE_DIR)}\n` : `no cache in ${root}\n`);
  return 0;
}

/** `server`: the language server speaks on stdin/stdout until the client says `exit` (which ends the process). */
async function server(args: string[], io: CliIO): Promise<number> {
  parseCommandArgs('server', { args, strict: true, options: { stdio: { type: 'boolean' } } });
  // Loaded on demand: the protocol library costs every other command a tenth of a second to load.
  const { startLanguageServer } = await import('./server/language-server.js');
  const connection = startLanguageServer({ input: process.stdin, output: process.stdout, cwd: io.cwd });
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}

async function check(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCheckArgs(args);
  const output = values.output !== undefined ? outputPath(values.output, io.cwd) : undefined;
  const progress = progressLine(io.stderr, io.env);
  const options = { ...checkOptions(values, positionals, io.cwd), progress: progress?.update };
  if (values.watch) {
    const { watchChecks } = await import('./cli-watch.js');
    return watchChecks({ ...options, progress: undefined }, io, async (result) => render(reportOf(result, undefined, undefined, io.cwd), values, io, false));
  }
  const { result, fixed } = await checkAndFix(options, values.fix === true, values['unsafe-fixes'] === true).finally(() => progress?.end());
  if (values['add-noqa']) return addNoqaComments(result, io);
  if (values.diff) return showDiff(result, values['unsafe-fixes'] === true, io);
  // Nothing to analyse under the named paths (--changed-since naming no file is not that).
  const noFilesUnder = result.filesFound === 0 && values['changed-since'] === undefined ? (positionals.length > 0 ? positionals : ['.']) : undefined;
  const report = reportOf(result, fixed, noFilesUnder, io.cwd);
  const text = await render(report, values, io, output !== undefined);
  if (output === undefined) io.stdout.write(text);
  else await writeReport(output, values.output!, text);
  return result.failed ? 1 : 0;
}

/** `--add-noqa`: the comments written, what was left, exit 0 (the findings are now suppressed). */
async function addNoqaComments(result: CheckResult, io: CliIO): Promise<number> {
  const { addNoqa } = await import('./run/add-noqa.js');
  io.stdout.write(noqaSentence(await addNoqa(result.diagnostics)));
  return 0;
}

/** `--diff`: what `--fix` would change, as a patch on stdout; exit 1 when there is something to fix. */
async function showDiff(result: CheckResult, unsafe: boolean, io: CliIO): Promise<number> {
  const { diffFixes } = await import('./run/fixes.js');
  const { patch, fixed, files } = await diffFixes(result.diagnostics, unsafe, (f) => displayPath(f, io.cwd));
  io.stdout.write(patch);
  io.stderr.write(diffSentence(fixed, files));
  return fixed > 0 ? 1 : 0;
}

/** `check`'s arguments, checked for what parseArgs cannot check. */
function parseCheckArgs(args: string[]) {
  const parsed = parseCommandArgs('check', {
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'text' },
      'sarif-category': { type: 'string' },
      output: { type: 'string' },
      config: { type: 'string' },
      isolated: { type: 'boolean' },
      select: { type: 'string', multiple: true },
      'extend-select': { type: 'string', multiple: true },
      ignore: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      'extend-exclude': { type: 'string', multiple: true },
      'force-exclude': { type: 'boolean' },
      'no-project-context': { type: 'boolean' },
      'no-respect-gitignore': { type: 'boolean' },
      'report-unused-suppressions': { type: 'boolean' },
      importtime: { type: 'string' },
      'no-cache': { type: 'boolean' },
      'changed-since': { type: 'string' },
      fix: { type: 'boolean' },
      'unsafe-fixes': { type: 'boolean' },
      'show-source': { type: 'boolean' },
      'no-show-source': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      'suppress-all': { type: 'boolean' },
      'suppress-rule': { type: 'string', multiple: true },
      'prune-suppressions': { type: 'boolean' },
      'suppressions-location': { type: 'string' },
      'add-noqa': { type: 'boolean' },
      statistics: { type: 'boolean' },
      diff: { type: 'boolean' },
      watch: { type: 'boolean' },
    },
  });
  const { values } = parsed;
  if (values.config && values.isolated) throw new UsageError('--config and --isolated exclude each other');
  if (!FORMATS.includes(values.format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${values.format}'`);
  if (values.statistics && !['text', 'json'].includes(values.format!)) throw new UsageError('--statistics prints counts as text or JSON: use it with --format text or json');
  if (values['sarif-category'] !== undefined && values.format !== 'sarif') throw new UsageError('--sarif-category needs --format sarif');
  if (values['unsafe-fixes'] && !values.fix && !values.diff) throw new UsageError('--unsafe-fixes needs --fix or --diff (it adds the unsafe fixes to what they apply or show)');
  if (values.diff && values.fix) throw new UsageError('--diff shows what --fix would change without writing: use one or the other');
  const notWatched = ['fix', 'diff', 'add-noqa', 'statistics', 'output', 'changed-since', 'suppress-all', 'suppress-rule', 'prune-suppressions'].filter((o) => values[o as keyof typeof values] !== undefined);
  if (values.watch && (notWatched.length > 0 || values.format !== 'text')) throw new UsageError(`--watch prints findings as text as they change; it does not combine with ${notWatched.length > 0 ? `--${notWatched[0]}` : `--format ${values.format}`}`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && !['error', 'warning', 'info', 'never'].includes(failOn)) {
    throw new UsageError(`--fail-on must be error, warning, info or never, not '${failOn}'`);
  }
  for (const option of ['select', 'extend-select', 'ignore'] as const) checkSelectors(option, list(values[option]));
  if (values['add-noqa'] && (values.fix || values['suppress-all'] || values['suppress-rule'] || values['prune-suppressions'])) {
    throw new UsageError('--add-noqa does not combine with --fix or the bulk suppression options: run them one after the other');
  }
  if (values['suppress-all'] && values['suppress-rule']) throw new UsageError('--suppress-all and --suppress-rule exclude each other (--suppress-all records every rule)');
  for (const s of list(values['suppress-rule']) ?? []) {
    if (!CHECK_RULES.some((r) => r.code.toLowerCase() === s.toLowerCase() || r.name === s)) {
      throw new UsageError(`--suppress-rule: '${s}' is not a rule code or name${didYouMean(s, CHECK_RULES.flatMap((r) => [r.code, r.name]), "; 'pylint-perf rules' lists them")}`);
    }
  }
  return parsed;
}

type CheckValues = ReturnType<typeof parseCheckArgs>['values'];

/** Every selector names a rule, or the usage error says what it could have meant. */
function checkSelectors(option: string, selectors: string[] | undefined): void {
  for (const s of selectors ?? []) {
    if (!ALL_DIAGNOSTIC_SOURCES.some((r) => selectorMatches(r, s))) {
      const hint = didYouMean(s, ruleSelectors(ALL_DIAGNOSTIC_SOURCES), "; 'pylint-perf rules' lists them");
      throw new UsageError(`--${option}: '${s}' is not a rule code, name or prefix${hint}`);
    }
  }
}

/** The run's options from the command line (`--changed-since` asks git, `--importtime` reads its file). */
function checkOptions(values: CheckValues, positionals: string[], cwd: string): CheckOptions {
  const changedSince = values['changed-since'];
  return {
    paths: changedSince !== undefined ? changedFiles(changedSince, positionals, cwd) : positionals,
    exactPaths: changedSince !== undefined,
    cwd,
    rules: CHECK_RULES,
    configFile: values.config,
    isolated: values.isolated,
    select: list(values.select),
    extendSelect: extendSelect(values),
    ignore: list(values.ignore),
    failOn: values['fail-on'] as FailOn | undefined,
    extendExclude: list(values['extend-exclude']),
    forceExclude: values['force-exclude'],
    projectContext: values['no-project-context'] ? false : undefined,
    respectGitignore: values['no-respect-gitignore'] ? false : undefined,
    cache: values['no-cache'] ? false : undefined,
    bulk: bulkOptions(values, cwd),
    inputs: values.importtime !== undefined ? { importTimes: readImportTime(path.resolve(cwd, values.importtime)) } : {},
  };
}

/** `--suppress-all`, `--suppress-rule CODE`, `--prune-suppressions`, `--suppressions-location FILE`. */
function bulkOptions(values: CheckValues, cwd: string): CheckOptions['bulk'] {
  const rules = list(values['suppress-rule']);
  const location = values['suppressions-location'] !== undefined ? path.resolve(cwd, values['suppressions-location']) : undefined;
  const suppress = values['suppress-all'] ? ('all' as const) : rules?.map((s) => CHECK_RULES.find((r) => r.code.toLowerCase() === s.toLowerCase() || r.name === s)!.code);
  if (!suppress && !values['prune-suppressions'] && !location) return undefined;
  return { ...(location ? { location } : {}), ...(suppress ? { suppress } : {}), ...(values['prune-suppressions'] ? { prune: true } : {}) };
}

/** `--extend-select`, and `--report-unused-suppressions`: the documented alias of extend-select unused-suppression. */
function extendSelect(values: CheckValues): string[] | undefined {
  const given = list(values['extend-select']);
  if (!values['report-unused-suppressions']) return given;
  return [...(given ?? []), REPORT_UNUSED_SUPPRESSIONS_SELECTS];
}

/** The run; with `--fix`, the fixes applied and the run again when any was. */
async function checkAndFix(options: CheckOptions, fix: boolean, unsafe: boolean): Promise<{ result: CheckResult; fixed?: Report['fixed'] }> {
  const result = await runCheck(options);
  if (!fix) return { result };
  const { applyFixes } = await import('./run/fixes.js');
  const outcome = await applyFixes(result.diagnostics, unsafe);
  if (outcome.fixed === 0) return { result };
  return { result: await runCheck(options), fixed: { findings: outcome.fixed, files: outcome.files } };
}

function reportOf(result: CheckResult, fixed: Report['fixed'], noFilesUnder: string[] | undefined, cwd: string): Report {
  const configuredSeverity = Object.fromEntries(
    Object.entries(result.config.severity).filter((entry): entry is [string, Severity] => entry[1] !== 'off'),
  );
  return {
    diagnostics: result.diagnostics,
    notices: result.notices,
    filesChecked: result.filesChecked,
    suppressedCount: result.suppressedCount,
    bulk: result.bulk,
    rules: result.activeRules,
    configuredSeverity,
    failed: result.failed,
    fixed,
    fixable: {
      safe: result.diagnostics.filter((d) => d.fix?.applicability === 'safe').length,
      unsafe: result.diagnostics.filter((d) => d.fix !== undefined && d.fix.applicability !== 'safe').length,
    },
    noFilesUnder,
    cwd,
    srcRoot: result.workTree,
    tool: TOOL,
    sourceLines: () => undefined,
  };
}

/** The report in its format. Notices, and what --fix did, go to stderr: machine formats keep stdout for the report. */
async function render(report: Report, values: CheckValues, io: CliIO, toFile: boolean): Promise<string> {
  const quiet = values.quiet === true;
  if (values.statistics) {
    printNotices(report, quiet, io);
    return (await import('./reporters/statistics.js')).formatStatistics(report, values.format === 'json' ? 'json' : 'text');
  }
  switch (values.format as Format) {
    case 'json': {
      const text = formatJson(report);
      printNotices(report, quiet, io);
      return text;
    }
    case 'sarif': {
      const [{ formatSarif }, { readProvenance }] = await Promise.all([import('./reporters/sarif.js'), import('./core/vcs.js')]);
      const full = { ...report, sourceLines: await sourceLines(report.diagnostics), provenance: readProvenance(report.srcRoot!) };
      const text = formatSarif(full, { category: values['sarif-category'] });
      printNotices(report, quiet, io);
      return text;
    }
    case 'gitlab': {
      const { formatGitlab } = await import('./reporters/gitlab.js');
      const text = formatGitlab({ ...report, sourceLines: await sourceLines(report.diagnostics) });
      printNotices(report, quiet, io);
      return text;
    }
    case 'junit': {
      const { formatJunit } = await import('./reporters/junit.js');
      const text = formatJunit(report);
      printNotices(report, quiet, io);
      return text;
    }
    case 'github': {
      const { formatGithub } = await import('./reporters/github.js');
      const text = formatGithub(report);
      if (report.fixed && !quiet) io.stderr.write(`${fixedSentence(report.fixed)}\n`);
      return text;
    }
    default: {
      const tty = !toFile && io.stdout.isTTY === true;
      const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
      const forceColor = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && !toFile;
      const showSource = values['no-show-source'] ? false : (values['show-source'] ?? tty);
      const shown = showSource ? { ...report, sourceLines: await sourceLines(report.diagnostics) } : report;
      return formatText(shown, { color: !noColor && (tty || forceColor), showSource, quiet });
    }
  }
}

function printNotices(report: Report, quiet: boolean, io: CliIO): void {
  if (quiet) return;
  for (const n of report.notices) io.stderr.write(`${displayPath(n.path, io.cwd)}${n.line ? `:${n.line}` : ''}: notice [${n.kind}] ${n.message}\n`);
  if (report.fixed) io.stderr.write(`${fixedSentence(report.fixed)}\n`);
}

/** The lines of the files with findings, as the parser numbers them (code frames, SARIF fingerprints). */
async function sourceLines(diagnostics: readonly Diagnostic[]): Promise<(file: string) => string[] | undefined> {
  const sources = new Map<string, string[] | null>();
  for (const d of diagnostics) {
    if (sources.has(d.path)) continue;
    const s = await readSource(d.path);
    // LF ends a line; a CR before it is not part of the text.
    sources.set(d.path, s.ok ? s.text.split('\n').map((l) => l.replace(/\r$/, '')) : null);
  }
  return (file) => sources.get(file) ?? undefined;
}

