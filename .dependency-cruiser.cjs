/**
 * The layers of src/, one way down, checked by dependency-cruiser (`npm run lint:layers`; the
 * test suite runs it too, in test/architecture.test.ts). Parsed with swc: dependency-cruiser 17
 * cannot load the TypeScript 7 compiler.
 *
 *   cli, server ─► run ─► rules ─► model ─► read ─► core
 *   reporters ─► core
 *
 * core       source files, positions, diagnostics, rule documentation, field reports
 * read       facts from files: Python extraction, deployment-file readers, discovery
 * model      derived knowledge: project, module names, application, call graph, serving, Lambda
 * rules      one file per rule, the rule contract and the registry
 * run        the pipeline: configuration, cache, workers, stages, suppressions, fixes
 * reporters  text, JSON, SARIF, GitHub: format what they are given, decide nothing
 * server     the Language Server Protocol server (`pylint-perf server`), on top like the CLI
 */

const LAYERS = ['core', 'read', 'model', 'rules', 'run'];

/** A layer may import itself and the layers below it. */
const layerRules = LAYERS.map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `src/${layer}/ may depend only on ${['itself', ...LAYERS.slice(0, i)].join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: [`^src/(${LAYERS.slice(0, i + 1).join('|')})/`] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'reporters-on-core-only',
      comment: 'reporters format what the run hands them; they read core types only',
      severity: 'error',
      from: { path: '^src/reporters/' },
      to: { path: '^src/', pathNot: '^src/(core|reporters)/' },
    },
    {
      name: 'no-rule-imports-another-rule',
      comment: 'shared knowledge lives in model/ (or read/), not in another rule',
      severity: 'error',
      from: { path: '^src/rules/PP\\d{3}-[^/]+\\.ts$' },
      to: { path: '^src/rules/PP\\d{3}-' },
    },
    {
      name: 'nothing-imports-the-cli-or-tools',
      comment: 'the CLI, the editor server and the development tools sit on top',
      severity: 'error',
      from: { path: '^src/(core|read|model|rules|run|reporters)/' },
      to: { path: '^src/(cli|cli-main|cli-watch|cli-output|tool-info|server/|tools/)' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, inside a layer either',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
