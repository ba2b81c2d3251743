/** The metric alarms of the local CloudWatch and their operations: PutMetricAlarm, DescribeAlarms, DeleteAlarms,
 * SetAlarmState, ListTagsForResource. */

import { localArn } from '#local/aws/shared/account';
import type { ServiceEvent } from '#local/aws/shared/service-event';
import {
  oneOf,
  optionalList,
  optionalNumber,
  optionalString,
  requiredString,
  validationError,
} from '#local/aws/shared/validation';
import { AwsServiceError } from '../../http/service.ts';
import { describeAlarm, type MetricAlarm, parseAlarmDefinition } from './alarm-definition.ts';
import { ALARM_STATES } from './alarm-evaluation.ts';
import { changeAlarmState } from './alarm-state-change.ts';

export class AlarmOperations {
  private readonly alarms = new Map<string, MetricAlarm>();

  constructor(
    private readonly now: () => number,
    private readonly publish: (event: ServiceEvent) => void,
  ) {}

  all(): Iterable<MetricAlarm> {
    return this.alarms.values();
  }

  putMetricAlarm(input: Record<string, unknown>): unknown {
    const definition = parseAlarmDefinition(input);
    const now = this.now();
    const existing = this.alarms.get(definition.name);
    this.alarms.set(definition.name, {
      ...definition,
      arn: localArn('cloudwatch', `alarm:${definition.name}`),
      input,
      configUpdatedAt: now,
      tags: (optionalList(input, 'Tags') ?? existing?.tags ?? []) as { Key: string; Value: string }[],
      // An update keeps the state; a new alarm starts unchecked, as on AWS.
      state: existing?.state ?? {
        value: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updatedAt: now,
        transitionedAt: now,
      },
    });
    return {};
  }

  describeAlarms(input: Record<string, unknown>): unknown {
    const names = optionalList(input, 'AlarmNames')?.map(String);
    const prefix = optionalString(input, 'AlarmNamePrefix');
    if (names && prefix) {
      throw new AwsServiceError(
        'InvalidParameterCombination',
        'AlarmNames and AlarmNamePrefix cannot be used together.',
      );
    }
    const stateValue = oneOf('stateValue', optionalString(input, 'StateValue'), ALARM_STATES);
    const maxRecords = optionalNumber(input, 'MaxRecords') ?? 50;
    if (maxRecords < 1 || maxRecords > 100)
      throw validationError('maxRecords', maxRecords, 'Member must be between 1 and 100');
    const offset = Number(optionalString(input, 'NextToken') ?? '0');
    const matching = [...this.alarms.values()]
      .filter((alarm) => (!names || names.includes(alarm.name)) && (!prefix || alarm.name.startsWith(prefix)))
      .filter((alarm) => !stateValue || alarm.state.value === stateValue)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = matching.slice(offset, offset + maxRecords);
    return {
      MetricAlarms: page.map((alarm) => describeAlarm(alarm)),
      CompositeAlarms: [],
      NextToken: offset + maxRecords < matching.length ? String(offset + maxRecords) : undefined,
    };
  }

  deleteAlarms(input: Record<string, unknown>): unknown {
    const names = (optionalList(input, 'AlarmNames') ?? []).map(String);
    const missing = names.filter((name) => !this.alarms.has(name));
    if (missing.length > 0)
      throw new AwsServiceError('ResourceNotFound', `Alarm(s) not found: ${missing.join(', ')}`, 404);
    for (const name of names) this.alarms.delete(name);
    return {};
  }

  setAlarmState(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'AlarmName');
    const alarm = this.alarms.get(name);
    if (!alarm) throw new AwsServiceError('ResourceNotFound', `Alarm ${name} not found`, 404);
    const value = oneOf('stateValue', requiredString(input, 'StateValue'), ALARM_STATES);
    if (!value) throw validationError('stateValue', undefined, 'Member must not be null');
    const reasonData = optionalString(input, 'StateReasonData');
    if (reasonData !== undefined) {
      try {
        JSON.parse(reasonData);
      } catch {
        throw new AwsServiceError('InvalidFormat', 'StateReasonData is not valid JSON');
      }
    }
    changeAlarmState(
      alarm,
      { value, reason: requiredString(input, 'StateReason'), reasonData },
      this.now(),
      this.publish,
    );
    return {};
  }

  listTagsForResource(input: Record<string, unknown>): unknown {
    const arn = requiredString(input, 'ResourceARN');
    const alarm = [...this.alarms.values()].find((a) => a.arn === arn);
    if (!alarm) throw new AwsServiceError('ResourceNotFoundException', `Resource ${arn} not found`, 404);
    return { Tags: alarm.tags };
  }
}
