/**
 * The "LCB-sized" workload (bench/peers): five AtCoder-like stdin problems with 20–60 tests each whose
 * inputs grow geometrically from a few bytes to ~1 MB (the shape of LiveCodeBench's AtCoder rows), and four
 * programs per problem: a fast correct one (sys.stdin.buffer), an input()-based correct one, one that is
 * wrong only on large inputs (so it runs most tests), and one that crashes on large inputs.
 */
import type { Rng } from './rng.js';
import type { Test } from './lcb-quick.js';

export interface SizedProblem {
  id: string;
  /** One test whose input is about `bytes` long. */
  test: (rng: Rng, bytes: number) => Test;
  programs: [string, string][];
}

const ints = (rng: Rng, n: number, hi: number): number[] => Array.from({ length: n }, () => rng.int(1, hi));
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export const SIZED_PROBLEMS: SizedProblem[] = [
  { id: 's-sum', test: (r, bytes) => { const a = ints(r, Math.max(1, Math.floor(bytes / 11)), 1e9); return { input: `${a.length}\n${a.join(' ')}\n`, output: `${sum(a)}\n` }; },
    programs: [
      ['fast', 'import sys\ndata = sys.stdin.buffer.read().split()\nn = int(data[0])\nprint(sum(map(int, data[1:n + 1])))'],
      ['input', 'n = int(input())\na = list(map(int, input().split()))\nprint(sum(a))'],
      ['wrong-large', 'n = int(input())\na = list(map(int, input().split()))\nprint(sum(a) % (2**31) if n > 20000 else sum(a))'],
      ['crash-large', 'import sys\nsys.setrecursionlimit(1000)\ndef s(a, i):\n    return 0 if i == len(a) else a[i] + s(a, i + 1)\nn = int(input())\nprint(s(list(map(int, input().split())), 0))'],
    ] },
  { id: 's-sort', test: (r, bytes) => { const a = ints(r, Math.max(1, Math.floor(bytes / 11)), 1e9); return { input: `${a.length}\n${a.join(' ')}\n`, output: `${[...a].sort((x, y) => x - y).join(' ')}\n` }; },
    programs: [
      ['fast', 'import sys\ndata = sys.stdin.buffer.read().split()\na = sorted(map(int, data[1:]))\nsys.stdout.write(" ".join(map(str, a)) + "\\n")'],
      ['input', 'n = int(input())\na = list(map(int, input().split()))\na.sort()\nprint(*a)'],
      ['wrong-large', 'n = int(input())\na = input().split()\nprint(*sorted(a, key=int) if n < 30000 else sorted(a))'],
      ['crash-large', 'n = int(input())\na = list(map(int, input().split()))\nassert n < 50000\nprint(*sorted(a))'],
    ] },
  { id: 's-distinct', test: (r, bytes) => { const a = ints(r, Math.max(1, Math.floor(bytes / 7)), 100000); return { input: `${a.length}\n${a.join(' ')}\n`, output: `${new Set(a).size}\n` }; },
    programs: [
      ['fast', 'import sys\ndata = sys.stdin.buffer.read().split()\nprint(len(set(data[1:])))'],
      ['input', 'n = int(input())\nseen = set()\nfor x in input().split():\n    seen.add(int(x))\nprint(len(seen))'],
      ['wrong-large', 'n = int(input())\na = sorted(map(int, input().split()))\nprint(sum(1 for i in range(1, min(n, 40000)) if a[i] != a[i - 1]) + 1)'],
      ['crash-large', 'n = int(input())\na = list(map(int, input().split()))\ncnt = [0] * 50001\nfor x in a:\n    cnt[x] += 1\nprint(sum(1 for c in cnt if c))'],
    ] },
  { id: 's-range', test: (r, bytes) => {
      const n = Math.max(1, Math.floor(bytes / 22));
      const a = ints(r, n, 1e6);
      const pre = [0];
      for (const x of a) pre.push(pre[pre.length - 1]! + x);
      const qs = Array.from({ length: n }, () => { const l = r.int(1, n), m = r.int(1, n); return [Math.min(l, m), Math.max(l, m)] as const; });
      return { input: `${n} ${n}\n${a.join(' ')}\n${qs.map(([l, m]) => `${l} ${m}`).join('\n')}\n`, output: `${qs.map(([l, m]) => pre[m]! - pre[l - 1]!).join('\n')}\n` };
    },
    programs: [
      ['fast', 'import sys\nfrom itertools import accumulate\ndata = sys.stdin.buffer.read().split()\nn, q = int(data[0]), int(data[1])\npre = [0] + list(accumulate(map(int, data[2:2 + n])))\nqs = data[2 + n:]\nout = []\nfor i in range(q):\n    l, r = int(qs[2 * i]), int(qs[2 * i + 1])\n    out.append(pre[r] - pre[l - 1])\nprint("\\n".join(map(str, out)))'],
      ['input', 'import sys\ninput = sys.stdin.readline\nn, q = map(int, input().split())\na = list(map(int, input().split()))\npre = [0] * (n + 1)\nfor i in range(n):\n    pre[i + 1] = pre[i] + a[i]\nfor _ in range(q):\n    l, r = map(int, input().split())\n    print(pre[r] - pre[l - 1])'],
      ['wrong-large', 'n, q = map(int, input().split())\na = list(map(int, input().split()))\npre = [0]\nfor x in a:\n    pre.append(pre[-1] + x)\nres = []\nfor _ in range(q):\n    l, r = map(int, input().split())\n    res.append(pre[r] - pre[l - 1] if n < 10000 else pre[r] - pre[l])\nprint("\\n".join(map(str, res)))'],
      ['crash-large', 'n, q = map(int, input().split())\na = list(map(int, input().split()))\npre = [0] * 20001\nfor i in range(n):\n    pre[i + 1] = pre[i] + a[i]\nfor _ in range(q):\n    l, r = map(int, input().split())\n    print(pre[r] - pre[l - 1])'],
    ] },
  { id: 's-letters', test: (r, bytes) => {
      const s = Array.from({ length: Math.max(1, bytes) }, () => String.fromCharCode(97 + r.int(0, 25))).join('');
      const counts = new Array<number>(26).fill(0);
      for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i) - 97]!++;
      return { input: `${s}\n`, output: `${counts.join(' ')}\n` };
    },
    programs: [
      ['fast', 'import sys\ns = sys.stdin.buffer.readline().strip()\nprint(*[s.count(bytes([c])) for c in range(97, 123)])'],
      ['input', 's = input()\ncnt = [0] * 26\nfor ch in s:\n    cnt[ord(ch) - 97] += 1\nprint(" ".join(map(str, cnt)))'],
      ['wrong-large', 'from collections import Counter\ns = input()\nc = Counter(s[:200000])\nprint(*[c[chr(97 + i)] for i in range(26)])'],
      ['crash-large', 's = input()\nif len(s) > 300000:\n    raise MemoryError("too long")\nprint(*[s.count(chr(97 + i)) for i in range(26)])'],
    ] },
];

/** Test sizes for a problem with `count` tests: geometric from 8 bytes to maxBytes. */
export function sizes(count: number, maxBytes: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(8 * Math.pow(maxBytes / 8, count === 1 ? 1 : i / (count - 1))));
}
