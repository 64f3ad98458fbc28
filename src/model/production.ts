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
 *   container image), when it is in a Procfile in a subfolder while the project's root has one
 *   (Heroku runs the root's), or when it is an internal model worker: a server whose entry loads a model,
 *   beside another production server of the project, with no proxy routing to it (the project's
 *   own services call it).
 *
 * Every launch says why it is or is not production, for messages and for `explain`.
 */

import path from 'node:path';
import { calleeRangeOf, type CallFact, type ModuleFacts } from '../read/python/facts.js';
import type { ServerInvocation, SourceLocation } from '../read/deploy/model.js';
import { applicationModel, type RouteHandler } from './application.js';
import { frontEvidence, inFrontOf, nearestFront, nginxTargets } from './fronts.js';
import { lambdaView } from './lambda.js';
import { consoleScripts, follow, isCollection, pathPurpose, PURPOSE_TEXT, reachedBy, reachedRoot, unitOf, within, type Builder, type ConsoleScript, type ServerLaunch } from './launchers.js';
import type { Project } from './project.js';
import { asgiServerTarget, gunicornSettings, gunicornTarget, isDevelopment, resolveAppFile, type AppTarget } from './serving.js';

export type { ServerLaunch } from './launchers.js';

export interface ServingView {
  launches: ServerLaunch[];
  ofInvocation(invocation: ServerInvocation): ServerLaunch | undefined;
  ofCall(call: CallFact): ServerLaunch | undefined;
}

export function servingView(project: Project): ServingView {
  return project.derived(build);
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

function build(project: Project): ServingView {
  const b = newBuilder(project);
  // 1. Follow every shipping deployment file into what it runs.
  const rootInvocations = followRoots(b);
  // 2. Every launch, with what is known about it.
  const launches: ServerLaunch[] = [];
  const byInvocation = new Map<ServerInvocation, ServerLaunch>();
  const byCall = new Map<CallFact, ServerLaunch>();
  const lambdaOf = lambdaLocator(b);
  for (const invocation of project.deployment.invocations) {
    const launch = invocationLaunch(b, invocation, rootInvocations.get(invocation), lambdaOf);
    launches.push(launch);
    byInvocation.set(invocation, launch);
  }
  for (const module of project.modules) {
    for (const call of module.calls) {
      const launch = pythonLaunch(b, module, call, lambdaOf);
      if (!launch) continue;
      launches.push(launch);
      byCall.set(call, launch);
    }
  }
  // 3. A project where no deployment file starts a server: its console scripts, or its only launcher.
  fallback(b, launches);
  // 4. Internal model workers, and what stands in front of each production launch.
  placeLaunches(b, launches);
  return {
    launches,
    ofInvocation: (invocation) => byInvocation.get(invocation),
    ofCall: (call) => byCall.get(call),
  };
}

function newBuilder(project: Project): Builder {
  const collection = isCollection(project);
  return {
    project,
    collection,
    deploymentFiles: new Set(project.deploymentFiles.map((f) => f.path)),
    scripts: new Map(),
    reached: new Map(),
    lambdaDockerfiles: lambdaDockerfiles(project, collection),
    inLambda: new Map(),
  };
}

/** Follows every shipping deployment file into what it runs: the server commands they run (directly or through scripts) → the root. */
function followRoots(b: Builder): Map<ServerInvocation, SourceLocation> {
  const { project } = b;
  const deployment = project.deployment;
  const rootInvocations = new Map<ServerInvocation, SourceLocation>();
  for (const invocation of deployment.invocations) {
    if (ROOT_SOURCES.has(invocation.source) && !pathPurpose(project.root, invocation.location.path) && !shadowedProcfile(b, invocation.location.path)) rootInvocations.set(invocation, invocation.location);
  }
  for (const command of deployment.commands) {
    if (ROOT_SOURCES.has(command.source) && !pathPurpose(project.root, command.location.path) && !shadowedProcfile(b, command.location.path)) follow(b, command, command.location, 0);
  }
  for (const invocation of deployment.invocations) {
    const root = b.scripts.get(invocation.location.path);
    if (root && !rootInvocations.has(invocation)) rootInvocations.set(invocation, root);
  }
  return rootInvocations;
}

type LambdaLocator = (file: string, dockerfile?: string) => string | undefined;

/** How a file runs inside AWS Lambda, if it does: from a Lambda image, or in a Lambda function's code. */
function lambdaLocator(b: Builder): LambdaLocator {
  const { project } = b;
  const deployment = project.deployment;
  // Descriptors whose handler is not Python (`run.sh`, the Lambda Web Adapter's bootstrap) count too.
  const lambdaDirectories = [...new Set([...deployment.lambdaDescriptors.map((d) => d.codeDirectory), ...lambdaView(project).codeDirectories.map((d) => d.directory)])];
  return (file, dockerfile) => {
    if (dockerfile && b.lambdaDockerfiles.has(dockerfile)) return b.lambdaDockerfiles.get(dockerfile);
    if (b.inLambda.has(file)) return b.inLambda.get(file);
    const dir = lambdaDirectories.find((d) => within(d, file));
    return dir ? `in the code of a Lambda function (\`${project.displayPath(dir)}/\`)` : undefined;
  };
}

/** The launch of a server command in a deployment file. */
function invocationLaunch(b: Builder, invocation: ServerInvocation, root: SourceLocation | undefined, lambdaOf: LambdaLocator): ServerLaunch {
  const { project } = b;
  const launch: ServerLaunch = { invocation, location: invocation.location, production: false, reason: '' };
  const dockerfile = invocation.source === 'dockerfile' ? invocation.location.path : root && root.path !== invocation.location.path && deploymentKind(project, root.path) === 'dockerfile' ? root.path : undefined;
  const lambda = lambdaOf(invocation.location.path, dockerfile);
  if (lambda) launch.lambda = lambda;
  const settings = invocation.program === 'gunicorn' ? gunicornSettings(project, invocation) : undefined;
  const target = appTargetOf(project, invocation);
  const model = target?.module ? loadsModel(project, target.module) : undefined;
  if (model) launch.modelServer = model;
  decide(b, launch, { development: isDevelopment(invocation, settings) ? developmentText(invocation) : undefined, root });
  if (launch.production && target && !target.module && /^[\w.]+(?::[\w.]+(?:\(\))?)?$/.test(target.text) && project.modules.length > 0) {
    // `uvicorn backend.server:app` where no such module exists: a command left behind by a move.
    launch.production = false;
    launch.reason = `its app \`${target.text}\` names no module of the project (a stale command)`;
  }
  return launch;
}

/** The launch of a `uvicorn.run(...)` / `uvicorn.Config(...)` call, or undefined for any other call. */
function pythonLaunch(b: Builder, module: ModuleFacts, call: CallFact, lambdaOf: LambdaLocator): ServerLaunch | undefined {
  const { project } = b;
  if (!/(run|Config)$/.test(call.calleeText)) return undefined;
  const name = project.canonical(call.callee);
  if (!name || !UVICORN_CALLS.has(name)) return undefined;
  const location = { path: module.path, range: calleeRangeOf(call) };
  const launch: ServerLaunch = { python: { module, call }, location, production: false, reason: '' };
  const lambda = lambdaOf(module.path);
  if (lambda) launch.lambda = lambda;
  const model = loadsModel(project, module);
  if (model) launch.modelServer = model;
  const reload = call.arguments.find((a) => a.keyword === 'reload');
  const development = reload && !(reload.value.kind === 'bool' && !reload.value.value) ? 'a development run (`reload=True`)' : undefined;
  const mainGuard = call.inMainGuard === true;
  decide(b, launch, { development, root: reachedRoot(b, module, call.scope, mainGuard), mainGuard });
  return launch;
}

/** Internal model workers stop being production; every other production launch learns what stands in front of it. */
function placeLaunches(b: Builder, launches: ServerLaunch[]): void {
  const { project, collection } = b;
  const fronts = frontEvidence(project);
  const routed = nginxTargets(project.deployment.nginx, project.root);
  for (const launch of launches) {
    if (!launch.production) continue;
    const unit = unitOf(project, collection, launch.location.path);
    const inFront = inFrontOf(project, collection, launch, unit, fronts, routed);
    if (!inFront.routedHere && launch.modelServer && launches.some((l) => l !== launch && l.production && !l.modelServer && unitOf(project, collection, l.location.path) === unit)) {
      launch.production = false;
      launch.reason = `an internal model worker (its entry ${launch.modelServer}; no proxy routes to it, the project's own services call it)`;
      continue;
    }
    launch.front = nearestFront(inFront);
  }
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
  else if (launch.invocation && shadowedProcfile(b, launch.location.path)) launch.reason = SHADOWED_PROCFILE;
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

const SHADOWED_PROCFILE = "a Procfile in a subfolder, while the project's root has one: Heroku runs the Procfile at the root of the app (one in a subfolder only with a monorepo buildpack)";

/** `backend/Procfile` when `Procfile` exists at the project root: the root one is what Heroku runs. */
function shadowedProcfile(b: Builder, file: string): boolean {
  const { project } = b;
  if (path.basename(file) !== 'Procfile') return false;
  const rootProcfile = path.join(project.root, 'Procfile');
  return file !== rootProcfile && b.deploymentFiles.has(rootProcfile);
}

/** Launches left undecided by the deployment files: production when nothing else starts a server. */
function fallback(b: Builder, launches: ServerLaunch[]): void {
  const { project } = b;
  const undecided = (l: ServerLaunch): boolean => !l.production && !l.lambda && !pathPurpose(project.root, l.location.path) && !/^a development run/.test(l.reason) && l.reason !== SHADOWED_PROCFILE;
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
      const other = otherApp(b, only);
      if (other) {
        only.reason = `the only server launcher found, but not of the project's app: the routes of ${project.displayPath(other.module.path)} are served by something this launcher does not import`;
      } else {
        only.production = true;
        only.reason = 'it is the only way the project starts a server';
      }
    }
  }
}

/**
 * A route handler in the launch's part of the project (tests, examples and the like aside) that
 * the launched module does not import, directly or through other modules, at any level: the
 * routes of another app, which something the project does not show starts (an MCP side server
 * is not the API the project serves).
 */
function otherApp(b: Builder, launch: ServerLaunch): RouteHandler | undefined {
  const { project } = b;
  const start = launch.python?.module ?? (launch.invocation ? appTargetOf(project, launch.invocation)?.module : undefined);
  if (!start) return undefined;
  const unit = unitOf(project, b.collection, launch.location.path);
  const handlers = applicationModel(project).routeHandlers.filter((h) => unitOf(project, b.collection, h.module.path) === unit && !pathPurpose(project.root, h.module.path));
  if (handlers.length === 0) return undefined;
  const reached = new Set<ModuleFacts>([start]);
  const queue = [start];
  const visit = (name: string): void => {
    const to = project.module(name);
    if (to && !reached.has(to)) {
      reached.add(to);
      queue.push(to);
    }
  };
  while (queue.length > 0) {
    const module = queue.pop()!;
    for (const statement of module.imports) {
      if (statement.typeCheckingOnly) continue;
      const parts = statement.module.split('.');
      for (let i = 1; i <= parts.length; i++) visit(parts.slice(0, i).join('.'));
      if (statement.name && statement.name !== '*') visit(`${statement.module}.${statement.name}`);
    }
  }
  return handlers.find((h) => !reached.has(h.module));
}

/** The kind of a deployment file of the project (`dockerfile`, `compose`, ...). */
function deploymentKind(project: Project, file: string): string | undefined {
  return project.deploymentFiles.find((f) => f.path === file)?.kind;
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
// Apps

/** The app a server command serves (for its entry module). */
function appTargetOf(project: Project, invocation: ServerInvocation): AppTarget | undefined {
  if (invocation.program === 'gunicorn') return gunicornTarget(project, invocation, gunicornSettings(project, invocation));
  if (invocation.program === 'uvicorn') return asgiServerTarget(project, invocation);
  return resolveAppFile(project, invocation, invocation.positionals[0] ?? 'main.py', 'app');
}
