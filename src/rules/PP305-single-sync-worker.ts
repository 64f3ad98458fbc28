import type { Rule, RuleContext } from './rule.js';
import { servingView } from '../model/production.js';
import { effectiveWorkerKind, gunicornSettings, gunicornTarget, seconds } from '../model/serving.js';

/**
 * PP305 single-sync-worker: a production gunicorn serving a WSGI app with one `sync` worker and no
 * threads: one request at a time for the whole server. Which invocations are production (not a
 * development run, a test or stale launcher, a server inside AWS Lambda) comes from the production
 * model (model/production.ts).
 */

export const rule: Rule<Record<string, never>> = {
  code: 'PP305',
  name: 'single-sync-worker',
  severity: 'info',
  summary: 'gunicorn with one sync worker serves one request at a time.',
  tags: ['performance', 'deployment', 'gunicorn', 'concurrency'],
  precision: 'high',
  docs: {
    sources: ['R2'],
    language: 'sh',
    what: `A production gunicorn invocation serving a WSGI app (Flask, Django WSGI, Falcon, Bottle — resolved from its target) with the default \`sync\` worker class, one worker (explicitly or by default) and no \`--threads\`, from the command line, the config file or \`GUNICORN_CMD_ARGS\`.

*Production* means a deployment file that ships the service runs it: the final stage of a Dockerfile, a compose service, a Kubernetes container (Helm chart templates included), a Procfile, a systemd unit or a supervisord program — directly or through a start script, \`python -m\` or a console script they run — or, when no deployment file starts a server, it is the only way the project starts one.`,
    why: `A sync worker handles one request at a time. The FLINTERS load test: Flask under gunicorn with one sync worker answered ten concurrent one-second requests after 1, 2, … 10 s — 10.08 s in total — while FastAPI answered all ten in 1.06 s. One slow request (a database query, an outbound HTTP call) queues every other user behind it.`,
    fix: `Run more workers (\`-w 4\`, typically 2 × cores + 1), add threads (\`--threads 8\`, which selects \`gthread\`), use \`gevent\`, or move to an async stack.`,
    bad: `gunicorn app:app --bind 0.0.0.0:8000`,
    good: `gunicorn app:app --bind 0.0.0.0:8000 --workers 4 --threads 4`,
    notFlagged: [
      'more than one worker, `--threads` above 1, or a non-sync worker class (`gthread`, `gevent`, `eventlet`);',
      'a worker count only known at run time (`-w $WEB_CONCURRENCY`, `workers = multiprocessing.cpu_count() * 2 + 1`);',
      'ASGI apps (PP301 covers those) and targets that cannot be resolved;',
      'invocations that are not production: development runs (`--reload`), launchers in test, example, mock, development or stale folders and files (`tests/`, `docker-compose.dev.yml`, `legacy/`), scripts and Makefile targets that no deployment file runs (when one runs another server), internal model workers;',
      'gunicorn inside an AWS Lambda container image or behind the Lambda Web Adapter: Lambda gives each execution environment one request at a time anyway;',
      'an explicit `--workers 1` for a model server whose entry loads a model (torch, transformers...): one request at a time is then the design — reported as `info` at most, with a message that says so.',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    for (const launch of servingView(project).launches) {
      const invocation = launch.invocation;
      if (!invocation || invocation.program !== 'gunicorn' || !launch.production) continue;
      const settings = gunicornSettings(project, invocation);
      if (settings.unknownEnvironment) continue;
      if (effectiveWorkerKind(project, settings) !== 'sync') continue;
      if (seconds(settings.workers.value) !== 1 || seconds(settings.threads.value) !== 1) continue;
      const target = gunicornTarget(project, invocation, settings);
      if (target?.kind !== 'wsgi') continue;
      const related = target.definition ? [{ ...target.definition, message: `the app: \`${target.attribute} = ${target.built}\`` }] : [];
      if (launch.root && launch.root.path !== invocation.location.path) related.push({ ...launch.root, message: 'production starts it here' });
      // A model server told to run one worker: one request at a time is the design (each worker loads the model).
      const explicit = settings.workers.origin !== 'default';
      if (launch.modelServer && explicit) {
        context.report({
          path: invocation.location.path,
          range: invocation.location.range,
          severity: 'info',
          message: `gunicorn serves \`${target.text}\` (${target.built}), a model server (its entry ${launch.modelServer}), with one \`sync\` worker set explicitly and no threads: one request at a time, which suits a CPU-bound model that each worker would load again. If requests also wait on I/O, add \`--threads 4\`.`,
          ...(related.length > 0 ? { related } : {}),
        });
        continue;
      }
      context.report({
        path: invocation.location.path,
        range: invocation.location.range,
        message: `gunicorn serves \`${target.text}\` (${target.built}) with one \`sync\` worker and no threads: it handles one request at a time, so ten concurrent one-second requests take 10 s. Add \`--workers 4\` and/or \`--threads 4\`.`,
        ...(related.length > 0 ? { related } : {}),
      });
    }
  },
};
