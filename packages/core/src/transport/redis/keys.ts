/**
 * Key layout of one run (prefix `passk` by default; see docs/multi-machine.md):
 *   <p>:<run>:gen|eval|combine:…   BullMQ queues (prefix `<p>:<run>`, queue names gen/eval/combine)
 *   <p>:<run>:plan                 plan (JSON)
 *   <p>:<run>:problem:<idx>        one problem (JSON) per question
 *   <p>:<run>:staged               SET of item stems the combiner staged
 *   <p>:<run>:combined             SET of (question, temperature) groups combined
 *   <p>:<run>:summary              run summary (JSON)
 *   <p>:<run>:combiner_home        {host, results_dir, since}: the machine holding the results
 *   <p>:<run>:retried              LIST of failed jobs taken out by --retry-failed (history, JSON)
 *   <p>:<run>:control              HASH flag → "<iso time> <reason>"; pub/sub channel of the same name
 *   <p>:<run>:workers              HASH worker name → worker record (JSON)
 *   <p>:<run>:name:<name>          worker-name lock: {host,pid,token}, PX ttl
 */
export interface RunKeys {
  /** BullMQ prefix: queues live under `<bull>:<stage>:…`. */
  bull: string;
  plan: string;
  problem(idx: number): string;
  staged: string;
  combined: string;
  summary: string;
  combinerHome: string;
  retried: string;
  control: string;
  workers: string;
  name(name: string): string;
}

export function runKeys(prefix: string, run: string): RunKeys {
  const base = `${prefix}:${run}`;
  return {
    bull: base,
    plan: `${base}:plan`,
    problem: (idx) => `${base}:problem:${idx}`,
    staged: `${base}:staged`,
    combined: `${base}:combined`,
    summary: `${base}:summary`,
    combinerHome: `${base}:combiner_home`,
    retried: `${base}:retried`,
    control: `${base}:control`,
    workers: `${base}:workers`,
    name: (name) => `${base}:name:${name}`,
  };
}
