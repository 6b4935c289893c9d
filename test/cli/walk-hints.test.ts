/**
 * The hints at the end of `passk run` and `passk regrade`, pasted into a shell in another directory, work:
 * the run's "`passk report …` draws the charts" (with --home, and --results-dir when the run was given its
 * own, relative, one) and the regrade's "compare with `passk report … --compare …`". Both said a bare
 * `passk report --run NAME`, which from elsewhere looked in the wrong place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runPassk } from '../helpers/passk.js';
import { tempDir } from '../helpers/tmp.js';

const TINY = ['--problems', 'demo', '--end', '1', '--backend', 'sim', '--n', '5', '--shard-size', '5', '--temperatures', '0.2'];

/** The command between backticks just before `tail` on some line of `text`. */
function hint(text: string, tail: RegExp): string {
  const m = new RegExp(`\`([^\`]+)\`${tail.source}`, 'm').exec(text);
  assert.ok(m, `no hint before ${tail} in:\n${text}`);
  return m[1]!;
}

function paste(command: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, PASSK_HOME: '' } });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('the report hint of a run with its own relative --results-dir works pasted elsewhere', async () => {
  const [home, work, other] = [await tempDir(), await tempDir(), await tempDir()];
  const run = await runPassk(['run', '--run', 'h', '--queue-dir', 'myq', '--results-dir', 'myr', ...TINY], { cwd: work, env: { PASSK_HOME: home } });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const report = hint(run.stdout, / draws the charts$/);
  assert.match(report, new RegExp(` --home ${home} report --run h --results-dir ${path.join(work, 'myr')}$`));
  const pasted = paste(report, other);
  assert.equal(pasted.status, 0, pasted.out);
  assert.ok(existsSync(path.join(work, 'myr', 'report.md')));
});

test('the regrade compare hint works pasted elsewhere', async () => {
  const [home, other] = [await tempDir(), await tempDir()];
  const run = await runPassk(['run', '--run', 'g', ...TINY], { cwd: home });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const regrade = await runPassk(['regrade', '--run', 'g', '--grading', 'judge'], { cwd: home });
  assert.equal(regrade.code, 0, regrade.stdout + regrade.stderr);
  const compare = hint(regrade.stdout, /$/);
  assert.match(compare, new RegExp(` --home ${home} report --run g-regrade-judge --compare ${path.join(home, 'results', 'g')}$`));
  const pasted = paste(compare, other);
  assert.equal(pasted.status, 0, pasted.out);
  assert.ok(existsSync(path.join(home, 'results', 'g-regrade-judge', 'report.md')));
});
