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
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import type { Project } from './project.js';
import { ormQuery } from './orm-models.js';
import { DBAPI_DRIVERS } from './clients.js';
import { SYNC_LIBRARIES, type BlockingCategory } from './sync-libraries.js';

export type { BlockingCategory } from './sync-libraries.js';

export interface BlockingEntry {
  category: BlockingCategory;
  /** Set for calls that usually return quickly: `info` (disk metadata), `warning` (password hashing). */
  severity?: Severity;
  /** The library, for SDK entries: `openai`, `stripe`. */
  library?: string;
  /** How to stop blocking with this library (its async twin), when the category's advice does not fit. */
  advice?: string;
  /** Blocks only when this keyword argument is not given as `False` (`check_deliverability`). */
  unlessFalse?: string;
  /** Opens an archive: no I/O when it is given an in-memory buffer (`ZipFile(io.BytesIO(data))`, `fileobj=`). */
  unlessInMemory?: boolean;
  /** Blocks only when the first argument is one of these (canonical names): `sqlalchemy.inspect(engine)`. */
  firstArgument?: RegExp;
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
/** Content I/O on a file object; `seek`/`tell` only move or read the offset (an `lseek`, no data), and are not here. */
const FILE_METHODS = ['read', 'read1', 'readinto', 'readline', 'readlines', 'write', 'writelines', 'flush', 'truncate'];
const CURSOR_METHODS = ['execute', 'executemany', 'executescript', 'fetchone', 'fetchall', 'fetchmany', 'callproc', 'copy_expert', 'copy_from', 'copy_to'];
const CONNECTION_METHODS = ['commit', 'rollback', 'execute', 'executemany', 'executescript'];
const SOCKET_METHODS = ['connect', 'connect_ex', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall', 'sendto', 'sendfile', 'accept', 'makefile'];

add('sleep', ['time.sleep']);

// HTTP (Ruff/flake8-async ASYNC210, ASYNC211, ASYNC212, plus requests.request / httpx.request)
methods('http', 'requests', HTTP_VERBS);
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
methods('file', 'shutil', ['copy', 'copy2', 'copyfile', 'copyfileobj', 'copytree', 'rmtree', 'move', 'make_archive', 'unpack_archive']);
// Archives: opening reads the directory, extracting and adding write and read whole files.
add('file', ['tempfile.NamedTemporaryFile', 'tempfile.TemporaryFile', 'tempfile.mkstemp']);
for (const opener of ['zipfile.ZipFile', 'tarfile.open', 'tarfile.TarFile']) EXACT.set(opener, { category: 'file', unlessInMemory: true });
// Methods that touch the disk whatever the archive is in (an archive on disk is reported where it is opened;
// one in memory, `ZipFile(io.BytesIO(data))`, reads and writes memory): extracting writes files, adding reads them.
methods('file', 'zipfile.ZipFile()', ['extractall', 'extract', 'write']);
methods('file', 'tarfile.open()', ['extractall', 'extract', 'add']);
// Disk metadata: system calls that take microseconds on a local disk: info, noise to most teams.
methods('filesystem', 'os.path', ['exists', 'lexists', 'isfile', 'isdir', 'islink', 'ismount', 'getsize', 'getmtime', 'getatime', 'getctime', 'samefile', 'sameopenfile', 'realpath'], 'info');
methods('filesystem', 'pathlib.Path()', ['exists', 'is_file', 'is_dir', 'is_symlink', 'stat', 'mkdir'], 'info');
methods('filesystem', 'os', ['makedirs', 'mkdir'], 'info');
// Directory listings and changes to the tree: usually fast, but they grow with the directory: warning.
// Listing one directory is a handful of system calls (info, like metadata); walking a tree grows with it (warning).
methods('filesystem', 'pathlib.Path()', ['iterdir', 'glob'], 'info');
methods('filesystem', 'pathlib.Path()', ['rglob', 'walk'], 'warning');
methods('filesystem', 'pathlib.Path()', ['unlink', 'touch', 'rmdir', 'rename', 'replace'], 'info');
methods('filesystem', 'os', ['listdir', 'scandir'], 'info');
methods('filesystem', 'os', ['walk'], 'warning');
// Removing or renaming one file is a metadata change: microseconds on a local disk.
methods('filesystem', 'os', ['remove', 'unlink', 'rename', 'renames', 'replace', 'rmdir', 'removedirs'], 'info');
methods('filesystem', 'glob', ['glob', 'iglob'], 'info');

// Synchronous database drivers
for (const driver of DBAPI_DRIVERS) {
  add('database', [`${driver}.connect`]);
  methods('database', `${driver}.connect()`, CONNECTION_METHODS);
  methods('database', `${driver}.connect().cursor()`, CURSOR_METHODS);
}
methods('database', 'sqlalchemy.orm.Session()', ['execute', 'query', 'commit', 'scalars', 'scalar', 'get', 'flush', 'refresh']);
methods('database', 'sqlalchemy.create_engine()', ['connect', 'execute', 'begin']);
methods('database', 'sqlalchemy.create_engine().connect()', ['execute', 'exec_driver_sql', 'scalar', 'scalars', 'commit', 'rollback']);
pattern('database', /^elasticsearch\.Elasticsearch\(\)(\.[a-z_]+)?\.(?!options$)[a-z_]+$/);



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


for (const lib of SYNC_LIBRARIES) {
  const entry: BlockingEntry = { category: lib.category ?? 'sdk', library: lib.library };
  if (lib.advice) entry.advice = lib.advice;
  if (lib.unlessFalse) entry.unlessFalse = lib.unlessFalse;
  if (lib.firstArgument) entry.firstArgument = lib.firstArgument;
  for (const name of lib.calls ?? []) EXACT.set(name, entry);
  for (const re of lib.patterns ?? []) PATTERNS.push({ pattern: re, entry });
}

/** The catalogue's entry for a canonical qualified name: exact names first, then the patterns in order. */
export function blockingEntry(name: string): BlockingEntry | undefined {
  const exact = EXACT.get(name);
  if (exact) return exact;
  for (const p of PATTERNS) if (p.pattern.test(name)) return p.entry;
  return undefined;
}

const HTTP_METHOD_LITERALS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT']);
const FILE_WRAPPERS = new Set(['trio.wrap_file', 'anyio.wrap_file']);


/** Is `call` an urllib3-style `x.request("GET", ...)` in a module that imports urllib3 (ASYNC211)? */
function looksLikeUrllib3Request(module: ModuleFacts, call: CallFact): boolean {
  if (!call.calleeText.endsWith('.request')) return false;
  const first = call.arguments[0];
  if (!first || first.keyword || first.value.kind !== 'str' || !HTTP_METHOD_LITERALS.has(first.value.value.toUpperCase())) return false;
  return module.imports.some((i) => i.module === 'urllib3' || i.module.startsWith('urllib3.'));
}

const ORM_ADVICE = {
  peewee: 'peewee is synchronous: run the query in a thread (`await asyncio.to_thread(...)`), or make the handler a plain `def`',
  django: 'use the ORM\'s `a`-prefixed methods (`aget`, `acreate`, `acount`, `asave`...) or `sync_to_async(...)`',
};

/** A call that blocks by itself: the catalogue (with its argument conditions), the user's patterns, or an urllib3-style request. */
export function blockingCall(project: Project, module: ModuleFacts, call: CallFact, userPatterns: RegExp[]): { name: string | null; entry: BlockingEntry } | undefined {
  let name = project.canonical(call.callee);
  let entry = name ? blockingEntry(name) : undefined;
  // A method of an unannotated parameter: typed from the calls its function gets.
  const typed = !entry ? project.withParameterTypes(call.callee) : null;
  if (typed) {
    entry = blockingEntry(typed);
    if (entry || ormQuery(project, typed)) name = typed;
  }
  if (!entry && name && userPatterns.some((p) => p.test(name))) entry = { category: 'configured' };
  const orm = !entry && name ? ormQuery(project, name) : undefined;
  if (orm) entry = { category: 'database', library: orm, advice: ORM_ADVICE[orm] };
  if (!entry && (name === null || !project.definition(name)) && looksLikeUrllib3Request(module, call)) entry = { category: 'http' };
  if (!entry) return undefined;
  // `validate_email(x, check_deliverability=False)` resolves nothing; `inspect(obj)` of an ORM object reads memory.
  if (entry.unlessFalse && call.arguments.some((a) => a.keyword === entry.unlessFalse && a.value.kind === 'bool' && !a.value.value)) return undefined;
  if (entry.unlessInMemory) {
    const source = call.arguments.find((a) => a.keyword === 'fileobj') ?? call.arguments.find((a) => !a.keyword);
    const type = source && (source.value.kind === 'ref' || source.value.kind === 'call') ? project.canonical(source.value.name) : null;
    if (type && /^io\.(BytesIO|StringIO)\(\)$/.test(type)) return undefined;
  }
  if (entry.firstArgument) {
    const first = call.arguments.find((a) => !a.keyword)?.value;
    const type = first && (first.kind === 'ref' || first.kind === 'call') ? project.canonical(first.name) : null;
    if (!type || !entry.firstArgument.test(type)) return undefined;
  }
  // trio.wrap_file(open(...)) / anyio.wrap_file(open(...)) hand the file to a thread.
  if (call.argumentOf !== undefined && FILE_WRAPPERS.has(project.canonical(module.calls[call.argumentOf].callee) ?? '')) return undefined;
  return { name, entry };
}

