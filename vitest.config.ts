import { defineConfig } from 'vitest/config';

// Tests live under test/; scratch space and build output never hold any.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
