import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * An encrypted, TLS-only queue that holds what could not be delivered or handled, for 14 days (SQS's longest).
 * It is the end of the line: nothing consumes it automatically, an operator reads it (a health alarm fires on its
 * first message) and redrives by hand. So it has no dead-letter queue of its own, which both cdk-nag packs ask
 * for; `holds` says whose failures it keeps, and becomes the reason.
 */
export const failureQueue = (scope: Construct, id: string, holds: string): sqs.Queue => {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason = `This queue is itself the ${holds}: nothing consumes it automatically, so no receive count can pass a limit.`;
  for (const ruleId of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
    Validations.of(queue).acknowledge({ id: ruleId, reason });
  }
  return queue;
};
