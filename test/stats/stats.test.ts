import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  passAtK, meanPassAtK, ksUpTo, wilsonInterval, normalQuantile, bootstrapMeans, mulberry32,
  aggregateTemperatures, bestTemperatures, breakdown, ksFor, comparedQuestions, bootstrapWeightedMeans, type QuestionRows,
} from '@passk/stats';

function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** 1 − C(n−c, k)/C(n, k), exactly in BigInt, converted at the end with 30 digits kept. */
function exactPassAtK(n: number, c: number, k: number): number {
  const num = binomial(n - c, k);
  const den = binomial(n, k);
  const scale = 10n ** 30n;
  return Number(scale - (num * scale) / den) / 1e30;
}

test('pass@k equals the exact combinatorial value for every (n, c, k) with n ≤ 30', () => {
  let checked = 0;
  for (let n = 1; n <= 30; n++) {
    for (let c = 0; c <= n; c++) {
      for (let k = 1; k <= n; k++) {
        const got = passAtK(n, c, k);
        const want = exactPassAtK(n, c, k);
        assert.ok(Math.abs(got - want) <= 1e-13, `n=${n} c=${c} k=${k}: ${got} vs ${want}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 9000);
});

test('pass@k is stable at n = 10,000 (against BigInt binomials)', () => {
  const cases: Array<[number, number, number]> = [
    [10000, 1, 1], [10000, 1, 1000], [10000, 17, 100], [10000, 171, 1000], [10000, 5000, 5], [10000, 9990, 10], [10000, 3, 10], [10000, 9000, 1000],
  ];
  for (const [n, c, k] of cases) {
    const got = passAtK(n, c, k);
    const want = exactPassAtK(n, c, k);
    assert.ok(Number.isFinite(got) && got >= 0 && got <= 1, `n=${n} c=${c} k=${k}: ${got}`);
    const rel = Math.abs(got - want) / Math.max(want, 1e-300);
    assert.ok(rel < 1e-10, `n=${n} c=${c} k=${k}: ${got} vs ${want} (relative error ${rel})`);
  }
  // c = 1, k = 1: exactly 1/n, to full precision (the naive 1 − ∏ form loses ~4 digits here).
  assert.ok(Math.abs(passAtK(10000, 1, 1) - 1e-4) / 1e-4 < 1e-14);
});

test('pass@k edge cases: c = 0, c = n, n < k, bad input', () => {
  assert.equal(passAtK(10, 0, 1), 0);
  assert.equal(passAtK(10000, 0, 1000), 0);
  assert.equal(passAtK(10, 10, 1), 1);
  assert.equal(passAtK(10, 10, 10), 1);
  assert.equal(passAtK(10, 5, 6), 1, 'n − c < k: every draw of k contains a pass');
  assert.equal(passAtK(1, 1, 1), 1);
  assert.equal(passAtK(10, 3, 1), 0.3);
  assert.throws(() => passAtK(5, 1, 10), /k=10 is larger than n=5/);
  assert.throws(() => passAtK(5, 6, 1), RangeError);
  assert.throws(() => passAtK(5, 1, 0), RangeError);
  assert.throws(() => passAtK(5.5, 1, 1), RangeError);
  assert.deepEqual(ksUpTo(50), [1, 5, 10]);
  assert.deepEqual(ksUpTo(10000), [1, 5, 10, 100, 1000]);
  assert.deepEqual(ksUpTo(3), [1]);
  assert.deepEqual(meanPassAtK([{ n: 10, c: 3 }, { n: 10, c: 0 }, { n: 5, c: 5 }], [1, 10]), { 'pass@1': (0.3 + 0 + 1) / 3 });
  assert.deepEqual(meanPassAtK([], [1]), {});
});

test('normal quantile and the Wilson interval', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-15);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-8);
  // Textbook value: 8 of 10 → [0.4902, 0.9433] at 95 %.
  const w = wilsonInterval(8, 10);
  assert.ok(Math.abs(w.low - 0.4902) < 1e-4 && Math.abs(w.high - 0.9433) < 1e-4, JSON.stringify(w));
  assert.equal(wilsonInterval(0, 20).low, 0);
  assert.ok(wilsonInterval(0, 20).high > 0.1 && wilsonInterval(0, 20).high < 0.2);
  assert.equal(wilsonInterval(20, 20).high, 1);
  assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
  assert.throws(() => wilsonInterval(3, 2), RangeError);
});

function binomialDraw(random: () => number, n: number, p: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (random() < p) c++;
  return c;
}

test('coverage: the 95 % Wilson interval covers the true pass rate in 93–97 % of 1,000 seeded trials', () => {
  const random = mulberry32(42);
  let covered = 0;
  const trials = 1000;
  for (let t = 0; t < trials; t++) {
    const p = 0.05 + 0.9 * random();
    const n = 50;
    const { low, high } = wilsonInterval(binomialDraw(random, n, p), n);
    if (low <= p && p <= high) covered++;
  }
  const rate = covered / trials;
  assert.ok(rate >= 0.93 && rate <= 0.97, `coverage ${rate}`);
});

test('coverage: the 95 % bootstrap interval over questions covers the true mean pass@1 and pass@5 in 93–97 % of 1,000 seeded trials', () => {
  const random = mulberry32(7);
  const trials = 1000;
  const q = 100;
  const n = 20;
  // Population: per-question pass probability p ~ Beta(1, 2) (mean 1/3), like a hard benchmark.
  // The true mean pass@k is E[1 − (1 − p)^k] (the estimator is unbiased for it): for Beta(1, 2),
  // E[(1 − p)^k] = 2 / (k + 2).
  const truth = { 1: 1 - 2 / 3, 5: 1 - 2 / 7 };
  const covered = { 1: 0, 5: 0 };
  for (let t = 0; t < trials; t++) {
    const counts = Array.from({ length: q }, () => {
      const p = 1 - Math.sqrt(random()); // Beta(1, 2) by inversion
      return binomialDraw(random, n, p);
    });
    const [e1, e5] = bootstrapMeans([counts.map((c) => passAtK(n, c, 1)), counts.map((c) => passAtK(n, c, 5))], { resamples: 1000, seed: t });
    if (e1!.low <= truth[1] && truth[1] <= e1!.high) covered[1]++;
    if (e5!.low <= truth[5] && truth[5] <= e5!.high) covered[5]++;
  }
  for (const k of [1, 5] as const) {
    const rate = covered[k] / trials;
    assert.ok(rate >= 0.93 && rate <= 0.97, `pass@${k} coverage ${rate}`);
  }
});

test('bootstrap: seeded (same seed → same interval), ordered, degenerate cases', () => {
  const values = [[0, 1, 0.5, 0.25, 0.75, 1, 0, 0.5]];
  const a = bootstrapMeans(values, { seed: 3 });
  const b = bootstrapMeans(values, { seed: 3 });
  assert.deepEqual(a, b);
  assert.ok(a[0]!.low <= a[0]!.value && a[0]!.value <= a[0]!.high);
  assert.notDeepEqual(bootstrapMeans(values, { seed: 4 }), a);
  assert.deepEqual(bootstrapMeans([[0.5, 0.5, 0.5]]), [{ value: 0.5, low: 0.5, high: 0.5 }]);
  assert.deepEqual(bootstrapMeans([[0.2, 0.4]], { resamples: 0 }), [{ value: 0.30000000000000004, low: 0.30000000000000004, high: 0.30000000000000004 }]);
  assert.ok(Number.isNaN(bootstrapMeans([[]])[0]!.value));
});

test('aggregates: per temperature, best temperature per k, breakdowns by difficulty and platform', () => {
  // Mid-run: q2 has T=0.2 only. Over its own questions T=0.2's mean pass@1 is (0.2 + 0 + 1) / 3 = 0.4,
  // T=1's (0.4 + 0.1) / 2 = 0.25: an unfair comparison picks 0.2 only because q2 (solved at 0.2)
  // is missing at 1. Over the questions both have (q0, q1): 0.2 → 0.1, 1 → 0.25, so 1 wins.
  const questions: QuestionRows[] = [
    { idx: 0, difficulty: 'easy', platform: 'atcoder', results: [{ temperature: 0.2, n: 10, passed: 2, verdicts: { passed: 2, wrong_answer: 8 } }, { temperature: 1, n: 10, passed: 4, verdicts: { passed: 4, syntax_error: 6 } }] },
    { idx: 1, difficulty: 'hard', platform: 'leetcode', results: [{ temperature: 0.2, n: 10, passed: 0, verdicts: { wrong_answer: 10 } }, { temperature: 1, n: 10, passed: 1, verdicts: { passed: 1, runtime_error: 9 } }] },
    { idx: 2, difficulty: 'easy', results: [{ temperature: 0.2, n: 10, passed: 10 }] },
  ];
  const ks = ksFor(questions);
  assert.deepEqual(ks, [1, 5, 10]);
  assert.deepEqual(comparedQuestions(questions, [0.2, 1, 1.5]), { questions: [questions[0], questions[1]], temperatures: [0.2, 1] });
  const perT = aggregateTemperatures(questions, ks, [0.2, 1, 1.5], { resamples: 200 });
  // The seed's counts stay over every row of the temperature…
  assert.equal(perT[0]!.questions, 3);
  assert.equal(perT[0]!.passed, 12);
  assert.equal(perT[0]!.pass_rate, 40);
  // …pass@k is over the compared questions only.
  assert.equal(perT[0]!.compared_questions, 2);
  assert.ok(Math.abs(perT[0]!.pass_at_k['pass@1']!.value - (0.2 + 0) / 2) < 1e-12);
  assert.equal(perT[1]!.questions, 2);
  assert.equal(perT[1]!.compared_questions, 2);
  assert.ok(Math.abs(perT[1]!.pass_at_k['pass@1']!.value - (0.4 + 0.1) / 2) < 1e-12);
  assert.deepEqual(perT[1]!.verdicts, { passed: 5, syntax_error: 6, runtime_error: 9 });
  assert.equal(perT[2]!.questions, 0);
  assert.equal(perT[2]!.compared_questions, 0);
  assert.deepEqual(perT[2]!.pass_at_k['pass@1']!.value, NaN);
  const best = bestTemperatures(perT);
  assert.deepEqual(best['pass@1'], { temperature: 1, ...perT[1]!.pass_at_k['pass@1']!, questions: 2 });
  // pass@10 over q0, q1: 0.2 → (1 + 0) / 2, 1 → (1 + 1) / 2.
  assert.equal(best['pass@10']!.temperature, 1);
  assert.equal(best['pass@10']!.value, 1);
  assert.equal(best['pass@10']!.questions, 2);
  // Alone, T=0.2 is averaged over all three of its questions (nothing to compare with).
  const alone = aggregateTemperatures(questions, ks, [0.2], { resamples: 0 });
  assert.equal(alone[0]!.compared_questions, 3);
  assert.ok(Math.abs(alone[0]!.pass_at_k['pass@1']!.value - 0.4) < 1e-12);

  const byDifficulty = breakdown(questions, 'difficulty', ks, [0.2, 1], { resamples: 100 });
  assert.deepEqual(byDifficulty.map((g) => [g.group, g.questions]), [['easy', 2], ['hard', 1]]);
  // easy: q0 has both temperatures, q2 only 0.2 → compared over q0: 0.2 → 0.2, 1 → 0.4.
  assert.deepEqual([byDifficulty[0]!.best_temperature['pass@1']!.temperature, byDifficulty[0]!.best_temperature['pass@1']!.questions], [1, 1]);
  const byPlatform = breakdown(questions, 'platform', ks, [0.2, 1], { resamples: 100 });
  assert.deepEqual(byPlatform.map((g) => g.group), ['atcoder', 'leetcode', 'unknown']);
  // Nothing in common (each question has one temperature): no comparison, no best temperature.
  const disjoint: QuestionRows[] = [{ idx: 0, results: [{ temperature: 0.2, n: 5, passed: 5 }] }, { idx: 1, results: [{ temperature: 1, n: 5, passed: 0 }] }];
  const none = aggregateTemperatures(disjoint, [1], [0.2, 1], { resamples: 50 });
  assert.deepEqual(none.map((t) => [t.questions, t.compared_questions]), [[1, 0], [1, 0]]);
  assert.deepEqual(bestTemperatures(none), {});
});

test('pooled pass rate interval: a bootstrap over questions of Σ passed / Σ n, drawn as the pass@k intervals are', () => {
  const random = mulberry32(11);
  const questions: QuestionRows[] = Array.from({ length: 40 }, (_, idx) => ({ idx, results: [0.5, 1].map((temperature) => ({ temperature, n: 20, passed: Math.floor(random() * 21) })) }));
  const perT = aggregateTemperatures(questions, [1], [0.5, 1], { resamples: 500, seed: 5 });
  for (const t of perT) {
    const [low, high] = t.pass_rate_ci;
    assert.ok(low < t.pass_rate && t.pass_rate < high, `${low} < ${t.pass_rate} < ${high}`);
    // Equal n on every question: the pooled rate is the mean pass@1, and the same resampled
    // questions (same seed, same question count) give the same interval.
    const p1 = t.pass_at_k['pass@1']!;
    assert.deepEqual(t.pass_rate_ci, [Math.round(p1.low * 10000) / 100, Math.round(p1.high * 10000) / 100]);
  }
  // Unequal n: each question weighs its n (Σ passed / Σ n, not the mean of the rates).
  const uneven: QuestionRows[] = [
    { idx: 0, results: [{ temperature: 1, n: 90, passed: 90 }] },
    { idx: 1, results: [{ temperature: 1, n: 10, passed: 0 }] },
  ];
  const [u] = aggregateTemperatures(uneven, [1], [1], { resamples: 2000 });
  assert.equal(u!.pass_rate, 90);
  // Resamples are {0,0}: 100 %, {1,1}: 0 %, mixed: 90 %; the 2.5 % and 97.5 % quantiles are 0 and 100.
  assert.deepEqual(u!.pass_rate_ci, [0, 100]);
  const [direct] = bootstrapWeightedMeans([[1, 0]], [90, 10], { resamples: 0 });
  assert.equal(direct!.value, 0.9);
  assert.deepEqual(aggregateTemperatures(uneven, [1], [1], { resamples: 0 })[0]!.pass_rate_ci, [90, 90]);
  assert.throws(() => bootstrapWeightedMeans([[1, 0]], [1]), /2 values but 1 weights/);
});

test('coverage: the 95 % pooled pass-rate interval covers the true pooled rate in 93–97 % of 1,000 seeded trials', () => {
  const random = mulberry32(23);
  const trials = 1000;
  const q = 100;
  // p ~ Beta(1, 2) independent of n ∈ {10, 20, 40}: the population's pooled rate E[n p] / E[n] = E[p] = 1/3.
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const questions: QuestionRows[] = Array.from({ length: q }, (_, idx) => {
      const p = 1 - Math.sqrt(random());
      const n = [10, 20, 40][Math.floor(random() * 3)]!;
      return { idx, results: [{ temperature: 1, n, passed: binomialDraw(random, n, p) }] };
    });
    const [agg] = aggregateTemperatures(questions, [], [1], { resamples: 1000, seed: t });
    if (agg!.pass_rate_ci[0] <= 100 / 3 && 100 / 3 <= agg!.pass_rate_ci[1]) covered++;
  }
  const rate = covered / trials;
  assert.ok(rate >= 0.93 && rate <= 0.97, `coverage ${rate}`);
});
