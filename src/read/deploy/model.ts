/**
 * What deployment files say about how the code is served: server invocations, container images,
 * nginx configuration. Plain data, read once by the engine (rules never read files) and handed to
 * the project-level rules through `Project.deployment`.
 */

import type { SourceRange } from '../../core/diagnostics.js';

/** A Dockerfile COPY/ADD (or a RUN bind mount): sources relative to the build context, copied to `destination` (absolute). */
export interface ContainerCopy {
  sources: string[];
  destination: string;
}

/** Where something was written: a file and a range in it. */
export interface SourceLocation {
  path: string;
  range: SourceRange;
}

/** A value from a deployment file: a literal, or `unknown` when it depends on the runtime (`${PORT}`, `$(nproc)`). */
export type DeployValue = { known: true; value: string } | { known: false; text: string };

export type ServerProgram = 'gunicorn' | 'uvicorn' | 'fastapi';

/**
 * One command that starts an application server, found in a Dockerfile, compose file, Procfile,
 * shell script, Makefile, Kubernetes manifest, supervisord or systemd unit, or in Python
 * (`uvicorn.run(...)`).
 */
export interface ServerInvocation {
  program: ServerProgram;
  /** `fastapi run` / `fastapi dev`; undefined for the other programs. */
  subcommand?: string;
  /** Options in the order written, long names without dashes (`worker-class`), values as written. */
  options: InvocationOption[];
  /** Positional arguments (the app target for gunicorn and uvicorn, a path for fastapi). */
  positionals: string[];
  /** Where the invocation is written (the program word, or the whole instruction). */
  location: SourceLocation;
  /** The kind of file it came from (dockerfile, compose, procfile, python...). */
  source: string;
  /** Working directory when known (Dockerfile WORKDIR, compose working_dir, `cd dir &&`), absolute. */
  workingDirectory?: string;
  /**
   * The directory the working directory maps to in the project (the Docker build context for a
   * container path), when known; the project root is used otherwise.
   */
  projectDirectory?: string;
  /** Environment known at the invocation (Dockerfile ENV, compose environment, `X=1 cmd`, export). */
  environment: Record<string, DeployValue>;
  /** Runs under PyPy (`pypy3 -m gunicorn`). */
  pypy: boolean;
  /** The base image of the Dockerfile stage that runs it, when it comes from a Dockerfile. */
  image?: string;
  /** Started in the background (`uvicorn ... &`) by a script that goes on to start something else. */
  background?: boolean;
  /**
   * Where options can be added to the command, right after the program word, and how they are
   * written there: `shell` (` --opt value`), `json` (an exec-form list: `, "--opt", "value"`), or
   * `yaml-list` (a YAML block list: a `- --opt` line per word, at `indent`). Absent when the text
   * around the program word is none of these.
   */
  optionsAt?: { line: number; column: number; style: 'shell' | 'json' | 'yaml-list'; indent?: string };
}

/**
 * Any other command a deployment file runs (not a server): `python -m app.worker`, `python main.py`,
 * `./start.sh`, `bash /entrypoint.sh`, `myapp serve`. The model follows these into the project: a
 * script they run, a module they run as `__main__`, a console script they name.
 */
export interface DeployCommand {
  /** The words from the program on, wrappers removed (`python3`, `-m`, `model_server`). */
  words: string[];
  location: SourceLocation;
  /** The kind of file it came from, as for invocations. */
  source: string;
  workingDirectory?: string;
  projectDirectory?: string;
  environment: Record<string, DeployValue>;
  background?: boolean;
}

/**
 * Something in front of the application that keeps connections to it open and reuses them: a
 * reverse proxy (nginx, Traefik, Envoy, HAProxy, Caddy), a Kubernetes Ingress or LoadBalancer
 * Service, a cloud load balancer (ALB/ELB in CloudFormation or Terraform), or a platform whose
 * router does (Cloud Run, App Runner, Heroku, Render).
 */
export interface FrontEvidence {
  /** As a message names it: `nginx`, `a Kubernetes Ingress`, `an AWS load balancer`, `Heroku's router`. */
  what: string;
  location: SourceLocation;
  /**
   * The deployment files whose servers it is in front of, when that is known (a compose file's
   * services and the Dockerfiles they build; `path#line` for one line, a Procfile's `web` process);
   * otherwise every server of the project (an nginx configuration, an Ingress, a load balancer).
   */
  fronts?: string[];
  /** Whether it keeps connections to the app and reuses them; undefined when that is not known (assumed). */
  pools?: boolean;
  /** Project paths (files or folders) of its configuration, when known (a compose service's bind-mounted volumes). */
  configuration?: string[];
}

export interface InvocationOption {
  /** Canonical long name without dashes: `worker-class`, `keep-alive`, `timeout-keep-alive`. */
  name: string;
  /** The value, or true for a flag. */
  value: DeployValue | true;
  /** As written (`-k`, `--worker-class=...`). */
  text: string;
}

/** One stage of a Dockerfile (`FROM image AS name`). */
export interface DockerStage {
  path: string;
  image: string;
  name?: string;
  location: SourceLocation;
  /** ENV of this stage, including what it inherits from an earlier stage it is built FROM. */
  environment: Record<string, DeployValue>;
  /** Runs PyPy: `pypy` base image, or installs and runs `pypy3`. */
  pypy: boolean;
  isFinal: boolean;
  /** The text of the ENTRYPOINT and CMD the stage runs (final stage only). */
  command?: string;
  /** Files copied from the build context so far (final stage: every copy the image has). */
  copies?: ContainerCopy[];
  /** Copies in the AWS Lambda Web Adapter (`/opt/extensions/lambda-adapter`). */
  lambdaWebAdapter?: boolean;
  /** Built FROM an AWS Lambda base image, or runs the Lambda runtime interface client. */
  lambdaImage?: boolean;
}

/** An nginx directive with its arguments, position and children (for blocks). */
export interface NginxDirective {
  name: string;
  args: string[];
  location: SourceLocation;
  block?: NginxDirective[];
  /** The whitespace before it, when it starts its line (for fixes that add a directive beside it). */
  indent?: string;
  /** Where its `;` ends, or where the `}` of its block ends (line and column of the character after it). */
  end?: { line: number; column: number };
}

/** A compose service or Kubernetes container: the environment a deployment gives an image. */
export interface ServiceEnvironment {
  path: string;
  /** The Dockerfile the service builds (absolute), when it builds one. */
  dockerfile?: string;
  /** The build context (absolute), when it builds one. */
  buildContext?: string;
  image?: string;
  environment: Record<string, DeployValue>;
  /** The compose service's name. */
  name?: string;
}

/**
 * A Lambda function named by a deployment descriptor: SAM/CloudFormation, Serverless Framework,
 * Zappa (the CDK and Chalice are read from Python, see lambda.ts).
 */
export interface LambdaDescriptor {
  /** As written: `app.lambda_handler`, `src/handler.main`. */
  handler: string;
  /** The function's code directory (absolute): `CodeUri`, the Serverless service or `module`. */
  codeDirectory: string;
  /** Where the handler is named. */
  location: SourceLocation;
  source: 'sam' | 'cloudformation' | 'serverless' | 'zappa';
  /** Logical id or function name. */
  name?: string;
  /** Only the module is Lambda code (Zappa's `app_function`: a WSGI app behind Zappa's handler). */
  moduleOnly?: boolean;
}

/** A dependency manifest; names are PEP 503 normalised (`aws-xray-sdk`). */
export interface DependencyManifest {
  path: string;
  /** Every dependency it names, in any group (extras and development groups included). */
  names: string[];
  /**
   * What installing it installs: every requirement line, `[project].dependencies` and Poetry's
   * main dependencies (not optional ones), Pipfile `[packages]`, `install_requires`.
   */
  installs: string[];
  /** The line naming each dependency (in the table it is installed from, for TOML). */
  ranges: Record<string, SourceRange>;
  /** Dockerfiles (not Lambda images) and compose services that install this manifest. */
  installedBy: SourceLocation[];
  /** Console scripts it declares (`[project.scripts]`, Poetry scripts, setup.cfg `console_scripts`): name → `module:function` and its line. */
  scripts?: Record<string, { target: string; line: number }>;
}

export interface DeploymentModel {
  invocations: ServerInvocation[];
  /** The other commands deployment files run (scripts, `python -m ...`, console scripts). */
  commands: DeployCommand[];
  /** What the deployment files show in front of the application (proxies, load balancers, platforms). */
  fronts: FrontEvidence[];
  dockerStages: DockerStage[];
  services: ServiceEnvironment[];
  /** Top-level nginx configuration files (not included by another), with includes expanded in place. */
  nginx: { path: string; directives: NginxDirective[] }[];
  /** Dependency manifests (requirements*.txt, pyproject.toml, Pipfile, setup.cfg). */
  dependencies: DependencyManifest[];
  lambdaDescriptors: LambdaDescriptor[];
  /** Directories holding a `.chalice/config.json` (Chalice apps). */
  chaliceApps: string[];
}

export function known(value: string): DeployValue {
  return /\$/.test(value) ? { known: false, text: value } : { known: true, value };
}

export function valueText(v: DeployValue | true): string {
  return v === true ? 'true' : v.known ? v.value : v.text;
}
