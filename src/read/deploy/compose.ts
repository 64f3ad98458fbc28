/**
 * Compose files: each service's environment, the Dockerfile it builds, the server its `command`
 * and `entrypoint` start, and the manifests that command installs from a bind-mounted folder.
 */

import path from 'node:path';
import { isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import { manifestsInstalled } from './installs.js';
import { invocationsFrom } from './invocations.js';
import type { DeployCommand, FrontEvidence, ServerInvocation, SourceLocation } from './model.js';
import type { DeploymentSource } from './source.js';
import type { LineIndex } from './text.js';
import { yamlEnvironment, yamlWords, type ReadService } from './yaml-nodes.js';

/** A manifest a compose service's command installs. */
export interface ManifestInstall {
  manifest: string;
  location: SourceLocation;
}

export interface ComposeRead {
  invocations: ServerInvocation[];
  commands: DeployCommand[];
  services: ReadService[];
  installs: ManifestInstall[];
  fronts: FrontEvidence[];
}

/** Images of reverse proxies that keep connections to the services behind them. */
const PROXY_IMAGE = /(^|\/)(nginx|openresty|traefik|caddy|haproxy|envoy|envoyproxy\/envoy[\w-]*|nginxinc\/[\w-]+|bitnami\/nginx|jwilder\/nginx-proxy|nginxproxy\/nginx-proxy)(:|@|$)/i;

/** A `services:` map whose entries build or run an image: compose, whatever the file is called. */
export function isComposeServices(node: YamlNode | undefined): boolean {
  return isMap(node) && node.items.some((i) => isMap(i.value) && (i.value.has('image') || i.value.has('build')));
}

/** Every service of a `services:` map. */
export function readComposeServices(file: DeploymentSource, lines: LineIndex, servicesNode: YAMLMap): ComposeRead {
  const read: ComposeRead = { invocations: [], commands: [], services: [], installs: [], fronts: [] };
  for (const item of servicesNode.items) {
    const service = item.value;
    const name = isScalar(item.key) ? String(item.key.value) : undefined;
    if (isMap(service)) readService(file, lines, service, read, name);
  }
  return read;
}

/** A service that is a reverse proxy: its image, or Traefik routing labels on another service. */
function proxyOf(service: YAMLMap, name: string | undefined): string | undefined {
  const image = service.get('image');
  if (typeof image === 'string' && PROXY_IMAGE.test(image)) return `${(image.split('/').pop() ?? image).split(/[:@]/)[0]}${name ? `, compose service \`${name}\`` : ''}`;
  const labels = service.get('labels', true) as YamlNode | undefined;
  const text = isSeq(labels) ? labels.items.map((i) => (isScalar(i) ? String(i.value) : '')).join('\n') : isMap(labels) ? labels.items.map((i) => (isScalar(i.key) ? String(i.key.value) : '')).join('\n') : '';
  if (/^traefik\.http\.routers\./m.test(text)) return `Traefik, routing to compose service${name ? ` \`${name}\`` : ''}`;
  return undefined;
}

function readService(file: DeploymentSource, lines: LineIndex, service: YAMLMap, read: ComposeRead, name: string | undefined): void {
  const environment = yamlEnvironment(service.get('environment', true) as YamlNode | undefined);
  const { dockerfile, buildContext } = buildOf(file, service.get('build', true) as YamlNode | undefined);
  const image = service.get('image') as string | undefined;
  const command = service.get('command', true) as YamlNode | undefined;
  const entrypoint = service.get('entrypoint', true) as YamlNode | undefined;
  const workingDir = service.get('working_dir') as string | undefined;
  const words = [...yamlWords(entrypoint), ...yamlWords(command)];
  const spanNode = (entrypoint ?? command) as YamlNode | undefined;
  if (words.length > 0 && spanNode?.range) {
    const found = invocationsFrom(words, { environment, workingDirectory: workingDir ? String(workingDir) : undefined }, {
      path: file.path,
      lines,
      from: spanNode.range[0],
      to: (command ?? entrypoint)!.range![1],
      source: 'compose',
      projectDirectory: dockerfile ? path.dirname(dockerfile) : path.dirname(file.path),
      image: dockerfile ? `build:${dockerfile}` : image !== undefined ? String(image) : undefined,
    });
    read.invocations.push(...found.invocations);
    read.commands.push(...found.commands);
    // `pip install -r requirements.txt && ...` on a project folder mounted as a volume.
    for (const installed of manifestsInstalled(words, workingDir ? String(workingDir) : '/')) {
      for (const manifest of volumeSources(installed, service.get('volumes', true) as YamlNode | undefined, path.dirname(file.path))) {
        read.installs.push({ manifest, location: { path: file.path, range: lines.range(spanNode.range[0], (command ?? entrypoint)!.range![1]) } });
      }
    }
  }
  read.services.push({ path: file.path, dockerfile, buildContext, image: image !== undefined ? String(image) : undefined, environment, hasCommand: words.length > 0, name });
  const proxy = proxyOf(service, name);
  if (proxy) {
    const node = (service.get('image', true) ?? service.get('labels', true)) as YamlNode | undefined;
    const range = node?.range ? lines.range(node.range[0], node.range[1]) : lines.range(0, 0);
    const configuration = bindSources(service.get('volumes', true) as YamlNode | undefined, path.dirname(file.path));
    read.fronts.push({ what: proxy, location: { path: file.path, range }, fronts: [file.path], ...(configuration.length > 0 ? { configuration } : {}) });
  }
}

/** `build: ./dir` or `build: { context, dockerfile }`: the Dockerfile (absolute) and its build context. */
function buildOf(file: DeploymentSource, build: YamlNode | undefined): { dockerfile?: string; buildContext?: string } {
  if (!isScalar(build) && !isMap(build)) return {};
  const context = isScalar(build) ? String(build.value) : String((build.get('context') as string | undefined) ?? '.');
  const name = isMap(build) ? String((build.get('dockerfile') as string | undefined) ?? 'Dockerfile') : 'Dockerfile';
  return { dockerfile: path.resolve(path.dirname(file.path), context, name), buildContext: path.resolve(path.dirname(file.path), context) };
}

/** The project paths a service bind-mounts (`./nginx:/etc/nginx/conf.d:ro`). */
function bindSources(volumes: YamlNode | undefined, composeDirectory: string): string[] {
  if (!isSeq(volumes)) return [];
  const out: string[] = [];
  for (const volume of volumes.items) {
    let source: unknown;
    if (isScalar(volume)) source = String(volume.value).split(':')[0];
    else if (isMap(volume) && (volume.get('type') ?? 'bind') === 'bind') source = volume.get('source');
    if (typeof source === 'string' && /^[./]/.test(source) && !source.includes('$')) out.push(path.resolve(composeDirectory, source));
  }
  return out;
}

/** The project files a path inside a compose container comes from, through its bind-mounted `volumes`. */
function volumeSources(file: string, volumes: YamlNode | undefined, composeDirectory: string): string[] {
  if (!isSeq(volumes)) return [];
  const out: string[] = [];
  for (const volume of volumes.items) {
    let source: unknown;
    let target: unknown;
    if (isScalar(volume)) [source, target] = String(volume.value).split(':');
    else if (isMap(volume) && (volume.get('type') ?? 'bind') === 'bind') [source, target] = [volume.get('source'), volume.get('target')];
    // Named volumes are not project files; only paths (`./src`, `/abs`) are.
    if (typeof source !== 'string' || typeof target !== 'string' || !/^[./]/.test(source)) continue;
    const mount = path.posix.resolve('/', target);
    if (file === mount || file.startsWith(mount === '/' ? '/' : `${mount}/`)) out.push(path.resolve(composeDirectory, source, path.posix.relative(mount, file)));
  }
  return out;
}
