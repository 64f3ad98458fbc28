import type { Fix, TextEdit } from '../core/diagnostics.js';
import type { Rule, RuleContext } from './rule.js';
import type { NginxDirective } from '../read/deploy/model.js';

/**
 * PP303 nginx-upstream-keep-alive: nginx proxying to the application without reusing connections:
 * no `proxy_http_version 1.1`, no `proxy_set_header Connection ""`, an `upstream` without
 * `keepalive`, or a `proxy_pass` to a bare address (no upstream, so no connection pool).
 * Directives are inherited http → server → location (→ if), through includes; a level that sets
 * any `proxy_set_header` replaces the inherited ones, as nginx does.
 */

interface Inherited {
  httpVersion?: NginxDirective;
  /** The `proxy_set_header` directives in effect (those of the innermost level that has any). */
  headers: NginxDirective[];
  /** The block being visited has `proxy_set_header` directives of its own. */
  headersHere?: boolean;
}

/** Directives added on their own line before `d`, at its indentation (nothing when `d` does not start its line). */
function insertBefore(d: NginxDirective, directives: string[]): TextEdit[] {
  if (d.indent === undefined || directives.length === 0) return [];
  const at = { line: d.location.range.line, column: d.location.range.column };
  return [{ range: { ...at, endLine: at.line, endColumn: at.column }, text: directives.map((x) => `${x}\n${d.indent}`).join('') }];
}

/** `keepalive 32;` after the last directive of an upstream block, at its indentation. */
function keepaliveFix(upstream: NginxDirective): Fix | undefined {
  const last = upstream.block?.[upstream.block.length - 1];
  if (!last?.end || last.indent === undefined) return undefined;
  const at = { line: last.end.line, column: last.end.column, endLine: last.end.line, endColumn: last.end.column };
  return { description: 'Add `keepalive 32;` to the upstream', applicability: 'safe', edits: [{ range: at, text: `\n${last.indent}keepalive 32;` }] };
}

const CONTEXTS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

function walkUpstreams(directives: NginxDirective[], found: Map<string, NginxDirective>): void {
  for (const d of directives) {
    if (d.name === 'upstream' && d.block && d.args[0]) found.set(d.args[0], d);
    else if (d.block) walkUpstreams(d.block, found);
  }
}

export const rule: Rule<Record<string, never>> = {
  code: 'PP303',
  name: 'nginx-upstream-keep-alive',
  severity: 'warning',
  summary: 'nginx opens a new connection to the app for every request (HTTP/1.0 upstream, no keepalive pool).',
  tags: ['performance', 'deployment', 'nginx', 'keep-alive'],
  precision: 'high',
  docs: {
    sources: ['R5'],
    language: 'nginx',
    what: `In nginx configuration (\`nginx.conf\`, \`*.conf\` files, \`sites-available/\`, \`conf.d/\`, with \`include\`s followed):

- a \`proxy_pass\` in a context without \`proxy_http_version 1.1;\`, or with it but without \`proxy_set_header Connection "";\`;
- a \`proxy_pass\` to a bare address (\`http://127.0.0.1:8000\`, \`http://app:8000\`): without an \`upstream\` block nginx keeps no connection pool, so HTTP/1.1 alone does not reuse connections;
- an \`upstream\` block used by a \`proxy_pass\` that has no \`keepalive N;\`.

Directives inherit from \`http\` to \`server\` to \`location\` to \`if\`; note that \`proxy_set_header\` at a level *replaces* every inherited \`proxy_set_header\` (nginx's rule), so a \`location\` that adds \`X-Request-Id\` loses the \`Connection ""\` set in \`server\`.`,
    why: `nginx talks HTTP/1.0 to upstreams by default and closes the connection after every request; every request then pays a TCP handshake to the app, and the app server handles a connection storm. “High Performance FastAPI” (PyCon JP 2021): "I had not set KeepAlive on nginx ... resolved by connecting with HTTP 1.1" — together with the app-side keep-alive fix, the service went from being OOM-killed under load to 250 rps per instance with p95 30 ms.`,
    fix: `Proxy through an \`upstream\` with a connection pool, over HTTP/1.1, without forwarding \`Connection: close\`. \`pylint-perf check --fix\` adds \`keepalive 32;\` to an upstream without one, and \`proxy_http_version 1.1;\` and \`proxy_set_header Connection "";\` on their own lines before a \`proxy_pass\` that lacks them (\`--diff\` shows it first) — the header only where the block has \`proxy_set_header\` lines of its own or inherits none, because a first one in a block drops every inherited \`proxy_set_header\`. A bare address (\`proxy_pass http://127.0.0.1:8000\`) needs an \`upstream\`, which is left to you:

\`\`\`nginx
upstream app {
    server 127.0.0.1:8000;
    keepalive 32;
}
location / {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
}
\`\`\`

Then give the app server a keep-alive longer than nginx's upstream \`keepalive_timeout\` (60 s by default) — \`uvicorn --timeout-keep-alive 65\`, gunicorn \`--keep-alive 65\` (PP302) — or nginx will send requests on connections the app has just closed, and clients see 502s.`,
    bad: `server {
    listen 80;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}`,
    good: `upstream app {
    server 127.0.0.1:8000;
    keepalive 32;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}`,
    notFlagged: [
      '`proxy_pass` with a variable (`http://$backend`) and `Connection` set from a variable other than an upgrade map: their values are only known at run time;',
      'a location that proxies WebSocket upgrades (`proxy_set_header Upgrade $http_upgrade;` with `Connection $connection_upgrade` or `"upgrade"`) and has `proxy_http_version 1.1`: it must forward the upgrade rather than clear `Connection`, and its connections are long-lived, so neither `Connection ""` nor a pool is asked of it (without HTTP/1.1 it is still reported: the upgrade cannot happen);',
      'settings inherited from an enclosing `http` or `server` block, or from an included file — an include is resolved as nginx does, relative to the configuration prefix (the main file\'s directory, `/etc/nginx/` stripped), and also relative to the including file and to the folder above `conf.d/`, `sites-enabled/` or `snippets/`; an included file is read as nginx even when it holds nothing but `proxy_*` lines;',
      '`upstream` blocks that no `proxy_pass` uses, and other protocols (`fastcgi_pass`, `uwsgi_pass`, `grpc_pass`).',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const reported = new Set<string>();
    const report = (d: NginxDirective, message: string, fix?: Fix): void => {
      const key = `${d.location.path}:${d.location.range.line}:${d.location.range.column}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ path: d.location.path, range: d.location.range, message, ...(fix ? { fix } : {}) });
    };
    for (const config of context.project.deployment.nginx) {
      const upstreams = new Map<string, NginxDirective>();
      walkUpstreams(config.directives, upstreams);
      const used = new Set<string>();
      const visit = (directives: NginxDirective[], inherited: Inherited): void => {
        const own = directives.filter((d) => d.name === 'proxy_set_header');
        const here: Inherited = {
          httpVersion: [...directives].reverse().find((d) => d.name === 'proxy_http_version') ?? inherited.httpVersion,
          headers: own.length > 0 ? own : inherited.headers,
          headersHere: own.length > 0,
        };
        for (const d of directives) {
          if (d.name === 'proxy_pass' && d.args[0]) checkProxyPass(d, here, upstreams, used, report);
          else if (d.block && CONTEXTS.has(d.name)) visit(d.block, here);
        }
      };
      visit(config.directives, { headers: [] });
      for (const name of used) {
        const upstream = upstreams.get(name)!;
        if (!upstream.block!.some((d) => d.name === 'keepalive')) {
          report(upstream, `upstream \`${name}\` has no \`keepalive\`: nginx keeps no idle connections to it and opens a new one for every request. Add \`keepalive 32;\` (with \`proxy_http_version 1.1\` and \`proxy_set_header Connection ""\` where it is used), and keep the app server's keep-alive above nginx's \`keepalive_timeout\` (60 s).`, keepaliveFix(upstream));
        }
      }
    }
  },
};

/**
 * A location that proxies WebSocket upgrades: it forwards `Upgrade` and sets `Connection` to
 * `upgrade` or a variable that becomes it (`$connection_upgrade`). It must forward the upgrade, so
 * `Connection ""` is not asked of it; it still needs HTTP/1.1 (nginx cannot upgrade an HTTP/1.0
 * request). Its connections are long-lived, so a pool (`upstream` with `keepalive`) does not matter
 * there either.
 */
function proxiesWebSockets(headers: readonly NginxDirective[]): boolean {
  const value = (name: string): string | undefined => [...headers].reverse().find((h) => h.args[0]?.toLowerCase() === name)?.args[1];
  const upgrade = value('upgrade');
  const connection = value('connection')?.toLowerCase();
  return (upgrade !== undefined && /\$http_upgrade|websocket/i.test(upgrade)) || (connection !== undefined && (connection === 'upgrade' || /\$\w*upgrade/.test(connection)));
}

function checkProxyPass(
  d: NginxDirective,
  inherited: Inherited,
  upstreams: Map<string, NginxDirective>,
  used: Set<string>,
  report: (d: NginxDirective, message: string, fix?: Fix) => void,
): void {
  const url = d.args[0];
  if (url.includes('$')) return;
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(url);
  if (!m) return;
  const hostPort = m[1];
  const host = hostPort.startsWith('unix:') ? hostPort : hostPort.replace(/:\d+$/, '');
  const version = inherited.httpVersion?.args[0];
  if (proxiesWebSockets(inherited.headers)) {
    if (version === '1.1') return;
    const edits = version ? [] : insertBefore(d, ['proxy_http_version 1.1;']);
    report(d, `\`proxy_pass ${url}\` forwards WebSocket upgrades but ${version ? `uses \`proxy_http_version ${version}\`` : 'has no `proxy_http_version 1.1`'}: nginx then speaks HTTP/1.0 to the app, which cannot upgrade a connection, and closes the connection after every plain request. Add \`proxy_http_version 1.1;\` (keep the \`Upgrade\` and \`Connection\` headers this location forwards).`, edits.length > 0 ? { description: 'Add `proxy_http_version 1.1;`', applicability: 'safe', edits } : undefined);
    return;
  }
  const problems: string[] = [];
  if (upstreams.has(hostPort) || upstreams.has(host)) used.add(upstreams.has(hostPort) ? hostPort : host);
  else problems.push(`proxies to a bare address (\`${hostPort}\`), so nginx keeps no connection pool: define an \`upstream\` with \`keepalive\``);
  if (version !== '1.1') {
    problems.push(version ? `uses \`proxy_http_version ${version}\`` : 'has no `proxy_http_version 1.1` (nginx speaks HTTP/1.0 to upstreams and closes the connection after every request)');
  } else {
    const connection = [...inherited.headers].reverse().find((h) => h.args[0]?.toLowerCase() === 'connection');
    const value = connection?.args[1];
    if (value === undefined) problems.push('does not clear the `Connection` header (`proxy_set_header Connection "";`), so the client\'s `Connection: close` is forwarded');
    else if (value !== '' && !value.includes('$')) problems.push(`sets \`Connection: ${value}\` instead of \`""\``);
  }
  if (problems.length === 0) return;
  report(d, `\`proxy_pass ${url}\` ${problems.join('; it ')}: the connection to the app is not reused.`, proxyFix(d, version, inherited));
}

/**
 * `proxy_http_version 1.1;` when none is in effect, and `proxy_set_header Connection "";` when the
 * headers are this block's own or there are none: a first `proxy_set_header` in a block that
 * inherits others would silently drop them (nginx inherits the directive only where a level has
 * none of its own), so then the header is left to the user.
 */
function proxyFix(d: NginxDirective, version: string | undefined, inherited: Inherited): Fix | undefined {
  const added: string[] = [];
  if (version === undefined) added.push('proxy_http_version 1.1;');
  const connection = [...inherited.headers].reverse().find((h) => h.args[0]?.toLowerCase() === 'connection');
  if (connection === undefined && (inherited.headersHere || inherited.headers.length === 0)) added.push('proxy_set_header Connection "";');
  const edits = insertBefore(d, added);
  return edits.length > 0 ? { description: `Add ${added.map((a) => `\`${a}\``).join(' and ')}`, applicability: 'safe', edits } : undefined;
}
