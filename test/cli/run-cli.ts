/** Runs the `lakeshift` command line in process against a local AWS, capturing what it writes. */
import { runCli } from '#cli/main';
import type { LocalAws } from '#local/aws/index';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const cliAgainst =
  (aws: Pick<LocalAws, 'endpoint' | 'region' | 'credentials' | 'clock'>) =>
  async (...argv: string[]): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { AWS_ENDPOINT_URL: aws.endpoint, AWS_REGION: aws.region },
      credentials: aws.credentials,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      now: () => aws.clock.now(),
    });
    return { code, stdout, stderr };
  };

/** Polls an asynchronous condition until it holds or the wall-clock deadline passes. */
export const pollUntil = async (
  label: string,
  condition: () => Promise<boolean>,
  timeoutMs = 150_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
