import path from 'node:path';
import type { Rule, RuleContext } from './rule.js';
import { describeFunction, lambdaView } from '../model/lambda.js';

/**
 * PP403 boto3-bundled-in-lambda: `boto3` or `botocore` listed in the dependency manifest of a Lambda
 * function's code directory, so it is packaged although the Python runtime already provides it.
 */

const SDK = ['boto3', 'botocore'];

/** Dependencies that require botocore themselves (directly or through boto3): with one of them, botocore is packaged anyway. */
const REQUIRE_BOTOCORE = [
  'aws-xray-sdk', 'aiobotocore', 's3fs', 'strands-agents', 'awswrangler',
  'aws-secretsmanager-caching', 'aurora-dsql-python-connector', 'aws-durable-execution-sdk-python',
];

/** The manifests Lambda packagers read from a code directory (sam build, serverless-python-requirements, the CDK's PythonFunction). */
const PACKAGED_MANIFEST = /^(requirements.*\.txt|pyproject\.toml|Pipfile)$/;

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
    what: `\`boto3\` or \`botocore\` among the dependencies that the Lambda packager installs from a function's code directory — the SAM \`CodeUri\`, the Serverless service (or \`module\`) directory, the CDK asset directory, the Zappa or Chalice project: \`requirements*.txt\`, \`pyproject.toml\` (\`[project].dependencies\` and Poetry's \`[tool.poetry.dependencies]\`) and \`Pipfile\` (\`[packages]\`) — reported at the line of the entry. When another dependency of the same manifest requires botocore anyway (\`aws-xray-sdk\`, \`aiobotocore\`, \`s3fs\`, \`strands-agents\`, \`awswrangler\`, \`aws-secretsmanager-caching\`, \`aurora-dsql-python-connector\`, \`aws-durable-execution-sdk-python\`), the message says that removing boto3 saves little.`,
    why: `The Python Lambda runtime already provides boto3. The Classmethod Lambda tuning talk: bundling it in the deployment package made the first invocation take **4,000 ms instead of 1,547 ms**; trimming botocore's data folder from 44 MB to 968 KB only brought it to 3,807 ms.`,
    fix: `Remove \`boto3\`/\`botocore\` from the function's manifest (keep them in a development requirements file for tests). If you need a newer SDK than the runtime's, keep it and suppress this finding (\`# pylint-perf: disable=PP403\` on the line), or ship it in a layer.`,
    bad: `# functions/orders/requirements.txt
boto3==1.35.90
pydantic==2.10.4`,
    good: `# functions/orders/requirements.txt
pydantic==2.10.4`,
    notFlagged: [
      'manifests outside the code directory of a Lambda function named by a descriptor (a project-wide `requirements-dev.txt`, a web service), and functions found only by the `(event, context)` heuristic;',
      'a manifest that a Dockerfile (other than a Lambda container image) or a compose service also installs (`pip install -r`, `uv pip install -r`, `poetry install`, `uv sync`, `pipenv install`, `pip install .` after a `COPY`, a bind mount or a volume): the web app or worker built from the same folder needs its boto3;',
      'optional and development dependencies (`[project.optional-dependencies]`, Poetry groups and `optional = true` entries, Pipfile `[dev-packages]`), which the packager does not install;',
      '`botocore` in a manifest where another dependency (`aws-xray-sdk`, `s3fs`, `aiobotocore`, ...) requires it anyway: removing the line would change nothing;',
      'other AWS libraries (`aioboto3`, `boto3-stubs`, `mypy-boto3-*`).',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    const done = new Set<string>();
    for (const { directory, function: fn } of lambdaView(project).codeDirectories) {
      for (const manifest of project.deployment.dependencies) {
        if (path.dirname(manifest.path) !== directory || !PACKAGED_MANIFEST.test(path.basename(manifest.path))) continue;
        // Also installed for a web app or worker: removing boto3 would break it.
        if (manifest.installedBy.length > 0) continue;
        const needsBotocore = REQUIRE_BOTOCORE.find((d) => manifest.installs.includes(d));
        for (const name of SDK) {
          if (!manifest.installs.includes(name)) continue;
          // Another dependency pulls botocore in anyway: dropping the line would change nothing.
          if (name === 'botocore' && needsBotocore) continue;
          const range = manifest.ranges[name] ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
          const key = `${manifest.path}:${range.line}`;
          if (done.has(key)) continue;
          done.add(key);
          context.report({
            path: manifest.path,
            range,
            message: needsBotocore
              ? `\`${name}\` is bundled into the Lambda package of ${describeFunction(project, fn)}, although the Python runtime already provides it; but removing boto3 saves little: \`${needsBotocore}\` requires botocore anyway, and botocore is most of the weight.`
              : `\`${name}\` is bundled into the Lambda package of ${describeFunction(project, fn)}, but the Python runtime already provides it: bundling made the first invocation take 4,000 ms instead of 1,547 ms (the Classmethod Lambda tuning talk). Remove it from this manifest unless you need a newer SDK.`,
            related: fn.descriptor ? [{ ...fn.descriptor, message: 'the Lambda function is declared here' }] : undefined,
          });
        }
      }
    }
  },
};
