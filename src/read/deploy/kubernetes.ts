/** Kubernetes manifests: every `containers` / `initContainers` list anywhere in a document. */

import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import { invocationsFrom } from './invocations.js';
import type { DeployCommand, FrontEvidence, ServerInvocation } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';
import { LOAD_BALANCER_IN_HTTP_MODE } from './fronts.js';
import { yamlEnvironment, yamlWords, type ReadService } from './yaml-nodes.js';

/** Each container's image and environment, and the server its `command` and `args` start. */
export function readKubernetesContainers(file: DeploymentSource, lines: LineIndex, top: YAMLMap): { invocations: ServerInvocation[]; commands: DeployCommand[]; services: ReadService[] } {
  const invocations: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  const services: ReadService[] = [];
  visitContainers(top, 0, (container) => {
    const command = container.get('command', true) as YamlNode | undefined;
    const args = container.get('args', true) as YamlNode | undefined;
    const words = [...yamlWords(command), ...yamlWords(args)];
    const environment = yamlEnvironment(container.get('env', true) as YamlNode | undefined);
    const image = container.get('image') as string | undefined;
    services.push({ path: file.path, image: image !== undefined ? String(image) : undefined, environment, hasCommand: words.length > 0 });
    const span = (command ?? args) as YamlNode | undefined;
    if (words.length === 0 || !span?.range) return;
    const workingDir = container.get('workingDir') as string | undefined;
    const found = invocationsFrom(words, { environment, workingDirectory: workingDir ? String(workingDir) : undefined }, {
      path: file.path,
      lines,
      from: span.range[0],
      to: ((args ?? command) as YamlNode).range![1],
      source: 'kubernetes',
      image: image !== undefined ? String(image) : undefined,
    });
    invocations.push(...found.invocations);
    commands.push(...found.commands);
  });
  return { invocations, commands, services };
}

/**
 * What a Kubernetes document puts in front of its pods: an Ingress (its controller pools
 * connections to the pods), a Service of type LoadBalancer (layer 4: it pools nothing, unless an
 * annotation puts it in HTTP mode), Traefik's IngressRoute, a Gateway API
 * HTTPRoute, or a Knative Service (Cloud Run's API).
 */
export function kubernetesFront(file: DeploymentSource, lines: LineIndex, top: YAMLMap): FrontEvidence | undefined {
  const kind = top.get('kind');
  const apiVersion = String(top.get('apiVersion') ?? '');
  const node = top.get('kind', true) as YamlNode | undefined;
  const at = { path: file.path, range: node?.range ? lines.range(node.range[0], node.range[1]) : lines.range(0, 0) };
  if (kind === 'Ingress') return { what: 'a Kubernetes Ingress', location: at };
  if (kind === 'IngressRoute') return { what: 'a Traefik IngressRoute', location: at };
  if (kind === 'HTTPRoute') return { what: 'a Gateway API HTTPRoute', location: at };
  if (kind === 'Service' && apiVersion.startsWith('serving.knative.dev')) return { what: 'a Knative (Cloud Run) Service', location: at };
  if (kind === 'Service') {
    const spec = top.get('spec');
    if (isMap(spec) && spec.get('type') === 'LoadBalancer') {
      // Layer 4 unless an annotation puts it in HTTP mode (see LOAD_BALANCER_IN_HTTP_MODE).
      const annotations = (top.get('metadata') as YAMLMap | undefined)?.get?.('annotations');
      const http = isMap(annotations) && annotations.items.some((i) => LOAD_BALANCER_IN_HTTP_MODE.test(`${String(isScalar(i.key) ? i.key.value : '')}: ${String(isScalar(i.value) ? i.value.value : '')}`));
      return http ? { what: 'a Kubernetes Service of type LoadBalancer (HTTP mode)', location: at } : { what: 'a Kubernetes Service of type LoadBalancer', location: at, pools: false };
    }
  }
  return undefined;
}

function visitContainers(node: unknown, depth: number, visit: (container: YAMLMap) => void): void {
  if (depth > 64 || isAlias(node)) return;
  if (isMap(node)) {
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      if ((key === 'containers' || key === 'initContainers') && isSeq(item.value)) {
        for (const c of item.value.items) if (isMap(c)) visit(c);
      } else visitContainers(item.value, depth + 1, visit);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) visitContainers(item, depth + 1, visit);
  }
}

/**
 * Container commands in a Helm chart template (a Go template, not YAML until rendered): the
 * `command:` and `args:` of each container, as flow lists (`command: ["python", "app/main.py"]`) or
 * block lists, with template expressions left out (`{{ include ... }}`) or, inside a quoted word,
 * made unknown (`"{{ .Values.port }}"`).
 */
export function chartTemplateCommands(file: DeploymentSource): { invocations: ServerInvocation[]; commands: DeployCommand[] } {
  const lines = new LineIndex(file.text);
  const physical = file.text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of physical) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const invocations: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  const listAt = (i: number): { key: string; indent: number; words: string[]; end: number } | undefined => {
    const m = /^(\s*)(command|args):\s*(.*)$/.exec(physical[i]);
    if (!m) return undefined;
    const rest = m[3].trim();
    if (rest.startsWith('[')) return { key: m[2], indent: m[1].length, words: templateWords(rest.replace(/^\[|\]\s*$/g, '')), end: i };
    if (rest !== '') return undefined;
    const words: string[] = [];
    let j = i + 1;
    for (; j < physical.length; j++) {
      const item = /^(\s*)-\s+(.*)$/.exec(physical[j]);
      if (!item || item[1].length < m[1].length) break;
      if (/^[|>][-+]?\s*$/.test(item[2].trim())) {
        // A block scalar (`- |`): the lines indented below it, one word (the script of `sh -c`).
        const lines: string[] = [];
        while (j + 1 < physical.length && (physical[j + 1].trim() === '' || /^\s*/.exec(physical[j + 1])![0].length > item[1].length)) lines.push(physical[++j]);
        words.push(fillTemplate(lines.join('\n')));
        continue;
      }
      words.push(...templateWords(item[2]));
    }
    return { key: m[2], indent: m[1].length, words, end: j - 1 };
  };
  for (let i = 0; i < physical.length; i++) {
    const first = listAt(i);
    if (!first) continue;
    let words = first.words;
    let end = first.end;
    // `command:` followed by `args:` of the same container.
    if (first.key === 'command') {
      for (let j = first.end + 1; j < Math.min(physical.length, first.end + 4); j++) {
        const next = listAt(j);
        if (next && next.key === 'args' && next.indent === first.indent) {
          words = [...words, ...next.words];
          end = next.end;
          break;
        }
      }
    }
    if (words.length === 0) continue;
    const found = invocationsFrom(words, { environment: {} }, { path: file.path, lines, from: starts[i], to: starts[end] + physical[end].length, source: 'kubernetes' });
    invocations.push(...found.invocations);
    commands.push(...found.commands);
    i = end;
  }
  return { invocations, commands };
}

/** The words of a flow list or list item of a template: quoted strings, template expressions dropped or made unknown. */
function templateWords(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|\{\{[\s\S]*?\}\}|([^\s,"'{}[\]]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const quoted = m[1] ?? m[2];
    if (quoted !== undefined) words.push(fillTemplate(quoted));
    else if (m[3] !== undefined) words.push(m[3]);
  }
  return words;
}

/** Template actions (`{{ if ... }}`, `{{- end }}`, `{{ include ... }}`) removed; a value (`{{ .Values.port }}`) made unknown. */
function fillTemplate(text: string): string {
  return text.replace(/\{\{-?\s*(\/\*[\s\S]*?\*\/|if\b|else\b|end\b|range\b|with\b|define\b|template\b|include\b|block\b|toYaml\b|-?\s*\}\})[\s\S]*?\}\}/g, '').replace(/\{\{[\s\S]*?\}\}/g, '${HELM_VALUE}');
}
