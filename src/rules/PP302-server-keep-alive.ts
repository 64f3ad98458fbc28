import type { SourceRange } from '../core/diagnostics.js';
import type { ModuleFacts } from '../read/python/facts.js';
import type { Rule, RuleContext } from './rule.js';
import { known, valueText, type DeployValue } from '../read/deploy/model.js';
import { optionValue } from '../read/deploy/options.js';
import { gunicornSettings, isDevelopment, seconds, workerKind } from '../model/serving.js';

/**
 * PP302 server-keep-alive: a production uvicorn or gunicorn server whose HTTP keep-alive timeout
 * is missing (uvicorn's default is 5 s, gunicorn's 2 s) or a literal below `keep-alive-min-seconds`,
 * shorter than the idle timeout of the load balancer in front of it.
 */

interface Options {
  keepAliveMinSeconds: number;
}

const UVICORN_CALLS = new Set(['uvicorn.run', 'uvicorn.main.run', 'uvicorn.Config', 'uvicorn.config.Config']);

function tooLow(value: DeployValue | true | undefined, min: number): number | undefined {
  const s = seconds(value);
  return s !== undefined && s < min ? s : undefined;
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

A misspelt gunicorn setting (\`keep_alive = 60\` in \`gunicorn.conf.py\`: gunicorn silently ignores names it does not know) counts as missing, and the message says so.`,
    why: `Uvicorn closes an idle connection after 5 s and gunicorn after 2 s; load balancers keep theirs open longer (AWS ALB: 60 s). The balancer then sends a request on a connection the server has just closed, and the client gets a 502 — rarely, under load, and never in a local test. “High Performance FastAPI” (PyCon JP 2021) traced memory growth and errors of a FastAPI service behind nginx to keep-alive: the fix was HTTP/1.1 keep-alive from nginx and \`--timeout-keep-alive\` on uvicorn; the FLINTERS load test's compose file sets \`--timeout-keep-alive 60\` (uvicorn) and \`--keep-alive=60\` (gunicorn).`,
    fix: `Set the server's keep-alive above the balancer's idle timeout: \`uvicorn app.main:app --timeout-keep-alive 65\`, \`uvicorn.run(app, timeout_keep_alive=65)\`, \`gunicorn --keep-alive 65 ...\` or \`keepalive = 65\` in \`gunicorn.conf.py\`. \`fastapi run\` has no keep-alive option in older FastAPI CLI versions: run \`uvicorn\` directly there.`,
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
      "gunicorn with the `sync` worker (the default), which ignores `keepalive` altogether (gunicorn's documentation);",
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
    },
    defaults: { keepAliveMinSeconds: 60 },
  },

  checkProject(context: RuleContext<Options>): void {
    const { project } = context;
    const min = context.options.keepAliveMinSeconds;
    for (const invocation of project.deployment.invocations) {
      const at = { path: invocation.location.path, range: invocation.location.range };
      if (invocation.program === 'uvicorn' || (invocation.program === 'fastapi' && invocation.subcommand === 'run')) {
        if (isDevelopment(invocation)) continue;
        const option = optionValue(invocation.options, 'timeout-keep-alive');
        const value = option ? option.value : invocation.environment.UVICORN_TIMEOUT_KEEP_ALIVE;
        const name = invocation.program === 'fastapi' ? '`fastapi run`' : 'uvicorn';
        if (value === undefined) {
          context.report({ ...at, message: `${name} runs without \`--timeout-keep-alive\`: Uvicorn closes idle connections after 5 s, before a load balancer does (AWS ALB: 60 s), which gives intermittent 502s. Add \`--timeout-keep-alive ${Math.max(min + 5, 65)}\`.` });
        } else {
          const low = tooLow(value, min);
          if (low !== undefined) context.report({ ...at, message: `${name} keeps idle connections for ${low} s, less than ${min} s (\`keep-alive-min-seconds\`, the load balancer's idle timeout): set \`--timeout-keep-alive\` above it.` });
        }
        continue;
      }
      if (invocation.program !== 'gunicorn') continue;
      const settings = gunicornSettings(project, invocation);
      if (isDevelopment(invocation, settings)) continue;
      const worker = workerKind(project, settings.workerClass.value);
      if (worker === 'sync' || worker === 'unknown') continue;
      const keepalive = settings.keepalive;
      if (!keepalive) {
        if (settings.unknownEnvironment) continue;
        const misspelt = settings.misspelt.find((m) => m.setting === 'keepalive');
        context.report({
          ...at,
          message: misspelt
            ? `gunicorn runs without a keep-alive: \`${misspelt.name}\` in its config file is not a gunicorn setting (gunicorn ignores unknown names; the setting is \`keepalive\`), so the default of 2 s applies, shorter than a load balancer's idle timeout (AWS ALB: 60 s).`
            : `gunicorn (worker class \`${valueText(settings.workerClass.value)}\`) runs without \`--keep-alive\`: the default of 2 s is shorter than a load balancer's idle timeout (AWS ALB: 60 s), which gives intermittent 502s. Add \`--keep-alive ${Math.max(min + 5, 65)}\` or \`keepalive = ${Math.max(min + 5, 65)}\` in gunicorn.conf.py.`,
          related: misspelt ? [{ ...misspelt.location, message: `\`${misspelt.name}\` is ignored by gunicorn` }] : undefined,
        });
        continue;
      }
      const low = tooLow(keepalive.value, min);
      if (low === undefined) continue;
      const where = keepalive.origin === 'config' && keepalive.location ? keepalive.location : at;
      context.report({
        path: where.path,
        range: where.range,
        message: `gunicorn keeps idle connections for ${low} s, less than ${min} s (\`keep-alive-min-seconds\`, the load balancer's idle timeout): raise \`keepalive\`.`,
      });
    }
    // uvicorn.run(...) / uvicorn.Config(...) in Python.
    for (const module of project.modules) checkPython(module, context, min);
  },
};

function checkPython(module: ModuleFacts, context: RuleContext<Options>, min: number): void {
  for (const call of module.calls) {
    if (!/(run|Config)$/.test(call.calleeText)) continue;
    const name = context.project.canonical(call.callee);
    if (!name || !UVICORN_CALLS.has(name)) continue;
    if (call.arguments.some((a) => a.splat === '**')) continue;
    const reload = call.arguments.find((a) => a.keyword === 'reload');
    if (reload && !(reload.value.kind === 'bool' && !reload.value.value)) continue;
    const keep = call.arguments.find((a) => a.keyword === 'timeout_keep_alive');
    const range: SourceRange = call.calleeRange;
    if (!keep) {
      context.report({ path: module.path, range, message: `\`${call.calleeText}(...)\` without \`timeout_keep_alive\`: Uvicorn closes idle connections after 5 s, before a load balancer does (AWS ALB: 60 s), which gives intermittent 502s. Pass \`timeout_keep_alive=${Math.max(min + 5, 65)}\`.` });
      continue;
    }
    const value = keep.value.kind === 'num' ? known(keep.value.value) : undefined;
    const low = tooLow(value, min);
    if (low !== undefined) context.report({ path: module.path, range, message: `\`timeout_keep_alive=${low}\` is less than ${min} s (\`keep-alive-min-seconds\`, the load balancer's idle timeout): raise it.` });
  }
}
