/** `plan.task.TableMappings`, `endpointArns[1]`: the field's path as a reader would write it. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('') || '(input)';
