import type { RelatedLocation } from '../core/diagnostics.js';
import { applicationModel, lazyModules, type AppEntry, type ImportEdge } from '../model/application.js';
import type { Project } from '../model/project.js';
import type { ImportFact, ModuleFacts } from '../read/python/facts.js';
import type { ImportTimes } from '../read/importtime.js';
import type { Rule, RuleContext } from './rule.js';
import { optionValue } from '../read/deploy/options.js';
import { gunicornSettings, seconds } from '../model/serving.js';

/**
 * PP201 heavy-import-in-router: a module-level import of a heavy library in a router module, or in
 * any project module the app entry imports at start-up — paid by every worker before it serves a
 * request. Heavy = the built-in catalogue (measured costs), the user's list, or measured heavy in
 * the user's `python -X importtime` log.
 */

interface Options {
  heavyModules: string[];
  lightModules: string[];
  importtimeThresholdMs: number;
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

/** The imported module a statement loads (`from a.b import c` → `a.b.c` when measured as a module). */
function importedModule(statement: ImportFact): string {
  return statement.module;
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

A module is heavy when it is in the built-in catalogue (\`torch\`, \`tensorflow\`, \`keras\`, \`jax\`, \`transformers\`, \`sentence_transformers\`, \`diffusers\`, \`google.generativeai\`, \`google.cloud.*\`, \`vertexai\`, \`langchain*\`, \`llama_index\`, \`pandas\`, \`polars\`, \`scipy.stats\` and other scipy submodules, \`sklearn\`, \`statsmodels\`, \`matplotlib\`, \`seaborn\`, \`plotly\`, \`cv2\`, \`spacy\`, \`nltk\`, \`gensim\`, \`sympy\`, \`numba\`, \`xgboost\`, \`lightgbm\`, \`catboost\`, \`onnxruntime\`), in \`heavy-modules\`, or — with \`--importtime FILE\`, the stderr of \`python -X importtime\` — measured at or above \`importtime-threshold-ms\` of cumulative import time; the measurement then decides and the message quotes it. \`light-modules\` removes entries.

App entries are the modules a gunicorn/uvicorn/\`fastapi run\` invocation serves; without a deployment file, the modules that create an app object (\`FastAPI()\`, \`Flask()\`, ...). When the invocation runs N workers without \`--preload\`, the message says the import is paid N times.`,
    why: `The FastAPI start-up memory report: a FastAPI service whose route module imported \`google.generativeai\` at the top pinned memory at 100% during start-up, and deployments went from about 10 to 30 minutes. Moving the import to the lifespan hook, the health check or warm-up imports barely helped; the only change that worked was importing the library inside the function that uses it. Measured on CPython 3.11 (Debian 12 packages, a 2-core Linux machine; the fastest of three fresh processes, table in \`docs/import-costs.md\` of the pylint-perf repository): \`import torch\` takes ≈884 ms and +219 MB, \`pandas\` ≈295 ms and +54 MB — per worker process, before the first request.`,
    fix: `Import the library inside the function that uses it (Python caches modules, so the cost is paid once, on first use, and only by workers that need it). With Python 3.15, \`lazy import torch\` (PEP 810) does the same at module level. When a name is only used in annotations, import it under \`if TYPE_CHECKING:\`. Measure with \`python -X importtime -c "import app.main" 2> importtime.log\` and pass \`--importtime importtime.log\` to rank by real cost.`,
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
      'imports whose name is used while the module is imported — decorators (`@torch.inference_mode()`), module-level calls, class bases, default values, evaluated annotations — which cannot simply be moved;',
      'modules the app never imports at start-up and that define no routes (scripts, training code, tests);',
      'modules that cost about as much as the web framework itself (`boto3` ≈136 ms, `httpx`, `sqlalchemy`, `numpy`, `requests`): deferring them saves little (`heavy-modules` adds them).',
    ],
  },
  options: {
    properties: {
      'heavy-modules': { type: 'array', items: { type: 'string' }, description: 'More modules to treat as heavy (a package covers its submodules).' },
      'light-modules': { type: 'array', items: { type: 'string' }, description: 'Modules of the built-in catalogue not to report.' },
      'importtime-threshold-ms': { type: 'number', minimum: 0, description: 'With `--importtime`: the cumulative import time from which a module is heavy.' },
    },
    defaults: { heavyModules: [], lightModules: [], importtimeThresholdMs: 100 },
  },

  checkProject(context: RuleContext<Options>): void {
    const { project, options } = context;
    const times = context.inputs.importTimes;
    const app = applicationModel(project);
    // Breadth-first from the entries: the shortest chain to each module loaded at start-up.
    const reachedBy = new Map<ModuleFacts, { edge?: ImportEdge; entry: AppEntry }>();
    const queue: ModuleFacts[] = [];
    for (const entry of app.entries) {
      if (!reachedBy.has(entry.module)) {
        reachedBy.set(entry.module, { entry });
        queue.push(entry.module);
      }
    }
    while (queue.length > 0) {
      const m = queue.shift()!;
      for (const edge of app.imports.get(m) ?? []) {
        if (reachedBy.has(edge.to)) continue;
        reachedBy.set(edge.to, { edge, entry: reachedBy.get(m)!.entry });
        queue.push(edge.to);
      }
    }
    const candidates = new Set<ModuleFacts>([...reachedBy.keys(), ...app.routerModules]);
    for (const module of candidates) {
      const lazy = lazyModules(module);
      for (const statement of module.imports) {
        if (statement.scope !== 0 || statement.typeCheckingOnly || statement.lazy || statement.star) continue;
        const name = importedModule(statement);
        if (lazy.has(name) || project.module(name.split('.')[0]) || project.module(name)) continue;
        const use = module.importedNameUses[statement.boundAs];
        if (use?.importTime) continue;
        // Loaded anyway by another import the module needs at start-up (`from x import A, B`, A used at import).
        const loadedAnyway = module.imports.some(
          (other) => other !== statement && other.scope === 0 && !other.typeCheckingOnly && !other.lazy &&
            (other.module === name || other.module.startsWith(`${name}.`)) && module.importedNameUses[other.boundAs]?.importTime,
        );
        if (loadedAnyway) continue;
        let cost: string | undefined;
        const m = measured(times, statement.name ? `${name}.${statement.name}` : name) ?? measured(times, name);
        if (m) {
          if (m.ms < options.importtimeThresholdMs) continue;
          cost = `measured ${m.ms.toFixed(0)} ms cumulative in your -X importtime log`;
        } else {
          cost = catalogueEntry(name, options);
        }
        if (!cost) continue;
        // The chain: entry → ... → this module → the import.
        const related: RelatedLocation[] = [];
        const chain: string[] = [];
        let cursor: ModuleFacts | undefined = module;
        const reached = reachedBy.get(module);
        while (cursor) {
          chain.unshift(rel(project, cursor.path));
          const step = reachedBy.get(cursor);
          if (!step?.edge) break;
          related.unshift({ path: step.edge.from.path, range: step.edge.statement.range, message: `imports ${rel(project, step.edge.to.path)} at start-up` });
          cursor = step.edge.from;
        }
        chain.push(statement.name ? `${name}.${statement.name}` : name);
        const where = reached ? `imported at start-up (${chain.join(' → ')})` : 'a router module';
        const alias = statement.name ? statement.boundAs !== statement.name : statement.boundAs !== name.split('.')[0];
        const stmt = `${statement.name ? `from ${name} import ${statement.name}` : `import ${name}`}${alias ? ` as ${statement.boundAs}` : ''}`;
        const functions = use?.functions ?? [];
        const advice = use?.annotation && functions.length === 0
          ? 'it is only used in annotations: import it under `if TYPE_CHECKING:`'
          : functions.length > 0
            ? `import it inside the function${functions.length > 1 ? 's' : ''} that use${functions.length > 1 ? '' : 's'} it (${functions.map((f) => `\`${f}\``).join(', ')})`
            : 'import it inside the function that uses it';
        context.report({
          path: module.path,
          range: statement.range,
          message: `\`${stmt}\` (${cost}) at module level of ${reached ? `\`${rel(project, module.path)}\`, ${where}` : `${where} \`${rel(project, module.path)}\``}: every worker pays it before serving a request${workersNote(project, reached?.entry)}. ${advice.charAt(0).toUpperCase()}${advice.slice(1)}.`,
          related: related.length > 0 ? related : undefined,
        });
      }
    }
  },
};
