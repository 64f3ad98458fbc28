import type { RelatedLocation } from '../core/diagnostics.js';
import type { Project } from '../model/project.js';
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import type { Rule, RuleContext } from './rule.js';
import { lambdaView } from '../model/lambda.js';
import { runsIn } from '../model/callgraph.js';
import { cacheDecorator } from '../model/caching.js';
import { clientConstructor, type ClientFamily } from '../model/clients.js';

/**
 * PP401 lambda-init-in-handler: work that gives the same result on every invocation — SDK clients,
 * database and cache connections, HTTP sessions, model and constant-path file loading — done inside
 * a Lambda handler (or one call deep, in a project function or a project class's `__init__`), so it
 * is paid on every invocation instead of once per cold start.
 */

type Kind = 'client' | 'connection' | 'session' | 'model' | 'file' | 'sleep';

const WHAT: Record<Kind, { noun: string; move: string }> = {
  client: { noun: 'an AWS SDK client', move: 'create the client at module level; it is then reused across invocations' },
  connection: { noun: 'a database/cache connection', move: 'open the connection at module level (or lazily once, in a global); it is then reused across invocations' },
  session: { noun: 'an HTTP session', move: 'create the session at module level; its connection pool is then reused across invocations' },
  model: { noun: 'a model load', move: 'load it at module level; it is then loaded once per cold start' },
  file: { noun: 'a file read at a constant path', move: 'read it at module level; it is then read once per cold start' },
  sleep: { noun: 'a sleep', move: 'do the slow set-up at module level, once per cold start' },
};

/**
 * Clients from the shared catalogue, as PP401 counts them: AWS SDK clients and sessions; database,
 * Redis and search connections; HTTP sessions. Async clients are not checked (a Lambda handler is
 * a plain `def`), nor LLM SDK clients: PP401 has never reported them.
 */
const CLIENT_KIND: Record<ClientFamily, Kind | undefined> = {
  aws: 'client',
  database: 'connection',
  redis: 'connection',
  search: 'connection',
  http: 'session',
  llm: undefined,
};

/** Model loading: the result is the same on every invocation. */
const MODEL_LOADS = new Set([
  'pickle.load',
  'joblib.load',
  'torch.load',
  'torch.jit.load',
  'tensorflow.keras.models.load_model',
  'keras.models.load_model',
  'tf.keras.models.load_model',
  'onnxruntime.InferenceSession',
  'xgboost.Booster',
  'lightgbm.Booster',
  'sentence_transformers.SentenceTransformer',
]);

function catalogueKind(name: string): Kind | undefined {
  const client = clientConstructor(name);
  if (client) return client.async ? undefined : CLIENT_KIND[client.family];
  return MODEL_LOADS.has(name) ? 'model' : undefined;
}

/** A factory under a sync cache decorator (functools, cachetools, methodtools) builds its object once. */
function isCachedFactory(decorator: string | null): boolean {
  const cache = cacheDecorator(decorator);
  return cache !== undefined && !cache.async;
}

interface InitCall {
  call: CallFact;
  kind: Kind;
  name: string;
}

function initKind(project: Project, module: ModuleFacts, call: CallFact): InitCall | undefined {
  const name = project.canonical(call.callee);
  if (!name) return undefined;
  const kind = catalogueKind(name);
  if (kind) return { call, kind, name };
  if (name.endsWith('.from_pretrained')) return { call, kind: 'model', name };
  if (name === 'builtins.open' && call.arguments[0]?.value.kind === 'str') return { call, kind: 'file', name };
  if (/^pathlib\.(Pure)?Path\(\)\.(read_bytes|read_text|open)$/.test(name)) {
    const path = module.calls.find((c) => c !== call && c.range.line === call.range.line && c.range.column === call.range.column && /^pathlib\.(Pure)?Path$/.test(project.canonical(c.callee) ?? ''));
    if (path?.arguments[0]?.value.kind === 'str') return { call, kind: 'file', name };
  }
  return undefined;
}

/**
 * The event parameter and the names the handler assigns from calls that use it
 * (`region = event.get("region")`, `detail = EventBridgeEvent(event)`), through chains of them.
 */
function eventDerived(module: ModuleFacts, handler: number, names: string[]): string[] {
  const derived = new Set(names);
  if (derived.size === 0) return names;
  for (let changed = true; changed; ) {
    changed = false;
    const re = new RegExp(`\\b(${[...derived].join('|')})\\b`);
    for (const call of module.calls) {
      const target = call.assignedTo;
      if (!target || !/^[A-Za-z_]\w*$/.test(target) || derived.has(target) || !runsIn(module, call.scope, handler)) continue;
      if (re.test(call.calleeText) || call.arguments.some((a) => 'text' in a.value && re.test(a.value.text))) {
        derived.add(target);
        changed = true;
      }
    }
  }
  return [...derived];
}

/** Mentions the handler's event parameter: the result differs between invocations. */
function dependsOn(call: CallFact, names: string[]): boolean {
  if (names.length === 0) return false;
  const re = new RegExp(`\\b(${names.join('|')})\\b`);
  return call.arguments.some((a) => ('text' in a.value ? re.test(a.value.text) : false));
}

/** One finding per call chain: in `boto3.Session().client("s3")` the session is reported. */
function innermost(calls: InitCall[]): InitCall[] {
  const byStart = new Map<string, InitCall>();
  for (const c of calls) {
    const key = `${c.call.range.line}:${c.call.range.column}`;
    const seen = byStart.get(key);
    const end = (x: InitCall) => x.call.range.endLine * 1e6 + x.call.range.endColumn;
    if (!seen || end(c) < end(seen)) byStart.set(key, c);
  }
  return [...byStart.values()];
}

/** The set-up calls a project function or `__init__` makes (lazy-global helpers excluded). */
function initCallsOf(project: Project, module: ModuleFacts, scopeIndex: number, withSleep: boolean): InitCall[] {
  const scope = module.scopes[scopeIndex];
  if (scope.isAsync) return [];
  if (scope.decorators.some((d) => isCachedFactory(project.canonical(d.name)))) return [];
  const lazy = (scope.globals?.length ?? 0) > 0;
  const out: InitCall[] = [];
  for (const call of module.calls) {
    if (!runsIn(module, call.scope, scopeIndex)) continue;
    if (lazy && call.conditional) continue;
    const found = initKind(project, module, call);
    if (found) out.push(found);
    else if (withSleep && project.canonical(call.callee) === 'time.sleep') out.push({ call, kind: 'sleep', name: 'time.sleep' });
  }
  return innermost(out);
}

export const rule: Rule<Record<string, never>> = {
  code: 'PP401',
  name: 'lambda-init-in-handler',
  severity: 'warning',
  summary: 'An SDK client, connection, session or model created inside a Lambda handler is paid on every invocation.',
  tags: ['performance', 'lambda', 'aws', 'cold-start'],
  precision: 'high',
  docs: {
    sources: ['R4'],
    what: `Inside a Lambda handler's body (see below for how handlers are found), and one call deep — inside a project function the handler calls, or the \`__init__\` of a project class it instantiates:

- AWS SDK clients and sessions: \`boto3.client|resource|Session(...)\`, \`botocore\` sessions;
- database and cache connections: \`psycopg2.connect\`, \`psycopg.connect\`, \`pymysql.connect\`, \`mysql.connector.connect\`, \`sqlalchemy.create_engine\`, \`redis.Redis(...)\`, \`redis.from_url\`, \`pymongo.MongoClient\`, Elasticsearch/OpenSearch clients;
- HTTP sessions: \`requests.Session()\`, \`httpx.Client()\`, \`urllib3.PoolManager()\`;
- model and static-file loading: \`pickle.load\`, \`joblib.load\`, \`torch.load\`, \`keras\`/\`tf.keras.models.load_model\`, \`*.from_pretrained(...)\`, and a file opened at a constant path (\`open("/opt/labels.json")\`, \`Path("model.bin").read_bytes()\`, reported at the \`open\`);
- a project class whose \`__init__\` does any of these or sleeps (reported at the instantiation).

Handlers: functions named by AWS SAM / CloudFormation templates (\`Handler\` + \`CodeUri\`, \`Globals\`), \`serverless.yml\`, the AWS CDK in Python (\`Function(handler=..., code=Code.from_asset(...))\`, \`PythonFunction(entry=..., index=..., handler=...)\`), Zappa (\`lambda_handler\`) and Chalice (\`@app.route\`, \`@app.lambda_function\`, ...); in modules no descriptor names, a module-level function with parameters \`(event, context)\` or named \`lambda_handler\`.`,
    why: `Code at module level runs once per cold start; code in the handler runs on every invocation. The Classmethod Lambda tuning talk measured it: an object whose construction takes 2 s, created inside the handler, made **every invocation last 2,003 ms**; moved to module scope an invocation took **1.24 ms** (the 2.1 s moved into the one-time Init Duration). SDK clients, connections ("connection cache ... prepared in advance") and models behave the same way, and a client per invocation also throws away its connection pool.`,
    fix: `Create the object at module level, next to the imports, and use it in the handler. When it must be created lazily (a secret fetched at first use), keep it in a global: \`global _client\` / \`if _client is None: _client = ...\`, or a \`@functools.cache\`d factory.`,
    bad: `import boto3

def lambda_handler(event, context):
    s3 = boto3.client("s3")
    return s3.get_object(Bucket="config", Key="settings.json")["Body"].read()`,
    good: `import boto3

s3 = boto3.client("s3")

def lambda_handler(event, context):
    return s3.get_object(Bucket="config", Key="settings.json")["Body"].read()`,
    notFlagged: [
      'calls whose arguments depend on the event (`boto3.client("s3", region_name=event["region"])`, `open(event["path"])`), also through names the handler assigns from calls that use it (`region = event.get("region")`, `detail = EventBridgeEvent(event)`): the result differs between invocations;',
      'the lazy-global pattern (`global _client` / `if _client is None: _client = boto3.client(...)`), in the handler or in a helper;',
      'factories decorated with `@functools.cache`, `@functools.lru_cache` or `cachetools.cached`;',
      'the same calls at module level, in functions that are not Lambda handlers (`handler(request, response)`), and in modules only a batch script uses.',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    const done = new Set<string>();
    for (const fn of lambdaView(project).functions) {
      if (fn.scopeIndex === undefined) continue;
      const key = `${fn.module.path}#${fn.scopeIndex}`;
      if (done.has(key)) continue;
      done.add(key);
      const { module, scopeIndex } = fn;
      const handler = module.scopes[scopeIndex];
      const eventNames = handler.parameters.length > 0 ? [handler.parameters[0].name] : [];
      // A client built from something the handler derives from the event differs per invocation; a
      // project function given such values may still build its client from nothing of them.
      const derivedNames = eventDerived(module, scopeIndex, eventNames);
      const lazy = (handler.globals?.length ?? 0) > 0;
      const where = `the Lambda handler \`${handler.name}\``;
      const reported: InitCall[] = [];
      const deep: { call: CallFact; inner: InitCall; via: string; file: string }[] = [];
      for (const call of module.calls) {
        if (!runsIn(module, call.scope, scopeIndex)) continue;
        if (dependsOn(call, eventNames) || (lazy && call.conditional)) continue;
        const direct = initKind(project, module, call);
        if (direct && dependsOn(call, derivedNames)) continue;
        if (direct) {
          reported.push(direct);
          continue;
        }
        // One call deep: a project function, or a project class's __init__.
        const name = project.canonical(call.callee);
        const def = name ? project.definition(name) : undefined;
        if (!def || !name) continue;
        if (def.scope.kind === 'function') {
          const inner = initCallsOf(project, def.module, def.scopeIndex, false)[0];
          if (inner) deep.push({ call, inner, via: `\`${call.calleeText}()\``, file: def.module.path });
        } else if (def.scope.kind === 'class') {
          const init = project.definition(`${name}.__init__`);
          const inner = init ? initCallsOf(project, init.module, init.scopeIndex, true)[0] : undefined;
          if (init && inner) deep.push({ call, inner, via: `\`${call.calleeText}(...)\` (its \`__init__\`)`, file: init.module.path });
        }
      }
      for (const r of innermost(reported)) {
        context.report({
          path: module.path,
          range: r.call.range,
          message: `\`${r.call.calleeText}(...)\` is ${WHAT[r.kind].noun} made inside ${where}: it runs on every invocation instead of once per cold start. ${capitalise(WHAT[r.kind].move)}.`,
          related: fn.descriptor ? [{ ...fn.descriptor, message: 'the handler is named here' }] : undefined,
        });
      }
      for (const d of deep) {
        const related: RelatedLocation[] = [{ path: d.file, range: d.inner.call.range, message: `\`${d.inner.call.calleeText}(...)\`: ${WHAT[d.inner.kind].noun}` }];
        if (fn.descriptor) related.push({ ...fn.descriptor, message: 'the handler is named here' });
        context.report({
          path: module.path,
          range: d.call.range,
          message: `${d.via} makes ${WHAT[d.inner.kind].noun} (\`${d.inner.call.calleeText}(...)\`) on every call, and ${where} calls it on every invocation. ${capitalise(WHAT[d.inner.kind].move)}.`,
          related,
        });
      }
    }
  },
};

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
