import { describe, expect, it } from 'vitest';
import {
  alarmStateChangePattern,
  dmsTaskStateChangePattern,
  migrationRequestedPattern,
} from '#contracts/patterns';
import { InvalidEventPatternError, matchesPattern, validatePattern } from '#local/aws/events/pattern';

// Events and patterns below are the examples of the EventBridge user guide ("Amazon EventBridge event patterns",
// "Content filtering in Amazon EventBridge event patterns").
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

describe('matchesPattern', () => {
  it('matches exact values on top-level and nested fields', () => {
    // Prepare
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };

    // Act
    const matched = matchesPattern(pattern, ec2Event);
    const other = matchesPattern(pattern, { ...ec2Event, detail: { state: 'running' } });

    // Assess
    expect(matched).toBe(true);
    expect(other).toBe(false);
  });

  it('matches when any element of an event array is among the pattern values', () => {
    // Prepare
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0',
      ],
    };

    // Act + Assess
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern(pattern, { ...ec2Event, resources: ['arn:aws:ec2:::instance/other'] })).toBe(false);
  });

  it('matches a prefix, with and without equals-ignore-case', () => {
    // Prepare
    const prefix = { time: [{ prefix: '2017-12-22' }] };
    const ignoreCase = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };

    // Act + Assess
    expect(matchesPattern(prefix, ec2Event)).toBe(true);
    expect(matchesPattern(prefix, { ...ec2Event, time: '2017-10-02T18:43:48Z' })).toBe(false);
    expect(matchesPattern(ignoreCase, { detail: { service: 'eventbridge' } })).toBe(true);
    expect(matchesPattern(ignoreCase, { detail: { service: 'lambda' } })).toBe(false);
  });

  it('matches a suffix and equals-ignore-case', () => {
    // Prepare
    const suffix = { FileName: [{ suffix: '.png' }] };
    const ignoreCase = { detail: { name: [{ 'equals-ignore-case': 'alice' }] } };

    // Act + Assess
    expect(matchesPattern(suffix, { FileName: 'photo.png' })).toBe(true);
    expect(matchesPattern(suffix, { FileName: 'photo.PNG' })).toBe(false);
    expect(matchesPattern(ignoreCase, { detail: { name: 'ALICE' } })).toBe(true);
    expect(matchesPattern(ignoreCase, { detail: { name: 'bob' } })).toBe(false);
  });

  it('matches anything-but a string, a number, a list and a prefix', () => {
    // Prepare
    const notInitializing = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    const notLimit = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    const notList = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    const notPrefix = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };

    // Act + Assess
    expect(matchesPattern(notInitializing, { detail: { state: 'running' } })).toBe(true);
    expect(matchesPattern(notInitializing, { detail: { state: 'initializing' } })).toBe(false);
    expect(matchesPattern(notLimit, { detail: { 'x-limit': 124 } })).toBe(true);
    expect(matchesPattern(notLimit, { detail: { 'x-limit': 123 } })).toBe(false);
    expect(matchesPattern(notList, { detail: { state: 'pending' } })).toBe(true);
    expect(matchesPattern(notList, { detail: { state: 'overloaded' } })).toBe(false);
    expect(matchesPattern(notPrefix, { detail: { state: 'running' } })).toBe(true);
    expect(matchesPattern(notPrefix, { detail: { state: 'initializing' } })).toBe(false);
  });

  it('never matches anything-but against an absent field', () => {
    // Prepare
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };

    // Act + Assess
    expect(matchesPattern(pattern, { detail: {} })).toBe(false);
  });

  it('matches numeric ranges as in the user guide', () => {
    // Prepare
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    const event = { detail: { 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 } };

    // Act + Assess
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { detail: { ...event.detail, 'c-count': 0 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { ...event.detail, 'd-count': 10 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { ...event.detail, 'x-limit': '301.8' } })).toBe(false);
  });

  it('matches exists true and exists false', () => {
    // Prepare
    const present = { detail: { state: [{ exists: true }] } };
    const absent = { detail: { 'c-count': [{ exists: false }] } };

    // Act + Assess
    expect(matchesPattern(present, ec2Event)).toBe(true);
    expect(matchesPattern(present, { detail: {} })).toBe(false);
    expect(matchesPattern(present, { detail: { state: { nested: 'object' } } })).toBe(false);
    expect(matchesPattern(absent, ec2Event)).toBe(true);
    expect(matchesPattern(absent, { detail: { 'c-count': 1 } })).toBe(false);
  });

  it('matches null and the empty string only by value', () => {
    // Prepare
    const nullPattern = { detail: { responseElements: [null] } };
    const emptyPattern = { detail: { eventVersion: [''] } };

    // Act + Assess
    expect(matchesPattern(nullPattern, { detail: { responseElements: null } })).toBe(true);
    expect(matchesPattern(nullPattern, { detail: {} })).toBe(false);
    expect(matchesPattern(emptyPattern, { detail: { eventVersion: '' } })).toBe(true);
    expect(matchesPattern(emptyPattern, { detail: { eventVersion: null } })).toBe(false);
  });

  it('matches either branch of $or', () => {
    // Prepare
    const pattern = {
      detail: {
        $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
      },
    };

    // Act + Assess
    expect(matchesPattern(pattern, { detail: { 'c-count': 3 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'd-count': 3 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': 9, 'd-count': 30 } })).toBe(false);
  });

  it('routes lakeshift events by the shared pattern objects', () => {
    // Prepare
    const request = {
      source: 'lakeshift',
      'detail-type': 'Migration Requested',
      detail: { migrationId: 'm' },
    };
    const stopped = {
      source: 'aws.dms',
      'detail-type': 'DMS Replication Task State Change',
      detail: { eventType: 'REPLICATION_TASK_STOPPED', eventId: 'DMS-EVENT-0079' },
    };
    const alarm = {
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      detail: { alarmName: 'lakeshift-m-db-cpu-high', state: { value: 'ALARM' } },
    };

    // Act + Assess
    expect(matchesPattern(migrationRequestedPattern, request)).toBe(true);
    expect(matchesPattern(dmsTaskStateChangePattern, stopped)).toBe(true);
    expect(
      matchesPattern(dmsTaskStateChangePattern, {
        ...stopped,
        detail: { eventType: 'REPLICATION_TASK_STARTED' },
      }),
    ).toBe(false);
    expect(matchesPattern(alarmStateChangePattern, alarm)).toBe(true);
    expect(
      matchesPattern(alarmStateChangePattern, {
        ...alarm,
        detail: { ...alarm.detail, state: { value: 'OK' } },
      }),
    ).toBe(false);
    expect(
      matchesPattern(alarmStateChangePattern, {
        ...alarm,
        detail: { ...alarm.detail, alarmName: 'other-cpu' },
      }),
    ).toBe(false);
  });
});

describe('validatePattern', () => {
  it('accepts every pattern lakeshift deploys', () => {
    // Act + Assess
    for (const pattern of [migrationRequestedPattern, dmsTaskStateChangePattern, alarmStateChangePattern]) {
      expect(() => validatePattern(pattern)).not.toThrow();
    }
  });

  it('rejects unsupported operators naming the field', () => {
    // Act + Assess
    expect(() => validatePattern({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })).toThrow(
      /detail\.ip: unsupported operator/,
    );
  });

  it('rejects a scalar where an array is required, an empty pattern and a malformed numeric', () => {
    // Act + Assess
    expect(() => validatePattern({ source: 'aws.ec2' })).toThrow(InvalidEventPatternError);
    expect(() => validatePattern({})).toThrow('Event pattern must not be empty');
    expect(() => validatePattern({ detail: { n: [{ numeric: ['>', 'five'] }] } })).toThrow(
      /detail\.n: "numeric" has an invalid pair/,
    );
  });
});
