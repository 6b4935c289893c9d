/**
 * The "LCB-format quick programs" workload (bench/peers): 20 small LiveCodeBench-style problems (12 stdin,
 * 8 functional, LeetCode's `class Solution`), 6–8 tests each, and 10 programs per problem as models write
 * them: two correct styles, two wrong answers, one crash, and five variants (a `main()` with an
 * `if __name__ == "__main__":` guard or a `from typing import List` header, a Markdown fence left in
 * (a syntax error), a comment header, a debug print to stderr, a commented wrong answer). Expected outputs
 * are computed here; the same rows feed `passk evaluate` and lcb_runner.
 */
import type { Rng } from './rng.js';

export interface Test { input: string; output: string }
export interface QuickProblem {
  id: string;
  func?: string;
  tests: (rng: Rng) => Test[];
  /** Two correct, two wrong, one crashing program. */
  correct: [string, string];
  wrong: [string, string];
  crash: string;
}

const nums = (rng: Rng, n: number, lo: number, hi: number): number[] => Array.from({ length: n }, () => rng.int(lo, hi));
const word = (rng: Rng, n: number, letters = 'abcdefghijklmnopqrstuvwxyz'): string => Array.from({ length: n }, () => letters[rng.int(0, letters.length - 1)]).join('');
const many = (k: number, make: (i: number) => Test): Test[] => Array.from({ length: k }, (_, i) => make(i));
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

const STDIN: QuickProblem[] = [
  { id: 'q-sum', tests: (r) => many(7, () => { const a = BigInt(r.int(0, 1e9)) * 1000000n, b = BigInt(r.int(0, 1e9)); return { input: `${a} ${b}\n`, output: `${a + b}\n` }; }),
    correct: ['a, b = map(int, input().split())\nprint(a + b)', 'import sys\ndata = sys.stdin.read().split()\nprint(int(data[0]) + int(data[1]))'],
    wrong: ['a, b = input().split()\nprint(a + b)', 'a, b = map(float, input().split())\nprint(int(a + b))'],
    crash: 'a, b = map(int, input().split(","))\nprint(a + b)' },
  { id: 'q-max', tests: (r) => many(7, () => { const xs = nums(r, r.int(1, 30), -1000, 1000); return { input: `${xs.length}\n${xs.join(' ')}\n`, output: `${Math.max(...xs)}\n` }; }),
    correct: ['n = int(input())\nprint(max(map(int, input().split())))', 'import sys\ninput = sys.stdin.readline\nn = int(input())\na = list(map(int, input().split()))\nbest = a[0]\nfor x in a:\n    if x > best:\n        best = x\nprint(best)'],
    wrong: ['n = int(input())\na = list(map(int, input().split()))\nprint(sorted(a)[-2] if n > 1 else a[0])', 'n = int(input())\nbest = 0\nfor x in map(int, input().split()):\n    best = max(best, x)\nprint(best)'],
    crash: 'n = int(input())\na = list(map(int, input().split()))\nprint(a[n])' },
  { id: 'q-reverse', tests: (r) => many(6, () => { const s = word(r, r.int(1, 40)); return { input: `${s}\n`, output: `${[...s].reverse().join('')}\n` }; }),
    correct: ['print(input()[::-1])', 's = input().strip()\nout = ""\nfor ch in s:\n    out = ch + out\nprint(out)'],
    wrong: ['print(input())', 's = input()\nprint(s[::-1][1:])'],
    crash: 's = input()\nprint(reverse(s))' },
  { id: 'q-vowels', tests: (r) => many(6, () => { const s = word(r, r.int(1, 50)); return { input: `${s}\n`, output: `${[...s].filter((c) => 'aeiou'.includes(c)).length}\n` }; }),
    correct: ['s = input()\nprint(sum(1 for c in s if c in "aeiou"))', 'import re\nprint(len(re.findall("[aeiou]", input())))'],
    wrong: ['s = input()\nprint(sum(1 for c in s if c in "aeiouy"))', 's = input()\nprint(len(set(c for c in s if c in "aeiou")))'],
    crash: 's = input()\nprint(s.count_vowels())' },
  { id: 'q-fizz', tests: (r) => many(6, (i) => { const n = i === 0 ? 15 : r.int(1, 30); return { input: `${n}\n`, output: Array.from({ length: n }, (_, k) => { const j = k + 1; return j % 15 === 0 ? 'FizzBuzz' : j % 3 === 0 ? 'Fizz' : j % 5 === 0 ? 'Buzz' : String(j); }).join('\n') + '\n' }; }),
    correct: ['n = int(input())\nfor i in range(1, n + 1):\n    if i % 15 == 0:\n        print("FizzBuzz")\n    elif i % 3 == 0:\n        print("Fizz")\n    elif i % 5 == 0:\n        print("Buzz")\n    else:\n        print(i)', 'n = int(input())\nprint("\\n".join("Fizz" * (i % 3 == 0) + "Buzz" * (i % 5 == 0) or str(i) for i in range(1, n + 1)))'],
    wrong: ['n = int(input())\nfor i in range(1, n):\n    print("FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else i)', 'n = int(input())\nfor i in range(1, n + 1):\n    print("Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else i)'],
    crash: 'n = int(input())\nfor i in range(1, n + 1):\n    print(["FizzBuzz", "Fizz", "Buzz"][i % 3] if i % 3 == 0 else i / 0)' },
  { id: 'q-gcd', tests: (r) => many(7, () => { const a = BigInt(r.int(1, 1e9)), b = BigInt(r.int(1, 1e9)); return { input: `${a} ${b}\n`, output: `${gcd(a, b)}\n` }; }),
    correct: ['import math\na, b = map(int, input().split())\nprint(math.gcd(a, b))', 'a, b = map(int, input().split())\nwhile b:\n    a, b = b, a % b\nprint(a)'],
    wrong: ['a, b = map(int, input().split())\nprint(min(a, b))', 'a, b = map(int, input().split())\nprint(a * b // max(a, b))'],
    crash: 'a, b = map(int, input().split())\nprint(gcd(a, b))' },
  { id: 'q-palindrome', tests: (r) => many(7, (i) => { const h = word(r, r.int(1, 10), 'ab'); const s = i % 2 ? h + [...h].reverse().join('') : h + 'a' + h; return { input: `${s}\n`, output: `${s === [...s].reverse().join('') ? 'Yes' : 'No'}\n` }; }),
    correct: ['s = input()\nprint("Yes" if s == s[::-1] else "No")', 's = input().strip()\nok = True\nfor i in range(len(s) // 2):\n    if s[i] != s[-1 - i]:\n        ok = False\n        break\nprint("Yes" if ok else "No")'],
    wrong: ['s = input()\nprint("YES" if s == s[::-1] else "NO")', 's = input()\nprint("Yes" if s[0] == s[-1] else "No")'],
    crash: 's = input()\nprint("Yes" if s == reversed(s) else "No")[0]' },
  { id: 'q-sort', tests: (r) => many(7, () => { const xs = nums(r, r.int(1, 30), -100, 100); return { input: `${xs.length}\n${xs.join(' ')}\n`, output: `${[...xs].sort((a, b) => a - b).join(' ')}\n` }; }),
    correct: ['n = int(input())\nprint(*sorted(map(int, input().split())))', 'import sys\nn, *a = map(int, sys.stdin.read().split())\na.sort()\nprint(" ".join(map(str, a)))'],
    wrong: ['n = int(input())\nprint(*sorted(input().split()))', 'n = int(input())\nprint(*sorted(map(int, input().split()), reverse=True))'],
    crash: 'n = int(input())\na = input().split()\na.sort(key=int)\nprint(" ".join(a[i] for i in range(n + 1)))' },
  { id: 'q-prime', tests: (r) => many(7, (i) => { const n = i === 0 ? 1 : i === 1 ? 2 : r.int(2, 100000); let p = n >= 2; for (let d = 2; d * d <= n; d++) if (n % d === 0) p = false; return { input: `${n}\n`, output: `${p ? 'Yes' : 'No'}\n` }; }),
    correct: ['n = int(input())\nok = n >= 2\nd = 2\nwhile d * d <= n:\n    if n % d == 0:\n        ok = False\n        break\n    d += 1\nprint("Yes" if ok else "No")', 'n = int(input())\nprint("Yes" if n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1)) else "No")'],
    wrong: ['n = int(input())\nprint("Yes" if all(n % d for d in range(2, n)) else "No")', 'n = int(input())\nprint("Yes" if n % 2 else "No")'],
    crash: 'n = int(input())\nprint("Yes" if isprime(n) else "No")' },
  { id: 'q-fib', tests: (r) => many(6, () => { const n = r.int(1, 1000); let a = 0n, b = 1n; for (let k = 0; k < n; k++) [a, b] = [b, (a + b) % 1000000007n]; return { input: `${n}\n`, output: `${a}\n` }; }),
    correct: ['n = int(input())\na, b = 0, 1\nfor _ in range(n):\n    a, b = b, (a + b) % 1000000007\nprint(a)', 'from functools import lru_cache\nimport sys\nsys.setrecursionlimit(10000)\nM = 10**9 + 7\n@lru_cache(None)\ndef f(n):\n    return n if n < 2 else (f(n - 1) + f(n - 2)) % M\nprint(f(int(input())))'],
    wrong: ['n = int(input())\na, b = 0, 1\nfor _ in range(n):\n    a, b = b, a + b\nprint(a % 1000000009)', 'n = int(input())\na, b = 1, 1\nfor _ in range(n):\n    a, b = b, (a + b) % 1000000007\nprint(a)'],
    crash: 'n = int(input())\ndp = [0] * n\ndp[1] = 1\nfor i in range(2, n + 1):\n    dp[i] = (dp[i - 1] + dp[i - 2]) % 1000000007\nprint(dp[n])' },
  { id: 'q-grid', tests: (r) => many(6, () => { const h = r.int(1, 6), w = r.int(1, 6); const g = Array.from({ length: h }, () => nums(r, w, 0, 9)); return { input: `${h} ${w}\n${g.map((row) => row.join(' ')).join('\n')}\n`, output: `${g.flat().reduce((a, b) => a + b, 0)}\n` }; }),
    correct: ['h, w = map(int, input().split())\nprint(sum(sum(map(int, input().split())) for _ in range(h)))', 'import sys\ndata = list(map(int, sys.stdin.read().split()))\nprint(sum(data[2:]))'],
    wrong: ['h, w = map(int, input().split())\nprint(sum(sum(map(int, input().split())) for _ in range(h - 1)))', 'import sys\nprint(sum(map(int, sys.stdin.read().split())))'],
    crash: 'h, w = map(int, input().split())\ntotal = 0\nfor _ in range(h + 1):\n    total += sum(map(int, input().split()))\nprint(total)' },
  { id: 'q-words', tests: (r) => many(6, () => { const ws = Array.from({ length: r.int(1, 12) }, () => word(r, r.int(1, 6))); return { input: `${ws.join(' ')}\n`, output: `${ws.length}\n` }; }),
    correct: ['print(len(input().split()))', 'line = input()\ncount = 0\nin_word = False\nfor ch in line:\n    if ch != " " and not in_word:\n        count += 1\n    in_word = ch != " "\nprint(count)'],
    wrong: ['print(input().count(" "))', 'print(len(set(input().split())))'],
    crash: 'print(len(input().split(None, -2)) / int("count"))' },
];

const FUNCTIONAL: QuickProblem[] = [
  { id: 'f-profit', func: 'maxProfit', tests: (r) => many(7, () => { const p = nums(r, r.int(1, 20), 1, 100); let best = 0, lo = Infinity; for (const x of p) { lo = Math.min(lo, x); best = Math.max(best, x - lo); } return { input: JSON.stringify(p), output: String(best) }; }),
    correct: ['class Solution:\n    def maxProfit(self, prices: List[int]) -> int:\n        best, low = 0, float("inf")\n        for p in prices:\n            low = min(low, p)\n            best = max(best, p - low)\n        return best', 'class Solution:\n    def maxProfit(self, prices):\n        return max([0] + [prices[j] - prices[i] for i in range(len(prices)) for j in range(i + 1, len(prices))])'],
    wrong: ['class Solution:\n    def maxProfit(self, prices: List[int]) -> int:\n        return max(prices) - min(prices)', 'class Solution:\n    def maxProfit(self, prices: List[int]) -> int:\n        return max(0, prices[-1] - prices[0])'],
    crash: 'class Solution:\n    def maxProfit(self, prices: List[int]) -> int:\n        return max(b - a for a, b in zip(prices, prices[1:]))' },
  { id: 'f-palnum', func: 'isPalindrome', tests: (r) => many(7, (i) => { const x = i === 0 ? -121 : i % 2 ? Number(String(r.int(1, 999)) + [...String(r.int(1, 999))].reverse().join('')) : r.int(0, 100000); const s = String(x); return { input: String(x), output: JSON.stringify(s === [...s].reverse().join('')) }; }),
    correct: ['class Solution:\n    def isPalindrome(self, x: int) -> bool:\n        return str(x) == str(x)[::-1]', 'class Solution:\n    def isPalindrome(self, x: int) -> bool:\n        if x < 0:\n            return False\n        rev, y = 0, x\n        while y:\n            rev = rev * 10 + y % 10\n            y //= 10\n        return rev == x'],
    wrong: ['class Solution:\n    def isPalindrome(self, x: int) -> bool:\n        return str(abs(x)) == str(abs(x))[::-1]', 'class Solution:\n    def isPalindrome(self, x: int) -> bool:\n        return str(x)[0] == str(x)[-1]'],
    crash: 'class Solution:\n    def isPalindrome(self, x: int) -> bool:\n        return x == x[::-1]' },
  { id: 'f-ones', func: 'hammingWeight', tests: (r) => many(6, () => { const n = r.int(0, 2 ** 31 - 1); return { input: String(n), output: String([...n.toString(2)].filter((c) => c === '1').length) }; }),
    correct: ['class Solution:\n    def hammingWeight(self, n: int) -> int:\n        return bin(n).count("1")', 'class Solution:\n    def hammingWeight(self, n: int) -> int:\n        c = 0\n        while n:\n            n &= n - 1\n            c += 1\n        return c'],
    wrong: ['class Solution:\n    def hammingWeight(self, n: int) -> int:\n        return len(bin(n)) - 2', 'class Solution:\n    def hammingWeight(self, n: int) -> int:\n        return bin(n).count("0") - 1'],
    crash: 'class Solution:\n    def hammingWeight(self, n: int) -> int:\n        return n.bit_count(1)' },
  { id: 'f-substr', func: 'lengthOfLongestSubstring', tests: (r) => many(7, () => { const s = word(r, r.int(0, 30), 'abcdef'); let best = 0; for (let i = 0; i < s.length; i++) { const seen = new Set<string>(); for (let j = i; j < s.length && !seen.has(s[j]!); j++) { seen.add(s[j]!); best = Math.max(best, j - i + 1); } } return { input: JSON.stringify(s), output: String(best) }; }),
    correct: ['class Solution:\n    def lengthOfLongestSubstring(self, s: str) -> int:\n        last, start, best = {}, 0, 0\n        for i, c in enumerate(s):\n            if c in last and last[c] >= start:\n                start = last[c] + 1\n            last[c] = i\n            best = max(best, i - start + 1)\n        return best', 'class Solution:\n    def lengthOfLongestSubstring(self, s: str) -> int:\n        best = 0\n        for i in range(len(s)):\n            for j in range(i, len(s) + 1):\n                if len(set(s[i:j])) == j - i:\n                    best = max(best, j - i)\n        return best'],
    wrong: ['class Solution:\n    def lengthOfLongestSubstring(self, s: str) -> int:\n        return len(set(s))', 'class Solution:\n    def lengthOfLongestSubstring(self, s: str) -> int:\n        best = cur = 0\n        for i, c in enumerate(s):\n            cur = cur + 1 if i == 0 or s[i - 1] != c else 1\n            best = max(best, cur)\n        return best'],
    crash: 'class Solution:\n    def lengthOfLongestSubstring(self, s: str) -> int:\n        return max(len(set(s[i:])) for i in range(len(s)))' },
  { id: 'f-majority', func: 'majorityElement', tests: (r) => many(6, () => { const m = r.int(-50, 50); const xs = [...nums(r, r.int(0, 6), -50, 50), ...Array.from({ length: 7 }, () => m)]; r.shuffle(xs); return { input: JSON.stringify(xs), output: String(m) }; }),
    correct: ['class Solution:\n    def majorityElement(self, nums: List[int]) -> int:\n        return Counter(nums).most_common(1)[0][0]', 'class Solution:\n    def majorityElement(self, nums: List[int]) -> int:\n        cand, cnt = None, 0\n        for x in nums:\n            if cnt == 0:\n                cand = x\n            cnt += 1 if x == cand else -1\n        return cand'],
    wrong: ['class Solution:\n    def majorityElement(self, nums: List[int]) -> int:\n        return nums[0]', 'class Solution:\n    def majorityElement(self, nums: List[int]) -> int:\n        return max(set(nums))'],
    crash: 'class Solution:\n    def majorityElement(self, nums: List[int]) -> int:\n        return statistics.mode(nums) + undefined_offset' },
  { id: 'f-stairs', func: 'climbStairs', tests: (r) => many(6, () => { const n = r.int(1, 45); let a = 1, b = 1; for (let k = 1; k < n; k++) [a, b] = [b, a + b]; return { input: String(n), output: String(b) }; }),
    correct: ['class Solution:\n    def climbStairs(self, n: int) -> int:\n        a, b = 1, 1\n        for _ in range(n - 1):\n            a, b = b, a + b\n        return b', 'class Solution:\n    @cache\n    def climbStairs(self, n: int) -> int:\n        return 1 if n <= 1 else self.climbStairs(n - 1) + self.climbStairs(n - 2)'],
    wrong: ['class Solution:\n    def climbStairs(self, n: int) -> int:\n        return 2 ** (n - 1)', 'class Solution:\n    def climbStairs(self, n: int) -> int:\n        a, b = 1, 1\n        for _ in range(n):\n            a, b = b, a + b\n        return b'],
    crash: 'class Solution:\n    def climbStairs(self, n: int) -> int:\n        dp = [1] * n\n        for i in range(2, n + 1):\n            dp[i] = dp[i - 1] + dp[i - 2]\n        return dp[n]' },
  { id: 'f-missing', func: 'missingNumber', tests: (r) => many(6, () => { const n = r.int(1, 30); const miss = r.int(0, n); const xs = Array.from({ length: n + 1 }, (_, i) => i).filter((x) => x !== miss); r.shuffle(xs); return { input: JSON.stringify(xs), output: String(miss) }; }),
    correct: ['class Solution:\n    def missingNumber(self, nums: List[int]) -> int:\n        n = len(nums)\n        return n * (n + 1) // 2 - sum(nums)', 'class Solution:\n    def missingNumber(self, nums: List[int]) -> int:\n        s = set(nums)\n        for i in range(len(nums) + 1):\n            if i not in s:\n                return i'],
    wrong: ['class Solution:\n    def missingNumber(self, nums: List[int]) -> int:\n        return max(nums) + 1', 'class Solution:\n    def missingNumber(self, nums: List[int]) -> int:\n        nums.sort()\n        for i, x in enumerate(nums):\n            if x != i:\n                return i\n        return 0'],
    crash: 'class Solution:\n    def missingNumber(self, nums: List[int]) -> int:\n        nums.sort()\n        return [i for i in range(len(nums)) if nums[i] != i][0]' },
  { id: 'f-running', func: 'runningSum', tests: (r) => many(6, () => { const xs = nums(r, r.int(1, 20), -100, 100); let s = 0; return { input: JSON.stringify(xs), output: JSON.stringify(xs.map((x) => (s += x))) }; }),
    correct: ['class Solution:\n    def runningSum(self, nums: List[int]) -> List[int]:\n        return list(accumulate(nums))', 'class Solution:\n    def runningSum(self, nums: List[int]) -> List[int]:\n        out, s = [], 0\n        for x in nums:\n            s += x\n            out.append(s)\n        return out'],
    wrong: ['class Solution:\n    def runningSum(self, nums: List[int]) -> List[int]:\n        return [sum(nums[:i]) for i in range(len(nums))]', 'class Solution:\n    def runningSum(self, nums: List[int]) -> List[int]:\n        return sorted(accumulate(nums))'],
    crash: 'class Solution:\n    def runningSum(self, nums: List[int]) -> List[int]:\n        for i in range(len(nums)):\n            nums[i] += nums[i - 1] if i else nums[len(nums)]\n        return nums' },
];

export const QUICK_PROBLEMS: QuickProblem[] = [...STDIN, ...FUNCTIONAL];

/** The ten programs of one problem (label, code), in a fixed order; every text distinct. */
export function quickPrograms(p: QuickProblem): [string, string][] {
  const [a, b] = p.correct;
  const variant = p.func
    ? `from typing import List\n\n${a}`
    : `def main():\n${a.split('\n').map((l) => `    ${l}`).join('\n')}\n\nif __name__ == "__main__":\n    main()`;
  return [
    ['correct-a', a], ['correct-b', b], ['wrong-1', p.wrong[0]], ['wrong-2', p.wrong[1]], ['crash', p.crash],
    [p.func ? 'correct-a-typing' : 'correct-a-main', variant],
    ['fence', `\`\`\`python\n${a}\n\`\`\``],
    ['correct-b-comment', `# Read the input, compute the answer, print it.\n${b}`],
    ['correct-a-debug', `import sys\n${a}\nprint("debug: done", file=sys.stderr)`],
    ['wrong-1-comment', `${p.wrong[0]}  # O(n)`],
  ];
}
