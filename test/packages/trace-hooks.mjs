// Module hooks for trace-loads.mjs: prints the URL of every file module loaded through the ESM loader.
import { writeSync } from 'node:fs';

export async function load(url, context, next) {
  if (url.startsWith('file:')) writeSync(2, `passk-load ${url}\n`);
  return next(url, context);
}
