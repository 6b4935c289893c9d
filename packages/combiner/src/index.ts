export * from './daemon.js';
export * from './combined-writer.js';
export * from './summaries.js';
export * from './obstacles.js';
