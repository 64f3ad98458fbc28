import { applicationModel } from '../model/application.js';
import type { ModuleFacts } from '../read/python/facts.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * PP501 loguru-enqueue: `logger.add(..., enqueue=True)` in a project that serves HTTP: every log
 * record is pickled and sent through a multiprocessing queue to a writer thread.
 */

export const rule: Rule<Record<string, never>> = {
  code: 'PP501',
  name: 'loguru-enqueue',
  severity: 'info',
  summary: "loguru's `enqueue=True` pickles every record through a multiprocessing queue: CPU and GIL contention in a web service.",
  tags: ['performance', 'logging', 'loguru'],
  precision: 'high',
  docs: {
    sources: ['R5'],
    what: `\`logger.add(..., enqueue=True)\` on loguru's \`logger\`, in a project that serves HTTP (it has a route handler, an app object or a server invocation).`,
    why: `“High Performance FastAPI” (PyCon JP 2021): in a FastAPI service, loguru with \`enqueue=True\` serialised every record and passed it through a \`multiprocessing.SimpleQueue\` (a pipe) to a writer thread; that took a large share of the CPU and fought the GIL with the request handlers.`,
    fix: `Log to stdout/stderr without \`enqueue\` (the container runtime collects it), or to a file sink without \`enqueue\`; \`enqueue=True\` is only needed when several *processes* write to the same file.`,
    bad: `from loguru import logger

logger.add("app.log", enqueue=True, rotation="100 MB")`,
    good: `import sys
from loguru import logger

logger.remove()
logger.add(sys.stdout, serialize=True)`,
    notFlagged: ['`enqueue=False` or no `enqueue`; projects that serve no HTTP (a batch job, a CLI).'],
  },

  checkModule(module: ModuleFacts, context: RuleContext<Record<string, never>>): void {
    let serves: boolean | undefined;
    for (const call of module.calls) {
      if (!call.calleeText.endsWith('.add') || context.project.canonical(call.callee) !== 'loguru.logger.add') continue;
      const enqueue = call.arguments.find((a) => a.keyword === 'enqueue');
      if (!enqueue || enqueue.value.kind !== 'bool' || !enqueue.value.value) continue;
      serves ??= applicationModel(context.project).servesHttp;
      if (!serves) return;
      context.report({
        range: call.range,
        message: '`enqueue=True` sends every log record, pickled, through a multiprocessing queue to a writer thread: in a web service that costs CPU and GIL time on every request. Drop `enqueue` (log to stdout) unless several processes write the same file.',
      });
    }
  },
};
