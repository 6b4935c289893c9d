/** pass@k for one-shot evaluation: the one implementation lives in @passk/stats (passk.ts). */
export { passAtK, meanPassAtK } from '@passk/stats';
