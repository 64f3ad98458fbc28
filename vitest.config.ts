import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
    // GitHub's action.yml parser imports its schema as JSON without an import attribute, which
    // Node refuses; processed by vite, it loads.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
