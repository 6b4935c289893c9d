// Preloaded into `passk evaluate` by the side-by-side bench (NODE_OPTIONS=--require): writes the Node
// process's own CPU time (process.cpuUsage, microseconds) to $PASSK_BENCH_NODE_CPU when it exits, so the
// bench can split a run's CPU into Node and the Python side (fork servers + their children).
const fs = require('node:fs');
process.on('exit', () => {
  const file = process.env.PASSK_BENCH_NODE_CPU;
  if (file) fs.writeFileSync(file, JSON.stringify(process.cpuUsage()));
});
