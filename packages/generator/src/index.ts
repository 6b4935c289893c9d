export * from './prompts.js';
export * from './extract.js';
export * from './backends/sim.js';
export * from './backends/registry.js';
export * from './daemon/generator.js';
