/**
 * Production invocations: which of the ways a project starts an application server are the ones
 * production runs, and what stands in front of them. Derived once per run from the deployment
 * model and the project's Python, and asked by the serving rules (PP302, PP305):
 *
 * - a *launch* is a server command in a deployment file (gunicorn, uvicorn, `fastapi run`) or a
 *   `uvicorn.run(...)` / `uvicorn.Config(...)` call in Python;
 * - it is *production* when a deployment file that ships the service runs it — the final stage of
 *   a Dockerfile (CMD/ENTRYPOINT), a compose service, a Kubernetes container (Helm chart templates
 *   included), a Procfile, a systemd unit or a supervisord program — directly, through a start
 *   script they run, through `python -m module` / `python file.py` (the module's `__main__` code and
 *   what it calls), or through a console script the project declares; or, in a project where no
 *   deployment file starts a server, when it is a console script's or the only way the project
 *   starts one;
 * - it is not when it is a development run (`--reload`, `fastapi dev`, `reload=True`), when its file
 *   or folder says it is a test, example, mock, development, preview, stale or vendored launcher
 *   (`tests/`, `docker-compose.dev.yml`, `*_stale.py`, `legacy/`, `old/`, `thirdparty/`), when it
 *   runs inside AWS Lambda (a Lambda function's code, behind the Lambda Web Adapter, a Lambda
 *   container image), or when it is an internal model worker: a server whose entry loads a model,
 *   beside another production server of the project, with no proxy routing to it (the project's
 *   own services call it).
 *
 * Every launch says why it is or is not production, for messages and for `explain`.
 */

import path from 'node:path';
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import { contextPathsOf } from '../read/deploy/installs.js';
import type { DeployCommand, FrontEvidence, NginxDirective, ServerInvocation, SourceLocation } from '../read/deploy/model.js';
import { nginxRoutes, type NginxRoute } from '../read/deploy/nginx.js';
import { optionValue } from '../read/deploy/options.js';
import { lambdaView } from './lambda.js';
import type { Project } from './project.js';
import { asgiServerTarget, gunicornSettings, gunicornTarget, isDevelopment, resolveAppFile, type AppTarget } from './serving.js';

export interface ServerLaunch {
  /** A server command in a deployment file. */
  invocation?: ServerInvocation;
  /** A `uvicorn.run(...)` / `uvicorn.Config(...)` call. */
  python?: { module: ModuleFacts; call: CallFact };
  location: SourceLocation;
  production: boolean;
  /** Why it is (or is not) production, as a message can say it: `run by Dockerfile:12`. */
  reason: string;
  /** The deployment file that runs it, when one does. */
  root?: SourceLocation;
  /** Runs inside AWS Lambda: how (`behind the Lambda Web Adapter`). */
  lambda?: string;
  /** The app's entry loads a model: what shows it (`imports torch`). */
  modelServer?: string;
  /** What the project shows in front of it (a proxy, a load balancer, a platform), nearest first. */
  front?: FrontEvidence;
}

export interface ServingView {
  launches: ServerLaunch[];
  ofInvocation(invocation: ServerInvocation): ServerLaunch | undefined;
  ofCall(call: CallFact): ServerLaunch | undefined;
}

export function servingView(project: Project): ServingView {
  return project.derived(build);
}

// ---------------------------------------------------------------------------------------------
// Paths that say what a file is for

export type PathPurpose = 'test' | 'example' | 'mock' | 'development' | 'stale' | 'vendored';

const FOLDER_PURPOSE: Record<string, PathPurpose> = {
  test: 'test', tests: 'test', testing: 'test', e2e: 'test', __tests__: 'test', spec: 'test', specs: 'test', 'integration_tests': 'test', 'integration-tests': 'test',
  examples: 'example', example: 'example', samples: 'example', sample: 'example', demo: 'example', demos: 'example', tutorial: 'example', tutorials: 'example',
  docs: 'example', doc: 'example', notebooks: 'example', cookbook: 'example', playground: 'example', sandbox: 'example',
  benchmark: 'example', benchmarks: 'example', bench: 'example', loadtest: 'example', loadtests: 'example', locust: 'example', perf: 'example',
  mock: 'mock', mocks: 'mock', fake: 'mock', fakes: 'mock', stub: 'mock', stubs: 'mock', fixtures: 'mock',
  dev: 'development', devcontainer: 'development', local: 'development', preview: 'development',
  legacy: 'stale', old: 'stale', stale: 'stale', deprecated: 'stale', archive: 'stale', archived: 'stale', obsolete: 'stale', attic: 'stale', unused: 'stale',
  thirdparty: 'vendored', third_party: 'vendored', 'third-party': 'vendored', vendor: 'vendored', vendored: 'vendored', external: 'vendored', 'site-packages': 'vendored',
};

/** Words that say it within a longer folder name (others, such as `external` or `docs`, only as the whole name). */
const FOLDER_WORDS = new Set(['test', 'tests', 'testing', 'e2e', 'mock', 'mocks', 'dev', 'preview', 'legacy', 'stale', 'deprecated', 'obsolete', 'thirdparty']);

/** Words of a file name that say the same (`docker-compose.dev.yml`, `Dockerfile.test`, `server_stale.py`). */
const NAME_PURPOSE: Record<string, PathPurpose> = {
  test: 'test', tests: 'test', testing: 'test', ci: 'test', e2e: 'test', conftest: 'test',
  example: 'example', demo: 'example', sample: 'example', benchmark: 'example', bench: 'example', loadtest: 'example',
  mock: 'mock', fake: 'mock', stub: 'mock',
  dev: 'development', develop: 'development', development: 'development', local: 'development', debug: 'development', override: 'development', preview: 'development',
  stale: 'stale', old: 'stale', legacy: 'stale', deprecated: 'stale', obsolete: 'stale', bak: 'stale', backup: 'stale', unused: 'stale',
};

const PURPOSE_TEXT: Record<PathPurpose, string> = {
  test: 'a test launcher',
  example: 'an example, benchmark or documentation launcher',
  mock: 'a mock service',
  development: 'a development launcher',
  stale: 'a stale launcher',
  vendored: 'vendored third-party code',
};

/** What a file's path says it is for (relative to the project root), or undefined for ordinary files. */
export function pathPurpose(root: string, file: string): { purpose: PathPurpose; word: string } | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === '..') return undefined;
  const folders = rel.slice(0, -1);
  for (const folder of folders) {
    const lower = folder.toLowerCase().replace(/^\./, '');
    if (FOLDER_PURPOSE[lower]) return { purpose: FOLDER_PURPOSE[lower], word: `${folder}/` };
    // A word of the folder's name: `mock_llm/`, `integration-tests/`, `dev-node/`, `legacy_api/`.
    for (const token of lower.split(/[-_.]/)) {
      if (FOLDER_WORDS.has(token)) return { purpose: FOLDER_PURPOSE[token], word: `${folder}/` };
    }
  }
  const name = rel[rel.length - 1].toLowerCase();
  if (/^test_.*\.py$|_test\.py$|^conftest\.py$/.test(name)) return { purpose: 'test', word: rel[rel.length - 1] };
  const stem = name.replace(/\.(py|ya?ml|sh|conf|service|json|toml)$/, '');
  for (const token of stem.split(/[-_.]/)) {
    if (NAME_PURPOSE[token]) return { purpose: NAME_PURPOSE[token], word: rel[rel.length - 1] };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Units: a repository of many independent samples is judged sample by sample

/**
 * The part of the project a file belongs to: the whole project, unless the project is a collection
 * of independent samples (its root holds no deployment file or module of its own, and many of its
 * top-level folders have deployment files): then the top-level folder the file is in.
 */
function unitOf(project: Project, collection: boolean, file: string): string {
  if (!collection) return project.root;
  const first = path.relative(project.root, file).split(path.sep)[0];
  return first && first !== '..' ? path.join(project.root, first) : project.root;
}

/** Folders of independent samples, each with its own deployment files, and nothing at the root. */
const COLLECTION_FOLDERS = 20;

function isCollection(project: Project): boolean {
  if (project.deploymentFiles.some((f) => path.dirname(f.path) === project.root) || project.modules.some((m) => path.dirname(m.path) === project.root)) return false;
  const folders = new Set(project.deploymentFiles.map((f) => path.relative(project.root, f.path).split(path.sep)[0]));
  return folders.size >= COLLECTION_FOLDERS;
}

function within(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// ---------------------------------------------------------------------------------------------
// Models

/** Packages whose import at the top of an entry module means the server holds a model. */
const ML_PACKAGES = new Set([
  'torch', 'transformers', 'sentence_transformers', 'tensorflow', 'keras', 'jax', 'flax', 'vllm', 'onnxruntime', 'llama_cpp', 'diffusers',
  'ctranslate2', 'optimum', 'whisper', 'faster_whisper', 'ultralytics', 'spacy', 'paddle', 'mxnet', 'xgboost', 'lightgbm', 'catboost', 'tritonclient',
]);

const MODEL_LOADER = /\.from_pretrained$|^transformers\.pipeline$|^sentence_transformers\.(SentenceTransformer|CrossEncoder)$|^torch(\.jit)?\.load$|(^|\.)load_model$|^joblib\.load$|^vllm\.LLM$|^onnxruntime\.InferenceSession$|^llama_cpp\.Llama$|^spacy\.load$|^ultralytics\.YOLO$/;

/** A name that holds a model's name or path: `model`, `model_name`, `safety_model_name`, `checkpoint`, `weights_path`. */
const MODEL_NAME = /(^|_)(model(_?(name|id|path|dir))?|checkpoint(_path)?|weights(_path)?|pretrained_model_name_or_path)$/i;

/** Startup code: module level, a startup event handler, a lifespan function, a `load_*` function. */
function startupScope(module: ModuleFacts, scope: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    const sc = module.scopes[s];
    if (s === 0) return true;
    if (sc.kind !== 'function') continue;
    if (/lifespan|startup|^load_|warm_?up/i.test(sc.name)) return true;
    if (sc.decorators.some((d) => /on_event\(\s*["']startup["']|\.lifespan\b|on_startup/.test(d.text))) return true;
  }
  return false;
}

/** Whether a module is the entry of a model server, and what shows it. */
export function loadsModel(project: Project, module: ModuleFacts): string | undefined {
  const ml = module.imports.find((i) => i.scope === 0 && !i.typeCheckingOnly && ML_PACKAGES.has(i.module.split('.')[0]));
  if (ml) return `imports ${ml.module.split('.')[0]}`;
  for (const call of module.calls) {
    const name = project.canonical(call.callee) ?? call.calleeText;
    if (MODEL_LOADER.test(name)) return `loads a model (\`${call.calleeText}(...)\`)`;
  }
  // A third-party class (or loader) given a model's name at start-up: `Blade2Blade(settings.safety_model_name)`.
  for (const call of module.calls) {
    if (!startupScope(module, call.scope)) continue;
    const name = project.canonical(call.callee);
    if (!name || project.definition(name.replace(/\(\)$/, '')) || /^(builtins|os|logging|typing)\./.test(name)) continue;
    const last = name.replace(/\(\)$/, '').split('.').pop() ?? '';
    if (!/^[A-Z]/.test(last) && !/load|pipeline/i.test(last)) continue;
    const arg = call.arguments.find((a) => {
      const v = a.value;
      const text = v.kind === 'ref' || v.kind === 'other' ? v.text : '';
      return MODEL_NAME.test(a.keyword ?? '') || MODEL_NAME.test(text.split('.').pop() ?? '');
    });
    if (arg) return `loads a model at start-up (\`${call.calleeText}(...)\`)`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Building the view

const UVICORN_CALLS = new Set(['uvicorn.run', 'uvicorn.main.run', 'uvicorn.Config', 'uvicorn.config.Config']);

/** Deployment files that ship a service: what they run is production. */
const ROOT_SOURCES = new Set(['dockerfile', 'compose', 'kubernetes', 'procfile', 'systemd', 'supervisord']);

const ROOT_TEXT: Record<string, string> = {
  dockerfile: 'the Dockerfile',
  compose: 'the compose file',
  kubernetes: 'the Kubernetes manifest',
  procfile: 'the Procfile',
  systemd: 'the systemd unit',
  supervisord: 'the supervisord program',
};

/** CDK constructs of load balancers and platforms (the Python CDK: the project's own modules). */
const CDK_FRONTS: [RegExp, string][] = [
  [/^aws_cdk\.aws_ecs_patterns\.ApplicationLoadBalanced\w+$/, 'an AWS Application Load Balancer'],
  [/^aws_cdk\.aws_elasticloadbalancingv2\.ApplicationLoadBalancer$/, 'an AWS Application Load Balancer'],
  [/^aws_cdk\.aws_elasticloadbalancing\.LoadBalancer$/, 'an AWS load balancer'],
  [/^aws_cdk\.aws_apprunner(_alpha)?\.\w*Service$/, 'AWS App Runner'],
];

interface Builder {
  project: Project;
  collection: boolean;
  deploymentFiles: Set<string>;
  /** Scripts already followed (by path) → the root that runs them. */
  scripts: Map<string, SourceLocation>;
  /** Python scopes reached from a root: `module path#scope` → the root. */
  reached: Map<string, SourceLocation>;
  /** Dockerfiles that build Lambda images or carry the Web Adapter (path → how). */
  lambdaDockerfiles: Map<string, string>;
  /** Scripts and modules run from a Lambda image: they run in Lambda too. */
  inLambda: Map<string, string>;
}

function build(project: Project): ServingView {
  const deployment = project.deployment;
  const collection = isCollection(project);
  const b: Builder = {
    project,
    collection,
    deploymentFiles: new Set(project.deploymentFiles.map((f) => f.path)),
    scripts: new Map(),
    reached: new Map(),
    lambdaDockerfiles: lambdaDockerfiles(project, collection),
    inLambda: new Map(),
  };

  // 1. Follow every shipping deployment file into what it runs.
  const rootInvocations = new Map<ServerInvocation, SourceLocation>();
  for (const invocation of deployment.invocations) {
    if (ROOT_SOURCES.has(invocation.source) && !pathPurpose(project.root, invocation.location.path)) rootInvocations.set(invocation, invocation.location);
  }
  for (const command of deployment.commands) {
    if (ROOT_SOURCES.has(command.source) && !pathPurpose(project.root, command.location.path)) follow(b, command, command.location, 0);
  }
  for (const invocation of deployment.invocations) {
    const root = b.scripts.get(invocation.location.path);
    if (root && !rootInvocations.has(invocation)) rootInvocations.set(invocation, root);
  }

  // 2. Every launch, with what is known about it.
  const launches: ServerLaunch[] = [];
  const byInvocation = new Map<ServerInvocation, ServerLaunch>();
  const byCall = new Map<CallFact, ServerLaunch>();
  // Descriptors whose handler is not Python (`run.sh`, the Lambda Web Adapter's bootstrap) count too.
  const lambdaDirectories = [...new Set([...deployment.lambdaDescriptors.map((d) => d.codeDirectory), ...lambdaView(project).codeDirectories.map((d) => d.directory)])];
  const lambdaOf = (file: string, dockerfile?: string): string | undefined => {
    if (dockerfile && b.lambdaDockerfiles.has(dockerfile)) return b.lambdaDockerfiles.get(dockerfile);
    if (b.inLambda.has(file)) return b.inLambda.get(file);
    const dir = lambdaDirectories.find((d) => within(d, file));
    return dir ? `in the code of a Lambda function (\`${project.displayPath(dir)}/\`)` : undefined;
  };
  for (const invocation of deployment.invocations) {
    const root = rootInvocations.get(invocation);
    const launch: ServerLaunch = { invocation, location: invocation.location, production: false, reason: '' };
    const dockerfile = invocation.source === 'dockerfile' ? invocation.location.path : root && root.path !== invocation.location.path && deploymentKind(project, root.path) === 'dockerfile' ? root.path : undefined;
    const lambda = lambdaOf(invocation.location.path, dockerfile);
    if (lambda) launch.lambda = lambda;
    const settings = invocation.program === 'gunicorn' ? gunicornSettings(project, invocation) : undefined;
    const target = appTargetOf(project, invocation);
    const model = target?.module ? loadsModel(project, target.module) : undefined;
    if (model) launch.modelServer = model;
    decide(b, launch, { development: isDevelopment(invocation, settings) ? developmentText(invocation) : undefined, root });
    launches.push(launch);
    byInvocation.set(invocation, launch);
  }
  for (const module of project.modules) {
    for (const call of module.calls) {
      if (!/(run|Config)$/.test(call.calleeText)) continue;
      const name = project.canonical(call.callee);
      if (!name || !UVICORN_CALLS.has(name)) continue;
      const location = { path: module.path, range: call.calleeRange };
      const launch: ServerLaunch = { python: { module, call }, location, production: false, reason: '' };
      const lambda = lambdaOf(module.path);
      if (lambda) launch.lambda = lambda;
      const model = loadsModel(project, module);
      if (model) launch.modelServer = model;
      const reload = call.arguments.find((a) => a.keyword === 'reload');
      const development = reload && !(reload.value.kind === 'bool' && !reload.value.value) ? 'a development run (`reload=True`)' : undefined;
      decide(b, launch, { development, root: reachedRoot(b, module, call.scope, call.inMainGuard), mainGuard: call.inMainGuard });
      launches.push(launch);
      byCall.set(call, launch);
    }
  }

  // 3. A project where no deployment file starts a server: its console scripts, or its only launcher.
  fallback(b, launches);
  // 4. Internal model workers, and what stands in front of each production launch.
  const fronts = frontEvidence(project);
  const routed = nginxTargets(deployment.nginx, project.root);
  for (const launch of launches) {
    if (!launch.production) continue;
    const unit = unitOf(project, collection, launch.location.path);
    const started = launch.root?.path ?? launch.location.path;
    const line = `${started}#${(launch.root ?? launch.location).range.line}`;
    const inUnit = fronts.filter((f) => unitOf(project, collection, f.location.path) === unit);
    // In front of this server in particular: its compose file's proxy (with what the proxy's
    // mounted configuration does on the way to it, when that is known), the router of its
    // Procfile line, nginx routing to its port.
    const own = inUnit
      .filter((f) => f.fronts && (f.fronts.includes(started) || f.fronts.includes(line)))
      .map((f) => {
        if (!f.configuration) return f;
        const route = routedBy(launch, routed, f.configuration);
        const linked = routed.filter((r) => f.configuration!.some((c) => within(c, r.route.directive.location.path)));
        if (route) return { ...f, pools: route.pools };
        return linked.length > 0 ? { ...f, pools: linked.some((r) => r.route.pools) } : f;
      });
    const route = routedBy(launch, routed.filter((r) => unitOf(project, collection, r.route.directive.location.path) === unit));
    const routedHere = own.find((f) => f.fronts!.includes(line)) ?? route;
    if (!routedHere && launch.modelServer && launches.some((l) => l !== launch && l.production && !l.modelServer && unitOf(project, collection, l.location.path) === unit)) {
      launch.production = false;
      launch.reason = `an internal model worker (its entry ${launch.modelServer}; no proxy routes to it, the project's own services call it)`;
      continue;
    }
    const applicable = routedHere ? [routedHere, ...own] : own.length > 0 ? own : inUnit.filter((f) => !f.fronts);
    // Something that reuses connections (or may: its configuration is not in the project) comes first.
    const pooling = applicable.filter((f) => f.pools !== false);
    launch.front = (routedHere && routedHere.pools !== false ? routedHere : undefined) ?? nearest(pooling, started) ?? nearest(applicable, started);
  }
  return {
    launches,
    ofInvocation: (invocation) => byInvocation.get(invocation),
    ofCall: (call) => byCall.get(call),
  };
}

function developmentText(invocation: ServerInvocation): string {
  if (invocation.program === 'fastapi' && invocation.subcommand === 'dev') return 'a development run (`fastapi dev`)';
  return 'a development run (`--reload`)';
}

/** Production or not, and why, from what is known before the project-wide fallback. */
function decide(b: Builder, launch: ServerLaunch, known: { development?: string; root?: SourceLocation; mainGuard?: boolean }): void {
  const { project } = b;
  const purpose = pathPurpose(project.root, launch.location.path);
  if (known.development) launch.reason = known.development;
  else if (purpose) launch.reason = `${PURPOSE_TEXT[purpose.purpose]} (\`${purpose.word}\`)`;
  else if (launch.lambda) launch.reason = `it runs inside AWS Lambda (${launch.lambda}), one request per execution environment`;
  else if (launch.invocation && ROOT_SOURCES.has(launch.invocation.source)) {
    launch.production = true;
    launch.reason = `started by ${ROOT_TEXT[launch.invocation.source]}`;
    launch.root = launch.invocation.location;
  } else if (known.root) {
    launch.production = true;
    launch.root = known.root;
    launch.reason = `run by ${project.displayPath(known.root.path)}:${known.root.range.line}`;
  } else if (launch.python) {
    launch.reason = known.mainGuard ? 'a `__main__` runner that no deployment file runs' : 'no deployment file runs the code that starts it';
  } else {
    launch.reason = launch.invocation?.source === 'makefile' ? 'a Makefile target that no deployment file runs' : 'a script that no deployment file runs';
  }
}

/** Launches left undecided by the deployment files: production when nothing else starts a server. */
function fallback(b: Builder, launches: ServerLaunch[]): void {
  const { project } = b;
  const undecided = (l: ServerLaunch): boolean => !l.production && !l.lambda && !pathPurpose(project.root, l.location.path) && !/^a development run/.test(l.reason);
  const units = new Map<string, ServerLaunch[]>();
  for (const l of launches) {
    const unit = unitOf(project, b.collection, l.location.path);
    units.set(unit, [...(units.get(unit) ?? []), l]);
  }
  let scripts: ConsoleScript[] | undefined;
  const consoleRoots = (): ConsoleScript[] => (scripts ??= consoleScripts(b));
  for (const [, members] of units) {
    if (members.some((l) => l.production)) continue;
    const candidates = members.filter(undecided);
    for (const l of candidates) {
      const script = l.python ? reachedBy(b, consoleRoots(), l.python.module, l.python.call) : undefined;
      if (script) {
        l.production = true;
        l.reason = `the console script \`${script.name}\` (${project.displayPath(script.location.path)}) starts it, and no deployment file starts a server`;
        l.root = script.location;
      }
    }
    // The only way: no other launcher at all in this part of the project, development ones included
    // (tests, examples, mocks, vendored code and Lambda aside).
    const others = members.filter((l) => !l.lambda && !/^(test|example|mock|vendored)$/.test(pathPurpose(project.root, l.location.path)?.purpose ?? ''));
    if (!candidates.some((l) => l.production) && candidates.length === 1 && others.length === 1) {
      const [only] = candidates;
      only.production = true;
      only.reason = 'it is the only way the project starts a server';
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Following deployment commands into the project

function deploymentKind(project: Project, file: string): string | undefined {
  return project.deploymentFiles.find((f) => f.path === file)?.kind;
}

/** What a command runs: a file (script or Python), a module (`python -m`), or a console script's name. */
function commandTarget(words: readonly string[]): { file?: string; module?: string; name?: string } | undefined {
  const head = path.posix.basename(words[0] ?? '');
  if (/^(python|pypy)(\d+(\.\d+)*)?$/.test(head)) {
    const m = words.indexOf('-m');
    if (m >= 0 && words[m + 1]) return { module: words[m + 1] };
    const file = words.slice(1).find((w) => !w.startsWith('-'));
    return file ? { file } : undefined;
  }
  if (/^(sh|bash|dash|ash|zsh)$/.test(head)) {
    const file = words.slice(1).find((w) => !w.startsWith('-'));
    return file ? { file } : undefined;
  }
  const word = words[0] ?? '';
  if (word.includes('/') || /\.(sh|py|bash)$/.test(word)) return { file: word };
  if (/^[A-Za-z0-9][\w.-]*$/.test(word)) return { name: word, file: word };
  return undefined;
}

/** Follows a command a shipping file runs (transitively through scripts) and records what it reaches. */
function follow(b: Builder, command: DeployCommand, root: SourceLocation, depth: number): void {
  if (depth > 6) return;
  const { project } = b;
  const target = commandTarget(command.words);
  if (!target) return;
  const lambdaDockerfile = command.source === 'dockerfile' ? b.lambdaDockerfiles.get(command.location.path) : undefined;
  const files = target.file ? resolveFile(b, command, target.file) : [];
  for (const file of files) {
    const module = project.moduleAt(file);
    if (module) {
      if (lambdaDockerfile) b.inLambda.set(file, lambdaDockerfile);
      reachModule(b, module, root);
      continue;
    }
    if (b.scripts.has(file)) continue;
    b.scripts.set(file, root);
    if (lambdaDockerfile) b.inLambda.set(file, lambdaDockerfile);
    for (const inner of project.deployment.commands) {
      if (inner.location.path !== file) continue;
      if (lambdaDockerfile) b.inLambda.set(file, lambdaDockerfile);
      follow(b, { ...inner, source: command.source, location: inner.location }, root, depth + 1);
    }
  }
  if (target.module) {
    const module = resolveModule(b, command, target.module);
    if (module) {
      if (lambdaDockerfile) b.inLambda.set(module.path, lambdaDockerfile);
      reachModule(b, module, root);
    }
  }
  if (target.name && files.length === 0) {
    for (const manifest of project.deployment.dependencies) {
      const script = manifest.scripts?.[target.name];
      if (script) reachSpec(b, script.target, root);
    }
  }
}

/** A path a command names → project files (Python modules or deployment files). */
function resolveFile(b: Builder, command: DeployCommand, written: string): string[] {
  const { project } = b;
  const exists = (f: string): boolean => project.moduleAt(f) !== undefined || b.deploymentFiles.has(f);
  if (written.includes('$')) return [];
  const found = new Set<string>();
  const commandDir = path.dirname(command.location.path);
  const wd = command.workingDirectory;
  if (command.source === 'dockerfile') {
    const stage = project.deployment.dockerStages.find((s) => s.path === command.location.path && s.isFinal);
    const absolute = path.posix.resolve('/', wd ?? '/', written);
    for (const rel of contextPathsOf(absolute, stage?.copies ?? [])) {
      for (const context of buildContexts(project, command.location.path)) {
        const f = path.join(context, rel);
        if (exists(f)) found.add(f);
      }
    }
    if (found.size > 0) return [...found];
  }
  if (!path.posix.isAbsolute(written)) {
    const bases = [commandDir, command.projectDirectory, wd && !path.posix.isAbsolute(wd) ? path.join(command.projectDirectory ?? commandDir, wd) : undefined, project.root];
    for (const base of bases) {
      if (!base) continue;
      const f = path.join(base, written);
      if (exists(f)) found.add(f);
    }
    if (found.size > 0) return [...found];
    if (!written.includes('/')) return [];
  }
  // A container path (`/opt/app/server/main.py`): the longest tail of it that names one project file.
  const parts = written.split('/').filter((p) => p && p !== '.');
  const unit = unitOf(project, b.collection, command.location.path);
  const candidates = [...b.deploymentFiles, ...project.modules.map((m) => m.path)].filter((f) => within(unit, f));
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join(path.sep);
    if (parts.length - i < 2 && i > 0) break;
    const matches = candidates.filter((f) => f === path.join(project.root, tail) || f.endsWith(`${path.sep}${tail}`));
    if (matches.length === 1) return matches;
    if (matches.length > 1) return [];
  }
  return [];
}

/** The directories a Dockerfile may be built from: its own, compose build contexts, and the folders above it. */
function buildContexts(project: Project, dockerfile: string): string[] {
  const out = [path.dirname(dockerfile)];
  for (const s of project.deployment.services) if (s.dockerfile === dockerfile && s.buildContext) out.push(s.buildContext);
  for (let dir = path.dirname(path.dirname(dockerfile)); within(project.root, dir); dir = path.dirname(dir)) {
    out.push(dir);
    if (dir === project.root) break;
  }
  return [...new Set(out)];
}

/** `python -m name` → the module it runs (a package runs its `__main__`). */
function resolveModule(b: Builder, command: DeployCommand, name: string): ModuleFacts | undefined {
  const { project } = b;
  const rel = name.split('.').join(path.sep);
  const bases = [command.projectDirectory, path.dirname(command.location.path), ...(command.source === 'dockerfile' ? buildContexts(project, command.location.path) : []), project.root];
  for (const base of bases) {
    if (!base) continue;
    const m = project.moduleAt(path.join(base, `${rel}.py`)) ?? project.moduleAt(path.join(base, rel, '__main__.py'));
    if (m) return m;
  }
  return project.module(`${name}.__main__`) ?? project.module(name);
}

/** A console script's `module:function` → reach the function (and its module's other functions: a CLI group dispatches to them). */
function reachSpec(b: Builder, spec: string, root: SourceLocation): void {
  const [moduleName, attribute = ''] = spec.split(':');
  const canonical = b.project.canonical(`${moduleName}.${attribute.split('.')[0]}`);
  const def = canonical ? b.project.definition(canonical) : undefined;
  const module = def?.module ?? b.project.module(moduleName);
  if (!module) return;
  reachFunctions(b, module, [0, ...module.scopes.map((s, i) => (s.kind === 'function' ? i : -1)).filter((i) => i > 0)], root, false);
}

/** A module run as `__main__`: its module-level code (the main guard included) and what it calls. */
function reachModule(b: Builder, module: ModuleFacts, root: SourceLocation): void {
  reachFunctions(b, module, [0], root, true);
}

const MAX_REACHED = 4000;

/**
 * Marks scopes as run from a root, following calls (and functions passed as arguments) into project
 * functions. `asMain`: the module's own code runs as `__main__` (its main guard runs).
 */
function reachFunctions(b: Builder, module: ModuleFacts, scopes: number[], root: SourceLocation, asMain: boolean): void {
  const { project } = b;
  const queue: [ModuleFacts, number][] = scopes.map((s) => [module, s]);
  while (queue.length > 0 && b.reached.size < MAX_REACHED) {
    const [m, scope] = queue.shift()!;
    const main = scope === 0 && m === module && asMain;
    const key = `${m.path}#${main ? 'main' : scope}`;
    if (b.reached.has(key)) continue;
    b.reached.set(key, root);
    for (const call of m.calls) {
      if (!runsWithin(m, call.scope, scope) || (scope === 0 && call.inMainGuard && !main)) continue;
      const names = [call.callee, ...call.arguments.map((a) => (a.value.kind === 'ref' ? a.value.name : null))];
      for (const name of names) {
        const canonical = project.canonical(name);
        const def = canonical ? project.definition(canonical.replace(/\(\)$/, '')) : undefined;
        if (def && def.scope.kind === 'function') queue.push([def.module, def.scopeIndex]);
        else if (def && def.scope.kind === 'class') {
          const init = def.module.scopes.findIndex((s) => s.parent === def.scopeIndex && s.kind === 'function' && s.name === '__init__');
          if (init >= 0) queue.push([def.module, init]);
        }
      }
    }
  }
}

/** Code of scope `scope` runs when `owner` runs: the scope is the owner, or nested in it (closures are called where they are defined). */
function runsWithin(module: ModuleFacts, scope: number, owner: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    if (s === owner) return true;
    // Module-level code runs with the module; a class body too.
    if (owner === 0 && module.scopes[s].kind === 'function') return false;
  }
  return false;
}

/**
 * The root whose code reaches a call in this scope, if any: a reached function runs every scope
 * nested in it; reached module-level code runs the calls at module level — those in the
 * `if __name__ == "__main__":` block only when the module itself is run.
 */
function reachedRoot(b: Builder, module: ModuleFacts, scope: number, inMainGuard: boolean): SourceLocation | undefined {
  let inFunction = false;
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    if (s === 0) return inFunction ? undefined : (b.reached.get(`${module.path}#main`) ?? (inMainGuard ? undefined : b.reached.get(`${module.path}#0`)));
    const root = b.reached.get(`${module.path}#${s}`);
    if (root) return root;
    if (module.scopes[s].kind === 'function' || module.scopes[s].kind === 'lambda') inFunction = true;
  }
  return undefined;
}

interface ConsoleScript {
  name: string;
  location: SourceLocation;
  reached: Map<string, SourceLocation>;
}

/** The project's console scripts, each with the Python scopes it reaches. */
function consoleScripts(b: Builder): ConsoleScript[] {
  const out: ConsoleScript[] = [];
  for (const manifest of b.project.deployment.dependencies) {
    for (const [name, script] of Object.entries(manifest.scripts ?? {})) {
      const location = { path: manifest.path, range: { line: script.line, column: 1, endLine: script.line, endColumn: 1 + name.length } };
      const sub: Builder = { ...b, reached: new Map() };
      reachSpec(sub, script.target, location);
      out.push({ name, location, reached: sub.reached });
    }
  }
  return out;
}

function reachedBy(b: Builder, scripts: ConsoleScript[], module: ModuleFacts, call: CallFact): ConsoleScript | undefined {
  return scripts.find((script) => reachedRoot({ ...b, reached: script.reached }, module, call.scope, call.inMainGuard) !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Lambda

/**
 * Dockerfiles whose image runs in Lambda: built FROM a Lambda base image, or carrying the Lambda
 * Web Adapter — unless the same sample also runs containers on ECS/Fargate (the adapter is inert
 * outside Lambda) or a compose service builds the image.
 */
function lambdaDockerfiles(project: Project, collection: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const ecsUnits = new Set<string>();
  for (const module of project.modules) {
    if (module.calls.some((c) => /^aws_cdk\.aws_ecs(_patterns)?\./.test(project.canonical(c.callee) ?? ''))) ecsUnits.add(unitOf(project, collection, module.path));
  }
  for (const stage of project.deployment.dockerStages) {
    if (!stage.isFinal) continue;
    if (stage.lambdaImage) out.set(stage.path, 'inside a Lambda container image');
    else if (stage.lambdaWebAdapter) {
      const elsewhere = ecsUnits.has(unitOf(project, collection, stage.path)) || project.deployment.services.some((s) => s.dockerfile === stage.path);
      if (!elsewhere) out.set(stage.path, 'behind the Lambda Web Adapter');
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What stands in front

function frontEvidence(project: Project): FrontEvidence[] {
  const out = project.deployment.fronts.filter((f) => !pathPurpose(project.root, f.location.path));
  for (const module of project.modules) {
    if (pathPurpose(project.root, module.path)) continue;
    for (const call of module.calls) {
      const name = project.canonical(call.callee);
      if (!name || !name.startsWith('aws_cdk.')) continue;
      const hit = CDK_FRONTS.find(([re]) => re.test(name));
      if (hit) out.push({ what: hit[1], location: { path: module.path, range: call.calleeRange } });
    }
  }
  return out;
}

/** The evidence closest to a file (the longest shared directory), first found on ties. */
function nearest(fronts: FrontEvidence[], file: string): FrontEvidence | undefined {
  let best: FrontEvidence | undefined;
  let bestShared = -1;
  for (const f of fronts) {
    const a = path.dirname(f.location.path).split(path.sep);
    const c = path.dirname(file).split(path.sep);
    let shared = 0;
    while (shared < a.length && shared < c.length && a[shared] === c[shared]) shared++;
    if (shared > bestShared) {
      best = f;
      bestShared = shared;
    }
  }
  return best;
}

/** nginx routes by the port they send to (the first for each port), as evidence of what is in front. */
function nginxTargets(configs: readonly { path: string; directives: NginxDirective[] }[], root: string): { route: NginxRoute; front: FrontEvidence }[] {
  const out: { route: NginxRoute; front: FrontEvidence }[] = [];
  for (const route of nginxRoutes(configs)) {
    if (pathPurpose(root, route.directive.location.path)) continue;
    out.push({ route, front: { what: 'nginx, which routes to it', location: route.directive.location, pools: route.pools } });
  }
  return out;
}

function portOf(launch: ServerLaunch): string | undefined {
  if (launch.invocation) {
    const port = optionValue(launch.invocation.options, 'port')?.value;
    if (port && port !== true && port.known) return port.value;
    const bind = optionValue(launch.invocation.options, 'bind')?.value;
    if (bind && bind !== true && bind.known) return /:(\d+)$/.exec(bind.value)?.[1];
    return undefined;
  }
  const port = launch.python?.call.arguments.find((a) => a.keyword === 'port')?.value;
  return port?.kind === 'num' ? port.value : undefined;
}

/**
 * The nginx route to the launch's port, if any: among the configuration a proxy in front of it
 * mounts when there is one, else any in its part of the project.
 */
function routedBy(launch: ServerLaunch, routed: { route: NginxRoute; front: FrontEvidence }[], configuration?: string[]): FrontEvidence | undefined {
  const port = portOf(launch);
  if (port === undefined) return undefined;
  const candidates = routed.filter((r) => r.route.ports.includes(port) && (!configuration || configuration.some((c) => within(c, r.route.directive.location.path))));
  return candidates.find((r) => r.route.pools)?.front ?? candidates[0]?.front;
}

/** The app a server command serves (for its entry module). */
function appTargetOf(project: Project, invocation: ServerInvocation): AppTarget | undefined {
  if (invocation.program === 'gunicorn') return gunicornTarget(project, invocation, gunicornSettings(project, invocation));
  if (invocation.program === 'uvicorn') return asgiServerTarget(project, invocation);
  return resolveAppFile(project, invocation, invocation.positionals[0] ?? 'main.py', 'app');
}
