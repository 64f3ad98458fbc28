/**
 * The deployment model: command lines → server invocations, deployment files → the model, nginx
 * fixtures checked by a real nginx, and malformed files that must become notices, never crashes.
 * What the deployment rules find is pinned by the fixture folders (test/fixtures/PP3xx-*, PP4xx-*,
 * deployment-unresolved-target, suppressions/deployment_files).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serverCommandsInShell } from '../src/read/deploy/command.js';
import { contextPathsOf, manifestsInstalled } from '../src/read/deploy/installs.js';
import { parseArguments } from '../src/read/deploy/options.js';
import type { NginxDirective } from '../src/read/deploy/model.js';
import { nginxRoutes } from '../src/read/deploy/nginx.js';
import { readDeployment } from '../src/read/deploy/read.js';
import { cli, tempProject, tempDir } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('server commands in shell text', () => {
  const programs = (text: string) => serverCommandsInShell(text, { environment: {} }).map((c) => [c.program, ...c.args].join(' '));

  it.each([
    ['gunicorn app:app -w 2', 'gunicorn app:app -w 2'],
    ['exec gunicorn app:app', 'gunicorn app:app'],
    ['python -m gunicorn app:app', 'gunicorn app:app'],
    ['python3.12 -u -m uvicorn app:app', 'uvicorn app:app'],
    ['/opt/venv/bin/python -m uvicorn app:app', 'uvicorn app:app'],
    ['poetry run gunicorn app:app', 'gunicorn app:app'],
    ['uv run --with uvloop uvicorn app:app', 'uvicorn app:app'],
    ['pipenv run gunicorn app:app', 'gunicorn app:app'],
    ['alembic upgrade head && exec uvicorn app:app', 'uvicorn app:app'],
    ['cd /srv; gunicorn app:app', 'gunicorn app:app'],
    ['sh -c "gunicorn app:app --bind 0.0.0.0:$PORT"', 'gunicorn app:app --bind 0.0.0.0:${PORT}'],
    ['bash -lc \'exec uvicorn app:app\'', 'uvicorn app:app'],
    ['gunicorn \\\n  --workers 2 \\\n  app:app', 'gunicorn --workers 2 app:app'],
    ['ddtrace-run gunicorn app:app', 'gunicorn app:app'],
    ['newrelic-admin run-program gunicorn app:app', 'gunicorn app:app'],
    ['tini -- gunicorn app:app', 'gunicorn app:app'],
    ['env PYTHONUNBUFFERED=1 gunicorn app:app', 'gunicorn app:app'],
    ['fastapi run main.py --port 80', 'fastapi run main.py --port 80'],
    ['gunicorn app:app | tee log.txt', 'gunicorn app:app'],
    ['gunicorn app:app # a comment', 'gunicorn app:app'],
  ])('%s', (text, expected) => {
    expect(programs(text)).toEqual([expected]);
  });

  it.each(['pip install gunicorn', 'echo gunicorn app:app', 'python manage.py runserver', 'gunicornx app:app', ''])('finds nothing in %s', (text) => {
    expect(programs(text)).toEqual([]);
  });

  it('follows cd, export and X=1 prefixes into the command', () => {
    const [c] = serverCommandsInShell('cd src && export A=1 && B=2 gunicorn app:app', { environment: {} });
    expect(c.workingDirectory).toBe('src');
    expect(c.environment).toMatchObject({ A: { known: true, value: '1' }, B: { known: true, value: '2' } });
  });
});

describe('dependency manifests a command installs', () => {
  it.each([
    ['pip install --no-cache-dir -r requirements.txt', '/app', ['/app/requirements.txt']],
    ['python3 -m pip install --prefix=/install --requirement=/tmp/r.txt', '/', ['/tmp/r.txt']],
    ['pip install -r base.txt -c constraints.txt -rdev.txt', '/app', ['/app/base.txt', '/app/dev.txt']],
    ['uv pip install --system -r requirements.txt', '/srv', ['/srv/requirements.txt']],
    ['uv pip sync requirements.lock', '/srv', ['/srv/requirements.lock']],
    ['cd /code && pip install -e .[dev]', '/', ['/code/pyproject.toml']],
    ['pip install --target /asset boto3 ./lib', '/app', ['/app/lib/pyproject.toml']],
    ['poetry install --no-root --only main', '/app', ['/app/pyproject.toml']],
    ['poetry -C api export -f requirements.txt -o r.txt', '/app', ['/app/api/pyproject.toml']],
    ['uv sync --frozen --project /srv/api', '/', ['/srv/api/pyproject.toml']],
    ['pipenv install --system --deploy', '/app', ['/app/Pipfile']],
    ['sh -c "pip install -r requirements.txt && python worker.py"', '/srv', ['/srv/requirements.txt']],
    ['pip install boto3 && poetry run pytest && uv run app.py', '/app', []],
  ])('%s', (command, cwd, expected) => {
    expect(manifestsInstalled(command, cwd)).toEqual(expected);
  });

  it('maps image paths back to the build context through COPY, globs and directories', () => {
    const copies = [
      { sources: ['requirements*.txt'], destination: '/app' },
      { sources: ['api/'], destination: '/srv/api' },
      { sources: ['.'], destination: '/code' },
    ];
    expect(contextPathsOf('/app/requirements-web.txt', copies)).toEqual(['requirements-web.txt']);
    expect(contextPathsOf('/srv/api/pyproject.toml', copies)).toEqual(['api/pyproject.toml']);
    expect(contextPathsOf('/code/jobs/requirements.txt', copies)).toEqual(['jobs/requirements.txt']);
    expect(contextPathsOf('/elsewhere/requirements.txt', copies)).toEqual([]);
  });
});

describe('server options', () => {
  it('splits options and the target, with canonical names', () => {
    expect(parseArguments('gunicorn', ['-w4', '-k', 'uvicorn.workers.UvicornWorker', '--keep-alive=75', '--preload', 'app.main:app'])).toEqual({
      options: [
        { name: 'workers', value: { known: true, value: '4' }, text: '-w4' },
        { name: 'worker-class', value: { known: true, value: 'uvicorn.workers.UvicornWorker' }, text: '-k' },
        { name: 'keep-alive', value: { known: true, value: '75' }, text: '--keep-alive=75' },
        { name: 'preload', value: true, text: '--preload' },
      ],
      positionals: ['app.main:app'],
    });
    expect(parseArguments('uvicorn', ['--reload', 'app:app', '--timeout-keep-alive', '${KA}']).options[1]).toEqual({
      name: 'timeout-keep-alive',
      value: { known: false, text: '${KA}' },
      text: '--timeout-keep-alive',
    });
    expect(parseArguments('fastapi', ['dev', 'main.py'])).toMatchObject({ subcommand: 'dev', positionals: ['main.py'] });
  });
});

describe('deployment files', () => {
  const read = (file: string, kind: Parameters<typeof readDeployment>[0][number]['kind'], text: string) => readDeployment([{ path: `/p/${file}`, kind, text }]);

  it('Dockerfile: only the final stage, ENV and WORKDIR, ENTRYPOINT + CMD', () => {
    const { model } = read(
      'Dockerfile',
      'dockerfile',
      'FROM python:3.12 AS build\nCMD ["uvicorn", "x:y"]\nFROM pypy:3.10\nENV A=1 GUNICORN_CMD_ARGS="--keep-alive 75"\nWORKDIR /srv\nWORKDIR app\nENTRYPOINT ["gunicorn"]\nCMD ["app:app"]\n',
    );
    expect(model.invocations).toHaveLength(1);
    const [i] = model.invocations;
    expect(i).toMatchObject({ program: 'gunicorn', positionals: ['app:app'], workingDirectory: '/srv/app', pypy: true, image: 'pypy:3.10' });
    expect(i.environment.GUNICORN_CMD_ARGS).toEqual({ known: true, value: '--keep-alive 75' });
    expect(model.dockerStages.map((s) => [s.image, s.isFinal, s.pypy])).toEqual([
      ['python:3.12', false, false],
      ['pypy:3.10', true, true],
    ]);
  });

  it('compose: string, list and folded commands, environment as map and list', () => {
    const { model, notices } = read(
      'docker-compose.yml',
      'compose',
      'services:\n  a:\n    image: x\n    command: uvicorn a:app\n    environment: [X=1]\n  b:\n    image: x\n    command: ["gunicorn", "b:app"]\n    environment:\n      Y: "2"\n  c:\n    image: x\n    command: >\n      gunicorn\n      c:app\n',
    );
    expect(notices).toEqual([]);
    expect(model.invocations.map((i) => [i.program, i.positionals[0], i.location.range.line])).toEqual([
      ['uvicorn', 'a:app', 4],
      ['gunicorn', 'b:app', 8],
      ['gunicorn', 'c:app', 14],
    ]);
    expect(model.invocations[0].environment.X).toEqual({ known: true, value: '1' });
    expect(model.invocations[1].environment.Y).toEqual({ known: true, value: '2' });
  });

  it('YAML with CloudFormation tags parses; a billion-laughs alias bomb is not expanded', () => {
    const tags = read('template.yaml', 'yaml', 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: !Sub "${AWS::StackName}"\n      Role: !GetAtt Role.Arn\n');
    expect(tags.notices).toEqual([]);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    bomb.push('services:\n  s:\n    image: x\n    command: *j');
    const started = Date.now();
    const out = read('docker-compose.yml', 'compose', bomb.join('\n'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out.model.invocations).toEqual([]);
  });

  it('malformed files become notices, never exceptions', () => {
    expect(read('docker-compose.yml', 'compose', 'services:\n  a: [unclosed\n').notices[0]).toMatchObject({ kind: 'unparsable', message: expect.stringMatching(/^YAML: /) });
    expect(read('nginx.conf', 'conf', 'http {\n  server {\n    listen 80;\n').notices[0]).toMatchObject({ kind: 'unparsable', line: 4, message: expect.stringMatching(/expecting "}"/) });
    expect(read('nginx.conf', 'conf', 'server { listen 80; }\n}\n').notices[0]).toMatchObject({ kind: 'unparsable', line: 2 });
    expect(read('pyproject.toml', 'pyproject', '[project\nname=').notices[0]).toMatchObject({ kind: 'unparsable', message: expect.stringMatching(/^TOML: /) });
    // A `.conf` that is not nginx (ld.so.conf's `include` has no `;`) is not read as nginx.
    expect(read('ld.so.conf', 'conf', 'include /etc/ld.so.conf.d/*.conf\n').notices).toEqual([]);
    const weird = read('Dockerfile', 'dockerfile', 'FROBNICATE all\nFROM\nCMD\nCMD []\nCMD ["unterminated\nENTRYPOINT [1, 2]\n');
    expect(weird.notices).toEqual([]);
    expect(weird.model.invocations).toEqual([]);
  });

  it('nginx include loops are cut with a notice', () => {
    const { model, notices } = readDeployment([
      { path: '/p/nginx/nginx.conf', kind: 'conf', text: 'http { include conf.d/*.conf; }\n' },
      { path: '/p/nginx/conf.d/a.conf', kind: 'conf', text: 'server { include conf.d/b.conf; listen 80; }\n' },
      { path: '/p/nginx/conf.d/b.conf', kind: 'conf', text: 'location / { include conf.d/a.conf; proxy_pass http://x; }\n' },
    ]);
    expect(model.nginx.map((n) => n.path)).toEqual(['/p/nginx/nginx.conf']);
    expect(notices.some((n) => /include loop/.test(n.message))).toBe(true);
  });
});

describe('what deployment files run, and what stands in front', () => {
  const read = (files: [string, Parameters<typeof readDeployment>[0][number]['kind'], string][]) =>
    readDeployment(files.map(([file, kind, text]) => ({ path: `/p/${file}`, kind, text })), '/p').model;

  it('other commands: scripts, python -m, python file.py, console scripts; in the background too', () => {
    const model = read([
      ['Dockerfile', 'dockerfile', 'FROM python:3.12\nWORKDIR /app\nCOPY scripts/start.sh /start.sh\nCOPY . .\nENTRYPOINT ["/start.sh"]\n'],
      ['scripts/start.sh', 'shell', '#!/bin/sh\npython -m app.worker &\npython manage.py migrate\nexec myapp serve --port 80\n'],
    ]);
    const words = model.commands.map((c) => `${c.words.join(' ')}${c.background ? ' &' : ''}`);
    expect(words).toEqual(['/start.sh', 'python -m app.worker &', 'python manage.py migrate', 'myapp serve --port 80']);
    const stage = model.dockerStages.find((st) => st.isFinal)!;
    expect(contextPathsOf('/start.sh', stage.copies!)).toContain('scripts/start.sh');
  });

  it('Helm chart templates: container commands read from the text, template expressions unknown', () => {
    const model = read([
      ['chart/Chart.yaml', 'yaml', 'name: api\n'],
      ['chart/templates/api.yaml', 'yaml', 'spec:\n  containers:\n    - name: api\n      command: [{{ include "x" . }}"uvicorn", "app.main:app", "--port", "{{ .Values.port }}"]\n    - name: worker\n      command:\n        - python\n      args:\n        - -m\n        - app.worker\n'],
    ]);
    expect(model.invocations.map((i) => [i.program, ...i.positionals])).toEqual([['uvicorn', 'app.main:app']]);
    expect(model.invocations[0].options).toEqual([{ name: 'port', value: { known: false, text: '${HELM_VALUE}' }, text: '--port' }]);
    expect(model.commands.map((c) => c.words.join(' '))).toEqual(['python -m app.worker']);
  });

  it('fronts: compose proxies (with their mounted configuration), Ingress, LoadBalancer Services, load balancers, platforms', () => {
    const model = read([
      ['docker-compose.yml', 'compose', 'services:\n  proxy:\n    image: ${REGISTRY:-docker.io}/library/nginx:1.27\n    volumes:\n      - ./nginx:/etc/nginx/conf.d:ro\n  api:\n    build: ./api\n    command: uvicorn app:app\n'],
      ['k8s/ingress.yaml', 'yaml', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n'],
      ['k8s/lb.yaml', 'yaml', 'apiVersion: v1\nkind: Service\nspec:\n  type: LoadBalancer\n'],
      ['k8s/elb.yaml', 'yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-backend-protocol: http\nspec:\n  type: LoadBalancer\n'],
      ['k8s/internal.yaml', 'yaml', 'apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n'],
      ['infra/alb.tf', 'terraform', 'resource "aws_lb" "app" {\n  internal = false\n}\n'],
      ['infra/nlb.tf', 'terraform', 'resource "aws_lb" "redis" {\n  load_balancer_type = "network"\n}\n'],
      ['Procfile', 'procfile', 'release: alembic upgrade head\nweb: gunicorn app:app\n'],
      ['deploy.sh', 'shell', 'gcloud run deploy api --source .\n'],
    ]);
    const fronts = model.fronts.map((f) => `${path.basename(f.location.path)}:${f.location.range.line} ${f.what}`);
    expect(fronts).toEqual([
      'docker-compose.yml:3 nginx, compose service `proxy`',
      'ingress.yaml:2 a Kubernetes Ingress',
      'lb.yaml:2 a Kubernetes Service of type LoadBalancer',
      'elb.yaml:2 a Kubernetes Service of type LoadBalancer (HTTP mode)',
      'alb.tf:1 an AWS load balancer',
      "Procfile:2 Heroku's router",
      'deploy.sh:1 Cloud Run',
    ]);
    const compose = model.fronts[0];
    expect(compose.fronts).toEqual(['/p/docker-compose.yml', '/p/api/Dockerfile']);
    expect(compose.configuration).toEqual(['/p/nginx']);
    expect(model.fronts.find((f) => f.what === "Heroku's router")!.fronts).toEqual(['/p/Procfile#2']);
    // A LoadBalancer Service passes connections through (layer 4) unless annotated into HTTP mode.
    expect(model.fronts.find((f) => f.location.path.endsWith('lb.yaml') && !f.location.path.endsWith('elb.yaml'))!.pools).toBe(false);
    expect(model.fronts.find((f) => f.location.path.endsWith('elb.yaml'))!.pools).toBeUndefined();
  });

  it('nginx: a snippet of proxy_* lines is read when included; includes resolve from the prefix, /etc/nginx stripped, and templates', () => {
    const model = read([
      ['nginx/nginx.conf', 'conf', 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n'],
      ['nginx/conf.d/app.conf', 'conf', 'server {\n  location / {\n    include proxy.conf;\n    proxy_pass http://127.0.0.1:8000;\n  }\n}\n'],
      ['nginx/proxy.conf', 'conf', 'proxy_http_version 1.1;\nproxy_set_header Connection "";\n'],
      ['site/sites-enabled/api', 'conf', 'server {\n  listen 80;\n  include /etc/nginx/snippets/ka.conf;\n  include /etc/nginx/conf.d/extra.conf.inc;\n}\n'],
      ['site/snippets/ka.conf', 'conf', 'proxy_http_version 1.1;\n'],
      ['site/sites-enabled/extra.conf.inc.template', 'conf', 'location /x {\n  proxy_pass http://127.0.0.1:9000;\n}\n'],
    ]);
    const names = (file: string) => {
      const out: string[] = [];
      const walk = (ds: NginxDirective[]) => ds.forEach((d) => (out.push(d.name), d.block && walk(d.block)));
      walk(model.nginx.find((c) => c.path === `/p/${file}`)!.directives);
      return out;
    };
    expect(model.nginx.map((c) => c.path).sort()).toEqual(['/p/nginx/nginx.conf', '/p/site/sites-enabled/api']);
    expect(names('nginx/nginx.conf')).toEqual(['events', 'http', 'server', 'location', 'proxy_http_version', 'proxy_set_header', 'proxy_pass']);
    expect(names('site/sites-enabled/api')).toEqual(['server', 'listen', 'proxy_http_version', 'location', 'proxy_pass']);
  });

  it('nginx routes: which proxy_pass reuses connections', () => {
    const model = read([
      ['nginx.conf', 'conf', 'http {\n  upstream app { server 127.0.0.1:8000; keepalive 8; }\n  upstream old { server 127.0.0.1:8001; }\n  server {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location /a { proxy_pass http://app; }\n    location /b { proxy_pass http://old; }\n    location /c { proxy_pass http://127.0.0.1:8002; }\n    location /ws { proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; proxy_pass http://app; }\n  }\n}\n'],
    ]);
    expect(nginxRoutes(model.nginx).map((r) => [r.directive.args[0], r.ports.join(','), r.pools])).toEqual([
      ['http://app', '8000', true],
      ['http://old', '8001', false],
      ['http://127.0.0.1:8002', '8002', false],
      ['http://app', '8000', false],
    ]);
  });
});

describe('Lambda descriptors', () => {
  const read = (file: string, kind: Parameters<typeof readDeployment>[0][number]['kind'], text: string) => readDeployment([{ path: `/p/${file}`, kind, text }]);

  it('SAM: Globals give Handler and Runtime; non-Python and image functions are skipped; tags parse', () => {
    const { model, notices } = read(
      'template.yaml',
      'yaml',
      [
        'Globals:',
        '  Function:',
        '    Runtime: python3.12',
        '    Handler: main.lambda_handler',
        'Resources:',
        '  A:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src/a/',
        '      Role: !GetAtt Role.Arn',
        '  B:',
        '    Type: AWS::Serverless::Function',
        '    Properties: {CodeUri: src/b, Handler: app.run, Environment: {Variables: {X: !Ref Y}}}',
        '  Node:',
        '    Type: AWS::Serverless::Function',
        '    Properties: {CodeUri: src/n, Handler: index.handler, Runtime: nodejs20.x}',
        '  Image:',
        '    Type: AWS::Serverless::Function',
        '    Properties: {PackageType: Image}',
      ].join('\n'),
    );
    expect(notices).toEqual([]);
    expect(model.lambdaDescriptors.map((d) => [d.name, d.handler, d.codeDirectory, d.source, d.location.range.line])).toEqual([
      ['A', 'main.lambda_handler', '/p/src/a', 'sam', 4],
      ['B', 'app.run', '/p/src/b', 'sam', 13],
    ]);
  });

  it('CloudFormation JSON, serverless.yml with module, Zappa, Chalice', () => {
    const cfn = read('stack.template.json', 'json-settings', JSON.stringify({ Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'python3.12', Code: 'lambda/' } } } }, null, 2));
    expect(cfn.model.lambdaDescriptors).toMatchObject([{ handler: 'index.handler', codeDirectory: '/p/lambda', source: 'cloudformation', location: { range: { line: 6 } } }]);
    const sls = read('serverless.yml', 'yaml', 'service: s\nprovider: {name: aws, runtime: python3.11}\nfunctions:\n  f:\n    handler: handler.main\n    module: api\n  g:\n    handler: ${self:custom.h}\n');
    expect(sls.model.lambdaDescriptors).toMatchObject([{ name: 'f', handler: 'handler.main', codeDirectory: '/p/api', source: 'serverless' }]);
    const zappa = read('zappa_settings.json', 'json-settings', '{"prod": {"app_function": "api.app", "lambda_handler": "tasks.run"}, "dev": {"app_function": "api.app"}}');
    expect(zappa.model.lambdaDescriptors.map((d) => [d.handler, d.moduleOnly ?? false])).toEqual([
      ['tasks.run', false],
      ['api.app', true],
    ]);
    expect(readDeployment([{ path: '/p/svc/.chalice/config.json', kind: 'json-settings', text: '{}' }]).model.chaliceApps).toEqual(['/p/svc']);
  });

  it('a template with an alias bomb is refused with a notice, quickly', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    lines.push('Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties: {Handler: app.h, Tags: *i}');
    const started = Date.now();
    const { model, notices } = read('template.yaml', 'yaml', lines.join('\n'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(model.lambdaDescriptors).toEqual([]);
    expect(notices[0]).toMatchObject({ kind: 'unparsable', message: expect.stringMatching(/alias/i) });
  });
});

describe('the deployment rules through the CLI', () => {
  it('Helm chart templates are Go templates, not YAML: no notices', async () => {
    const dir = tempProject({
      'deploy/helm/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
      'deploy/helm/api/values.yaml': 'replicaCount: 2\nimage:\n  repository: example/api\n  tag: ""\nautoscaling:\n  enabled: false\n',
      'deploy/helm/api/templates/_helpers.tpl': '{{- define "api.fullname" -}}\n{{ .Release.Name }}-api\n{{- end }}\n',
      'deploy/helm/api/templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ include "api.fullname" . }}',
        '  labels:',
        '    {{- include "api.labels" . | nindent 4 }}',
        'spec:',
        '  {{- if not .Values.autoscaling.enabled }}',
        '  replicas: {{ .Values.replicaCount }}',
        '  {{- end }}',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: api',
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
        '          command: ["gunicorn", "app:app"]',
        '',
      ].join('\n'),
      'deploy/helm/api/templates/nested/service.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  {{- with .Values.service }}\n  type: {{ .type }}\n  {{- end }}\n',
      // Set aside by the chart's authors, still Go templates.
      'deploy/helm/api/templates_disabled/hpa.yaml': 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  {{- if .Values.autoscaling.enabled }}\n  minReplicas: {{ .Values.autoscaling.min }}\n  {{- end }}\n',
    });
    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
  });

  it('YAML that is not a deployment file by name is not reported when it does not parse', async () => {
    const dir = tempProject({
      'config/app.yaml': 'database:\n  url: [unclosed\n  pool: {size: 5\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    steps:\n      - run: echo {{ matrix.x }}\n      bad: : :\n',
      'mkdocs.yml': 'site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n',
      'openapi.yaml': 'openapi: 3.0.0\npaths:\n  /x:\n    get: {responses: {200: {description: "ok"}\n',
    });
    const r = await cli(['check', '.', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
  });

  it('YAML named as a deployment file is still reported when it does not parse', async () => {
    const dir = tempProject({
      'docker-compose.yml': 'services:\n  a: [unclosed\n',
      'template.yaml': 'Resources:\n  Fn: {Type: AWS::Serverless::Function\n',
      'k8s/api.yaml': 'kind: Deployment\nspec: [unclosed\n',
      // CloudFormation dynamic references look like templates but are quoted YAML strings.
      'stack/template.yaml': "Resources:\n  Db:\n    Properties:\n      MasterUserPassword: '{{resolve:secretsmanager:Db:SecretString:password}}'\n      Tags: [\n      {Key: a, Value: b}]\n",
      'deploy/helm/api/Chart.yaml': 'apiVersion: v2\nname: [api\n',
    });
    const r = await cli(['check', '.', '--format', 'json'], dir);
    const noticed = [...r.stderr.matchAll(/^(.+?)(?::\d+)?: notice \[unparsable\] YAML: /gm)].map((m) => m[1]);
    expect(noticed.sort()).toEqual(['deploy/helm/api/Chart.yaml', 'docker-compose.yml', 'k8s/api.yaml', 'stack/template.yaml', 'template.yaml']);
  });

  it('a file named on the command line is checked with the rest of the project as context', async () => {
    const dir = tempProject({
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      Dockerfile: 'FROM python:3.12\nCMD ["gunicorn", "app.main:app"]\n',
    });
    const r = await cli(['check', 'Dockerfile', '--format', 'json'], dir);
    expect((JSON.parse(r.stdout) as { code: string }[]).map((d) => d.code)).toEqual(['PP301']);
  });
});

function nginxAvailable(): boolean {
  return spawnSync('nginx', ['-v']).status === 0;
}

function nginxFixtures(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...nginxFixtures(p));
    else if (p.endsWith('.conf') && /^\s*(http|server|events)\b/m.test(readFileSync(p, 'utf8'))) out.push(p);
  }
  return out;
}

describe('nginx fixtures are real configurations', () => {
  const available = nginxAvailable();
  if (!available && process.env.CI) throw new Error('nginx is not installed; .ci/run installs it (apt-get install nginx)');
  if (!available) console.warn('nginx not installed: skipping `nginx -t` of the fixtures (apt-get install nginx)');

  const nginxT = (config: string, prefix: string) =>
    spawnSync('nginx', ['-t', '-q', '-e', 'stderr', '-p', `${prefix}/`, '-c', config, '-g', `pid ${prefix}/nginx.pid;`], { encoding: 'utf8' });

  const files = [...nginxFixtures(path.join(HERE, 'fixtures')), ...nginxFixtures(path.join(HERE, 'fixed')), ...nginxFixtures(path.join(HERE, '..', 'examples'))];
  it('there are nginx fixtures', () => expect(files.length).toBeGreaterThanOrEqual(3));

  it.runIf(available).each(files.map((f) => [path.relative(HERE, f), f]))('nginx -t accepts %s', (_, file) => {
    const prefix = tempDir('pylint-perf-nginx-');
    const text = readFileSync(file, 'utf8');
    let config = file;
    if (!/^\s*events\b/m.test(text)) {
      // Included by a main configuration next to it: checked as part of that one.
      if (existsSync(path.join(path.dirname(path.dirname(file)), 'nginx.conf'))) return;
      config = path.join(prefix, 'wrapper.conf');
      writeFileSync(config, `events {}\nhttp {\n    include ${file};\n}\n`);
    }
    const r = nginxT(config, prefix);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.runIf(available)('and nginx -t is not vacuous: it rejects a broken one', () => {
    const prefix = tempDir('pylint-perf-nginx-');
    const config = path.join(prefix, 'broken.conf');
    writeFileSync(config, 'events {}\nhttp { server { location / { proxy_pass http://127.0.0.1:1; } }\n');
    expect(nginxT(config, prefix).status).not.toBe(0);
  });
});
