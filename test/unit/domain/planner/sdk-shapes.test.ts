import type {
  CreateEndpointCommandInput,
  CreateReplicationInstanceCommandInput,
  CreateReplicationTaskCommandInput,
} from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { planDatabase } from '#domain/planner/plan-database';
import { parseMigrationRequest } from '#domain/request/parse';
import { threeDatabaseRequest } from '../request/fixtures.ts';

const environment = {
  dmsS3AccessRoleArn: 'arn:aws:iam::123456789012:role/lakeshift-dms-s3',
  dmsSecretsAccessRoleArn: 'arn:aws:iam::123456789012:role/lakeshift-dms-secrets',
  networks: {},
};

/** The plan's resource sections are SDK inputs as they stand: the type checker proves it, these tests run it. */
describe('DatabasePlan as SDK input', () => {
  it('passes the instance section to CreateReplicationInstance without conversion', () => {
    // Prepare
    const plan = planDatabase(parseMigrationRequest(threeDatabaseRequest()), 'orders', environment);

    // Act
    const input: CreateReplicationInstanceCommandInput = plan.instance;

    // Assess
    expect(input.ReplicationInstanceIdentifier).toBe(plan.identifiers.instance);
  });

  it('passes both endpoint sections to CreateEndpoint without conversion', () => {
    // Prepare
    const plan = planDatabase(parseMigrationRequest(threeDatabaseRequest()), 'orders', environment);

    // Act
    const inputs: CreateEndpointCommandInput[] = [plan.sourceEndpoint, plan.targetEndpoint];

    // Assess
    expect(inputs.map((input) => input.EndpointType)).toEqual(['source', 'target']);
  });

  it('passes the task section to CreateReplicationTask once the ARNs are known', () => {
    // Prepare
    const plan = planDatabase(parseMigrationRequest(threeDatabaseRequest()), 'orders', environment);

    // Act
    const input: CreateReplicationTaskCommandInput = {
      ...plan.task,
      ReplicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE',
      SourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE',
      TargetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:TARGET',
    };

    // Assess
    expect(input.MigrationType).toBe('full-load-and-cdc');
  });
});
