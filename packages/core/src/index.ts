export * from './errors.js';
export * from './naming.js';
export * from './validate.js';
export * from './grader.js';
export * from './backend.js';
export * from './schemas/problem.js';
export * from './schemas/verdict.js';
