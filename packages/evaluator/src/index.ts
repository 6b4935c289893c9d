export * from './daemon/index.js';
