/** What compose services and Kubernetes containers share: commands and environments as YAML nodes. */

import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { shellWords, type Word } from './command.js';
import { known, type DeployValue, type ServiceEnvironment } from './model.js';

/** A compose service or Kubernetes container as read: whether it sets a command, and its build context. */
export type ReadService = ServiceEnvironment & { hasCommand: boolean; buildContext?: string };

/** A command written as a YAML string (split like a shell line) or a list of words. */
export function yamlWords(node: YamlNode | undefined): Word[] {
  if (!node) return [];
  if (isScalar(node)) return node.value === null ? [] : shellWords(String(node.value));
  if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? String(i.value) : '${?}'));
  return [];
}

/** `environment:` as a map or a `K=V` list; Kubernetes `env:` as `- name: K / value: V`. */
export function yamlEnvironment(node: YamlNode | undefined): Record<string, DeployValue> {
  const env: Record<string, DeployValue> = {};
  if (isMap(node)) {
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : undefined;
      if (!key) continue;
      env[key] = isScalar(item.value) && item.value.value !== null ? known(String(item.value.value)) : { known: false, text: '' };
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (isScalar(item)) {
        const s = String(item.value);
        const eq = s.indexOf('=');
        if (eq > 0) env[s.slice(0, eq)] = known(s.slice(eq + 1));
      } else if (isMap(item)) {
        const name = item.get('name');
        const value = item.get('value', true);
        if (typeof name === 'string') env[name] = isScalar(value) && value.value !== null ? known(String(value.value)) : { known: false, text: 'valueFrom' };
      }
    }
  }
  return env;
}
