import type { Rule, RuleContext } from './rule.js';
import { gunicornSettings, gunicornTarget, isDevelopment, seconds, workerKind } from '../model/serving.js';

/**
 * PP305 single-sync-worker: gunicorn serving a WSGI app with one `sync` worker and no threads:
 * one request at a time for the whole server.
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
    what: `A gunicorn invocation serving a WSGI app (Flask, Django WSGI, Falcon, Bottle — resolved from its target) with the default \`sync\` worker class, one worker (explicitly or by default) and no \`--threads\`, from the command line, the config file or \`GUNICORN_CMD_ARGS\`.`,
    why: `A sync worker handles one request at a time. The FLINTERS load test: Flask under gunicorn with one sync worker answered ten concurrent one-second requests after 1, 2, … 10 s — 10.08 s in total — while FastAPI answered all ten in 1.06 s. One slow request (a database query, an outbound HTTP call) queues every other user behind it.`,
    fix: `Run more workers (\`-w 4\`, typically 2 × cores + 1), add threads (\`--threads 8\`, which selects \`gthread\`), use \`gevent\`, or move to an async stack.`,
    bad: `gunicorn app:app --bind 0.0.0.0:8000`,
    good: `gunicorn app:app --bind 0.0.0.0:8000 --workers 4 --threads 4`,
    notFlagged: [
      'more than one worker, `--threads` above 1, or a non-sync worker class (`gthread`, `gevent`, `eventlet`);',
      'a worker count only known at run time (`-w $WEB_CONCURRENCY`, `workers = multiprocessing.cpu_count() * 2 + 1`);',
      'ASGI apps (PP301 covers those) and targets that cannot be resolved;',
      'development runs with `--reload`.',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    for (const invocation of project.deployment.invocations) {
      if (invocation.program !== 'gunicorn') continue;
      const settings = gunicornSettings(project, invocation);
      if (settings.unknownEnvironment || isDevelopment(invocation, settings)) continue;
      if (workerKind(project, settings.workerClass.value) !== 'sync') continue;
      if (seconds(settings.workers.value) !== 1 || seconds(settings.threads.value) !== 1) continue;
      const target = gunicornTarget(project, invocation, settings);
      if (target?.kind !== 'wsgi') continue;
      context.report({
        path: invocation.location.path,
        range: invocation.location.range,
        message: `gunicorn serves \`${target.text}\` (${target.built}) with one \`sync\` worker and no threads: it handles one request at a time, so ten concurrent one-second requests take 10 s. Add \`--workers 4\` and/or \`--threads 4\`.`,
        related: target.definition ? [{ ...target.definition, message: `the app: \`${target.attribute} = ${target.built}\`` }] : undefined,
      });
    }
  },
};
