/**
 * Is the source run still going? Its worker records (`workers/*.json` in its queue dir) of live
 * processes: on this host a running pid, elsewhere a heartbeat under 30 s (as `passk status` decides).
 * A regrade reads a stopped or finished run; shards of a live one may be in flight between directories.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { localHost, pidAlive, readRegularText, SMALL_FILE_MAX_BYTES, type RunLayout, type WorkerRecord } from '@passk/core';

export async function liveWorkers(source: RunLayout): Promise<string[]> {
  const host = localHost();
  const live: string[] = [];
  for (const name of await readdir(source.workersDir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    let record: WorkerRecord;
    try {
      record = JSON.parse(await readRegularText(path.join(source.workersDir, name), SMALL_FILE_MAX_BYTES)) as WorkerRecord;
    } catch {
      continue; // torn or refused: not a record
    }
    if (record.state === 'exited') continue;
    const alive = record.host === host ? pidAlive(record.pid) : Date.now() - Date.parse(record.heartbeat_at) < 30_000;
    if (alive) live.push(record.name);
  }
  return live.sort();
}
