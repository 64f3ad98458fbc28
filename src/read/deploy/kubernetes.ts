/** Kubernetes manifests: every `containers` / `initContainers` list anywhere in a document. */

import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import { invocationsFrom } from './invocations.js';
import type { ServerInvocation } from './model.js';
import type { DeploymentSource } from './source.js';
import type { LineIndex } from './text.js';
import { yamlEnvironment, yamlWords, type ReadService } from './yaml-nodes.js';

/** Each container's image and environment, and the server its `command` and `args` start. */
export function readKubernetesContainers(file: DeploymentSource, lines: LineIndex, top: YAMLMap): { invocations: ServerInvocation[]; services: ReadService[] } {
  const invocations: ServerInvocation[] = [];
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
    invocations.push(
      ...invocationsFrom(words, { environment, workingDirectory: workingDir ? String(workingDir) : undefined }, {
        path: file.path,
        lines,
        from: span.range[0],
        to: ((args ?? command) as YamlNode).range![1],
        source: 'kubernetes',
        image: image !== undefined ? String(image) : undefined,
      }).invocations,
    );
  });
  return { invocations, services };
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
