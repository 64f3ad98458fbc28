import { severityRank, type RelatedLocation, type Severity, type TextEdit } from '../core/diagnostics.js';
import { calleeRangeOf, type CallFact, type ModuleFacts, type SuppressionFact } from '../read/python/facts.js';
import type { Rule, RuleContext } from './rule.js';
import { callGraph, functoolsCache, onceStep, propagate, type CallEdge, type FunctionNode, type OnceStep, type Reach } from '../model/callgraph.js';
import type { Project } from '../model/project.js';
import { importAsyncio } from '../model/import-placement.js';
import { blockingCall, type BlockingCategory, type BlockingEntry } from '../model/blocking-calls.js';
import { contextOf, type ExecutionContext } from '../model/contexts.js';
import { fnmatch } from '../core/fnmatch.js';
import { inferredTypes } from '../model/type-evidence.js';

/**
 * PP101 blocking-call-in-async: a blocking call evaluated on the event loop, i.e. lexically in an
 * `async def` body (comprehensions included; nested `def`, `lambda` and class bodies excluded),
 * not awaited, whose resolved qualified name is in the blocking-call catalogue (model/blocking-calls.ts)
 * or in the user's `blocking-calls` patterns.
 */

const NOUN: Record<BlockingCategory, string> = {
  sleep: 'sleep',
  http: 'HTTP',
  process: 'subprocess',
  file: 'file I/O',
  filesystem: 'filesystem',
  database: 'database',
  redis: 'Redis',
  aws: 'AWS SDK (botocore is synchronous HTTP)',
  socket: 'socket/DNS',
  mail: 'SMTP/FTP',
  input: 'console input',
  cpu: 'CPU-bound password hashing',
  sdk: 'synchronous SDK (network)',
  configured: '(configured in blocking-calls)',
};

const ADVICE: Record<BlockingCategory, string> = {
  sleep: 'use `await asyncio.sleep(...)`',
  http: 'use `httpx.AsyncClient` or `aiohttp`, or wrap it: `await asyncio.to_thread(...)`',
  process: 'use `asyncio.create_subprocess_exec(...)` / `create_subprocess_shell(...)`, or `await asyncio.to_thread(...)`',
  file: 'use `aiofiles` or `anyio.Path`, or `await asyncio.to_thread(...)`',
  filesystem: 'use `anyio.Path` or `aiofiles.os`, or `await asyncio.to_thread(...)`',
  database:
    'use an async driver (`asyncpg`, async `psycopg`, `aiosqlite`, SQLAlchemy `AsyncSession`, `motor`), or make the handler a plain `def` so the framework runs it in a thread pool',
  redis: 'use `redis.asyncio`, or `await asyncio.to_thread(...)`',
  aws: 'use `aioboto3` / `aiobotocore`, or `await asyncio.to_thread(...)`',
  socket: 'use `asyncio.open_connection(...)` or `loop.sock_*` / `loop.getaddrinfo(...)`, or `await asyncio.to_thread(...)`',
  mail: 'use `aiosmtplib`, or `await asyncio.to_thread(...)`',
  input: 'read it with `await asyncio.to_thread(input, ...)`',
  cpu: 'hash in a worker thread: `await asyncio.to_thread(...)` (or `run_in_threadpool`)',
  sdk: 'use the library\'s async client, or `await asyncio.to_thread(...)`',
  configured: 'use an async alternative, or `await asyncio.to_thread(...)`',
};

/** `synchronous openai SDK (network)`, `database`: what kind of call blocks. */
const noun = (entry: BlockingEntry): string => (entry.library && entry.category === 'sdk' ? `synchronous \`${entry.library}\` SDK (network)` : NOUN[entry.category]);

/** What a blocking call on the loop costs, by where the `async def` runs (model/contexts.ts). */
const CONSEQUENCE: Record<ExecutionContext, string> = {
  server: 'every request on this worker waits while it runs',
  library: 'it blocks the event loop of whoever awaits it',
  startup: 'it blocks start-up or shut-down (runs once, outside traffic)',
  script: "it blocks this program's own event loop, which nothing else shares",
  test: "it blocks the test's event loop",
  example: 'code copied from this example would block the event loop',
  lambda: 'on Lambda it delays only this invocation (one event per execution environment)',
  unused: 'nothing in this project calls it, but whatever does would wait',
};

/** Where an `async def` runs: its contexts, what blocking there costs, and start-up findings as `info`. */
function loopContext(project: Project, module: ModuleFacts, loopFunction: number) {
  const contexts = contextOf(project, module, loopFunction);
  return { contexts, consequence: CONSEQUENCE[contexts[0]], severity: contexts[0] === 'startup' ? ('info' as const) : undefined };
}

export interface Options {
  blockingCalls: string[];
  asyncSafeCalls: string[];
  callDepth: number;
  metadataCalls: 'in-loops' | 'all' | 'off';
  oncePerProcess: 'off' | 'info';
}

const compiledPatterns = new WeakMap<string[], RegExp[]>();

function configuredPatterns(options: Options, list: string[] = options.blockingCalls): RegExp[] {
  let compiled = compiledPatterns.get(list);
  if (!compiled) {
    compiled = list.map(fnmatch);
    compiledPatterns.set(list, compiled);
  }
  return compiled;
}

/** A call the user declared safe on the loop (`async-safe-calls`): never blocking, and not followed. */
function declaredSafe(project: Project, options: Options, name: string | null): boolean {
  if (options.asyncSafeCalls.length === 0) return false;
  const canonical = project.canonical(name);
  return canonical !== null && configuredPatterns(options, options.asyncSafeCalls).some((p) => p.test(canonical));
}

function asyncioSleepFix(module: ModuleFacts, call: CallFact): { edits: TextEdit[]; applicability: 'safe' | 'unsafe' } {
  const alias = Object.entries(module.symbols).find(([, v]) => v === 'asyncio')?.[0];
  const edits: TextEdit[] = [{ range: calleeRangeOf(call), text: `await ${alias ?? 'asyncio'}.sleep` }];
  if (alias) return { edits, applicability: 'safe' };
  const add = importAsyncio(module);
  if (!add) return { edits, applicability: 'unsafe' };
  edits.push(add);
  return { edits, applicability: 'safe' };
}

export const rule: Rule<Options> = {
  code: 'PP101',
  name: 'blocking-call-in-async',
  severity: 'error',
  summary: 'A blocking call inside `async def` stops the event loop and every request the worker is serving.',
  tags: ['performance', 'async', 'event-loop', 'correctness'],
  precision: 'high',
  contexts: ['server', 'library', 'startup'],
  docs: {
    sources: ['R2', 'R5'],
    what: `A call that blocks — \`time.sleep\`, synchronous HTTP (\`requests\`, \`httpx.Client\`, \`urllib\`, \`urllib3\`), subprocesses, file I/O, synchronous database and Redis drivers, SQLAlchemy's sync \`Session\`, \`boto3\` clients, sockets and DNS, SMTP/FTP, \`input()\` — made on the event loop: lexically inside an \`async def\` (comprehensions included), not inside a nested \`def\`, \`lambda\` or class body, and not awaited.

**Where the \`async def\` runs.** A blocking call hurts only when the loop is shared, so findings depend on the function's execution context (see "Execution contexts" in the README): reported in *server* code (reached from a route, a dependency, middleware, a websocket or socket.io handler, a background task — every request on the worker waits) and in *library* code (an importable package's async code that nothing in the project serves: it blocks whoever awaits it); in *startup* code (lifespan, start-up and shut-down hooks, and the code of a function that starts a server itself — \`await uvicorn.Server(config).serve()\`, \`uvicorn.run(app)\` — which runs before and after serving: once, outside traffic) as \`info\`; a task that start-up code starts, or a function it defines and hands on (the app a factory returns), runs while the server serves: *server*. Not reported by default: *script* (\`asyncio.run(main())\` in a \`__main__\` block, CLI commands, \`scripts/\`), *test*, *example* (\`examples/\`, \`docs/\`, \`notebooks/\`...) and *lambda* code (one event per execution environment), nor *unused* code (dead code: in the package the project serves, nothing reaches it or even names it). Choose with the \`contexts\` option; \`pylint-perf explain --why FILE:LINE\` shows where a function runs, and why. The message says what the call costs in that context, and the JSON output has the finding's \`context\`.

**Through project functions.** A call on the loop to a plain \`def\` of the project that blocks — directly, or through other project functions up to \`call-depth\` frames deep (default 3) — is reported at the call, with the chain in the message and as related locations: \`crud.get_user() → db.query()\`. Calls are followed through imports and module attributes (\`crud.get_user\`), \`self.method()\`, methods of objects whose class is known (constructor, annotation, \`self.x\` set in \`__init__\`), and class instantiation (\`Repo()\` runs \`Repo.__init__\`); a path that blocks in only one branch counts, except a branch under \`if PARAM:\` / \`if PARAM is not None:\` whose parameter has a falsy default (\`blocking=False\`, \`url=None\`) that no call in the project sets to anything else (\`send(event)\`, \`fetch(None)\`): that branch never runs; recursion is cut. An \`async def\` or a generator function is not followed (calling it runs none of its body); functions handed to a thread (\`asyncio.to_thread(fn)\`, \`run_in_threadpool(fn)\`, \`run_in_executor\`, \`BackgroundTasks.add_task(fn)\`, a generator given to \`StreamingResponse\`) are references, not calls.

**Once per process.** A blocking call that runs once per process rather than on every request makes only the first request wait: it is not reported by default (\`once-per-process = "off"\`: on the measured public services, 6 of the 7 such findings judged were not worth one), and \`"info"\` reports it as \`info\`. That is a call inside a memoisation guard — \`if _client is None:\` / \`if not _ready:\` whose block assigns that name, where the name is a \`global\` of the function or an attribute of \`cls\`, of a class or of a module (not of \`self\`, a parameter or a local) — or in a function under \`@functools.cache\` / \`@functools.lru_cache\` (whatever its arguments; unless the project calls its \`cache_clear()\`, which makes it run again), or after the early return of a memoised value (\`if _client is not None: return _client\`), or in a cache keyed by the arguments (\`if key in _cache: return _cache[key]\` … \`_cache[key] = ...\`, or \`if key not in _cache: _cache[key] = ...\`, on a module-level dict — not a local of an enclosing function, made anew on each of its calls: once per key), or in a logger set-up that returns early once the logger has handlers (\`logger = logging.getLogger(name)\`, \`if logger.handlers: return logger\`, then \`logger.addHandler(...)\`: loggers are process-wide). Through project functions, the call is \`info\` only when every way to a blocking call within \`call-depth\` runs once per process; a function that blocks once in a guard and again on every call is reported for the latter.

**One finding per cause.** Calls on the loop to the same project function that blocks are one problem, not one per handler: \`get_user() → db.query()\` called from 30 handlers is reported once, at the first call site in path and line order, with the message ending \`(also called on the event loop from 29 other places).\` and the other call sites (the first 20) as related locations. Call sites in different execution contexts make groups of their own (a test's call site never stands for a server's); a blocking call written in the \`async def\` itself is never grouped (each is its own fix). The group is formed among the files checked: \`pylint-perf check b.py\` reports b.py's call site. Suppressions: a suppression on the reported call site silences the whole group; a call site with a PP101 suppression of its own (on its line, or \`disable-file\` for its file) leaves the group and is silenced alone, so no suppression is left unused.

**File objects.** One finding per file operation: \`with open(p) as f: f.read()\` and \`f = open(p); f.write(x); f.close()\` are reported once, on the \`open\` (also \`io.open\`, \`codecs.open\`, \`os.fdopen\`, \`Path.open\`). The methods of a file object whose opening is not reported in the same function — a parameter annotated \`io.TextIOWrapper\` or \`io.Buffered*\`, an attribute set in \`__init__\`, a module-level file — are reported one by one. A parameter annotated \`typing.IO\`, \`TextIO\` or \`BinaryIO\` is not taken for a file: those types describe any file-like object, and in the services measured they annotated in-memory \`StringIO\`/\`BytesIO\` buffers (a parser's input, an upload being stored) every time. \`seek()\` and \`tell()\` move or read the file offset without reading data (one \`lseek\`): not reported.

**Star imports.** \`from x import *\` binds only what \`x\` exports — its \`__all__\`, else its public module-level names — so it hides the builtin \`open\`, \`input\` or \`print\` only when \`x\` is a project module that exports that name; star imports from the standard library and third-party packages are assumed not to rebind them.

Names are resolved through imports, aliases and simple types that flow through the project: \`import requests as r; r.get()\`, \`s = requests.Session(); s.get()\`, \`db: Session = Depends(get_db)\`, \`self.s3 = boto3.client("s3")\` in \`__init__\`, objects bound at module level in any project module (\`CACHE = RedisCache()\` used from another module), what project functions return (their \`-> Session\` annotation, \`Optional[...]\` unwrapped, or the one value all their \`return\`s give: \`return SessionLocal()\`; a factory whose branches return sibling classes gives their nearest common project base class; a \`Type[X]\` parameter is the class \`X\`), what \`with ... as x\` gets from a \`@contextmanager\`/\`@asynccontextmanager\` generator (the one object type all its \`yield\`s give: \`with session_scope() as s: s.query(...)\`), what middleware or a dependency puts on the request's state (\`request.state.db = SessionLocal()\`, when every such assignment in the project makes the same type: \`request.state.db.commit()\` is a \`Session\` call), properties (\`repos.orders\` is what the \`orders\` property returns), methods and class methods inherited from project base classes (\`AccountService.find()\` defined on \`BaseService\`), the project's own ORM models (a class whose bases lead to \`peewee.Model\` or Django's \`models.Model\`: \`User.get(...)\`, \`User.select().where(...).count()\`, \`Order.objects.get(...)\`, \`order.save()\` run a query; building a query and Django's \`a\`-prefixed methods do not), unannotated parameters that every call in the project fills with the same type (\`fetch_keys(db.session, org)\` everywhere: \`session\` is a \`Session\`; a caller that hands down its own parameter passes what its callers pass, through chains of helpers; calls in test files, which pass mocks, are not counted), paths joined with \`/\` (\`DATA / "index.html"\`), and fastapi-sqlalchemy's \`db.session\`. When a type was inferred from a function's returns, a property or the calls a function gets, the message says so and where ("Types inferred: \`Repos.orders\` is \`app.repos.OrderRepo\` (property at app/deps.py:40).").

**Synchronous SDKs.** Any method of an object of a synchronous I/O library is a round trip, listed or not, but for the few that only configure it or hand out another object: a \`redis\` client (not \`pipeline\`, \`pubsub\`, \`lock\`...), a boto3 client or resource (not \`get_paginator\`, \`generate_presigned_url\`...), a \`requests.Session\` (not \`mount\`, \`prepare_request\`...), a pymongo database or collection (not \`get_collection\`, \`with_options\`), peewee and Django models. The library table (model/sync-libraries.ts: calls, async way out, client constructors) is shared with PP102 and PP401. Besides the standard library and the database and HTTP clients, the catalogue knows SDKs whose calls are network round trips: \`openai.OpenAI\` / \`AzureOpenAI\` (and the 0.x module functions), \`anthropic.Anthropic\`, \`stripe\`, \`twilio\`, \`sendgrid\`, \`resend\`, \`slack_sdk.WebClient\` (and slack_bolt's \`app.client\`), google-auth's \`id_token.verify_*\`, \`google.cloud.*.Client\` calls, \`googleapiclient\` \`build(...)\` and \`.execute()\`, \`ipinfo\`, \`email_validator.validate_email\` (unless \`check_deliverability=False\`), \`paramiko\` / \`pysftp\`, \`docker\`, \`kubernetes\`, \`hvac\`, \`minio\`, \`opensearch-py\`, \`qdrant_client\`, \`pinecone\`, langchain document loaders' \`load()\`, \`cassandra\`, \`clickhouse_driver\` and \`sqlalchemy.inspect(engine)\`; each finding names the library's async way out (\`openai.AsyncOpenAI\`, \`AsyncWebClient\`...). Archives count too: opening a \`zipfile\`/\`tarfile\` archive on disk (not on an \`io.BytesIO\`), extracting and adding files, \`shutil.make_archive|unpack_archive|copyfileobj\`, and temporary files. Disk metadata calls take microseconds on a local disk (\`os.path.exists|isfile|isdir|getsize|getmtime\`..., \`Path.exists|is_file|is_dir|stat|mkdir|unlink|touch|rename\`, \`os.makedirs|mkdir|remove|unlink|rename|replace|rmdir\`, and listing one directory: \`os.listdir|scandir\`, \`Path.iterdir|glob\`, \`glob.glob\`): they are noise to most teams, and on the measured public services only 4 of the 11 judged findings for them — already limited to loops — were worth one, so by default (\`metadata-calls = "off"\`) they are not reported (the catalogue lists them as \`info\`; this deviates from it on that measurement). \`"in-loops"\` reports them as \`info\` where they run once per item of a loop or comprehension — in the \`async def\` or on the way to the call — the metadata calls of one \`async def\` as one finding with the others as related locations; \`"all"\` reports every one. Closing a file is \`info\`; walking a tree (\`os.walk\`, \`Path.rglob|walk\`), which grows with the tree, and CPU-bound password hashing (\`bcrypt\`, \`passlib\`, \`argon2\`, \`hashlib.pbkdf2_hmac\`) as warnings. The catalogue covers every call of Ruff's and flake8-async's ASYNC210–212, ASYNC220–222, ASYNC230–232, ASYNC250 and ASYNC251, plus \`requests.request\` and \`httpx.request\`.`,
    why: `An \`async def\` runs on the event loop; while a call blocks, the loop serves no one. Measured by the FLINTERS load test: 1,000 concurrent requests to a handler waiting 1 s — with a blocking wait the server delivered **108.8 req/s with p99 9.15 s**; with \`await\` it delivered **799 req/s with p99 1.21 s**. A worker that blocks serves ten one-second requests in 10.08 s instead of 1.06 s. “High Performance FastAPI” (PyCon JP 2021) advises: use async/await wherever the network is involved.`,
    fix: `Use the async API: \`await asyncio.sleep\`; \`httpx.AsyncClient\` or \`aiohttp\`; \`asyncpg\`, async \`psycopg\`, \`redis.asyncio\`, SQLAlchemy \`AsyncSession\`; \`aiofiles\` or \`anyio.Path\`; \`aioboto3\`. Or keep the sync library and move the call off the loop with \`await asyncio.to_thread(fn, ...)\` / \`run_in_threadpool\`, or make the handler a plain \`def\` (FastAPI and Starlette run those in a thread pool). \`--fix\` rewrites \`time.sleep(x)\` to \`await asyncio.sleep(x)\` and adds \`import asyncio\` when needed, where isort and Ruff (I001) would put it: in the standard-library block of the first imports, in alphabetical order; as a block of its own before the first import when that block has no standard-library module; after the docstring and \`from __future__\` imports when the module imports nothing at top level.`,
    bad: `import time
import requests
from fastapi import FastAPI

app = FastAPI()

@app.get("/users/{user_id}")
async def get_user(user_id: int):
    time.sleep(0.1)
    return requests.get(f"https://api.example.com/users/{user_id}").json()`,
    good: `import asyncio
import httpx
from fastapi import FastAPI

app = FastAPI()
client = httpx.AsyncClient()

@app.get("/users/{user_id}")
async def get_user(user_id: int):
    await asyncio.sleep(0.1)
    response = await client.get(f"https://api.example.com/users/{user_id}")
    return response.json()`,
    notFlagged: [
      'by default, `async def`s that run only in tests, examples, one-shot scripts (`asyncio.run(main())`, CLI commands, `scripts/`) or AWS Lambda code: nobody else waits on their loop (the `contexts` option brings them back);',
      'the same calls in a plain `def` (FastAPI runs it in a thread pool);',
      'awaited calls (`await client.get(...)`) and calls in `async with` / `async for` headers;',
      'functions passed by reference: `await asyncio.to_thread(time.sleep, 1)`, `run_in_threadpool(requests.get, url)`, `loop.run_in_executor(None, fn)`, `anyio.to_thread.run_sync(fn)`;',
      'calls inside a `lambda`, nested `def` or class body within the `async def`;',
      'async clients: `httpx.AsyncClient`, `aiohttp`, `redis.asyncio`, `asyncpg`, `aioboto3`, `AsyncSession`, `aiofiles.open`, `anyio.open_file`;',
      'names that only share a spelling: `self.requests.get()`, a local function named `sleep`, `sleep = my_sleep`;',
      'the methods of a file whose `open()` in the same function is already reported (`f.read()` after `with open(p) as f:`), and `open()` bound by a star import of a project module that exports its own `open`;',
      'project functions whose blocking call is more than `call-depth` frames away, `async def` helpers (their own body is checked where it is written), generator functions, and constructors that do not connect (`SessionLocal()` builds a `Session` that connects lazily).',
    ],
  },
  options: {
    properties: {
      'blocking-calls': {
        type: 'array',
        items: { type: 'string' },
        description:
          'Extra qualified names to treat as blocking, fnmatch-style (`mylib.sync_fetch`, `vendor.client.*`). Objects are written with `()`: `vendor.Client().fetch`.',
      },
      'async-safe-calls': {
        type: 'array',
        items: { type: 'string' },
        description:
          'Qualified names, fnmatch-style, that never block the loop although the catalogue or the call graph says they do: a project wrapper that hands its work to a thread (`app.db.run_in_pool`), a vendor client you know to be async-safe (`vendor.Client().*`). Their calls are not reported and not followed.',
      },
      'metadata-calls': {
        enum: ['in-loops', 'all', 'off'],
        description:
          'Disk metadata calls (`os.path.exists`, `Path.mkdir`, `os.makedirs`...) take microseconds on a local disk: `off` (the default) does not report them; `in-loops` reports them (as `info`) only where they run once per item of a loop or comprehension, in the `async def` or on the way to it; `all` reports every one.',
      },
      'once-per-process': {
        enum: ['off', 'info'],
        description:
          'A blocking call that runs once per process (in a memoisation guard, under `@functools.cache`, after an early return of a memoised value, once per key of a lasting cache, in a logger set-up): `off` (the default) does not report it — only the first request waits; `info` reports it as `info`, for teams that want every first-request stall moved to start-up.',
      },
      'call-depth': {
        type: 'integer',
        minimum: 0,
        description: 'How many project functions deep to follow a call from an `async def` to a blocking call: `handler → service.get() → repo.fetch() → Session.query()` needs 2; 0 reports direct calls only.',
      },
    },
    defaults: { blockingCalls: [], asyncSafeCalls: [], callDepth: 3, metadataCalls: 'off', oncePerProcess: 'off' },
  },

  checkModule(module: ModuleFacts, context: RuleContext<Options>): void {
    const { project } = context;
    const userPatterns = configuredPatterns(context.options);
    const flagged: { call: CallFact; name: string | null; entry: BlockingEntry }[] = [];
    for (const call of module.calls) {
      const scope = module.scopes[call.scope];
      if (scope.loopFunction < 0 || call.awaited || declaredSafe(project, context.options, call.callee)) continue;
      const found = blockingCall(project, module, call, userPatterns);
      if (found) flagged.push({ call, ...found });
    }
    // One finding per call chain: in `boto3.client("s3").get_object()` the inner call is reported.
    const chainStarts = new Map<string, number>();
    for (const f of flagged) {
      const key = `${f.call.range.line}:${f.call.range.column}`;
      const inner = chainStarts.get(key);
      if (inner === undefined || f.call.range.endLine * 1e6 + f.call.range.endColumn < inner) {
        chainStarts.set(key, f.call.range.endLine * 1e6 + f.call.range.endColumn);
      }
    }
    const reported = flagged.filter(({ call }) => chainStarts.get(`${call.range.line}:${call.range.column}`) === call.range.endLine * 1e6 + call.range.endColumn);
    // One finding per file operation: `f = open(p)` reported, then `f.read()`, `f.close()` in the same function are not.
    // Files and archives opened here (`open`, `tarfile.open`, `zipfile.ZipFile`, a temporary file), by what their object is.
    const opened = reported
      .filter(({ call, name, entry }) => entry.category === 'file' && call.assignedTo && name)
      .map((o) => ({ ...o, object: project.canonical(`${o.name}()`) }));
    const sameFileOperation = (call: CallFact, name: string | null): boolean => {
      const receiver = call.calleeText.replace(/\s+/g, '').replace(/\.\w+$/, '');
      const loop = module.scopes[call.scope].loopFunction;
      return opened.some((o) => o.call.assignedTo === receiver && name?.startsWith(`${o.object}.`) && module.scopes[o.call.scope].loopFunction === loop && before(o.call, call));
    };
    for (const { call, name, entry } of reported) {
      if (sameFileOperation(call, name)) continue;
      const loop = module.scopes[call.scope].loopFunction;
      const fn = module.scopes[loop];
      const display = name && !name.includes('<param>') ? name.replace(/\(\)/g, '') : undefined;
      const shown = display && display !== call.calleeText ? ` (${display})` : '';
      const runs = loopContext(project, module, loop);
      if (isMetadata(entry)) {
        if (call.onceGuard !== undefined) continue;
        if (metadataWanted(context.options, call.inLoop === true)) project.derived(pendingMetadata).push({ module, call, loop, what: `\`${call.calleeText}()\`${shown}`, related: [], inLoop: call.inLoop === true });
        continue;
      }
      const message = `\`${call.calleeText}()\`${shown} is a blocking ${noun(entry)} call inside \`async def ${fn.name}\`: ${runs.consequence}; ${entry.advice ?? ADVICE[entry.category]}.`;
      if (call.onceGuard !== undefined && context.options.oncePerProcess === 'off') continue;
      const finding =
        call.onceGuard === undefined
          ? { range: call.range, message: message + inferredTypes(project, [call.callee]), severity: runs.severity ?? entry.severity, contexts: runs.contexts }
          : { range: call.range, message: onceDirectMessage(call, shown, entry, fn.name), severity: 'info' as const, contexts: runs.contexts };
      if (name === 'time.sleep') {
        const fix = asyncioSleepFix(module, call);
        context.report({ ...finding, fix: { description: 'Replace with `await asyncio.sleep(...)`', ...fix } });
      } else {
        context.report(finding);
      }
    }
    if (context.options.callDepth > 0) collectIndirect(module, context, new Set(flagged.map((f) => f.call)));
  },

  /** The calls through project functions, collected from every checked module, grouped by cause. */
  checkProject(context: RuleContext<Options>): void {
    if (context.options.callDepth > 0) reportIndirect(context);
    reportMetadata(context);
  },
};

function before(a: CallFact, b: CallFact): boolean {
  return a.range.line < b.range.line || (a.range.line === b.range.line && a.range.column < b.range.column);
}

type Blocking = { name: string | null; entry: BlockingEntry };

/** How the project functions reach a blocking call, within `call-depth` frames. */
interface BlockingReach {
  /**
   * On every call (no memoisation guard and no `@functools.cache` on the way), by the least
   * severity of the blocking call: errors only, then warnings too, then any. A function that reaches
   * an `os.makedirs` in two frames and a database query in three is reported for the query.
   */
  everyCall: Map<string, Reach<Blocking>>[];
  /** At all, steps that run once per process included. */
  any: Map<string, Reach<Blocking>>;
}

const reachCache = new WeakMap<Project, BlockingReach>();

/** Which project functions block, and how, within `call-depth` frames: computed once per run. */
function blockingFunctions(project: Project, options: Options): BlockingReach {
  let reach = reachCache.get(project);
  if (!reach) {
    const patterns = configuredPatterns(options);
    const graph = callGraph(project);
    // The roots: project functions called on the event loop anywhere in the project.
    const roots: FunctionNode[] = [];
    for (const module of project.modules) {
      for (const call of module.calls) {
        if (module.scopes[call.scope].loopFunction < 0 || call.awaited) continue;
        const target = graph.target(call);
        if (target) roots.push(target);
      }
    }
    // Four searches over the same calls and functions: each answer is computed once.
    const directs = new Map<CallFact, Blocking | null>();
    // A branch under `if url:` where no call in the project passes a truthy `url` never runs.
    const dead = (call: CallFact, owner: FunctionNode): boolean => call.requires?.some((p) => graph.neverTruthy(owner, p)) === true;
    const direct = (module: ModuleFacts, call: CallFact, owner: FunctionNode): Blocking | undefined => {
      if (dead(call, owner) || declaredSafe(project, options, call.callee)) return undefined;
      let found = directs.get(call);
      if (found === undefined) directs.set(call, (found = blockingCall(project, module, call, patterns) ?? null));
      return found ?? undefined;
    };
    const caches = new Map<string, boolean>();
    const cached = (node: FunctionNode): boolean => {
      let found = caches.get(node.key);
      if (found === undefined) caches.set(node.key, (found = functoolsCache(project, node) !== undefined));
      return found;
    };
    const everyCall = (least: Severity): Map<string, Reach<Blocking>> =>
      propagate(
        graph,
        options.callDepth,
        (module, call, owner) => {
          if (call.onceGuard !== undefined || cached(owner)) return undefined;
          const found = direct(module, call, owner);
          return found && severityRank(found.entry.severity ?? 'error') >= severityRank(least) ? found : undefined;
        },
        roots,
        (edge) => edge.call.onceGuard === undefined && !cached(edge.to) && !cached(edge.from) && !dead(edge.call, edge.from) && !declaredSafe(project, options, edge.call.callee),
      );
    reach = { everyCall: [everyCall('error'), everyCall('warning'), everyCall('info')], any: propagate(graph, options.callDepth, direct, roots, (edge) => !dead(edge.call, edge.from) && !declaredSafe(project, options, edge.call.callee)) };
    reachCache.set(project, reach);
  }
  return reach;
}

function where(project: Project, file: string, line: number): string {
  return `${project.displayPath(file)}:${line}`;
}

/** A call on the loop to a project function that blocks, waiting for the other checked modules. */
interface IndirectCall {
  module: ModuleFacts;
  call: CallFact;
  target: FunctionNode;
  /** The reach of `target` in `reaches`, the map to follow its chain in. */
  reach: Reach<Blocking>;
  reaches: Map<string, Reach<Blocking>>;
  /** Every way to the blocking call runs once per process: the first such step. */
  once?: OnceStep;
}

const pendingIndirect = (): IndirectCall[] => [];

/**
 * Calls made on the loop to a project function that blocks, directly or through other project
 * functions (the repository layer, a `crud` module, an SDK wrapper): collected here for each
 * checked module, reported by `reportIndirect` once every checked module is collected.
 */
function collectIndirect(module: ModuleFacts, context: RuleContext<Options>, already: Set<CallFact>): void {
  const { project } = context;
  const graph = callGraph(project);
  const { everyCall, any } = blockingFunctions(project, context.options);
  const pending = project.derived(pendingIndirect);
  for (const call of module.calls) {
    const scope = module.scopes[call.scope];
    if (scope.loopFunction < 0 || call.awaited || already.has(call)) continue;
    if (declaredSafe(project, context.options, call.callee)) continue;
    const target = graph.target(call);
    if (!target) continue;
    const reaches = (call.onceGuard === undefined ? everyCall.find((m) => m.has(target.key)) : undefined) ?? any;
    const r = reaches.get(target.key);
    if (!r) continue;
    const every = reaches !== any;
    // A disk metadata call that runs once per process is never worth a finding.
    if (!every && (isMetadata(r.detail.entry) || context.options.oncePerProcess === 'off')) continue;
    const found: IndirectCall = { module, call, target, reach: r, reaches };
    if (!every) found.once = firstOnceStep(project, found);
    pending.push(found);
  }
}

/** The first step of the call's chain that runs once per process. */
function firstOnceStep(project: Project, c: IndirectCall): OnceStep | undefined {
  if (c.call.onceGuard !== undefined) {
    const loop = c.module.scopes[c.call.scope].loopFunction;
    return { kind: 'guard', name: c.call.onceGuard, owner: { key: `${c.module.moduleName}.${c.module.scopes[loop].qualname}`, module: c.module, scopeIndex: loop } };
  }
  const entered = functoolsCache(project, c.target);
  if (entered) return { kind: 'cache', decorator: entered, callee: c.target };
  let node = c.target;
  for (let r: Reach<Blocking> | undefined = c.reach; r; r = c.reaches.get(node.key)) {
    if (!r.via) return r.call.onceGuard !== undefined ? { kind: 'guard', name: r.call.onceGuard, owner: node } : undefined;
    const step = onceStep(project, r.via.from, r.via.call, r.via.to);
    if (step) return step;
    node = r.via.to;
  }
  return undefined;
}

/** At most this many other call sites of one cause are listed as related locations. */
const MAX_ALSO = 20;

/**
 * One finding per cause — the project function called on the loop, and whether it blocks on every
 * call or once per process — at its first call site in path and line order, with the other call
 * sites as related locations: `get_user() → db.query()` called from 30 handlers is one fix, not 30.
 * Call sites in different execution contexts make groups of their own (a test's call site never
 * stands for a server's).
 * A suppression on the reported call site silences the group; a call site with a PP101
 * suppression of its own (on its line, or for its file) leaves the group and is reported alone,
 * so that its suppression silences it and is not left unused.
 */
function reportIndirect(context: RuleContext<Options>): void {
  const { project } = context;
  const calls = project.derived(pendingIndirect).splice(0).sort(bySite);
  const groups = new Map<string, IndirectCall[]>();
  for (const c of calls) {
    const key = `${c.target.key}\n${c.once ? 'once' : 'every call'}\n${contextOf(project, c.module, c.module.scopes[c.call.scope].loopFunction).join(',')}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  for (const group of groups.values()) {
    const alone = group.filter((c) => suppressedFile(c.module));
    const [first, ...others] = group.filter((c) => !suppressedFile(c.module));
    const also = others.filter((c) => !suppressedLine(c.module, c.call.range.line));
    alone.push(...others.filter((c) => !also.includes(c)));
    if (first && !first.once && isMetadata(first.reach.detail.entry)) {
      // Disk metadata: each call site joins its own function's group, when wanted.
      for (const c of [first, ...also]) if (metadataWanted(context.options, chainInLoop(c))) joinMetadata(project, c);
    } else if (first) reportCall(context, first, also);
    for (const c of alone) reportCall(context, c, []);
  }
}

function bySite(a: IndirectCall, b: IndirectCall): number {
  if (a.module.path !== b.module.path) return a.module.path < b.module.path ? -1 : 1;
  return a.call.range.line - b.call.range.line || a.call.range.column - b.call.range.column;
}

/** Suppression targets that cover PP101: its code, its name, a code prefix; none at all covers every rule. */
const PP101_TARGET = /^(PP(1(01?)?)?|blocking-call-in-async)$/i;

function silencesPP101(s: SuppressionFact): boolean {
  return s.targets.length === 0 || s.targets.some((t) => PP101_TARGET.test(t.trim()));
}

function suppressedFile(module: ModuleFacts): boolean {
  return module.suppressions.some((s) => s.kind === 'file' && silencesPP101(s));
}

function suppressedLine(module: ModuleFacts, line: number): boolean {
  return module.suppressions.some((s) => s.kind !== 'file' && s.line === line && silencesPP101(s));
}

/** The finding of one call through project functions: its chain, and the other call sites of its cause. */
function reportCall(context: RuleContext<Options>, c: IndirectCall, also: IndirectCall[]): void {
  const { project } = context;
  const { module, call, reach: r } = c;
  const via = chainEdges(c);
  const related: RelatedLocation[] = via.map((e) => ({ path: e.from.module.path, range: e.call.range, message: `calls \`${e.call.calleeText}()\`` }));
  const names = [`${call.calleeText}()`, ...via.map((e) => `${e.call.calleeText}()`)];
  const { entry, name } = r.detail;
  const shownName = name && !name.includes('<param>') ? name.replace(/\(\)/g, '') : r.call.calleeText;
  const alias = shownName !== r.call.calleeText ? ` (${shownName})` : '';
  related.push({ path: r.module.path, range: r.call.range, message: `\`${r.call.calleeText}()\`${alias}: a blocking ${noun(entry)} call` });
  names.push(`${r.call.calleeText}()`);
  const loop = module.scopes[call.scope].loopFunction;
  const fn = module.scopes[loop];
  const runs = loopContext(project, module, loop);
  const consequence = runs.consequence.charAt(0).toUpperCase() + runs.consequence.slice(1);
  const metadata = !c.once && isMetadata(entry);
  let message = c.once
    ? onceIndirectMessage(project, c, c.once, names, fn.name)
    : metadata
      ? `\`${call.calleeText}()\` reaches a disk metadata call inside \`async def ${fn.name}\`: ${names.join(' → ')} at ${where(project, r.module.path, r.call.range.line)}. It takes microseconds on a local disk, but holds the loop for as long as the disk takes to answer (network storage, a busy volume); ${ADVICE.filesystem}.`
      : `\`${call.calleeText}()\` blocks the event loop inside \`async def ${fn.name}\`: ${names.join(' → ')} is a blocking ${noun(entry)} call at ${where(project, r.module.path, r.call.range.line)}. ${consequence}; make that path async, or run it in a thread: \`await asyncio.to_thread(${call.calleeText}, ...)\`.`;
  message += inferredTypes(project, [call.callee, ...via.map((e) => e.call.callee), r.call.callee]);
  if (also.length > 0) message = `${message.replace(/\.$/, '')} (also called on the event loop from ${also.length} other place${also.length === 1 ? '' : 's'}).`;
  also.slice(0, MAX_ALSO).forEach((a, i) => {
    const more = i === MAX_ALSO - 1 && also.length > MAX_ALSO ? ` (and ${also.length - MAX_ALSO} more places, not listed)` : '';
    related.push({ path: a.module.path, range: a.call.range, message: `also called here, in \`async def ${loopFunctionName(a)}\`${more}`, also: true });
  });
  context.report({ path: module.path, range: call.range, severity: c.once ? 'info' : (runs.severity ?? entry.severity), message, related, contexts: runs.contexts });
}

function loopFunctionName(c: IndirectCall): string {
  return c.module.scopes[c.module.scopes[c.call.scope].loopFunction].name;
}

/** What makes a step run once per process, for a message. */
function onceReason(step: OnceStep): string {
  if (step.kind === 'cache') return `\`${step.callee.module.scopes[step.callee.scopeIndex].qualname}\` is cached (\`@${step.decorator.text}\`)`;
  const owner = step.owner.module.scopes[step.owner.scopeIndex].qualname;
  if (step.name === 'importlib.util.find_spec()') return `the call sits in an install guard of \`${owner}\` (a branch taken while a package is missing, which installs it)`;
  if (step.name.endsWith('[]')) return `the call sits in a cache of \`${owner}\` keyed by its arguments (a branch taken while the key is missing from \`${step.name.slice(0, -2)}\`, which stores it)`;
  if (step.name.endsWith('.handlers')) return `the call sits in the logger set-up of \`${owner}\`, skipped once \`${step.name.slice(0, -'.handlers'.length)}\` has handlers (loggers are process-wide)`;
  return `the call sits in a memoisation guard of \`${owner}\` (a branch taken while \`${step.name}\` is unset, which sets it)`;
}

function onceIndirectMessage(project: Project, c: IndirectCall, once: OnceStep, names: string[], fn: string): string {
  const r = c.reach;
  return `\`${c.call.calleeText}()\` reaches a blocking ${noun(r.detail.entry)} call inside \`async def ${fn}\`: ${names.join(' → ')} at ${where(project, r.module.path, r.call.range.line)}, but ${onceReason(once)}: it runs once per ${once.kind === 'guard' && once.name.endsWith('[]') ? 'key' : 'process'}, not on every call. Only the first call waits; to spare it that too, do it at start-up (a lifespan hook), or run it in a thread: \`await asyncio.to_thread(${c.call.calleeText}, ...)\`.`;
}

/** A blocking call written in the `async def` itself, inside a memoisation guard. */
function onceDirectMessage(call: CallFact, shown: string, entry: BlockingEntry, fn: string): string {
  const guard = call.onceGuard === 'importlib.util.find_spec()'
    ? 'in an install guard (a branch taken while a package is missing, which installs it): it runs once per process, so only the first call waits'
    : call.onceGuard!.endsWith('[]')
    ? `in a cache keyed by its arguments (a branch taken while the key is missing from \`${call.onceGuard!.slice(0, -2)}\`, which stores it): it runs once per key, so only the first call for each key waits`
    : `in a memoisation guard (a branch taken while \`${call.onceGuard}\` is unset, which sets it): it runs once per process, so only the first call waits`;
  return `\`${call.calleeText}()\`${shown} is a blocking ${noun(entry)} call inside \`async def ${fn}\`, ${guard}; to spare it that too, do it at start-up (a lifespan hook), or ${entry.advice ?? ADVICE[entry.category]}.`;
}

/** A disk metadata call on the loop (`os.path.isdir`, `Path.mkdir`...), directly or through project functions. */
interface MetadataCall {
  module: ModuleFacts;
  call: CallFact;
  loop: number;
  /** `os.path.isdir()`, or the chain `cache.status() → os.path.exists()`. */
  what: string;
  related: RelatedLocation[];
  /** It runs once per item of a loop (in the \`async def\` or on the way to the call). */
  inLoop: boolean;
}

const pendingMetadata = (): MetadataCall[] => [];

const isMetadata = (entry: BlockingEntry): boolean => entry.severity === 'info' && entry.category === 'filesystem';

/** Whether the `metadata-calls` option reports a metadata call that does (or does not) run in a loop. */
const metadataWanted = (options: Options, inLoop: boolean): boolean => options.metadataCalls === 'all' || (options.metadataCalls === 'in-loops' && inLoop);

/** Whether the call site, or a call on the way to the blocking call, runs once per item of a loop. */
function chainInLoop(c: IndirectCall): boolean {
  return c.call.inLoop === true || chainEdges(c).some((e) => e.call.inLoop) || c.reach.call.inLoop === true;
}

/** The calls from the call site's target to the function that makes the blocking call (`c.reach.call`). */
function chainEdges(c: IndirectCall): CallEdge[] {
  const edges: CallEdge[] = [];
  for (let step: Reach<Blocking> | undefined = c.reach; step?.via; step = c.reaches.get(step.via.to.key)) edges.push(step.via);
  return edges;
}

/** An indirect call whose only blocking call is a metadata call: one more item of its function's group. */
function joinMetadata(project: Project, c: IndirectCall): void {
  const via = chainEdges(c);
  const leaf = c.reach;
  const names = [`${c.call.calleeText}()`, ...via.map((e) => `${e.call.calleeText}()`), `${leaf.call.calleeText}()`];
  const related: RelatedLocation[] = [
    ...via.map((e): RelatedLocation => ({ path: e.from.module.path, range: e.call.range, message: `calls \`${e.call.calleeText}()\`` })),
    { path: leaf.module.path, range: leaf.call.range, message: `\`${leaf.call.calleeText}()\`: a disk metadata call` },
  ];
  const at = where(project, c.reach.module.path, c.reach.call.range.line);
  project.derived(pendingMetadata).push({ module: c.module, call: c.call, loop: c.module.scopes[c.call.scope].loopFunction, what: `${names.join(' → ')} (at ${at})`, related, inLoop: chainInLoop(c) });
}

/**
 * Disk metadata calls take microseconds on a local disk: one \`info\` finding per \`async def\` that
 * makes them, at the first, with the others as related locations. A call site with a PP101
 * suppression of its own is reported alone, so that its suppression silences it.
 */
function reportMetadata(context: RuleContext<Options>): void {
  const { project } = context;
  const groups = new Map<string, MetadataCall[]>();
  for (const m of project.derived(pendingMetadata).splice(0)) {
    const key = suppressedLine(m.module, m.call.range.line) ? `${m.module.path}\n${m.call.range.line}:${m.call.range.column}` : `${m.module.path}\n${m.loop}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const [first, ...others] = group.sort((a, b) => (before(a.call, b.call) ? -1 : 1));
    const fn = first.module.scopes[first.loop].name;
    const runs = loopContext(project, first.module, first.loop);
    // Once, at start-up, microseconds each: not worth a finding.
    if (runs.contexts[0] === 'startup' && context.options.metadataCalls !== 'all') continue;
    const subject = others.length === 0 ? `${first.what} is a disk metadata call` : `${first.what} and ${others.length} other disk metadata call${others.length === 1 ? '' : 's'} run on the event loop`;
    const perItem = group.some((m) => m.inLoop);
    const cost = perItem
      ? 'once per item of a loop: microseconds each on a local disk, but they add up with the number of items, and each holds the loop for as long as the disk takes to answer (network storage, a busy volume)'
      : `${others.length === 0 ? 'it takes' : 'each takes'} microseconds on a local disk, but holds the loop for as long as the disk takes to answer (network storage, a busy volume)`;
    const message = `${subject} inside \`async def ${fn}\`${perItem ? ',' : ':'} ${cost}; ${ADVICE.filesystem}.`;
    const related = [
      ...first.related,
      ...others.map((o): RelatedLocation => ({ path: o.module.path, range: o.call.range, message: `also a disk metadata call: ${o.what}`, also: true })),
    ];
    context.report({ path: first.module.path, range: first.call.range, severity: 'info', message, related, contexts: runs.contexts });
  }
}
