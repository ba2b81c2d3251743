import { describe, expect, it } from 'vitest';
import { TaskTokens } from '#local/aws/stepfunctions/task-tokens';
import { ManualClock } from '#local/clock';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:lakeshift-migrate-database:run-1';

describe('TaskTokens', () => {
  it('still names the execution of a token whose wait has ended, so a late completion is authorized against it', () => {
    // Prepare
    const tokens = new TaskTokens(new ManualClock());
    const token = tokens.issue(EXECUTION);
    tokens.succeed(token, {});

    // Act
    const owner = tokens.executionOf(token);

    // Assess
    expect(owner).toBe(EXECUTION);
    expect(() => tokens.succeed(token, {})).toThrow();
  });

  it('names no execution for a token it never issued', () => {
    // Prepare
    const tokens = new TaskTokens(new ManualClock());

    // Act
    const owner = tokens.executionOf('not-a-token');

    // Assess
    expect(owner).toBeUndefined();
  });
});
