import { applicationModel } from '../model/application.js';
import type { Project } from '../model/project.js';
import type { CallFact, ModuleFacts } from '../read/python/facts.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * PP202 profiler-in-production: a profiler wired into the app unconditionally — werkzeug's
 * ProfilerMiddleware, pyinstrument middleware, a pyinstrument Profiler started per request, or
 * cProfile/yappi switched on at import or in a handler.
 */

const WSGI_PROFILER = /^werkzeug\.(middleware|contrib)\.profiler\.ProfilerMiddleware$/;
const PROFILER_MIDDLEWARE = /(PyInstrumentProfilerMiddleware|^fastapi_profiler\.[\w.]+|^pyinstrument[\w.]*Middleware|^werkzeug\.(middleware|contrib)\.profiler\.ProfilerMiddleware)$/;
const MIDDLEWARE_DECORATOR = /\(\)\.(middleware|before_request|after_request|before_app_request|after_app_request|before_serving)(\(\))?$/;
/** The spellings worth resolving (`ProfilerMiddleware(...)`, `app.add_middleware`, `Profiler()`, `.enable()`, `yappi.start()`). */
const CANDIDATE_TEXT = /(Middleware|add_middleware|Profiler|enable|start)$/;
const ALWAYS_ON = /^(cProfile|profile)\.Profile\(\)\.enable$|^yappi\.start$/;

/** Where per-request code runs: route handlers and middleware. */
function perRequest(project: Project, module: ModuleFacts, scope: number): boolean {
  const app = applicationModel(project);
  for (let s = scope; s >= 0; s = module.scopes[s].parent) {
    const sc = module.scopes[s];
    if (sc.kind !== 'function') continue;
    if (app.isRouteHandler(module, s)) return true;
    if (sc.decorators.some((d) => MIDDLEWARE_DECORATOR.test(project.canonical(d.name) ?? d.text))) return true;
    const parent = sc.parent >= 0 ? module.scopes[sc.parent] : undefined;
    if (parent?.kind === 'class' && (sc.name === 'dispatch' || sc.name === '__call__')) return true;
  }
  return false;
}

/** Runs while the module is imported: module level or a class body at module level. */
function atImport(module: ModuleFacts, scope: number): boolean {
  for (let s = scope; s >= 0; s = module.scopes[s].parent) if (module.scopes[s].kind !== 'module' && module.scopes[s].kind !== 'class') return false;
  return true;
}

function guarded(call: CallFact): boolean {
  return call.conditional === true || call.inMainGuard === true;
}

export const rule: Rule<Record<string, never>> = {
  code: 'PP202',
  name: 'profiler-in-production',
  severity: 'warning',
  summary: 'A profiler left on in the app profiles every request in production.',
  tags: ['performance', 'profiling', 'middleware'],
  precision: 'high',
  docs: {
    sources: ['R3', 'R5'],
    what: `Unconditional profiling in the application: \`app.wsgi_app = ProfilerMiddleware(...)\` (werkzeug, also the old \`werkzeug.contrib.profiler\`), \`app.add_middleware(PyInstrumentProfilerMiddleware, ...)\` (and other pyinstrument / \`fastapi_profiler\` middleware), \`pyinstrument.Profiler()\` created inside a middleware or route handler, and \`cProfile.Profile().enable()\` / \`yappi.start()\` at module level or in a handler.`,
    why: `Ubie's profiling write-up wraps a Flask app in werkzeug's \`ProfilerMiddleware\`, which runs cProfile on every request and writes a \`.prof\` file for each; “High Performance FastAPI” (PyCon JP 2021) found that the pyinstrument middleware "cannot be used in the actual application or under load because the impact on performance is high". A profiler left on after an investigation multiplies the cost of every request.`,
    fix: `Enable profiling only on demand: behind a setting (\`if settings.PROFILE:\`), an environment variable, \`app.debug\`, or a query parameter checked inside the middleware — or only in a local script under \`if __name__ == "__main__":\`.`,
    bad: `from flask import Flask
from werkzeug.middleware.profiler import ProfilerMiddleware

app = Flask(__name__)
app.wsgi_app = ProfilerMiddleware(app.wsgi_app, profile_dir="/tmp/prof")`,
    good: `import os
from flask import Flask
from werkzeug.middleware.profiler import ProfilerMiddleware

app = Flask(__name__)
if os.getenv("PROFILE") == "1":
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, profile_dir="/tmp/prof")`,
    notFlagged: [
      'any of these guarded by a condition (`if settings.PROFILE:`, `if os.getenv(...)`, `if app.debug:`, a query parameter) or under `if __name__ == "__main__":`;',
      '`pyinstrument.Profiler()` and cProfile in scripts, tests and functions that are not handlers or middleware.',
    ],
  },

  checkModule(module: ModuleFacts, context: RuleContext<Record<string, never>>): void {
    const { project } = context;
    for (const call of module.calls) {
      if (guarded(call) || !CANDIDATE_TEXT.test(call.calleeText)) continue;
      const name = project.canonical(call.callee);
      if (!name) continue;
      let what: string | undefined;
      if (WSGI_PROFILER.test(name) || PROFILER_MIDDLEWARE.test(name)) {
        what = `\`${call.calleeText}\` profiles every request`;
      } else if (name.endsWith('.add_middleware')) {
        const first = call.arguments.find((a) => !a.keyword)?.value;
        const middleware = first && first.kind === 'ref' ? project.canonical(first.name) : null;
        if (middleware && PROFILER_MIDDLEWARE.test(middleware)) what = `\`${first!.kind === 'ref' ? first!.text : ''}\` profiles every request`;
      } else if (name === 'pyinstrument.Profiler' && perRequest(project, module, call.scope)) {
        what = 'a pyinstrument profiler is started for every request';
      } else if (ALWAYS_ON.test(name) && (atImport(module, call.scope) || perRequest(project, module, call.scope))) {
        what = `\`${call.calleeText}()\` switches profiling on for the whole process`;
      }
      if (!what) continue;
      context.report({
        range: call.range,
        message: `${what}, unconditionally: profiling multiplies the cost of each request in production (“High Performance FastAPI”, PyCon JP 2021: "cannot be used ... under load"). Enable it only behind a setting or environment variable (\`if settings.PROFILE:\`).`,
      });
    }
  },
};
