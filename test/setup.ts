import 'aws-sdk-client-mock-vitest/extend';
import '#local/runtime/polyfills';
