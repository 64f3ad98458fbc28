/**
 * nginx configuration: directives, arguments and blocks with their positions. No npm parser keeps
 * source positions (the maintained ones convert to JSON and back), and nginx's syntax is small:
 * words, quoted strings, `#` comments, `;` and `{}`. Unbalanced braces are reported, and what was
 * read up to there is kept.
 */

import path from 'node:path';
import type { Notice } from '../../core/diagnostics.js';
import type { FrontEvidence, NginxDirective } from './model.js';
import { LineIndex } from './text.js';

const MAX_INCLUDE_DEPTH = 16;

export interface NginxParse {
  directives: NginxDirective[];
  /** A problem that made the file read only in part. */
  problem?: { line: number; message: string };
}

interface Token {
  text: string;
  kind: 'word' | '{' | '}' | ';';
  start: number;
  end: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '{' || c === '}' || c === ';') {
      tokens.push({ text: c, kind: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const start = i;
    let value = '';
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else value += text[i++];
      }
      i++;
      tokens.push({ text: value, kind: 'word', start, end: i });
      continue;
    }
    // A bare word; `${var}` braces belong to the word.
    while (i < text.length && !/[\s;{}]/.test(text[i])) {
      if (text[i] === '$' && text[i + 1] === '{') {
        const close = text.indexOf('}', i);
        const stop = close < 0 ? text.length : close + 1;
        value += text.slice(i, stop);
        i = stop;
        continue;
      }
      if (text[i] === '\\' && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += text[i++];
    }
    tokens.push({ text: value, kind: 'word', start, end: i });
  }
  return tokens;
}

export function parseNginx(file: string, text: string): NginxParse {
  const lines = new LineIndex(text);
  const tokens = tokenize(text);
  const root: NginxDirective[] = [];
  const stack: NginxDirective[][] = [root];
  /** The directive that opened each block of the stack (none for the file itself). */
  const owners: NginxDirective[] = [];
  const after = (offset: number): { line: number; column: number } => {
    const p = lines.position(offset);
    return { line: p.line, column: p.column };
  };
  const indentOf = (offset: number): string | undefined => {
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const before = text.slice(lineStart, offset);
    return /^[ \t]*$/.test(before) ? before : undefined;
  };
  let problem: NginxParse['problem'];
  let words: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'word') {
      words.push(t);
      continue;
    }
    if (t.kind === '}') {
      if (words.length > 0 && !problem) problem = { line: lines.position(words[0].start).line, message: `directive "${words[0].text}" is not terminated by ";"` };
      words = [];
      if (stack.length === 1) {
        problem ??= { line: lines.position(t.start).line, message: 'unexpected "}"' };
        continue;
      }
      stack.pop();
      const owner = owners.pop();
      if (owner) owner.end = after(t.end);
      continue;
    }
    if (words.length === 0) {
      if (t.kind === '{') problem ??= { line: lines.position(t.start).line, message: 'a block without a directive name' };
      continue;
    }
    const directive: NginxDirective = {
      name: words[0].text,
      args: words.slice(1).map((w) => w.text),
      location: { path: file, range: lines.range(words[0].start, words[words.length - 1].end) },
    };
    const indent = indentOf(words[0].start);
    if (indent !== undefined) directive.indent = indent;
    stack[stack.length - 1].push(directive);
    if (t.kind === '{') {
      directive.block = [];
      stack.push(directive.block);
      owners.push(directive);
    } else {
      directive.end = after(t.end);
    }
    words = [];
  }
  if (words.length > 0) problem ??= { line: lines.position(words[0].start).line, message: `directive "${words[0].text}" is not terminated by ";"` };
  if (stack.length > 1) problem ??= { line: lines.position(text.length).line, message: `unexpected end of file, expecting "}" (${stack.length - 1} block${stack.length > 2 ? 's' : ''} not closed)` };
  return problem ? { directives: root, problem } : { directives: root };
}

/** Looks like an nginx file (rather than supervisord or another `.conf`). */
export function looksLikeNginx(text: string): boolean {
  return /^\s*(http|server|upstream|location|events|stream)\b[^;\n]*\{/m.test(text) || /^\s*(proxy_pass|listen|server_name|include)\s[^\n]*;\s*(#.*)?$/m.test(text);
}

/** Folders whose files nginx's own layout puts one level below its configuration prefix (`/etc/nginx`). */
const PREFIX_SUBFOLDERS = new Set(['conf.d', 'sites-enabled', 'sites-available', 'snippets', 'http.d', 'vhosts', 'vhosts.d', 'servers', 'includes', 'include', 'stream.d', 'default.d', 'templates', 'modules-enabled', 'sites']);

/** Prefixes of absolute include paths that are nginx's configuration prefix on common systems. */
const CONFIG_PREFIXES = /^(\/etc\/nginx|\/usr\/local\/nginx\/conf|\/usr\/local\/etc\/nginx|\/opt\/homebrew\/etc\/nginx|\/usr\/local\/openresty\/nginx\/conf|\/opt\/bitnami\/nginx\/conf)\//;

/**
 * The project directories that may stand for nginx's configuration prefix, seen from a file: its
 * own directory, the directory above a `conf.d/`, `sites-enabled/`, `snippets/`... it is in, a
 * directory named `nginx` or holding an `nginx.conf`, up to three levels up.
 */
function prefixDirectories(file: string, known: ReadonlySet<string>): string[] {
  const out: string[] = [path.dirname(file)];
  let dir = path.dirname(file);
  for (let level = 0; level < 3 && path.dirname(dir) !== dir; level++) {
    const name = path.basename(dir).toLowerCase();
    if (PREFIX_SUBFOLDERS.has(name)) out.push(path.dirname(dir));
    if (/nginx/.test(name) || known.has(path.join(dir, 'nginx.conf'))) out.push(dir);
    dir = path.dirname(dir);
  }
  return out;
}

/**
 * The top-level files (those no other file includes), each with its `include`s expanded in place
 * from the files read; an include loop is a notice and is not followed again. An include path is
 * resolved as nginx does — relative to the configuration prefix, which is the main file's
 * directory — and also relative to the including file and to the directories that nginx's usual
 * layout makes the prefix (above `conf.d/`, `sites-enabled/`, `snippets/`; `/etc/nginx/...`
 * stripped), because a project keeps `/etc/nginx` in a folder of its own. `snippets`: other
 * files, parsed only when an nginx file includes them (`proxy.conf` with nothing but `proxy_*`
 * lines does not look like nginx on its own).
 */
export function expandNginx(files: Map<string, NginxDirective[]>, notices: Notice[], snippets: ReadonlyMap<string, string> = new Map()): { path: string; directives: NginxDirective[] }[] {
  const included = new Set<string>();
  const known = new Set([...files.keys(), ...snippets.keys()]);
  const directivesOf = (file: string): NginxDirective[] => {
    let directives = files.get(file);
    if (!directives) {
      directives = parseNginx(file, snippets.get(file) ?? '').directives;
      files.set(file, directives);
    }
    return directives;
  };
  const resolveInclude = (pattern: string, from: string, top: string): string[] => {
    // As written; then filled in from a template when the container starts (`app.conf.inc` from
    // `app.conf.inc.template`); then a file of that name kept beside the including one (a folder
    // mounted or copied into `/etc/nginx/conf.d/`).
    for (const attempt of [pattern, `${pattern}.template`, path.basename(pattern), `${path.basename(pattern)}.template`]) {
      const found = resolveOnce(attempt, from, top);
      if (found.length > 0 || pattern.includes('*')) return found;
    }
    return [];
  };
  const resolveOnce = (pattern: string, from: string, top: string): string[] => {
    const candidates = new Set<string>();
    const rel = pattern.replace(CONFIG_PREFIXES, '');
    const bases = new Set([path.dirname(top), path.dirname(from), ...prefixDirectories(top, known), ...prefixDirectories(from, known)]);
    for (const base of bases) {
      const target = path.isAbsolute(pattern) && rel === pattern ? pattern : path.resolve(base, rel);
      const regex = new RegExp(`^${target.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      for (const file of known) if (regex.test(file)) candidates.add(file);
    }
    return [...candidates].sort();
  };
  const expand = (directives: NginxDirective[], file: string, top: string, stack: string[]): NginxDirective[] => {
    const out: NginxDirective[] = [];
    for (const d of directives) {
      if (d.name === 'include' && d.args[0]) {
        for (const target of resolveInclude(d.args[0], file, top)) {
          included.add(target);
          if (stack.includes(target) || stack.length > MAX_INCLUDE_DEPTH) {
            notices.push({ kind: 'unparsable', path: file, line: d.location.range.line, message: `nginx include loop through ${path.basename(target)}; not followed again` });
            continue;
          }
          out.push(...expand(directivesOf(target), target, top, [...stack, target]));
        }
        continue;
      }
      out.push(d.block ? { ...d, block: expand(d.block, file, top, stack) } : d);
    }
    return out;
  };
  const expanded = [...files.entries()].map(([file, directives]) => ({ path: file, directives: expand(directives, file, file, [file]) }));
  return expanded.filter((e) => !included.has(e.path));
}

/**
 * nginx proxying HTTP to an application: the first `proxy_pass` of each top-level file, and whether
 * the file reuses connections to anything (a file none of whose routes pools cannot cause the
 * keep-alive race).
 */
export function nginxFronts(configs: readonly { path: string; directives: NginxDirective[] }[]): FrontEvidence[] {
  const out: FrontEvidence[] = [];
  for (const config of configs) {
    const routes = nginxRoutes([config]);
    if (routes.length > 0) out.push({ what: 'nginx', location: routes[0].directive.location, pools: routes.some((r) => r.pools) });
  }
  return out;
}

/** A `proxy_pass` of an nginx configuration, and whether nginx keeps connections to it open and reuses them. */
export interface NginxRoute {
  directive: NginxDirective;
  /** The ports it sends to: the address's own, or its upstream's servers'. */
  ports: string[];
  /**
   * Reuses connections: an `upstream` with `keepalive`, HTTP/1.1 and `Connection ""` in effect (not a
   * WebSocket location, which forwards `Connection: upgrade` or `close`).
   */
  pools: boolean;
}

const ROUTE_CONTEXTS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

/** Every HTTP `proxy_pass` of the configurations, with the directives it inherits (http → server → location). */
export function nginxRoutes(configs: readonly { path: string; directives: NginxDirective[] }[]): NginxRoute[] {
  const routes: NginxRoute[] = [];
  for (const config of configs) {
    const upstreams = new Map<string, NginxDirective>();
    const collect = (directives: NginxDirective[]): void => {
      for (const d of directives) {
        if (d.name === 'upstream' && d.block && d.args[0]) upstreams.set(d.args[0], d);
        else if (d.block) collect(d.block);
      }
    };
    collect(config.directives);
    const visit = (directives: NginxDirective[], inherited: { version?: string; headers: NginxDirective[] }): void => {
      const own = directives.filter((d) => d.name === 'proxy_set_header');
      const here = {
        version: [...directives].reverse().find((d) => d.name === 'proxy_http_version')?.args[0] ?? inherited.version,
        headers: own.length > 0 ? own : inherited.headers,
      };
      for (const d of directives) {
        if (d.name === 'proxy_pass' && /^https?:\/\//i.test(d.args[0] ?? '')) routes.push(route(d, here, upstreams));
        else if (d.block && ROUTE_CONTEXTS.has(d.name)) visit(d.block, here);
      }
    };
    visit(config.directives, { headers: [] });
  }
  return routes;
}

function route(d: NginxDirective, here: { version?: string; headers: NginxDirective[] }, upstreams: Map<string, NginxDirective>): NginxRoute {
  const hostPort = /^[a-z]+:\/\/([^/]+)/i.exec(d.args[0])![1];
  const host = hostPort.replace(/:\d+$/, '');
  const upstream = upstreams.get(hostPort) ?? upstreams.get(host);
  const portOf = (address: string): string | undefined => /:(\d+)$/.exec(address.replace(/^[a-z]+:\/\//i, ''))?.[1];
  const ports = upstream
    ? (upstream.block ?? []).filter((s) => s.name === 'server' && s.args[0]).map((s) => portOf(s.args[0])).filter((p): p is string => p !== undefined)
    : [portOf(hostPort)].filter((p): p is string => p !== undefined);
  const header = (name: string): string | undefined => [...here.headers].reverse().find((h) => h.args[0]?.toLowerCase() === name)?.args[1];
  const connection = header('connection');
  const websocket = /\$http_upgrade/.test(header('upgrade') ?? '');
  // A WebSocket location forwards `Connection: upgrade` (or `close` for plain requests): nothing is reused.
  const pools = here.version === '1.1' && !websocket && upstream !== undefined && (upstream.block ?? []).some((s) => s.name === 'keepalive') && connection !== undefined && (connection === '' || connection.includes('$'));
  return { directive: d, ports, pools };
}
