/**
 * IAM enforcement for the local AWS: knows the principals (by access key), evaluates each request's checks against
 * the template's policies, records every decision, and answers a denial as AWS does.
 */
import { AwsServiceError } from '../../http/service.ts';
import { AccessRecord, refOf } from './access-record.ts';
import { contextOf } from './conditions.ts';
import { type AuthorizationRequest, type Evaluation, evaluate } from './evaluate.ts';
import { accessKeyOf, type Principal, Principals, type RoleSession } from './principals.ts';
import {
  type AuthorizationCheck,
  authorizationChecks,
  DEFAULT_IAM_SETTINGS,
  IAM_SERVICE_BY_TARGET,
  type IamSettings,
  type ServiceLookups,
} from './request-context.ts';
import type { StackModel } from './stack-model.ts';
import { arnMatch } from './wildcard.ts';

/** The error AWS answers a denied request with, in the shape of the service's protocol. */
export class AccessDeniedError extends AwsServiceError {
  constructor(protocolCode: 'AccessDeniedException' | 'AccessDenied', message: string) {
    super(protocolCode, message, 400);
  }
}

/** AWS's denial message: principal, action, resource and why. */
export const denialMessage = (
  principalArn: string,
  check: AuthorizationCheck,
  evaluation: Evaluation,
): string => {
  const why =
    evaluation.decision === 'explicitDeny'
      ? `with an explicit deny in ${evaluation.deniedBy === 'resource' ? 'a resource-based' : 'an identity-based'} policy`
      : `because no identity-based policy allows the ${check.action} action`;
  return `User: ${principalArn} is not authorized to perform: ${check.action} on resource: ${check.resource} ${why}`;
};

/** Query-protocol services (CloudWatch) and S3 name the error `AccessDenied`; JSON services `AccessDeniedException`. */
const errorCodeFor = (service: string): 'AccessDeniedException' | 'AccessDenied' =>
  service === 'cloudwatch' || service === 's3' ? 'AccessDenied' : 'AccessDeniedException';

export class MissingAuthenticationTokenError extends AwsServiceError {
  constructor() {
    super('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
  }
}

export class UnrecognizedClientError extends AwsServiceError {
  constructor() {
    super('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  }
}

export interface IamAuthorityOptions {
  readonly model: StackModel;
  readonly lookups: ServiceLookups;
  readonly operatorAccessKeyId: string;
  readonly settings?: IamSettings;
}

export class IamAuthority {
  readonly principals: Principals;
  readonly record = new AccessRecord();
  readonly model: StackModel;
  private readonly lookups: ServiceLookups;
  private readonly settings: IamSettings;

  constructor(options: IamAuthorityOptions) {
    this.model = options.model;
    this.lookups = options.lookups;
    this.settings = options.settings ?? DEFAULT_IAM_SETTINGS;
    this.principals = new Principals(options.operatorAccessKeyId);
  }

  /** The session a function runs with (its role, named after the function). */
  functionSession(functionName: string): RoleSession | undefined {
    const role = this.model.functionRoles.get(functionName);
    return role ? this.principals.session(role, functionName) : undefined;
  }

  roleSession(roleArn: string, sessionName: string): RoleSession {
    return this.principals.session(roleArn, sessionName);
  }

  /** Authorizes one request that arrived over HTTP (the principal from its SigV4 header). */
  authorizeRequest(
    targetPrefix: string,
    operation: string,
    input: Record<string, unknown>,
    authorization: string | undefined,
  ): void {
    const service = IAM_SERVICE_BY_TARGET[targetPrefix];
    if (!service) return;
    this.authorizeSigned(service, operation, input, authorization);
  }

  /** Authorizes one request of `service` (an IAM prefix) as the principal its SigV4 header names. */
  authorizeSigned(
    service: string,
    operation: string,
    input: Record<string, unknown>,
    authorization: string | undefined,
  ): void {
    const accessKeyId = accessKeyOf(authorization);
    if (!accessKeyId) throw new MissingAuthenticationTokenError();
    const principal = this.principals.byAccessKeyId(accessKeyId);
    if (!principal) throw new UnrecognizedClientError();
    this.authorize(
      principal,
      service,
      authorizationChecks(service, operation, input, this.lookups, this.settings),
    );
  }

  /** Authorizes a call a service makes in process as `principal` (Step Functions, EventBridge, DMS). */
  authorizeAs(
    principal: Principal,
    service: string,
    operation: string,
    input: Record<string, unknown>,
  ): void {
    this.authorize(
      principal,
      service,
      authorizationChecks(service, operation, input, this.lookups, this.settings),
    );
  }

  /** Authorizes explicit checks (e.g. DMS writing an object as the S3 role). */
  authorize(principal: Principal, service: string, checks: readonly AuthorizationCheck[]): void {
    if (principal.kind === 'operator') return;
    for (const check of checks) {
      const evaluation = this.evaluateCheck(principal, check);
      if (evaluation.decision !== 'allow') {
        throw new AccessDeniedError(errorCodeFor(service), denialMessage(principal.arn, check, evaluation));
      }
    }
  }

  /**
   * DMS writing one lake object as the role the S3 endpoint names (`ServiceAccessRoleArn`): `s3:PutObject` on the
   * object, judged with the role's policies and the bucket policy. The local lake folder stands for the bucket.
   */
  authorizeLakeWrite(roleArn: string, bucket: string, key: string): void {
    this.authorize(this.roleSession(roleArn, 'dms'), 's3', [
      { action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${key}`, context: {} },
    ]);
  }

  /** Whether a service principal may invoke a function: the function's resource policy decides. */
  authorizeServiceInvoke(servicePrincipal: string, functionArn: string, sourceArn: string): void {
    const request: AuthorizationRequest = {
      principalArn: servicePrincipal,
      servicePrincipal,
      action: 'lambda:InvokeFunction',
      resource: functionArn,
      context: contextOf({ 'aws:SourceArn': sourceArn }),
    };
    const evaluation = evaluate(request, [], this.resourcePoliciesFor(functionArn));
    this.record.add({
      principal: servicePrincipal,
      roleArn: servicePrincipal,
      action: request.action,
      resource: functionArn,
      decision: evaluation.decision,
      context: { 'aws:SourceArn': sourceArn },
      statements: evaluation.matched.map(refOf),
    });
    if (evaluation.decision !== 'allow') {
      throw new AccessDeniedError(
        'AccessDeniedException',
        denialMessage(
          servicePrincipal,
          { action: request.action, resource: functionArn, context: {} },
          evaluation,
        ),
      );
    }
  }

  private evaluateCheck(session: RoleSession, check: AuthorizationCheck): Evaluation {
    const role = this.model.roles.get(session.roleArn);
    const context = {
      'aws:PrincipalArn': session.roleArn,
      'aws:PrincipalAccount': session.roleArn.split(':')[4] ?? '',
      'aws:SecureTransport': 'true',
      ...check.context,
    };
    const evaluation = evaluate(
      {
        principalArn: session.roleArn,
        action: check.action,
        resource: check.resource,
        context: contextOf(context),
      },
      role?.policies ?? [],
      this.resourcePoliciesFor(check.resource),
    );
    this.record.add({
      principal: session.arn,
      roleArn: session.roleArn,
      action: check.action,
      resource: check.resource,
      decision: evaluation.decision,
      context,
      statements: evaluation.matched.map(refOf),
    });
    return evaluation;
  }

  private resourcePoliciesFor(resource: string) {
    return this.model.resourcePolicies
      .filter((entry) => entry.resources.some((pattern) => arnMatch(pattern, resource)))
      .map((entry) => entry.policy);
  }
}
