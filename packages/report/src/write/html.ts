/**
 * report.html: one self-contained file (inline CSS, charts as inline SVG, no script, no external
 * URL), so it opens offline and can be mailed or archived as is.
 */
import type { Table } from '../report/tables.js';
import type { RunReport } from '../report/model.js';
import type { RenderedChart } from '../report/charts.js';
import { headline } from './markdown.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const inlineMd = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

export function htmlTable(t: Table): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<section class="table"><h3>${escapeHtml(t.title)}</h3>${t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : ''}<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></section>`;
}

/** Drop the XML prolog and any external reference an SVG could carry (vega emits none; belt and braces). */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/\s(?:xlink:)?href="(?!#)[^"]*"/g, '');
}

const CSS = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{margin-bottom:.2em}
.note{color:#666;font-size:.85em;margin:.2em 0 .6em}
table{border-collapse:collapse;font-size:.85em;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}
figure.chart{margin:1em 0 2em;overflow-x:auto}figcaption{font-weight:bold;margin-bottom:.4em}
.sim{background:#fff3cd;padding:.5em;border:1px solid #e0c36b}`;

export function reportHtml(reports: RunReport[], tables: Table[], charts: RenderedChart[]): string {
  const title = `passk report: ${reports.map((r) => r.data.name).join(' vs ')}`;
  const heads = reports.map((r) => `<p${r.data.plan.simulated ? ' class="sim"' : ''}>${inlineMd(headline(r))}</p>`).join('\n');
  const figures = charts
    .map((c) => `<figure class="chart" id="chart-${escapeHtml(c.name)}" data-chart="${escapeHtml(c.name)}"><figcaption>${escapeHtml(c.title)}</figcaption>\n${inlineSvg(c.svg)}\n${c.note ? `<p class="note">${inlineMd(c.note)}</p>\n` : ''}</figure>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${heads}
<p class="note">Generated ${escapeHtml(new Date().toISOString())} by <code>passk report</code>. Every number, estimator and interval is defined in docs/reports.md.</p>
<h2>Charts</h2>
${figures}
<h2>Tables</h2>
${tables.map(htmlTable).join('\n')}
</body></html>
`;
}
