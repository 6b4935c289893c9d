export * from './stats/passk.js';
export * from './stats/binomial.js';
export * from './stats/bootstrap.js';
export * from './stats/aggregate.js';
export * from './enrich.js';
