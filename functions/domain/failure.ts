/**
 * The readable part of a Step Functions error cause. A Lambda failure arrives as the JSON the runtime reports
 * (`{"errorType","errorMessage","trace"}`); the registry and the Migration Failed event keep its message.
 */
export const readableCause = (cause: string | undefined): string => {
  if (!cause) return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      return String(parsed.errorMessage);
    }
  } catch {
    // Not JSON: a Fail state's or a service's own text.
  }
  return cause;
};
