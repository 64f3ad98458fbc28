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
    fix: `Proxy through an \`upstream\` with a connection pool, over HTTP/1.1, without forwarding \`Connection: close\`:

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
\`\`\``,
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
      '`proxy_pass` with a variable (`http://$backend`) and `Connection` set from a variable (`$connection_upgrade`): their values are only known at run time;',
      'settings inherited from an enclosing `http` or `server` block, or from an included file;',
      '`upstream` blocks that no `proxy_pass` uses, and other protocols (`fastcgi_pass`, `uwsgi_pass`, `grpc_pass`).',
    ],
  },

  checkProject(context: RuleContext<Record<string, never>>): void {
    const reported = new Set<string>();
    const report = (d: NginxDirective, message: string): void => {
      const key = `${d.location.path}:${d.location.range.line}:${d.location.range.column}`;
      if (reported.has(key)) return;
      reported.add(key);
      context.report({ path: d.location.path, range: d.location.range, message });
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
          report(upstream, `upstream \`${name}\` has no \`keepalive\`: nginx keeps no idle connections to it and opens a new one for every request. Add \`keepalive 32;\` (with \`proxy_http_version 1.1\` and \`proxy_set_header Connection ""\` where it is used).`);
        }
      }
    }
  },
};

function checkProxyPass(
  d: NginxDirective,
  inherited: Inherited,
  upstreams: Map<string, NginxDirective>,
  used: Set<string>,
  report: (d: NginxDirective, message: string) => void,
): void {
  const url = d.args[0];
  if (url.includes('$')) return;
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(url);
  if (!m) return;
  const hostPort = m[1];
  const host = hostPort.startsWith('unix:') ? hostPort : hostPort.replace(/:\d+$/, '');
  const problems: string[] = [];
  if (upstreams.has(hostPort) || upstreams.has(host)) used.add(upstreams.has(hostPort) ? hostPort : host);
  else problems.push(`proxies to a bare address (\`${hostPort}\`), so nginx keeps no connection pool: define an \`upstream\` with \`keepalive\``);
  const version = inherited.httpVersion?.args[0];
  if (version !== '1.1') {
    problems.push(version ? `uses \`proxy_http_version ${version}\`` : 'has no `proxy_http_version 1.1` (nginx speaks HTTP/1.0 to upstreams and closes the connection after every request)');
  } else {
    const connection = [...inherited.headers].reverse().find((h) => h.args[0]?.toLowerCase() === 'connection');
    const value = connection?.args[1];
    if (value === undefined) problems.push('does not clear the `Connection` header (`proxy_set_header Connection "";`), so the client\'s `Connection: close` is forwarded');
    else if (value !== '' && !value.includes('$')) problems.push(`sets \`Connection: ${value}\` instead of \`""\``);
  }
  if (problems.length === 0) return;
  report(d, `\`proxy_pass ${url}\` ${problems.join('; it ')}: the connection to the app is not reused.`);
}
