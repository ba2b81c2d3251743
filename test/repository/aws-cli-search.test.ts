import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAwsCliV2, INSTALL_HINT } from '../aws-cli/find-aws-cli.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'aws-cli-search-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Puts an executable `aws` in `<root>/<folder>` that prints `version` for `--version`, as the real CLI does. */
const fakeAws = (folder: string, version: string): string => {
  const directory = join(root, folder);
  mkdirSync(directory);
  const file = join(directory, 'aws');
  writeFileSync(file, `#!/usr/bin/env node\nconsole.log(${JSON.stringify(version)});\n`);
  chmodSync(file, 0o755);
  return directory;
};

describe('findAwsCliV2', () => {
  it('skips an AWS CLI v1 earlier on PATH and returns the first v2', () => {
    // Prepare
    const v1 = fakeAws('pip', 'aws-cli/1.45.11 Python/3.11.7 botocore/1.43.11');
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const v2 = fakeAws('usr-bin', 'aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12');

    // Act
    const search = findAwsCliV2([v1, empty, v2].join(delimiter));

    // Assess
    expect(search).toEqual({
      found: true,
      path: join(v2, 'aws'),
      version: 'aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12',
    });
  });

  it('fails naming the other versions it found and how to install v2 when PATH holds only v1', () => {
    // Prepare
    const v1 = fakeAws('pip', 'aws-cli/1.45.11 Python/3.11.7 botocore/1.43.11');

    // Act
    const search = findAwsCliV2(v1);

    // Assess
    expect(search.found).toBe(false);
    expect(search.found ? '' : search.message).toBe(
      `Found only other versions: ${join(v1, 'aws')} (aws-cli/1.45.11 Python/3.11.7 botocore/1.43.11).\n${INSTALL_HINT}`,
    );
  });

  it('fails with the install command when no aws is on PATH', () => {
    // Act
    const search = findAwsCliV2(join(root, 'nowhere'));

    // Assess
    expect(search).toEqual({ found: false, message: `No \`aws\` on PATH.\n${INSTALL_HINT}` });
    expect(INSTALL_HINT).toContain('apt-get install awscli');
  });
});
