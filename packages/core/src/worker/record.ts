/** The worker record `workers/<name>.json`, rewritten at every heartbeat; `passk status` reads it. */

export interface WorkerRecord {
  name: string;
  role: string;
  host: string;
  pid: number;
  token: string;
  parent_pid?: number;
  started_at: string;
  heartbeat_at: string;
  state: 'starting' | 'working' | 'idle' | 'stopping' | 'exited';
  current_item?: string;
  items_done: number;
  samples_done: number;
  /** Samples per second over the worker's life. */
  samples_per_s: number;
  note?: string;
  /** An orchestrator's: the roles of the workers it launches (and restarts); `passk status` counts them as coming while they start. */
  launches?: string[];
}
