import 'aws-sdk-client-mock-vitest/extend';
import '#local/runtime/polyfills';

// Handlers publish metrics as EMF lines on stdout; tests that check them turn them back on.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
