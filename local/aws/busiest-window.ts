/** The most timestamps (ms, any order) that fall inside any window of `windowMs`: how hard a service was driven. */
export const busiestWindow = (times: readonly number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
};
