import type { Fix, RelatedLocation } from '../core/diagnostics.js';
import { addOptionsFix } from '../model/command-fixes.js';
import type { Rule, RuleContext } from './rule.js';
import { known, valueText, type DeployValue, type ServerInvocation } from '../read/deploy/model.js';
import { optionValue } from '../read/deploy/options.js';
import { effectiveWorkerKind, gunicornSettings, seconds } from '../model/serving.js';
import { servingView, type ServerLaunch } from '../model/production.js';

/**
 * PP302 server-keep-alive: a production uvicorn or gunicorn server whose HTTP keep-alive timeout
 * is missing (uvicorn's default is 5 s, gunicorn's 2 s) or a literal below `keep-alive-min-seconds`,
 * shorter than the idle timeout of the proxy or load balancer in front of it. Which invocations are
 * production, and what the project shows in front of them, comes from the production model
 * (model/production.ts): reported when something in front keeps connections to the server, or
 * everywhere when `keep-alive-requires-proxy` is false.
 */

interface Options {
  keepAliveMinSeconds: number;
  keepAliveRequiresProxy: boolean;
}

function tooLow(value: DeployValue | true | undefined, min: number): number | undefined {
  const s = seconds(value);
  return s !== undefined && s < min ? s : undefined;
}

/** How a message speaks of what is (or is not) in front, its severity, and the locations to show. */
interface Framing {
  /** ` behind nginx (deploy/nginx.conf:12)`, or empty. */
  behind: string;
  /** The harm, for what is in front. */
  harm: string;
  related: RelatedLocation[];
}

function framing(context: RuleContext<Options>, launch: ServerLaunch, closes: string): Framing {
  const { project } = context;
  const related: RelatedLocation[] = [];
  if (launch.root && launch.root.path !== launch.location.path) related.push({ ...launch.root, message: 'production starts it here' });
  const front = launch.front;
  if (front) {
    related.push({ ...front.location, message: `in front of it: ${front.what}` });
    return {
      behind: ` behind ${front.what} (${project.displayPath(front.location.path)}:${front.location.range.line})`,
      harm: `${closes}, before the proxy or load balancer in front does (nginx upstream keepalive: 60 s; AWS ALB: 60 s): it then sends requests on connections the server has just closed, and clients see intermittent 502s`,
      related,
    };
  }
  return { behind: '', harm: `${closes}, before a load balancer does (AWS ALB: 60 s), which gives intermittent 502s`, related };
}

export const rule: Rule<Options> = {
  code: 'PP302',
  name: 'server-keep-alive',
  severity: 'warning',
  summary: 'The server closes idle keep-alive connections before the load balancer does: intermittent 502s.',
  tags: ['performance', 'deployment', 'uvicorn', 'gunicorn', 'keep-alive'],
  precision: 'medium',
  docs: {
    sources: ['R5', 'R2'],
    language: 'yaml',
    what: `A production server started without a keep-alive timeout at least as long as the load balancer's idle timeout:

- uvicorn (CLI, \`fastapi run\`, \`uvicorn.run(...)\`, \`uvicorn.Config(...)\`) without \`--timeout-keep-alive\` / \`timeout_keep_alive\` (or \`UVICORN_TIMEOUT_KEEP_ALIVE\` in its environment);
- gunicorn without \`--keep-alive\` / \`keepalive\` — from the command line, its \`-c\` config file, the default \`./gunicorn.conf.py\`, or \`GUNICORN_CMD_ARGS\` — when its worker class uses keep-alive (Uvicorn workers, \`gthread\`, \`gevent\`, \`eventlet\`);
- either with a literal value below \`keep-alive-min-seconds\` (default 60 s, the AWS ALB idle timeout).

A misspelt gunicorn setting (\`keep_alive = 60\` in \`gunicorn.conf.py\`: gunicorn silently ignores names it does not know) counts as missing, and the message says so.

Only *production* invocations are checked: those a deployment file that ships the service runs — the final stage of a Dockerfile (CMD/ENTRYPOINT), a compose service, a Kubernetes container (Helm chart templates included), a Procfile, a systemd unit or a supervisord program — directly, through a start script they run, through \`python -m module\` or \`python file.py\` (the \`__main__\` code and what it calls), or through a console script the project declares. In a project where no deployment file starts a server, a console script's server, or the only server launcher, is production.

The 502s need something in front that keeps connections to the server open. The finding is a **warning** when the project shows one — nginx configuration that reuses connections (an \`upstream\` with \`keepalive\`, HTTP/1.1), a compose service running nginx/Traefik/Caddy/HAProxy/Envoy (or Traefik labels), a Kubernetes Ingress (Helm charts included) or a Service of type LoadBalancer annotated into HTTP mode, an ALB/ELB in CloudFormation, Terraform or the Python CDK, Cloud Run, App Runner, Heroku (a Procfile \`web\` process) or Render — and the message names it. Without one the race cannot happen, so nothing is reported — a service called directly by its clients or by sibling services, a local helper server. When the load balancer is configured outside the repository (an ALB in another infrastructure repository), set \`keep-alive-requires-proxy = false\`: every production invocation is then checked.`,
    why: `Uvicorn closes an idle connection after 5 s and gunicorn after 2 s; load balancers keep theirs open longer (AWS ALB: 60 s). The balancer then sends a request on a connection the server has just closed, and the client gets a 502 — rarely, under load, and never in a local test. “High Performance FastAPI” (PyCon JP 2021) traced memory growth and errors of a FastAPI service behind nginx to keep-alive: the fix was HTTP/1.1 keep-alive from nginx and \`--timeout-keep-alive\` on uvicorn; the FLINTERS load test's compose file sets \`--timeout-keep-alive 60\` (uvicorn) and \`--keep-alive=60\` (gunicorn).`,
    fix: `Set the server's keep-alive above the idle timeout of what is in front of it: \`uvicorn app.main:app --timeout-keep-alive 65\`, \`uvicorn.run(app, timeout_keep_alive=65)\`, \`gunicorn --keep-alive 65 ...\` or \`keepalive = 65\` in \`gunicorn.conf.py\`. \`fastapi run\` has no keep-alive option in older FastAPI CLI versions: run \`uvicorn\` directly there. \`pylint-perf check --fix\` adds \`--timeout-keep-alive 65\` (uvicorn) or \`--keep-alive 65\` (gunicorn) right after the program word of a command that has none — shell words, an exec-form list or a YAML list, as the command is written; \`uvicorn.run(...)\` in Python, \`fastapi run\`, a value that is too low and a misspelt config setting are left to you.`,
    bad: `services:
  api:
    build: .
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000`,
    good: `services:
  api:
    build: .
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --timeout-keep-alive 65`,
    notFlagged: [
      'development runs: `--reload`, `fastapi dev`, `uvicorn.run(..., reload=True)`, gunicorn `--reload`;',
      'invocations that are not production: `uvicorn.run(...)` in the `__main__` block of a module that no deployment file runs, scripts and Makefile targets no deployment file runs (when one starts another server), launchers whose file or folder says what they are (`tests/`, `examples/`, `mock_*`, `docker-compose.dev.yml`, `Dockerfile.test`, `*_stale.py`, `legacy/`, `old/`, `preview/`, `thirdparty/`), a command that names no module of the project, and a Procfile in a subfolder when the project root has its own (Heroku runs the one at the root of the app);',
      'internal model workers: a server whose entry loads a model (imports torch, transformers..., or builds a model at start-up), beside another production server of the project, that no proxy routes to — the project\'s own services call it;',
      'a server whose only proxy in front is shown not to reuse connections — nginx that proxies to it over HTTP/1.0, or without an `upstream` with `keepalive` and `Connection \"\"`: the race cannot happen until nginx keeps connections, and PP303 reports that nginx (fix both together);',
      'a server whose only balancer in front is a Kubernetes Service of type LoadBalancer: a layer-4 balancer (an NLB, a classic ELB in TCP mode, GCP and Azure network load balancers) passes each client connection through and reuses none of its own (this deviates from the catalogue, which lists it as a front; an `aws-load-balancer-backend-protocol: http` annotation, which puts a classic ELB in HTTP mode, makes it one);',
      'servers inside AWS Lambda: in a Lambda function\'s code directory, behind the Lambda Web Adapter (unless the same sample runs the image on ECS/Fargate), or in a Lambda container image;',
      "gunicorn with the `sync` worker (the default, unless `--threads` above 1 makes it `gthread`), which ignores `keepalive` altogether (gunicorn's documentation);",
      'values only known at run time (`--timeout-keep-alive ${KEEPALIVE}`, `keepalive = int(os.environ["KA"])`), and a gunicorn whose `GUNICORN_CMD_ARGS` is not known;',
      '`uvicorn.run(**settings)`: the keyword may be in the mapping.',
    ],
  },
  options: {
    properties: {
      'keep-alive-min-seconds': {
        type: 'number',
        minimum: 0,
        description: "The shortest acceptable keep-alive timeout: the idle timeout of your load balancer (AWS ALB: 60 s; GCP: 600 s; nginx upstream `keepalive_timeout`: 60 s).",
      },
      'keep-alive-requires-proxy': {
        type: 'boolean',
        description: 'Report only when the project shows something in front of the server that keeps connections to it (nginx, Traefik, Envoy, HAProxy, a Kubernetes Ingress, an ALB/ELB, Cloud Run, App Runner, Heroku, Render). Set to false when the load balancer is configured outside the repository: every production invocation is then checked.',
      },
    },
    defaults: { keepAliveMinSeconds: 60, keepAliveRequiresProxy: true },
  },

  checkProject(context: RuleContext<Options>): void {
    const min = context.options.keepAliveMinSeconds;
    for (const launch of servingView(context.project).launches) {
      if (!launch.production) continue;
      // What is in front is shown not to reuse connections (nginx over HTTP/1.0, or without an
      // upstream `keepalive`): no race until it does, and PP303 reports that proxy.
      if (launch.front?.pools === false) continue;
      // Nothing in front that keeps connections open: no race (unless the user says a balancer is configured elsewhere).
      if (!launch.front && context.options.keepAliveRequiresProxy) continue;
      if (launch.invocation) checkCommand(context, launch, launch.invocation, min);
      else checkPython(context, launch, min);
    }
  },
};

function report(context: RuleContext<Options>, launch: ServerLaunch, frame: Framing, message: string, at = launch.location, extra: RelatedLocation[] = [], fix?: Fix): void {
  const related = [...extra, ...frame.related];
  context.report({ path: at.path, range: at.range, message, ...(related.length > 0 ? { related } : {}), ...(fix ? { fix } : {}) });
}

function checkCommand(context: RuleContext<Options>, launch: ServerLaunch, invocation: ServerInvocation, min: number): void {
  const { project } = context;
  const add = Math.max(min + 5, 65);
  if (invocation.program === 'uvicorn' || (invocation.program === 'fastapi' && invocation.subcommand === 'run')) {
    const option = optionValue(invocation.options, 'timeout-keep-alive');
    const value = option ? option.value : invocation.environment.UVICORN_TIMEOUT_KEEP_ALIVE;
    const name = invocation.program === 'fastapi' ? '`fastapi run`' : 'uvicorn';
    if (value === undefined) {
      const frame = framing(context, launch, 'Uvicorn closes idle connections after 5 s');
      // `fastapi run` has no keep-alive option in older FastAPI CLI versions: no fix there.
      const fix = invocation.program === 'uvicorn' ? addOptionsFix(invocation, launch.location.path, ['--timeout-keep-alive', String(add)], `Add \`--timeout-keep-alive ${add}\``) : undefined;
      report(context, launch, frame, `${name} runs without \`--timeout-keep-alive\`${frame.behind}: ${frame.harm}. Add \`--timeout-keep-alive ${add}\`.`, launch.location, [], fix);
    } else {
      const low = tooLow(value, min);
      if (low === undefined) return;
      const frame = framing(context, launch, `it closes idle connections after ${low} s`);
      report(context, launch, frame, `${name} keeps idle connections for ${low} s, less than ${min} s (\`keep-alive-min-seconds\`)${frame.behind}: ${frame.harm}. Set \`--timeout-keep-alive\` above it.`);
    }
    return;
  }
  if (invocation.program !== 'gunicorn') return;
  const settings = gunicornSettings(project, invocation);
  // The sync worker closes every connection after its response: keepalive does not apply to it.
  const worker = effectiveWorkerKind(project, settings);
  if (worker === 'sync' || worker === 'unknown') return;
  const keepalive = settings.keepalive;
  if (!keepalive) {
    if (settings.unknownEnvironment) return;
    const misspelt = settings.misspelt.find((m) => m.setting === 'keepalive');
    const frame = framing(context, launch, 'gunicorn closes idle connections after 2 s');
    report(
      context,
      launch,
      frame,
      misspelt
        ? `gunicorn runs without a keep-alive${frame.behind}: \`${misspelt.name}\` in its config file is not a gunicorn setting (gunicorn ignores unknown names; the setting is \`keepalive\`), so the default applies: ${frame.harm}.`
        : `gunicorn (worker class \`${worker === 'threaded' && valueText(settings.workerClass.value) === 'sync' ? 'gthread' : valueText(settings.workerClass.value)}\`) runs without \`--keep-alive\`${frame.behind}: ${frame.harm}. Add \`--keep-alive ${add}\` or \`keepalive = ${add}\` in gunicorn.conf.py.`,
      launch.location,
      misspelt ? [{ ...misspelt.location, message: `\`${misspelt.name}\` is ignored by gunicorn` }] : [],
      // A misspelt setting is fixed in the config file, by the user: the command line is left alone then.
      misspelt ? undefined : addOptionsFix(invocation, launch.location.path, ['--keep-alive', String(add)], `Add \`--keep-alive ${add}\``),
    );
    return;
  }
  const low = tooLow(keepalive.value, min);
  if (low === undefined) return;
  const where = keepalive.origin === 'config' && keepalive.location ? keepalive.location : launch.location;
  const frame = framing(context, launch, `it closes idle connections after ${low} s`);
  const extra = where !== launch.location ? [{ ...launch.location, message: 'the gunicorn invocation that reads it' }] : [];
  report(context, launch, frame, `gunicorn keeps idle connections for ${low} s, less than ${min} s (\`keep-alive-min-seconds\`)${frame.behind}: ${frame.harm}. Raise \`keepalive\`.`, where, extra);
}

function checkPython(context: RuleContext<Options>, launch: ServerLaunch, min: number): void {
  const { call } = launch.python!;
  if (call.arguments.some((a) => a.splat === '**')) return;
  const keep = call.arguments.find((a) => a.keyword === 'timeout_keep_alive');
  if (!keep) {
    const frame = framing(context, launch, 'Uvicorn closes idle connections after 5 s');
    report(context, launch, frame, `\`${call.calleeText}(...)\` without \`timeout_keep_alive\`${frame.behind}: ${frame.harm}. Pass \`timeout_keep_alive=${Math.max(min + 5, 65)}\`.`);
    return;
  }
  const value = keep.value.kind === 'num' ? known(keep.value.value) : undefined;
  const low = tooLow(value, min);
  if (low === undefined) return;
  const frame = framing(context, launch, `it closes idle connections after ${low} s`);
  report(context, launch, frame, `\`timeout_keep_alive=${low}\` is less than ${min} s (\`keep-alive-min-seconds\`)${frame.behind}: ${frame.harm}. Raise it.`);
}
