/**
 * Who is calling, known the way AWS knows it: from the access key id in the request's SigV4 `Authorization`
 * header. Each role session (a Lambda function running with its role, a state machine, a rule target, DMS acting as
 * the role an endpoint names) has its own temporary access key; the local credentials (`LOCAL_CREDENTIALS`) belong
 * to the operator, who stands for the account's administrator (the deployer and the person at the CLI).
 */
import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '#local/aws/shared/account';

export interface RoleSession {
  readonly kind: 'role';
  readonly roleArn: string;
  readonly sessionName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`: what denial messages name. */
  readonly arn: string;
  readonly accessKeyId: string;
}

export interface Operator {
  readonly kind: 'operator';
  readonly arn: string;
  readonly accessKeyId: string;
}

export type Principal = RoleSession | Operator;

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

const roleName = (roleArn: string): string => roleArn.slice(roleArn.lastIndexOf('/') + 1);

export class Principals {
  private readonly byAccessKey = new Map<string, Principal>();

  constructor(operatorAccessKeyId: string) {
    this.byAccessKey.set(operatorAccessKeyId, {
      kind: 'operator',
      arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${operatorAccessKeyId}`,
      accessKeyId: operatorAccessKeyId,
    });
  }

  /** The session of `roleArn` named `sessionName`, created on first use (same inputs, same access key). */
  session(roleArn: string, sessionName: string): RoleSession {
    const digest = createHash('sha256').update(`${roleArn}\n${sessionName}`).digest('hex').toUpperCase();
    const accessKeyId = `ASIA${digest.slice(0, 16)}`;
    const existing = this.byAccessKey.get(accessKeyId);
    if (existing?.kind === 'role') return existing;
    const session: RoleSession = {
      kind: 'role',
      roleArn,
      sessionName,
      arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${roleName(roleArn)}/${sessionName}`,
      accessKeyId,
    };
    this.byAccessKey.set(accessKeyId, session);
    return session;
  }

  credentials(session: RoleSession): SessionCredentials {
    return {
      accessKeyId: session.accessKeyId,
      secretAccessKey: 'local',
      sessionToken: `local-${session.sessionName}`,
    };
  }

  byAccessKeyId(accessKeyId: string): Principal | undefined {
    return this.byAccessKey.get(accessKeyId);
  }
}

/** The access key id of a SigV4 `Authorization` header (`… Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export const accessKeyOf = (authorization: string | undefined): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
