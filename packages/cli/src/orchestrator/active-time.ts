/**
 * The run's active time: seconds an orchestrator of the run was up, summed over every session (a stop and
 * a resume do not count the time between). Kept in `results/NAME/active.json` as `{ "active_s": …,
 * "updated_at": … }`, written every ACTIVE_WRITE_MS by the orchestrator; `passk status` divides the samples
 * done by it for the run's average rate.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { writeResultFile, type RunLayout } from '@passk/core';

export const ACTIVE_WRITE_MS = 10_000;
/** A tick longer than this (a suspended machine) counts as this much. */
const MAX_TICK_MS = 5_000;

export interface ActiveTime {
  active_s: number;
  updated_at: string;
}

export const activeFile = (layout: RunLayout) => path.join(layout.resultsDir, 'active.json');

export async function readActiveTime(layout: RunLayout): Promise<ActiveTime | undefined> {
  try {
    const value = JSON.parse(await readFile(activeFile(layout), 'utf8')) as ActiveTime;
    return Number.isFinite(value.active_s) ? value : undefined;
  } catch {
    return undefined;
  }
}

export class ActiveClock {
  private last = Date.now();
  private lastWrite = 0;
  private constructor(
    private readonly layout: RunLayout,
    private activeMs: number,
  ) {}

  static async start(layout: RunLayout): Promise<ActiveClock> {
    return new ActiveClock(layout, ((await readActiveTime(layout))?.active_s ?? 0) * 1000);
  }

  /** Count the time since the last tick; write the file every ACTIVE_WRITE_MS (or when `force`). */
  async tick(force = false): Promise<void> {
    const now = Date.now();
    this.activeMs += Math.min(MAX_TICK_MS, Math.max(0, now - this.last));
    this.last = now;
    if (!force && now - this.lastWrite < ACTIVE_WRITE_MS) return;
    this.lastWrite = now;
    const value: ActiveTime = { active_s: Math.round(this.activeMs / 100) / 10, updated_at: new Date(now).toISOString() };
    await writeResultFile(activeFile(this.layout), `${JSON.stringify(value)}\n`).catch(() => {});
  }
}
