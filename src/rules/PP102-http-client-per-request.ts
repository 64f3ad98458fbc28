import type { RelatedLocation } from '../core/diagnostics.js';
import { applicationModel } from '../model/application.js';
import type { Project } from '../model/project.js';
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import type { Rule, RuleContext } from './rule.js';
import { blockingEntry } from '../model/blocking-calls.js';
import { cacheDecorator } from '../model/caching.js';
import { contextOf, type ExecutionContext } from '../model/contexts.js';
import { clientConstructor, type ClientFamily } from '../model/clients.js';
import { callerValues, configuredWith, passes } from '../model/request-values.js';

/**
 * PP102 http-client-per-request: a client that owns a connection pool (HTTP, Redis, AWS SDK, LLM
 * SDKs) built inside a route handler or FastAPI dependency — directly, or by a project helper the
 * handler calls — and the one-shot `requests.get(...)` / `httpx.get(...)` functions, which open a
 * new connection each time. A call PP101 reports (blocking on the event loop) is left to PP101.
 */

/**
 * The clients PP102 checks: the shared catalogue's HTTP, Redis, AWS SDK and LLM SDK clients.
 * Database and search connections (PP401's) are not checked, nor botocore sessions and the
 * `redis.client.Redis` spelling: PP102 has never reported them.
 */
const CHECKED_FAMILIES = new Set<ClientFamily>(['http', 'redis', 'aws', 'llm']);
const NOT_CHECKED = new Set(['botocore.session.get_session', 'botocore.session.Session', 'botocore.session.create_session', 'redis.client.Redis']);

/** What the constructor a canonical name calls builds (`an HTTP session`), when PP102 checks it. */
function clientBuilt(name: string | null): string | undefined {
  const client = clientConstructor(name);
  return client && CHECKED_FAMILIES.has(client.family) && !NOT_CHECKED.has(client.name) ? client.builds : undefined;
}

/** A factory under a cache decorator returns a shared client (`methodtools.lru_cache` is not counted). */
function isCachedFactory(decorator: string | null): boolean {
  const cache = cacheDecorator(decorator);
  return cache !== undefined && cache.library !== 'methodtools';
}

const ONE_SHOT = /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream)$/;

/** Inside `scope` lexically (nested functions included). */
function within(module: ModuleFacts, scope: number, owner: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) if (s === owner) return true;
  return false;
}

/** Kept on the app or in a global (lazily, or in a memoisation guard): not per request. */
function cached(call: CallFact, module: ModuleFacts): boolean {
  if (call.assignedTo && /(^|\.)state\./.test(call.assignedTo)) return true;
  if (call.onceGuard !== undefined) return true;
  return call.conditional === true && (module.scopes[call.scope].globals?.length ?? 0) > 0;
}

function pp101Reports(project: Project, module: ModuleFacts, call: CallFact, name: string): boolean {
  return module.scopes[call.scope].loopFunction >= 0 && !call.awaited && blockingEntry(name) !== undefined;
}

/**
 * A project function that builds and returns a new client on every call — unless the handler's
 * call `site` passes it request values (`values`) that configure that client (credentials, region).
 */
function helperClient(project: Project, name: string, site: CallFact, values: ReadonlySet<string>): { call: CallFact; module: ModuleFacts; what: string } | undefined {
  const def = project.definition(name);
  if (!def || def.scope.kind !== 'function') return undefined;
  if (def.scope.decorators.some((d) => isCachedFactory(project.canonical(d.name)))) return undefined;
  for (const call of def.module.calls) {
    if (!within(def.module, call.scope, def.scopeIndex) || cached(call, def.module)) continue;
    const what = clientBuilt(project.canonical(call.callee));
    if (!what) continue;
    if (passes(site, values) && configuredWith(call, callerValues(def.module, def.scopeIndex))) return undefined;
    return { call, module: def.module, what };
  }
  return undefined;
}

export const rule: Rule<Record<string, never>> = {
  code: 'PP102',
  name: 'http-client-per-request',
  severity: 'warning',
  contexts: ['server', 'library', 'startup'],
  summary: 'A client with a connection pool built per request pays connection set-up (TCP, TLS) on every request.',
  tags: ['performance', 'http', 'connections', 'latency'],
  precision: 'high',
  docs: {
    sources: ['R5'],
    what: `Inside a route handler or a FastAPI dependency (nested functions included): construction of \`httpx.Client\`/\`AsyncClient\`, \`requests.Session\`, \`aiohttp.ClientSession\`, \`urllib3.PoolManager\`, \`redis.Redis\`/\`redis.asyncio.Redis\` (and \`from_url\`), \`boto3.client|resource|Session\`, and LLM SDK clients that own an HTTP pool (\`openai.OpenAI\`/\`AsyncOpenAI\`/\`AzureOpenAI\`, \`anthropic.Anthropic\`/\`AsyncAnthropic\`) — also when a project helper the handler calls builds the client (\`get_client()\` returning a new one; reported at the call) — and the one-shot functions \`requests.get|post|...|request\` and \`httpx.get|post|...|request\`, each of which opens a new connection. A call that PP101 reports (blocking on the event loop) is reported once, by PP101.`,
    why: `“High Performance FastAPI” (PyCon JP 2021): a network round trip inside a datacenter costs ~500 µs against ~100 ns for a memory reference, and a new connection adds TCP and TLS handshakes on top; the service's p95 latency fell from 300 ms to 30 ms after, among other fixes, reusing connections and enabling keep-alive. A client object owns a connection pool: built per request, the pool is thrown away after one use.`,
    fix: `Create the client once — at module level, in the FastAPI \`lifespan\` (stored on \`app.state\`), or in a cached factory — and reuse it in every request; close it at shutdown. For one-shot calls, use a shared \`requests.Session()\` / \`httpx.Client()\` instead of \`requests.get(...)\`.`,
    bad: `from fastapi import FastAPI
import httpx

app = FastAPI()

@app.get("/weather")
async def weather(city: str):
    async with httpx.AsyncClient() as client:
        return (await client.get(f"https://api.example.com/{city}")).json()`,
    good: `from contextlib import asynccontextmanager
from fastapi import FastAPI, Request
import httpx

@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.http = httpx.AsyncClient()
    yield
    await app.state.http.aclose()

app = FastAPI(lifespan=lifespan)

@app.get("/weather")
async def weather(city: str, request: Request):
    return (await request.app.state.http.get(f"https://api.example.com/{city}")).json()`,
    notFlagged: [
      'clients created at module level, in a `lifespan`/startup handler, or stored on `app.state`;',
      'the lazy-global pattern (`global _client` / `if _client is None: ...`), other memoisation guards (`if cls._client is None:` that sets it) and `@functools.cache`d factories — also through a helper;',
      'clients configured with values from the request (credentials, token, region, base URL or headers taken from the handler\'s parameters, or from locals computed from them by a call): they cannot be shared between requests — also when a helper builds the client from the values the handler passes it;',
      'calls PP101 reports (e.g. `requests.get` inside `async def`): one finding per call;',
      'Lambda handlers (PP401 covers them) and functions that are not route handlers or dependencies;',
      'routes of tests, examples and mock services (their execution context; the `contexts` option, default `["server", "library", "startup"]`, brings them back).',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    const app = applicationModel(project);
    const done = new Set<string>();
    for (const handler of app.routeHandlers) {
      const { module, scopeIndex } = handler;
      const role = handler.kind === 'route' ? 'route handler' : 'FastAPI dependency';
      const where = `the ${role} \`${module.scopes[scopeIndex].name}\``;
      const values = callerValues(module, scopeIndex);
      // A route of a test, an example or a mock service is no production request path. Computed
      // only for a finding: the execution contexts are a project-wide pass.
      let known: readonly ExecutionContext[] | undefined;
      const contexts = (): readonly ExecutionContext[] => (known ??= contextOf(project, module, scopeIndex));
      for (const call of module.calls) {
        if (!within(module, call.scope, scopeIndex) || cached(call, module)) continue;
        const key = `${module.path}:${call.range.line}:${call.range.column}:${call.callee}`;
        if (done.has(key)) continue;
        const name = project.canonical(call.callee);
        if (!name || pp101Reports(project, module, call, name)) continue;
        const what = clientBuilt(name);
        // Configured with the request's own credentials, region or URL: it cannot be shared.
        if (what && configuredWith(call, values)) continue;
        if (what) {
          done.add(key);
          context.report({ path: module.path, range: call.range, message: `\`${call.calleeText}(...)\` builds ${what} in ${where}: a new connection pool (TCP and TLS set-up) on every request. Create it once (module level, \`lifespan\` + \`app.state\`) and reuse it.`, contexts: contexts() });
          continue;
        }
        if (ONE_SHOT.test(name)) {
          done.add(key);
          context.report({ path: module.path, range: call.range, message: `\`${call.calleeText}(...)\` in ${where} opens a new connection for this one request. Use a shared \`${name.startsWith('requests') ? 'requests.Session()' : 'httpx.Client()'}\` created once and reused.`, contexts: contexts() });
          continue;
        }
        const helper = project.definition(name) ? helperClient(project, name, call, values) : undefined;
        // On the loop, a helper whose client constructor blocks (boto3) is PP101's finding (through project functions).
        const blocking = helper && module.scopes[call.scope].loopFunction >= 0 && !call.awaited && blockingEntry(project.canonical(helper.call.callee) ?? '') !== undefined;
        if (helper && !blocking) {
          done.add(key);
          const related: RelatedLocation[] = [{ path: helper.module.path, range: helper.call.range, message: `builds ${helper.what} here` }];
          context.report({ path: module.path, range: call.range, message: `\`${call.calleeText}()\` builds ${helper.what} (\`${helper.call.calleeText}(...)\`) each time ${where} calls it, i.e. on every request. Create the client once and return the shared one (module level, \`app.state\`, or \`@functools.cache\`).`, related, contexts: contexts() });
        }
      }
    }
  },
};
