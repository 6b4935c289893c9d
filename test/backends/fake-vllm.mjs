#!/usr/bin/env node
// A stand-in for `vllm serve MODEL --port P …` used by the vllm backend tests. It records how it
// was started, spawns an "engine core" child in its process group (like vLLM), answers /health
// (503 until "loaded"), /v1/models, /metrics and streaming or plain /v1/completions and
// /v1/chat/completions with vLLM's seeding (child i of an n request uses seed + i) and token ids.
// Behaviour from the environment:
//   FAKE_VLLM_STATE        directory for start-<k>.json and requests.jsonl (required)
//   FAKE_VLLM_STARTUP_MS   time before /health turns 200
//   FAKE_VLLM_CRASH_AFTER  on the first start only, exit(1) when this generation request arrives
//   FAKE_VLLM_IGNORE_TERM  ignore SIGTERM (engine and core), so only SIGKILL stops it
//   FAKE_VLLM_EXIT_AT_START exit(3) right after printing an error
//   FAKE_VLLM_DELAY_MS     delay before answering each generation request
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const env = process.env;
const ignoreTerm = env.FAKE_VLLM_IGNORE_TERM === '1';
process.on('SIGTERM', () => {
  if (!ignoreTerm) process.exit(0);
});

if (process.argv[2] === '--engine-core') {
  setInterval(() => {}, 1000);
} else {
  const argv = process.argv.slice(2);
  const opt = (name, def) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : def;
  };
  const state = env.FAKE_VLLM_STATE;
  const starts = fs.readdirSync(state).filter((f) => f.startsWith('start-')).length + 1;
  // The state dir in the engine core's command line: a fake nvidia-smi of this test counts only its own engines.
  const core = spawn(process.execPath, [self, '--engine-core', state], { stdio: 'ignore' });
  fs.writeFileSync(
    path.join(state, `start-${starts}.json`),
    JSON.stringify({ argv, cuda: env.CUDA_VISIBLE_DEVICES, pid: process.pid, corePid: core.pid, extra: env.FAKE_PRESET_ENV }),
  );
  console.log(`INFO fake vllm ${argv.join(' ')}`);
  if (env.FAKE_VLLM_EXIT_AT_START === '1') {
    console.error('ERROR CUDA out of memory (fake)');
    core.kill('SIGKILL');
    process.exit(3);
  }
  const model = argv[1];
  const readyAt = Date.now() + Number(env.FAKE_VLLM_STARTUP_MS ?? 0);
  let generations = 0;
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    if (req.url === '/health') {
      res.writeHead(Date.now() >= readyAt ? 200 : 503).end();
      return;
    }
    if (Date.now() < readyAt) {
      res.writeHead(503).end();
      return;
    }
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: model }] }));
      return;
    }
    if (req.url === '/metrics') {
      res.writeHead(200).end('vllm:num_requests_running{engine="0"} 1\nvllm:kv_cache_usage_perc{engine="0"} 0.5\n');
      return;
    }
    const chat = req.url === '/v1/chat/completions';
    if (req.url !== '/v1/completions' && !chat) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw);
    fs.appendFileSync(path.join(state, 'requests.jsonl'), JSON.stringify(body) + '\n');
    const canary = body.max_tokens === 1 && body.prompt === 'def f():';
    if (!canary) {
      generations++;
      if (starts === 1 && Number(env.FAKE_VLLM_CRASH_AFTER) === generations) {
        console.error('ERROR EngineCore died (fake)');
        process.exit(1);
      }
    }
    if (!canary && env.FAKE_VLLM_DELAY_MS) await new Promise((r) => setTimeout(r, Number(env.FAKE_VLLM_DELAY_MS)));
    const n = body.n ?? 1;
    const seed = body.seed ?? 0;
    const choices = Array.from({ length: n }, (_, i) => {
      const s = seed + i;
      const k = Math.min(body.max_tokens, 1 + (s % 5));
      return { toks: Array.from({ length: k }, (_, j) => ` t${s}_${j}`), finish: k >= body.max_tokens ? 'length' : 'stop' };
    });
    const total = choices.reduce((a, c) => a + c.toks.length, 0);
    const usage = { prompt_tokens: 5, completion_tokens: total, total_tokens: 5 + total };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const one = (c, i) => (chat ? { index: i, message: { role: 'assistant', content: c.toks.join('') }, finish_reason: c.finish } : { index: i, text: c.toks.join(''), finish_reason: c.finish });
      res.end(JSON.stringify({ choices: choices.map(one), usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [i, c] of choices.entries()) {
      c.toks.forEach((t, j) => {
        const last = j === c.toks.length - 1;
        const choice = chat ? { index: i, delta: { content: t }, token_ids: [j], finish_reason: last ? c.finish : null } : { index: i, text: t, token_ids: [j], finish_reason: last ? c.finish : null };
        res.write(`data: ${JSON.stringify({ id: 'x', object: chat ? 'chat.completion.chunk' : 'text_completion', model, choices: [choice] })}\n\n`);
      });
    }
    res.end(`data: ${JSON.stringify({ id: 'x', choices: [], usage })}\n\ndata: [DONE]\n\n`);
  });
  server.listen(Number(opt('--port', '8000')), opt('--host', '127.0.0.1'));
}
