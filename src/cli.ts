/**
 * Command line: argument parsing and exit codes, nothing else.
 *   0  no finding at or above the fail-on level
 *   1  findings at or above the fail-on level
 *   2  bad arguments, bad configuration, or an internal error
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type FailOn } from './engine/config.js';
import type { Severity } from './engine/diagnostics.js';
import { deploymentFileKind, UsageError } from './engine/discover.js';
import { parseImportTime, type ImportTimes } from './engine/importtime.js';
import { applyFixes } from './engine/fixes.js';
import { ruleDocPath, ruleMarkdown, type AnyRule } from './engine/rule.js';
import { projectRootFor, resolveConfig, runCheck, selectorMatches, type CheckOptions } from './engine/runner.js';
import { CACHE_DIR, cleanCache } from './engine/cache.js';
import { readSource } from './engine/source.js';
import { readProvenance } from './engine/vcs.js';
import { ALL_DIAGNOSTIC_SOURCES, RULES } from './rules/index.js';
import { formatGithub } from './reporters/github.js';
import { formatJson } from './reporters/json.js';
import { formatSarif } from './reporters/sarif.js';
import { formatText } from './reporters/text.js';
import { displayPath } from './reporters/paths.js';
import type { Report, ToolInfo } from './reporters/report.js';

const require = createRequire(import.meta.url);
const PACKAGE = require('../package.json') as { version: string; homepage?: string; repository?: { url?: string } };
export const VERSION: string = PACKAGE.version;

/** The repository's web address (`git+https://github.com/o/r.git` → `https://github.com/o/r`). */
const REPOSITORY = PACKAGE.repository?.url?.replace(/^git\+/, '').replace(/\.git$/, '');

export const TOOL: ToolInfo = {
  name: 'pylint-perf',
  version: VERSION,
  informationUri: PACKAGE.homepage ?? REPOSITORY,
  // Pinned to the release tag, so the page matches the rule that produced the finding.
  ruleHelpUri: REPOSITORY ? (rule) => `${REPOSITORY}/blob/v${VERSION}/${ruleDocPath(rule)}` : undefined,
};

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

const HELP = `pylint-perf ${VERSION} — find the performance mistakes that make Python web services slow

Usage:
  pylint-perf check [PATHS...] [options]   analyse files and directories (default: .)
  pylint-perf rules [--format json]        list the rules
  pylint-perf explain RULE                 print a rule's documentation (code or name)
  pylint-perf cache clean [PATH]           remove the project's .pylint-perf-cache/

Options for check:
  --format FORMAT             text | json | sarif | github (default: text)
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
  --report-unused-suppressions  report suppression comments that silence nothing (PP001)
  --importtime FILE           the stderr of 'python -X importtime ...': PP201 uses the measured
                              cumulative import times (threshold: importtime-threshold-ms, 100)
  --changed-since REV         check only files changed since a git revision (the rest of the
                              project is still read for context); for CI on pull requests
  --no-cache                  neither read nor write .pylint-perf-cache/ (facts and findings by content)
  --fix                       apply safe fixes, then report what remains
  --unsafe-fixes              with --fix, apply unsafe fixes too
  --show-source / --no-show-source   code frames under each finding (default: on a terminal)
  --quiet                     print findings only, no notices or summary
  -h, --help                  this help
  -V, --version               the version

RULES and PATTERNS are comma-separated and the options may be repeated.
Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.`;

function list(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function findRule(key: string): AnyRule | undefined {
  const k = key.trim();
  return ALL_DIAGNOSTIC_SOURCES.find((r) => r.code.toUpperCase() === k.toUpperCase() || r.name === k.toLowerCase());
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
  try {
    switch (command) {
      case 'check':
        return await check(rest, io);
      case 'rules':
        return rules(rest, io);
      case 'explain':
        return explain(rest, io);
      case 'cache':
        return cacheCommand(rest, io);
      default:
        throw new UsageError(`unknown command '${command}' (expected check, rules, explain or cache)`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
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
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'text' } }, strict: true });
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
    throw new UsageError(`unknown rule '${args[0]}'; 'pylint-perf rules' lists them`);
  }
  io.stdout.write(ruleMarkdown(rule));
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
  if (sub !== 'clean' || args.length > 2) throw new UsageError("usage: pylint-perf cache clean [PATH]");
  const config = resolveConfig({ paths: [target], cwd: io.cwd, rules: RULES });
  const root = projectRootFor({ paths: [target], cwd: io.cwd }, config);
  const removed = cleanCache(root);
  io.stdout.write(removed ? `removed ${path.join(root, CACHE_DIR)}\n` : `no cache in ${root}\n`);
  return 0;
}

async function check(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
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
    },
  });
  if (values.config && values.isolated) throw new UsageError('--config and --isolated exclude each other');
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  if (values['sarif-category'] !== undefined && format !== 'sarif') throw new UsageError('--sarif-category needs --format sarif');
  const failOn = values['fail-on'];
  if (failOn !== undefined && !['error', 'warning', 'info', 'never'].includes(failOn)) {
    throw new UsageError(`--fail-on must be error, warning, info or never, not '${failOn}'`);
  }
  const ruleLists = { select: list(values.select), extendSelect: list(values['extend-select']), ignore: list(values.ignore) };
  for (const [option, selectors] of Object.entries(ruleLists)) {
    for (const s of selectors ?? []) {
      if (!ALL_DIAGNOSTIC_SOURCES.some((r) => selectorMatches(r, s))) {
        throw new UsageError(`--${option.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}: '${s}' is not a rule code, name or prefix; 'pylint-perf rules' lists them`);
      }
    }
  }
  let paths = positionals;
  if (values['changed-since'] !== undefined) {
    paths = changedFiles(values['changed-since'], positionals, io.cwd);
  }
  const options: CheckOptions = {
    paths,
    exactPaths: values['changed-since'] !== undefined,
    cwd: io.cwd,
    rules: RULES,
    configFile: values.config,
    isolated: values.isolated,
    ...ruleLists,
    failOn: failOn as FailOn | undefined,
    extendExclude: list(values['extend-exclude']),
    forceExclude: values['force-exclude'],
    projectContext: values['no-project-context'] ? false : undefined,
    respectGitignore: values['no-respect-gitignore'] ? false : undefined,
    reportUnusedSuppressions: values['report-unused-suppressions'],
    cache: values['no-cache'] ? false : undefined,
    importTime: values.importtime !== undefined ? readImportTime(path.resolve(io.cwd, values.importtime)) : undefined,
  };

  let result = await runCheck(options);
  let fixedNote = '';
  if (values.fix) {
    const outcome = await applyFixes(result.diagnostics, values['unsafe-fixes'] ?? false);
    if (outcome.fixed > 0) {
      fixedNote = `Fixed ${outcome.fixed} problem${outcome.fixed === 1 ? '' : 's'} in ${outcome.files} file${outcome.files === 1 ? '' : 's'}.\n`;
      result = await runCheck(options);
    }
  }

  const sources = new Map<string, string[] | null>();
  const loadSources = async (): Promise<void> => {
    for (const d of result.diagnostics) {
      if (sources.has(d.path)) continue;
      const s = await readSource(d.path);
      // Lines as the parser numbers them: LF ends a line; a CR before it is not part of the text.
      sources.set(d.path, s.ok ? s.text.split('\n').map((l) => l.replace(/\r$/, '')) : null);
    }
  };
  const configuredSeverity = Object.fromEntries(
    Object.entries(result.config.severity).filter((entry): entry is [string, Severity] => entry[1] !== 'off'),
  );
  const report: Report = {
    diagnostics: result.diagnostics,
    notices: result.notices,
    filesChecked: result.filesChecked,
    suppressedCount: result.suppressedCount,
    rules: result.activeRules,
    configuredSeverity,
    failed: result.failed,
    cwd: io.cwd,
    srcRoot: result.workTree,
    tool: TOOL,
    sourceLines: (p) => sources.get(p) ?? undefined,
  };
  const toFile = values.output !== undefined;
  const printNotices = (): void => {
    if (values.quiet) return;
    for (const n of result.notices) io.stderr.write(`${displayPath(n.path, io.cwd)}${n.line ? `:${n.line}` : ''}: notice [${n.kind}] ${n.message}\n`);
  };
  let text: string;
  if (format === 'json') {
    text = formatJson(report);
    printNotices();
  } else if (format === 'sarif') {
    await loadSources();
    report.provenance = readProvenance(result.workTree);
    text = formatSarif(report, { category: values['sarif-category'] });
    printNotices();
  } else if (format === 'github') {
    text = formatGithub(report);
  } else {
    const tty = !toFile && io.stdout.isTTY === true;
    const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
    const forceColor = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && !toFile;
    const showSource = values['no-show-source'] ? false : (values['show-source'] ?? tty);
    if (showSource) await loadSources();
    text = fixedNote + formatText(report, { color: !noColor && (tty || forceColor), showSource, quiet: values.quiet === true });
  }
  if (toFile) await writeFile(path.resolve(io.cwd, values.output!), text, 'utf8');
  else io.stdout.write(text);
  return result.failed ? 1 : 0;
}
