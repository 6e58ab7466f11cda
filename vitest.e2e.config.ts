import { defineConfig } from 'vitest/config';

// Browser tests drive the built app in Debian's Chromium; one file at a time keeps the two
// cores of a CI machine from being oversubscribed.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/support/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
