/**
 * A Task state's failure as Step Functions reports it: `name` is the error that Retry/Catch match, `message` the
 * cause (aws-local-stepfunctions takes both from the thrown error).
 */
export class TaskError extends Error {
  constructor(
    override readonly name: string,
    cause: string,
  ) {
    super(cause);
  }
}
