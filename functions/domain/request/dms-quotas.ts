/**
 * The DMS account quotas a fleet request would run past (docs/failure-semantics.md, "Quotas"). lakeshift creates one
 * replication instance, two endpoints and one task per database; past a quota DMS refuses the create
 * (`ResourceQuotaExceededFault`, `StorageQuotaExceededFault`) and that database fails. validate-request compares
 * what the databases it starts would create with the account's quotas (`DescribeAccountAttributes`) and warns,
 * naming each quota, before anything is created.
 */
import type { AccountQuota } from '@aws-sdk/client-database-migration-service';
import { errorText } from '#contracts/errors';
import type { RegistryItem } from '#domain/registry-item';

/** The AccountQuotaName values compared; a quota DescribeAccountAttributes does not list is not checked. */
export const CHECKED_DMS_QUOTAS = {
  instances: 'ReplicationInstances',
  storageGb: 'AllocatedStorage',
  endpoints: 'Endpoints',
  tasks: 'ReplicationTasks',
} as const;

type QuotaName = (typeof CHECKED_DMS_QUOTAS)[keyof typeof CHECKED_DMS_QUOTAS];

/** One database this trigger starts: what its plan creates, and the resources its registry item already names. */
export interface StartedDatabase {
  readonly allocatedStorageGb: number;
  readonly item?: Pick<RegistryItem, 'instanceArn' | 'sourceEndpointArn' | 'targetEndpointArn' | 'taskArn'>;
}

/** A database this trigger starts, from its plan and its registry item (none for a new database). */
export const startedDatabase = (
  plan: { readonly instance: { readonly AllocatedStorage: number } },
  item: StartedDatabase['item'] | undefined,
): StartedDatabase => ({
  allocatedStorageGb: plan.instance.AllocatedStorage,
  ...(item === undefined ? {} : { item }),
});

export interface QuotaShortfall {
  readonly quota: QuotaName;
  readonly needed: number;
  readonly used: number;
  readonly max: number;
}

/**
 * What the started databases would create. A retry after a failure adopts the resources whose ARNs the registry
 * kept (they already count as used); a re-run after a teardown, whose ARNs were removed, creates them again.
 */
export const quotaNeeds = (started: readonly StartedDatabase[]): Readonly<Record<QuotaName, number>> => {
  const needs = { ReplicationInstances: 0, AllocatedStorage: 0, Endpoints: 0, ReplicationTasks: 0 };
  for (const { allocatedStorageGb, item } of started) {
    if (item?.instanceArn === undefined) {
      needs.ReplicationInstances += 1;
      needs.AllocatedStorage += allocatedStorageGb;
    }
    if (item?.sourceEndpointArn === undefined) needs.Endpoints += 1;
    if (item?.targetEndpointArn === undefined) needs.Endpoints += 1;
    if (item?.taskArn === undefined) needs.ReplicationTasks += 1;
  }
  return needs;
};

export const quotaShortfalls = (
  needs: Readonly<Record<QuotaName, number>>,
  quotas: readonly AccountQuota[],
): QuotaShortfall[] =>
  Object.values(CHECKED_DMS_QUOTAS).flatMap((quota) => {
    const answered = quotas.find((candidate) => candidate.AccountQuotaName === quota);
    if (answered?.Max === undefined) return [];
    const used = answered.Used ?? 0;
    const needed = needs[quota];
    return needed > 0 && used + needed > answered.Max ? [{ quota, needed, used, max: answered.Max }] : [];
  });

/** The warning for one shortfall: the quota, the figures, and what happens and what to do. */
const quotaWarning = (shortfall: QuotaShortfall): string =>
  `DMS quota ${shortfall.quota}: the databases this request starts need ${shortfall.needed}, and the account uses ${shortfall.used} of ${shortfall.max}; the databases past the quota fail when DMS refuses their create, until the quota is raised (Service Quotas) or databases are torn down, and can then be retried`;

/** Whether the started databases create anything, so that the quotas are worth reading at all. */
export const quotasToCheck = (started: readonly StartedDatabase[]): boolean =>
  Object.values(quotaNeeds(started)).some((needed) => needed > 0);

/** DescribeAccountAttributes' answer, or the error that kept it from answering. */
export type QuotaAnswer = { readonly quotas: readonly AccountQuota[] } | { readonly error: unknown };

/**
 * The warnings for the started databases given the account's answer. A quota that cannot be read is a warning too:
 * the check informs, and DMS's own refusal still fails only the databases past a quota.
 */
export const quotaWarnings = (started: readonly StartedDatabase[], answer: QuotaAnswer): string[] =>
  'error' in answer
    ? [`DMS quotas were not checked: ${errorText(answer.error)}`]
    : quotaShortfalls(quotaNeeds(started), answer.quotas).map(quotaWarning);
