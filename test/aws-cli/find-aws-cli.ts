/**
 * Finds the AWS CLI v2 on PATH for the CLI conformance suite. PATH may hold other `aws` programs first (a v1 from
 * pip, a version-manager shim), so every `aws` on PATH is asked for its version and the first v2 wins.
 */

import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = [
  'The AWS CLI suite needs the AWS CLI v2 as `aws` on PATH.',
  'Install it with `sudo apt-get install awscli` (Debian 12 and later package v2),',
  'or follow https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html',
].join('\n');

export type AwsCliSearch =
  | { readonly found: true; readonly path: string; readonly version: string }
  | { readonly found: false; readonly message: string };

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const versionOf = (file: string): string => {
  try {
    return execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: 'pipe' }).trim();
  } catch {
    return '';
  }
};

/** Searches the directories of `searchPath` (a PATH value) in order for an `aws` that reports `aws-cli/2.`. */
export const findAwsCliV2 = (searchPath: string = process.env['PATH'] ?? ''): AwsCliSearch => {
  const rejected: string[] = [];
  for (const directory of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(directory, 'aws');
    if (!isExecutable(candidate)) continue;
    const version = versionOf(candidate);
    if (version.startsWith('aws-cli/2.')) return { found: true, path: candidate, version };
    rejected.push(`${candidate} (${version || 'no version output'})`);
  }
  const seen =
    rejected.length > 0 ? `Found only other versions: ${rejected.join(', ')}.\n` : 'No `aws` on PATH.\n';
  return { found: false, message: `${seen}${INSTALL_HINT}` };
};
