/**
 * EventBridge schedule expressions. `rate(value unit)` is supported (what lakeshift's reconciler uses); `cron(...)`
 * is refused with a clear message rather than approximated.
 */
export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

const UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** The interval of a `rate(...)` expression in milliseconds. A value of 1 takes the singular unit, as AWS requires. */
export const parseRateExpression = (expression: string): number => {
  const match = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!match) {
    throw new ScheduleExpressionError(
      `"${expression}" is not a rate expression such as rate(5 minutes)${expression.startsWith('cron(') ? '; cron expressions are not supported locally' : ''}`,
    );
  }
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  if (value < 1)
    throw new ScheduleExpressionError(`"${expression}": the rate must be a positive whole number`);
  if ((value === 1) !== !unit.endsWith('s')) {
    throw new ScheduleExpressionError(
      `"${expression}": use the singular unit for 1 and the plural otherwise`,
    );
  }
  return value * (UNIT_MS[unit] ?? 0);
};
