/**
 * AWS Lambda handlers and Lambda code. Handlers come from descriptors (SAM, CloudFormation,
 * Serverless, Zappa — read from files — and the CDK and Chalice, read from the project's Python),
 * and, only for modules no descriptor names, from the heuristic: a module-level function with
 * parameters `(event, context)` or named `lambda_handler`. Lambda code is a handler's module and
 * every project module it imports, transitively, inside the function's code directory.
 */

import path from 'node:path';
import type { Project } from './project.js';
import { calleeRangeOf, type CallFact, type ModuleFacts } from '../read/python/facts.js';
import type { SourceLocation } from '../read/deploy/model.js';

export type LambdaSource = 'sam' | 'cloudformation' | 'serverless' | 'zappa' | 'cdk' | 'chalice' | 'heuristic';

export interface LambdaFunction {
  module: ModuleFacts;
  /** The handler function's scope; undefined when only the module is known (Zappa `app_function`). */
  scopeIndex?: number;
  /** The function's code directory; undefined for heuristic handlers. */
  codeDirectory?: string;
  source: LambdaSource;
  /** Where a descriptor names it. */
  descriptor?: SourceLocation;
  /** The function's name in its descriptor (SAM logical id, Serverless function name), when it has one. */
  name?: string;
}

export interface LambdaView {
  functions: LambdaFunction[];
  /** Every module that is Lambda code, with the handler it belongs to (the first found). */
  codeModules: Map<ModuleFacts, LambdaFunction>;
  /** Code directories of descriptor-named functions (for their dependency manifests). */
  codeDirectories: { directory: string; function: LambdaFunction }[];
}

/** How a message names a function: `OrdersFunction (functions/orders/app.py)`. */
export function describeFunction(project: Project, fn: LambdaFunction): string {
  const file = project.displayPath(fn.module.path);
  return fn.name ? `${fn.name} (${file})` : file;
}

export function lambdaView(project: Project): LambdaView {
  return project.derived(build);
}

/** `src/handlers.app.lambda_handler` → the module file and function name, from a code directory. */
function resolveHandler(project: Project, codeDirectory: string, handler: string): { module: ModuleFacts; name: string } | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const modulePath = handler.slice(0, dot).replace(/\./g, '/');
  const name = handler.slice(dot + 1);
  const module = project.moduleAt(path.join(codeDirectory, `${modulePath}.py`)) ?? project.moduleAt(path.join(codeDirectory, modulePath, '__init__.py'));
  return module ? { module, name } : undefined;
}

function topLevelFunction(module: ModuleFacts, name: string): number | undefined {
  const i = module.scopes.findIndex((s) => s.parent === 0 && s.kind === 'function' && s.name === name);
  return i >= 0 ? i : undefined;
}

function stringArgument(call: CallFact, keyword: string): string | undefined {
  const a = call.arguments.find((x) => x.keyword === keyword);
  return a?.value.kind === 'str' ? a.value.value : undefined;
}

const CDK_FUNCTIONS = new Set(['aws_cdk.aws_lambda.Function', 'aws_cdk.aws_lambda.SingletonFunction']);
const CDK_PYTHON_FUNCTIONS = new Set(['aws_cdk.aws_lambda_python_alpha.PythonFunction', 'aws_cdk.aws_lambda_python.PythonFunction']);

/** The directories a CDK asset path may be relative to: the stack module's directory and its parents. */
function ancestors(project: Project, file: string): string[] {
  const out: string[] = [];
  let dir = path.dirname(file);
  for (;;) {
    out.push(dir);
    const rel = path.relative(project.root, dir);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) break;
    dir = path.dirname(dir);
  }
  return out;
}

function cdkFunctions(project: Project): LambdaFunction[] {
  const out: LambdaFunction[] = [];
  for (const module of project.modules) {
    module.calls.forEach((call, index) => {
      if (!/Function$/.test(call.calleeText)) return;
      const callee = project.canonical(call.callee);
      if (!callee) return;
      let asset: string | undefined;
      let handler: string | undefined;
      if (CDK_FUNCTIONS.has(callee)) {
        handler = stringArgument(call, 'handler');
        // code=Code.from_asset("dir"): the nested call's first argument.
        const code = module.calls.find((c, i) => i !== index && c.argumentOf === index && /\.Code\.(from_asset|asset)$/.test(project.canonical(c.callee) ?? ''));
        const first = code?.arguments[0]?.value;
        asset = first?.kind === 'str' ? first.value : undefined;
      } else if (CDK_PYTHON_FUNCTIONS.has(callee)) {
        asset = stringArgument(call, 'entry');
        const index_ = (stringArgument(call, 'index') ?? 'index.py').replace(/\.py$/, '');
        handler = `${index_}.${stringArgument(call, 'handler') ?? 'handler'}`;
      } else return;
      if (!asset || !handler) return;
      for (const base of ancestors(project, module.path)) {
        const codeDirectory = path.resolve(base, asset);
        const resolved = resolveHandler(project, codeDirectory, handler);
        if (!resolved) continue;
        const id = call.arguments[1]?.value;
        out.push({
          module: resolved.module,
          scopeIndex: topLevelFunction(resolved.module, resolved.name),
          codeDirectory,
          source: 'cdk',
          descriptor: { path: module.path, range: calleeRangeOf(call) },
          ...(id?.kind === 'str' ? { name: id.value } : {}),
        });
        break;
      }
    });
  }
  return out;
}

const CHALICE_DECORATOR = /^chalice\.(app\.)?Chalice\(\)\.(route|lambda_function|schedule|on_[a-z0-9_]+|authorizer|websocket_[a-z]+)(\(\))?$/;

function chaliceFunctions(project: Project): LambdaFunction[] {
  const out: LambdaFunction[] = [];
  for (const dir of project.deployment.chaliceApps) {
    const module = project.moduleAt(path.join(dir, 'app.py'));
    if (!module) continue;
    module.scopes.forEach((scope, scopeIndex) => {
      if (scope.parent !== 0 || scope.kind !== 'function') return;
      if (scope.decorators.some((d) => CHALICE_DECORATOR.test(project.canonical(d.name) ?? ''))) {
        out.push({ module, scopeIndex, codeDirectory: dir, source: 'chalice' });
      }
    });
    if (!out.some((f) => f.module === module)) out.push({ module, codeDirectory: dir, source: 'chalice' });
  }
  return out;
}

const EVENT_CONTEXT = [
  ['event', 'context'],
  ['_event', '_context'],
  ['event', '_context'],
  ['_event', 'context'],
];

function heuristicFunctions(project: Project, named: Set<ModuleFacts>): LambdaFunction[] {
  const out: LambdaFunction[] = [];
  for (const module of project.modules) {
    if (named.has(module)) continue;
    module.scopes.forEach((scope, scopeIndex) => {
      if (scope.parent !== 0 || scope.kind !== 'function') return;
      const params = scope.parameters.map((p) => p.name);
      const eventContext = params.length === 2 && EVENT_CONTEXT.some(([e, c]) => params[0] === e && params[1] === c);
      if (eventContext || scope.name === 'lambda_handler') out.push({ module, scopeIndex, source: 'heuristic' });
    });
  }
  return out;
}

function build(project: Project): LambdaView {
  const functions: LambdaFunction[] = [];
  for (const d of project.deployment.lambdaDescriptors) {
    const resolved = resolveHandler(project, d.codeDirectory, d.handler);
    if (!resolved) continue;
    functions.push({
      module: resolved.module,
      scopeIndex: d.moduleOnly ? undefined : topLevelFunction(resolved.module, resolved.name),
      codeDirectory: d.codeDirectory,
      source: d.source,
      descriptor: d.location,
      ...(d.name ? { name: d.name } : {}),
    });
  }
  functions.push(...cdkFunctions(project), ...chaliceFunctions(project));
  const named = new Set(functions.map((f) => f.module));
  functions.push(...heuristicFunctions(project, named));

  const codeModules = new Map<ModuleFacts, LambdaFunction>();
  for (const fn of functions) {
    const root = fn.codeDirectory ?? path.dirname(fn.module.path);
    const queue = [fn.module];
    while (queue.length > 0) {
      const module = queue.shift()!;
      if (codeModules.has(module)) continue;
      codeModules.set(module, fn);
      for (const imported of importedModules(project, module, root, fn.codeDirectory !== undefined)) {
        if (!codeModules.has(imported)) queue.push(imported);
      }
    }
  }
  const codeDirectories = functions.filter((f) => f.codeDirectory && f.source !== 'heuristic').map((f) => ({ directory: f.codeDirectory!, function: f }));
  return { functions, codeModules, codeDirectories };
}

function inside(directory: string, file: string): boolean {
  const rel = path.relative(directory, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Project modules a module imports, as the Lambda runtime would find them: relative imports, and
 * absolute ones from the function's code directory (the root of its deployment package).
 */
function importedModules(project: Project, module: ModuleFacts, root: string, strict: boolean): ModuleFacts[] {
  const out: ModuleFacts[] = [];
  const add = (m: ModuleFacts | undefined): void => {
    if (m && m !== module && (!strict || inside(root, m.path))) out.push(m);
  };
  const fromRoot = (dotted: string): ModuleFacts | undefined => {
    const rel = dotted.split('.').join(path.sep);
    return project.moduleAt(path.join(root, `${rel}.py`)) ?? project.moduleAt(path.join(root, rel, '__init__.py'));
  };
  for (const imp of module.imports) {
    if (imp.typeCheckingOnly) continue;
    const names = imp.name && imp.name !== '*' ? [`${imp.module}.${imp.name}`, imp.module] : [imp.module];
    for (const name of names) {
      // An import of the code directory's own package is already spelled as the project names it (importroots.ts).
      const named = project.module(name);
      const m = imp.level > 0 ? named : (fromRoot(name) ?? (strict && !(named && inside(root, named.path)) ? undefined : named));
      if (m) {
        add(m);
        break;
      }
    }
  }
  return out;
}
