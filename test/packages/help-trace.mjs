// `node --import` this file to run help-hooks.mjs in the process (startup-loads.test.ts).
import { register } from 'node:module';

register('./help-hooks.mjs', import.meta.url);
