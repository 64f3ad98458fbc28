/**
 * Stage 4, the model: the deployment files read into the deployment model, and the project built
 * from every module's facts. Rules see the model, never the files.
 */

import type { Notice } from '../../core/diagnostics.js';
import { displayPath } from '../../core/paths.js';
import type { DeploymentModel } from '../../read/deploy/model.js';
import type { DeploymentSource } from '../../read/deploy/read.js';
import { deploymentFileKind } from '../../read/discover.js';
import type { ModuleFacts, SuppressionFact } from '../../read/python/facts.js';
import { commentSuppressions } from '../../read/suppression-comments.js';
import { Project } from '../../model/project.js';
import type { RunSettings } from '../settings.js';
import type { Discovered } from './discover.js';

export interface DeploymentRead {
  readonly model: DeploymentModel;
  /** What reading the target deployment files had to say. */
  readonly notices: readonly Notice[];
  /** The suppression comments of each deployment file that has some. */
  readonly suppressions: ReadonlyMap<string, SuppressionFact[]>;
}

const NO_DEPLOYMENT: DeploymentModel = { invocations: [], commands: [], fronts: [], dockerStages: [], services: [], nginx: [], dependencies: [], lambdaDescriptors: [], chaliceApps: [] };

export async function readDeploymentModel(sources: readonly DeploymentSource[], root: string, targets: ReadonlySet<string>): Promise<DeploymentRead> {
  const suppressions = new Map<string, SuppressionFact[]>();
  for (const d of sources) {
    const found = commentSuppressions(d.text);
    if (found.length > 0) suppressions.set(d.path, found);
  }
  // The YAML, Dockerfile and shell parsers are loaded only when there are deployment files.
  const deployment = sources.length > 0
    ? (await import('../../read/deploy/read.js')).readDeployment(sources, root)
    : { model: NO_DEPLOYMENT, notices: [] };
  return { model: deployment.model, notices: deployment.notices.filter((n) => targets.has(n.path)), suppressions };
}

/** Lambda function code directories and Chalice apps: import roots of their own (their deployment package's root). */
export function lambdaDirectories(model: DeploymentModel): string[] {
  return [...model.lambdaDescriptors.map((d) => d.codeDirectory), ...model.chaliceApps];
}

export function buildProject(modules: readonly ModuleFacts[], discovered: Discovered, model: DeploymentModel, settings: RunSettings): Project {
  return new Project(
    modules,
    discovered.deploymentFiles.map((file) => ({ path: file, kind: deploymentFileKind(file)! })),
    model,
    settings.root,
    lambdaDirectories(model),
    // Messages name other files as the findings' own paths are printed.
    (file) => displayPath(file, settings.cwd),
    settings.namedDirectories,
  );
}

/** Notices about the targets' code: a syntax error, code nested too deep to analyse. */
export function moduleNotices(modules: readonly ModuleFacts[], targets: ReadonlySet<string>): Notice[] {
  const found: Notice[] = [];
  for (const facts of modules) {
    if (!targets.has(facts.path)) continue;
    if (facts.syntaxErrors.length > 0) {
      const first = facts.syntaxErrors[0];
      found.push({
        kind: 'syntax-error',
        path: facts.path,
        line: first.line,
        message: `syntax error at line ${first.line}, column ${first.column}; the rest of the file was analysed as far as the parser could recover`,
      });
    }
    if (facts.tooDeep) {
      found.push({ kind: 'too-complex', path: facts.path, message: 'code nested more than 400 levels deep (brackets, calls or blocks); the deeper part was not analysed' });
    }
  }
  return found;
}
