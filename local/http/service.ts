/**
 * What every local AWS service implements: operations of one AWS JSON protocol service, routed by `X-Amz-Target`
 * (`<targetPrefix>.<Operation>`). The HTTP layer (`server.ts`) turns thrown `AwsServiceError`s into AWS error bodies.
 */
export type AwsJsonProtocol = 'json1.0' | 'json1.1';

export interface AwsJsonService {
  /** Service name for logs, e.g. `dms`. */
  readonly name: string;
  /** `X-Amz-Target` prefix, e.g. `AmazonDMSv20160101`. */
  readonly targetPrefix: string;
  readonly protocol: AwsJsonProtocol;
  /** CloudWatch speaks JSON with awsQueryCompatible: errors also carry `x-amzn-query-error`. */
  readonly queryCompatible?: boolean;
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/** An AWS error: `type` becomes `__type` (the SDK maps it to its exception class). */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    /** For query-compatible services: `Sender` or `Receiver`. */
    readonly fault: 'Sender' | 'Receiver' = statusCode >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/** Any thrown value as an AWS error: AWS errors as they are, anything else as a 500 `InternalFailure`. */
export const toAwsServiceError = (error: unknown): AwsServiceError =>
  error instanceof AwsServiceError
    ? error
    : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
