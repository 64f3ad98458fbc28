/**
 * The field reports the rules are grounded in. A rule's documentation cites them by the short
 * name in its prose and lists them (by key) in `sources`; the documentation page ends with the
 * full citation, so a reader can find the original.
 */

export interface FieldReport {
  /** How the prose refers to it. */
  short: string;
  /** The full citation printed under "Sources". */
  citation: string;
}

export const FIELD_REPORTS = {
  R1: {
    short: 'the FastAPI start-up memory report',
    citation: 'A field report on FastAPI start-up memory: a route module importing `google.generativeai` (Japanese engineering blog).',
  },
  R2: {
    short: 'the FLINTERS load test',
    citation: 'FLINTERS engineering blog (2024 blog relay): FastAPI vs Flask under uvicorn and gunicorn, measured with a load generator.',
  },
  R3: {
    short: "Ubie's profiling write-up",
    citation: 'Ubie Advent Calendar 2022: profiling and visualising execution time in Python web frameworks.',
  },
  R4: {
    short: 'the Classmethod Lambda tuning talk',
    citation: 'Classmethod DevelopersIO, 2020-07-06: "Tuning ideas for running Python on AWS Lambda" (remote.py talk).',
  },
  R5: {
    short: '“High Performance FastAPI” (PyCon JP 2021)',
    citation: 'Ikuo Suyama (SmartNews), "High Performance FastAPI", PyCon JP 2021.',
  },
} as const satisfies Record<string, FieldReport>;

export type FieldReportKey = keyof typeof FIELD_REPORTS;
