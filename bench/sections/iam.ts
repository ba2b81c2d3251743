/**
 * `iam`: the access record of one database migrated to CDC on the local AWS with IAM enforced from the
 * synthesized template: requests judged, denials (there should be none), and the template's grants the run
 * exercised and did not exercise (candidates for removal, or paths this run does not take: resize, teardown).
 */

import { prepareSyntheticFleet } from '#local/aws/synthetic-fleet';
import { startLocalLakeshift } from '#local/local-lakeshift';
import { migrateFleetToCdc } from './fleet.ts';

interface IamFigures {
  readonly requests: number;
  readonly denied: readonly string[];
  readonly exercisedGrants: number;
  readonly unexercisedGrants: readonly string[];
}

const grantLine = (grant: { roleArn: string; sid?: string; action: string }): string =>
  `${grant.roleArn.split('/').pop()} ${grant.sid ?? '(no sid)'} ${grant.action}`;

export default {
  title: 'IAM access record (one database to CDC, IAM enforced)',
  key: 'iam',
  async run(): Promise<IamFigures> {
    const aws = await startLocalLakeshift({ clockSpeed: 300 });
    try {
      const fleet = prepareSyntheticFleet(aws, { migrationId: 'bench-iam', databaseIds: ['orders'] });
      await migrateFleetToCdc(aws, fleet, 1);
      fleet.close();
      const iam = aws.iam;
      if (!iam) throw new Error('IAM enforcement is off');
      const summary = iam.record.summary(iam.model);
      return {
        requests: summary.requests,
        denied: summary.denied.map((entry) => `${entry.principal} ${entry.action} ${entry.resource}`),
        exercisedGrants: summary.exercisedGrants.length,
        unexercisedGrants: summary.unexercisedGrants.map(grantLine),
      };
    } finally {
      await aws.stop();
    }
  },
  format(result: unknown): string[] {
    const figures = result as IamFigures;
    return [
      `requests judged: ${figures.requests}, denied: ${figures.denied.length}`,
      ...figures.denied.map((line) => `  DENIED ${line}`),
      `grants exercised: ${figures.exercisedGrants}, not exercised: ${figures.unexercisedGrants.length}`,
      ...figures.unexercisedGrants.map((line) => `  unused ${line}`),
    ];
  },
};
