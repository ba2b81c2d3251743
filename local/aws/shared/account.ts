/** The account and region every local resource lives in; ARNs are built from them as AWS builds them. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** `arn:aws:<service>:<region>:<account>:<resource>` in the local account. */
export const localArn = (service: string, resource: string): string =>
  `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${resource}`;

/** Dummy credentials: the local endpoint accepts any signature. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** What any AWS SDK or CLI needs to talk to the local endpoint. */
export const sdkEnvironment = (endpoint: string): Readonly<Record<string, string>> => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: 'true',
});

/** The bucket name local requests use: the local data plane writes every bucket into the lake folder. */
export const LOCAL_LAKE_BUCKET = 'lakeshift-local-lake';
