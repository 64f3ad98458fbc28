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

import { SYNC_LIBRARIES } from './sync-libraries.js';

export type ClientFamily = 'http' | 'redis' | 'aws' | 'llm' | 'database' | 'search';

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

/** boto3's own constructors: each loads service models from disk when called. */
export const BOTO3_CONSTRUCTORS: readonly string[] = ['boto3.client', 'boto3.resource', 'boto3.Session'];

const BOTO3_BUILDS: Record<string, string> = {
  'boto3.client': 'an AWS SDK client',
  'boto3.resource': 'an AWS SDK resource',
  'boto3.Session': 'an AWS SDK session',
};

function entries(family: ClientFamily, builds: string, names: readonly string[], async?: true): ClientConstructor[] {
  return names.map((name) => (async ? { name, family, builds, async } : { name, family, builds }));
}

export const CLIENT_CONSTRUCTORS: readonly ClientConstructor[] = [
  // HTTP
  ...entries('http', 'an HTTP client', ['httpx.Client']),
  ...entries('http', 'an HTTP client', ['httpx.AsyncClient'], true),
  ...entries('http', 'an HTTP session', ['requests.Session', 'requests.session', 'requests.sessions.Session']),
  ...entries('http', 'an HTTP session', ['aiohttp.ClientSession', 'aiohttp.client.ClientSession'], true),
  ...entries('http', 'an HTTP connection pool', ['urllib3.PoolManager']),
  // Redis
  ...entries('redis', 'a Redis client', ['redis.Redis', 'redis.StrictRedis', 'redis.from_url', 'redis.Redis.from_url', 'redis.client.Redis']),
  ...entries('redis', 'a Redis client', ['redis.asyncio.Redis', 'redis.asyncio.from_url', 'redis.asyncio.Redis.from_url'], true),
  // AWS SDK
  ...BOTO3_CONSTRUCTORS.map((name): ClientConstructor => ({ name, family: 'aws', builds: BOTO3_BUILDS[name] })),
  ...entries('aws', 'an AWS SDK session', ['boto3.session.Session']),
  ...entries('aws', 'a botocore session', ['botocore.session.get_session', 'botocore.session.Session', 'botocore.session.create_session']),
  // LLM SDKs (an HTTP pool each): from the library table, which also says which of their calls block.
  ...SYNC_LIBRARIES.flatMap((lib) => (lib.clients ?? []).map((c): ClientConstructor => ({ name: c.name, family: 'llm', builds: c.builds, ...(c.async ? { async: true as const } : {}) }))),
  // Databases
  ...entries('database', 'a database connection', DBAPI_DRIVERS.map((driver) => `${driver}.connect`)),
  ...entries('database', 'a database engine (a connection pool)', ['sqlalchemy.create_engine']),
  ...entries('database', 'a MongoDB client', ['pymongo.MongoClient', 'pymongo.mongo_client.MongoClient']),
  // Search
  ...entries('search', 'an Elasticsearch client', ['elasticsearch.Elasticsearch']),
  ...entries('search', 'an OpenSearch client', ['opensearchpy.OpenSearch']),
];

const BY_NAME = new Map(CLIENT_CONSTRUCTORS.map((c) => [c.name, c]));

/** The client a canonical name constructs, if it is one of the catalogue's constructors. */
export function clientConstructor(name: string | null): ClientConstructor | undefined {
  return name === null ? undefined : BY_NAME.get(name);
}
