/**
 * The library model as data: one record per synchronous client library — requests, pymongo, Redis,
 * the AWS SDK, the LLM and SaaS SDKs — with the calls that are round trips (exact canonical names,
 * or patterns that take in any method but the few that do no I/O), the async way out, and the
 * client constructors with what they build. PP101 reads the calls (model/blocking-calls.ts, with
 * the standard library, DB-API drivers and SQLAlchemy); PP102 and PP401 read the constructors
 * (model/clients.ts, with httpx, aiohttp, urllib3, the drivers and search clients). A user's
 * `blocking-calls` / `async-safe-calls` extend or narrow it.
 */

/** What kind of blocking a call does; `configured` is a name from the user's `blocking-calls`. */
export type BlockingCategory =
  | 'sleep' | 'http' | 'process' | 'file' | 'filesystem' | 'database' | 'redis' | 'aws'
  | 'socket' | 'mail' | 'input' | 'cpu' | 'sdk' | 'configured';

// Synchronous SDKs: every API call on their clients is a network round trip. One record per
// library: the calls (exact names or patterns over canonical names) and the async way out.
export interface SyncLibrary {
  library: string;
  category?: BlockingCategory;
  calls?: string[];
  patterns?: RegExp[];
  /** The fix advice; without one, the category's (a Redis client: use `redis.asyncio`). */
  advice?: string;
  unlessFalse?: string;
  firstArgument?: RegExp;
  /**
   * The library's client constructors, for the rules about clients built per request or per
   * invocation (model/clients.ts): a constructor, what it builds, and whether it is the async twin.
   */
  clients?: { name: string; builds: string; family?: ClientFamily; async?: true }[];
}

/** What a client constructor builds, for the rules about clients (`llm` when a record says nothing). */
export type ClientFamily = 'http' | 'redis' | 'aws' | 'llm' | 'database' | 'search';

/** boto3's own constructors: each loads service models from disk when called. */
export const BOTO3_CONSTRUCTORS: readonly string[] = ['boto3.client', 'boto3.resource', 'boto3.Session'];

/** A chain of attributes and calls under a client: `.chat.completions.create`, `.with_options().files.list`. */
const CHAIN = String.raw`(?:\.\w+(?:\(\))?)*\.\w+`;

export const SYNC_LIBRARIES: readonly SyncLibrary[] = [
  {
    library: 'requests',
    category: 'http',
    calls: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'send'].map((m) => `requests.Session().${m}`),
    // Any other method of a session is a request too, but for those that only configure it or prepare one.
    patterns: [/^requests\.Session\(\)\.(?!mount$|close$|get_adapter$|merge_environment_settings$|prepare_request$|rebuild_auth$|rebuild_method$|rebuild_proxies$|should_strip_auth$)[a-z_]+$/],
    clients: ['requests.Session', 'requests.session', 'requests.sessions.Session'].map((name) => ({ name, builds: 'an HTTP session', family: 'http' as const })),
  },
  {
    library: 'pymongo',
    category: 'database',
    calls: ['pymongo.MongoClient', 'pymongo.MongoClient().list_database_names', 'pymongo.MongoClient().server_info', 'pymongo.MongoClient().drop_database'],
    patterns: [
      /^pymongo\.MongoClient\(\)((\.\w+|\[\])(\.\w+|\[\])?)\.(find|find_one|find_one_and_update|find_one_and_replace|find_one_and_delete|insert_one|insert_many|update_one|update_many|replace_one|delete_one|delete_many|aggregate|count_documents|estimated_document_count|distinct|bulk_write|create_index|create_indexes|drop|drop_index|list_collection_names|command|create_collection|drop_collection|watch)$/,
      // Any other method of a database or collection object is a round trip to the server too, but
      // for those that only hand out another object (`get_collection`, `with_options`).
      /^pymongo\.MongoClient\(\)(?:\.\w+|\[\])(?:\.\w+|\[\])?\.(?!get_collection$|get_database$|with_options$|get_default_database$|close$|start_session$|watch$)[a-z][a-z_]*$/,
    ],
    clients: ['pymongo.MongoClient', 'pymongo.mongo_client.MongoClient'].map((name) => ({ name, builds: 'a MongoDB client', family: 'database' as const })),
  },
  {
    library: 'redis',
    category: 'redis',
    calls: [
      'redis.Redis().pipeline().execute',
      ...['get_message', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'listen'].map((m) => `redis.Redis().pubsub().${m}`),
      ...['acquire', 'release', 'extend'].map((m) => `redis.Redis().lock().${m}`),
    ],
    // Command methods (not the pipeline/pubsub/lock factories, which do no I/O).
    patterns: [/^redis\.Redis\(\)\.(?!pipeline$|pubsub$|lock$|register_script$|get_encoder$|get_connection_kwargs$|monitor$)[a-z_]+$/],
    clients: [
      ...['redis.Redis', 'redis.StrictRedis', 'redis.from_url', 'redis.Redis.from_url', 'redis.client.Redis'].map((name) => ({ name, builds: 'a Redis client', family: 'redis' as const })),
      ...['redis.asyncio.Redis', 'redis.asyncio.from_url', 'redis.asyncio.Redis.from_url'].map((name) => ({ name, builds: 'a Redis client', family: 'redis' as const, async: true as const })),
    ],
  },
  {
    library: 'boto3',
    category: 'aws',
    // Construction loads service models from disk; every API call is blocking HTTP.
    calls: [...BOTO3_CONSTRUCTORS, 'boto3.client().get_paginator().paginate', 'boto3.client().get_waiter().wait'],
    patterns: [
      /^boto3\.client\(\)\.(?!get_paginator$|get_waiter$|can_paginate$|generate_presigned_url$|generate_presigned_post$|close$)[a-z_]+$/,
      /^boto3\.resource\(\)(\.\w+(\(\))?)*\.[a-z][a-z_]*$/,
    ],
    clients: [
      { name: 'boto3.client', builds: 'an AWS SDK client', family: 'aws' },
      { name: 'boto3.resource', builds: 'an AWS SDK resource', family: 'aws' },
      { name: 'boto3.Session', builds: 'an AWS SDK session', family: 'aws' },
      { name: 'boto3.session.Session', builds: 'an AWS SDK session', family: 'aws' },
      ...['botocore.session.get_session', 'botocore.session.Session', 'botocore.session.create_session'].map((name) => ({ name, builds: 'a botocore session', family: 'aws' as const })),
    ],
  },
  {
    library: 'openai',
    calls: ['openai.ChatCompletion.create', 'openai.Completion.create', 'openai.Embedding.create', 'openai.Image.create', 'openai.Moderation.create', 'openai.Audio.transcribe'],
    patterns: [new RegExp(`^openai\\.(?:OpenAI|AzureOpenAI)\\(\\)${CHAIN}$`)],
    advice: 'use `openai.AsyncOpenAI` (or `AsyncAzureOpenAI`) and `await` its methods',
    clients: [
      { name: 'openai.OpenAI', builds: 'an OpenAI client' },
      { name: 'openai.AzureOpenAI', builds: 'an OpenAI client' },
      { name: 'openai.AsyncOpenAI', builds: 'an OpenAI client', async: true },
      { name: 'openai.AsyncAzureOpenAI', builds: 'an OpenAI client', async: true },
    ],
  },
  {
    library: 'anthropic',
    patterns: [new RegExp(`^anthropic\\.(?:Anthropic|AnthropicBedrock|AnthropicVertex)\\(\\)${CHAIN}$`)],
    advice: 'use `anthropic.AsyncAnthropic` and `await` its methods',
    clients: [
      { name: 'anthropic.Anthropic', builds: 'an Anthropic client' },
      { name: 'anthropic.AsyncAnthropic', builds: 'an Anthropic client', async: true },
    ],
  },
  {
    library: 'stripe',
    patterns: [/^stripe\.[A-Z]\w*\.(?:create|retrieve|modify|delete|list|search|cancel|capture|confirm|pay|void_invoice|finalize_invoice|(?:create|list|retrieve|modify|delete)_\w+)$/, new RegExp(`^stripe\\.StripeClient\\(\\)${CHAIN}$`)],
    advice: 'use the `_async` methods of `stripe.StripeClient` (stripe ≥ 10), or `await asyncio.to_thread(...)`',
  },
  {
    library: 'twilio',
    patterns: [/^twilio\.rest\.Client\(\)(?:\.\w+(?:\(\))?)*\.(?:create|fetch|list|update|delete|stream|page)$/],
    advice: 'give the client an `AsyncTwilioHttpClient` and use the `*_async` methods, or `await asyncio.to_thread(...)`',
  },
  {
    library: 'sendgrid',
    calls: ['sendgrid.SendGridAPIClient().send'],
    patterns: [/^sendgrid\.SendGridAPIClient\(\)\.client(?:\.\w+(?:\(\))?)*\.(?:get|post|put|patch|delete)$/],
    advice: 'send with an async HTTP client (`httpx.AsyncClient`) or `await asyncio.to_thread(...)`',
  },
  { library: 'resend', patterns: [/^resend\.\w+\.(?:send|create|get|list|update|remove|cancel|verify)$/], advice: 'use `await asyncio.to_thread(...)` (the resend SDK is synchronous)' },
  {
    library: 'slack_sdk',
    patterns: [/^slack_sdk\.WebClient\(\)\.(?!token$)\w+$/, /^slack_sdk\.webhook\.WebhookClient\(\)\.send(?:_dict)?$/],
    advice: 'use `slack_sdk.web.async_client.AsyncWebClient` (and slack_bolt\'s `AsyncApp`)',
  },
  {
    library: 'google-auth',
    calls: ['google.oauth2.id_token.verify_oauth2_token', 'google.oauth2.id_token.verify_token', 'google.oauth2.id_token.verify_firebase_token', 'google.oauth2.id_token.fetch_id_token'],
    advice: 'verify in a thread (`await asyncio.to_thread(...)`): it fetches Google\'s certificates over synchronous HTTP',
  },
  {
    library: 'google-cloud',
    patterns: [/^google\.cloud\.[\w.]+\.Client\(\)(?:\.\w+(?:\(\))?)*\.(?!bucket$|blob$|collection$|document$|table$|dataset$|key$|batch$|topic_path$|subscription_path$|close$)\w+$/],
    advice: 'use the library\'s async client where it has one (`firestore.AsyncClient`, `*AsyncClient`), or `await asyncio.to_thread(...)`',
  },
  {
    library: 'google-api-python-client',
    calls: ['googleapiclient.discovery.build'],
    patterns: [/^googleapiclient\.discovery\.build\(\)(?:\.\w+\(\))*\.execute$/],
    advice: 'run it in a thread (`await asyncio.to_thread(...)`): discovery and requests go over synchronous httplib2',
  },
  { library: 'ipinfo', patterns: [/^ipinfo\.getHandler\(\)\.(?:getDetails|getBatchDetails)$/], advice: 'use `ipinfo.getHandlerAsync()` and `await` its methods' },
  {
    library: 'email_validator',
    category: 'socket',
    calls: ['email_validator.validate_email'],
    unlessFalse: 'check_deliverability',
    advice: 'pass `check_deliverability=False` (or resolve the domain with an async DNS resolver), or `await asyncio.to_thread(...)`',
  },
  {
    library: 'paramiko',
    category: 'socket',
    patterns: [/^paramiko\.SSHClient\(\)\.(?:connect|exec_command|open_sftp)$/, /^paramiko\.SSHClient\(\)\.open_sftp\(\)\.\w+$/, /^pysftp\.Connection$/, /^pysftp\.Connection\(\)\.\w+$/],
    advice: 'use `asyncssh`, or `await asyncio.to_thread(...)`',
  },
  { library: 'docker', calls: ['docker.from_env', 'docker.DockerClient'], patterns: [new RegExp(`^docker\\.(?:from_env|DockerClient)\\(\\)${CHAIN}$`)], advice: 'use `aiodocker`, or `await asyncio.to_thread(...)`' },
  { library: 'kubernetes', patterns: [/^kubernetes\.client\.\w+Api\(\)\.\w+$/], advice: 'use `kubernetes_asyncio`, or `await asyncio.to_thread(...)`' },
  { library: 'hvac', patterns: [new RegExp(`^hvac\\.Client\\(\\)${CHAIN}$`)], advice: 'use `await asyncio.to_thread(...)` (hvac is synchronous)' },
  { library: 'minio', patterns: [/^minio\.Minio\(\)\.\w+$/], advice: 'use `miniopy-async`, or `await asyncio.to_thread(...)`' },
  {
    library: 'opensearch-py',
    category: 'database',
    patterns: [/^opensearchpy\.OpenSearch\(\)(\.[a-z_]+)?\.(?!options$)[a-z_]+$/],
    advice: 'use `opensearchpy.AsyncOpenSearch`',
  },
  { library: 'qdrant-client', category: 'database', patterns: [/^qdrant_client\.QdrantClient\(\)\.\w+$/], advice: 'use `qdrant_client.AsyncQdrantClient`' },
  {
    library: 'pinecone',
    category: 'database',
    patterns: [/^pinecone\.(?:Pinecone\(\)\.)?Index\(\)\.\w+$/, /^pinecone\.Pinecone\(\)\.(?:list_indexes|create_index|describe_index|delete_index|has_index)$/],
    advice: 'use `pinecone.PineconeAsyncio` / `IndexAsyncio`, or `await asyncio.to_thread(...)`',
  },
  {
    library: 'langchain',
    patterns: [/^langchain(?:_community)?\.document_loaders(?:\.\w+)*\.\w+Loader\(\)\.(?:load|load_and_split|lazy_load)$/],
    advice: 'use the loader\'s `aload()` / `alazy_load()`, or `await asyncio.to_thread(loader.load)`',
  },
  {
    library: 'cassandra-driver',
    category: 'database',
    patterns: [/^cassandra\.cluster\.Cluster\(\)\.connect$/, /^cassandra\.cluster\.Cluster\(\)\.connect\(\)\.(?:execute|prepare)$/],
    advice: 'use `session.execute_async(...)` and wait on its future off the loop, or `await asyncio.to_thread(...)`',
  },
  {
    library: 'clickhouse-driver',
    category: 'database',
    patterns: [/^clickhouse_driver\.Client\(\)\.(?:execute|execute_iter|execute_with_progress|query_dataframe|insert_dataframe)$/],
    advice: 'use `asynch` or `clickhouse-connect`\'s async client, or `await asyncio.to_thread(...)`',
  },
  {
    library: 'sqlalchemy',
    category: 'database',
    calls: ['sqlalchemy.inspect'],
    firstArgument: /^sqlalchemy\.create_engine\(\)(?:\.connect\(\))?$/,
    advice: 'inspect through `AsyncConnection.run_sync(...)`, or `await asyncio.to_thread(...)`',
  },
  {
    library: 'sqlalchemy',
    category: 'database',
    patterns: [/^sqlalchemy\.inspect\(\)\.(?:get_\w+|has_table|has_index|has_schema|has_sequence)$/],
    advice: 'inspect through `AsyncConnection.run_sync(...)`, or `await asyncio.to_thread(...)`',
  },
];
