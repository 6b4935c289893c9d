import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMetrics, verdictCounts, METRIC_NAMES, type MetricsSnapshot } from '../../packages/cli/src/metrics/prometheus.js';
import { startMetricsServer, PROMETHEUS_CONTENT_TYPE } from '../../packages/cli/src/metrics/server.js';

const snapshot = (over: Partial<MetricsSnapshot> = {}): MetricsSnapshot => ({
  run: 'demo "x"',
  queue: { pending: { gen: 7, eval: 87, combine: 0 }, claimed: { gen: 1, eval: 1, combine: 0 }, failed: 2 },
  groups_total: 48,
  groups_done: 10,
  questions_total: 12,
  questions_done: 2,
  samples_total: 2400,
  samples_done: 500,
  samples_per_s: 368.6,
  eta_s: 5,
  finished: false,
  workers: [
    { name: 'gpu0', role: 'generator', alive: true, samples_done: 900, samples_per_s: 150.5, restarts: 1 },
    { name: 'eval0', role: 'evaluator', alive: false, samples_done: 600, samples_per_s: 100, restarts: 0 },
  ],
  worker_restarts_total: 3,
  verdicts: { passed: 200, wrong_answer: 250, syntax_error: 50 },
  ...over,
});

/** A minimal parser of the text format: { 'name{labels}': value }, checking HELP/TYPE precede samples. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.trim().split('\n')) {
    const meta = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        assert.match(meta[3]!, /^(gauge|counter)$/);
        typed.add(meta[2]!);
      }
      continue;
    }
    const m = /^(\w+)(\{(?:\w+="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(line);
    assert.ok(m, `sample line: ${line}`);
    assert.ok(typed.has(m[1]!), `${m[1]} has a TYPE line before its samples`);
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

test('renderMetrics: queue depths, throughput, verdict counts, worker restarts in Prometheus text format', () => {
  const text = renderMetrics(snapshot());
  const m = parse(text);
  const run = 'run="demo \\"x\\""';
  assert.equal(m.get(`passk_queue_pending{${run},stage="eval"}`), 87);
  assert.equal(m.get(`passk_queue_claimed{${run},stage="gen"}`), 1);
  assert.equal(m.get(`passk_queue_failed{${run}}`), 2);
  assert.equal(m.get(`passk_samples_done_total{${run}}`), 500);
  assert.equal(m.get(`passk_throughput_samples_per_second{${run}}`), 368.6);
  assert.equal(m.get(`passk_eta_seconds{${run}}`), 5);
  assert.equal(m.get(`passk_run_finished{${run}}`), 0);
  assert.equal(m.get(`passk_worker_up{${run},worker="eval0",role="evaluator"}`), 0);
  assert.equal(m.get(`passk_worker_restarts_total{${run},worker="gpu0",role="generator"}`), 1);
  assert.equal(m.get(`passk_restarts_total{${run}}`), 3);
  assert.equal(m.get(`passk_verdicts_total{${run},status="syntax_error"}`), 50);
  for (const name of METRIC_NAMES) assert.match(text, new RegExp(`# TYPE ${name} `), name);
  assert.doesNotMatch(renderMetrics(snapshot({ eta_s: null })), /passk_eta_seconds/);
  assert.deepEqual(verdictCounts({ verdicts: { passed: 1 } }), { passed: 1 });
  assert.deepEqual(verdictCounts({ per_temperature: [{ verdicts: { passed: 1 } }, { verdicts: { passed: 2, wrong_answer: 1 } }] }), { passed: 3, wrong_answer: 1 });
  assert.deepEqual(verdictCounts(undefined), {});
});

test('startMetricsServer on port 0: scrape /metrics, 404 elsewhere, 500 when collection fails, close', async () => {
  let calls = 0;
  let fail = false;
  const server = await startMetricsServer({
    port: 0,
    collect: async () => {
      calls++;
      if (fail) throw new Error('queue dir gone');
      return snapshot({ samples_done: 500 + calls });
    },
  });
  try {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0);
    const first = await fetch(server.url);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
    const m = parse(await first.text());
    assert.equal(m.get('passk_samples_done_total{run="demo \\"x\\""}'), 501);
    const second = parse(await (await fetch(server.url)).text());
    assert.equal(second.get('passk_samples_done_total{run="demo \\"x\\""}'), 502, 'a fresh snapshot per scrape');
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/other`)).status, 404);
    fail = true;
    const broken = await fetch(server.url);
    assert.equal(broken.status, 500);
    assert.match(await broken.text(), /metrics collection failed: queue dir gone/);
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(server.url));
});
