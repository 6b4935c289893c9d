"""The lcb agreement corpus, part 2: program templates, each an idiom or a quirk of lcb_runner.

`{solve}` is replaced by the problem's `def solve(data): ...` (stdin kind) or the method body
(functional kind: `{func}`, `{params}`, `{body}`). Each template says what lcb_runner does with it;
the bench (bench/lcb-agreement.ts) applies each template to `spread` problems (round robin), so the
corpus covers every quirk on several problems. Names starting with `exc_` are the documented
exceptions (docs/grading.md): passk's verdict differs from lcb_runner's on purpose.
"""

# name: (template, spread)
STDIN_TEMPLATES = {
    # reading idioms
    "read_all": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\n", 10),
    "input_loop": ("{solve}\nlines = []\nwhile True:\n    try:\n        lines.append(input())\n    except EOFError:\n        break\nprint(solve('\\n'.join(lines) + '\\n'))\n", 10),
    "readline_alias": ("import sys\ninput = sys.stdin.readline\n{solve}\nparts = []\nwhile True:\n    line = input()\n    if not line:\n        break\n    parts.append(line)\nprint(solve(''.join(parts)))\n", 5),
    "readlines_join": ("import sys\n{solve}\nprint(solve('\\n'.join(sys.stdin.readlines())))\n", 5),  # readlines() drops the line ends there
    "readlines_count": ("import sys\n{solve}\nlines = sys.stdin.readlines()\nprint(solve(''.join(lines)) if len(lines) >= 1 else 'x')\n", 3),
    "buffer_read": ("import sys\n{solve}\nprint(solve(sys.stdin.buffer.read().decode()))\n", 5),
    "buffer_readline_loop": ("import sys\n{solve}\nfirst = sys.stdin.buffer.readline().decode()\nsecond = sys.stdin.buffer.readline().decode()\nprint(solve(first + second))\n", 4),  # the first line, twice
    "for_line_in_stdin": ("import sys\n{solve}\nprint(solve(''.join(line for line in sys.stdin)))\n", 4),  # TypeError there
    "open0": ("{solve}\nprint(solve(open(0).read()))\n", 4),  # the real, empty stdin
    "from_sys_stdin_read": ("from sys import stdin\n{solve}\nprint(solve(stdin.read()))\n", 4),  # the real stdin's patched read()
    "from_sys_stdin_readline": ("from sys import stdin\n{solve}\nfirst = stdin.readline()\nprint(solve(first + '\\n' + stdin.read()))\n", 3),  # no line end
    "builtins_open": ("import builtins\n{solve}\nprint(solve(builtins.open(0).read()))\n", 2),  # mock_open: the input
    "builtins_open_lines": ("{solve}\nwith __builtins__['open']('input.txt') as f:\n    print(solve(''.join(f.readlines())))\n", 2),
    "os_read0": ("import os\n{solve}\nprint(solve(os.read(0, 1 << 20).decode()))\n", 3),
    "read_twice": ("import sys\n{solve}\nsys.stdin.read()\nprint(solve(sys.stdin.read()))\n", 3),  # read() is not consumed there
    "fileno": ("import sys, os\n{solve}\nprint(solve(os.read(sys.stdin.fileno(), 1 << 20).decode()))\n", 2),
    # writing idioms
    "stdout_write": ("import sys\n{solve}\nsys.stdout.write(solve(sys.stdin.read()) + '\\n')\n", 4),
    "os_write": ("import sys, os\n{solve}\nos.write(1, (solve(sys.stdin.read()) + '\\n').encode())\n", 4),  # not captured
    "stdout_buffer": ("import sys\n{solve}\nsys.stdout.buffer.write((solve(sys.stdin.read()) + '\\n').encode())\n", 4),  # AttributeError
    "from_sys_stdout": ("import sys\nfrom sys import stdout\n{solve}\nstdout.write(solve(sys.stdin.read()) + '\\n')\n", 3),  # the real stdout
    "dunder_stdout": ("import sys\n{solve}\nsys.__stdout__.write(solve(sys.stdin.read()) + '\\n')\n", 2),
    "print_flush_stderr": ("import sys\n{solve}\nprint('debug', file=sys.stderr)\nprint(solve(sys.stdin.read()), flush=True)\n", 3),
    "stdout_close": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nsys.stdout.close()\n", 2),  # close() takes an argument there
    "input_prompt": ("{solve}\nfirst = input('> ')\nimport sys\nprint(solve(first + '\\n' + sys.stdin.read()))\n", 2),  # the prompt is captured
    # exiting
    "sys_exit0": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nsys.exit(0)\n", 3),
    "sys_exit1": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nsys.exit(1)\n", 3),  # swallowed
    "exit_builtin": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nexit()\n", 3),
    "quit_builtin": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nquit()\n", 2),  # None there
    "raise_systemexit_msg": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nraise SystemExit('bye')\n", 2),
    "os_exit": ("import sys, os\n{solve}\nprint(solve(sys.stdin.read()))\nsys.stdout.flush()\nos._exit(0)\n", 3),  # kills the run: -1
    "exit_midway": ("import sys\n{solve}\nans = solve(sys.stdin.read())\nif ans:\n    sys.exit()\nprint(ans)\n", 2),
    # program structure
    "main_guard": ("import sys\n{solve}\ndef main():\n    print(solve(sys.stdin.read()))\n\nif __name__ == \"__main__\":\n    main()\n", 5),
    "main_guard_parens": ("import sys\n{solve}\ndef main():\n    print(solve(sys.stdin.read()))\nif (__name__=='__main__'):\n    main()\n", 3),
    "main_guard_reversed": ("import sys\n{solve}\ndef main():\n    print(solve(sys.stdin.read()))\nif '__main__' == __name__:\n    main()\n", 3),  # not unwrapped: never runs
    "main_guard_not_last": ("import sys\n{solve}\ndef main():\n    print(solve(sys.stdin.read()))\nif __name__ == '__main__':\n    main()\nDONE = True\n", 3),
    "main_guard_else": ("import sys\n{solve}\nif __name__ == '__main__':\n    print(solve(sys.stdin.read()))\nelse:\n    print('imported')\n", 2),  # else dropped
    "global_top_level": ("import sys\n{solve}\nANS = None\ndef compute():\n    global ANS\n    ANS = solve(sys.stdin.read())\ncompute()\nprint(ANS)\n", 3),
    "global_read": ("import sys\n{solve}\nDATA = sys.stdin.read()\ndef compute():\n    return solve(DATA)\nprint(compute())\n", 3),  # a closure: fine
    "global_counter": ("import sys\n{solve}\ncalls = 0\ndef bump():\n    global calls\n    calls += 1\nbump()\nprint(solve(sys.stdin.read()))\n", 3),  # NameError there
    "class_solution_text": ("import sys\n{solve}\nclass SolutionHelper:\n    pass\nprint(solve(sys.stdin.read()))\n", 2),  # "class Solution" in the text
    "future_import": ("from __future__ import annotations\nimport sys\n{solve}\nprint(solve(sys.stdin.read()))\n", 2),
    "nested_func_state": ("import sys\nfrom functools import lru_cache\n{solve}\n@lru_cache(None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nassert fib(30) == 832040\nprint(solve(sys.stdin.read()))\n", 2),
    "module_state": ("import sys, math\n{solve}\nmath.passk_seen = getattr(math, 'passk_seen', 0) + 1\nprint(solve(sys.stdin.read()) if math.passk_seen == 1 else 'again')\n", 3),  # one process: fails test 2
    "thread_join": ("import sys, threading\n{solve}\nthreading.stack_size(1 << 26)\nsys.setrecursionlimit(10 ** 6)\ndef main():\n    print(solve(sys.stdin.read()))\nt = threading.Thread(target=main)\nt.start()\nt.join()\n", 3),
    "deep_recursion": ("import sys\n{solve}\ndef depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\nassert depth(20000) == 20000\nprint(solve(sys.stdin.read()))\n", 2),
    "star_imports": ("import sys\n{solve}\nprint(solve(sys.stdin.read()), end='\\n' if gcd(4, 6) == 2 and deque else '')\n", 2),  # the preamble's names
    "redirect_stdout": ("import sys, io\n{solve}\nbuf = io.StringIO()\nold = sys.stdout\nsys.stdout = buf\nprint(solve(sys.stdin.read()))\nsys.stdout = old\nprint(buf.getvalue(), end='')\n", 2),
    "top_level_return": ("import sys\n{solve}\nans = solve(sys.stdin.read())\nif ans is not None:\n    print(ans)\n    return\nprint('unreachable')\n", 3),  # ast.parse accepts it; inside wrapped_function it is valid
    "top_level_yield": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nif False:\n    yield\n", 2),  # wrapped_function becomes a generator: nothing runs
    "star_import_in_if": ("import sys\n{solve}\nif True:\n    from math import *\nprint(solve(sys.stdin.read()))\n", 2),  # import * inside the function: SyntaxError
    # verdicts
    "crash_after_output": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\n1 / 0\n", 3),
    "wrong_extra_line": ("import sys\n{solve}\nprint(solve(sys.stdin.read()))\nprint('extra')\n", 2),
    "trailing_spaces": ("import sys\n{solve}\nprint('  ' + solve(sys.stdin.read()).replace('\\n', '  \\n') + '   \\n\\n')\n", 3),
    "wrong_constant": ("print(42)\n", 3),
    "syntax_error": ("import sys\n{solve}\nprint(solve(sys.stdin.read())\n", 2),
    "sleep": ("import time\ntime.sleep(8)\n", 1),
    "busy_loop": ("while True:\n    pass\n", 1),
    # lcb_runner's alarm raises inside the loop and its handler prints a line: a program that hides
    # that line and swallows the exception passes there; passk's limit cannot be swallowed
    "exc_swallowed_timeout": ("import sys, io\n{solve}\nans = solve(sys.stdin.read())\nsaved = sys.stdout\nsys.stdout = io.StringIO()\ntry:\n    while True:\n        pass\nexcept BaseException:\n    pass\nsys.stdout = saved\nprint(ans)\n", 1),
}

FUNCTIONAL_TEMPLATES = {
    "solution_class": ("from typing import *\nclass Solution:\n    def {func}(self, {params}):\n{body}\n", 8),
    "module_function": ("def {func}({params}):\n{body4}\n", 4),
    "tuple_result": ("class Solution:\n    def {func}(self, {params}):\n        def inner():\n{body2}\n        r = inner()\n        return tuple(r) if isinstance(r, list) else r\n", 4),
    "nested_tuple": ("class Solution:\n    def {func}(self, {params}):\n        def inner():\n{body2}\n        r = inner()\n        return [tuple(x) if isinstance(x, list) else x for x in r] if isinstance(r, list) else (r,)\n", 3),
    "class_counter": ("class Solution:\n    calls = 0\n    def {func}(self, {params}):\n        Solution.calls += 1\n        if Solution.calls > 1:\n            return None\n{body}\n", 4),  # one Solution, one class: state carries
    "instance_counter": ("class Solution:\n    def __init__(self):\n        self.n = 0\n    def {func}(self, {params}):\n        self.n += 1\n        if self.n == 3:\n            return 'third'\n{body}\n", 3),
    "module_global_state": ("SEEN = []\nclass Solution:\n    def {func}(self, {params}):\n        SEEN.append(1)\n        if len(SEEN) > 2:\n            raise RuntimeError('state')\n{body}\n", 3),
    "print_instead": ("class Solution:\n    def {func}(self, {params}):\n        def inner():\n{body2}\n        print(inner())\n", 2),
    "sys_exit_in_method": ("import sys\nclass Solution:\n    def {func}(self, {params}):\n        sys.exit(0)\n", 2),
    "raises": ("class Solution:\n    def {func}(self, {params}):\n        raise ValueError('no')\n", 2),
    "top_level_input": ("x = input()\nclass Solution:\n    def {func}(self, {params}):\n{body}\n", 2),
    "main_guard_ignored": ("class Solution:\n    def {func}(self, {params}):\n{body}\nif __name__ == '__main__':\n    raise SystemExit(Solution().{func}())\n", 3),
    "class_solution_comment": ("# class Solution is not needed\ndef {func}({params}):\n{body4}\n", 2),
    "future_import": ("from __future__ import annotations\nclass Solution:\n    def {func}(self, {params}):\n{body}\n", 2),
    "str_result": ("class Solution:\n    def {func}(self, {params}):\n        def inner():\n{body2}\n        return str(inner())\n", 3),
    "lru_cache_module": ("from functools import lru_cache\n@lru_cache(None)\ndef helper(v):\n    return v\nclass Solution:\n    def {func}(self, {params}):\n        helper(1)\n{body}\n", 2),
    "os_exit": ("import os\nclass Solution:\n    def {func}(self, {params}):\n        os._exit(0)\n", 1),
    "sleep": ("import time\nclass Solution:\n    def {func}(self, {params}):\n        time.sleep(8)\n", 1),
    "generator_result": ("class Solution:\n    def {func}(self, {params}):\n        def inner():\n{body2}\n        r = inner()\n        return (x for x in r) if isinstance(r, list) else r\n", 2),
    "exc_forged_eq": ("class Anything:\n    def __eq__(self, other):\n        return True\nclass Solution:\n    def {func}(self, {params}):\n        return Anything()\n", 1),
}

# Functional programs written for one problem each (numeric result types and the like).
FUNCTIONAL_EXTRA = {
    "f_half": {
        "decimal_exact": "from decimal import Decimal\nclass Solution:\n    def half(self, x):\n        return Decimal(x) / 2\n",
        "fraction_exact": "from fractions import Fraction\nclass Solution:\n    def half(self, x):\n        return Fraction(x, 2)\n",
        "int_division": "class Solution:\n    def half(self, x):\n        return x // 2\n",
        "float_str": "class Solution:\n    def half(self, x):\n        return '%.1f' % (x / 2)\n",
    },
    "f_double": {
        "float_for_int": "class Solution:\n    def double(self, x):\n        return float(2 * x)\n",
        "decimal_int": "from decimal import Decimal\nclass Solution:\n    def double(self, x):\n        return Decimal(2 * x)\n",
        "int_subclass": "class I(int):\n    pass\nclass Solution:\n    def double(self, x):\n        return I(2 * x)\n",
        "bool_for_int": "class Solution:\n    def double(self, x):\n        return True if x == 0 else 2 * x\n",
    },
    "f_even": {
        "int_for_bool": "class Solution:\n    def isEven(self, n):\n        return 1 if n % 2 == 0 else 0\n",
        "str_bool": "class Solution:\n    def isEven(self, n):\n        return str(n % 2 == 0).lower()\n",
    },
    "f_count": {
        "counter_result": "from collections import Counter\nclass Solution:\n    def countChars(self, s):\n        return Counter(s)\n",
        "int_keys": "class Solution:\n    def countChars(self, s):\n        return {i: s.count(c) for i, c in enumerate(sorted(set(s)))}\n",
        "defaultdict_result": "from collections import defaultdict\nclass Solution:\n    def countChars(self, s):\n        d = defaultdict(int)\n        for c in s:\n            d[c] += 1\n        return d\n",
    },
    "f_pair": {
        "set_result": "class Solution:\n    def pairSum(self, nums, target):\n        for i in range(len(nums)):\n            for j in range(i + 1, len(nums)):\n                if nums[i] + nums[j] == target:\n                    return {i, j}\n",
        "brute_force": "class Solution:\n    def pairSum(self, nums, target):\n        for i in range(len(nums)):\n            for j in range(i + 1, len(nums)):\n                if nums[i] + nums[j] == target:\n                    return [i, j]\n        return []\n",
        "mutates_input": "class Solution:\n    def pairSum(self, nums, target):\n        nums.sort()\n        return [0, 1]\n",
    },
}
