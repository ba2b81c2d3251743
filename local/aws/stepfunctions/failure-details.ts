/**
 * Step Functions' limits on an execution's failure details: the API model's `SensitiveError` (256 characters) and
 * `SensitiveCause` (32,768 characters), the shapes of ExecutionFailedEventDetails and DescribeExecution's answer.
 * AWS does not document what it does when a Fail state's `ErrorPath` or `CausePath` resolves to a longer string, so
 * the local runtime takes a reading (local/aws/README.md, "Failure details"); the default is the worse one for a
 * user who reads the cause.
 */
export const MAX_FAILURE_ERROR_CHARACTERS = 256;
export const MAX_FAILURE_CAUSE_CHARACTERS = 32_768;

/**
 * `fail` (default): the execution fails with `States.Runtime` and a cause naming the limit, and the failure's own
 * error and cause are lost. `truncate`: each is cut to its limit.
 */
export type OversizedFailureDetails = 'fail' | 'truncate';

export interface FailureDetails {
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
}

const characters = (text: string | undefined): number => (text === undefined ? 0 : [...text].length);

const cut = (text: string | undefined, limit: number): string | undefined =>
  text === undefined || characters(text) <= limit ? text : [...text].slice(0, limit).join('');

/** The details an execution records for a failure, within Step Functions' limits as `reading` takes them. */
export const boundedFailureDetails = (
  details: FailureDetails,
  reading: OversizedFailureDetails = 'fail',
): FailureDetails => {
  const errorLength = characters(details.error);
  const causeLength = characters(details.cause);
  if (errorLength <= MAX_FAILURE_ERROR_CHARACTERS && causeLength <= MAX_FAILURE_CAUSE_CHARACTERS)
    return details;
  if (reading === 'truncate') {
    return {
      error: cut(details.error, MAX_FAILURE_ERROR_CHARACTERS),
      cause: cut(details.cause, MAX_FAILURE_CAUSE_CHARACTERS),
    };
  }
  const over =
    causeLength > MAX_FAILURE_CAUSE_CHARACTERS
      ? `cause is ${causeLength} characters, over the maximum of ${MAX_FAILURE_CAUSE_CHARACTERS}`
      : `error is ${errorLength} characters, over the maximum of ${MAX_FAILURE_ERROR_CHARACTERS}`;
  return { error: 'States.Runtime', cause: `The execution failed, but its failure ${over}.` };
};
