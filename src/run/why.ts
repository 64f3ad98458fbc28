/**
 * `pylint-perf explain --why FILE:LINE`: where the function holding a line runs — its execution
 * contexts (model/contexts.ts) with a proof for each: the entry point and the chain of calls,
 * awaits and references from it — and which rules report findings there. The project is read as a
 * check of that file reads it (the rest of its project for context, the facts cache).
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../core/paths.js';
import { UsageError } from '../read/discover.js';
import { executionContexts, type ContextProof } from '../model/contexts.js';
import type { Project } from '../model/project.js';
import type { ModuleFacts } from '../read/python/facts.js';
import { Cache } from './cache.js';
import type { CheckOptions } from './check-types.js';
import { selectedContexts } from './config.js';
import { isInside } from '../core/paths.js';
import { settle, type RunSettings } from './settings.js';
import { discover } from './stages/discover.js';
import { moduleFacts } from './stages/facts.js';
import { buildProject, readDeploymentModel } from './stages/model.js';
import { readFiles } from './stages/read.js';
import { Timer } from './timing.js';

export interface WhyOptions extends Pick<CheckOptions, 'cwd' | 'rules' | 'configFile' | 'isolated' | 'cache'> {
  /** `FILE:LINE` as the user wrote it. */
  location: string;
}

/** `app/routes.py:42` → the file (absolute) and the line; a usage error when it is not that. */
export function parseLocation(location: string, cwd: string): { file: string; line: number } {
  const m = /^(.+):(\d+)$/.exec(location.trim());
  if (!m || Number(m[2]) < 1) throw new UsageError(`--why ${location}: expected FILE:LINE with a line number from 1, e.g. --why app/routes.py:42`);
  const file = path.resolve(cwd, m[1]);
  if (!existsSync(file)) throw new UsageError(`--why ${location}: ${m[1]}: no such file`);
  if (!statSync(file).isFile() || !file.endsWith('.py')) throw new UsageError(`--why ${location}: ${m[1]} is not a Python file`);
  const lines = readFileSync(file, 'utf8').replace(/\r?\n$/, '').split('\n').length;
  if (Number(m[2]) > lines) throw new UsageError(`--why ${location}: ${m[1]} has ${lines} line${lines === 1 ? '' : 's'}`);
  return { file, line: Number(m[2]) };
}

/** The explanation, as lines of text for the terminal. */
export async function explainWhy(options: WhyOptions): Promise<string> {
  const { file, line } = parseLocation(options.location, options.cwd);
  // A file under the current directory is seen as `pylint-perf check .` sees it there.
  const paths = isInside(options.cwd, file) ? ['.'] : [file];
  const checkOptions: CheckOptions = { paths, cwd: options.cwd, rules: options.rules, configFile: options.configFile, isolated: options.isolated, cache: options.cache };
  const settings = settle(checkOptions);
  const project = await readProject(checkOptions, settings);
  const module = project.moduleAt(file);
  const shown = (p: string): string => displayPath(p, options.cwd);
  const here = `${shown(file)}:${line}`;
  if (!module) throw new UsageError(`--why ${options.location}: ${shown(file)} was not analysed (excluded, unreadable, or not a text file)`);
  const view = executionContexts(project);
  const scopeIndex = view.functionAt(module, line);
  if (scopeIndex === undefined) {
    return `${here} is not inside a function: module-level and class-level code runs once, when the module is imported.\n`;
  }
  const scope = module.scopes[scopeIndex];
  const { contexts, proofs } = view.of(module, scopeIndex);
  const out = [`${here} is in \`${scope.isAsync ? 'async ' : ''}def ${scope.qualname}\` (line ${scope.range.line}), which runs in: ${contexts.join(', ')}.`, ''];
  for (const proof of proofs()) out.push(...proofLines(proof, shown), '');
  out.push(...ruleLines(settings, contexts));
  return `${out.join('\n')}\n`;
}

async function readProject(options: CheckOptions, settings: RunSettings): Promise<Project> {
  const discovered = await discover(options, settings);
  const files = await readFiles(discovered, settings);
  const deployment = await readDeploymentModel(files.deployment, settings.root, discovered.targets);
  const cache = options.cache === false ? undefined : new Cache(settings.root);
  const facts = await moduleFacts({ settings, discovered, python: files.python, deployment: deployment.model }, cache, new Timer());
  return buildProject(facts.modules, discovered, deployment.model, settings);
}

/** `server: route handler \`profile\` (app/main.py:71)`, then each step from it. */
function proofLines(proof: ContextProof, shown: (p: string) => string): string[] {
  const lines = [`${proof.context}: ${proof.root.description}, at ${shown(proof.root.path)}:${proof.root.line}`];
  let caller = nameOf(proof.root.module, proof.root.scopeIndex);
  for (const step of proof.chain) {
    lines.push(`  ${shown(step.path)}:${step.line}  ${caller ? `\`${caller}\` ` : ''}${step.text}`);
    caller = nameOf(step.module, step.scopeIndex);
  }
  return lines;
}

function nameOf(module: ModuleFacts | undefined, scopeIndex: number | undefined): string | undefined {
  return module && scopeIndex !== undefined ? module.scopes[scopeIndex].qualname : undefined;
}

/** For each rule that knows contexts: whether it reports findings in this function. */
function ruleLines(settings: RunSettings, contexts: readonly string[]): string[] {
  const lines: string[] = [];
  for (const rule of settings.suppressible) {
    const selected = selectedContexts(rule, settings.config);
    if (!selected) continue;
    const reports = contexts.some((c) => selected.includes(c));
    lines.push(`${rule.code} ${rule.name} ${reports ? 'reports' : 'does not report'} findings here (it reports: ${selected.join(', ')}).`);
  }
  return lines;
}
