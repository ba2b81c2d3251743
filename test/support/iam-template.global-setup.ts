/**
 * Synthesizes the local stack's template once, before any test file runs, so that test files starting the local
 * AWS in parallel read it from the cache instead of each synthesizing it (docs/iam.md).
 */
import { synthesizedTemplate } from '../../local/aws/iam/synthesized-template.ts';

export default async function setup(): Promise<void> {
  await synthesizedTemplate();
}
