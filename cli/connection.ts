/**
 * Where the command line talks to: a deployed stack (the SDK's default credentials and region) or a local AWS
 * (`--endpoint-url` or `AWS_ENDPOINT_URL`). Either way the stack is found by name and its outputs are read with
 * CloudFormation DescribeStacks, so both go through the same code.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS } from '#contracts/stack-outputs';
import { MissingCredentialsError, StackNotFoundError } from './errors.ts';

export interface ConnectionOptions {
  readonly stackName: string;
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** Explicit credentials (tests); the SDK's default provider chain otherwise. */
  readonly credentials?: Credentials | undefined;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The client configuration every SDK client of the command line is built with. */
export interface ClientConfig {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: Credentials;
}

export interface StackConnection {
  readonly stackName: string;
  readonly config: ClientConfig;
  readonly eventBusName: string;
  readonly registryTableName: string;
  readonly outputs: Readonly<Record<string, string>>;
}

const clientConfig = (options: ConnectionOptions): ClientConfig => ({
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.region ? { region: options.region } : {}),
  ...(options.credentials ? { credentials: options.credentials } : {}),
});

const isCredentialsError = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'CredentialsProviderError' || /credential/i.test(error.message)) &&
  !/does not exist/.test(error.message);

const isRegionError = (error: unknown): boolean =>
  error instanceof Error && /Region is missing/i.test(error.message);

/** Reads the stack's outputs; the errors say what to do. */
export const connect = async (options: ConnectionOptions): Promise<StackConnection> => {
  const config = clientConfig(options);
  const cloudFormation = new CloudFormationClient(config);
  try {
    const described = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stackName }));
    const stack = described.Stacks?.[0];
    const outputs = Object.fromEntries(
      (stack?.Outputs ?? []).flatMap((output) =>
        output.OutputKey && output.OutputValue !== undefined ? [[output.OutputKey, output.OutputValue]] : [],
      ),
    );
    const eventBusName = outputs[STACK_OUTPUTS.eventBusName];
    const registryTableName = outputs[STACK_OUTPUTS.registryTableName];
    if (!eventBusName || !registryTableName) {
      throw new StackNotFoundError(
        `stack ${options.stackName} has no ${STACK_OUTPUTS.eventBusName} or ${STACK_OUTPUTS.registryTableName} output: is it a lakeshift stack? Name the right one with --stack`,
      );
    }
    return { stackName: options.stackName, config, eventBusName, registryTableName, outputs };
  } catch (error) {
    if (error instanceof StackNotFoundError) throw error;
    if (error instanceof Error && /does not exist/.test(error.message)) {
      throw new StackNotFoundError(
        `stack ${options.stackName} not found${options.region ? ` in ${options.region}` : ''}: deploy it with \`npm run deploy\`, or name it with --stack (and the region with --region or AWS_REGION)`,
      );
    }
    if (isRegionError(error)) {
      throw new MissingCredentialsError('no AWS region: set AWS_REGION or pass --region');
    }
    if (isCredentialsError(error)) {
      throw new MissingCredentialsError(
        'no AWS credentials: run `aws configure` or `aws sso login`, or set AWS_PROFILE (for the local AWS set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to any value)',
      );
    }
    throw error;
  } finally {
    cloudFormation.destroy();
  }
};
