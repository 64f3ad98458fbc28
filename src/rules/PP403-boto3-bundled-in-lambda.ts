import path from 'node:path';
import type { Rule, RuleContext } from '../engine/rule.js';
import { describeFunction, lambdaView } from '../deploy/lambda.js';

/**
 * PP403 boto3-bundled-in-lambda: `boto3` or `botocore` listed in the dependency manifest of a Lambda
 * function's code directory, so it is packaged although the Python runtime already provides it.
 */

const SDK = ['boto3', 'botocore'];

export const rule: Rule<Record<string, never>> = {
  code: 'PP403',
  name: 'boto3-bundled-in-lambda',
  severity: 'info',
  summary: 'boto3 bundled in a Lambda package slows every cold start; the runtime already has it.',
  tags: ['performance', 'lambda', 'aws', 'cold-start', 'packaging'],
  precision: 'high',
  docs: {
    sources: ['R4'],
    language: 'text',
    what: `\`boto3\` or \`botocore\` in the dependency manifest (\`requirements*.txt\`, \`pyproject.toml\`) of a Lambda function's code directory — the SAM \`CodeUri\`, the Serverless service (or \`module\`) directory, the CDK asset directory, the Zappa or Chalice project — reported at the line that names it.`,
    why: `The Python Lambda runtime already provides boto3. The Classmethod Lambda tuning talk: bundling it in the deployment package made the first invocation take **4,000 ms instead of 1,547 ms**; trimming botocore's data folder from 44 MB to 968 KB only brought it to 3,807 ms.`,
    fix: `Remove \`boto3\`/\`botocore\` from the function's manifest (keep them in a development requirements file for tests). If you need a newer SDK than the runtime's, keep it and suppress this finding (\`# pylint-perf: disable=PP403\` on the line), or ship it in a layer.`,
    bad: `# functions/orders/requirements.txt
boto3==1.35.90
pydantic==2.10.4`,
    good: `# functions/orders/requirements.txt
pydantic==2.10.4`,
    notFlagged: [
      'manifests outside the code directory of a Lambda function named by a descriptor (a project-wide `requirements-dev.txt`, a web service), and functions found only by the `(event, context)` heuristic;',
      'other AWS libraries (`aioboto3`, `boto3-stubs`, `mypy-boto3-*`).',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    const done = new Set<string>();
    for (const { directory, function: fn } of lambdaView(project).codeDirectories) {
      for (const manifest of project.deployment.dependencies) {
        if (path.dirname(manifest.path) !== directory || /setup\.cfg$|Pipfile$/.test(manifest.path)) continue;
        for (const name of SDK) {
          if (!manifest.names.includes(name)) continue;
          const range = manifest.ranges[name] ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
          const key = `${manifest.path}:${range.line}`;
          if (done.has(key)) continue;
          done.add(key);
          context.report({
            path: manifest.path,
            range,
            message: `\`${name}\` is bundled into the Lambda package of ${describeFunction(project, fn)}, but the Python runtime already provides it: bundling made the first invocation take 4,000 ms instead of 1,547 ms (the Classmethod Lambda tuning talk). Remove it from this manifest unless you need a newer SDK`,
            related: fn.descriptor ? [{ ...fn.descriptor, message: 'the Lambda function is declared here' }] : undefined,
          });
        }
      }
    }
  },
};
