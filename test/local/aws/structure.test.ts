import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEdgesUnder } from '#test/import-graph';

const ROOT = process.cwd();

/** Every repository file `start` reaches through the imports of local/ and functions/. */
const reachableFrom = (start: string): Set<string> => {
  const next = new Map<string, string[]>();
  for (const folder of ['local', 'functions']) {
    for (const edge of importEdgesUnder(resolve(ROOT, folder), ROOT)) {
      const from = relative(ROOT, edge.from);
      next.set(from, [...(next.get(from) ?? []), relative(ROOT, edge.to)]);
    }
  }
  const seen = new Set([start]);
  const queue = [start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const target of next.get(file) ?? []) {
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return seen;
};

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

  it('is what local-lakeshift.ts starts before applying the stack', () => {
    // Act
    const reached = reachableFrom('local/local-lakeshift.ts');

    // Assess
    expect(reached.has('local/aws/index.ts')).toBe(true);
    expect(reached.has('local/stack.ts')).toBe(true);
  });
});
