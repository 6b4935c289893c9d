/** The report's tables as plain data (title, header, rows of strings), rendered to Markdown and HTML alike. */
import { temperatureLabel } from '@passk/core';
import type { Estimate, GroupAggregate } from '@passk/stats';
import type { RunReport } from './model.js';
import { extractionTable, latencyTable } from './extras-tables.js';
import { pairedComparisons } from './paired.js';
import { pairedTable, movedQuestionsTable } from './paired-tables.js';

export interface Table {
  title: string;
  /** One line under the title: what the numbers are. */
  note?: string;
  columns: string[];
  rows: string[][];
}

export const fmtPct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(2) : '–');
export const fmtEstimate = (e: Estimate | undefined) => (e && Number.isFinite(e.value) ? `${fmtPct(e.value)} [${fmtPct(e.low)}, ${fmtPct(e.high)}]` : '–');
const fmtMoney = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const VERDICTS = ['passed', 'wrong_answer', 'runtime_error', 'time_limit', 'memory_limit', 'output_limit', 'syntax_error', 'infra_error'];

function ciNote(r: RunReport): string {
  return `Percent. pass@k: unbiased estimator, mean over questions; [${Math.round(r.confidence * 100)} % percentile bootstrap over questions, ${r.resamples} resamples].`;
}

/** How many questions the temperatures were compared over, and whether that is all of them. */
export function comparedNote(r: RunReport): string {
  const compared = Math.max(0, ...r.perTemperature.map((t) => t.compared_questions));
  const withRows = r.data.questions.length;
  if (compared === 0) return 'No question has a row at every temperature yet: temperatures are not compared.';
  return compared === withRows
    ? `Temperatures compared over all ${compared} questions.`
    : `Temperatures compared over the ${compared} of ${withRows} questions that have every temperature so far (the others are left out of pass@k and the best temperature until they do).`;
}

export function perTemperatureTable(r: RunReport): Table {
  return {
    title: 'Per temperature',
    note: `${ciNote(r)} ${comparedNote(r)} Pass rate: pooled Σ passed / Σ n over every question with a row at the temperature (the seed's run_summary number) [bootstrap interval over those questions].`,
    columns: ['temperature', 'questions', 'samples', 'pass rate', 'compared', ...r.ks.map((k) => `pass@${k}`)],
    rows: r.perTemperature.map((t) => [
      String(t.temperature),
      String(t.questions),
      String(t.n),
      t.n ? `${t.pass_rate.toFixed(2)} [${t.pass_rate_ci[0].toFixed(2)}, ${t.pass_rate_ci[1].toFixed(2)}]` : '–',
      String(t.compared_questions),
      ...r.ks.map((k) => fmtEstimate(t.pass_at_k[`pass@${k}`])),
    ]),
  };
}

export function bestTemperatureTable(r: RunReport): Table {
  return {
    title: 'Best temperature for each k',
    note: `The temperature with the highest mean pass@k (ties → the lower temperature); percent with its interval. ${comparedNote(r)}`,
    columns: ['k', 'best temperature', 'pass@k', 'questions compared'],
    rows: r.ks.filter((k) => r.best[`pass@${k}`]).map((k) => {
      const b = r.best[`pass@${k}`]!;
      return [String(k), String(b.temperature), fmtEstimate(b), String(b.questions)];
    }),
  };
}

export function breakdownTable(title: string, groups: GroupAggregate[], r: RunReport): Table {
  return {
    title,
    note: 'Per group: each k\'s best temperature and its pass@k (percent, interval over the group\'s questions; temperatures compared over the group\'s questions that have every temperature).',
    columns: ['group', 'questions', ...r.ks.map((k) => `pass@${k} (best T)`)],
    rows: groups.map((g) => [
      g.group,
      String(g.questions),
      ...r.ks.map((k) => {
        const b = g.best_temperature[`pass@${k}`];
        return b ? `${fmtEstimate(b)} @ ${b.temperature}` : '–';
      }),
    ]),
  };
}

export function verdictTable(r: RunReport): Table {
  const seen = new Set(r.perTemperature.flatMap((t) => Object.keys(t.verdicts)));
  const statuses = [...VERDICTS.filter((v) => seen.has(v)), ...[...seen].filter((v) => !VERDICTS.includes(v)).sort()];
  return {
    title: 'Verdict mix by temperature',
    note: 'Percent of the samples at each temperature.',
    columns: ['temperature', ...statuses],
    rows: r.perTemperature.map((t) => [String(t.temperature), ...statuses.map((s) => (t.n ? ((100 * (t.verdicts[s] ?? 0)) / t.n).toFixed(2) : '–'))]),
  };
}

export function questionTable(r: RunReport): Table {
  return {
    title: 'Per question',
    note: "Pass rate (percent) per temperature with its Wilson interval; best temperature for pass@1. errata: the reason a question is on LiveCodeBench's ERRATA list (its score is not trustworthy).",
    columns: ['q', 'title', 'difficulty', 'platform', 'errata', ...r.temperatures.map((t) => `T=${temperatureLabel(t)}`), 'best T (pass@1)'],
    rows: r.data.questions.map((q) => {
      const s = r.questionStats.get(q.idx)!;
      return [
        String(q.idx),
        q.title,
        q.difficulty ?? '',
        q.platform ?? '',
        q.errata ?? '',
        ...r.temperatures.map((t) => {
          const row = s.per_temperature.find((x) => x.temperature === t);
          return row ? `${row.pass_rate.toFixed(2)} [${row.pass_rate_ci[0].toFixed(2)}, ${row.pass_rate_ci[1].toFixed(2)}]` : '–';
        }),
        String(s.best_temperature['pass@1']?.temperature ?? '–'),
      ];
    }),
  };
}

export function costTable(r: RunReport): Table | undefined {
  const c = r.cost;
  if (!c) return undefined;
  return {
    title: 'Cost',
    note: `At ${c.gpu_hour_cost} per GPU-hour; GPU-hours from ${c.basis}.`,
    columns: ['GPU-hours', 'busy GPU-hours', 'samples', 'total', 'per 1,000 completions', 'solved questions', 'per solved question'],
    rows: [[c.gpu_hours.toFixed(4), c.busy_gpu_hours.toFixed(4), String(c.samples), fmtMoney(c.cost_total), fmtMoney(c.cost_per_1000_completions), String(c.solved_questions), c.cost_per_solved_question === null ? '–' : fmtMoney(c.cost_per_solved_question)]],
  };
}

/** Several runs side by side: what each is, and each k's best temperature and pass@k. */
export function comparisonTable(reports: RunReport[]): Table {
  const ks = [...new Set(reports.flatMap((r) => r.ks))].sort((a, b) => a - b);
  return {
    title: 'Comparison',
    note: 'Each run\'s best temperature per k and its pass@k (percent, bootstrap interval over questions). Overlapping intervals: not a clear difference.',
    columns: ['run', 'backend', 'model', 'n', 'questions', ...ks.map((k) => `pass@${k} (best T)`), ...(reports.some((r) => r.cost) ? ['cost / 1,000 completions'] : [])],
    rows: reports.map((r) => [
      r.data.name,
      r.data.plan.backend,
      r.data.plan.model,
      String(r.data.plan.n),
      String(r.data.questions.length),
      ...ks.map((k) => {
        const b = r.best[`pass@${k}`];
        return b ? `${fmtEstimate(b)} @ ${b.temperature}` : '–';
      }),
      ...(reports.some((x) => x.cost) ? [r.cost ? fmtMoney(r.cost.cost_per_1000_completions) : '–'] : []),
    ]),
  };
}

/** pass@1 per temperature, one column per run (temperatures of every run). */
export function comparisonByTemperatureTable(reports: RunReport[]): Table {
  const temps = [...new Set(reports.flatMap((r) => r.temperatures))].sort((a, b) => a - b);
  return {
    title: 'pass@1 by temperature',
    note: 'Percent, mean over questions [bootstrap interval].',
    columns: ['temperature', ...reports.map((r) => r.data.name)],
    rows: temps.map((t) => [String(t), ...reports.map((r) => fmtEstimate(r.perTemperature.find((x) => x.temperature === t && x.questions)?.pass_at_k['pass@1']))]),
  };
}

/** Every table of a report, in order. */
export function reportTables(reports: RunReport[]): Table[] {
  const r = reports[0]!;
  const tables: Table[] = [];
  if (reports.length > 1) {
    tables.push(comparisonTable(reports), comparisonByTemperatureTable(reports));
    const pairs = pairedComparisons(reports);
    tables.push(pairedTable(pairs, r.confidence));
    const moved = movedQuestionsTable(pairs);
    if (moved) tables.push(moved);
  }
  tables.push(perTemperatureTable(r), bestTemperatureTable(r), breakdownTable('By difficulty', r.byDifficulty, r), breakdownTable('By platform', r.byPlatform, r), verdictTable(r));
  for (const extra of [extractionTable(r), latencyTable(r)]) if (extra) tables.push(extra);
  const cost = costTable(r);
  if (cost) tables.push(cost);
  tables.push(questionTable(r));
  return tables;
}
