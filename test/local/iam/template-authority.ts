import { IamAuthority } from '#local/aws/iam/authority';
import type { StackModel } from '#local/aws/iam/stack-model';

/** An IAM authority over `stack` with no DMS tags, secrets or task tokens to look up. */
export const authorityFor = (stack: StackModel): IamAuthority =>
  new IamAuthority({
    model: stack,
    operatorAccessKeyId: 'local',
    lookups: { dmsTags: () => [], secretArn: () => undefined, tokenExecution: () => undefined },
  });
