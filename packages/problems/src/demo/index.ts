/**
 * The bundled demo set (`demo`): 12 LiveCodeBench-format problems (7 stdin, 5 functional),
 * each with public and private tests (plain JSON) and a reference solution. Ordered by contest date.
 */
import type { LcbRow } from '../lcb/row.js';
import { DEMO_FUNCTIONAL_ROWS } from './functional.js';
import { DEMO_STDIN_ROWS } from './stdin.js';

export const DEMO_ROWS: readonly LcbRow[] = [...DEMO_STDIN_ROWS, ...DEMO_FUNCTIONAL_ROWS].sort((a, b) =>
  a.contest_date < b.contest_date ? -1 : a.contest_date > b.contest_date ? 1 : 0,
);
