#!/usr/bin/env node
// A stand-in for `nvidia-smi`, for tests of GPU detection, the GPU trace and the GPU-release wait.
//   -L                                          one "GPU i: …" line per GPU
//   --query-gpu=F,… --format=csv,noheader[,nounits] [-i I] [-lms MS]   one line per GPU (or GPU I),
//                                                repeated every MS ms with -lms
//   --query-compute-apps=F,… --format=…          one line per process holding GPU memory
// Environment:
//   FAKE_NVSMI_GPUS     number of GPUs (default 1; 0 = "No devices were found", exit 6)
//   FAKE_NVSMI_STATE    directory: calls.log (one line per invocation), apps.json ([{pid, used_memory, gpu}],
//                       listed as is), seen.json (for the release lag)
//   FAKE_NVSMI_ENGINES  "1": every live process whose command line has `--engine-core` (the fake
//                       vllm's engine core) and FAKE_NVSMI_STATE (when set: the engines of a fake vllm
//                       whose FAKE_VLLM_STATE is the same directory) holds 1000 MiB on GPU 0
//   FAKE_NVSMI_RELEASE_LAG_MS  an engine-core process seen alive by an earlier call stays listed this
//                       long after a call first finds it gone (the driver releasing memory late)
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const argv = process.argv.slice(2);
const state = env.FAKE_NVSMI_STATE;
const gpus = Number(env.FAKE_NVSMI_GPUS ?? 1);
if (state) fs.appendFileSync(path.join(state, 'calls.log'), `${argv.join(' ')}\n`);
const opt = (name) => {
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  if (eq) return eq.slice(name.length + 1);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

if (gpus === 0) {
  console.log('No devices were found');
  process.exit(6);
}

function engineCores() {
  const out = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmd = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('--engine-core') && (!state || cmd.includes(state))) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

function apps() {
  const list = [];
  if (state && fs.existsSync(path.join(state, 'apps.json'))) list.push(...JSON.parse(fs.readFileSync(path.join(state, 'apps.json'), 'utf8')));
  if (env.FAKE_NVSMI_ENGINES === '1') {
    const lag = Number(env.FAKE_NVSMI_RELEASE_LAG_MS ?? 0);
    const seenFile = state ? path.join(state, 'seen.json') : undefined;
    const seen = seenFile && fs.existsSync(seenFile) ? JSON.parse(fs.readFileSync(seenFile, 'utf8')) : {};
    const now = Date.now();
    const live = new Set(engineCores());
    for (const pid of live) seen[pid] = null;
    // A process seen alive before is listed until `lag` ms after it was first seen gone.
    for (const [pid, diedAt] of Object.entries(seen)) {
      if (!live.has(Number(pid)) && diedAt === null) seen[pid] = now;
      if (seen[pid] === null || now - seen[pid] <= lag) list.push({ pid: Number(pid), used_memory: 1000, gpu: 0 });
      else delete seen[pid];
    }
    if (seenFile) fs.writeFileSync(seenFile, JSON.stringify(seen));
  }
  return list;
}

function gpuValue(field, i) {
  const used = apps().filter((a) => (a.gpu ?? 0) === i).reduce((s, a) => s + a.used_memory, 5);
  const values = {
    timestamp: new Date().toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 23),
    index: i,
    uuid: `GPU-fake-${i}`,
    name: 'Fake GPU',
    'utilization.gpu': 40 + i,
    'memory.used': used,
    'memory.total': 81559,
    'power.draw': 123.45,
    'temperature.gpu': 50 + i,
  };
  if (!(field in values)) {
    console.error(`Field "${field}" is not a valid field to query.`);
    process.exit(2);
  }
  return values[field];
}

if (argv.includes('-L')) {
  for (let i = 0; i < gpus; i++) console.log(`GPU ${i}: Fake GPU (UUID: GPU-fake-${i})`);
  process.exit(0);
}

const queryGpu = opt('--query-gpu');
if (queryGpu) {
  const fields = queryGpu.split(',');
  const only = opt('-i');
  const lms = opt('-lms');
  const print = () => {
    for (let i = 0; i < gpus; i++) {
      if (only !== undefined && Number(only) !== i) continue;
      console.log(fields.map((f) => gpuValue(f, i)).join(', '));
    }
  };
  print();
  if (lms) setInterval(print, Number(lms));
} else {
  const queryApps = opt('--query-compute-apps');
  if (!queryApps) {
    console.error('fake nvidia-smi: unsupported arguments');
    process.exit(2);
  }
  const fields = queryApps.split(',');
  for (const a of apps()) console.log(fields.map((f) => (f === 'pid' ? a.pid : f === 'used_memory' ? a.used_memory : f === 'gpu_uuid' ? `GPU-fake-${a.gpu ?? 0}` : '')).join(', '));
}
