import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type LogicalSlot, listLogicalSlots } from '#adapters/postgres';
import { ERROR_NAMES, SourceUnreachableError } from '#contracts/errors';
import { invokeHandler } from '#test/lambda-context';
import { keyOf, NOW, planFor, useHandlerWorld } from './fixtures.ts';

// Listing slots runs against a real PostgreSQL in the adapter's tests; here only what the handler decides.
vi.mock('#adapters/postgres', () => ({ listLogicalSlots: vi.fn(async () => []) }));

const world = useHandlerWorld();
const secrets = mockClient(SecretsManagerClient);
const slot = (name: string, active = false): LogicalSlot => ({
  name,
  plugin: 'test_decoding',
  active,
  retainedWalBytes: 0,
});

beforeEach(() => {
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ host: 'db', port: 5432, username: 'u', password: 'p', dbname: 'orders' }),
  });
  vi.mocked(listLogicalSlots).mockReset();
});

describe('Handler: record-replication-slot', () => {
  it('records the one slot that appeared after the first start, and never one that was there before', async () => {
    // Prepare
    const plan = planFor('rec-1');
    await world.seed(plan, 'PROVISIONING');
    vi.mocked(listLogicalSlots)
      .mockResolvedValueOnce([slot('someone_elses')])
      .mockResolvedValueOnce([slot('someone_elses', true), slot('abc123_dms_made', true)]);
    // Act
    const before = await invokeHandler('record-replication-slot', {
      ...keyOf(plan),
      stage: 'before-start',
      now: NOW,
    });
    const after = await invokeHandler('record-replication-slot', {
      ...keyOf(plan),
      stage: 'after-start',
      now: NOW,
    });
    // Assess
    expect(before).toEqual({ slotName: null, slotsBeforeStart: ['someone_elses'] });
    expect(after).toEqual({ slotName: 'abc123_dms_made' });
    expect((await world.registry().require(keyOf(plan))).replicationSlot).toEqual({
      name: 'abc123_dms_made',
      recordedAt: NOW,
    });
  });

  it('asks to be retried while the task has not created its slot yet', async () => {
    // Prepare
    const plan = planFor('rec-2');
    await world.seed(plan, 'PROVISIONING');
    vi.mocked(listLogicalSlots).mockResolvedValue([]);
    await invokeHandler('record-replication-slot', { ...keyOf(plan), stage: 'before-start', now: NOW });
    // Act
    const attempt = invokeHandler('record-replication-slot', {
      ...keyOf(plan),
      stage: 'after-start',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.slotNotYetCreated });
  });

  it('records nothing when it cannot tell which of several new slots is the task’s', async () => {
    // Prepare
    const plan = planFor('rec-3');
    await world.seed(plan, 'PROVISIONING');
    vi.mocked(listLogicalSlots)
      .mockResolvedValueOnce([])
      .mockResolvedValueOnce([slot('first_new', true), slot('second_new', true)]);
    await invokeHandler('record-replication-slot', { ...keyOf(plan), stage: 'before-start', now: NOW });
    // Act
    const attempt = invokeHandler('record-replication-slot', {
      ...keyOf(plan),
      stage: 'after-start',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.slotAmbiguous,
      message: expect.stringContaining('first_new, second_new'),
    });
    expect((await world.registry().require(keyOf(plan))).replicationSlot).toBeUndefined();
  });

  it('records nothing when the look before the start never happened, without trying the source again', async () => {
    // Prepare
    const plan = planFor('rec-5');
    await world.seed(plan, 'PROVISIONING');
    // The source that could not be read before the start.
    vi.mocked(listLogicalSlots).mockRejectedValue(
      new SourceUnreachableError('the source database is unreachable'),
    );
    // Act
    const attempt = invokeHandler('record-replication-slot', {
      ...keyOf(plan),
      stage: 'after-start',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.slotAmbiguous });
    expect(listLogicalSlots).not.toHaveBeenCalled();
    expect((await world.registry().require(keyOf(plan))).replicationSlot).toBeUndefined();
  });

  it('keeps the first look before the start when a start is retried', async () => {
    // Prepare
    const plan = planFor('rec-4');
    await world.seed(plan, 'PROVISIONING');
    vi.mocked(listLogicalSlots)
      .mockResolvedValueOnce([])
      .mockResolvedValueOnce([slot('task_slot', true)]);
    await invokeHandler('record-replication-slot', { ...keyOf(plan), stage: 'before-start', now: NOW });
    // Act
    const again = await invokeHandler('record-replication-slot', {
      ...keyOf(plan),
      stage: 'before-start',
      now: NOW,
    });
    // Assess
    expect(again).toEqual({ slotName: null, slotsBeforeStart: [] });
  });
});
