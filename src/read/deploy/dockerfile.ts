/**
 * Dockerfiles: the stages (`FROM image AS name`) with their ENV, WORKDIR and PyPy use, the server
 * the final stage runs (ENTRYPOINT and CMD), and the dependency manifests its RUNs install, as
 * build-context paths (through COPY/ADD and bind mounts).
 */

import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { shellWords, type CommandContext, type Word } from './command.js';
import { contextPathsOf, manifestsInstalled, type ContainerCopy } from './installs.js';
import { invocationsFrom, type CommandSite } from './invocations.js';
import type { DeployCommand, DeployValue, DockerStage, ServerInvocation, SourceLocation } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';

/** A stage as read, with the working directory its instructions leave. */
export type ReadStage = DockerStage & { workingDirectory?: string };

/** A RUN that installs a dependency manifest: the build-context paths the installed file may come from. */
export interface DockerfileInstall {
  candidates: string[];
  location: SourceLocation;
}

/** A stage while the instructions are read. */
interface Stage {
  stage: ReadStage;
  cmd?: Instruction;
  entrypoint?: Instruction;
  installsPypy?: boolean;
  /** COPY/ADD from the build context so far (inherited by a stage built FROM this one). */
  copies: ContainerCopy[];
  /** `COPY --from=...aws-lambda-adapter... /opt/extensions/...`. */
  lambdaWebAdapter?: boolean;
}

/** The file being read: its path, its lines, and the installs found so far. */
interface Reading {
  file: DeploymentSource;
  lines: LineIndex;
  installs: DockerfileInstall[];
}

/** Base images (and runtime interface clients) of Lambda container images: their installs are the function's own. */
const LAMBDA_IMAGE = /(^|\/)lambda\/python|aws-lambda-python|lambda-python|sam\/build-python/i;

/** The AWS Lambda Web Adapter, copied in from its image (`public.ecr.aws/awsguru/aws-lambda-adapter`) or into `/opt/extensions`. */
const LAMBDA_WEB_ADAPTER = /aws-lambda-adapter|lambda-adapter\b/i;

export function readDockerfile(file: DeploymentSource): { invocations: ServerInvocation[]; commands: DeployCommand[]; stages: ReadStage[]; installs: DockerfileInstall[] } {
  const reading: Reading = { file, lines: new LineIndex(file.text), installs: [] };
  const stages = readStages(reading);
  if (stages.length > 0) stages[stages.length - 1].stage.isFinal = true;
  const final = stages[stages.length - 1];
  if (final) {
    final.stage.command = `${final.entrypoint?.getRawArgumentsContent() ?? ''} ${final.cmd?.getRawArgumentsContent() ?? ''}`.trim();
    // Installs PyPy and runs it.
    if (final.installsPypy && /\bpypy3?\b/.test(final.stage.command)) final.stage.pypy = true;
  }
  const { invocations, commands } = final ? finalStageInvocations(reading, final) : { invocations: [], commands: [] };
  const lambdaImage = final !== undefined && (LAMBDA_IMAGE.test(final.stage.image) || /\bawslambdaric\b/.test(final.stage.command ?? ''));
  if (final) {
    final.stage.copies = final.copies;
    if (lambdaImage) final.stage.lambdaImage = true;
    if (final.lambdaWebAdapter) final.stage.lambdaWebAdapter = true;
  }
  return { invocations, commands, stages: stages.map((s) => s.stage), installs: lambdaImage ? [] : reading.installs };
}

/** Every stage, each instruction applied to the stage it is in (none before the first FROM). */
function readStages(reading: Reading): Stage[] {
  const stages: Stage[] = [];
  const byName = new Map<string, Stage>();
  let current: Stage | undefined;
  for (const instruction of DockerfileParser.parse(reading.file.text).getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      current = fromInstruction(reading, instruction, byName);
      stages.push(current);
      continue;
    }
    if (current) applyInstruction(reading, current, keyword, instruction);
  }
  return stages;
}

/** A new stage; built FROM an earlier stage, it starts with what that stage has. */
function fromInstruction(reading: Reading, instruction: Instruction, byName: Map<string, Stage>): Stage {
  const { file, lines } = reading;
  const args = instruction.getArguments().map((a) => a.getValue());
  const image = args.find((a) => !a.startsWith('--')) ?? '';
  const asIndex = args.findIndex((a) => a.toLowerCase() === 'as');
  const name = asIndex >= 0 ? args[asIndex + 1] : undefined;
  const parent = byName.get(image.toLowerCase());
  const { from, to } = spanOf(lines, instruction);
  const stage: Stage = {
    stage: {
      path: file.path,
      image: parent ? parent.stage.image : image,
      location: { path: file.path, range: lines.range(from, to) },
      environment: parent ? { ...parent.stage.environment } : {},
      pypy: parent ? parent.stage.pypy : /(^|\/)pypy(:|$)/i.test(image),
      isFinal: false,
      workingDirectory: parent?.stage.workingDirectory,
    },
    cmd: parent?.cmd,
    entrypoint: parent?.entrypoint,
    installsPypy: parent?.installsPypy,
    copies: parent ? [...parent.copies] : [],
    lambdaWebAdapter: parent?.lambdaWebAdapter,
  };
  if (name) {
    stage.stage.name = name;
    byName.set(name.toLowerCase(), stage);
  }
  return stage;
}

function applyInstruction(reading: Reading, current: Stage, keyword: string, instruction: Instruction): void {
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
    case 'RUN':
      runInstruction(reading, current, instruction, raw);
      break;
    case 'COPY':
    case 'ADD': {
      const from = flagsOf(instruction).find((f) => f.name === 'from');
      if (from && (LAMBDA_WEB_ADAPTER.test(from.value) || /\/opt\/extensions\/lambda-adapter/.test(raw))) current.lambdaWebAdapter = true;
      if (from) break; // from another stage or image
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

/** A RUN: whether it installs PyPy, and the manifests it installs from the build context. */
function runInstruction(reading: Reading, current: Stage, instruction: Instruction, raw: string): void {
  if (/\bpypy3?\b/.test(raw) && /\b(apt-get|apt|apk|yum|dnf|conda|mamba|micromamba)\b[^\n]*\binstall\b/.test(raw)) current.installsPypy = true;
  const workingDirectory = path.posix.resolve('/', current.stage.workingDirectory ?? '/');
  const mounts = bindMounts(instruction, workingDirectory);
  const { from, to } = spanOf(reading.lines, instruction);
  for (const installed of manifestsInstalled(raw.startsWith('[') ? argumentWords(instruction) : raw, workingDirectory)) {
    const candidates = contextPathsOf(installed, [...mounts, ...current.copies]);
    if (candidates.length > 0) reading.installs.push({ candidates, location: { path: reading.file.path, range: reading.lines.range(from, to) } });
  }
}

/** `--mount=type=bind,source=pyproject.toml,target=pyproject.toml`: the build context, for this RUN only. */
function bindMounts(instruction: Instruction, workingDirectory: string): ContainerCopy[] {
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
  return mounts;
}

/** What the final stage runs: its ENTRYPOINT (with the CMD words as arguments in exec form), else its CMD. */
function finalStageInvocations(reading: Reading, final: Stage): { invocations: ServerInvocation[]; commands: DeployCommand[] } {
  const { file, lines } = reading;
  const invocations: ServerInvocation[] = [];
  const commands: DeployCommand[] = [];
  const context: CommandContext = { environment: final.stage.environment, workingDirectory: final.stage.workingDirectory };
  const where = { path: file.path, lines, source: 'dockerfile', projectDirectory: path.dirname(file.path), image: final.stage.image, pypy: final.stage.pypy };
  const site = (i: Instruction): CommandSite => ({ ...where, ...spanOf(lines, i) });
  if (final.entrypoint) {
    const entry = commandWords(final.entrypoint);
    const cmd = final.cmd && entry.exec ? commandWords(final.cmd) : undefined;
    const entryFound = invocationsFrom(entry.words, context, site(final.entrypoint));
    if (entryFound.invocations.length > 0) {
      commands.push(...entryFound.commands);
      // `ENTRYPOINT ["gunicorn"]` + `CMD ["app:app"]`: the CMD words are arguments.
      if (cmd && cmd.exec) {
        const combined = invocationsFrom([...entry.words, ...cmd.words], context, site(final.entrypoint));
        invocations.push(...combined.invocations);
      } else invocations.push(...entryFound.invocations);
    } else if (cmd && final.cmd) {
      // `ENTRYPOINT ["python"]` + `CMD ["main.py"]`: the entrypoint runs with the CMD words as arguments.
      commands.push(...invocationsFrom([...entry.words, ...cmd.words], context, site(final.entrypoint)).commands);
      // An entrypoint script that ends in `exec "$@"` runs the CMD.
      const cmdFound = invocationsFrom(cmd.words, context, site(final.cmd));
      invocations.push(...cmdFound.invocations);
      commands.push(...cmdFound.commands);
    } else commands.push(...entryFound.commands);
  } else if (final.cmd) {
    const cmdFound = invocationsFrom(commandWords(final.cmd).words, context, site(final.cmd));
    invocations.push(...cmdFound.invocations);
    commands.push(...cmdFound.commands);
  }
  return { invocations, commands };
}

/** The words of a CMD or ENTRYPOINT, and whether it is in exec form. */
function commandWords(i: Instruction): { words: Word[]; exec: boolean } {
  const json = (i as unknown as { getJSONStrings?(): { getJSONValue(): string }[] }).getJSONStrings?.() ?? [];
  if (json.length > 0 && (i.getRawArgumentsContent() ?? '').trim().startsWith('[')) return { words: json.map((s) => s.getJSONValue()), exec: true };
  return { words: shellWords(i.getRawArgumentsContent() ?? ''), exec: false };
}

/** The offsets an instruction spans in the text. */
function spanOf(lines: LineIndex, instruction: Instruction): { from: number; to: number } {
  const range = instruction.getRange();
  return { from: lines.offset(range.start.line + 1, range.start.character + 1), to: lines.offset(range.end.line + 1, range.end.character + 1) };
}

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
