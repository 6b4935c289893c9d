/** The report's charts, built from one or several runs' reports, and their SVG/PNG files. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as specs from '../charts/specs.js';
import { DEFAULT_MAX_QUESTION_PANELS } from '../charts/specs.js';
import { renderSvg, svgToPng } from '../charts/render.js';
import { depthSeries, throughputSeries } from '../load/timeline.js';
import type { RunReport } from './model.js';
import { comparedNote } from './tables.js';

export interface Chart {
  /** File stem: charts/<name>.svg and .png. */
  name: string;
  title: string;
  spec: specs.VlSpec;
  /** One line shown with the chart in report.html and report.md (what it leaves out, what it compares over). */
  note?: string;
}

export interface ChartOptions {
  /** Questions drawn in `pass_rate_per_question` (the first by index; the note names the rest). @default 48 */
  maxQuestionPanels?: number;
}

/**
 * The questions (by index, over every run) the small multiples draw: the first `max` by index.
 * `left` are the others, for the note.
 */
export function questionPanels(reports: RunReport[], max: number): { shown: number[]; left: number[] } {
  const all = [...new Set(reports.flatMap((r) => r.data.questions.map((q) => q.idx)))].sort((a, b) => a - b);
  return { shown: all.slice(0, max), left: all.slice(max) };
}

function panelNote(shown: number[], left: number[]): string | undefined {
  if (left.length === 0) return undefined;
  const total = shown.length + left.length;
  return `Showing ${shown.length} of ${total} questions (q${shown[0]} … q${shown[shown.length - 1]}, the first by index); ${left.length} left out (q${left[0]} … q${left[left.length - 1]}): see the per-question table and results.csv. \`passk report --max-question-panels N\` draws more.`;
}

export interface RenderedChart extends Chart {
  svg: string;
  svgFile: string;
  pngFile: string;
}

const KNOWN_VERDICTS = new Set(['passed', 'wrong_answer', 'runtime_error', 'time_limit', 'memory_limit', 'output_limit', 'syntax_error', 'infra_error']);
const VERDICT_ORDER = [...KNOWN_VERDICTS, 'other'];

/** Elapsed-time unit that keeps the axis readable for the run's length. */
function timeUnit(spanS: number): { div: number; label: string } {
  if (spanS > 7200) return { div: 3600, label: 'hours since the first shard' };
  if (spanS > 120) return { div: 60, label: 'minutes since the first shard' };
  return { div: 1, label: 'seconds since the first shard' };
}

export function buildCharts(reports: RunReport[], options: ChartOptions = {}): Chart[] {
  const many = reports.length > 1;
  const maxPanels = options.maxQuestionPanels ?? DEFAULT_MAX_QUESTION_PANELS;
  const charts: Chart[] = [];
  const pct = (x: number) => x * 100;
  charts.push({
    name: 'pass_rate_vs_temperature',
    title: 'Pass rate vs temperature',
    spec: specs.passRateVsTemperature(
      reports.flatMap((r) => r.perTemperature.filter((t) => t.questions && t.pass_at_k['pass@1']).map((t) => {
        const e = t.pass_at_k['pass@1']!;
        return { run: r.data.name, temperature: t.temperature, value: pct(e.value), low: pct(e.low), high: pct(e.high) };
      })),
      reports[0]!.confidence,
    ),
    note: reports.map((r) => `${many ? `${r.data.name}: ` : ''}${comparedNote(r)}`).join(' '),
  });
  const panels = questionPanels(reports, maxPanels);
  const shown = new Set(panels.shown);
  const questionPoints: Array<specs.QuestionPoint & { order: number }> = [];
  for (const r of reports) {
    for (const q of r.data.questions) {
      if (!shown.has(q.idx)) continue;
      const stats = r.questionStats.get(q.idx)!;
      for (const t of stats.per_temperature) {
        questionPoints.push({ run: r.data.name, question: `q${q.idx} ${q.title}`.slice(0, 40), order: q.idx, temperature: t.temperature, value: t.pass_rate, low: t.pass_rate_ci[0], high: t.pass_rate_ci[1] });
      }
    }
  }
  const note = panelNote(panels.shown, panels.left);
  charts.push({ name: 'pass_rate_per_question', title: 'Pass rate vs temperature per question', spec: specs.passRatePerQuestion(questionPoints), ...(note ? { note } : {}) });
  charts.push({
    name: 'pass_at_k_vs_k',
    title: 'pass@k vs k',
    spec: specs.passAtKVsK(
      reports.flatMap((r) => r.perTemperature.filter((t) => t.questions).flatMap((t) => Object.entries(t.pass_at_k).map(([key, e]) => ({ run: r.data.name, temperature: String(t.temperature), k: Number(key.slice(5)), value: pct(e.value), low: pct(e.low), high: pct(e.high) })))),
      reports.length,
    ),
  });
  const verdicts: Array<specs.VerdictPoint & { rank: number }> = [];
  for (const r of reports) {
    for (const t of r.perTemperature) {
      const merged: Record<string, number> = {};
      for (const [v, c] of Object.entries(t.verdicts)) {
        const key = KNOWN_VERDICTS.has(v) ? v : 'other';
        merged[key] = (merged[key] ?? 0) + c;
      }
      for (const [verdict, samples] of Object.entries(merged)) verdicts.push({ run: r.data.name, temperature: String(t.temperature), verdict, samples, rank: VERDICT_ORDER.indexOf(verdict) });
    }
  }
  charts.push({ name: 'verdict_mix', title: 'Verdict mix by temperature', spec: specs.verdictMix(verdicts, reports.length) });

  const gen: specs.SeriesPoint[] = [];
  const evals: specs.SeriesPoint[] = [];
  const depth: specs.SeriesPoint[] = [];
  const spans = reports.map((r) => {
    const all = [...r.timeline.generated, ...r.timeline.evaluated, ...r.timeline.combined].map((e) => e.time);
    return all.length ? (Math.max(...all) - Math.min(...all)) / 1000 : 0;
  });
  const unit = timeUnit(Math.max(0, ...spans));
  for (const r of reports) {
    const prefix = many ? `${r.data.name} ` : '';
    for (const p of throughputSeries(r.timeline, 'generation')) gen.push({ t: p.t_s / unit.div, series: prefix + p.worker, value: p.rate });
    for (const p of throughputSeries(r.timeline, 'evaluation')) evals.push({ t: p.t_s / unit.div, series: prefix + p.worker, value: p.rate });
    for (const p of depthSeries(r.timeline, r.data.plan)) depth.push({ t: p.t_s / unit.div, series: prefix + p.queue, value: p.items });
  }
  charts.push({ name: 'generation_throughput', title: 'Generation throughput', spec: specs.overTime('Generation: completion tokens/s per generator', gen, 'tokens/s', unit.label, 'generator') });
  charts.push({ name: 'evaluation_throughput', title: 'Evaluator throughput', spec: specs.overTime('Evaluation: samples graded/s per evaluator', evals, 'samples/s', unit.label, 'evaluator') });
  charts.push({ name: 'queue_depths', title: 'Queue depths', spec: specs.overTime('Queue depths (items; rebuilt from the logs)', depth, 'items', unit.label, 'queue') });
  return charts;
}

/** Render every chart to `<dir>/<name>.svg` and `.png`. */
export async function writeCharts(charts: Chart[], dir: string): Promise<RenderedChart[]> {
  await mkdir(dir, { recursive: true });
  const out: RenderedChart[] = [];
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec);
    const svgFile = path.join(dir, `${chart.name}.svg`);
    const pngFile = path.join(dir, `${chart.name}.png`);
    await writeFile(svgFile, svg);
    await writeFile(pngFile, svgToPng(svg));
    out.push({ ...chart, svg, svgFile, pngFile });
  }
  return out;
}
