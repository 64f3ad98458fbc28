/**
 * Constructors of clients that hold connections: HTTP clients and sessions, Redis, the AWS SDK,
 * LLM SDKs (each owns an HTTP pool), database drivers and search clients. Building one opens (or
 * prepares) connections that are meant to be reused; building one per request or per invocation
 * throws them away after one use.
 *
 * This catalogue says what a constructor builds, never whether building it somewhere is a problem:
 * each rule selects the families it checks (PP102 per request, PP401 per Lambda invocation).
 * Names are canonical qualified names (see facts.ts); some are spellings the library aliases
 * already fold into another (`redis.StrictRedis`), listed as the rules have always listed them.
 */

import { BOTO3_CONSTRUCTORS, SYNC_LIBRARIES, type ClientFamily } from './sync-libraries.js';

export type { ClientFamily } from './sync-libraries.js';

export interface ClientConstructor {
  /** Qualified name of the constructor or factory: `httpx.AsyncClient`, `boto3.client`. */
  name: string;
  family: ClientFamily;
  /** What it builds, as a phrase: `an HTTP session`. */
  builds: string;
  /** Used with `await` / `async with`: the client of an async library. */
  async?: true;
}

/** DB-API drivers: `<driver>.connect(...)` opens a connection (synchronous I/O). */
export const DBAPI_DRIVERS: readonly string[] = ['sqlite3', 'psycopg2', 'psycopg', 'pymysql', 'MySQLdb', 'mysql.connector'];

export { BOTO3_CONSTRUCTORS };

function entries(family: ClientFamily, builds: string, names: readonly string[], async?: true): ClientConstructor[] {
  return names.map((name) => (async ? { name, family, builds, async } : { name, family, builds }));
}

export const CLIENT_CONSTRUCTORS: readonly ClientConstructor[] = [
  // HTTP
  ...entries('http', 'an HTTP client', ['httpx.Client']),
  ...entries('http', 'an HTTP client', ['httpx.AsyncClient'], true),
  ...entries('http', 'an HTTP session', ['aiohttp.ClientSession', 'aiohttp.client.ClientSession'], true),
  ...entries('http', 'an HTTP connection pool', ['urllib3.PoolManager']),
  // requests, Redis, the AWS SDK, pymongo, LLM SDKs: from the library table, which also says which of their calls block.
  ...SYNC_LIBRARIES.flatMap((lib) => (lib.clients ?? []).map((c): ClientConstructor => ({ name: c.name, family: c.family ?? 'llm', builds: c.builds, ...(c.async ? { async: true as const } : {}) }))),
  // Databases
  ...entries('database', 'a database connection', DBAPI_DRIVERS.map((driver) => `${driver}.connect`)),
  ...entries('database', 'a database engine (a connection pool)', ['sqlalchemy.create_engine']),
  // Search
  ...entries('search', 'an Elasticsearch client', ['elasticsearch.Elasticsearch']),
  ...entries('search', 'an OpenSearch client', ['opensearchpy.OpenSearch']),
];

const BY_NAME = new Map(CLIENT_CONSTRUCTORS.map((c) => [c.name, c]));

/** The client a canonical name constructs, if it is one of the catalogue's constructors. */
export function clientConstructor(name: string | null): ClientConstructor | undefined {
  return name === null ? undefined : BY_NAME.get(name);
}
