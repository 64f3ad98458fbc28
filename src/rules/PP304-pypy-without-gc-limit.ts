import path from 'node:path';
import type { Rule, RuleContext } from './rule.js';

/**
 * PP304 pypy-without-gc-limit: a Dockerfile whose final stage runs PyPy and that sets no
 * `PYPY_GC_MAX` — in its `ENV`, on the command, or in the compose/Kubernetes environment of the
 * service that runs it.
 */

export const rule: Rule<Record<string, never>> = {
  code: 'PP304',
  name: 'pypy-without-gc-limit',
  severity: 'warning',
  summary: 'A PyPy container without `PYPY_GC_MAX` grows until the OOM killer ends it.',
  tags: ['performance', 'deployment', 'pypy', 'memory'],
  precision: 'high',
  docs: {
    sources: ['R5'],
    language: 'dockerfile',
    what: `A Dockerfile whose final stage runs PyPy — a \`pypy:*\` base image (or a stage built from one), or a stage that installs \`pypy3\` with a package manager and runs it — and that sets no \`PYPY_GC_MAX\`: not in an \`ENV\` of the stage, not on the command (\`PYPY_GC_MAX=1GB pypy3 ...\`), and not in the \`environment\` of a compose service that builds this Dockerfile or in a Kubernetes container's \`env\`.`,
    why: `“High Performance FastAPI” (PyCon JP 2021) moved a FastAPI service to PyPy (≈40% faster; with the other fixes per-instance throughput went from 50 to 250 rps and p95 from 300 ms to 30 ms), but the process grew until the OOM killer ended it. PyPy's incminimark GC sizes its major collections from the heap it has already used and has no notion of the container's limit; \`PYPY_GC_MAX\` caps the heap and makes it collect instead of growing.`,
    fix: `Set \`PYPY_GC_MAX\` so that workers × \`PYPY_GC_MAX\` stays below the container's memory limit, e.g. \`ENV PYPY_GC_MAX=1GB\` for 2 workers in a 3 GB container (or in the compose/Kubernetes environment).`,
    bad: `FROM pypy:3.10-slim
WORKDIR /app
COPY . .
CMD ["pypy3", "-m", "gunicorn", "-w", "2", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"]`,
    good: `FROM pypy:3.10-slim
ENV PYPY_GC_MAX=1GB
WORKDIR /app
COPY . .
CMD ["pypy3", "-m", "gunicorn", "-w", "2", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"]`,
    notFlagged: [
      'PyPy only in an earlier build stage (the final stage runs CPython);',
      '`PYPY_GC_MAX` set in the Dockerfile, on the command (`CMD PYPY_GC_MAX=1GB pypy3 ...`), in the compose `environment` of the service that builds it, or in the container `env` of a Kubernetes manifest in or below the Dockerfile\'s directory;',
      'a `PYPY_GC_MAX` whose value is only known at run time (`ENV PYPY_GC_MAX=${GC_MAX}`): it is set.',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { deployment } = context.project;
    for (const stage of deployment.dockerStages) {
      if (!stage.isFinal || !stage.pypy) continue;
      if ('PYPY_GC_MAX' in stage.environment || /\bPYPY_GC_MAX=/.test(stage.command ?? '')) continue;
      // A Kubernetes manifest next to (or below) the Dockerfile that sets it for its containers.
      const dir = path.dirname(stage.path);
      const manifests = deployment.services.filter((s) => !s.dockerfile && !path.relative(dir, s.path).startsWith('..'));
      if (manifests.some((s) => 'PYPY_GC_MAX' in s.environment)) continue;
      if (deployment.services.some((s) => s.dockerfile === stage.path && 'PYPY_GC_MAX' in s.environment)) continue;
      if (deployment.invocations.some((i) => i.location.path === stage.path && 'PYPY_GC_MAX' in i.environment)) continue;
      context.report({
        path: stage.location.path,
        range: stage.location.range,
        message: `this image runs PyPy (\`${stage.image}\`) without \`PYPY_GC_MAX\`: PyPy's GC does not know the container's memory limit and the process grows until it is OOM-killed. Set \`ENV PYPY_GC_MAX=...\` so that workers × PYPY_GC_MAX stays below the container's memory.`,
      });
    }
  },
};
