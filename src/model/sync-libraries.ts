/**
 * The library model as data: one record per synchronous SDK — the calls that are network round
 * trips (exact canonical names or patterns), the async way out, and the client constructors. PP101
 * reads the calls (model/blocking-calls.ts); PP102 and PP401 read the constructors
 * (model/clients.ts). A user's `blocking-calls` / `async-safe-calls` extend or narrow it.
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
  advice: string;
  unlessFalse?: string;
  firstArgument?: RegExp;
  /**
   * The library's client constructors, for the rules about clients built per request or per
   * invocation (model/clients.ts): a constructor, what it builds, and whether it is the async twin.
   */
  clients?: { name: string; builds: string; async?: true }[];
}

/** A chain of attributes and calls under a client: `.chat.completions.create`, `.with_options().files.list`. */
const CHAIN = String.raw`(?:\.\w+(?:\(\))?)*\.\w+`;

export const SYNC_LIBRARIES: readonly SyncLibrary[] = [
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
