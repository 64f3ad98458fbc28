import type { RelatedLocation, SourceRange } from '../core/diagnostics.js';
import { applicationModel, lazyModules, type AppEntry } from '../model/application.js';
import type { Project } from '../model/project.js';
import { moveImportInto } from '../model/import-placement.js';
import { chainTo, importTimeUseSite, startupCalls, startupPaths, type StartupPath } from '../model/startup.js';
import type { ImportFact, ModuleFacts, NameUse } from '../read/python/facts.js';
import type { ImportTimes } from '../read/importtime.js';
import type { Rule, RuleContext } from './rule.js';
import { optionValue } from '../read/deploy/options.js';
import { gunicornSettings, seconds } from '../model/serving.js';

/**
 * PP201 heavy-import-in-router: a heavy library imported at module level on a start-up path — by a
 * router module, or by any project module an app entry imports at start-up — paid by every worker
 * before it serves a request. One finding per library and start-up path (at its first import, the
 * others as related locations), and none for a library that start-up needs anyway (app-wide).
 * Heavy = the built-in catalogue (measured costs), the user's list, or measured heavy in the
 * user's `python -X importtime` log.
 */

interface Options {
  heavyModules: string[];
  lightModules: string[];
  importtimeThresholdMs: number;
  reportAppWide: boolean;
}

/**
 * The built-in catalogue. Figures: `import X` on CPython 3.11 (Debian bookworm packages, 2 cores;
 * the method and the full table are in docs/import-costs.md). Entries without a figure could not be
 * installed there and are known from their own trackers to cost as much or more.
 */
const CATALOGUE: Record<string, string> = {
  torch: '≈884 ms, +219 MB',
  statsmodels: '≈698 ms, +132 MB',
  nltk: '≈662 ms, +114 MB',
  sklearn: '≈384–421 ms, +81–90 MB',
  'matplotlib.pyplot': '≈305 ms, +49 MB',
  matplotlib: '≈305 ms, +49 MB with pyplot',
  pandas: '≈295 ms, +54 MB',
  'scipy.stats': '≈290 ms, +62 MB',
  'scipy.optimize': 'like scipy.stats, ≈290 ms',
  'scipy.signal': 'like scipy.stats, ≈290 ms',
  'scipy.sparse': 'like scipy.stats, ≈290 ms',
  'scipy.interpolate': 'like scipy.stats, ≈290 ms',
  'scipy.spatial': 'like scipy.stats, ≈290 ms',
  sympy: '≈248 ms, +36 MB',
  tensorflow: 'seconds and hundreds of MB',
  keras: 'seconds and hundreds of MB',
  jax: 'heavy, not measured here',
  transformers: 'pulls in torch or tensorflow',
  sentence_transformers: 'pulls in torch and transformers',
  diffusers: 'pulls in torch',
  'google.generativeai': 'memory at 100% at start-up, deployments 10 → 30 min (the FastAPI start-up memory report)',
  'google.cloud': 'client libraries load grpc and protobuf',
  vertexai: 'loads google.cloud.aiplatform',
  langchain: 'heavy, not measured here',
  llama_index: 'heavy, not measured here',
  polars: 'heavy, not measured here',
  seaborn: 'pulls in matplotlib and pandas',
  plotly: 'heavy, not measured here',
  cv2: 'heavy, not measured here',
  spacy: 'heavy, not measured here',
  gensim: 'heavy, not measured here',
  numba: 'loads LLVM',
  xgboost: 'heavy, not measured here',
  lightgbm: 'heavy, not measured here',
  catboost: 'heavy, not measured here',
  onnxruntime: 'heavy, not measured here',
};

/** Package families: `langchain_community`, `langchain_openai`... */
const PREFIX_FAMILIES = ['langchain'];

function catalogueEntry(module: string, options: Options): string | undefined {
  const parts = module.split('.');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('.'));
  if (options.lightModules.some((l) => prefixes.includes(l))) return undefined;
  if (options.heavyModules.some((h) => prefixes.includes(h))) return 'listed in heavy-modules';
  for (let i = prefixes.length - 1; i >= 0; i--) {
    const entry = CATALOGUE[prefixes[i]];
    if (entry) return entry;
  }
  if (PREFIX_FAMILIES.some((f) => parts[0].startsWith(f))) return CATALOGUE[PREFIX_FAMILIES.find((f) => parts[0].startsWith(f))!];
  return undefined;
}

/** The measured cost: the largest cumulative time of the module and the packages its import runs. */
function measured(times: ImportTimes | undefined, module: string): { ms: number; name: string } | undefined {
  if (!times) return undefined;
  const parts = module.split('.');
  let best: { ms: number; name: string } | undefined;
  for (let i = 1; i <= parts.length; i++) {
    const name = parts.slice(0, i).join('.');
    const t = times.get(name);
    if (t && (!best || t.cumulativeUs / 1000 > best.ms)) best = { ms: t.cumulativeUs / 1000, name };
  }
  return best;
}

/** Packages that are one library for start-up: importing one loads the other's bulk (Keras runs on TensorFlow). */
const FAMILIES: Record<string, string> = { keras: 'tensorflow', tf_keras: 'tensorflow' };

/** Libraries whose own import loads another heavy library: when start-up needs the first, it pays the others too. */
const PULLS_IN: Record<string, string[]> = {
  sentence_transformers: ['torch', 'transformers'],
  diffusers: ['torch'],
  seaborn: ['matplotlib', 'pandas'],
  statsmodels: ['pandas', 'scipy'],
  vertexai: ['google.cloud.aiplatform'],
  sklearn: ['scipy'],
  // Light packages whose modules load a heavy one at import (checked in their sources).
  'unstructured.staging.base': ['pandas'],
  'unstructured.partition.auto': ['pandas'],
  'unstructured.partition.csv': ['pandas'],
  'unstructured.partition.xlsx': ['pandas'],
};

/** The heavy libraries an imported module loads itself (`statsmodels.tsa.api` → pandas, scipy). */
function pulledBy(full: string): string[] {
  const parts = full.split('.');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(...(PULLS_IN[parts.slice(0, i).join('.')] ?? []));
  return out;
}

/**
 * The library an imported name belongs to: its top-level package (`keras.layers.Dense` → keras,
 * in the tensorflow family; every `langchain*` package is langchain), a `google.cloud.*` client
 * (`google.cloud.bigquery`) or another `google.*` package (`google.generativeai`).
 */
/** Whether some module imports the library at module level inside `try:` or `with contextlib.suppress(...)`. */
function guardedSomewhere(project: Project, library: string): boolean {
  return project.modules.some((m) => m.imports.some((i) => i.scope === 0 && i.conditional && !i.typeCheckingOnly && libraryOf(i.module) === library));
}

function libraryOf(name: string): string {
  const parts = name.split('.');
  if (parts[0] === 'google' && parts.length > 1) return parts.slice(0, parts[1] === 'cloud' && parts.length > 2 ? 3 : 2).join('.');
  const top = parts[0];
  if (PREFIX_FAMILIES.some((f) => top.startsWith(f))) return PREFIX_FAMILIES.find((f) => top.startsWith(f))!;
  return FAMILIES[top] ?? top;
}

/** A module-level import of a heavy library on a start-up path. */
interface HeavyImport {
  module: ModuleFacts;
  statement: ImportFact;
  /** What it costs (catalogue, configuration or measurement). */
  cost: string;
  use: NameUse | undefined;
}

/** Why start-up needs a library anyway: where it is used at start-up. */
interface AppWideCause {
  module: ModuleFacts;
  range: SourceRange;
  how: string;
}

/**
 * The heavy imports of each library that the path loads where the rule reports (every module of an
 * app entry's path; the router modules of a path that starts at a router), and the libraries a
 * module of the path uses while it is imported (app-wide).
 */
function librariesOf(
  project: Project,
  path: StartupPath,
  routerModules: Set<ModuleFacts>,
  options: Options,
  times: ImportTimes | undefined,
): { libraries: Map<string, HeavyImport[]>; appWide: Map<string, AppWideCause>; pulled: Map<string, { by: string; module: ModuleFacts; statement: ImportFact }> } {
  const libraries = new Map<string, HeavyImport[]>();
  const appWide = new Map<string, AppWideCause>();
  // Heavy libraries that another module-level import on the path loads itself.
  const pulled = new Map<string, { by: string; module: ModuleFacts; statement: ImportFact }>();
  for (const module of path.reached.keys()) {
    const reportable = path.entry !== undefined || routerModules.has(module);
    const lazy = lazyModules(module);
    for (const statement of module.imports) {
      if (statement.scope !== 0 || statement.typeCheckingOnly || statement.inMainGuard || statement.star || statement.level > 0) continue;
      const name = statement.module;
      if (project.module(name.split('.')[0]) || project.module(name)) continue;
      const full = statement.name ? `${name}.${statement.name}` : name;
      const library = libraryOf(full);
      if (!statement.lazy && !lazy.has(name)) {
        for (const p of pulledBy(full)) if (p !== library && !pulled.has(p)) pulled.set(p, { by: full, module, statement });
      }
      const use = module.importedNameUses[statement.boundAs];
      // Used while the module is imported (a module-level call, a decorator, a class base, an evaluated annotation).
      const site = use?.importTime ? importTimeUseSite(module, statement) : undefined;
      if (site) {
        if (!appWide.has(library)) appWide.set(library, { module, range: site.range, how: `${site.how}, evaluated while the module is imported` });
        continue;
      }
      if (!reportable || statement.lazy || lazy.has(name)) continue;
      let cost: string | undefined;
      const m = measured(times, full) ?? measured(times, name);
      if (m) {
        if (m.ms < options.importtimeThresholdMs) continue;
        cost = `measured ${m.ms.toFixed(0)} ms cumulative in your -X importtime log`;
      } else {
        cost = catalogueEntry(name, options);
      }
      if (!cost) continue;
      const list = libraries.get(library) ?? [];
      list.push({ module, statement, cost, use });
      libraries.set(library, list);
    }
  }
  return { libraries, appWide, pulled };
}

function statementText(statement: ImportFact): string {
  const name = statement.module;
  const alias = statement.name ? statement.boundAs !== statement.name : statement.boundAs !== name.split('.')[0];
  return `${statement.name ? `from ${name} import ${statement.name}` : `import ${name}`}${alias ? ` as ${statement.boundAs}` : ''}`;
}

/** How the user calls the library in messages: the top-level packages its imports name (`keras/tensorflow`). */
function libraryLabel(imports: HeavyImport[]): string {
  const names = imports.map(({ statement }) => {
    const library = libraryOf(statement.name ? `${statement.module}.${statement.name}` : statement.module);
    return library.startsWith('google.') ? library : statement.module.split('.')[0];
  });
  return [...new Set(names)].join('/');
}

const key = (file: string, range: SourceRange): string => `${file}:${range.line}:${range.column}`;

/** One finding for a library on a start-up path: at its first import, the others as related locations. */
function reportLibrary(context: RuleContext<Options>, path: StartupPath, imports: HeavyImport[], reported: Set<string>): void {
  const { project } = context;
  const [first, ...others] = imports;
  const { module, statement, cost, use } = first;
  const at = key(module.path, statement.range);
  if (reported.has(at)) return;
  reported.add(at);
  const chainEdges = chainTo(path, module);
  const related: RelatedLocation[] = chainEdges.map((edge) => ({ path: edge.from.path, range: edge.statement.range, message: `imports ${rel(project, edge.to.path)} at start-up` }));
  const label = libraryLabel(imports);
  for (const other of others) {
    related.push({ path: other.module.path, range: other.statement.range, message: `also imports ${label} at start-up (\`${statementText(other.statement)}\`)` });
  }
  const chain = [...chainEdges.map((e) => rel(project, e.from.path)), rel(project, module.path), statement.name ? `${statement.module}.${statement.name}` : statement.module];
  const where = path.entry
    ? `at module level of \`${rel(project, module.path)}\`, imported at start-up (${chain.join(' → ')})`
    : chainEdges.length > 0
      ? `at module level of a router module \`${rel(project, module.path)}\` (${chain.join(' → ')})`
      : `at module level of a router module \`${rel(project, module.path)}\``;
  const functions = use?.functions ?? [];
  const advice = use?.annotation && functions.length === 0
    ? 'it is only used in annotations: import it under `if TYPE_CHECKING:`'
    : functions.length > 0
      ? `import it inside the function${functions.length > 1 ? 's' : ''} that use${functions.length > 1 ? '' : 's'} it (${functions.map((f) => `\`${f}\``).join(', ')})`
      : 'import it inside the function that uses it';
  const more = others.length === 0
    ? ''
    : ` Start-up imports ${label} at module level ${others.length} more time${others.length > 1 ? 's' : ''} (related locations): deferring this import shortens start-up only when those are deferred too.`;
  // Unsafe: the first call pays the import instead, and import-time side effects move with it.
  const moved = use && !use.importTime && !use.annotation && functions.length > 0 && functions.length < 5 ? moveImportInto(module, statement, functions, statementText(statement)) : undefined;
  context.report({
    path: module.path,
    range: statement.range,
    message: `\`${statementText(statement)}\` (${cost}) ${where}: every worker pays it before serving a request${workersNote(project, path.entry)}. ${advice.charAt(0).toUpperCase()}${advice.slice(1)}.${more}`,
    related: related.length > 0 ? related : undefined,
    ...(moved ? { fix: { description: `Import it inside ${functions.map((f) => `\`${f}\``).join(', ')}`, applicability: 'unsafe' as const, edits: moved } } : {}),
  });
}

/** With `report-app-wide`: one `info` finding where start-up needs a library anyway. */
function reportAppWide(context: RuleContext<Options>, path: StartupPath, imports: HeavyImport[], cause: AppWideCause, reported: Set<string>): void {
  const { project } = context;
  const at = key(cause.module.path, cause.range);
  if (reported.has(at)) return;
  reported.add(at);
  const label = libraryLabel(imports);
  context.report({
    path: cause.module.path,
    range: cause.range,
    severity: 'info',
    message: `${label} is loaded at start-up by \`${rel(project, cause.module.path)}:${cause.range.line}\` (${cause.how}): the service pays it in every worker${workersNote(project, path.entry).replace(/^; it is/, ', and it is')}. Deferring its module-level imports on the start-up path (${imports.length}, related locations) would not shorten start-up.`,
    related: imports.map((i) => ({ path: i.module.path, range: i.statement.range, message: `imports ${label} at start-up (\`${statementText(i.statement)}\`)` })),
  });
}

function workersNote(project: Project, entry: AppEntry | undefined): string {
  if (!entry) return '';
  for (const invocation of entry.invocations) {
    if (invocation.program === 'gunicorn') {
      const settings = gunicornSettings(project, invocation);
      const n = seconds(settings.workers.value);
      const preload = settings.preload && (settings.preload.value === true || (settings.preload.value.known && /^(true|1)$/i.test(settings.preload.value.value)));
      if (n !== undefined && n > 1 && !preload) return `; it is paid ${n} times at start-up (gunicorn runs ${n} workers without --preload)`;
    } else {
      const n = seconds(optionValue(invocation.options, 'workers')?.value);
      if (n !== undefined && n > 1) return `; it is paid ${n} times at start-up (${invocation.program} runs ${n} worker processes)`;
    }
  }
  return '';
}

function rel(project: Project, file: string): string {
  return project.displayPath(file);
}

export const rule: Rule<Options> = {
  code: 'PP201',
  name: 'heavy-import-in-router',
  severity: 'warning',
  summary: 'A heavy library imported at start-up by a route module costs every worker time and memory before it serves a request.',
  tags: ['performance', 'startup', 'imports', 'memory'],
  precision: 'high',
  docs: {
    sources: ['R1'],
    what: `A module-level import (also inside a module-level \`if\`/\`try\`) of a heavy module in a **router module** (one that defines a route handler or creates an app or router object), or in **any project module the app entry imports at module level**, transitively. The chain from the entry is shown in the message and as related locations: \`app/main.py → app/api/routes.py → pandas\`.

**One finding per library and app entry.** A library is reported once per start-up path — at its first module-level import that start-up reaches from the app entry (or from a router module no entry imports), breadth-first — with every other module-level import of it on that path as related locations: \`from keras.layers import Dense\`, \`from keras.layers import Dropout\` and \`import tensorflow as tf\` in three model modules are one finding, because deferring only some of them saves nothing. A library is a top-level package (\`keras\` and \`tensorflow\` count as one, as do the \`langchain*\` packages), a \`google.cloud.*\` client, or another \`google.*\` package. Two app entries that load the same library get one finding each, unless both would be at the same import.

**Libraries start-up needs anyway are not reported (app-wide).** When a module on the start-up path uses the library while it is imported — a model loaded at module level, a class base, a decorator, an evaluated annotation, a module-level call such as \`tf.config...\`, but not a call under \`if __name__ == "__main__":\`, which an import does not run — or when project code that start-up runs calls it — a function called at module level (\`model = load_model()\`), a start-up hook (\`@app.on_event("startup")\`, \`lifespan=\`, \`add_event_handler("startup", fn)\`, Quart's \`before_serving\`, Sanic's \`before_server_start\`) and what they call or start in a thread, a few frames deep — deferring its imports would not shorten start-up: a single-purpose model server whose start-up loads its model says nothing. A library that another app-wide library imports itself is app-wide too (\`sentence_transformers\` loads \`torch\` and \`transformers\`), and so is one that another module-level import on the start-up path loads itself (\`statsmodels\` loads \`pandas\`, \`unstructured.partition.auto\` loads \`pandas\`): deferring it alone would save nothing. So is an optional library — one the project imports under a guard somewhere (\`try:\`, \`with contextlib.suppress(...)\`) — when start-up code imports modules by computed name (\`importlib.import_module(name)\` over a list of plugins' requirements): that is how a project checks which optional libraries are installed, and it loads them all. With \`report-app-wide\`, such a library gets one \`info\` finding where start-up uses it, with its imports as related locations.

A module is heavy when it is in the built-in catalogue (\`torch\`, \`tensorflow\`, \`keras\`, \`jax\`, \`transformers\`, \`sentence_transformers\`, \`diffusers\`, \`google.generativeai\`, \`google.cloud.*\`, \`vertexai\`, \`langchain*\`, \`llama_index\`, \`pandas\`, \`polars\`, \`scipy.stats\` and other scipy submodules, \`sklearn\`, \`statsmodels\`, \`matplotlib\`, \`seaborn\`, \`plotly\`, \`cv2\`, \`spacy\`, \`nltk\`, \`gensim\`, \`sympy\`, \`numba\`, \`xgboost\`, \`lightgbm\`, \`catboost\`, \`onnxruntime\`), in \`heavy-modules\`, or — with \`--importtime FILE\`, the stderr of \`python -X importtime\` — measured at or above \`importtime-threshold-ms\` of cumulative import time; the measurement then decides and the message quotes it. \`light-modules\` removes entries.

App entries are the modules a gunicorn/uvicorn/\`fastapi run\` invocation serves; without a deployment file, the modules that create an app object (\`FastAPI()\`, \`Flask()\`, ...). When the invocation runs N workers without \`--preload\`, the message says the import is paid N times.`,
    why: `The FastAPI start-up memory report: a FastAPI service whose route module imported \`google.generativeai\` at the top pinned memory at 100% during start-up, and deployments went from about 10 to 30 minutes. Moving the import to the lifespan hook, the health check or warm-up imports barely helped; the only change that worked was importing the library inside the function that uses it. Measured on CPython 3.11 (Debian 12 packages, a 2-core Linux machine; the fastest of three fresh processes, table in \`docs/import-costs.md\` of the pylint-perf repository): \`import torch\` takes ≈884 ms and +219 MB, \`pandas\` ≈295 ms and +54 MB — per worker process, before the first request.`,
    fix: `Import the library inside the functions that use it — at every import the finding lists, or the others still load it at start-up (Python caches modules, so the cost is paid once, on first use, and only by workers that need it). With Python 3.15, \`lazy import torch\` (PEP 810) does the same at module level. When a name is only used in annotations, import it under \`if TYPE_CHECKING:\`. Measure with \`python -X importtime -c "import app.main" 2> importtime.log\` and pass \`--importtime importtime.log\` to rank by real cost. With \`--fix --unsafe-fixes\` (unsafe: the first call then pays the import, and whatever the import does at import time moves with it), the reported statement moves into the functions that use it — the first line of each body, after its docstring — when it binds one name on a line of its own and nothing uses it at import time or in annotations; the other start-up imports of the library (related locations) stay for you to move.`,
    bad: `# app/routers/reports.py
import pandas as pd
from fastapi import APIRouter

router = APIRouter()

@router.get("/report")
def report():
    return pd.DataFrame({"a": [1]}).to_dict()`,
    good: `# app/routers/reports.py
from fastapi import APIRouter

router = APIRouter()

@router.get("/report")
def report():
    import pandas as pd
    return pd.DataFrame({"a": [1]}).to_dict()`,
    notFlagged: [
      'imports inside functions, under `if TYPE_CHECKING:`, PEP 810 `lazy import` and modules listed in `__lazy_modules__`;',
      'imports under `if __name__ == "__main__":` (importing the module never runs them);',
      'imports whose name is used while the module is imported — decorators (`@torch.inference_mode()`), module-level calls, class bases, default values, evaluated annotations — which cannot simply be moved;',
      'any import of a library that start-up needs anyway (app-wide): used while a module on the start-up path is imported, or called by project code that start-up runs (a module-level call, a start-up hook, a thread it starts) — a model server that loads its model at start-up;',
      'the second and later imports of a library on the same start-up path: they are related locations of the one finding, never findings of their own;',
      'modules the app never imports at start-up and that define no routes (scripts, training code), and test code (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`) even when it builds an app;',
      'modules that cost about as much as the web framework itself (`boto3` ≈136 ms, `httpx`, `sqlalchemy`, `numpy`, `requests`): deferring them saves little (`heavy-modules` adds them).',
    ],
  },
  options: {
    properties: {
      'heavy-modules': { type: 'array', items: { type: 'string' }, description: 'More modules to treat as heavy (a package covers its submodules).' },
      'light-modules': { type: 'array', items: { type: 'string' }, description: 'Modules of the built-in catalogue not to report.' },
      'importtime-threshold-ms': { type: 'number', minimum: 0, description: 'With `--importtime`: the cumulative import time from which a module is heavy.' },
      'report-app-wide': { type: 'boolean', description: 'Report, as `info`, a heavy library that start-up needs anyway (used while a start-up module is imported, or by a start-up hook), where start-up uses it.' },
    },
    defaults: { heavyModules: [], lightModules: [], importtimeThresholdMs: 100, reportAppWide: false },
  },

  checkProject(context: RuleContext<Options>): void {
    const { project, options } = context;
    const times = context.inputs.importTimes;
    const app = applicationModel(project);
    const reported = new Set<string>();
    for (const path of startupPaths(project)) {
      const { libraries, appWide, pulled } = librariesOf(project, path, app.routerModules, options, times);
      // Libraries start-up runs project code for (a model loaded by a module-level call or a start-up hook).
      if ([...libraries.keys()].some((l) => !appWide.has(l))) {
        let probe: AppWideCause | undefined;
        for (const { module, call, owner } of startupCalls(project, path)) {
          const callee = project.canonical(call.callee);
          if (!probe && (callee === 'importlib.import_module' || callee === 'builtins.__import__') && call.arguments.length > 0 && call.arguments[0].value.kind !== 'str') {
            probe = { module, range: call.range, how: `\`${owner.module.scopes[owner.scopeIndex].qualname}\` imports modules by computed name at start-up (\`${call.calleeText}(...)\`), the way a project checks which optional libraries are installed` };
          }
          if (!callee || callee.startsWith('builtins.') || project.definition(callee) || project.module(callee.split('.')[0])) continue;
          const library = libraryOf(callee);
          if (!libraries.has(library) || appWide.has(library)) continue;
          appWide.set(library, { module, range: call.range, how: `\`${owner.module.scopes[owner.scopeIndex].qualname}\` calls it at start-up` });
        }
        // Start-up that imports by computed name loads the optional libraries it probes: one the
        // project imports under a guard (`try:`, `with contextlib.suppress(...)`) is among them.
        if (probe) {
          for (const library of libraries.keys()) {
            if (!appWide.has(library) && guardedSomewhere(project, library)) appWide.set(library, { ...probe, how: `${probe.how}, and the project imports ${library} under a guard, as an optional library` });
          }
        }
      }
      for (const [library, cause] of [...appWide]) {
        for (const pulled of PULLS_IN[library] ?? []) {
          if (!appWide.has(pulled)) appWide.set(pulled, { ...cause, how: `${cause.how}, and ${library} imports ${pulled}` });
        }
      }
      for (const [library, imports] of libraries) {
        // Deferring it alone saves nothing while another start-up import loads it (statsmodels loads pandas).
        const loader = pulled.get(library);
        if (loader && !appWide.has(library)) appWide.set(library, { module: loader.module, range: loader.statement.range, how: `\`${loader.by}\` is imported at module level and loads ${library} itself` });
        const cause = appWide.get(library);
        if (cause) {
          if (options.reportAppWide) reportAppWide(context, path, imports, cause, reported);
          continue;
        }
        reportLibrary(context, path, imports, reported);
      }
    }
  },
};
