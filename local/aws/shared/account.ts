/** The account and region every local resource lives in; ARNs are built from them as AWS builds them. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** `arn:aws:<service>:<region>:<account>:<resource>` in the local account. */
export const localArn = (service: string, resource: string): string =>
  `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${resource}`;
