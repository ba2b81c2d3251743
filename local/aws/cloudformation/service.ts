/**
 * Local CloudFormation (query protocol, API version 2010-05-15): only `DescribeStacks`, for the stacks applied to
 * this local AWS, so that a client finds a local stack's outputs exactly as it finds a deployed one's. A stack that
 * was never applied is a `ValidationError` saying it does not exist, as CloudFormation answers.
 */

import { localArn } from '#local/aws/shared/account';
import type { QueryProtocolService } from '#local/aws/shared/query-protocol';
import { AwsServiceError } from '../../http/service.ts';

interface AppliedStack {
  readonly name: string;
  readonly id: string;
  readonly createdAt: Date;
  readonly outputs: Readonly<Record<string, string>>;
}

export class LocalCloudFormation implements QueryProtocolService {
  readonly apiVersion = '2010-05-15';
  readonly xmlNamespace = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  private readonly stacks = new Map<string, AppliedStack>();

  /** Records (or replaces) a stack applied in process, with its outputs by key. */
  putStack(name: string, outputs: Readonly<Record<string, string>>, now = new Date()): void {
    const existing = this.stacks.get(name);
    this.stacks.set(name, {
      name,
      id: existing?.id ?? localArn('cloudformation', `stack/${name}/${crypto.randomUUID()}`),
      createdAt: existing?.createdAt ?? now,
      outputs,
    });
  }

  async handle(action: string, input: Record<string, unknown>): Promise<unknown> {
    if (action !== 'DescribeStacks') {
      throw new AwsServiceError('InvalidAction', `${action} is not implemented by the local CloudFormation`);
    }
    const wanted = typeof input.StackName === 'string' ? input.StackName : undefined;
    const stacks = [...this.stacks.values()].filter(
      (stack) => wanted === undefined || stack.name === wanted || stack.id === wanted,
    );
    if (wanted !== undefined && stacks.length === 0) {
      throw new AwsServiceError('ValidationError', `Stack with id ${wanted} does not exist`);
    }
    return {
      Stacks: stacks.map((stack) => ({
        StackName: stack.name,
        StackId: stack.id,
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: stack.createdAt.toISOString(),
        Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
        })),
      })),
    };
  }
}
