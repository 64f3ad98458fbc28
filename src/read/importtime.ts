/**
 * The output of `python -X importtime` (or `PYTHONPROFILEIMPORTTIME=1`): one line per imported
 * module, `import time: self [us] | cumulative | imported package`, with the package name indented
 * by nesting. Other stderr output (warnings, tracebacks, the program's own logs) is skipped.
 */

export interface ImportTiming {
  /** Microseconds spent in the module itself. */
  selfUs: number;
  /** Microseconds including the modules it imported first. */
  cumulativeUs: number;
}

export type ImportTimes = ReadonlyMap<string, ImportTiming>;

const LINE = /^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\S.*?)\s*$/;

export function parseImportTime(text: string): { times: Map<string, ImportTiming>; lines: number } {
  const times = new Map<string, ImportTiming>();
  let lines = 0;
  for (const raw of text.split(/\r?\n/)) {
    const m = LINE.exec(raw);
    if (!m) continue;
    lines++;
    const name = m[3].trim();
    const timing = { selfUs: Number(m[1]), cumulativeUs: Number(m[2]) };
    // A module appears once per process; with logs of several processes keep the largest.
    const seen = times.get(name);
    if (!seen || seen.cumulativeUs < timing.cumulativeUs) times.set(name, timing);
  }
  return { times, lines };
}
