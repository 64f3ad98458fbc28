import type { ArgumentFact, CallFact, ModuleFacts, ParameterFact } from '../read/python/facts.js';

/**
 * Which values of a function come from its caller — for a route handler, from the request: its
 * parameters, and the locals computed from them. A client configured with such a value (the
 * credentials, region or base URL a request carries) cannot be built once and shared.
 *
 * Approximation (the facts record no assignments inside functions): a local counts when a call
 * assigned to it (`session = boto3.Session(region_name=body.region)`, `token = resolve(req.token)`)
 * mentions a parameter or such a local in its arguments or receiver, or when a method of it is
 * called with one (`s.set_config_variable("region", region)`); plain assignments
 * (`creds = body.credentials`) are not seen. A mention is a name in the value's source text that is
 * not an attribute (`request.region` mentions `request`, `settings.request` does not); a name
 * inside a string literal counts too. Parameters filled by `Depends(...)` (settings, database
 * sessions) and `request.app...` (application state) do not come from the request; nor do `self`
 * and `cls`.
 */

const NAME = /(?<![\w.])[A-Za-z_]\w*/g;

/** The names a source text mentions (not attributes), with what follows each. */
function mentions(text: string, names: ReadonlySet<string>): boolean {
  for (const m of text.matchAll(NAME)) {
    if (!names.has(m[0])) continue;
    if (text.startsWith('.app', m.index + m[0].length)) continue;
    return true;
  }
  return false;
}

function argumentText(argument: ArgumentFact): string | undefined {
  const v = argument.value;
  return v.kind === 'ref' || v.kind === 'call' || v.kind === 'other' ? v.text : undefined;
}

/** The receiver of a method call as written (`session` in `session.client`), when a plain name. */
function receiver(call: CallFact): string | undefined {
  return /^([A-Za-z_]\w*)\./.exec(call.calleeText)?.[1];
}

const fromCaller = (p: ParameterFact): boolean => p.dependsOn === undefined && p.name !== 'self' && p.name !== 'cls';

/** Inside `owner` lexically (nested functions included). */
function inside(module: ModuleFacts, scope: number, owner: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) if (s === owner) return true;
  return false;
}

/** The parameters of `owner` (and of functions nested in it) and the locals computed from them. */
export function callerValues(module: ModuleFacts, owner: number): Set<string> {
  const names = new Set<string>();
  module.scopes.forEach((scope, i) => {
    if (inside(module, i, owner)) for (const p of scope.parameters) if (fromCaller(p)) names.add(p.name);
  });
  const calls = module.calls.filter((c) => inside(module, c.scope, owner));
  // Module-level names and imported modules are shared, whatever a call does with them.
  const shared = new Set([...module.moduleNames, ...module.imports.map((i) => i.boundAs)]);
  for (let changed = names.size > 0; changed; ) {
    changed = false;
    for (const call of calls) {
      const uses = passes(call, names);
      const target = call.assignedTo && /^[A-Za-z_]\w*$/.test(call.assignedTo) ? call.assignedTo : undefined;
      const on = receiver(call);
      const fresh = (name: string | undefined): name is string => name !== undefined && !names.has(name) && !shared.has(name);
      if (fresh(target) && (uses || (on !== undefined && names.has(on)))) changed = names.add(target).size > 0;
      // A method call on a local that passes it a caller value configures that local with it.
      if (uses && target === undefined && fresh(on)) changed = names.add(on).size > 0;
    }
  }
  return names;
}

/**
 * Keywords that say which service, account or endpoint a client talks to (not how: timeouts,
 * retries, pool limits). Positional arguments count too (a service name, host or URL).
 */
const IDENTITY = /key|secret|token|auth|credential|passw|region|url|endpoint|host|headers|cookies|session|profile|account|organi[sz]ation|project|tenant|user|service|cert|base/i;

/** Whether the client `call` builds is configured with one of `names` (its identity arguments, or its receiver). */
export function configuredWith(call: CallFact, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  const on = receiver(call);
  if (on !== undefined && names.has(on)) return true;
  return call.arguments.some((a) => {
    if (a.splat || (a.keyword !== undefined && !IDENTITY.test(a.keyword))) return false;
    const text = argumentText(a);
    return text !== undefined && mentions(text, names);
  });
}

/** Whether any argument of `call` mentions one of `names`. */
export function passes(call: CallFact, names: ReadonlySet<string>): boolean {
  return call.arguments.some((a) => mentions(argumentText(a) ?? '', names));
}
