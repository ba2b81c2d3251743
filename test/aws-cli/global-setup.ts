import type { TestProject } from 'vitest/node';
import { findAwsCliV2 } from './find-aws-cli.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the AWS CLI v2 executable the suite drives. */
    awsCli: string;
  }
}

/** Stops the suite before any test runs when no AWS CLI v2 is on PATH: a missing CLI is a failure, never a pass. */
export default function setup(project: TestProject): void {
  const search = findAwsCliV2();
  if (!search.found) throw new Error(search.message);
  project.provide('awsCli', search.path);
}
