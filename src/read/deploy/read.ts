/**
 * Reads every deployment file once and builds the DeploymentModel: server invocations with their
 * environment and working directory, Dockerfile stages, compose/Kubernetes environments, nginx
 * configuration (includes expanded) and dependency manifests. A file that cannot be read as what
 * its name says becomes a notice; nothing here throws for bad input.
 */

import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse as parseToml } from 'smol-toml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { Notice } from '../../core/diagnostics.js';
import type { DeploymentFileKind } from '../discover.js';
import { scanWords, shellWords, type CommandContext, type ServerCommand, type Word } from './command.js';
import { contextPathsOf, manifestsInstalled, type ContainerCopy } from './installs.js';
import { known, type DeploymentModel, type DeployValue, type DockerStage, type LambdaDescriptor, type NginxDirective, type ServerInvocation, type ServiceEnvironment, type SourceLocation } from './model.js';
import { lambdaDescriptors } from './lambda-descriptors.js';
import { looksLikeNginx, parseNginx } from './nginx.js';
import { parseCommand } from './options.js';
import { LineIndex } from './text.js';

export interface DeploymentSource {
  path: string;
  kind: DeploymentFileKind;
  text: string;
}

const MAX_INCLUDE_DEPTH = 16;

/** `root`: the project root, which folder names (`k8s/`, `deploy/`) are read below; by default the files' common directory. */
export function readDeployment(files: readonly DeploymentSource[], root = commonDirectory(files.map((f) => f.path))): { model: DeploymentModel; notices: Notice[] } {
  const model: DeploymentModel = { invocations: [], dockerStages: [], services: [], nginx: [], dependencies: [], lambdaDescriptors: [], chaliceApps: [] };
  const notices: Notice[] = [];
  const nginxFiles = new Map<string, NginxDirective[]>();
  const dockerfileInvocations = new Map<string, ServerInvocation[]>();
  const dockerfileStage = new Map<string, DockerStage & { workingDirectory?: string }>();
  const dockerfileInstalls = new Map<string, DockerfileInstall[]>();
  const composeServices: (ServiceEnvironment & { hasCommand: boolean; buildContext?: string })[] = [];
  const composeInstalls: { manifest: string; location: SourceLocation }[] = [];
  const manifestTables = new Map<string, Record<string, string>>();
  const chartRoots = new Set(files.filter((f) => /^chart\.ya?ml$/i.test(path.basename(f.path))).map((f) => path.dirname(f.path)));
  for (const file of files) {
    try {
      switch (file.kind) {
        case 'dockerfile': {
          const { invocations, stages, installs } = readDockerfile(file);
          dockerfileInstalls.set(file.path, installs);
          model.invocations.push(...invocations);
          model.dockerStages.push(...stages);
          dockerfileInvocations.set(file.path, invocations);
          const final = stages.find((s) => s.isFinal);
          if (final) dockerfileStage.set(file.path, final);
          break;
        }
        case 'json-settings': {
          if (path.basename(file.path) === 'config.json' && path.basename(path.dirname(file.path)) === '.chalice') {
            model.chaliceApps.push(path.dirname(path.dirname(file.path)));
            break;
          }
          let doc: unknown;
          try {
            doc = JSON.parse(file.text);
          } catch (error) {
            notices.push({ kind: 'unparsable', path: file.path, message: `JSON: ${(error as Error).message}; not read` });
            break;
          }
          model.lambdaDescriptors.push(...lambdaDescriptors(doc, file.path, file.text));
          break;
        }
        case 'compose':
        case 'yaml': {
          // Helm chart templates are Go templates: YAML only once Helm renders them.
          if (isChartTemplate(file.path, chartRoots)) break;
          const out = readYaml(file, notices, namedAsDeployment(file, root, chartRoots));
          model.lambdaDescriptors.push(...out.lambdas);
          model.invocations.push(...out.invocations);
          composeServices.push(...out.services);
          composeInstalls.push(...out.installs);
          break;
        }
        case 'procfile':
          model.invocations.push(...readProcfile(file));
          break;
        case 'shell':
        case 'makefile':
          model.invocations.push(...readScript(file));
          break;
        case 'ini':
        case 'conf':
        case 'systemd':
          if (file.kind !== 'systemd' && looksLikeNginx(file.text) && !/^\s*\[program:/m.test(file.text)) {
            const parsed = parseNginx(file.path, file.text);
            nginxFiles.set(file.path, parsed.directives);
            if (parsed.problem) notices.push({ kind: 'unparsable', path: file.path, line: parsed.problem.line, message: `nginx configuration: ${parsed.problem.message}; read up to there` });
          } else model.invocations.push(...readUnitFile(file));
          break;
        case 'requirements': {
          const names = requirementNames(file.text);
          model.dependencies.push({ path: file.path, names, installs: names, ranges: {}, installedBy: [] });
          break;
        }
        case 'pyproject':
        case 'pipfile': {
          const { names, installs, tables } = tomlDependencies(file, notices);
          manifestTables.set(file.path, tables);
          model.dependencies.push({ path: file.path, names, installs, ranges: {}, installedBy: [] });
          break;
        }
        case 'setup-cfg': {
          const names = setupCfgNames(file.text);
          model.dependencies.push({ path: file.path, names, installs: names, ranges: {}, installedBy: [] });
          break;
        }
        default:
          break;
      }
    } catch (error) {
      notices.push({ kind: 'unparsable', path: file.path, message: `could not be read as a ${file.kind} file (${(error as Error).message}); skipped` });
    }
  }
  // Compose services that build a Dockerfile give its CMD their environment and working directory.
  for (const service of composeServices) {
    model.services.push({ path: service.path, dockerfile: service.dockerfile, image: service.image, environment: service.environment });
    if (!service.dockerfile) continue;
    if (!service.hasCommand) {
      for (const invocation of dockerfileInvocations.get(service.dockerfile) ?? []) {
        invocation.environment = { ...invocation.environment, ...service.environment };
      }
    }
  }
  for (const invocation of model.invocations) {
    if (invocation.source !== 'compose' || !invocation.image?.startsWith('build:')) continue;
    const stage = dockerfileStage.get(invocation.image.slice('build:'.length));
    if (stage) {
      invocation.environment = { ...stage.environment, ...invocation.environment };
      invocation.workingDirectory ??= stage.workingDirectory;
      invocation.pypy ||= stage.pypy;
      invocation.image = stage.image;
    } else delete invocation.image;
  }
  // The line that names each dependency, for reports that point at it: in TOML, from the header of
  // the table it is installed from; never in a comment.
  const texts = new Map(files.map((f) => [f.path, f.text]));
  for (const d of model.dependencies) {
    const lines = (texts.get(d.path) ?? '').split('\n');
    const tables = manifestTables.get(d.path) ?? {};
    for (const name of d.names) {
      const pattern = new RegExp(`(^|[\\s"'\\[])(${name.replace(/-/g, '[-_.]')})(?![A-Za-z0-9_-])`, 'i');
      const table = tables[name] ? new RegExp(`^\\s*\\[\\s*${tables[name].replace(/\./g, '\\.')}\\s*\\]`) : undefined;
      const from = table ? Math.max(0, lines.findIndex((l) => table.test(l))) : 0;
      for (let i = from; i < lines.length && !d.ranges[name]; i++) {
        const m = pattern.exec(lines[i].replace(/(^|\s)#.*$/, ''));
        if (!m) continue;
        const column = m.index + m[1].length + 1;
        d.ranges[name] = { line: i + 1, column, endLine: i + 1, endColumn: column + m[2].length };
      }
    }
  }
  // Who else installs each manifest: Dockerfiles (paths relative to the build contexts they are
  // built from: their own directory, compose `build.context`, else the nearest folder above where
  // the file exists, as `docker build -f docker/Dockerfile .` does) and compose services' commands.
  const installers = new Map<string, Map<string, SourceLocation>>();
  const installedBy = (manifest: string, location: SourceLocation): void => {
    const at = installers.get(manifest) ?? new Map<string, SourceLocation>();
    at.set(`${location.path}:${location.range.line}`, location);
    installers.set(manifest, at);
  };
  const manifests = new Set(model.dependencies.map((d) => d.path));
  for (const [dockerfile, installs] of dockerfileInstalls) {
    const contexts = [path.dirname(dockerfile), ...composeServices.filter((s) => s.dockerfile === dockerfile && s.buildContext).map((s) => s.buildContext!)];
    for (const install of installs) {
      const within = (context: string): string[] => install.candidates.map((c) => path.resolve(context, c)).filter((m) => manifests.has(m));
      let found = contexts.flatMap(within);
      for (let dir = path.dirname(contexts[0]); found.length === 0 && dir !== path.dirname(dir) && !path.relative(root, dir).startsWith('..'); dir = path.dirname(dir)) found = within(dir);
      for (const manifest of found) installedBy(manifest, install.location);
    }
  }
  for (const install of composeInstalls) installedBy(install.manifest, install.location);
  for (const d of model.dependencies) d.installedBy = [...(installers.get(d.path)?.values() ?? [])];
  model.nginx = expandNginx(nginxFiles, notices);
  return { model, notices };
}

// ---------------------------------------------------------------------------------------------
// Invocations from words

function invocationsFrom(
  words: readonly Word[],
  context: CommandContext,
  where: { path: string; lines: LineIndex; from: number; to: number; source: string; projectDirectory?: string; image?: string; pypy?: boolean },
): { invocations: ServerInvocation[]; context: CommandContext } {
  const scanned = scanWords(words, context);
  let cursor = where.from;
  const invocations = scanned.commands.map((command) => {
    const range = where.lines.find(command.programWord, cursor, where.to);
    const at = where.lines.text.indexOf(command.programWord, cursor);
    if (at >= 0 && at < where.to) cursor = at + command.programWord.length;
    return toInvocation(command, { path: where.path, range }, where);
  });
  return { invocations, context: scanned.context };
}

function toInvocation(command: ServerCommand, location: ServerInvocation['location'], where: { source: string; projectDirectory?: string; image?: string; pypy?: boolean }): ServerInvocation {
  const parsed = parseCommand(command);
  const invocation: ServerInvocation = {
    program: command.program,
    options: parsed.options,
    positionals: parsed.positionals,
    location,
    source: where.source,
    environment: command.environment,
    pypy: command.pypy || (where.pypy ?? false),
  };
  if (parsed.subcommand) invocation.subcommand = parsed.subcommand;
  if (command.workingDirectory) invocation.workingDirectory = command.workingDirectory;
  if (where.projectDirectory) invocation.projectDirectory = where.projectDirectory;
  if (where.image) invocation.image = where.image;
  return invocation;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

/** A RUN that installs a dependency manifest: the build-context paths the installed file may come from. */
interface DockerfileInstall {
  candidates: string[];
  location: SourceLocation;
}

/** Base images (and runtime interface clients) of Lambda container images: their installs are the function's own. */
const LAMBDA_IMAGE = /(^|\/)lambda\/python|aws-lambda-python|lambda-python|sam\/build-python/i;

function flagsOf(instruction: Instruction): { name: string; value: string }[] {
  const flags = (instruction as unknown as { getFlags?(): { getName(): string; getValue(): string | null }[] }).getFlags?.() ?? [];
  return flags.map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() ?? '' }));
}

/** Exec-form (`["a", "b"]`) or shell-form words of an instruction's arguments. */
function argumentWords(instruction: Instruction): string[] {
  const raw = (instruction.getRawArgumentsContent() ?? '').trim();
  if (raw.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed;
    } catch {
      // not JSON: shell form
    }
  }
  return instruction.getArguments().map((a) => a.getValue());
}

function readDockerfile(file: DeploymentSource): { invocations: ServerInvocation[]; stages: (DockerStage & { workingDirectory?: string })[]; installs: DockerfileInstall[] } {
  const lines = new LineIndex(file.text);
  const dockerfile = DockerfileParser.parse(file.text);
  interface Stage {
    stage: DockerStage & { workingDirectory?: string };
    cmd?: Instruction;
    entrypoint?: Instruction;
    installsPypy?: boolean;
    /** COPY/ADD from the build context so far (inherited by a stage built FROM this one). */
    copies: ContainerCopy[];
  }
  const installs: DockerfileInstall[] = [];
  const stages: Stage[] = [];
  const byName = new Map<string, Stage>();
  let current: Stage | undefined;
  const offsetOf = (p: { line: number; character: number }): number => lines.offset(p.line + 1, p.character + 1);
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    const range = instruction.getRange();
    const start = offsetOf(range.start);
    const end = offsetOf(range.end);
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      const image = args.find((a) => !a.startsWith('--')) ?? '';
      const asIndex = args.findIndex((a) => a.toLowerCase() === 'as');
      const name = asIndex >= 0 ? args[asIndex + 1] : undefined;
      const parent = byName.get(image.toLowerCase());
      const stage: Stage = {
        stage: {
          path: file.path,
          image: parent ? parent.stage.image : image,
          location: { path: file.path, range: lines.range(start, end) },
          environment: parent ? { ...parent.stage.environment } : {},
          pypy: parent ? parent.stage.pypy : /(^|\/)pypy(:|$)/i.test(image),
          isFinal: false,
          workingDirectory: parent?.stage.workingDirectory,
        },
        cmd: parent?.cmd,
        entrypoint: parent?.entrypoint,
        installsPypy: parent?.installsPypy,
        copies: parent ? [...parent.copies] : [],
      };
      if (name) {
        stage.stage.name = name;
        byName.set(name.toLowerCase(), stage);
      }
      stages.push(stage);
      current = stage;
      continue;
    }
    if (!current) continue;
    const raw = instruction.getRawArgumentsContent() ?? '';
    switch (keyword) {
      case 'ENV':
        for (const p of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
          current.stage.environment[p.getName()] = expandEnv(p.getValue() ?? '', current.stage.environment);
        }
        break;
      case 'WORKDIR': {
        const dir = raw.trim();
        current.stage.workingDirectory = current.stage.workingDirectory && !dir.startsWith('/') ? path.posix.join(current.stage.workingDirectory, dir) : dir;
        break;
      }
      case 'RUN': {
        if (/\bpypy3?\b/.test(raw) && /\b(apt-get|apt|apk|yum|dnf|conda|mamba|micromamba)\b[^\n]*\binstall\b/.test(raw)) current.installsPypy = true;
        const workingDirectory = path.posix.resolve('/', current.stage.workingDirectory ?? '/');
        // `--mount=type=bind,source=pyproject.toml,target=pyproject.toml`: the build context, for this RUN only.
        const mounts: ContainerCopy[] = [];
        for (const flag of flagsOf(instruction)) {
          if (flag.name !== 'mount') continue;
          const options: Record<string, string> = {};
          for (const option of flag.value.split(',')) {
            const eq = option.indexOf('=');
            options[eq < 0 ? option : option.slice(0, eq)] = eq < 0 ? 'true' : option.slice(eq + 1);
          }
          const target = options.target ?? options.dst ?? options.destination;
          if ((options.type ?? 'bind') !== 'bind' || options.from || !target) continue;
          mounts.push({ sources: [options.source ?? options.src ?? '.'], destination: path.posix.resolve(workingDirectory, target) });
        }
        for (const installed of manifestsInstalled(raw.startsWith('[') ? argumentWords(instruction) : raw, workingDirectory)) {
          const candidates = contextPathsOf(installed, [...mounts, ...current.copies]);
          if (candidates.length > 0) installs.push({ candidates, location: { path: file.path, range: lines.range(start, end) } });
        }
        break;
      }
      case 'COPY':
      case 'ADD': {
        if (flagsOf(instruction).some((f) => f.name === 'from')) break; // from another stage or image
        const words = argumentWords(instruction);
        const destination = words.length >= 2 ? expandEnv(words[words.length - 1], current.stage.environment) : undefined;
        if (destination?.known) current.copies.push({ sources: words.slice(0, -1), destination: path.posix.resolve('/', current.stage.workingDirectory ?? '/', destination.value) });
        break;
      }
      case 'CMD':
        current.cmd = instruction;
        break;
      case 'ENTRYPOINT':
        current.entrypoint = instruction;
        current.cmd = undefined; // ENTRYPOINT resets an inherited CMD
        break;
      default:
        break;
    }
  }
  if (stages.length > 0) stages[stages.length - 1].stage.isFinal = true;
  const final = stages[stages.length - 1];
  if (final) {
    final.stage.command = `${final.entrypoint?.getRawArgumentsContent() ?? ''} ${final.cmd?.getRawArgumentsContent() ?? ''}`.trim();
    // Installs PyPy and runs it.
    if (final.installsPypy && /\bpypy3?\b/.test(final.stage.command)) final.stage.pypy = true;
  }
  const invocations: ServerInvocation[] = [];
  if (final) {
    const context: CommandContext = { environment: final.stage.environment, workingDirectory: final.stage.workingDirectory };
    const where = { path: file.path, lines, source: 'dockerfile', projectDirectory: path.dirname(file.path), image: final.stage.image, pypy: final.stage.pypy };
    const wordsOf = (i: Instruction): { words: Word[]; exec: boolean } => {
      const json = (i as unknown as { getJSONStrings?(): { getJSONValue(): string }[] }).getJSONStrings?.() ?? [];
      if (json.length > 0 && (i.getRawArgumentsContent() ?? '').trim().startsWith('[')) return { words: json.map((s) => s.getJSONValue()), exec: true };
      return { words: shellWords(i.getRawArgumentsContent() ?? ''), exec: false };
    };
    const spans = (i: Instruction): { from: number; to: number } => ({ from: offsetOf(i.getRange().start), to: offsetOf(i.getRange().end) });
    if (final.entrypoint) {
      const entry = wordsOf(final.entrypoint);
      const cmd = final.cmd && entry.exec ? wordsOf(final.cmd) : undefined;
      const entryFound = invocationsFrom(entry.words, context, { ...where, ...spans(final.entrypoint) });
      if (entryFound.invocations.length > 0) {
        // `ENTRYPOINT ["gunicorn"]` + `CMD ["app:app"]`: the CMD words are arguments.
        if (cmd && cmd.exec) {
          const combined = invocationsFrom([...entry.words, ...cmd.words], context, { ...where, ...spans(final.entrypoint) });
          invocations.push(...combined.invocations);
        } else invocations.push(...entryFound.invocations);
      } else if (cmd) {
        // An entrypoint script that ends in `exec "$@"` runs the CMD.
        invocations.push(...invocationsFrom(cmd.words, context, { ...where, ...spans(final.cmd!) }).invocations);
      }
    } else if (final.cmd) {
      invocations.push(...invocationsFrom(wordsOf(final.cmd).words, context, { ...where, ...spans(final.cmd) }).invocations);
    }
  }
  const lambdaImage = final !== undefined && (LAMBDA_IMAGE.test(final.stage.image) || /\bawslambdaric\b/.test(final.stage.command ?? ''));
  return { invocations, stages: stages.map((s) => s.stage), installs: lambdaImage ? [] : installs };
}

/** `$VAR` / `${VAR}` in an ENV value, from the stage's earlier ENV; unknown when not set there. */
function expandEnv(value: string, environment: Record<string, DeployValue>): DeployValue {
  let unknown = false;
  const expanded = value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}?/g, (_, name: string, fallback?: string) => {
    const v = environment[name];
    if (v?.known) return v.value;
    if (fallback !== undefined && !v) return fallback;
    unknown = true;
    return `\${${name}}`;
  });
  return unknown ? { known: false, text: expanded } : { known: true, value: expanded };
}

// ---------------------------------------------------------------------------------------------
// YAML: compose files and Kubernetes manifests

/** A file under the `templates/` folder of a Helm chart (a directory with a `Chart.yaml`). */
function isChartTemplate(file: string, chartRoots: ReadonlySet<string>): boolean {
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
function namedAsDeployment(file: DeploymentSource, root: string, chartRoots: ReadonlySet<string>): boolean {
  if (file.kind === 'compose' || DEPLOYMENT_YAML_NAME.test(path.basename(file.path)) || chartRoots.has(path.dirname(file.path))) return true;
  const folders = path.relative(root, path.dirname(file.path)).split(path.sep);
  return !folders.includes('..') && folders.some((folder) => DEPLOYMENT_FOLDERS.has(folder.toLowerCase()));
}

function commonDirectory(files: readonly string[]): string {
  if (files.length === 0) return path.sep;
  let common = path.dirname(files[0]);
  for (const file of files) while (path.relative(common, file).startsWith('..')) common = path.dirname(common);
  return common;
}

function readYaml(
  file: DeploymentSource,
  notices: Notice[],
  reportUnparsable: boolean,
): { invocations: ServerInvocation[]; services: (ServiceEnvironment & { hasCommand: boolean; buildContext?: string })[]; lambdas: LambdaDescriptor[]; installs: { manifest: string; location: SourceLocation }[] } {
  const lambdas: LambdaDescriptor[] = [];
  const lineCounter = new LineCounter();
  const lines = new LineIndex(file.text);
  const invocations: ServerInvocation[] = [];
  const services: (ServiceEnvironment & { hasCommand: boolean; buildContext?: string })[] = [];
  const installs: { manifest: string; location: SourceLocation }[] = [];
  const parsed = parseAllDocuments(file.text, { lineCounter, strict: false, uniqueKeys: false, prettyErrors: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      // A template (Helm outside `templates/`, Jinja, cookiecutter) is not broken YAML: `{{- if ... }}` or
      // `{% ... %}` as a line, `key: {{ .Values.x }}` unquoted (CloudFormation's quoted '{{resolve:...}}' is YAML).
      if (reportUnparsable && !/^\s*(-\s+)?\{[{%]|:\s+\{[{%]/m.test(file.text)) notices.push({ kind: 'unparsable', path: file.path, line: error.linePos?.[0]?.line, message: `YAML: ${error.message.split('\n')[0]}; this document was skipped` });
      continue;
    }
    const top = doc.contents;
    if (!isMap(top)) continue;
    // SAM / CloudFormation templates and serverless.yml: read as data (aliases bounded).
    if (top.has('Resources') || (top.has('functions') && (top.has('service') || top.has('provider')))) {
      try {
        lambdas.push(...lambdaDescriptors(doc.toJS({ maxAliasCount: 1000 }), file.path, file.text));
      } catch (error) {
        notices.push({ kind: 'unparsable', path: file.path, message: `YAML: ${(error as Error).message.split('\n')[0]}; not read` });
      }
      continue;
    }
    const servicesNode = top.get('services', true) as YamlNode | undefined;
    if (file.kind === 'compose' || (isMap(servicesNode) && servicesNode.items.some((i) => isMap(i.value) && (i.value.has('image') || i.value.has('build'))))) {
      if (!isMap(servicesNode)) continue;
      for (const item of servicesNode.items) {
        const service = item.value;
        if (!isMap(service)) continue;
        const environment = yamlEnvironment(service.get('environment', true) as YamlNode | undefined);
        const build = service.get('build', true) as YamlNode | undefined;
        let dockerfile: string | undefined;
        let buildContext: string | undefined;
        if (isScalar(build) || isMap(build)) {
          const context = isScalar(build) ? String(build.value) : String((build.get('context') as string | undefined) ?? '.');
          const name = isMap(build) ? String((build.get('dockerfile') as string | undefined) ?? 'Dockerfile') : 'Dockerfile';
          dockerfile = path.resolve(path.dirname(file.path), context, name);
          buildContext = path.resolve(path.dirname(file.path), context);
        }
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
          invocations.push(...found.invocations);
          // `pip install -r requirements.txt && ...` on a project folder mounted as a volume.
          for (const installed of manifestsInstalled(words, workingDir ? String(workingDir) : '/')) {
            for (const manifest of volumeSources(installed, service.get('volumes', true) as YamlNode | undefined, path.dirname(file.path))) {
              installs.push({ manifest, location: { path: file.path, range: lines.range(spanNode.range[0], (command ?? entrypoint)!.range![1]) } });
            }
          }
        }
        services.push({ path: file.path, dockerfile, buildContext, image: image !== undefined ? String(image) : undefined, environment, hasCommand: words.length > 0 });
      }
      continue;
    }
    // Kubernetes: every `containers` / `initContainers` list anywhere in the manifest.
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
  }
  return { invocations, services, lambdas, installs };
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

/** A command written as a YAML string (split like a shell line) or a list of words. */
function yamlWords(node: YamlNode | undefined): Word[] {
  if (!node) return [];
  if (isScalar(node)) return node.value === null ? [] : shellWords(String(node.value));
  if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? String(i.value) : '${?}'));
  return [];
}

/** `environment:` as a map or a `K=V` list; Kubernetes `env:` as `- name: K / value: V`. */
function yamlEnvironment(node: YamlNode | undefined): Record<string, DeployValue> {
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

// ---------------------------------------------------------------------------------------------
// Line-oriented files

function readProcfile(file: DeploymentSource): ServerInvocation[] {
  const lines = new LineIndex(file.text);
  const out: ServerInvocation[] = [];
  let offset = 0;
  for (const line of file.text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) {
      const from = offset + line.indexOf(m[2]);
      out.push(...invocationsFrom(shellWords(m[2]), { environment: {} }, { path: file.path, lines, from, to: offset + line.length, source: 'procfile' }).invocations);
    }
    offset += line.length + 1;
  }
  return out;
}

/** Shell scripts (context carried from line to line) and Makefile recipes (each line its own shell). */
function readScript(file: DeploymentSource): ServerInvocation[] {
  const lines = new LineIndex(file.text);
  const out: ServerInvocation[] = [];
  const makefile = file.kind === 'makefile';
  let context: CommandContext = { environment: {} };
  const physical = file.text.split('\n');
  let offset = 0;
  for (let i = 0; i < physical.length; i++) {
    const start = offset;
    let logical = physical[i];
    offset += physical[i].length + 1;
    while (/\\\r?$/.test(logical) && i + 1 < physical.length) {
      logical = logical.replace(/\\\r?$/, ' ') + physical[++i];
      offset += physical[i].length + 1;
    }
    if (makefile) {
      if (!logical.startsWith('\t')) continue;
      logical = logical.replace(/^\t[@+-]*/, '');
      context = { environment: {} };
    }
    if (/^\s*(#|$)/.test(logical)) continue;
    const found = invocationsFrom(shellWords(logical), context, { path: file.path, lines, from: start, to: offset, source: file.kind });
    out.push(...found.invocations);
    if (!makefile) context = found.context;
  }
  return out;
}

/** supervisord `[program:x]` sections and systemd units. */
function readUnitFile(file: DeploymentSource): ServerInvocation[] {
  const lines = new LineIndex(file.text);
  const out: ServerInvocation[] = [];
  interface Section { command?: { text: string; from: number; to: number }; directory?: string; environment: Record<string, DeployValue> }
  const sections: Section[] = [];
  let section: Section = { environment: {} };
  sections.push(section);
  let offset = 0;
  for (const line of file.text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    if (/^\s*\[/.test(line)) {
      section = { environment: {} };
      sections.push(section);
      continue;
    }
    const m = /^\s*([A-Za-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2];
    if (key === 'command' || key === 'execstart') {
      const text = key === 'execstart' ? value.replace(/^[-@:+!]+/, '') : value;
      section.command = { text, from: start + line.indexOf(value), to: start + line.length };
    } else if (key === 'directory' || key === 'workingdirectory') section.directory = value;
    else if (key === 'environment') {
      for (const w of shellWords(value.replace(/,(?=\s*[A-Za-z_][A-Za-z0-9_]*=)/g, ' '))) {
        if (typeof w !== 'string') continue;
        const eq = w.indexOf('=');
        if (eq > 0) section.environment[w.slice(0, eq)] = known(w.slice(eq + 1).replace(/^["']|["']$/g, ''));
      }
    }
  }
  for (const s of sections) {
    if (!s.command) continue;
    // supervisord expands %(ENV_X)s; systemd ${X}: both unknown statically.
    const text = s.command.text.replace(/%\(([^)]+)\)s/g, '${$1}');
    out.push(...invocationsFrom(shellWords(text), { environment: s.environment, workingDirectory: s.directory }, { path: file.path, lines, from: s.command.from, to: s.command.to, source: file.kind === 'systemd' ? 'systemd' : 'supervisord' }).invocations);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dependency manifests

/** PEP 503 normalised project names. */
export function normaliseProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function requirementName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? normaliseProjectName(m[1]) : undefined;
}

export function requirementNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.replace(/(^|\s)#.*$/, '').trim();
    if (!t || t.startsWith('-')) continue;
    const n = requirementName(t);
    if (n) names.push(n);
  }
  return names;
}

/**
 * pyproject.toml and Pipfile: every dependency named, those an install of the project installs
 * (`[project].dependencies`, Poetry's non-optional main dependencies, Pipfile `[packages]`), and the
 * table each of those is listed in.
 */
function tomlDependencies(file: DeploymentSource, notices: Notice[]): { names: string[]; installs: string[]; tables: Record<string, string> } {
  const names: string[] = [];
  const installs: string[] = [];
  const tables: Record<string, string> = {};
  let data: Record<string, unknown>;
  try {
    data = parseToml(file.text) as Record<string, unknown>;
  } catch (error) {
    notices.push({ kind: 'unparsable', path: file.path, message: `TOML: ${(error as Error).message.split('\n')[0]}; dependencies not read` });
    return { names, installs, tables };
  }
  const found = (name: string, installedFrom?: string): void => {
    names.push(name);
    if (installedFrom === undefined) return;
    installs.push(name);
    tables[name] ??= installedFrom;
  };
  const add = (spec: unknown, installedFrom?: string): void => {
    const n = typeof spec === 'string' ? requirementName(spec) : undefined;
    if (n) found(n, installedFrom);
  };
  const keys = (table: unknown, installedFrom: string): void => {
    if (!table || typeof table !== 'object' || Array.isArray(table)) return;
    for (const [k, v] of Object.entries(table)) {
      const optional = typeof v === 'object' && v !== null && (v as Record<string, unknown>).optional === true;
      if (k.toLowerCase() !== 'python') found(normaliseProjectName(k), optional ? undefined : installedFrom);
    }
  };
  const project = data.project as Record<string, unknown> | undefined;
  if (Array.isArray(project?.dependencies)) project.dependencies.forEach((spec) => add(spec, 'project'));
  const optional = project?.['optional-dependencies'];
  if (optional && typeof optional === 'object') for (const list of Object.values(optional)) if (Array.isArray(list)) list.forEach((spec) => add(spec));
  const poetry = (data.tool as Record<string, Record<string, unknown>> | undefined)?.poetry;
  keys(poetry?.dependencies, 'tool.poetry.dependencies');
  keys(data.packages, 'packages'); // Pipfile
  return { names, installs, tables };
}

function setupCfgNames(text: string): string[] {
  const m = /^install_requires\s*=\s*\n((?:[ \t]+.*\n?)*)/m.exec(text);
  return m ? requirementNames(m[1]) : [];
}

// ---------------------------------------------------------------------------------------------
// nginx includes

function expandNginx(files: Map<string, NginxDirective[]>, notices: Notice[]): { path: string; directives: NginxDirective[] }[] {
  const included = new Set<string>();
  const resolveInclude = (pattern: string, from: string, top: string): string[] => {
    const candidates = new Set<string>();
    const bases = [path.dirname(from), path.dirname(top)];
    const rel = pattern.replace(/^\/etc\/nginx\//, '').replace(/^\/usr\/local\/nginx\/conf\//, '');
    for (const base of bases) {
      const target = path.isAbsolute(pattern) && rel === pattern ? pattern : path.resolve(base, rel);
      const regex = new RegExp(`^${target.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      for (const file of files.keys()) if (regex.test(file)) candidates.add(file);
      // Also the last components only: `conf.d/*.conf` against a project's `nginx/conf.d/`.
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
          out.push(...expand(files.get(target)!, target, top, [...stack, target]));
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
