/**
 * YAML deployment files, document by document: SAM/CloudFormation templates and serverless.yml
 * (Lambda descriptors), compose files (services), anything else for its Kubernetes containers.
 * Which YAML files are worth a notice when they do not parse, and which are Helm templates.
 */

import path from 'node:path';
import { isMap, LineCounter, parseAllDocuments, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { Notice } from '../../core/diagnostics.js';
import { isComposeServices, readComposeServices, type ManifestInstall } from './compose.js';
import { kubernetesFront, readKubernetesContainers } from './kubernetes.js';
import { lambdaDescriptors } from './lambda-descriptors.js';
import type { DeployCommand, FrontEvidence, LambdaDescriptor, ServerInvocation } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';
import type { ReadService } from './yaml-nodes.js';

export interface YamlRead {
  invocations: ServerInvocation[];
  commands: DeployCommand[];
  services: ReadService[];
  lambdas: LambdaDescriptor[];
  installs: ManifestInstall[];
  fronts: FrontEvidence[];
}

/**
 * A template (Helm outside `templates/`, Jinja, cookiecutter) is not broken YAML: `{{- if ... }}` or
 * `{% ... %}` as a line, `key: {{ .Values.x }}` unquoted (CloudFormation's quoted '{{resolve:...}}' is YAML).
 */
const TEMPLATE_SYNTAX = /^\s*(-\s+)?\{[{%]|:\s+\{[{%]/m;

/** `reportUnparsable`: a document that does not parse is a notice (unless the file is a template). */
export function readYaml(file: DeploymentSource, notices: Notice[], reportUnparsable: boolean): YamlRead {
  const read: YamlRead = { invocations: [], commands: [], services: [], lambdas: [], installs: [], fronts: [] };
  const lineCounter = new LineCounter();
  const lines = new LineIndex(file.text);
  const parsed = parseAllDocuments(file.text, { lineCounter, strict: false, uniqueKeys: false, prettyErrors: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      if (reportUnparsable && !TEMPLATE_SYNTAX.test(file.text)) notices.push({ kind: 'unparsable', path: file.path, line: error.linePos?.[0]?.line, message: `YAML: ${error.message.split('\n')[0]}; this document was skipped` });
      continue;
    }
    const top = doc.contents;
    if (!isMap(top)) continue;
    // SAM / CloudFormation templates and serverless.yml: read as data (aliases bounded).
    if (isLambdaTemplate(top)) {
      try {
        read.lambdas.push(...lambdaDescriptors(doc.toJS({ maxAliasCount: 1000 }), file.path, file.text));
      } catch (error) {
        notices.push({ kind: 'unparsable', path: file.path, message: `YAML: ${(error as Error).message.split('\n')[0]}; not read` });
      }
      continue;
    }
    const servicesNode = top.get('services', true) as YamlNode | undefined;
    if (file.kind === 'compose' || isComposeServices(servicesNode)) {
      if (!isMap(servicesNode)) continue;
      const compose = readComposeServices(file, lines, servicesNode);
      read.invocations.push(...compose.invocations);
      read.commands.push(...compose.commands);
      read.services.push(...compose.services);
      read.installs.push(...compose.installs);
      read.fronts.push(...compose.fronts);
      continue;
    }
    const kubernetes = readKubernetesContainers(file, lines, top);
    read.invocations.push(...kubernetes.invocations);
    read.commands.push(...kubernetes.commands);
    read.services.push(...kubernetes.services);
    const front = kubernetesFront(file, lines, top);
    if (front) read.fronts.push(front);
  }
  return read;
}

/** A SAM or CloudFormation template (`Resources`), or a serverless.yml (`functions` with `service` or `provider`). */
function isLambdaTemplate(top: YAMLMap): boolean {
  return top.has('Resources') || (top.has('functions') && (top.has('service') || top.has('provider')));
}

/** A file under the `templates/` folder of a Helm chart (a directory with a `Chart.yaml`). */
export function isChartTemplate(file: string, chartRoots: ReadonlySet<string>): boolean {
  for (let dir = path.dirname(file); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (path.basename(dir) === 'templates' && chartRoots.has(path.dirname(dir))) return true;
  }
  return false;
}

const DEPLOYMENT_YAML_NAME = /^((.*[._-])?template|serverless([._-][\w.-]+)?)\.ya?ml$/i;
const DEPLOYMENT_FOLDERS = new Set(['kubernetes', 'k8s', 'kube', 'deploy', 'deployment', 'deployments', 'manifests', 'helm', 'charts', 'cloudformation', 'cfn']);

/**
 * Whether the name or folder of a YAML file says it is a deployment file the rules read: compose
 * files, SAM/CloudFormation templates, `serverless.yml`, a Helm chart's own files, anything under
 * a `k8s/`, `kubernetes/`, `deploy/`... folder. Only those are worth a notice when they do not
 * parse; any other YAML (CI workflows, mkdocs.yml, OpenAPI documents, application settings) is
 * read for what its content shows and otherwise left alone.
 */
export function namedAsDeployment(file: DeploymentSource, root: string, chartRoots: ReadonlySet<string>): boolean {
  if (file.kind === 'compose' || DEPLOYMENT_YAML_NAME.test(path.basename(file.path)) || chartRoots.has(path.dirname(file.path))) return true;
  const folders = path.relative(root, path.dirname(file.path)).split(path.sep);
  return !folders.includes('..') && folders.some((folder) => DEPLOYMENT_FOLDERS.has(folder.toLowerCase()));
}
