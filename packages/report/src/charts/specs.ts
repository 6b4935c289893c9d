/**
 * The report's charts as Vega-Lite specs (data inline). One function per chart; each takes plain
 * rows so the same spec draws one run or several (`run` is the colour or facet when there are many).
 */
export type VlSpec = Record<string, unknown>;

/** Panels of the per-question small multiples at most (12 rows of 4: a PNG about 3,600 px tall at scale 2). */
export const DEFAULT_MAX_QUESTION_PANELS = 48;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const base = (title: string, values: unknown[]): VlSpec => ({
  $schema: SCHEMA,
  title,
  data: { values },
  config: { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: '#ddd' }, background: 'white' },
});

export interface TemperaturePoint {
  run: string;
  temperature: number;
  /** Percent. */
  value: number;
  low: number;
  high: number;
}

/** The runs in the order their points come (the order given on the command line). */
function runOrder(points: ReadonlyArray<{ run: string }>): string[] {
  return [...new Set(points.map((p) => p.run))];
}

/**
 * One line per run that stays visible where runs coincide: colour, dash pattern and marker shape all
 * follow the run (in the order given), and the markers are drawn over the lines.
 */
function runLines(points: ReadonlyArray<{ run: string }>, x: object, y: object, pointSize: number, tooltip?: object[]): VlSpec[] {
  const sort = runOrder(points);
  const color = { field: 'run', type: 'nominal', title: 'run', sort };
  const strokeDash = { field: 'run', type: 'nominal', title: 'run', sort, scale: { range: [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4]] } };
  const shape = { field: 'run', type: 'nominal', title: 'run', sort, scale: { range: ['circle', 'triangle-up', 'square', 'diamond', 'cross', 'triangle-down'] } };
  return [
    { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, strokeDash } },
    { mark: { type: 'point', filled: false, size: pointSize, strokeWidth: 1.5 }, encoding: { x, y, color, shape, ...(tooltip ? { tooltip } : {}) } },
  ];
}

/** Mean pass@1 (percent) vs temperature with its bootstrap interval as a band; one line per run. */
export function passRateVsTemperature(points: TemperaturePoint[], confidence: number): VlSpec {
  const color = { field: 'run', type: 'nominal', title: 'run', sort: runOrder(points) };
  const x = { field: 'temperature', type: 'quantitative', title: 'temperature' };
  const y = { field: 'value', type: 'quantitative', title: 'pass@1 (%)', scale: { domain: [0, 100] } };
  const tooltip = [{ field: 'run' }, { field: 'temperature' }, { field: 'value', format: '.2f' }, { field: 'low', format: '.2f' }, { field: 'high', format: '.2f' }];
  return {
    ...base(`Pass rate vs temperature (mean over questions, ${Math.round(confidence * 100)} % bootstrap interval)`, points),
    width: 480,
    height: 300,
    layer: [
      { mark: { type: 'errorband', opacity: 0.2 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'pass@1 (%)' }, y2: { field: 'high' }, color } },
      ...runLines(points, x, y, 60, tooltip),
    ],
  };
}

export interface QuestionPoint extends TemperaturePoint {
  question: string;
}

/** Small multiples: one panel per question, pass rate (percent) vs temperature with the Wilson interval. */
export function passRatePerQuestion(points: QuestionPoint[], columns = 4): VlSpec {
  const x = { field: 'temperature', type: 'quantitative', title: 'temperature' };
  const color = { field: 'run', type: 'nominal', title: 'run', sort: runOrder(points) };
  const y = { field: 'value', type: 'quantitative', title: 'pass rate (%)', scale: { domain: [0, 100] } };
  return {
    ...base('Pass rate vs temperature per question (Wilson 95 % interval)', points),
    facet: { field: 'question', type: 'nominal', title: null, sort: { field: 'order' } },
    columns,
    spec: {
      width: 150,
      height: 100,
      layer: [
        { mark: { type: 'errorband', opacity: 0.25 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'pass rate (%)' }, y2: { field: 'high' }, color } },
        ...runLines(points, x, y, 20),
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}

export interface KPoint {
  run: string;
  temperature: string;
  k: number;
  value: number;
  low: number;
  high: number;
}

/** pass@k (percent) vs k (log scale), one line per temperature; one panel per run when several. */
export function passAtKVsK(points: KPoint[], runs: number): VlSpec {
  const x = { field: 'k', type: 'quantitative', scale: { type: 'log' }, title: 'k' };
  const color = { field: 'temperature', type: 'ordinal', title: 'temperature', scale: { scheme: 'viridis' } };
  const layer = [
    { mark: { type: 'errorbar' }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'pass@k (%)' }, y2: { field: 'high' }, color } },
    { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'pass@k (%)', scale: { domain: [0, 100] } }, color } },
  ];
  const title = 'pass@k vs k per temperature (mean over questions, bootstrap interval)';
  if (runs > 1) return { ...base(title, points), facet: { field: 'run', type: 'nominal', sort: runOrder(points) }, columns: 3, spec: { width: 300, height: 220, layer } };
  return { ...base(title, points), width: 480, height: 300, layer };
}

export interface SeriesPoint {
  t: number;
  series: string;
  value: number;
}

/** A line chart over elapsed time (generation tokens/s, evaluation samples/s, queue depths). */
export function overTime(title: string, points: SeriesPoint[], yTitle: string, xTitle: string, seriesTitle: string): VlSpec {
  return {
    ...base(title, points),
    width: 560,
    height: 220,
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: xTitle },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', title: seriesTitle },
    },
  };
}

export interface VerdictPoint {
  run: string;
  temperature: string;
  verdict: string;
  samples: number;
}

/** Share of each verdict per temperature (normalised stacked bars); one panel per run when several. */
export function verdictMix(points: VerdictPoint[], runs: number): VlSpec {
  const order = ['passed', 'wrong_answer', 'runtime_error', 'time_limit', 'memory_limit', 'output_limit', 'syntax_error', 'infra_error'];
  const enc = {
    x: { field: 'temperature', type: 'ordinal', title: 'temperature', sort: null, axis: { labelAngle: 0 } },
    y: { field: 'samples', type: 'quantitative', stack: 'normalize', title: 'share of samples', axis: { format: '%' } },
    color: { field: 'verdict', type: 'nominal', title: 'verdict', sort: order, scale: { domain: [...order, 'other'], scheme: 'tableau10' } },
    order: { field: 'rank', type: 'quantitative' },
    tooltip: [{ field: 'temperature' }, { field: 'verdict' }, { field: 'samples' }],
  };
  const title = 'Verdict mix by temperature';
  if (runs > 1) return { ...base(title, points), facet: { field: 'run', type: 'nominal', sort: runOrder(points) }, columns: 3, spec: { width: 220, height: 220, mark: 'bar', encoding: enc } };
  return { ...base(title, points), width: 420, height: 260, mark: 'bar', encoding: enc };
}
