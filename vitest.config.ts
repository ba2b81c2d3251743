// vitest 5 targets Node 22; the polyfills let its reporter print failures on Node 20.
import './local/runtime/polyfills.ts';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The AWS CLI suite needs a program `npm ci` does not install; it runs with `npm run test:aws-cli`.
    exclude: ['test/aws-cli/**'],
    setupFiles: ['test/setup.ts'],
    // The local AWS enforces IAM from the synthesized template: synthesize (or read the cache) once, up front.
    globalSetup: ['test/support/iam-template.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests that start PostgreSQL or a local AWS share a 2-core machine; keep parallelism modest.
    maxWorkers: 2,
  },
});
