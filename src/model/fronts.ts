/**
 * What stands in front of a production launch (model/production.ts): the proxies, load balancers
 * and platforms the deployment files show, CDK constructs of load balancers in the project's
 * Python, and nginx routes to a launch's port — nearest first, what reuses connections before what
 * does not.
 */

import path from 'node:path';
import type { FrontEvidence, NginxDirective } from '../read/deploy/model.js';
import { nginxRoutes, type NginxRoute } from '../read/deploy/nginx.js';
import { optionValue } from '../read/deploy/options.js';
import { pathPurpose, unitOf, within, type ServerLaunch } from './launchers.js';
import type { Project } from './project.js';
import { calleeRangeOf } from '../read/python/facts.js';

/** CDK constructs of load balancers and platforms (the Python CDK: the project's own modules). */
const CDK_FRONTS: [RegExp, string][] = [
  [/^aws_cdk\.aws_ecs_patterns\.ApplicationLoadBalanced\w+$/, 'an AWS Application Load Balancer'],
  [/^aws_cdk\.aws_elasticloadbalancingv2\.ApplicationLoadBalancer$/, 'an AWS Application Load Balancer'],
  [/^aws_cdk\.aws_elasticloadbalancing\.LoadBalancer$/, 'an AWS load balancer'],
  [/^aws_cdk\.aws_apprunner(_alpha)?\.\w*Service$/, 'AWS App Runner'],
];

export function frontEvidence(project: Project): FrontEvidence[] {
  const out = project.deployment.fronts.filter((f) => !pathPurpose(project.root, f.location.path));
  for (const module of project.modules) {
    if (pathPurpose(project.root, module.path)) continue;
    for (const call of module.calls) {
      const name = project.canonical(call.callee);
      if (!name || !name.startsWith('aws_cdk.')) continue;
      const hit = CDK_FRONTS.find(([re]) => re.test(name));
      if (hit) out.push({ what: hit[1], location: { path: module.path, range: calleeRangeOf(call) } });
    }
  }
  return out;
}

/** The evidence closest to a file (the longest shared directory), first found on ties. */
function nearest(fronts: FrontEvidence[], file: string): FrontEvidence | undefined {
  let best: FrontEvidence | undefined;
  let bestShared = -1;
  for (const f of fronts) {
    const a = path.dirname(f.location.path).split(path.sep);
    const c = path.dirname(file).split(path.sep);
    let shared = 0;
    while (shared < a.length && shared < c.length && a[shared] === c[shared]) shared++;
    if (shared > bestShared) {
      best = f;
      bestShared = shared;
    }
  }
  return best;
}

/** An nginx route with the front evidence it gives. */
export interface Routed {
  route: NginxRoute;
  front: FrontEvidence;
}

/** nginx routes by the port they send to (the first for each port), as evidence of what is in front. */
export function nginxTargets(configs: readonly { path: string; directives: NginxDirective[] }[], root: string): Routed[] {
  const out: Routed[] = [];
  for (const route of nginxRoutes(configs)) {
    if (pathPurpose(root, route.directive.location.path)) continue;
    out.push({ route, front: { what: 'nginx, which routes to it', location: route.directive.location, pools: route.pools } });
  }
  return out;
}

function portOf(launch: ServerLaunch): string | undefined {
  if (launch.invocation) {
    const port = optionValue(launch.invocation.options, 'port')?.value;
    if (port && port !== true && port.known) return port.value;
    const bind = optionValue(launch.invocation.options, 'bind')?.value;
    if (bind && bind !== true && bind.known) return /:(\d+)$/.exec(bind.value)?.[1];
    return undefined;
  }
  const port = launch.python?.call.arguments.find((a) => a.keyword === 'port')?.value;
  return port?.kind === 'num' ? port.value : undefined;
}

/**
 * The nginx route to the launch's port, if any: among the configuration a proxy in front of it
 * mounts when there is one, else any in its part of the project.
 */
function routedBy(launch: ServerLaunch, routed: Routed[], configuration?: string[]): FrontEvidence | undefined {
  const port = portOf(launch);
  if (port === undefined) return undefined;
  const candidates = routed.filter((r) => r.route.ports.includes(port) && (!configuration || configuration.some((c) => within(c, r.route.directive.location.path))));
  return candidates.find((r) => r.route.pools)?.front ?? candidates[0]?.front;
}

/** What the project shows in front of one production launch, before the nearest is chosen. */
export interface InFront {
  /** The file that starts the launch (its root's, when a deployment file runs it). */
  started: string;
  /** Evidence in the launch's part of the project. */
  inUnit: FrontEvidence[];
  /** Evidence in front of this server in particular. */
  own: FrontEvidence[];
  /** What routes to this server's line or port, when something does. */
  routedHere?: FrontEvidence;
}

/** What stands in front of a production launch in its part of the project (`unit`). */
export function inFrontOf(project: Project, collection: boolean, launch: ServerLaunch, unit: string, fronts: FrontEvidence[], routed: Routed[]): InFront {
  const started = launch.root?.path ?? launch.location.path;
  const line = `${started}#${(launch.root ?? launch.location).range.line}`;
  const inUnit = fronts.filter((f) => unitOf(project, collection, f.location.path) === unit);
  // In front of this server in particular: its compose file's proxy (with what the proxy's
  // mounted configuration does on the way to it, when that is known), the router of its
  // Procfile line, nginx routing to its port.
  const own = inUnit
    .filter((f) => f.fronts && (f.fronts.includes(started) || f.fronts.includes(line)))
    .map((f) => {
      if (!f.configuration) return f;
      const route = routedBy(launch, routed, f.configuration);
      const linked = routed.filter((r) => f.configuration!.some((c) => within(c, r.route.directive.location.path)));
      if (route) return { ...f, pools: route.pools };
      return linked.length > 0 ? { ...f, pools: linked.some((r) => r.route.pools) } : f;
    });
  const route = routedBy(launch, routed.filter((r) => unitOf(project, collection, r.route.directive.location.path) === unit));
  const routedHere = own.find((f) => f.fronts!.includes(line)) ?? route;
  return { started, inUnit, own, routedHere };
}

/** The front to name: what routes here, else the nearest that reuses connections (or may), else the nearest. */
export function nearestFront({ started, inUnit, own, routedHere }: InFront): FrontEvidence | undefined {
  const applicable = routedHere ? [routedHere, ...own] : own.length > 0 ? own : inUnit.filter((f) => !f.fronts);
  // Something that reuses connections (or may: its configuration is not in the project) comes first.
  const pooling = applicable.filter((f) => f.pools !== false);
  return (routedHere && routedHere.pools !== false ? routedHere : undefined) ?? nearest(pooling, started) ?? nearest(applicable, started);
}
