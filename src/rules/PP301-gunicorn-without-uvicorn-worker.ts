import type { RelatedLocation } from '../core/diagnostics.js';
import type { Rule, RuleContext } from './rule.js';
import { addOptionsFix } from '../model/command-fixes.js';
import { valueText } from '../read/deploy/model.js';
import {
  dependenciesAreAsgiOnly,
  gunicornSettings,
  gunicornTarget,
  workerKind,
  type GunicornSettings,
} from '../model/serving.js';

/**
 * PP301 gunicorn-without-uvicorn-worker: a gunicorn invocation whose app is ASGI (FastAPI,
 * Starlette, Quart, Litestar, Django's ASGI application) while its effective worker class cannot
 * serve ASGI — and the mirror: a Uvicorn worker serving a WSGI app (Flask, Django WSGI).
 */

function workerOrigin(settings: GunicornSettings): string {
  const w = settings.workerClass;
  if (w.origin === 'default') return 'the default `sync` worker';
  const where = w.origin === 'config' ? 'the config file' : w.origin === 'environment' ? '`GUNICORN_CMD_ARGS`' : 'the command line';
  return `worker class \`${valueText(w.value)}\` (from ${where})`;
}

export const rule: Rule<Record<string, never>> = {
  code: 'PP301',
  name: 'gunicorn-without-uvicorn-worker',
  severity: 'error',
  summary: 'gunicorn serves an ASGI app (FastAPI, Starlette...) with a WSGI worker: every request fails.',
  tags: ['performance', 'deployment', 'gunicorn', 'asgi', 'correctness'],
  precision: 'high',
  docs: {
    sources: ['R2'],
    language: 'dockerfile',
    what: `A gunicorn invocation — in a Dockerfile, compose file, Procfile, shell script, Makefile, Kubernetes manifest, supervisord or systemd unit — whose app target resolves to an **ASGI** app (\`FastAPI()\`, \`Starlette()\`, \`Quart()\`, \`Litestar()\`, Django's \`get_asgi_application()\`, a project subclass of one, or a factory that builds one) while its effective worker class is not ASGI-capable. The worker class is taken from \`-k\`/\`--worker-class\`, the \`-c\` config file or the default \`./gunicorn.conf.py\` (\`worker_class = ...\`), and \`GUNICORN_CMD_ARGS\`, in gunicorn's precedence (config file < \`GUNICORN_CMD_ARGS\` < command line). ASGI-capable: \`uvicorn.workers.UvicornWorker\`, \`uvicorn.workers.UvicornH11Worker\`, \`uvicorn_worker.UvicornWorker\`, \`uvicorn_worker.UvicornH11Worker\`, gunicorn's own \`asgi\` worker (gunicorn ≥ 24), and project subclasses of the Uvicorn workers.

Also the mirror error: a Uvicorn worker class serving a resolved **WSGI** app (\`Flask()\`, \`get_wsgi_application()\`, \`falcon.App()\`, \`Bottle()\`).

When the target cannot be resolved, the finding is a **warning**, and only when the project's dependencies (\`requirements*.txt\`, \`pyproject.toml\`, \`Pipfile\`, \`setup.cfg\`) name an ASGI framework and no WSGI one.`,
    why: `gunicorn is a WSGI server: it can run FastAPI only as the process manager of Uvicorn's worker class. With the default \`sync\` worker gunicorn calls the ASGI app with the WSGI signature, and every request fails with \`TypeError: __call__() missing 1 required positional argument: 'send'\` (the FLINTERS load test). The service starts, passes a TCP health check, and answers nothing.`,
    fix: `Give gunicorn the Uvicorn worker: \`gunicorn -w 4 -k uvicorn.workers.UvicornWorker app.main:app\` (or \`uvicorn_worker.UvicornWorker\` from the \`uvicorn-worker\` package, which replaces the deprecated \`uvicorn.workers\`), or set \`worker_class\` in \`gunicorn.conf.py\`. Or run \`uvicorn app.main:app --workers 4\` directly. For a WSGI app under a Uvicorn worker, drop \`-k\` (or use \`gthread\`). \`pylint-perf check --fix\` adds \`-k uvicorn.workers.UvicornWorker\` right after \`gunicorn\` in the command (a Dockerfile's shell or exec form, compose, a Procfile, a script; \`--diff\` shows it first) when the worker class comes from the default or a config file; when only the project's dependencies say the app is ASGI, the fix is unsafe (\`--unsafe-fixes\`).`,
    bad: `FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["gunicorn", "-w", "4", "app.main:app"]   # app/main.py: app = FastAPI()`,
    good: `FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["gunicorn", "-w", "4", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"]`,
    notFlagged: [
      'a Uvicorn worker (either package), gunicorn\'s `asgi` worker, or a project subclass of `UvicornWorker`, from any of the three sources;',
      'a worker class only known at run time (`-k $WORKER_CLASS`) or set through an unknown `GUNICORN_CMD_ARGS`;',
      'images built `FROM tiangolo/uvicorn-gunicorn*`, whose start script configures the Uvicorn worker;',
      'a WSGI app (Flask, Django WSGI) with `sync`, `gthread`, `gevent` or `eventlet` workers;',
      'an unresolvable target in a project whose dependencies include a WSGI framework, or no framework at all.',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    for (const invocation of project.deployment.invocations) {
      if (invocation.program !== 'gunicorn') continue;
      if (invocation.image && /(^|\/)tiangolo\/uvicorn-gunicorn/.test(invocation.image)) continue;
      const settings = gunicornSettings(project, invocation);
      if (settings.unknownEnvironment && settings.workerClass.origin !== 'command line') continue;
      const worker = workerKind(project, settings.workerClass.value);
      if (worker === 'unknown') continue;
      const target = gunicornTarget(project, invocation, settings);
      const related: RelatedLocation[] = [];
      if (target?.definition) related.push({ ...target.definition, message: `the app: \`${target.attribute} = ${target.built ?? '...'}\`` });
      if (settings.workerClass.location && settings.workerClass.origin === 'config') related.push({ ...settings.workerClass.location, message: 'worker class set here' });
      const serves = worker === 'uvicorn' || worker === 'asgi' ? 'asgi' : 'wsgi';
      // `-k` goes right after `gunicorn`: a later `-k` on the command line would win over it, so only
      // a worker class from the default or a config file (which the command line overrides) is fixed.
      const fixable = settings.workerClass.origin === 'default' || settings.workerClass.origin === 'config';
      const fix = fixable ? addOptionsFix(invocation, invocation.location.path, ['-k', 'uvicorn.workers.UvicornWorker'], 'Add `-k uvicorn.workers.UvicornWorker`') : undefined;
      if (target?.kind === 'asgi' && serves === 'wsgi') {
        context.report({
          path: invocation.location.path,
          range: invocation.location.range,
          message: `gunicorn serves \`${target.text}\`, an ASGI app (\`${target.built}\`), with ${workerOrigin(settings)}: every request will fail. Add \`-k uvicorn.workers.UvicornWorker\` (or set \`worker_class\` in gunicorn.conf.py), or run it with \`uvicorn\`.`,
          related,
          ...(fix ? { fix } : {}),
        });
      } else if (target?.kind === 'wsgi' && worker === 'uvicorn') {
        context.report({
          path: invocation.location.path,
          range: invocation.location.range,
          message: `gunicorn serves \`${target.text}\`, a WSGI app (\`${target.built}\`), with ${workerOrigin(settings)}, which speaks ASGI only: every request will fail. Use the default \`sync\` worker or \`gthread\`, or wrap the app with an ASGI adapter.`,
          related,
        });
      } else if (target?.kind === undefined && serves === 'wsgi') {
        const deps = dependenciesAreAsgiOnly(project, invocation.location.path);
        if (!deps) continue;
        context.report({
          path: invocation.location.path,
          range: invocation.location.range,
          severity: 'warning',
          message: `gunicorn runs ${target ? `\`${target.text}\`` : 'an app'} with ${workerOrigin(settings)}, and the project depends on ${deps.asgi} (an ASGI framework) and on no WSGI framework; if the app is ASGI every request will fail. Add \`-k uvicorn.workers.UvicornWorker\`.`,
          related: [{ path: deps.path, range: deps.range, message: `${deps.asgi} is a dependency` }],
          // The app is not seen: whether it is ASGI is the user's call (--unsafe-fixes).
          ...(fix ? { fix: { ...fix, applicability: 'unsafe' as const } } : {}),
        });
      }
    }
  },
};
