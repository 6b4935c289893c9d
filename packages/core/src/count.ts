/** "1 question", "3 questions": a count with its noun, for lines a person reads (every package's one way to say it). */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
