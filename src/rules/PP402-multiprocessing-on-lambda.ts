import type { Rule, RuleContext } from './rule.js';
import { describeFunction, lambdaView } from '../model/lambda.js';

/**
 * PP402 multiprocessing-on-lambda: multiprocessing primitives that need `/dev/shm` (Pool, queues,
 * managers, locks, shared values, ProcessPoolExecutor) in Lambda code, where they fail with
 * `OSError: [Errno 38] Function not implemented`.
 */

const PRIMITIVES = [
  'Pool', 'Queue', 'JoinableQueue', 'SimpleQueue', 'Manager', 'Lock', 'RLock', 'Semaphore', 'BoundedSemaphore',
  'Event', 'Condition', 'Barrier', 'Value', 'Array',
];

const BROKEN = new RegExp(
  `^(multiprocessing(\\.context)?(\\.get_context\\(\\)|\\.[A-Za-z]*Context\\(\\))?\\.(${PRIMITIVES.join('|')})|multiprocessing\\.pool\\.Pool|multiprocessing\\.managers\\.SyncManager|concurrent\\.futures\\.(process\\.)?ProcessPoolExecutor)$`,
);

export const rule: Rule<Record<string, never>> = {
  code: 'PP402',
  name: 'multiprocessing-on-lambda',
  severity: 'error',
  summary: '`multiprocessing.Pool` and friends fail on AWS Lambda: there is no `/dev/shm`.',
  tags: ['correctness', 'lambda', 'aws', 'multiprocessing'],
  precision: 'very-high',
  docs: {
    sources: ['R4'],
    what: `In Lambda code — a Lambda handler's module and every project module it imports inside the function's code directory — \`multiprocessing.Pool\`, \`Queue\`/\`JoinableQueue\`/\`SimpleQueue\`, \`Manager\`, \`Lock\`/\`RLock\`/\`Semaphore\`/\`BoundedSemaphore\`/\`Event\`/\`Condition\`/\`Barrier\`, \`Value\`/\`Array\`, the same through a context (\`multiprocessing.get_context("spawn").Pool(...)\`), and \`concurrent.futures.ProcessPoolExecutor\`.`,
    why: `The Classmethod Lambda tuning talk: on Lambda, \`multiprocessing.Pool\` fails with \`OSError: [Errno 38] Function not implemented\`: the execution environment has no \`/dev/shm\`, which Pool's queues and semaphores need. It works on a laptop and in a container, then fails only once deployed.`,
    fix: `Use \`multiprocessing.Process\` with \`Pipe\` (they work on Lambda), threads for I/O-bound work (\`concurrent.futures.ThreadPoolExecutor\`), or fan the work out to several invocations (Step Functions, SQS). For CPU-bound work remember that a full vCPU needs 1,792 MB of configured memory: the same talk measured run time falling from 49.3 s at 256 MB to 6.9 s at 1,792 MB, and no further.`,
    bad: `from multiprocessing import Pool

def handler(event, context):
    with Pool(4) as pool:
        return pool.map(resize, event["images"])`,
    good: `from concurrent.futures import ThreadPoolExecutor

def handler(event, context):
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(resize, event["images"]))`,
    notFlagged: [
      '`multiprocessing.Process` and `multiprocessing.Pipe`, threads and `ThreadPoolExecutor`;',
      'the same code outside Lambda code: a batch script, a web service, a module the handler does not import.',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    for (const [module, fn] of lambdaView(project).codeModules) {
      const owner = describeFunction(project, fn);
      for (const call of module.calls) {
        const name = project.canonical(call.callee);
        if (!name || !BROKEN.test(name)) continue;
        const what = name.split('.').pop()!;
        context.report({
          path: module.path,
          range: call.range,
          message: `\`${call.calleeText}(...)\` (multiprocessing ${what}) in Lambda code (${module === fn.module ? 'the handler module of' : 'imported by'} ${owner}) fails with \`OSError: [Errno 38] Function not implemented\`: Lambda has no /dev/shm. Use \`multiprocessing.Process\` + \`Pipe\`, threads, or several invocations.`,
          related: fn.descriptor ? [{ ...fn.descriptor, message: 'the Lambda function is declared here' }] : undefined,
        });
      }
    }
  },
};
