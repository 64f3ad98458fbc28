/**
 * The blocking-call catalogue: calls that block the calling thread on I/O, a subprocess, a sleep or
 * CPU-bound hashing — `time.sleep`, synchronous HTTP, subprocesses, file I/O and disk metadata,
 * synchronous database and Redis drivers, the AWS SDK, sockets and DNS, SMTP/FTP, `input()`,
 * password hashing — by canonical qualified name (`requests.Session().get`), each with its
 * category and, for the usually fast ones, a lower severity (disk metadata: `info`; password
 * hashing: `warning`). Covers every call of Ruff's and
 * flake8-async's ASYNC210–212, ASYNC220–222 and ASYNC230–232, ASYNC250 and ASYNC251.
 *
 * Used by PP101 (a blocking call on the event loop) and PP102 (which leaves those calls to PP101).
 */

import type { Severity } from '../core/diagnostics.js';
import { BOTO3_CONSTRUCTORS, DBAPI_DRIVERS } from './clients.js';

/** What kind of blocking a call does; `configured` is a name from the user's `blocking-calls`. */
export type BlockingCategory =
  | 'sleep' | 'http' | 'process' | 'file' | 'filesystem' | 'database' | 'redis' | 'aws'
  | 'socket' | 'mail' | 'input' | 'cpu' | 'configured';

export interface BlockingEntry {
  category: BlockingCategory;
  /** Set for calls that usually return quickly: `info` (disk metadata), `warning` (password hashing). */
  severity?: Severity;
}

const EXACT = new Map<string, BlockingEntry>();
const PATTERNS: { pattern: RegExp; entry: BlockingEntry }[] = [];

function add(category: BlockingCategory, names: string[], severity?: Severity): void {
  for (const n of names) EXACT.set(n, severity ? { category, severity } : { category });
}
function methods(category: BlockingCategory, prefix: string, names: string[], severity?: Severity): void {
  add(category, names.map((n) => `${prefix}.${n}`), severity);
}
function pattern(category: BlockingCategory, re: RegExp, severity?: Severity): void {
  PATTERNS.push({ pattern: re, entry: severity ? { category, severity } : { category } });
}

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const FILE_METHODS = ['read', 'read1', 'readinto', 'readline', 'readlines', 'write', 'writelines', 'flush', 'truncate', 'seek', 'tell'];
const CURSOR_METHODS = ['execute', 'executemany', 'executescript', 'fetchone', 'fetchall', 'fetchmany', 'callproc', 'copy_expert', 'copy_from', 'copy_to'];
const CONNECTION_METHODS = ['commit', 'rollback', 'execute', 'executemany', 'executescript'];
const SOCKET_METHODS = ['connect', 'connect_ex', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall', 'sendto', 'sendfile', 'accept', 'makefile'];

add('sleep', ['time.sleep']);

// HTTP (Ruff/flake8-async ASYNC210, ASYNC211, ASYNC212, plus requests.request / httpx.request)
methods('http', 'requests', HTTP_VERBS);
methods('http', 'requests.Session()', [...HTTP_VERBS, 'send']);
methods('http', 'httpx', [...HTTP_VERBS, 'stream']);
methods('http', 'httpx.Client()', [...HTTP_VERBS, 'send', 'stream', 'close']);
add('http', ['urllib.request.urlopen', 'urllib.request.urlretrieve', 'urllib.request.OpenerDirector().open', 'urllib3.request']);
pattern('http', /^urllib3\.(PoolManager|ProxyManager|HTTPConnectionPool|HTTPSConnectionPool)\(\)\.(request|urlopen|request_encode_url|request_encode_body)$/);
methods('http', 'http.client.HTTPConnection()', ['request', 'getresponse', 'connect', 'endheaders', 'send']);

// Processes (ASYNC220, ASYNC221, ASYNC222)
methods('process', 'subprocess', ['run', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput', 'Popen']);
methods('process', 'subprocess.Popen()', ['wait', 'communicate']);
methods('process', 'os', ['system', 'popen', 'posix_spawn', 'posix_spawnp', 'wait', 'wait3', 'wait4', 'waitid', 'waitpid']);
pattern('process', /^os\.spawn[lv]p?e?$/);

// Files (ASYNC230, ASYNC231, ASYNC232)
add('file', ['builtins.open', 'io.open', 'io.open_code', 'codecs.open', 'os.fdopen']);
methods('file', 'builtins.open()', FILE_METHODS);
// Closing a file: a system call that returns at once for a file opened for reading.
methods('file', 'builtins.open()', ['close'], 'info');
methods('file', 'pathlib.Path()', ['read_text', 'read_bytes', 'write_text', 'write_bytes', 'open']);
methods('file', 'shutil', ['copy', 'copy2', 'copyfile', 'copytree', 'rmtree', 'move']);
// Disk metadata: system calls that take microseconds on a local disk: info, noise to most teams.
methods('filesystem', 'os.path', ['exists', 'lexists', 'isfile', 'isdir', 'islink', 'ismount', 'getsize', 'getmtime', 'getatime', 'getctime', 'samefile', 'sameopenfile', 'realpath'], 'info');
methods('filesystem', 'pathlib.Path()', ['exists', 'is_file', 'is_dir', 'is_symlink', 'stat', 'mkdir'], 'info');
methods('filesystem', 'os', ['makedirs', 'mkdir'], 'info');
// Directory listings and changes to the tree: usually fast, but they grow with the directory: warning.
methods('filesystem', 'pathlib.Path()', ['iterdir', 'glob', 'rglob', 'unlink', 'touch', 'rmdir'], 'warning');

// Synchronous database drivers
for (const driver of DBAPI_DRIVERS) {
  add('database', [`${driver}.connect`]);
  methods('database', `${driver}.connect()`, CONNECTION_METHODS);
  methods('database', `${driver}.connect().cursor()`, CURSOR_METHODS);
}
methods('database', 'sqlalchemy.orm.Session()', ['execute', 'query', 'commit', 'scalars', 'scalar', 'get', 'flush', 'refresh']);
methods('database', 'sqlalchemy.create_engine()', ['connect', 'execute', 'begin']);
methods('database', 'sqlalchemy.create_engine().connect()', ['execute', 'exec_driver_sql', 'scalar', 'scalars', 'commit', 'rollback']);
add('database', ['pymongo.MongoClient']);
pattern(
  'database',
  /^pymongo\.MongoClient\(\)((\.\w+|\[\])(\.\w+|\[\])?)\.(find|find_one|find_one_and_update|find_one_and_replace|find_one_and_delete|insert_one|insert_many|update_one|update_many|replace_one|delete_one|delete_many|aggregate|count_documents|estimated_document_count|distinct|bulk_write|create_index|create_indexes|drop|drop_index|list_collection_names|command|create_collection|drop_collection|watch)$/,
);
add('database', ['pymongo.MongoClient().list_database_names', 'pymongo.MongoClient().server_info', 'pymongo.MongoClient().drop_database']);
pattern('database', /^elasticsearch\.Elasticsearch\(\)(\.[a-z_]+)?\.(?!options$)[a-z_]+$/);

// Synchronous Redis: command methods (not pipeline/pubsub/lock factories, which do no I/O)
pattern('redis', /^redis\.Redis\(\)\.(?!pipeline$|pubsub$|lock$|register_script$|get_encoder$|get_connection_kwargs$|monitor$)[a-z_]+$/);
methods('redis', 'redis.Redis().pipeline()', ['execute']);
methods('redis', 'redis.Redis().pubsub()', ['get_message', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'listen']);
methods('redis', 'redis.Redis().lock()', ['acquire', 'release', 'extend']);

// AWS SDK: construction loads service models from disk; every API call is blocking HTTP.
add('aws', [...BOTO3_CONSTRUCTORS]);
pattern('aws', /^boto3\.client\(\)\.(?!get_paginator$|get_waiter$|can_paginate$|generate_presigned_url$|generate_presigned_post$|close$)[a-z_]+$/);
methods('aws', 'boto3.client().get_paginator()', ['paginate']);
methods('aws', 'boto3.client().get_waiter()', ['wait']);
pattern('aws', /^boto3\.resource\(\)(\.\w+(\(\))?)*\.[a-z][a-z_]*$/);

// Sockets, DNS, mail, FTP
add('socket', ['socket.create_connection', 'socket.getaddrinfo', 'socket.gethostbyname', 'socket.gethostbyname_ex', 'socket.gethostbyaddr', 'socket.getfqdn']);
methods('socket', 'socket.socket()', SOCKET_METHODS);
methods('socket', 'socket.create_connection()', SOCKET_METHODS);
add('mail', ['smtplib.SMTP', 'smtplib.SMTP_SSL', 'ftplib.FTP', 'ftplib.FTP_TLS']);
pattern('mail', /^smtplib\.SMTP(_SSL)?\(\)\.(login|sendmail|send_message|starttls|ehlo|helo|quit|connect|noop|verify)$/);
pattern('mail', /^ftplib\.FTP(_TLS)?\(\)\.[a-z_]+$/);

add('input', ['builtins.input']);

// CPU-bound password hashing holds the loop for tens to hundreds of milliseconds: warning.
methods('cpu', 'bcrypt', ['hashpw', 'checkpw', 'kdf'], 'warning');
methods('cpu', 'hashlib', ['pbkdf2_hmac', 'scrypt'], 'warning');
methods('cpu', 'passlib.CryptContext()', ['hash', 'verify', 'verify_and_update', 'encrypt'], 'warning');
pattern('cpu', /^passlib\.hash\.\w+(\.using\(\))?\.(hash|verify|encrypt)$/, 'warning');
methods('cpu', 'argon2.PasswordHasher()', ['hash', 'verify'], 'warning');

/** The catalogue's entry for a canonical qualified name: exact names first, then the patterns in order. */
export function blockingEntry(name: string): BlockingEntry | undefined {
  const exact = EXACT.get(name);
  if (exact) return exact;
  for (const p of PATTERNS) if (p.pattern.test(name)) return p.entry;
  return undefined;
}
