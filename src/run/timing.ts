/** `PYLINT_PERF_TIMING=1`: how long each stage of a run took, and the memory after it, on stderr. */
export class Timer {
  private phase = performance.now();
  private readonly enabled = Boolean(process.env.PYLINT_PERF_TIMING);

  /** The time since the previous lap (or the start), under a label; starts the next lap. */
  lap(label: string): void {
    this.since(label, this.phase);
    this.phase = performance.now();
  }

  /** The time since `started`, under a label; the current lap goes on. */
  since(label: string, started: number): void {
    if (!this.enabled) return;
    // Under `node --expose-gc`, the memory still in use rather than what garbage happens to be left.
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    process.stderr.write(`timing ${label}: ${(performance.now() - started).toFixed(0)} ms (rss ${mb(rss)}, heap ${mb(heapUsed)})\n`);
  }
}
