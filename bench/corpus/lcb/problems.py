"""The lcb agreement corpus, part 1: small problems written for passk (not from any dataset).

Each stdin problem has `solve`, the body of `def solve(data):` returning the whole expected
output for the whole input text, and tests (input, output) computed from it by the bench. Each
functional problem has its method's reference body and its tests as LiveCodeBench stores them
(one JSON value per line of input, one JSON value as output).
"""

STDIN = {
    "s_sum": {
        "solve": "a, b = map(int, data.split())\nreturn str(a + b)",
        "inputs": ["1 2\n", "10 20\n", "-5 5\n"],
    },
    "s_reverse_words": {
        "solve": "lines = data.split('\\n')\nn = int(lines[0])\nreturn '\\n'.join(reversed(lines[1:1 + n]))",
        "inputs": ["3\nab\ncd\nef\n", "1\nx\n", "2\nhello\nworld\n"],
    },
    "s_average": {  # expected outputs with 6 decimals: Decimal-looking comparisons
        "solve": "xs = list(map(int, data.split()))[1:]\nreturn '%.6f' % (sum(xs) / len(xs))",
        "inputs": ["2\n2 3\n", "3\n1 1 2\n", "1\n7\n"],
    },
    "s_grid": {
        "solve": "rows = data.split()\nh = int(rows[0])\nreturn str(sum(r.count('#') for r in rows[2:2 + h]))",
        "inputs": ["2 3\n#.#\n..#\n", "1 1\n.\n", "3 2\n##\n##\n.#\n"],
    },
    "s_product": {  # big integers
        "solve": "a, b = map(int, data.split())\nreturn str(a * b)",
        "inputs": ["123456789123456789 987654321987654321\n", "0 5\n", "-3 7\n"],
    },
    "s_parity": {
        "solve": "n = int(data.split()[0])\nreturn 'Yes' if n % 2 == 0 else 'No'",
        "inputs": ["4\n", "7\n", "0\n"],
    },
    "s_cases": {  # T test cases, one answer per line
        "solve": "t = data.split('\\n')\nk = int(t[0])\nreturn '\\n'.join(str(max(map(int, t[1 + i].split()))) for i in range(k))",
        "inputs": ["2\n1 5\n7 3\n", "1\n-1 -2\n", "3\n0 0\n9 8\n4 4\n"],
    },
    "s_table": {  # a multi-line output with spaces
        "solve": "n = int(data.split()[0])\nreturn '\\n'.join(' '.join(str(i * j) for j in range(1, n + 1)) for i in range(1, n + 1))",
        "inputs": ["2\n", "3\n", "1\n"],
    },
    "s_half": {  # a float output: 2.5 vs 2.50 vs 2.500000
        "solve": "n = int(data.split()[0])\nreturn str(n / 2)",
        "inputs": ["5\n", "8\n", "1\n"],
    },
    "s_string": {
        "solve": "return data.split('\\n')[0][::-1]",
        "inputs": ["abc\n", "racecar\n", "xy\n"],
    },
}

FUNCTIONAL = {
    "f_add": {"func": "add", "params": "a, b", "body": "return a + b",
              "tests": [("1\n2", "3"), ("10\n-4", "6"), ("0\n0", "0")]},
    "f_pair": {"func": "pairSum", "params": "nums, target",
               "body": "seen = {}\nfor i, x in enumerate(nums):\n    if target - x in seen:\n        return [seen[target - x], i]\n    seen[x] = i\nreturn []",
               "tests": [("[2, 7, 11, 15]\n9", "[0, 1]"), ("[3, 2, 4]\n6", "[1, 2]"), ("[1, 1]\n2", "[0, 1]")]},
    "f_count": {"func": "countChars", "params": "s",
                "body": "out = {}\nfor c in s:\n    out[c] = out.get(c, 0) + 1\nreturn out",
                "tests": [('"aab"', '{"a": 2, "b": 1}'), ('"z"', '{"z": 1}'), ('"abc"', '{"a": 1, "b": 1, "c": 1}')]},
    "f_half": {"func": "half", "params": "x", "body": "return x / 2",
               "tests": [("3", "1.5"), ("4", "2"), ("1", "0.5")]},
    "f_double": {"func": "double", "params": "x", "body": "return 2 * x",
                 "tests": [("1", "2"), ("5", "10"), ("-3", "-6")]},
    "f_even": {"func": "isEven", "params": "n", "body": "return n % 2 == 0",
               "tests": [("4", "true"), ("3", "false"), ("0", "true")]},
    "f_transpose": {"func": "transpose", "params": "m",
                    "body": "return [list(r) for r in zip(*m)]",
                    "tests": [("[[1, 2], [3, 4]]", "[[1, 3], [2, 4]]"), ("[[1, 2, 3]]", "[[1], [2], [3]]"), ("[[5]]", "[[5]]")]},
    "f_reverse": {"func": "reverse", "params": "s", "body": "return s[::-1]",
                  "tests": [('"abc"', '"cba"'), ('"x"', '"x"'), ('"hello"', '"olleh"')]},
}
