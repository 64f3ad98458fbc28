/**
 * Reads every deployment file once and builds the DeploymentModel: server invocations with their
 * environment and working directory, Dockerfile stages, compose/Kubernetes environments, nginx
 * configuration (includes expanded) and dependency manifests. A file that cannot be read as what
 * its name says becomes a notice; nothing here throws for bad input.
 *
 * Each format has its own reader (dockerfile.ts, yaml.ts with compose.ts and kubernetes.ts,
 * json-settings.ts, procfile.ts, shell-scripts.ts, unit-files.ts, nginx.ts,
 * dependency-manifests.ts); this file sends each file to its reader by kind, then puts together
 * what only several files say: a compose service's environment for the Dockerfile it builds, and
 * who installs each dependency manifest.
 */

import path from 'node:path';
import type { Notice } from '../../core/diagnostics.js';
import { locateDependencies, readManifest } from './dependency-manifests.js';
import { readDockerfile, type DockerfileInstall, type ReadStage } from './dockerfile.js';
import type { ManifestInstall } from './compose.js';
import { readJsonSettings } from './json-settings.js';
import type { DeployCommand, DeploymentModel, NginxDirective, ServerInvocation, SourceLocation } from './model.js';
import { textFronts } from './fronts.js';
import { expandNginx, looksLikeNginx, nginxFronts, parseNginx } from './nginx.js';
import { readProcfile } from './procfile.js';
import { readScript } from './shell-scripts.js';
import type { DeploymentSource } from './source.js';
import { readUnitFile } from './unit-files.js';
import { chartTemplateCommands } from './kubernetes.js';
import { isChartTemplate, namedAsDeployment, readYaml } from './yaml.js';
import type { ReadService } from './yaml-nodes.js';

export type { DeploymentSource } from './source.js';
export { normaliseProjectName, requirementNames } from './dependency-manifests.js';

/** What the readers found, file by file, before what several files say is put together. */
interface Collected {
  model: DeploymentModel;
  notices: Notice[];
  nginxFiles: Map<string, NginxDirective[]>;
  /** `.conf` files that do not look like nginx on their own: read as nginx only if an nginx file includes them (a snippet of `proxy_*` lines). */
  nginxSnippets: Map<string, string>;
  dockerfileInvocations: Map<string, ServerInvocation[]>;
  /** The final stage of each Dockerfile. */
  dockerfileStage: Map<string, ReadStage>;
  dockerfileInstalls: Map<string, DockerfileInstall[]>;
  composeServices: ReadService[];
  composeInstalls: ManifestInstall[];
  /** For TOML manifests: the table each installed dependency is listed in. */
  manifestTables: Map<string, Record<string, string>>;
}

/** Where the files are: the project root, and the Helm charts (directories with a `Chart.yaml`). */
interface Layout {
  root: string;
  chartRoots: ReadonlySet<string>;
}

/** `root`: the project root, which folder names (`k8s/`, `deploy/`) are read below; by default the files' common directory. */
export function readDeployment(files: readonly DeploymentSource[], root = commonDirectory(files.map((f) => f.path))): { model: DeploymentModel; notices: Notice[] } {
  const found: Collected = {
    model: { invocations: [], commands: [], fronts: [], dockerStages: [], services: [], nginx: [], dependencies: [], lambdaDescriptors: [], chaliceApps: [] },
    notices: [],
    nginxFiles: new Map(),
    nginxSnippets: new Map(),
    dockerfileInvocations: new Map(),
    dockerfileStage: new Map(),
    dockerfileInstalls: new Map(),
    composeServices: [],
    composeInstalls: [],
    manifestTables: new Map(),
  };
  const layout: Layout = { root, chartRoots: new Set(files.filter((f) => /^chart\.ya?ml$/i.test(path.basename(f.path))).map((f) => path.dirname(f.path))) };
  for (const file of files) {
    try {
      readFile(file, found, layout);
    } catch (error) {
      found.notices.push({ kind: 'unparsable', path: file.path, message: `could not be read as a ${file.kind} file (${(error as Error).message}); skipped` });
    }
  }
  const { model, notices } = found;
  applyComposeServices(found);
  // A proxy in a compose file is in front of the services of that file, and of the Dockerfiles they build.
  for (const front of model.fronts) {
    if (!front.fronts || !found.composeServices.some((s) => s.path === front.location.path)) continue;
    front.fronts.push(...found.composeServices.filter((s) => s.path === front.location.path && s.dockerfile).map((s) => s.dockerfile!));
  }
  resolveComposeBuilds(model.invocations, found.dockerfileStage);
  locateDependencies(model.dependencies, new Map(files.map((f) => [f.path, f.text])), found.manifestTables);
  linkInstallers(found, root);
  model.nginx = expandNginx(found.nginxFiles, notices, found.nginxSnippets);
  model.fronts.push(...nginxFronts(model.nginx));
  locateOptionInsertions(model.invocations, new Map(files.map((f) => [f.path, f.text])));
  return { model, notices };
}

/**
 * Where each invocation's options can be added (`optionsAt`), read from the text around its
 * program word: inside a JSON list (`"gunicorn",`), as a YAML block list item (`- gunicorn`), or
 * shell words (`gunicorn app:app`, also inside `sh -c "..."`).
 */
function locateOptionInsertions(invocations: readonly ServerInvocation[], texts: ReadonlyMap<string, string>): void {
  const lines = new Map<string, string[]>();
  for (const inv of invocations) {
    const text = texts.get(inv.location.path);
    if (text === undefined || inv.location.range.line !== inv.location.range.endLine) continue;
    if (!lines.has(inv.location.path)) lines.set(inv.location.path, text.split(/\r?\n/));
    const line = lines.get(inv.location.path)![inv.location.range.line - 1] ?? '';
    const { column, endColumn } = inv.location.range;
    const before = line.slice(0, column - 1);
    const after = line.slice(endColumn - 1);
    if (before.endsWith('"') && /^"\s*[,\]]/.test(after)) {
      inv.optionsAt = { line: inv.location.range.line, column: endColumn + 1, style: 'json' };
    } else if (/^\s*-\s+$/.test(before) && /^\s*(#.*)?$/.test(after)) {
      inv.optionsAt = { line: inv.location.range.line, column: line.length + 1, style: 'yaml-list', indent: before.replace(/\S.*$/, '') };
    } else if (!/^["']/.test(after) && !before.endsWith("'")) {
      inv.optionsAt = { line: inv.location.range.line, column: endColumn, style: 'shell' };
    }
  }
}

/** One file, by its kind, into what has been found. */
function readFile(file: DeploymentSource, found: Collected, layout: Layout): void {
  const { model, notices } = found;
  const chartTemplate = isChartTemplate(file.path, layout.chartRoots);
  const chartValues = layout.chartRoots.has(path.dirname(file.path)) && /^values.*\.ya?ml$/i.test(path.basename(file.path));
  model.fronts.push(...textFronts(file, { chartTemplate, chartValues }));
  switch (file.kind) {
    case 'dockerfile': {
      const { invocations, commands, stages, installs } = readDockerfile(file);
      found.dockerfileInstalls.set(file.path, installs);
      model.invocations.push(...invocations);
      model.commands.push(...commands);
      model.dockerStages.push(...stages);
      found.dockerfileInvocations.set(file.path, invocations);
      const final = stages.find((s) => s.isFinal);
      if (final) found.dockerfileStage.set(file.path, final);
      break;
    }
    case 'json-settings': {
      const { chaliceApp, lambdas } = readJsonSettings(file, notices);
      if (chaliceApp !== undefined) model.chaliceApps.push(chaliceApp);
      model.lambdaDescriptors.push(...lambdas);
      break;
    }
    case 'compose':
    case 'yaml': {
      // Helm chart templates are Go templates: YAML only once Helm renders them.
      if (chartTemplate) {
        addCommands(model, chartTemplateCommands(file));
        break;
      }
      const out = readYaml(file, notices, namedAsDeployment(file, layout.root, layout.chartRoots));
      model.lambdaDescriptors.push(...out.lambdas);
      model.invocations.push(...out.invocations);
      model.commands.push(...out.commands);
      model.fronts.push(...out.fronts);
      found.composeServices.push(...out.services);
      found.composeInstalls.push(...out.installs);
      break;
    }
    case 'procfile':
      addCommands(model, readProcfile(file));
      break;
    case 'shell':
    case 'makefile':
      addCommands(model, readScript(file));
      break;
    case 'ini':
    case 'conf':
    case 'systemd':
      if (file.kind !== 'systemd' && looksLikeNginx(file.text) && !/^\s*\[program:/m.test(file.text)) readNginxFile(file, found);
      else {
        if (file.kind === 'conf' && !/^\s*\[/m.test(file.text)) found.nginxSnippets.set(file.path, file.text);
        addCommands(model, readUnitFile(file));
      }
      break;
    case 'requirements':
    case 'pyproject':
    case 'pipfile':
    case 'setup-cfg': {
      const { manifest, tables } = readManifest(file, notices);
      if (tables) found.manifestTables.set(file.path, tables);
      model.dependencies.push(manifest);
      break;
    }
    default:
      break;
  }
}

function addCommands(model: DeploymentModel, read: { invocations: ServerInvocation[]; commands: DeployCommand[] }): void {
  model.invocations.push(...read.invocations);
  model.commands.push(...read.commands);
}

/** An nginx file: its directives, kept for include expansion once every file is read. */
function readNginxFile(file: DeploymentSource, found: Collected): void {
  const parsed = parseNginx(file.path, file.text);
  found.nginxFiles.set(file.path, parsed.directives);
  if (parsed.problem) found.notices.push({ kind: 'unparsable', path: file.path, line: parsed.problem.line, message: `nginx configuration: ${parsed.problem.message}; read up to there` });
}

/** Compose services that build a Dockerfile give its CMD their environment (unless they set their own command). */
function applyComposeServices(found: Collected): void {
  for (const service of found.composeServices) {
    found.model.services.push({ path: service.path, dockerfile: service.dockerfile, buildContext: service.buildContext, image: service.image, environment: service.environment, name: service.name });
    if (!service.dockerfile) continue;
    if (!service.hasCommand) {
      for (const invocation of found.dockerfileInvocations.get(service.dockerfile) ?? []) {
        invocation.environment = { ...invocation.environment, ...service.environment };
      }
    }
  }
}

/** A compose command run in an image it builds: the environment, working directory and base image of the Dockerfile's final stage. */
function resolveComposeBuilds(invocations: readonly ServerInvocation[], dockerfileStage: ReadonlyMap<string, ReadStage>): void {
  for (const invocation of invocations) {
    if (invocation.source !== 'compose' || !invocation.image?.startsWith('build:')) continue;
    const stage = dockerfileStage.get(invocation.image.slice('build:'.length));
    if (stage) {
      invocation.environment = { ...stage.environment, ...invocation.environment };
      invocation.workingDirectory ??= stage.workingDirectory;
      invocation.pypy ||= stage.pypy;
      invocation.image = stage.image;
    } else delete invocation.image;
  }
}

/**
 * Who else installs each manifest: Dockerfiles (paths relative to the build contexts they are
 * built from: their own directory, compose `build.context`, else the nearest folder above where
 * the file exists, as `docker build -f docker/Dockerfile .` does) and compose services' commands.
 */
function linkInstallers(found: Collected, root: string): void {
  const { model } = found;
  const installers = new Map<string, Map<string, SourceLocation>>();
  const installedBy = (manifest: string, location: SourceLocation): void => {
    const at = installers.get(manifest) ?? new Map<string, SourceLocation>();
    at.set(`${location.path}:${location.range.line}`, location);
    installers.set(manifest, at);
  };
  const manifests = new Set(model.dependencies.map((d) => d.path));
  for (const [dockerfile, installs] of found.dockerfileInstalls) {
    const contexts = [path.dirname(dockerfile), ...found.composeServices.filter((s) => s.dockerfile === dockerfile && s.buildContext).map((s) => s.buildContext!)];
    for (const install of installs) {
      const within = (context: string): string[] => install.candidates.map((c) => path.resolve(context, c)).filter((m) => manifests.has(m));
      let candidates = contexts.flatMap(within);
      for (let dir = path.dirname(contexts[0]); candidates.length === 0 && dir !== path.dirname(dir) && !path.relative(root, dir).startsWith('..'); dir = path.dirname(dir)) candidates = within(dir);
      for (const manifest of candidates) installedBy(manifest, install.location);
    }
  }
  for (const install of found.composeInstalls) installedBy(install.manifest, install.location);
  for (const d of model.dependencies) d.installedBy = [...(installers.get(d.path)?.values() ?? [])];
}

function commonDirectory(files: readonly string[]): string {
  if (files.length === 0) return path.sep;
  let common = path.dirname(files[0]);
  for (const file of files) while (path.relative(common, file).startsWith('..')) common = path.dirname(common);
  return common;
}
