// The AWS CLI conformance suite (`npm run test:aws-cli`): the CLI v2 against the local endpoints. Kept apart from
// `npm test`, which needs nothing beyond what `npm ci` installs.
import './local/runtime/polyfills.ts';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/aws-cli/**/*.test.ts'],
    globalSetup: ['test/aws-cli/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
