// Vitest runs the package's *.vitest.mjs tests (node:test runs the *.test.mjs ones).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.vitest.mjs'], testTimeout: 30000, hookTimeout: 30000 },
});
