/** The report header's line for a regraded run (`passk regrade`): whose samples it grades again, and how they were graded there. */
import type { Plan } from '@passk/core';

export function regradeNote(plan: Pick<Plan, 'regraded_from'>): string {
  const from = plan.regraded_from;
  if (!from) return '';
  return ` Regrade of run \`${from.run}\` (its samples graded again, nothing generated; there graded ${from.grading}, grader ${from.grader_version ?? 'version not recorded'}).`;
}
