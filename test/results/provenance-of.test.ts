/**
 * provenanceOf(plan) before and after the `grading` plan field exists: a plan without provenance
 * (written before it was kept) reads as `unknown` with its own extraction rule and judge grading; a
 * plan's `grading` field wins over the recorded one; unknown modes read as judge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provenanceOf, makeProvenance, gradingOf, provenanceLine, passkVersion } from '../../packages/core/src/index.js';

test('provenanceOf: old plans, the grading field, the one-line form', () => {
  assert.deepEqual(provenanceOf({ strict_extraction: true }), {
    passk_version: 'unknown', passk_commit: 'unknown', extraction_rule: 'lcb_strict', grading: 'judge', grader_version: 'unknown', interpreter: null,
  });
  assert.equal(provenanceOf({}).extraction_rule, 'lcb_with_fallbacks');
  const recorded = makeProvenance({ strictExtraction: false, graderVersion: 'g-1', interpreter: { path: '/usr/bin/python3.11', version: '3.11.2', packages: { numpy: null } } });
  assert.equal(recorded.grading, 'judge', 'no --grading: judge, today\'s grader');
  assert.equal(recorded.passk_commit, passkVersion().commit);
  assert.equal(provenanceOf({ provenance: recorded, grading: 'lcb' }).grading, 'lcb', 'the plan field wins');
  assert.equal(provenanceOf({ provenance: recorded }).grading, 'judge');
  assert.equal(gradingOf({ grading: 'human-eval' }), 'human-eval');
  assert.equal(gradingOf({ grading: 'bogus' }), 'judge');
  assert.equal(gradingOf(undefined), 'judge');
  assert.match(provenanceLine(recorded), /^passk \S+ \(\S+\) · extraction lcb_with_fallbacks · grading judge \(grader g-1\) · python 3\.11\.2 \/usr\/bin\/python3\.11, numpy not installed$/);
  assert.match(provenanceLine(provenanceOf({})), /^passk unknown \(commit unknown\) · .* · python unknown$/);
});
