import { describe, expect, it } from 'vitest';
import { reachableFrom } from '../import-graph.ts';

describe('the generic local AWS (local/aws/index.ts)', () => {
  it("reaches neither lakeshift's stack nor the handlers the stack deploys through its imports", () => {
    // Prepare
    const lakeshiftOnly = (file: string) =>
      file === 'local/stack.ts' ||
      file === 'local/local-lakeshift.ts' ||
      file.startsWith('functions/handlers/');

    // Act
    const reached = [...reachableFrom('local/aws/index.ts')];

    // Assess
    expect(reached).toContain('local/aws/cloudwatch/service.ts');
    expect(reached.filter(lakeshiftOnly)).toEqual([]);
  });
});
