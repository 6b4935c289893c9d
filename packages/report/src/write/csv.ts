/**
 * results.csv: one row per question × temperature (RFC 4180 quoting), for every run in the report.
 * `errata` is the LiveCodeBench ERRATA reason for questions on the list, empty otherwise.
 */
import { passAtK, wilsonInterval } from '@passk/stats';
import type { RunReport } from '../report/model.js';

const VERDICTS = ['passed', 'wrong_answer', 'runtime_error', 'time_limit', 'memory_limit', 'output_limit', 'syntax_error', 'infra_error'];

export function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultsCsv(reports: RunReport[]): string {
  const ks = [...new Set(reports.flatMap((r) => r.ks))].sort((a, b) => a - b);
  const extra = [...new Set(reports.flatMap((r) => r.data.questions.flatMap((q) => q.results.flatMap((row) => Object.keys(row.verdicts ?? {})))))].filter((v) => !VERDICTS.includes(v)).sort();
  const statuses = [...VERDICTS, ...extra];
  const header = [
    'run', 'question_idx', 'question_id', 'question_title', 'difficulty', 'platform', 'errata', 'temperature', 'n', 'passed', 'pass_rate',
    'pass_rate_ci_low', 'pass_rate_ci_high', ...ks.map((k) => `pass@${k}`), 'gen_tps', 'completion_tokens', 'gen_wall_s', 'cached', ...statuses.map((s) => `verdict_${s}`),
  ];
  const lines = [header.join(',')];
  for (const r of reports) {
    for (const q of r.data.questions) {
      for (const row of [...q.results].sort((a, b) => a.temperature - b.temperature)) {
        const ci = wilsonInterval(row.passed, row.n, r.confidence);
        lines.push(
          [
            r.data.name, q.idx, q.id, q.title, q.difficulty ?? '', q.platform ?? '', q.errata ?? '', row.temperature, row.n, row.passed, row.pass_rate,
            (ci.low * 100).toFixed(4), (ci.high * 100).toFixed(4),
            ...ks.map((k) => (k <= row.n ? passAtK(row.n, row.passed, k).toPrecision(10) : '')),
            row.gen_tps ?? '', row.completion_tokens ?? '', row.gen_wall_s ?? '', row.cached ?? '',
            ...statuses.map((s) => row.verdicts?.[s] ?? 0),
          ].map(csvField).join(','),
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
