// `node --import` this file to list every module the process loads on stderr, one `passk-load <url>` line
// each: ES modules through a load hook (trace-hooks.mjs), CommonJS ones from require.cache at exit.
import { register, createRequire } from 'node:module';
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

register('./trace-hooks.mjs', import.meta.url);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  for (const file of Object.keys(require.cache)) writeSync(2, `passk-load ${pathToFileURL(file).href}\n`);
});
