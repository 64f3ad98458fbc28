/**
 * The progress line of a long run on a terminal: `parsing 1,204/6,933 files`, drawn over itself on
 * stderr once the run has taken a second, at most ten times a second, and erased at the end. Never
 * drawn when stderr is not a terminal or in CI (`CI` set): logs get no carriage returns.
 */

export interface ProgressLine {
  update(done: number, total: number): void;
  end(): void;
}

export function progressLine(stderr: { write(s: string): unknown; isTTY?: boolean }, env: NodeJS.ProcessEnv, now: () => number = Date.now): ProgressLine | undefined {
  if (stderr.isTTY !== true || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return undefined;
  const started = now();
  let drawn = false;
  let last = 0;
  const count = (n: number): string => n.toLocaleString('en-US');
  return {
    update(done, total) {
      const t = now();
      if (t - started < 1000 || (t - last < 100 && done < total)) return;
      last = t;
      drawn = true;
      stderr.write(`\rparsing ${count(done)}/${count(total)} files\x1b[K`);
    },
    end() {
      if (drawn) stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}
