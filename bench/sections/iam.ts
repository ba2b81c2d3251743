/**
 * `iam`: the access record of one database taken through the migration, an alarm-driven step up and the teardown
 * on the local AWS with IAM enforced from the synthesized template: requests judged, denials (there should be
 * none), and the template's grants the run exercised and did not exercise (candidates for removal, or paths this
 * run does not take). `npm run bench -- iam --readme` also writes the counts into the README's access-record
 * paragraph, so the README reports a run rather than hand-typed numbers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Grant } from '#local/aws/iam/access-record';
import { prepareSyntheticFleet } from '#local/aws/synthetic-fleet';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { FleetRunError, migrateFleetToCdc } from './fleet.ts';

interface IamFigures {
  readonly requests: number;
  readonly denied: readonly string[];
  readonly grants: number;
  readonly exercisedGrants: number;
  readonly unexercisedGrants: readonly string[];
  /** Unexercised grants per IAM service prefix, most first. */
  readonly unexercisedByService: Readonly<Record<string, number>>;
}

const DATABASE = 'orders';
const DEADLINE_MS = 300_000;
const POLL_MS = 50;
/** Short resize windows, so a sustained-CPU alarm steps the instance up within a few emulated minutes. */
const RESIZE = {
  steadyClass: 'dms.t3.medium',
  floor: 'dms.t3.medium',
  cooldownMinutes: 10,
  stepUp: { sustainedMinutes: 5 },
  stepDown: { quietMinutes: 20 },
};
const README_START = '<!-- iam-access-record:start -->';
const README_END = '<!-- iam-access-record:end -->';

const grantLine = (grant: Grant): string =>
  `${grant.roleArn.split('/').pop()} ${grant.sid ?? '(no sid)'} ${grant.action}`;

const finished = (aws: LocalLakeshift, stateMachine: string): number =>
  aws.counters
    .executions()
    .filter((e) => e.stateMachineName === `lakeshift-${stateMachine}` && e.status !== 'RUNNING').length;

const waitFor = async (label: string, condition: () => boolean): Promise<void> => {
  const deadline = performance.now() + DEADLINE_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new FleetRunError(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
};

const countByService = (grants: readonly Grant[]): Record<string, number> => {
  const counts = new Map<string, number>();
  for (const grant of grants) {
    const service = grant.action.split(':')[0] ?? grant.action;
    counts.set(service, (counts.get(service) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort(([, a], [, b]) => b - a));
};

/** Words of `text` in lines of at most `width` characters. */
const wrap = (text: string, width: number): string[] =>
  text.split(' ').reduce<string[]>((lines, word) => {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
    return lines;
  }, []);

/** The README's paragraph for these figures, between its markers. */
export const readmeParagraph = (figures: IamFigures): string => {
  const byService = Object.entries(figures.unexercisedByService)
    .map(([service, count]) => `${service} ${count}`)
    .join(', ');
  const text =
    `The last \`iam\` run (one synthetic database through CDC, a step up and the teardown): ${figures.requests} ` +
    `requests judged, ${figures.denied.length} denied; of the template's ${figures.grants} grants (one per action ` +
    `of each Allow statement), ${figures.exercisedGrants} exercised and ${figures.unexercisedGrants.length} not, ` +
    `by service: ${byService}.`;
  return [README_START, ...wrap(text, 115), README_END].join('\n');
};

const writeReadme = async (figures: IamFigures): Promise<void> => {
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block`);
  await writeFile(
    path,
    text.slice(0, start) + readmeParagraph(figures) + text.slice(end + README_END.length),
  );
};

export default {
  title: 'IAM access record (one database through CDC, a step up and the teardown, IAM enforced)',
  key: 'iam',
  async run(): Promise<IamFigures> {
    const aws = await startLocalLakeshift({ clockSpeed: 300 });
    try {
      const fleet = prepareSyntheticFleet(aws, {
        migrationId: 'bench-iam',
        databaseIds: [DATABASE],
        resize: RESIZE,
      });
      await migrateFleetToCdc(aws, fleet, 1);
      // Load well above the steady class's CPU until the step up has run, then a quiet source.
      aws.synthetic.setChangeRateMultiplier(DATABASE, 3_000);
      await waitFor('a resize', () => finished(aws, 'resize-instance') >= 1);
      aws.synthetic.setChangeRateMultiplier(DATABASE, 0);
      await fleet.requestTeardown([DATABASE]);
      await waitFor('the teardown', () => finished(aws, 'teardown') >= 1);
      fleet.close();
      const iam = aws.iam;
      if (!iam) throw new Error('IAM enforcement is off');
      const summary = iam.record.summary(iam.model);
      const figures: IamFigures = {
        requests: summary.requests,
        denied: summary.denied.map((entry) => `${entry.principal} ${entry.action} ${entry.resource}`),
        grants: summary.exercisedGrants.length + summary.unexercisedGrants.length,
        exercisedGrants: summary.exercisedGrants.length,
        unexercisedGrants: summary.unexercisedGrants.map(grantLine),
        unexercisedByService: countByService(summary.unexercisedGrants),
      };
      if (process.argv.includes('--readme')) await writeReadme(figures);
      return figures;
    } finally {
      await aws.stop();
    }
  },
  format(result: unknown): string[] {
    const figures = result as IamFigures;
    return [
      `requests judged: ${figures.requests}, denied: ${figures.denied.length}`,
      ...figures.denied.map((line) => `  DENIED ${line}`),
      `grants: ${figures.grants}, exercised: ${figures.exercisedGrants}, not exercised: ${figures.unexercisedGrants.length}`,
      `not exercised by service: ${JSON.stringify(figures.unexercisedByService)}`,
      ...figures.unexercisedGrants.map((line) => `  unused ${line}`),
    ];
  },
};
