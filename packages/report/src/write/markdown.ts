/** report.md: the tables as GitHub Markdown, the charts as links to their PNGs. */
import path from 'node:path';
import type { Table } from '../report/tables.js';
import type { RunReport } from '../report/model.js';
import type { RenderedChart } from '../report/charts.js';
import { regradeNote } from './regrade-note.js';
import { provenanceLine } from '@passk/core';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(t: Table): string {
  const lines = [`### ${t.title}`, ''];
  if (t.note) lines.push(`_${t.note}_`, '');
  lines.push(`| ${t.columns.map(cell).join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
  for (const row of t.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

export function headline(r: RunReport): string {
  const p = r.data.plan;
  const done = r.data.questions.filter((q) => q.complete).length;
  const sim = p.simulated ? ' **SIMULATED backend: these numbers test the pipeline, not a model.**' : '';
  // plan.json flags ERRATA questions; older plans did not, their problem files do (data.questions).
  const flaggedIdx = new Set([...p.questions.filter((q) => q.errata), ...r.data.questions.filter((q) => q.errata)].map((q) => q.idx));
  const errata = p.questions.filter((q) => flaggedIdx.has(q.idx)).map((q) => `q${q.idx} ${q.id}`);
  const flagged = errata.length ? ` ${errata.length} question(s) on LiveCodeBench's ERRATA list (flagged in the per-question table): ${errata.join(', ')}.` : '';
  return `Run \`${r.data.name}\`: backend ${p.backend}, model \`${p.model}\`, ${p.questions.length} questions (${done} complete), n = ${p.n} per temperature, temperatures ${p.temperatures.join(', ')}.${regradeNote(p)}${flagged}${sim} Provenance: ${provenanceLine(r.provenance)}.`;
}

export function reportMarkdown(reports: RunReport[], tables: Table[], charts: RenderedChart[], outDir: string): string {
  const r = reports[0]!;
  const parts = [`# passk report: ${reports.map((x) => x.data.name).join(' vs ')}`, '', headline(r), ''];
  for (const other of reports.slice(1)) parts.push(headline(other), '');
  parts.push(`Generated ${new Date().toISOString()} by \`passk report\`. Definitions: docs/reports.md.`, '');
  parts.push('## Charts', '');
  for (const c of charts) {
    parts.push(`![${c.title}](${path.relative(outDir, c.pngFile).split(path.sep).join('/')})`, '');
    if (c.note) parts.push(`_${c.note}_`, '');
  }
  parts.push('## Tables', '');
  for (const t of tables) parts.push(markdownTable(t));
  return parts.join('\n');
}
