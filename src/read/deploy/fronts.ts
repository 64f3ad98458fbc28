/**
 * What a deployment file shows in front of the application, read from its text: load balancers in
 * CloudFormation and Terraform, Ingresses in Helm charts (templates are not YAML until rendered),
 * platforms whose router keeps connections to the app (Cloud Run, App Runner, Heroku, Render), and
 * the configuration files of reverse proxies (HAProxy, Caddy, Traefik, Envoy). Compose services,
 * Kubernetes documents and nginx configuration are read from their parsed form (compose.ts,
 * kubernetes.ts, read.ts).
 */

import path from 'node:path';
import type { FrontEvidence } from './model.js';
import type { DeploymentSource } from './source.js';
import { LineIndex } from './text.js';

interface Pattern {
  pattern: RegExp;
  what: string;
  /** Whether what it finds keeps connections open and reuses them, when the text can say so. */
  pools?: (text: string) => boolean | undefined;
}

/**
 * A Service of type LoadBalancer is a layer-4 balancer (an AWS NLB or a classic ELB in TCP mode,
 * GCP's and Azure's network load balancers): it passes each client connection through and keeps
 * none of its own to the pods — unless an annotation puts a classic ELB in HTTP mode.
 */
export const LOAD_BALANCER_IN_HTTP_MODE = /aws-load-balancer-backend-protocol["']?\s*:\s*["']?https?\b/i;
const layer4Unless = (text: string): boolean | undefined => (LOAD_BALANCER_IN_HTTP_MODE.test(text) ? undefined : false);

/** Infrastructure as code (CloudFormation and SAM in YAML or JSON, Terraform): load balancers and platforms. */
const INFRASTRUCTURE: Pattern[] = [
  { pattern: /AWS::ElasticLoadBalancingV2::Listener\b[\s\S]{0,600}?Protocol"?\s*:?\s*"?HTTPS?\b|AWS::ElasticLoadBalancing::LoadBalancer/, what: 'an AWS load balancer' },
  { pattern: /AWS::AppRunner::Service/, what: 'AWS App Runner' },
  // An application (or classic) load balancer: a network one passes TCP through and pools nothing.
  { pattern: /resource\s+"(aws_lb|aws_alb)"\s+"[^"]*"\s*\{(?:(?!\n\}|load_balancer_type\s*=\s*"(network|gateway)")[\s\S])*\n\}/, what: 'an AWS load balancer' },
  { pattern: /resource\s+"aws_elb"/, what: 'an AWS load balancer' },
  { pattern: /resource\s+"aws_apprunner_service"/, what: 'AWS App Runner' },
  { pattern: /resource\s+"google_cloud_run_(v2_)?service"/, what: 'Cloud Run' },
  { pattern: /resource\s+"(google_compute_url_map|google_compute_backend_service)"/, what: 'a Google Cloud load balancer' },
  { pattern: /resource\s+"azurerm_(application_gateway|lb)"/, what: 'an Azure load balancer' },
  { pattern: /resource\s+"kubernetes_ingress(_v1)?"/, what: 'a Kubernetes Ingress' },
  { pattern: /resource\s+"(heroku_app|render_web_service)"/, what: 'a platform router' },
];

/** Commands that deploy to a platform whose router keeps connections to the app. */
const PLATFORM_COMMANDS: Pattern[] = [
  { pattern: /\bgcloud\s+(beta\s+)?run\s+(deploy|services\s+replace)\b|deploy-cloudrun@/, what: 'Cloud Run' },
  { pattern: /\baws\s+apprunner\s+(create|update)-service\b/, what: 'AWS App Runner' },
  { pattern: /\bheroku\s+container:release\b|\bgit\s+push\s+heroku\b/, what: 'Heroku' },
];

/** Helm chart templates (Go templates, not parsed as YAML). */
const CHART_TEMPLATE: Pattern[] = [
  { pattern: /^\s*kind:\s*Ingress\s*$/m, what: 'a Kubernetes Ingress' },
  { pattern: /^\s*kind:\s*(IngressRoute|HTTPRoute)\s*$/m, what: 'an ingress route' },
  { pattern: /^\s*type:\s*["']?LoadBalancer["']?\s*$/m, what: 'a Kubernetes Service of type LoadBalancer', pools: layer4Unless },
];

/** Reverse-proxy configuration by content. */
const PROXY_CONFIG: Pattern[] = [
  { pattern: /^\s*(backend|listen)\s+\S+[\s\S]*^\s*server\s+\S+\s+\S+:\d+/m, what: 'HAProxy' },
  { pattern: /^\s*reverse_proxy\b/m, what: 'Caddy' },
  { pattern: /\[http\.(routers|services)|^\s*\[entryPoints/m, what: 'Traefik' },
];

const YAML_PROXY: Pattern[] = [
  { pattern: /envoy\.filters\.network\.http_connection_manager|\bhttp_connection_manager\b/, what: 'Envoy' },
  { pattern: /^entryPoints:\s*$[\s\S]*^(providers|http):\s*$/m, what: 'Traefik' },
];

function firstMatch(text: string, patterns: readonly Pattern[], file: string, lines: () => LineIndex): FrontEvidence[] {
  const out: FrontEvidence[] = [];
  for (const { pattern, what, pools } of patterns) {
    const m = pattern.exec(text);
    if (!m) continue;
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const evidence: FrontEvidence = { what, location: { path: file, range: lines().range(start, start + m[0].trim().split('\n')[0].length) } };
    const reuses = pools?.(text);
    if (reuses !== undefined) evidence.pools = reuses;
    out.push(evidence);
  }
  return out;
}

/**
 * The evidence in one file. `chartTemplate`: a file of a Helm chart's `templates/`; `chartValues`:
 * a chart's own `values*.yaml`.
 */
export function textFronts(file: DeploymentSource, where: { chartTemplate: boolean; chartValues: boolean }): FrontEvidence[] {
  let index: LineIndex | undefined;
  const lines = (): LineIndex => (index ??= new LineIndex(file.text));
  const name = path.basename(file.path).toLowerCase();
  const out: FrontEvidence[] = [];
  switch (file.kind) {
    case 'procfile': {
      // Heroku routes HTTP traffic to the `web` process only.
      const m = /^\s*web\s*:/m.exec(file.text);
      if (m && name === 'procfile') {
        const range = lines().range(m.index, m.index + m[0].length);
        out.push({ what: "Heroku's router", location: { path: file.path, range }, fronts: [`${file.path}#${range.line}`] });
      }
      break;
    }
    case 'yaml':
    case 'compose':
    case 'json-settings':
      out.push(...firstMatch(file.text, INFRASTRUCTURE, file.path, lines));
      out.push(...firstMatch(file.text, PLATFORM_COMMANDS, file.path, lines));
      if (where.chartTemplate) out.push(...firstMatch(file.text, CHART_TEMPLATE, file.path, lines));
      if (where.chartValues) {
        const m = /^ingress:\s*\n(?:[ \t]+.*\n)*?[ \t]+enabled:\s*true\b/m.exec(file.text);
        if (m) out.push({ what: 'a Kubernetes Ingress (Helm values)', location: { path: file.path, range: lines().range(m.index, m.index + 'ingress:'.length) } });
      }
      if (/^render\.ya?ml$/.test(name) && /^\s*-?\s*type:\s*web\b/m.test(file.text)) out.push({ what: "Render's router", location: { path: file.path, range: lines().lineRange(1) } });
      if (/^apprunner\.ya?ml$/.test(name)) out.push({ what: 'AWS App Runner', location: { path: file.path, range: lines().lineRange(1) } });
      if (/^heroku\.ya?ml$/.test(name)) out.push({ what: "Heroku's router", location: { path: file.path, range: lines().lineRange(1) } });
      if (!where.chartTemplate) out.push(...firstMatch(file.text, YAML_PROXY, file.path, lines));
      break;
    case 'terraform':
      out.push(...firstMatch(file.text, INFRASTRUCTURE, file.path, lines));
      break;
    case 'proxy':
      out.push(...firstMatch(file.text, PROXY_CONFIG, file.path, lines));
      break;
    case 'shell':
    case 'makefile':
      out.push(...firstMatch(file.text, PLATFORM_COMMANDS, file.path, lines));
      break;
    default:
      break;
  }
  return out;
}
